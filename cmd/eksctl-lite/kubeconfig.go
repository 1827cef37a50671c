package main

// eksctl-lite kubeconfig: writes or merges the kubeconfig entry of a
// cluster, of the shape aws eks update-kubeconfig writes (cluster, user and
// context named by the cluster's ARN, current-context set to it), whose
// user runs eksctl-lite token as its exec credential plugin.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

func init() { commands = append(commands, newKubeconfigCommand) }

// tokenCommand is the command the kubeconfig's user runs. It is the name,
// found on PATH when kubectl runs it, not the path of this binary: the
// file stays right when eksctl-lite is upgraded or moved and on another
// machine (a CI artifact), as aws eks update-kubeconfig writes "aws".
const tokenCommand = "eksctl-lite"

type kubeconfigOptions struct {
	file    string
	roleARN string
	alias   string
}

func newKubeconfigCommand(g *globalOptions) *cobra.Command {
	o := &kubeconfigOptions{}
	cmd := &cobra.Command{
		Use:   "kubeconfig CLUSTER",
		Short: "Write or merge a cluster's entry into a kubeconfig file",
		Long: `Kubeconfig reads the EKS cluster CLUSTER (its endpoint and certificate
authority) and writes its entry into a kubeconfig file, as aws eks
update-kubeconfig does: a cluster, a user and a context named by the
cluster's ARN (the context by --alias when given), and current-context set to
it. The user runs "eksctl-lite token --cluster CLUSTER --region R" as its exec
credential plugin, so kubectl needs no other CLI; eksctl-lite must be on PATH
when kubectl runs. --profile is passed on as AWS_PROFILE.

The file is --file, else the first path in $KUBECONFIG, else ~/.kube/config.
A missing file is created (mode 0600, directories 0700); in an existing one
every other entry and setting is kept and only the entries of the same names
are replaced.

--role-arn is not used to read the cluster: the token command assumes it,
each time kubectl asks for a token.`,
		Example: `  # Write the entry into ~/.kube/config and use it
  eksctl-lite kubeconfig demo --region eu-west-1
  kubectl get nodes

  # Into a file of its own, authenticating as a role
  eksctl-lite kubeconfig demo --file ./kubeconfig --role-arn arn:aws:iam::111122223333:role/eks-admin

  # A short context name
  eksctl-lite kubeconfig demo --alias demo`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return errors.New("kubeconfig needs the cluster's name: eksctl-lite kubeconfig CLUSTER")
			case len(args) > 1:
				return fmt.Errorf("kubeconfig writes one cluster's entry, got %d: %s", len(args), strings.Join(args, " "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runKubeconfig(cmd, g, o, args[0])
		},
	}
	cmd.Flags().StringVar(&o.file, "file", "", "the kubeconfig `FILE` to write (default: the first path in $KUBECONFIG, else ~/.kube/config)")
	cmd.Flags().StringVar(&o.roleARN, "role-arn", "", "the token command assumes this IAM role to sign tokens")
	cmd.Flags().StringVar(&o.alias, "alias", "", "name the context this instead of the cluster's ARN")
	return cmd
}

func runKubeconfig(cmd *cobra.Command, g *globalOptions, o *kubeconfigOptions, cluster string) error {
	if strings.TrimSpace(cluster) == "" {
		return errors.New("kubeconfig needs the cluster's name: eksctl-lite kubeconfig CLUSTER")
	}
	if err := checkRoleARN(o.roleARN); err != nil {
		return err
	}
	if o.file == "" && cmd.Flags().Changed("file") {
		return errors.New("--file needs a path: --file FILE")
	}
	path, err := kubeconfigPath(o.file)
	if err != nil {
		return err
	}
	if err := g.checkAWSEnv(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), g.timeouts.Plan)
	defer cancel()
	clients, err := newClientsFactory(ctx, g.awsOptions())
	if err != nil {
		return err
	}
	c, err := clients(g.region)
	if err != nil {
		return err
	}
	out, err := c.EKS.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(cluster)})
	if err != nil {
		return describeClusterError(err, cluster, g)
	}
	region := g.region
	if region == "" {
		region, _ = clients.DefaultRegion()
	}
	entry, err := kubeconfigEntryFor(out.Cluster, cluster, region, g.profile, o)
	if err != nil {
		return err
	}
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading the kubeconfig %s: %w", path, err)
	}
	merged, replaced, err := mergeKubeconfig(old, entry)
	if err != nil {
		return fmt.Errorf("the kubeconfig %s: %w", path, err)
	}
	if err := writeKubeconfig(path, merged); err != nil {
		return err
	}
	verb, prep := "Added new", "to"
	if replaced {
		verb, prep = "Updated", "in"
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s context %s %s %s\n", verb, entry.context, prep, path)
	return nil
}

// kubeconfigPath is the file to write: file, else the first entry of
// $KUBECONFIG, else ~/.kube/config.
func kubeconfigPath(file string) (string, error) {
	if file != "" {
		return file, nil
	}
	for _, p := range filepath.SplitList(os.Getenv("KUBECONFIG")) {
		if p != "" {
			return p, nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("cannot tell where the kubeconfig goes: no home directory; pass --file FILE or set KUBECONFIG")
	}
	return filepath.Join(home, ".kube", "config"), nil
}

// describeClusterError says why the cluster could not be read, with the
// fix.
func describeClusterError(err error, cluster string, g *globalOptions) error {
	where := g.region
	if where == "" {
		where = "the default region"
	}
	var nf *ekstypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return fmt.Errorf("no EKS cluster %q in %s: check the name and --region (eksctl-lite apply creates it)", cluster, where)
	}
	if causes, ok := provision.ClassifyAWSErrors(err); ok && len(causes) > 0 {
		switch causes[0].Kind {
		case provision.NoCredentials:
			return fmt.Errorf("no AWS credentials found to read cluster %s: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login, then try again (%v)", cluster, err)
		case provision.CannotConnect, provision.NoAnswer:
			return fmt.Errorf("cannot reach EKS to read cluster %s: check the network, --region and --endpoint-url, then try again (%v)", cluster, err)
		case provision.AccessDenied:
			return fmt.Errorf("reading cluster %s needs eks:DescribeCluster, which your credentials are refused (%v)", cluster, err)
		}
	}
	return fmt.Errorf("reading cluster %s (EKS DescribeCluster): %w", cluster, err)
}

// kubeconfigEntry is what kubeconfig writes for one cluster.
type kubeconfigEntry struct {
	name    string // of the cluster and user entries: the cluster's ARN
	context string // of the context: the ARN, or --alias
	cluster kcCluster
	user    kcUser
	ctx     kcContext
}

// The entries, in the key order aws eks update-kubeconfig writes.
type kcCluster struct {
	Cluster struct {
		CertificateAuthorityData string `yaml:"certificate-authority-data"`
		Server                   string `yaml:"server"`
	} `yaml:"cluster"`
	Name string `yaml:"name"`
}

type kcContext struct {
	Context struct {
		Cluster string `yaml:"cluster"`
		User    string `yaml:"user"`
	} `yaml:"context"`
	Name string `yaml:"name"`
}

type kcUser struct {
	Name string `yaml:"name"`
	User struct {
		Exec kcExec `yaml:"exec"`
	} `yaml:"user"`
}

type kcExec struct {
	APIVersion string     `yaml:"apiVersion"`
	Args       []string   `yaml:"args"`
	Command    string     `yaml:"command"`
	Env        []kcEnvVar `yaml:"env,omitempty"`
}

type kcEnvVar struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// kubeconfigEntryFor is the entry of the cluster c that DescribeCluster
// returned for name; region is the one the token is signed for ("" when
// unknown: then the cluster ARN's).
func kubeconfigEntryFor(c *ekstypes.Cluster, name, region, profile string, o *kubeconfigOptions) (*kubeconfigEntry, error) {
	if c == nil {
		return nil, fmt.Errorf("EKS DescribeCluster returned nothing for cluster %s", name)
	}
	endpoint := aws.ToString(c.Endpoint)
	var ca string
	if c.CertificateAuthority != nil {
		ca = aws.ToString(c.CertificateAuthority.Data)
	}
	if endpoint == "" || ca == "" {
		return nil, fmt.Errorf("cluster %s is %s and has no API endpoint or certificate authority yet: wait until it is ACTIVE (eksctl-lite apply waits), then run this again", name, strings.ToLower(string(c.Status)))
	}
	clusterARN := aws.ToString(c.Arn)
	if a, err := arn.Parse(clusterARN); err == nil {
		if region == "" {
			region = a.Region
		}
	} else {
		return nil, fmt.Errorf("EKS DescribeCluster returned %q as the ARN of cluster %s, which is no ARN", clusterARN, name)
	}
	if region == "" {
		return nil, errors.New("no AWS region is configured: pass --region, or set AWS_REGION (or a region in your AWS profile)")
	}
	e := &kubeconfigEntry{name: clusterARN, context: clusterARN}
	if o.alias != "" {
		e.context = o.alias
	}
	e.cluster.Name = clusterARN
	e.cluster.Cluster.Server = endpoint
	e.cluster.Cluster.CertificateAuthorityData = ca
	e.ctx.Name = e.context
	e.ctx.Context.Cluster = clusterARN
	e.ctx.Context.User = clusterARN
	e.user.Name = clusterARN
	exec := kcExec{
		APIVersion: execCredentialV1beta1,
		Command:    tokenCommand,
		Args:       []string{"token", "--cluster", name, "--region", region},
	}
	if o.roleARN != "" {
		exec.Args = append(exec.Args, "--role-arn", o.roleARN)
	}
	if profile != "" {
		exec.Env = []kcEnvVar{{Name: "AWS_PROFILE", Value: profile}}
	}
	e.user.User.Exec = exec
	return e, nil
}

// mergeKubeconfig returns the kubeconfig old (empty: none yet) with e's
// entries in it: an entry of the same name in clusters, users or contexts
// is replaced where it is, else e's is appended; current-context becomes
// e's context. Everything else, keys this command does not know
// (preferences, extensions, ...) and comments included, is kept. replaced
// says whether the context was there already.
func mergeKubeconfig(old []byte, e *kubeconfigEntry) (out []byte, replaced bool, err error) {
	var doc yaml.Node
	if len(bytes.TrimSpace(old)) > 0 {
		if err := yaml.Unmarshal(old, &doc); err != nil {
			return nil, false, fmt.Errorf("it is not YAML (%v); fix it or pass --file FILE to write another", err)
		}
	}
	if doc.Kind == 0 || (doc.Kind == yaml.DocumentNode && len(doc.Content) == 0) ||
		(doc.Kind == yaml.DocumentNode && doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null") {
		doc = *newKubeconfigDoc()
	}
	root := doc.Content[0]
	if doc.Kind != yaml.DocumentNode || root.Kind != yaml.MappingNode {
		return nil, false, errors.New("it is not a kubeconfig: its top level is not a mapping of apiVersion, clusters, contexts, users, ...; fix it or pass --file FILE to write another")
	}
	for _, kv := range [][2]string{{"apiVersion", "v1"}, {"kind", "Config"}} {
		if mapValue(root, kv[0]) == nil {
			setMapValue(root, kv[0], scalar(kv[1]))
		}
	}
	for _, list := range []struct {
		key, name string
		value     any
	}{
		{"clusters", e.name, e.cluster},
		{"contexts", e.context, e.ctx},
		{"users", e.name, e.user},
	} {
		var n yaml.Node
		if err := n.Encode(list.value); err != nil {
			return nil, false, err
		}
		was, err := putNamed(root, list.key, list.name, &n)
		if err != nil {
			return nil, false, err
		}
		if list.key == "contexts" {
			replaced = was
		}
	}
	setMapValue(root, "current-context", scalar(e.context))
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	enc.CompactSeqIndent() // "- name:" under its key, as kubectl writes
	if err := enc.Encode(&doc); err != nil {
		return nil, false, err
	}
	if err := enc.Close(); err != nil {
		return nil, false, err
	}
	return buf.Bytes(), replaced, nil
}

// newKubeconfigDoc is an empty kubeconfig, with the keys in the order aws
// eks update-kubeconfig writes them.
func newKubeconfigDoc() *yaml.Node {
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	setMapValue(root, "apiVersion", scalar("v1"))
	setMapValue(root, "clusters", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"})
	setMapValue(root, "contexts", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"})
	setMapValue(root, "current-context", scalar(""))
	setMapValue(root, "kind", scalar("Config"))
	setMapValue(root, "preferences", &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle})
	setMapValue(root, "users", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"})
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
}

// putNamed puts entry into the list under key of the mapping root: in place
// of the first item named name (and the others of that name removed), else
// at the end; it reports whether one was replaced.
func putNamed(root *yaml.Node, key, name string, entry *yaml.Node) (bool, error) {
	list := mapValue(root, key)
	if list == nil || (list.Kind == yaml.ScalarNode && list.Tag == "!!null") {
		list = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		setMapValue(root, key, list)
	}
	if list.Kind != yaml.SequenceNode {
		return false, fmt.Errorf("it is not a kubeconfig: %s (line %d) is not a list; fix it or pass --file FILE to write another", key, list.Line)
	}
	replaced := false
	kept := list.Content[:0]
	for _, item := range list.Content {
		n := mapValue(item, "name")
		if item.Kind == yaml.MappingNode && n != nil && n.Kind == yaml.ScalarNode && n.Value == name {
			if !replaced {
				kept = append(kept, entry)
				replaced = true
			}
			continue
		}
		kept = append(kept, item)
	}
	if !replaced {
		kept = append(kept, entry)
	}
	list.Content = kept
	if list.Style == yaml.FlowStyle { // "clusters: []" written by hand
		list.Style = 0
	}
	return replaced, nil
}

func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// mapValue is the value of key in the mapping m, nil when it has none.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setMapValue sets key of the mapping m to v, where the key is, else at
// the end.
func setMapValue(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, scalar(key), v)
}

// writeKubeconfig writes data to path whole or not at all (a temporary file
// renamed over it), creating its directory (0700) and the file (0600); an
// existing file keeps its mode, and a symbolic link its target.
func writeKubeconfig(path string, data []byte) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the kubeconfig's directory: %w", err)
	}
	mode := fs.FileMode(0o600)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing the kubeconfig %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a failure; renamed away otherwise
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the kubeconfig %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the kubeconfig %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the kubeconfig %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the kubeconfig %s: %w", path, err)
	}
	return nil
}

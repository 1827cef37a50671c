package integration

// kubeconfig and token through the binary: the entry written for a cluster
// the emulator has, and the exec credential plugin it names, run as kubectl
// would run it.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.yaml.in/yaml/v3"
)

// kubeconfigFile is the part of a kubeconfig this test reads.
type kubeconfigFile struct {
	Clusters []struct {
		Name    string `yaml:"name"`
		Cluster struct {
			Server string `yaml:"server"`
			CA     string `yaml:"certificate-authority-data"`
		} `yaml:"cluster"`
	} `yaml:"clusters"`
	Contexts []struct {
		Name    string `yaml:"name"`
		Context struct {
			Cluster string `yaml:"cluster"`
			User    string `yaml:"user"`
		} `yaml:"context"`
	} `yaml:"contexts"`
	CurrentContext string `yaml:"current-context"`
	Users          []struct {
		Name string `yaml:"name"`
		User struct {
			Exec struct {
				APIVersion string   `yaml:"apiVersion"`
				Command    string   `yaml:"command"`
				Args       []string `yaml:"args"`
				Env        []struct {
					Name  string `yaml:"name"`
					Value string `yaml:"value"`
				} `yaml:"env"`
			} `yaml:"exec"`
		} `yaml:"user"`
	} `yaml:"users"`
}

func TestKubeconfig(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("kcfg")
	createCluster(t, e, name, "1.32", true)
	live := describeCluster(t, e, name)
	dir := t.TempDir()
	file := filepath.Join(dir, "kube", "config")

	r := e.run(t, dir, "kubeconfig", name, "--file", file)
	if r.code != 0 {
		t.Fatalf("kubeconfig exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", st.Mode().Perm())
	}
	var kc kubeconfigFile
	if err := yaml.Unmarshal(b, &kc); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	arn := aws.ToString(live.Arn)
	if kc.CurrentContext != arn || len(kc.Clusters) != 1 || len(kc.Users) != 1 || len(kc.Contexts) != 1 {
		t.Fatalf("kubeconfig is not one entry named %s:\n%s", arn, b)
	}
	c := kc.Clusters[0]
	if c.Name != arn || c.Cluster.Server != aws.ToString(live.Endpoint) || c.Cluster.CA != aws.ToString(live.CertificateAuthority.Data) {
		t.Errorf("cluster entry %+v, want server %s and the CA of DescribeCluster", c, aws.ToString(live.Endpoint))
	}
	if ctx := kc.Contexts[0]; ctx.Name != arn || ctx.Context.Cluster != arn || ctx.Context.User != arn {
		t.Errorf("context %+v", ctx)
	}
	x := kc.Users[0].User.Exec
	want := []string{"token", "--cluster", name, "--region", e.region}
	if x.APIVersion != "client.authentication.k8s.io/v1beta1" || x.Command != "eksctl-lite" || !slices.Equal(x.Args, want) {
		t.Errorf("exec %+v, want eksctl-lite %v", x, want)
	}

	// Run the plugin as kubectl does: the command found on PATH, with the
	// entry's environment.
	ec := runExecPlugin(t, e, dir, x.Command, x.Args, nil)
	u := execToken(t, ec)
	q := u.Query()
	if q.Get("Action") != "GetCallerIdentity" || q.Get("X-Amz-Expires") != "60" ||
		!slices.Contains(strings.Split(q.Get("X-Amz-SignedHeaders"), ";"), "x-k8s-aws-id") ||
		!strings.HasPrefix(q.Get("X-Amz-Credential"), "test/") || !strings.Contains(q.Get("X-Amz-Credential"), "/"+e.region+"/sts/") {
		t.Errorf("token URL %s", u)
	}
	// The URL is the STS of AWS_ENDPOINT_URL. (Calling it is no test
	// here: the emulator routes a request signed in its query, with no
	// Authorization header, to S3.)
	if ep, _ := url.Parse(e.endpoint); u.Host != ep.Host {
		t.Errorf("token URL host %s, want the endpoint's %s", u.Host, ep.Host)
	}

	// With a role, merged into the same file: our entry replaced, the
	// plugin assumes the role before signing.
	role := "arn:aws:iam::123456789012:role/" + name + "-admin"
	r = e.run(t, dir, "kubeconfig", name, "--file", file, "--role-arn", role, "--alias", name)
	if r.code != 0 {
		t.Fatalf("kubeconfig --role-arn exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	b, _ = os.ReadFile(file)
	kc = kubeconfigFile{}
	if err := yaml.Unmarshal(b, &kc); err != nil {
		t.Fatal(err)
	}
	if kc.CurrentContext != name || len(kc.Clusters) != 1 || len(kc.Users) != 1 || len(kc.Contexts) != 2 {
		t.Fatalf("after --alias: want one cluster and user, the ARN's context and %s:\n%s", name, b)
	}
	x = kc.Users[0].User.Exec
	if !slices.Equal(x.Args, append(want, "--role-arn", role)) {
		t.Errorf("args %v", x.Args)
	}
	if !e.external {
		ec = runExecPlugin(t, e, dir, x.Command, x.Args, nil)
		q = execToken(t, ec).Query()
		if q.Get("X-Amz-Security-Token") == "" || strings.HasPrefix(q.Get("X-Amz-Credential"), "test/") {
			t.Errorf("the token is not signed with the role's session credentials: %v", q)
		}
	}
}

// runExecPlugin runs command args as kubectl runs an exec credential
// plugin: found on PATH (the built binary's directory first), with the
// test's environment, and returns what it printed.
func runExecPlugin(t *testing.T, e *env, dir, command string, args, extraEnv []string) map[string]any {
	t.Helper()
	bin := binary(t)
	env := append(e.cliEnv(t), extraEnv...)
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + strings.TrimPrefix(kv, "PATH=")
		}
	}
	path, err := lookPathIn(command, env)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", command, strings.Join(args, " "), err, stderr.String())
	}
	var ec map[string]any
	if err := json.Unmarshal(out, &ec); err != nil {
		t.Fatalf("the plugin printed no JSON: %v\n%s", err, out)
	}
	return ec
}

// lookPathIn finds command on the PATH of env.
func lookPathIn(command string, env []string) (string, error) {
	if strings.Contains(command, "/") {
		return command, nil
	}
	for _, kv := range env {
		if p, ok := strings.CutPrefix(kv, "PATH="); ok {
			for _, d := range filepath.SplitList(p) {
				candidate := filepath.Join(d, command)
				if st, err := os.Stat(candidate); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
					return candidate, nil
				}
			}
		}
	}
	return "", &exec.Error{Name: command, Err: exec.ErrNotFound}
}

// execToken checks that ec is an ExecCredential with an EKS token that
// expires in the future, and returns the token's presigned URL.
func execToken(t *testing.T, ec map[string]any) *url.URL {
	t.Helper()
	status, _ := ec["status"].(map[string]any)
	if ec["kind"] != "ExecCredential" || ec["apiVersion"] != "client.authentication.k8s.io/v1beta1" || status == nil {
		t.Fatalf("not an ExecCredential: %v", ec)
	}
	exp, err := time.Parse(time.RFC3339, status["expirationTimestamp"].(string))
	if err != nil || !exp.After(time.Now().Add(10*time.Minute)) || exp.After(time.Now().Add(15*time.Minute)) {
		t.Errorf("expirationTimestamp %v (%v), want about 14 minutes from now", status["expirationTimestamp"], err)
	}
	token, _ := status["token"].(string)
	b64, ok := strings.CutPrefix(token, "k8s-aws-v1.")
	if !ok {
		t.Fatalf("token %q lacks k8s-aws-v1.", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("token is not unpadded base64url: %v", err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

var updateKubeconfig = flag.Bool("update-kubeconfig", false, "rewrite the golden files under testdata/kubeconfig/")

// clusterEKS is an account with one cluster, demo, as DescribeCluster
// returns it.
type clusterEKS struct {
	emptyEKS
	cluster ekstypes.Cluster
	asked   *[]string
}

func (f clusterEKS) DescribeCluster(_ context.Context, in *eks.DescribeClusterInput, _ ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	*f.asked = append(*f.asked, aws.ToString(in.Name))
	if aws.ToString(in.Name) != aws.ToString(f.cluster.Name) {
		return f.emptyEKS.DescribeCluster(context.Background(), in)
	}
	c := f.cluster
	return &eks.DescribeClusterOutput{Cluster: &c}, nil
}

const demoARN = "arn:aws:eks:eu-west-1:111122223333:cluster/demo"

// fakeDemoCluster makes the CLI's EKS hold the ACTIVE cluster demo (or
// one in status), and returns the names DescribeCluster was asked for.
func fakeDemoCluster(t *testing.T, status ekstypes.ClusterStatus) *[]string {
	t.Helper()
	asked := new([]string)
	c := ekstypes.Cluster{Name: aws.String("demo"), Arn: aws.String(demoARN), Status: status}
	if status == ekstypes.ClusterStatusActive {
		c.Endpoint = aws.String("https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com")
		c.CertificateAuthority = &ekstypes.Certificate{Data: aws.String("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmRlbW8KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=")}
	}
	fakeClients(t, &provision.Clients{EKS: clusterEKS{emptyEKS: emptyEKS{calls: new(int)}, cluster: c, asked: asked}})
	return asked
}

// checkGolden compares got with testdata/kubeconfig/name, or rewrites it
// with -update-kubeconfig.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "kubeconfig", name)
	if *updateKubeconfig {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update-kubeconfig to write it)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func TestKubeconfigGolden(t *testing.T) {
	tests := map[string]struct {
		input  string // under testdata/kubeconfig, "" for no file yet
		args   []string
		golden string
		said   string
	}{
		"new file": {
			args: []string{"--region", "eu-west-1"}, golden: "new.golden.yaml",
			said: "Added new context " + demoARN + " to ",
		},
		"merge keeps the others and replaces ours": {
			input: "merge.input.yaml", args: []string{"--region", "eu-west-1"}, golden: "merge.golden.yaml",
			said: "Updated context " + demoARN + " in ",
		},
		"role": {
			args: []string{"--region", "eu-west-1", "--role-arn", "arn:aws:iam::111122223333:role/eks-admin"}, golden: "role.golden.yaml",
		},
		"alias": {
			input: "merge.input.yaml", args: []string{"--region", "eu-west-1", "--alias", "demo"}, golden: "alias.golden.yaml",
			said: "Added new context demo to ",
		},
		"profile": {
			args: []string{"--region", "eu-west-1", "--profile", "prod"}, golden: "profile.golden.yaml",
		},
		"region from the cluster's ARN": {
			args: nil, golden: "new.golden.yaml",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			offlineAWS(t)
			asked := fakeDemoCluster(t, ekstypes.ClusterStatusActive)
			file := filepath.Join(t.TempDir(), "config")
			if tt.input != "" {
				b, err := os.ReadFile(filepath.Join("testdata", "kubeconfig", tt.input))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, b, 0o640); err != nil {
					t.Fatal(err)
				}
			}
			args := append([]string{"kubeconfig", "demo", "--file", file}, tt.args...)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if tt.said != "" && stdout != tt.said+file+"\n" {
				t.Errorf("stdout %q, want %q", stdout, tt.said+file+"\n")
			}
			if cmp.Diff([]string{"demo"}, *asked) != "" {
				t.Errorf("DescribeCluster asked for %q", *asked)
			}
			got, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.golden, got)
			st, _ := os.Stat(file)
			wantMode := os.FileMode(0o600)
			if tt.input != "" {
				wantMode = 0o640 // an existing file keeps its mode
			}
			if st.Mode().Perm() != wantMode {
				t.Errorf("mode %v, want %v", st.Mode().Perm(), wantMode)
			}

			// Writing it again changes nothing.
			if code, _, stderr := runCLI(t, "", args...); code != 0 {
				t.Fatalf("again: exit %d: %s", code, stderr)
			}
			again, _ := os.ReadFile(file)
			if diff := cmp.Diff(string(got), string(again)); diff != "" {
				t.Errorf("a second run changed the file:\n%s", diff)
			}
		})
	}
}

// The merged file keeps what this command does not know, checked on the
// parsed YAML too: every other entry as it was, ours once.
func TestKubeconfigMergeKeepsEverythingElse(t *testing.T) {
	input, err := os.ReadFile(filepath.Join("testdata", "kubeconfig", "merge.input.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("testdata", "kubeconfig", "merge.golden.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var before, after map[string]any
	if err := yaml.Unmarshal(input, &before); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(got, &after); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"preferences", "extensions", "apiVersion", "kind"} {
		if diff := cmp.Diff(before[key], after[key]); diff != "" {
			t.Errorf("%s changed:\n%s", key, diff)
		}
	}
	if after["current-context"] != demoARN {
		t.Errorf("current-context %v", after["current-context"])
	}
	for _, list := range []string{"clusters", "contexts", "users"} {
		var ours int
		others := map[string]any{}
		for _, item := range after[list].([]any) {
			m := item.(map[string]any)
			if m["name"] == demoARN {
				ours++
				continue
			}
			others[m["name"].(string)] = m
		}
		wantOthers := map[string]any{}
		for _, item := range before[list].([]any) {
			m := item.(map[string]any)
			if m["name"] != demoARN {
				wantOthers[m["name"].(string)] = m
			}
		}
		if ours != 1 {
			t.Errorf("%s has %d entries of ours", list, ours)
		}
		if diff := cmp.Diff(wantOthers, others); diff != "" {
			t.Errorf("%s: the other entries changed:\n%s", list, diff)
		}
	}
	if strings.Contains(string(got), "old.example.com") || strings.Contains(string(got), "v1alpha1") {
		t.Error("the older entry of ours is still there")
	}
	if !strings.Contains(string(got), "# the team's staging cluster") {
		t.Error("a comment was lost")
	}
}

// Where the file goes: --file, else the first path in KUBECONFIG, else
// ~/.kube/config, its directories created 0700.
func TestKubeconfigPath(t *testing.T) {
	t.Run("KUBECONFIG", func(t *testing.T) {
		offlineAWS(t)
		fakeDemoCluster(t, ekstypes.ClusterStatusActive)
		dir := t.TempDir()
		first, second := filepath.Join(dir, "a", "first"), filepath.Join(dir, "second")
		t.Setenv("KUBECONFIG", first+string(os.PathListSeparator)+second)
		if code, _, stderr := runCLI(t, "", "kubeconfig", "demo"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(first); err != nil {
			t.Error(err)
		}
		if _, err := os.Stat(second); err == nil {
			t.Error("the second path of KUBECONFIG was written")
		}
	})
	t.Run("home", func(t *testing.T) {
		offlineAWS(t)
		fakeDemoCluster(t, ekstypes.ClusterStatusActive)
		home := t.TempDir()
		t.Setenv("HOME", home)
		t.Setenv("KUBECONFIG", "")
		if code, _, stderr := runCLI(t, "", "kubeconfig", "demo"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		st, err := os.Stat(filepath.Join(home, ".kube"))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 {
			t.Errorf(".kube mode %v, want 0700", st.Mode().Perm())
		}
		st, err = os.Stat(filepath.Join(home, ".kube", "config"))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("config mode %v, want 0600", st.Mode().Perm())
		}
	})
}

func TestKubeconfigErrors(t *testing.T) {
	tests := map[string]struct {
		args    []string
		status  ekstypes.ClusterStatus
		content string
		want    string
	}{
		"no cluster":       {args: []string{}, want: "kubeconfig needs the cluster's name: eksctl-lite kubeconfig CLUSTER"},
		"two clusters":     {args: []string{"a", "b"}, want: "kubeconfig writes one cluster's entry, got 2: a b"},
		"not found":        {args: []string{"nope", "--region", "eu-west-1"}, want: `no EKS cluster "nope" in eu-west-1: check the name and --region`},
		"still creating":   {args: []string{"demo"}, status: ekstypes.ClusterStatusCreating, want: "cluster demo is creating and has no API endpoint or certificate authority yet: wait until it is ACTIVE"},
		"bad role":         {args: []string{"demo", "--role-arn", "admin"}, want: `--role-arn "admin" is not an IAM role's ARN`},
		"not YAML":         {args: []string{"demo"}, content: "clusters: [\n", want: "is not YAML"},
		"not a mapping":    {args: []string{"demo"}, content: "- a\n- b\n", want: "it is not a kubeconfig: its top level is not a mapping"},
		"clusters no list": {args: []string{"demo"}, content: "clusters: yes\n", want: "it is not a kubeconfig: clusters (line 1) is not a list"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			offlineAWS(t)
			status := tt.status
			if status == "" {
				status = ekstypes.ClusterStatusActive
			}
			fakeDemoCluster(t, status)
			file := filepath.Join(t.TempDir(), "config")
			if tt.content != "" {
				if err := os.WriteFile(file, []byte(tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := runCLI(t, "", append(append([]string{"kubeconfig"}, tt.args...), "--file", file)...)
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			if b, _ := os.ReadFile(file); string(b) != tt.content {
				t.Errorf("the file was changed: %q", b)
			}
		})
	}
}

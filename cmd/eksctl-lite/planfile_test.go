package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

// noAWSCalls makes building the AWS clients fail the test: what it checks
// must be refused before any AWS call.
func noAWSCalls(t *testing.T) {
	t.Helper()
	old := newClientsFactory
	t.Cleanup(func() { newClientsFactory = old })
	newClientsFactory = func(context.Context, provision.AWSOptions) (provision.ClientsFactory, error) {
		t.Error("AWS clients were built")
		return func(string) (*provision.Clients, error) {
			t.Error("AWS was called")
			return &provision.Clients{EKS: emptyEKS{calls: new(int)}, IAM: emptyIAM{calls: new(int)}, EC2: emptyEC2{}, AutoScaling: emptyAutoScaling{}}, nil
		}, nil
	}
}

// A saved plan is applied (and shown) exactly as it was made or not at
// all; a file that is not a plan says so instead of being read as HCL.
func TestEditedOrForeignPlanFilesAreRefused(t *testing.T) {
	offlineAWS(t)
	noAWSCalls(t)
	dir := t.TempDir()
	plan := &provision.Plan{FormatVersion: provision.FormatVersion, Changes: []*provision.ResourceChange{{
		Address: "cluster.demo", Type: provision.TypeCluster, Action: provision.Create, Cluster: "demo", Region: "us-east-1",
		After: &provision.ClusterAttrs{Name: "demo", Version: "1.35"},
	}}}
	saved := filepath.Join(dir, "demo.plan")
	if err := provision.WritePlanFile(saved, plan); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	edited := write("edited.plan", strings.Replace(string(b), `"1.35"`, `"1.36"`, 1))
	if edited == saved || !strings.Contains(string(b), `"1.35"`) {
		t.Fatal("the edit changed nothing")
	}
	truncated := write("truncated.plan", string(b[:len(b)/2]))
	notes := write("notes.txt", "apply this on Monday\n")
	other := write("other.json", `{"name": "not a plan"}`)

	const modified = "the plan file was modified or is corrupt"
	tests := map[string]struct {
		args []string
		want string
	}{
		"apply edited":       {args: []string{"apply", edited}, want: edited + ": " + modified},
		"show edited":        {args: []string{"show", edited}, want: edited + ": " + modified},
		"show --json edited": {args: []string{"show", "--json", edited}, want: modified},
		"apply truncated":    {args: []string{"apply", truncated}, want: truncated + ": " + modified},
		"show truncated":     {args: []string{"show", truncated}, want: modified},
		"plan edited":        {args: []string{"plan", edited}, want: edited + " is a saved plan, not configuration"},
		"apply notes":        {args: []string{"apply", notes}, want: notes + " is not an eksctl-lite plan file (save one with eksctl-lite plan --out FILE), nor configuration"},
		"apply other JSON":   {args: []string{"apply", other}, want: other + " is JSON, but neither configuration (HCL, *.hcl) nor an eksctl-lite plan file"},
		"plan other JSON":    {args: []string{"plan", other}, want: other + " is JSON, but neither configuration"},
		"show other JSON":    {args: []string{"show", other}, want: "not an eksctl-lite plan file"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tt.want)
			}
			if strings.Contains(stderr, "Argument or block definition required") || strings.Contains(stderr, "Invalid") {
				t.Errorf("read as HCL: %q", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

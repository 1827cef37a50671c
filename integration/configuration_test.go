package integration

// A configuration's identity (settings { name }, by default its directory's
// name) lets plan find a cluster whose block was removed: it is planned for
// destruction, and apply carries that out only with --allow-cluster-deletion.

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

func TestRemovedClusterBlockNeedsAllowClusterDeletion(t *testing.T) {
	e := newEnv(t)
	prefix := e.uniqueName("cfg")
	dir := copyMultiCluster(t, prefix)
	mustApply(t, e, dir)
	green := prefix + "-green"

	main := filepath.Join(dir, "main.hcl")
	b, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)cluster "` + regexp.QuoteMeta(green) + `" \{\n.*?\n\}\n`).Find(b)
	if block == nil {
		t.Fatalf("cannot find the %s cluster block", green)
	}
	if err := os.WriteFile(main, []byte(strings.Replace(string(b), string(block), "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}

	// The plan shows the removed cluster's destruction first, and warns.
	r := e.run(t, dir, "plan", "--detailed-exitcode")
	if r.code != 2 {
		t.Fatalf("plan exited %d, want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	first := strings.Index(r.stdout, "# cluster."+green+" will be destroyed")
	if first < 0 || strings.Index(r.stdout, "# cluster.") != first {
		t.Errorf("the removed cluster's destruction is not the plan's first change:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, `Cluster "`+green+`" is no longer in the configuration: this plan destroys it`) {
		t.Errorf("plan does not warn of the removed cluster:\n%s", r.stderr)
	}

	// apply without --allow-cluster-deletion changes nothing.
	r = e.runWithEnv(t, dir, fastApply, "apply", "--auto-approve")
	if r.code != 1 || !strings.Contains(r.stderr, "--allow-cluster-deletion") {
		t.Fatalf("apply without --allow-cluster-deletion exited %d, want 1 naming the flag\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if got := describeCluster(t, e, green).Status; got != ekstypes.ClusterStatusActive {
		t.Errorf("the removed cluster is %s after a refused apply", got)
	}
	if got := describeNodegroup(t, e, green, "general").Status; got != ekstypes.NodegroupStatusActive {
		t.Errorf("the removed cluster's node group is %s after a refused apply", got)
	}

	// With the flag it is destroyed, and the other cluster is untouched.
	mustApply(t, e, dir, "--allow-cluster-deletion")
	requireNothingOwned(t, e, green)
	if got := describeCluster(t, e, prefix+"-blue").Status; got != ekstypes.ClusterStatusActive {
		t.Errorf("the cluster still declared is %s", got)
	}
	requireNoChanges(t, e, dir, "deleting a removed cluster")
}

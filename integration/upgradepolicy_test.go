package integration

// The cluster's upgrade policy through the binary: EKS's default when left
// out, as written at creation, changed in place.

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

func TestUpgradePolicy(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("policy")
	dir := copyExample(t, e, "minimal", name)
	edit(t, dir, `  region = "us-east-1"`, `  region = "us-east-1"
  upgrade_policy = "STANDARD"`)
	mustApply(t, e, dir)
	policy := func() ekstypes.SupportType {
		out, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if out.Cluster.UpgradePolicy == nil {
			t.Fatal("DescribeCluster has no upgradePolicy")
		}
		return out.Cluster.UpgradePolicy.SupportType
	}
	if got := policy(); got != ekstypes.SupportTypeStandard {
		t.Fatalf("created with %s, want STANDARD as written", got)
	}
	requireNoChanges(t, e, dir, "creating a cluster with an upgrade policy")

	edit(t, dir, `upgrade_policy = "STANDARD"`, `upgrade_policy = "EXTENDED"`)
	mustApply(t, e, dir)
	if got := policy(); got != ekstypes.SupportTypeExtended {
		t.Fatalf("after apply %s, want EXTENDED", got)
	}
	ups, err := e.eks.ListUpdates(t.Context(), &eks.ListUpdatesInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, id := range ups.UpdateIds {
		if u := e.waitUpdate(t, name, "", id); u.Type == ekstypes.UpdateTypeUpgradePolicyUpdate {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d upgrade policy updates, want 1", n)
	}
	// Left out: the live policy stands.
	edit(t, dir, `  upgrade_policy = "EXTENDED"
`, ``)
	requireNoChanges(t, e, dir, "removing upgrade_policy")
	if r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

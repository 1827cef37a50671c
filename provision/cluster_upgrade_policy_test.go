package provision

import (
	"testing"

	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
)

// The upgrade policy: left out, EKS's default at creation (nothing sent)
// and the live policy afterwards (no diff); written, sent at creation and
// changed in place with its own UpdateClusterConfig, waited for; a plan
// after apply is empty.
func TestClusterUpgradePolicy(t *testing.T) {
	c := testCluster("demo")
	w := newFakeAccount()
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	if a := changeOf(t, p, "cluster.demo").After.(*ClusterAttrs); a.UpgradePolicy != "" {
		t.Errorf("left out, the plan asks for upgrade policy %q; want EKS's default (none sent)", a.UpgradePolicy)
	}
	w.apply(t, p)
	live := func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		return string(w.in("").clusters["demo"].cl.UpgradePolicy.SupportType)
	}
	if got := live(); got != string(ekstypes.SupportTypeExtended) {
		t.Fatalf("created with policy %s, want EKS's default EXTENDED", got)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Fatalf("left out, the live policy is a change: %v", summaryOfChanges(p))
	}

	c.UpgradePolicy = "STANDARD"
	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	ch := changeOf(t, p, "cluster.demo")
	want := []Step{{Call: "UpdateClusterConfig", Detail: "upgrade policy to STANDARD", Paths: []string{"upgrade_policy"}, Target: "STANDARD"}}
	if d := cmp.Diff(want, ch.Steps); d != "" {
		t.Fatalf("steps (-want +got):\n%s", d)
	}
	w.apply(t, p)
	if got := live(); got != "STANDARD" {
		t.Errorf("policy after apply %s, want STANDARD", got)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after apply: %v", summaryOfChanges(p))
	}

	// Written at creation, it is sent.
	w2 := newFakeAccount()
	w2.apply(t, mustPlan(t, w2, testConfig(c), PlanOptions{}))
	w2.mu.Lock()
	got := w2.in("").clusters["demo"].cl.UpgradePolicy
	w2.mu.Unlock()
	if got == nil || got.SupportType != ekstypes.SupportTypeStandard {
		t.Errorf("created with %+v, want STANDARD as written", got)
	}
}

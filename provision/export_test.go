package provision

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// stripOwnership makes the fake account's objects look made by other
// means: no eksctl-lite tag anywhere.
func stripOwnership(w *fakeAccount, roles bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	strip := func(tags map[string]string) {
		for k := range tags {
			if strings.HasPrefix(k, "eksctl-lite/") {
				delete(tags, k)
			}
		}
	}
	r := w.in("")
	for _, m := range []map[string]*eksObject{r.clusters, r.nodegroups, r.fargate, r.addons} {
		for _, o := range m {
			strip(o.tags)
		}
	}
	for _, ro := range w.roles {
		if roles {
			strip(ro.tags)
		}
	}
}

// A cluster made by other means, exported: the HCL is valid, and plan
// --adopt on it adds the ownership tags and nothing else; applied, the next
// plan is empty.
func TestExportThenAdopt(t *testing.T) {
	c := fullCluster("demo")
	c.IRSA = nil // irsa roles are not exported
	c.VPC.SubnetIDs = []string{"subnet-00000001", "subnet-00000002"}
	c.NodeGroups[0].SubnetIDs = c.VPC.SubnetIDs
	c.FargateProfiles[0].SubnetIDs = c.VPC.SubnetIDs[:1]
	testAddon(c, "vpc-cni", "default")
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
	stripOwnership(w, true)

	hclSrc, err := Export(context.Background(), w.factory(), "", "demo", time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "imported")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), hclSrc, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := spec.Load(spec.LoadOptions{Paths: []string{dir}})
	if diags.HasErrors() {
		t.Fatalf("the export is not valid:\n%s\n%s", diags.Error(), hclSrc)
	}
	for _, want := range []string{`cluster "demo" {`, `node_group "general" {`, `fargate_profile "system" {`, `addon "vpc-cni" {`, "role_arn", "node_role_arn", "pod_execution_role_arn"} {
		if !strings.Contains(string(hclSrc), want) {
			t.Errorf("export lacks %q:\n%s", want, hclSrc)
		}
	}
	p := mustPlan(t, w, cfg, PlanOptions{Adopt: true})
	n := 0
	for _, ch := range p.Changes {
		if ch.Action == NoOp {
			continue
		}
		n++
		for _, d := range ch.Diffs {
			if d.Path != "tags" {
				t.Errorf("%s: %s changes %s (%v -> %v); adopting an export should change only tags", ch.Address, ch.Action, d.Path, d.Before, d.After)
			}
		}
		if ch.Action != Update {
			t.Errorf("%s: %s (%s)", ch.Address, ch.Action, ch.Reason)
		}
	}
	if n < 4 {
		t.Errorf("only %d changes: %v", n, summary(p))
	}
	w.apply(t, p)
	if p := mustPlan(t, w, cfg, PlanOptions{}); p.HasChanges() {
		t.Errorf("after adopting: %v", summaryOfChanges(p))
	}
}

// Adopting never replaces: a block that differs from the live group in a
// way that forces a replacement is refused.
func TestAdoptNeverReplacesANodeGroup(t *testing.T) {
	c := testCluster("demo")
	testNodeGroup(c, "general")
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
	stripOwnership(w, false)
	c.NodeGroups[0].InstanceTypes = []string{"m6i.large"}
	_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{Adopt: true, Prices: StaticPrices{Prices: testPrices()}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), `Cannot adopt node group "general"`) {
		t.Errorf("diagnostics: %v", diags)
	}
	_, diags = MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{Prices: StaticPrices{Prices: testPrices()}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "--adopt") {
		t.Errorf("without --adopt: %v", diags)
	}
}

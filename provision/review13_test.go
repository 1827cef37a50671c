package provision

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// Rules found in review of issue 13, each with a test that fails when the
// rule is broken.

// A registration EKS reports FAILED is registered again, with its own
// reason, also without an activation expiry (no crash).
func TestConnectedClusterFailedIsRenewed(t *testing.T) {
	w := newFakeAccount()
	cfg := connectedConfig("edge", nil, onprem("OTHER"))
	w.apply(t, planConnectedCfg(t, w, cfg, PlanOptions{}))
	w.mu.Lock()
	o := w.in("").clusters["onprem"]
	o.status = "FAILED"
	o.cl.ConnectorConfig.ActivationExpiry = nil
	w.mu.Unlock()
	ch := changeOf(t, mustPlan(t, w, cfg, PlanOptions{}), "connected_cluster.onprem")
	if ch.Action != Replace || !strings.Contains(ch.Reason, "FAILED") || strings.Contains(ch.Reason, "expired") {
		t.Errorf("FAILED: %s (%s)", ch.Action, ch.Reason)
	}
	past := time.Now().Add(-time.Hour)
	w.mu.Lock()
	o.cl.ConnectorConfig.ActivationExpiry = &past
	w.mu.Unlock()
	if ch := changeOf(t, mustPlan(t, w, cfg, PlanOptions{}), "connected_cluster.onprem"); !strings.Contains(ch.Reason, "expired") {
		t.Errorf("FAILED after its expiry: %s", ch.Reason)
	}
}

// A cluster and a connected cluster of one name in one region are refused
// once the regions are resolved (one written, one from the AWS
// configuration), before anything is planned.
func TestConnectedClusterNameClashResolvedRegion(t *testing.T) {
	cc := onprem("OTHER")
	cc.Region = "eu-west-1"
	c := testCluster("onprem") // the account's region, eu-west-1
	_, diags := MakePlan(context.Background(), connectedConfig("edge", []*spec.Cluster{c}, cc), newFakeAccount().factory(), PlanOptions{Prices: StaticPrices{Prices: testPrices()}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), `Duplicate cluster name "onprem" in eu-west-1`) {
		t.Errorf("diagnostics: %v", diags)
	}
}

// Adopting a registration that would have to be made again is refused:
// that would deregister one eksctl-lite did not make.
func TestConnectedClusterAdoptNeverReregisters(t *testing.T) {
	w := newFakeAccount()
	w.apply(t, planConnectedCfg(t, w, connectedConfig("edge", nil, onprem("GKE")), PlanOptions{}))
	w.mu.Lock()
	w.in("").clusters["onprem"].tags = map[string]string{"owner": "someone"}
	w.mu.Unlock()
	_, diags := MakePlan(context.Background(), connectedConfig("edge", nil, onprem("AKS")), w.factory(), PlanOptions{Adopt: true, Prices: StaticPrices{Prices: testPrices()}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Cannot adopt connected cluster") {
		t.Errorf("adopting with another provider: %v", diags)
	}
	p, diags := MakePlan(context.Background(), connectedConfig("edge", nil, onprem("GKE")), w.factory(), PlanOptions{Adopt: true, Prices: StaticPrices{Prices: testPrices()}})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if ch := changeOf(t, p, "connected_cluster.onprem"); ch.Action != Update || ch.Reason != "adopting an existing connected cluster" {
		t.Errorf("adopting as it is: %s (%s)", ch.Action, ch.Reason)
	}
}

// Apply re-checks ownership before deregistering: a registration made
// again by someone else since the plan is left alone.
func TestConnectedClusterDeregisterRechecksOwner(t *testing.T) {
	w := newFakeAccount()
	cfg := connectedConfig("edge", nil, onprem("GKE"))
	w.apply(t, planConnectedCfg(t, w, cfg, PlanOptions{}))
	p := mustPlan(t, w, cfg, PlanOptions{Destroy: true})
	w.mu.Lock()
	w.in("").clusters["onprem"].tags = map[string]string{"owner": "someone"}
	w.mu.Unlock()
	if _, err := Apply(context.Background(), p, w.factory(), fastOptions(new(bytes.Buffer))); err == nil {
		t.Fatal("the destroy deregistered (or claimed to) a registration that is no longer eksctl-lite's")
	}
	if got := w.logged("DeregisterCluster onprem"); len(got) != 0 {
		t.Errorf("deregistered: %v", got)
	}
}

// Auto Mode on a live cluster whose mode reads only aws-auth, with no
// access block, is refused at plan time, saying what to add.
func TestAutoModeNeedsLiveAccessEntries(t *testing.T) {
	c := testCluster("demo")
	c.Access = &spec.Access{AuthenticationMode: "CONFIG_MAP", DeclRange: testRange(30)}
	w := lbcAccount()
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
	c.Access = nil
	c.AutoMode = autoModeOn()
	_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{Prices: StaticPrices{Prices: testPrices()}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), `authentication_mode = "API_AND_CONFIG_MAP"`) {
		t.Errorf("diagnostics: %v", diags)
	}
	c.Access = &spec.Access{AuthenticationMode: "API_AND_CONFIG_MAP", DeclRange: testRange(30)}
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	steps := changeOf(t, p, "cluster.demo").Steps
	if len(steps) != 2 || steps[0].Detail != "authentication mode to API_AND_CONFIG_MAP" || steps[1].Detail != "enable Auto Mode" {
		t.Errorf("steps %+v: the mode must move before Auto Mode is enabled", steps)
	}
}

// Two clusters sharing a subnet share its role tag: the one that stops
// tagging removes only its marker while the other still needs the tag.
func TestSharedSubnetTag(t *testing.T) {
	w := lbcAccount()
	a, b := withLBC(testCluster("a"), spec.IdentityPodIdentity, true), withLBC(testCluster("b"), spec.IdentityPodIdentity, true)
	w.apply(t, mustPlan(t, w, testConfig(a), PlanOptions{}))
	p := mustPlan(t, w, testConfig(b), PlanOptions{})
	if ch := changeOf(t, p, SubnetTagAddress("b", "subnet-b")); ch.Action != Create {
		t.Fatalf("b on a's tagged subnet: %s, want its marker added", ch.Action)
	}
	w.apply(t, p)
	a.LoadBalancerController.TagSubnets = false
	w.apply(t, mustPlan(t, w, testConfig(a), PlanOptions{}))
	want := map[string]string{"Name": "private-b", privateSubnetTag: "1", subnetMarkerTag("b"): privateSubnetTag}
	if d := cmp.Diff(want, w.subnetTags("subnet-b")); d != "" {
		t.Errorf("subnet-b after a stopped tagging (-want +got):\n%s", d)
	}
	if p := mustPlan(t, w, testConfig(b), PlanOptions{}); p.HasChanges() {
		t.Errorf("b's plan: %v", summaryOfChanges(p))
	}
}

// A tag whose value someone changed since eksctl-lite set it is theirs:
// removing eksctl-lite's tagging leaves it.
func TestSubnetTagChangedValueIsKept(t *testing.T) {
	c := withLBC(testCluster("demo"), spec.IdentityPodIdentity, true)
	w := lbcAccount()
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
	w.mu.Lock()
	w.in("").subnets["subnet-b"].tags[privateSubnetTag] = "0"
	w.mu.Unlock()
	c.LoadBalancerController.TagSubnets = false
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
	if got := w.subnetTags("subnet-b"); got[privateSubnetTag] != "0" || got[subnetMarkerTag("demo")] != "" {
		t.Errorf("subnet-b tags %v: the user's value must stay, the marker go", got)
	}
}

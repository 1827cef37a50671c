package provision

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

func onprem(provider string) *spec.ConnectedCluster {
	return &spec.ConnectedCluster{Name: "onprem", Provider: provider, Tags: map[string]string{"team": "edge"}, DeclRange: testRange(60)}
}

func connectedConfig(name string, clusters []*spec.Cluster, cc ...*spec.ConnectedCluster) *spec.Config {
	cfg := named(name, clusters...)
	cfg.ConnectedClusters = cc
	return cfg
}

func planConnectedCfg(t *testing.T, w *fakeAccount, cfg *spec.Config, opts PlanOptions) *Plan {
	t.Helper()
	opts.Prices = StaticPrices{Prices: testPrices()}
	p, diags := MakePlan(context.Background(), cfg, w.factory(), opts)
	if diags.HasErrors() {
		t.Fatalf("MakePlan: %s", diags.Error())
	}
	return p
}

// A connected cluster registers with a managed connector role (trusted by
// SSM, with the agent's channels), shows PENDING, re-plans empty, and
// gives the agent's install command with its activation ID, never its code.
func TestConnectedClusterRegisters(t *testing.T) {
	w := newFakeAccount()
	cc := onprem("EKS_ANYWHERE")
	cfg := connectedConfig("edge", nil, cc)
	p := planConnectedCfg(t, w, cfg, PlanOptions{})
	if d := cmp.Diff([]string{"connected_cluster.onprem create", "connected_cluster.onprem.connector_role create"}, summary(p)); d != "" {
		t.Fatalf("plan (-want +got):\n%s", d)
	}
	role := changeOf(t, p, ConnectorRoleAddress("onprem")).After.(*RoleAttrs)
	if role.AssumeRolePolicy != serviceTrustPolicy("ssm.amazonaws.com") || role.InlinePolicy != ConnectorAgentPolicy("eu-west-1") {
		t.Errorf("connector role trust %s policy %s", role.AssumeRolePolicy, role.InlinePolicy)
	}
	ch := changeOf(t, p, "connected_cluster.onprem")
	if ch.Refs["role_arn"] != ConnectorRoleAddress("onprem") || ch.Type != TypeConnectedCluster {
		t.Errorf("refs %v type %s", ch.Refs, ch.Type)
	}
	if ins := p.ResolvedInstructions(); len(ins) != 1 || !strings.Contains(ins[0].Command, "eks.activationId="+KnownAfterApply) {
		t.Errorf("plan's instruction %+v", ins)
	}
	res := w.apply(t, p)
	live := mustPlan(t, w, cfg, PlanOptions{})
	if live.HasChanges() {
		t.Fatalf("plan after registering: %v", summaryOfChanges(live))
	}
	lc := changeOf(t, live, "connected_cluster.onprem").Before.(*ConnectedClusterAttrs)
	if lc.Status != "PENDING" || lc.Provider != "EKS_ANYWHERE" || lc.ActivationID == "" {
		t.Errorf("live %+v", lc)
	}
	if len(res.Instructions) != 1 || !strings.Contains(res.Instructions[0].Command, "eks.activationId="+lc.ActivationID) || !strings.Contains(res.Instructions[0].Summary, lc.ActivationExpiry.UTC().Format("2006-01-02")) {
		t.Errorf("apply's instruction %+v, want activation %s", res.Instructions, lc.ActivationID)
	}
	var text, js bytes.Buffer
	if err := RenderText(&text, live, false); err != nil {
		t.Fatal(err)
	}
	if err := RenderJSON(&js, live); err != nil {
		t.Fatal(err)
	}
	for what, out := range map[string]string{"text": text.String(), "JSON": js.String(), "instructions": res.Instructions[0].Command} {
		if strings.Contains(out, "SECRET-CODE") {
			t.Errorf("the %s output holds the activation code", what)
		}
	}
	if !strings.Contains(js.String(), `"activation_id": "`+lc.ActivationID+`"`) {
		t.Errorf("the JSON plan lacks the activation ID")
	}
}

// A PENDING registration whose activation expired is replaced, with the
// reason; a new provider forces a replacement too; tags change in place.
func TestConnectedClusterReplacement(t *testing.T) {
	w := newFakeAccount()
	cc := onprem("EKS_ANYWHERE")
	cfg := connectedConfig("edge", nil, cc)
	w.apply(t, planConnectedCfg(t, w, cfg, PlanOptions{}))
	before := changeOf(t, mustPlan(t, w, cfg, PlanOptions{}), "connected_cluster.onprem").Before.(*ConnectedClusterAttrs)

	w.expireActivation("onprem")
	p := mustPlan(t, w, cfg, PlanOptions{})
	ch := changeOf(t, p, "connected_cluster.onprem")
	if ch.Action != Replace || !strings.Contains(ch.Reason, "activation expired") {
		t.Fatalf("expired: %s (%s), want a replacement saying why", ch.Action, ch.Reason)
	}
	w.apply(t, p)
	after := changeOf(t, mustPlan(t, w, cfg, PlanOptions{}), "connected_cluster.onprem").Before.(*ConnectedClusterAttrs)
	if after.ActivationID == before.ActivationID || after.Status != "PENDING" {
		t.Errorf("re-registered: activation %s (was %s), status %s", after.ActivationID, before.ActivationID, after.Status)
	}
	if got := w.logged("DeregisterCluster onprem"); len(got) != 1 {
		t.Errorf("deregistrations %v, want one", got)
	}

	cc.Tags = map[string]string{"team": "platform"}
	p = mustPlan(t, w, cfg, PlanOptions{})
	if ch := changeOf(t, p, "connected_cluster.onprem"); ch.Action != Update {
		t.Errorf("new tags: %s, want an update", ch.Action)
	}
	w.apply(t, p)

	cc.Provider = "OTHER"
	p = mustPlan(t, w, cfg, PlanOptions{})
	if ch := changeOf(t, p, "connected_cluster.onprem"); ch.Action != Replace || !strings.Contains(ch.Reason, "provider") {
		t.Errorf("new provider: %s (%s), want a replacement forced by provider", ch.Action, ch.Reason)
	}
	w.apply(t, p)
	if p := mustPlan(t, w, cfg, PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after: %v", summaryOfChanges(p))
	}
}

// Never deregistered, never changed: a registration eksctl-lite did not
// make, an EKS cluster of the name.
func TestConnectedClusterOwnership(t *testing.T) {
	w := newFakeAccount()
	// Registered by someone else: no eksctl-lite tags.
	w.apply(t, planConnectedCfg(t, w, connectedConfig("edge", nil, onprem("GKE")), PlanOptions{}))
	w.mu.Lock()
	w.in("").clusters["onprem"].tags = map[string]string{"owner": "someone"}
	w.mu.Unlock()
	_, diags := MakePlan(context.Background(), connectedConfig("edge", nil, onprem("GKE")), w.factory(), PlanOptions{Prices: StaticPrices{Prices: testPrices()}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "not managed by eksctl-lite") {
		t.Errorf("an unowned registration: %v", diags)
	}
	p, diags := MakePlan(context.Background(), connectedConfig("edge", nil, onprem("GKE")), w.factory(), PlanOptions{Destroy: true, Prices: StaticPrices{Prices: testPrices()}})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	for _, ch := range p.Changes {
		if ch.Type == TypeConnectedCluster && ch.Action != NoOp {
			t.Errorf("destroy plans %s for an unowned registration", ch.Action)
		}
	}
	// An EKS cluster has the name.
	w2 := newFakeAccount()
	w2.apply(t, mustPlan(t, w2, testConfig(testCluster("onprem")), PlanOptions{}))
	_, diags = MakePlan(context.Background(), connectedConfig("edge", nil, onprem("GKE")), w2.factory(), PlanOptions{Prices: StaticPrices{Prices: testPrices()}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "is an EKS cluster") {
		t.Errorf("an EKS cluster's name: %v", diags)
	}
}

// Destroy deregisters and deletes the managed role; a removed block is
// found by the configuration's tag and deregistered.
func TestConnectedClusterDestroyAndRemoval(t *testing.T) {
	w := newFakeAccount()
	cfg := connectedConfig("edge", []*spec.Cluster{testCluster("demo")}, onprem("AKS"))
	w.apply(t, planConnectedCfg(t, w, cfg, PlanOptions{}))
	p := mustPlan(t, w, cfg, PlanOptions{Destroy: true})
	for _, addr := range []string{"connected_cluster.onprem", ConnectorRoleAddress("onprem")} {
		if ch := changeOf(t, p, addr); ch.Action != Delete {
			t.Errorf("destroy: %s %s", addr, ch.Action)
		}
	}

	p, diags := MakePlan(context.Background(), connectedConfig("edge", []*spec.Cluster{testCluster("demo")}), w.factory(), PlanOptions{Prices: StaticPrices{Prices: testPrices()}})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if !strings.Contains(strings.Join(warningsOf(diags), "\n"), `Connected cluster "onprem" is no longer in the configuration`) {
		t.Errorf("warnings %v", warningsOf(diags))
	}
	if ch := changeOf(t, p, "connected_cluster.onprem"); ch.Action != Delete || ch.Reason != removedConnectedReason {
		t.Errorf("removed block: %s (%s)", ch.Action, ch.Reason)
	}
	if got := p.ClusterDeletions(); !cmp.Equal(got, []string{"onprem in eu-west-1"}) {
		t.Errorf("ClusterDeletions %v: deregistering needs --allow-cluster-deletion", got)
	}
	w.apply(t, p)
	if got := w.logged("DeregisterCluster onprem"); len(got) != 1 {
		t.Errorf("deregistrations %v", got)
	}
	if p := mustPlan(t, w, connectedConfig("edge", []*spec.Cluster{testCluster("demo")}), PlanOptions{}); p.HasChanges() {
		t.Errorf("after: %v", summaryOfChanges(p))
	}
}

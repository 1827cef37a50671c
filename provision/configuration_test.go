package provision

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// named is a configuration with an identity, as spec.Load returns it.
func named(name string, clusters ...*spec.Cluster) *spec.Config {
	cfg := testConfig(clusters...)
	cfg.Name, cfg.NameRange = name, testRange(1)
	return cfg
}

func warningsOf(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			out = append(out, d.Summary)
		}
	}
	return out
}

// A cluster whose block is removed is not forgotten: the plan finds it by
// the configuration's tag and destroys it, first in the plan, with a
// warning; apply needs --allow-cluster-deletion for it (ClusterDeletions);
// clusters of other configurations are never touched (issue 8, item 5).
func TestRemovedClusterBlockIsPlannedForDestruction(t *testing.T) {
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, named("platform", fullCluster("a"), fullCluster("b")), PlanOptions{}))
	// Another configuration's cluster in the same region.
	w.apply(t, mustPlan(t, w, named("other", fullCluster("c")), PlanOptions{}))

	p, diags := MakePlan(context.Background(), named("platform", fullCluster("a")), w.factory(), PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if d := cmp.Diff([]string{`Cluster "b" is no longer in the configuration: this plan destroys it`}, warningsOf(diags)); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
	var order []string
	for _, ch := range p.Changes {
		if ch.Action != NoOp {
			order = append(order, ch.Address+" "+string(ch.Action))
		}
		if ch.Cluster == "c" || ch.Cluster == "a" && ch.Action != NoOp {
			t.Errorf("the plan changes %s of cluster %s: %s", ch.Address, ch.Cluster, ch.Action)
		}
	}
	if len(order) == 0 || order[0] != "cluster.b delete" && !strings.HasPrefix(order[0], "cluster.b.") {
		t.Errorf("the removed cluster's destruction is not first: %v", order)
	}
	for _, want := range []string{"cluster.b delete", "cluster.b.node_group.general delete", "cluster.b.fargate_profile.system delete", "cluster.b.cluster_role delete", "cluster.b.irsa.s3-reader delete"} {
		found := false
		for _, o := range order {
			found = found || o == want
		}
		if !found {
			t.Errorf("plan lacks %q: %v", want, order)
		}
	}
	if d := cmp.Diff([]string{"b in eu-west-1"}, p.ClusterDeletions()); d != "" {
		t.Errorf("ClusterDeletions (-want +got):\n%s", d)
	}
	w.apply(t, p)
	if w.cluster("b") != nil || w.cluster("c") == nil || w.cluster("a") == nil {
		t.Errorf("after apply: a %v, b %v (want gone), c %v", w.cluster("a") != nil, w.cluster("b") != nil, w.cluster("c") != nil)
	}
	if p := mustPlan(t, w, named("platform", fullCluster("a")), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the removal: %v", changesExcept(p, NoOp))
	}
	// Another configuration's plan never sees platform's clusters.
	if p := mustPlan(t, w, named("other", fullCluster("c")), PlanOptions{}); p.HasChanges() {
		t.Errorf("configuration other: %v", changesExcept(p, NoOp))
	}
}

// destroy of a configuration includes the clusters it no longer declares.
func TestDestroyIncludesRemovedClusters(t *testing.T) {
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, named("platform", fullCluster("a"), fullCluster("b")), PlanOptions{}))
	p := mustPlan(t, w, named("platform", fullCluster("a")), PlanOptions{Destroy: true})
	// A removed cluster needs --allow-cluster-deletion in destroy too: two
	// configurations in one directory share a default name.
	if d := cmp.Diff([]string{"b in eu-west-1"}, p.ClusterDeletions()); d != "" {
		t.Errorf("ClusterDeletions (-want +got):\n%s", d)
	}
	w.apply(t, p)
	if w.cluster("a") != nil || w.cluster("b") != nil {
		t.Error("destroy left a cluster of the configuration")
	}
}

// A declared cluster another configuration owns is refused; one created
// before the configuration tag existed is this configuration's and gets
// the tag (issue 8, item 5: no migration step).
func TestConfigurationOwnership(t *testing.T) {
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, named("other", fullCluster("a")), PlanOptions{}))
	_, diags := MakePlan(context.Background(), named("platform", fullCluster("a")), w.factory(), PlanOptions{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), `the eksctl-lite configuration named "other" owns it`) {
		t.Errorf("diags = %v; want the cluster refused as configuration other's", diags)
	}

	w = converged(t, testConfig(fullCluster("a"))) // before the tag existed
	p, diags := MakePlan(context.Background(), named("platform", fullCluster("a")), w.factory(), PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	for _, ch := range p.Changes {
		if ch.Action != Update && ch.Address != "cluster.a.irsa.s3-reader" {
			t.Errorf("%s: %s, want a tag update", ch.Address, ch.Action)
		}
	}
	w.apply(t, p)
	if got := w.cluster("a").tags[TagConfiguration]; got != "platform" {
		t.Errorf("cluster tag %s = %q, want platform", TagConfiguration, got)
	}
	if p := mustPlan(t, w, named("platform", fullCluster("a")), PlanOptions{}); p.HasChanges() {
		t.Errorf("second plan: %v", changesExcept(p, NoOp))
	}
}

// A removed cluster that a foreign node group keeps still loses what
// eksctl-lite created in it: that needs --allow-cluster-deletion too, and
// the roles it keeps are left as they are (review of issue 8.5).
func TestRemovedClusterKeptByForeignNodeGroupNeedsTheFlag(t *testing.T) {
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, named("platform", fullCluster("a"), fullCluster("b")), PlanOptions{}))
	ng := *nodeGroupFromAWS(w.nodegroup("b", "general").ng)
	ng.Name, ng.Tags = "handmade", map[string]string{"team": "x"}
	w.putNodeGroup("b", &ng)
	p := mustPlan(t, w, named("platform", fullCluster("a")), PlanOptions{})
	if d := cmp.Diff([]string{"b in eu-west-1"}, p.ClusterDeletions()); d != "" {
		t.Errorf("ClusterDeletions (-want +got):\n%s", d)
	}
	for _, ch := range p.Changes {
		if ch.Cluster == "b" && ch.Action == Update {
			t.Errorf("%s of the removed cluster is updated: %+v", ch.Address, ch.Diffs)
		}
		if ch.Address == "cluster.b" && ch.Action == Delete {
			t.Error("the cluster the foreign node group keeps is deleted")
		}
	}
}

// A cluster the plan may not describe (another team's, in a shared
// account) is not this configuration's: a warning, not a failed plan.
func TestUndescribableClusterIsAnotherTeams(t *testing.T) {
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, named("platform", fullCluster("a")), PlanOptions{}))
	w.apply(t, mustPlan(t, w, named("other", fullCluster("theirs")), PlanOptions{}))
	w.hook = func(op, name string) error {
		if op == "DescribeCluster" && name == "theirs" {
			return &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not allowed"}
		}
		return nil
	}
	p, diags := MakePlan(context.Background(), named("platform", fullCluster("a")), w.factory(), PlanOptions{})
	if diags.HasErrors() {
		t.Fatalf("plan failed on a cluster it may not read: %v", diags)
	}
	if d := cmp.Diff([]string{`Cannot tell whether 1 cluster(s) of eu-west-1 are this configuration's`}, warningsOf(diags)); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
	if p.HasChanges() {
		t.Errorf("changes: %v", changesExcept(p, NoOp))
	}
}

package provision

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

func autoModeOn(pools ...string) *spec.AutoMode {
	if pools == nil {
		pools = []string{"general-purpose", "system"}
	}
	return &spec.AutoMode{Enabled: true, NodePools: pools, DeclRange: testRange(40),
		Ranges: map[string]hcl.Range{"node_role_arn": testRange(42)}}
}

// liveAutoMode reads the fake cluster's three Auto Mode settings.
func liveAutoMode(t *testing.T, w *fakeAccount, name string) (compute, storage, elb bool, pools []string, role string) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.in("").clusters[name].cl
	if c.ComputeConfig != nil {
		compute, pools, role = aws.ToBool(c.ComputeConfig.Enabled), c.ComputeConfig.NodePools, aws.ToString(c.ComputeConfig.NodeRoleArn)
	}
	storage = c.StorageConfig != nil && aws.ToBool(c.StorageConfig.BlockStorage.Enabled)
	elb = c.KubernetesNetworkConfig != nil && c.KubernetesNetworkConfig.ElasticLoadBalancing != nil && aws.ToBool(c.KubernetesNetworkConfig.ElasticLoadBalancing.Enabled)
	return
}

func roleAttached(w *fakeAccount, name string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.roles[name]
	if r == nil {
		return nil
	}
	var out []string
	for arn := range r.attached {
		out = append(out, strings.TrimPrefix(arn, "arn:aws:iam::aws:policy/"))
	}
	slices.Sort(out)
	return out
}

// A new Auto Mode cluster: all three capabilities in CreateCluster (the
// fake refuses a partial setting and bootstrapSelfManagedAddons), a managed
// node role with Auto Mode's two policies, the cluster role with Auto
// Mode's four and sts:TagSession; the plan after apply is empty.
func TestAutoModeCreate(t *testing.T) {
	c := testCluster("demo")
	c.AutoMode = autoModeOn()
	w := lbcAccount()
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	ch := changeOf(t, p, "cluster.demo")
	after := ch.After.(*ClusterAttrs)
	if !after.AutoModeEnabled || after.AutoModeNodeRoleARN != KnownAfterApply || ch.Refs["auto_mode.node_role_arn"] != AutoModeNodeRoleAddress("demo") {
		t.Fatalf("cluster after = enabled %v role %q refs %v; want enabled, the managed node role known after apply", after.AutoModeEnabled, after.AutoModeNodeRoleARN, ch.Refs)
	}
	if !slices.Contains(ch.DependsOn, AutoModeNodeRoleAddress("demo")) {
		t.Errorf("cluster depends on %v, want the Auto Mode node role too", ch.DependsOn)
	}
	role := changeOf(t, p, "cluster.demo.cluster_role").After.(*RoleAttrs)
	if !strings.Contains(role.AssumeRolePolicy, "sts:TagSession") {
		t.Errorf("cluster role trust %s lacks sts:TagSession", role.AssumeRolePolicy)
	}
	w.apply(t, p)

	compute, storage, elb, pools, nodeRole := liveAutoMode(t, w, "demo")
	if !compute || !storage || !elb || !cmp.Equal(pools, []string{"general-purpose", "system"}) {
		t.Errorf("live Auto Mode compute %v storage %v elb %v pools %v; want all on, both pools", compute, storage, elb, pools)
	}
	if want := roleARNAt(RolePath, AutoModeNodeRoleName("demo", "eu-west-1")); nodeRole != want {
		t.Errorf("node role %q, want the managed %q", nodeRole, want)
	}
	if d := cmp.Diff([]string{"AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodeMinimalPolicy"}, roleAttached(w, AutoModeNodeRoleName("demo", "eu-west-1"))); d != "" {
		t.Errorf("Auto Mode node role policies (-want +got):\n%s", d)
	}
	want := []string{"AmazonEKSBlockStoragePolicy", "AmazonEKSClusterPolicy", "AmazonEKSComputePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"}
	if d := cmp.Diff(want, roleAttached(w, ClusterRoleName("demo", "eu-west-1"))); d != "" {
		t.Errorf("cluster role policies (-want +got):\n%s", d)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after apply: %v", summaryOfChanges(p))
	}
	// The block left out: Auto Mode stays as it runs.
	c.AutoMode = nil
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("auto_mode left out, the plan changes: %v", summaryOfChanges(p))
	}
}

// Enabling Auto Mode on a running cluster and disabling it again are
// in-place updates, one UpdateClusterConfig each with all three settings;
// the cluster role gains Auto Mode's policies before the enabling update and
// loses them only after the disabling one, and the managed node role is
// deleted after the cluster stops using it.
func TestAutoModeEnableDisable(t *testing.T) {
	c := testCluster("demo")
	w := lbcAccount()
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))

	c.AutoMode = autoModeOn("system")
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	ch := changeOf(t, p, "cluster.demo")
	if d := cmp.Diff([]Step{{Call: "UpdateClusterConfig", Detail: "enable Auto Mode", Paths: autoModePaths}}, ch.Steps); d != "" {
		t.Fatalf("enable steps (-want +got):\n%s", d)
	}
	if !slices.Contains(ch.DependsOn, ClusterRoleAddress("demo")) {
		t.Errorf("enabling: cluster depends on %v, want its role (policies first)", ch.DependsOn)
	}
	if r := changeOf(t, p, "cluster.demo.cluster_role"); r.Action != Update {
		t.Errorf("cluster role %s, want an update adding Auto Mode's policies", r.Action)
	}
	w.apply(t, p)
	if compute, storage, elb, pools, _ := liveAutoMode(t, w, "demo"); !compute || !storage || !elb || !cmp.Equal(pools, []string{"system"}) {
		t.Fatalf("after enabling: compute %v storage %v elb %v pools %v", compute, storage, elb, pools)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Fatalf("plan after enabling: %v", summaryOfChanges(p))
	}

	// The node pools change in place too.
	c.AutoMode = autoModeOn()
	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	if got := changeOf(t, p, "cluster.demo").Steps; len(got) != 1 || got[0].Detail != "Auto Mode node pools" {
		t.Fatalf("pools steps %+v", got)
	}
	w.apply(t, p)

	c.AutoMode = &spec.AutoMode{DeclRange: testRange(40)}
	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	ch = changeOf(t, p, "cluster.demo")
	if len(ch.Steps) != 1 || ch.Steps[0].Detail != "disable Auto Mode" {
		t.Fatalf("disable steps %+v", ch.Steps)
	}
	roleCh := changeOf(t, p, "cluster.demo.cluster_role")
	if slices.Contains(ch.DependsOn, ClusterRoleAddress("demo")) || !slices.Contains(roleCh.DependsOn, "cluster.demo") {
		t.Errorf("disabling: cluster depends on %v, role on %v; want the role's update after the cluster's", ch.DependsOn, roleCh.DependsOn)
	}
	if nr := changeOf(t, p, AutoModeNodeRoleAddress("demo")); nr.Action != Delete {
		t.Errorf("Auto Mode node role %s, want deleted", nr.Action)
	}
	w.apply(t, p)
	if compute, storage, elb, pools, _ := liveAutoMode(t, w, "demo"); compute || storage || elb || len(pools) != 0 {
		t.Errorf("after disabling: compute %v storage %v elb %v pools %v", compute, storage, elb, pools)
	}
	if got := roleAttached(w, ClusterRoleName("demo", "eu-west-1")); !cmp.Equal(got, []string{"AmazonEKSClusterPolicy"}) {
		t.Errorf("cluster role after disabling has %v", got)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after disabling: %v", summaryOfChanges(p))
	}
}

// EKS never changes Auto Mode's node role while compute is enabled: the
// plan refuses, at the attribute, and says how to move.
func TestAutoModeNodeRoleImmutable(t *testing.T) {
	c := testCluster("demo")
	c.AutoMode = autoModeOn()
	w := lbcAccount()
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))

	c.AutoMode.NodeRoleARN = "arn:aws:iam::123456789012:role/other-nodes"
	_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{Prices: StaticPrices{Prices: testPrices()}})
	if !diags.HasErrors() {
		t.Fatal("a new Auto Mode node role while enabled was planned")
	}
	d := diags.Errs()[0].(*hcl.Diagnostic)
	if !strings.Contains(d.Summary, "auto_mode.node_role_arn") || !strings.Contains(d.Detail, "disable Auto Mode in one apply") || d.Subject == nil || d.Subject.Start.Line != 42 {
		t.Errorf("diagnostic %q: %s at %v; want the node role refused at node_role_arn (line 42)", d.Summary, d.Detail, d.Subject)
	}
}

// Auto Mode beside node groups and Fargate: the plan says which compute
// serves which pods.
func TestAutoModeComputeNote(t *testing.T) {
	c := fullCluster("demo")
	c.AutoMode = autoModeOn()
	w := lbcAccount()
	_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{Prices: StaticPrices{Prices: testPrices()}})
	var found bool
	for _, d := range diags {
		if strings.Contains(d.Summary, "runs Auto Mode beside other compute") {
			found = strings.Contains(d.Detail, "1 node group(s)") && strings.Contains(d.Detail, "1 Fargate profile(s)") && strings.Contains(d.Detail, "general-purpose, system")
		}
	}
	if !found {
		t.Errorf("no compute note naming the node group, the Fargate profile and the pools in %v", diags)
	}
	c.AutoMode = nil
	_, diags = MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{Prices: StaticPrices{Prices: testPrices()}})
	for _, d := range diags {
		if strings.Contains(d.Summary, "Auto Mode") {
			t.Errorf("without Auto Mode: %s", d.Summary)
		}
	}
}

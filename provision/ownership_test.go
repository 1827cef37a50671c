package provision

// Ownership across regions, roles still in use, where managed roles live,
// node groups left by failed replacements, and AMI release downgrades.

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

func inRegion(c *spec.Cluster, region string) *spec.Cluster {
	c.Region = region
	return c
}

// regionCluster is cluster "demo" in region with a node group, a Fargate
// profile and one irsa block labelled irsa.
func regionCluster(region, irsa string) *spec.Cluster {
	c := inRegion(testCluster("demo"), region)
	testNodeGroup(c, "general")
	testFargate(c, "system")
	testIRSA(c, irsa)
	return c
}

// changesExcept lists "address action" for every change whose action is
// not in skip.
func changesExcept(p *Plan, skip ...Action) []string {
	var out []string
	for _, ch := range p.Changes {
		if !slices.Contains(skip, ch.Action) {
			out = append(out, ch.Address+" "+string(ch.Action))
		}
	}
	return out
}

func TestOwnershipIsPerRegion(t *testing.T) {
	// One account, EKS in two regions, one IAM: roles and OIDC providers
	// are global to an account.
	w := newFakeAccount()
	a := func() *spec.Config { return testConfig(regionCluster("us-east-1", "a")) }
	b := func() *spec.Config { return testConfig(regionCluster("eu-west-1", "b")) }
	w.apply(t, mustPlan(t, w, a(), PlanOptions{}))

	// The same cluster name in another region shares nothing and deletes
	// nothing: it creates its own roles.
	p := mustPlan(t, w, b(), PlanOptions{})
	want := []string{
		"cluster.demo create",
		"cluster.demo.cluster_role create",
		"cluster.demo.fargate_profile.system create",
		"cluster.demo.irsa.b create",
		"cluster.demo.node_group.general create",
		"cluster.demo.node_role create",
		"cluster.demo.oidc_provider create",
		"cluster.demo.pod_execution_role create",
	}
	if d := cmp.Diff(want, changesExcept(p)); d != "" {
		t.Errorf("plan of demo in eu-west-1 after demo in us-east-1 (-want +got):\n%s", d)
	}
	for _, ch := range p.Changes {
		if r, ok := ch.After.(*RoleAttrs); ok && ch.Type == TypeRole && !strings.Contains(ch.Address, ".irsa.") && !strings.Contains(r.Name, "eu-west-1") {
			t.Errorf("%s is named %q: managed role names must hold the region", ch.Address, r.Name)
		}
		tags := map[string]string{}
		switch a := ch.After.(type) {
		case *RoleAttrs:
			tags = a.Tags
		case *ClusterAttrs:
			tags = a.Tags
		case *NodeGroupAttrs:
			tags = a.Tags
		case *FargateProfileAttrs:
			tags = a.Tags
		case *OIDCProviderAttrs:
			tags = a.Tags
		}
		if tags[TagRegion] != "eu-west-1" {
			t.Errorf("%s would be created with %s = %q, want eu-west-1", ch.Address, TagRegion, tags[TagRegion])
		}
	}
	w.apply(t, p)

	// Each configuration still sees itself converged.
	if p := mustPlan(t, w, a(), PlanOptions{}); p.HasChanges() {
		t.Errorf("us-east-1 after eu-west-1 applied: %v", changesExcept(p, NoOp))
	}
	if p := mustPlan(t, w, b(), PlanOptions{}); p.HasChanges() {
		t.Errorf("eu-west-1 after apply: %v", changesExcept(p, NoOp))
	}

	// Destroying one deletes only its own roles.
	p = mustPlan(t, w, b(), PlanOptions{Destroy: true})
	for _, ch := range p.Changes {
		if r, ok := ch.Before.(*RoleAttrs); ok && r.Tags[TagRegion] != "eu-west-1" {
			t.Errorf("destroy in eu-west-1 deletes %s (role %s of region %q)", ch.Address, r.Name, r.Tags[TagRegion])
		}
	}
	if n := len(changesExcept(p, NoOp)); n != 8 {
		t.Errorf("destroy in eu-west-1 = %v, want its 8 resources", changesExcept(p, NoOp))
	}
}

func TestIRSARoleNameTakenInAnotherRegion(t *testing.T) {
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, testConfig(regionCluster("us-east-1", "reader")), PlanOptions{}))
	c := regionCluster("eu-west-1", "reader") // same default role name demo-reader
	_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
	if !diags.HasErrors() {
		t.Fatal("the irsa role of demo in us-east-1 was adopted by demo in eu-west-1")
	}
	d := diags[0]
	if d.Subject == nil || *d.Subject != c.IRSA[0].DeclRange {
		t.Errorf("diagnostic points at %v, want the irsa block %v", d.Subject, c.IRSA[0].DeclRange)
	}
	for _, s := range []string{"demo-reader", `cluster "demo" in us-east-1`, "Set role_name"} {
		if !strings.Contains(d.Detail, s) {
			t.Errorf("detail does not say %q: %s", s, d.Detail)
		}
	}

	// A role of that name eksctl-lite did not create, or created before
	// roles carried the region, is no more ours.
	for name, tags := range map[string]map[string]string{
		"unowned":   {"team": "x"},
		"no region": ownedTags(nil, "demo", "cluster.demo.irsa.reader"),
	} {
		t.Run(name, func(t *testing.T) {
			w := newFakeAccount()
			w.putRole(&RoleAttrs{Name: "demo-reader", Path: RolePath, AssumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"), Tags: tags})
			_, diags := MakePlan(context.Background(), testConfig(regionCluster("eu-west-1", "reader")), w.factory(), PlanOptions{})
			if !diags.HasErrors() || !strings.Contains(diags.Error(), "role_name") {
				t.Errorf("diags = %v", diags)
			}
		})
	}
}

func TestManagedRolesAtRootPathFoundByName(t *testing.T) {
	w := newFakeAccount()
	c := fullCluster("demo")
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	for addr, path := range map[string]string{
		"cluster.demo.cluster_role":       RolePath,
		"cluster.demo.irsa.s3-reader":     RolePath,
		"cluster.demo.node_role":          "/",
		"cluster.demo.pod_execution_role": "/",
	} {
		if got := changeOf(t, p, addr).After.(*RoleAttrs).Path; got != path {
			t.Errorf("%s path = %q, want %q", addr, got, path)
		}
	}
	w.apply(t, p)
	if p := mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after apply: %v", changesExcept(p, NoOp))
	}
	// No longer configured, the pod execution role at / is still found
	// and deleted.
	c = fullCluster("demo")
	c.FargateProfiles = nil
	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	want := []string{"cluster.demo.fargate_profile.system delete", "cluster.demo.pod_execution_role delete"}
	if d := cmp.Diff(want, changesExcept(p, NoOp)); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
}

func TestRoleInUseIsNeverDeleted(t *testing.T) {
	liveARN := func(w *fakeAccount, name string) string { return w.roles[name].arn }
	clusterRole, nodeRole := ClusterRoleName("demo", "eu-west-1"), NodeRoleName("demo", "eu-west-1")

	t.Run("role_arn pinned to the managed cluster role", func(t *testing.T) {
		w := converged(t, testConfig(fullCluster("demo")))
		c := fullCluster("demo")
		c.RoleARN = liveARN(w, clusterRole)
		p := mustPlan(t, w, testConfig(c), PlanOptions{})
		if p.HasChanges() {
			t.Errorf("changes: %v", changesExcept(p, NoOp))
		}
		if ch := changeOf(t, p, "cluster.demo.cluster_role"); ch.Action != NoOp || ch.After.(*RoleAttrs).Name != clusterRole {
			t.Errorf("cluster role: %s %+v, want kept as the managed role", ch.Action, ch.After)
		}
	})
	t.Run("node_role_arn pinned to the managed node role", func(t *testing.T) {
		w := converged(t, testConfig(fullCluster("demo")))
		c := fullCluster("demo")
		c.NodeGroups[0].NodeRoleARN = liveARN(w, nodeRole)
		if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
			t.Errorf("changes: %v", changesExcept(p, NoOp))
		}
	})
	t.Run("a node group eksctl-lite does not own uses the node role", func(t *testing.T) {
		w := converged(t, testConfig(fullCluster("demo")))
		theirs := nodeGroupAttrs(testCluster("demo"), testNodeGroup(testCluster("demo"), "theirs"), "theirs", liveARN(w, nodeRole), "1.31")
		theirs.Tags = map[string]string{"team": "data"}
		w.putNodeGroup("demo", theirs)
		c := fullCluster("demo")
		c.NodeGroups = nil
		p := mustPlan(t, w, testConfig(c), PlanOptions{})
		if d := cmp.Diff([]string{"cluster.demo.node_group.general delete"}, changesExcept(p, NoOp)); d != "" {
			t.Errorf("changes (-want +got):\n%s", d)
		}
		if ch := changeOf(t, p, "cluster.demo.node_role"); ch.Action != NoOp {
			t.Errorf("node role: %s", ch.Action)
		}
		p, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{Destroy: true})
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		for _, ch := range p.Changes {
			if ch.Address == "cluster.demo.node_role" {
				t.Errorf("destroy deletes the node role that node group theirs uses")
			}
		}
		if !strings.Contains(diagsText(diags), nodeRole) {
			t.Errorf("no warning about the kept role: %v", diags)
		}
	})
	t.Run("a new Fargate profile names the managed pod execution role its old one used", func(t *testing.T) {
		// The profile that uses the role is deleted, and the one that will
		// use it does not exist yet: only the configuration says the role
		// is still needed.
		w := converged(t, testConfig(fullCluster("demo")))
		c := fullCluster("demo")
		c.FargateProfiles[0].Name = "system-2"
		c.FargateProfiles[0].PodExecutionRoleARN = liveARN(w, PodExecutionRoleName("demo", "eu-west-1"))
		p := mustPlan(t, w, testConfig(c), PlanOptions{})
		want := []string{"cluster.demo.fargate_profile.system delete", "cluster.demo.fargate_profile.system-2 create"}
		if d := cmp.Diff(want, changesExcept(p, NoOp)); d != "" {
			t.Errorf("changes (-want +got):\n%s", d)
		}
	})
	t.Run("a role nothing uses any more is still deleted", func(t *testing.T) {
		w := converged(t, testConfig(fullCluster("demo")))
		c := fullCluster("demo")
		c.NodeGroups[0].NodeRoleARN = "arn:aws:iam::111122223333:role/mine"
		p := mustPlan(t, w, testConfig(c), PlanOptions{})
		want := []string{"cluster.demo.node_group.general replace", "cluster.demo.node_role delete"}
		if d := cmp.Diff(want, changesExcept(p, NoOp)); d != "" {
			t.Errorf("changes (-want +got):\n%s", d)
		}
	})
}

func diagsText(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}

func TestPickNodeGroupNeverPrefersAFailedGroup(t *testing.T) {
	ng := func(name, status string) *NodeGroupAttrs { return &NodeGroupAttrs{Name: name, Status: status} }
	tests := map[string]struct {
		cands   []*NodeGroupAttrs
		matches string // name of the one group that matches the spec
		want    string
	}{
		"matching and active":                  {[]*NodeGroupAttrs{ng("old", "ACTIVE"), ng("new", "ACTIVE")}, "new", "new"},
		"matching still creating":              {[]*NodeGroupAttrs{ng("old", "ACTIVE"), ng("new", "CREATING")}, "new", "new"},
		"matching create failed":               {[]*NodeGroupAttrs{ng("old", "ACTIVE"), ng("new", "CREATE_FAILED")}, "new", "old"},
		"matching degraded":                    {[]*NodeGroupAttrs{ng("new", "DEGRADED"), ng("old", "ACTIVE")}, "new", "old"},
		"matching delete failed":               {[]*NodeGroupAttrs{ng("old", "ACTIVE"), ng("new", "DELETE_FAILED")}, "new", "old"},
		"nothing active: the matching one":     {[]*NodeGroupAttrs{ng("old", "DEGRADED"), ng("new", "CREATE_FAILED")}, "new", "new"},
		"nothing matches: the active one":      {[]*NodeGroupAttrs{ng("a", "CREATE_FAILED"), ng("b", "ACTIVE")}, "", "b"},
		"matching creating over failed active": {[]*NodeGroupAttrs{ng("old", "DEGRADED"), ng("new", "CREATING")}, "new", "new"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := pickNodeGroup(tt.cands, func(n *NodeGroupAttrs) bool { return n.Name == tt.matches })
			if got.Name != tt.want {
				t.Errorf("picked %s, want %s", got.Name, tt.want)
			}
		})
	}
}

// A replacement whose new group failed: the healthy old group is current
// and replaced under a name that differs from the failed group's, and the
// failed group is deleted after the replacement, never the old group.
func TestFailedReplacementKeepsTheActiveGroup(t *testing.T) {
	w := converged(t, testConfig(fullCluster("demo")))
	c := fullCluster("demo")
	c.NodeGroups[0].InstanceTypes = []string{"m5.large"}
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	addr := "cluster.demo.node_group.general"
	failedName := changeOf(t, p, addr).After.(*NodeGroupAttrs).Name
	// The replacement's group was created and failed; the old one is ACTIVE.
	failed := *changeOf(t, p, addr).After.(*NodeGroupAttrs)
	failed.NodeRoleARN = *w.nodegroup("demo", "general").ng.NodeRole
	w.putNodeGroup("demo", &failed)
	w.nodegroup("demo", failedName).hold(string(ekstypes.NodegroupStatusCreateFailed))

	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	deposed := deposedAddress(addr, failedName)
	want := []string{addr + " replace", deposed + " delete"}
	if d := cmp.Diff(want, changesExcept(p, NoOp)); d != "" {
		t.Fatalf("changes (-want +got):\n%s", d)
	}
	cur := changeOf(t, p, addr)
	if b := cur.Before.(*NodeGroupAttrs); b.Name != "general" {
		t.Errorf("current group = %s, want the ACTIVE group general", b.Name)
	}
	if a := cur.After.(*NodeGroupAttrs); a.Name == failedName || a.Name == "general" {
		t.Errorf("the replacement is named %s, which a live group has", a.Name)
	}
	if del := changeOf(t, p, deposed); del.Before.(*NodeGroupAttrs).Name != failedName {
		t.Errorf("deposed delete removes %s, want the failed group %s", del.Before.(*NodeGroupAttrs).Name, failedName)
	}
	requireDeleteAfter(t, p, deposed, addr)
}

// An interrupted replacement whose new group is still CREATING: it is
// current (apply waits for it) and the old ACTIVE group is deleted only
// after that wait.
func TestInterruptedReplacementDeletesOldGroupAfterNewOne(t *testing.T) {
	w := converged(t, testConfig(fullCluster("demo")))
	c := fullCluster("demo")
	c.NodeGroups[0].InstanceTypes = []string{"m5.large"}
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	addr := "cluster.demo.node_group.general"
	created := *changeOf(t, p, addr).After.(*NodeGroupAttrs)
	created.NodeRoleARN = *w.nodegroup("demo", "general").ng.NodeRole
	w.putNodeGroup("demo", &created)
	w.nodegroup("demo", created.Name).hold(string(ekstypes.NodegroupStatusCreating))

	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	deposed := deposedAddress(addr, "general")
	if d := cmp.Diff([]string{addr + " wait", deposed + " delete"}, changesExcept(p, NoOp)); d != "" {
		t.Fatalf("changes (-want +got):\n%s", d)
	}
	if b := changeOf(t, p, addr).Before.(*NodeGroupAttrs); b.Name != created.Name {
		t.Errorf("current group = %s, want the new group %s", b.Name, created.Name)
	}
	requireDeleteAfter(t, p, deposed, addr)
}

// requireDeleteAfter checks that apply's graph starts the delete of del
// only after the change of addr is done.
func requireDeleteAfter(t *testing.T, p *Plan, del, addr string) {
	t.Helper()
	g, err := (&executor{plan: p}).graph()
	if err != nil {
		t.Fatal(err)
	}
	if deps := g.tasks[del].Deps; !slices.Contains(deps, addr) {
		t.Errorf("%s waits for %v, not for %s", del, deps, addr)
	}
	if deps := g.tasks[addr].Deps; slices.Contains(deps, del) {
		t.Errorf("%s waits for the delete of %s", addr, del)
	}
}

func TestReleaseVersionDowngradeRefused(t *testing.T) {
	c := fullCluster("demo")
	c.NodeGroups[0].ReleaseVersion = "1.31.0-20250301"
	w := converged(t, testConfig(c))
	c = fullCluster("demo")
	ng := c.NodeGroups[0]
	ng.ReleaseVersion = "1.31.0-20250101"
	ng.Ranges = map[string]hcl.Range{"release_version": testRange(14)}
	_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
	if !diags.HasErrors() {
		t.Fatal("a release_version downgrade was planned")
	}
	if d := diags[0]; d.Subject == nil || *d.Subject != testRange(14) || !strings.Contains(d.Detail, "1.31.0-20250301") {
		t.Errorf("diagnostic = %s: %s at %v", d.Summary, d.Detail, d.Subject)
	}

	// An upgrade is still an update.
	ng.ReleaseVersion = "1.31.0-20250401"
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	if d := cmp.Diff([]string{"cluster.demo.node_group.general update"}, changesExcept(p, NoOp)); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
}

func TestCompareRelease(t *testing.T) {
	tests := []struct {
		a, b string
		want int
		ok   bool
	}{
		{"1.31.0-20250101", "1.31.0-20250101", 0, true},
		{"1.31.0-20250101", "1.31.0-20250201", -1, true},
		{"1.31.3-20250101", "1.31.10-20240101", -1, true},
		{"1.32.0-20240101", "1.31.9-20250101", 1, true},
		{"1.26.1-2f0d3f4e", "1.26.1-0a1b2c3d", 0, false},
		{"1.27.0-2f0d3f4e", "1.26.1-0a1b2c3d", 1, true},
		{"latest", "1.31.0-20250101", 0, false},
	}
	for _, tt := range tests {
		got, ok := compareRelease(tt.a, tt.b)
		if ok != tt.ok || (ok && (got < 0) != (tt.want < 0)) || (ok && (got > 0) != (tt.want > 0)) {
			t.Errorf("compareRelease(%q, %q) = %d, %v; want %d, %v", tt.a, tt.b, got, ok, tt.want, tt.ok)
		}
	}
}

// A role that would make CreateRole fail is found by the plan, whatever its
// path and the case of its name: apply must never start changing things and
// fail halfway on EntityAlreadyExists (issue 8, item 1).
func TestPlanRefusesRoleNameClashAnyPathAnyCase(t *testing.T) {
	for name, tc := range map[string]struct {
		role string // the hand-made role
		path string
		want string // in the diagnostic's detail
	}{
		"irsa role_name at /":                {role: "demo-s3-reader", path: "/", want: "Set role_name"},
		"irsa role_name, other case, at /x/": {role: "Demo-S3-Reader", path: "/x/", want: "Set role_name"},
		"managed cluster role at /":          {role: "eksctl-lite-demo-eu-west-1-cluster", path: "/", want: "Set the role ARN"},
		"managed node role, other case":      {role: "EKSCTL-LITE-demo-eu-west-1-node", path: "/", want: "Set the role ARN"},
	} {
		t.Run(name, func(t *testing.T) {
			w := newFakeAccount()
			w.putRole(&RoleAttrs{Name: tc.role, Path: tc.path, AssumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"), Tags: map[string]string{"team": "x"}})
			p, diags := MakePlan(context.Background(), testConfig(fullCluster("demo")), w.factory(), PlanOptions{})
			if !diags.HasErrors() {
				t.Fatalf("planned %v over the hand-made role %s%s; want a refusal at plan time", summary(p), tc.path, tc.role)
			}
			if !strings.Contains(diags.Error(), "not managed by this cluster") || !strings.Contains(diags.Error(), tc.want) {
				t.Errorf("diags = %v; want the clash named with %q", diags, tc.want)
			}
		})
	}
}

// Clusters "Demo" and "demo" in one region want the same IAM role names
// (role names are unique regardless of case): refused before any read.
func TestDuplicateRoleNamesFoldCase(t *testing.T) {
	w := newFakeAccount()
	_, diags := MakePlan(context.Background(), testConfig(fullCluster("Demo"), fullCluster("demo")), w.factory(), PlanOptions{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Duplicate IAM role name") {
		t.Fatalf("diags = %v; want Duplicate IAM role name", diags)
	}
}

// A destroy that cannot delete the cluster (it has a node group eksctl-lite
// did not create) must not delete the rest and then fail at the cluster:
// the plan keeps the cluster, says so loudly, and apply succeeds with the
// cluster left standing (issue 8, item 2).
func TestDestroyBlockedByForeignNodeGroupKeepsClusterAndWarns(t *testing.T) {
	w := converged(t, testConfig(fullCluster("demo")))
	w.putNodeGroup("demo", &NodeGroupAttrs{Name: "theirs", NodeRoleARN: "arn:aws:iam::111122223333:role/theirs", SubnetIDs: []string{"subnet-a"},
		InstanceTypes: []string{"m5.large"}, Version: "1.31", MinSize: 1, MaxSize: 1, DesiredSize: aws.Int(1), Tags: map[string]string{"team": "x"}})
	p, diags := MakePlan(context.Background(), testConfig(fullCluster("demo")), w.factory(), PlanOptions{Destroy: true})
	if diags.HasErrors() {
		t.Fatalf("diags: %v", diags)
	}
	var warned bool
	for _, d := range diags {
		warned = warned || (d.Severity == hcl.DiagWarning && strings.Contains(d.Summary, "will NOT be deleted") && strings.Contains(d.Summary, `node group "theirs"`))
	}
	if !warned {
		t.Errorf("diags = %v; want a warning naming node group theirs", diags)
	}
	for _, ch := range p.Changes {
		if ch.Action == Delete && (ch.Address == "cluster.demo" || ch.Address == "cluster.demo.cluster_role") {
			t.Errorf("destroy plans to delete %s, which the foreign node group blocks (or the kept cluster uses)", ch.Address)
		}
		if n, ok := ch.Before.(*NodeGroupAttrs); ok && n.Name == "theirs" && ch.Action != NoOp {
			t.Errorf("destroy plans %s of the foreign node group", ch.Action)
		}
	}
	w.apply(t, p) // fails the test if any change fails
	if w.cluster("demo") == nil || w.nodegroup("demo", "theirs") == nil {
		t.Error("the cluster or the foreign node group is gone")
	}
	if w.nodegroup("demo", "general") != nil {
		t.Error("the owned node group was not deleted")
	}
}

// A node group tagged as ours that appears between plan and destroy's
// cluster deletion is not called someone else's (issue 8, item 10).
func TestDestroyNamesOwnedLateNodeGroupTruthfully(t *testing.T) {
	w := converged(t, testConfig(fullCluster("demo")))
	p := mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{Destroy: true})
	w.putNodeGroup("demo", &NodeGroupAttrs{Name: "late", NodeRoleARN: "arn:aws:iam::111122223333:role/x", SubnetIDs: []string{"subnet-a"},
		InstanceTypes: []string{"m5.large"}, Version: "1.31", MinSize: 1, MaxSize: 1, DesiredSize: aws.Int(1),
		Tags: ownedTags(nil, "demo", "cluster.demo.node_group.late")})
	var out bytes.Buffer
	_, err := Apply(context.Background(), p, w.factory(), ApplyOptions{Progress: &out, PollInterval: time.Millisecond, StillEvery: -1})
	if err == nil {
		t.Fatal("destroy succeeded although the cluster still has a node group")
	}
	if s := out.String(); strings.Contains(s, "did not create") || !strings.Contains(s, "eksctl-lite created but which were not there when this plan was made") || !strings.Contains(s, "run eksctl-lite destroy again") {
		t.Errorf("destroy's report does not say what is true:\n%s", s)
	}
}

// Two irsa blocks wanting one role name: the error points at the block
// found second in address order (the kind's blockRange), not at the cluster.
func TestDuplicateRoleNamePointsAtTheBlock(t *testing.T) {
	c := fullCluster("demo")
	dup := testIRSA(c, "b")
	dup.RoleName, dup.DeclRange = c.IRSA[0].RoleName, testRange(77)
	_, diags := MakePlan(context.Background(), testConfig(c), newFakeAccount().factory(), PlanOptions{})
	// cluster.demo.irsa.b sorts before cluster.demo.irsa.s3-reader.
	if want := c.IRSA[0].DeclRange; !diags.HasErrors() || diags[0].Subject == nil || *diags[0].Subject != want || want == c.DeclRange {
		t.Fatalf("diags = %v (subject %v); want Duplicate IAM role name at %v", diags, diags[0].Subject, want)
	}
}

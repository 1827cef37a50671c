package provision

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

func mustPlan(t testing.TB, w *fakeAccount, cfg *spec.Config, opts PlanOptions) *Plan {
	t.Helper()
	if opts.Prices == nil {
		opts.Prices = StaticPrices{Prices: testPrices(), From: "the test table"}
	}
	p, diags := MakePlan(context.Background(), cfg, w.factory(), opts)
	if diags.HasErrors() {
		t.Fatalf("MakePlan: %s", diags.Error())
	}
	return p
}

// summary lists "address action" for every change, and steps of updates.
func summary(p *Plan) []string {
	var out []string
	for _, ch := range p.Changes {
		s := ch.Address + " " + string(ch.Action)
		for _, st := range ch.Steps {
			s += " " + st.Call
			if st.Target != "" {
				s += ":" + st.Target
			}
		}
		out = append(out, s)
	}
	return out
}

func changeOf(t *testing.T, p *Plan, address string) *ResourceChange {
	t.Helper()
	for _, ch := range p.Changes {
		if ch.Address == address {
			return ch
		}
	}
	t.Fatalf("no change for %s in %v", address, summary(p))
	return nil
}

func TestPlanEmptyAccountCreatesEverything(t *testing.T) {
	w := newFakeAccount()
	p := mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{})
	want := []string{
		"cluster.demo create",
		"cluster.demo.cluster_role create",
		"cluster.demo.fargate_profile.system create",
		"cluster.demo.irsa.s3-reader create",
		"cluster.demo.node_group.general create",
		"cluster.demo.node_role create",
		"cluster.demo.oidc_provider create",
		"cluster.demo.pod_execution_role create",
	}
	if d := cmp.Diff(want, summary(p)); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	ng := changeOf(t, p, "cluster.demo.node_group.general")
	if d := cmp.Diff([]string{"cluster.demo", "cluster.demo.node_role"}, ng.DependsOn); d != "" {
		t.Errorf("node group depends on (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]string{"node_role_arn": "cluster.demo.node_role"}, ng.Refs); d != "" {
		t.Errorf("node group refs (-want +got):\n%s", d)
	}
	a := ng.After.(*NodeGroupAttrs)
	if a.Name != "general" || a.NodeRoleARN != KnownAfterApply || aws.ToInt(a.DesiredSize) != 1 {
		t.Errorf("node group after = name %q role %q desired %v; want general, unknown role, desired = min size 1", a.Name, a.NodeRoleARN, a.DesiredSize)
	}
	if a.Tags[TagCluster] != "demo" || a.Tags[TagAddress] != "cluster.demo.node_group.general" || a.Tags["team"] != "" {
		t.Errorf("node group tags = %v; want ownership tags and only its own user tags", a.Tags)
	}
	irsa := changeOf(t, p, "cluster.demo.irsa.s3-reader")
	if d := cmp.Diff([]string{"cluster.demo", "cluster.demo.oidc_provider"}, irsa.DependsOn); d != "" {
		t.Errorf("irsa depends on (-want +got):\n%s", d)
	}
	r := irsa.After.(*RoleAttrs)
	if r.AssumeRolePolicy != KnownAfterApply || irsa.Refs["assume_role_policy"] != "cluster.demo.oidc_provider" || r.ServiceAccount != "default/s3-reader" {
		t.Errorf("irsa trust %q refs %v sa %q; want unknown, ref to the provider, default/s3-reader", r.AssumeRolePolicy, irsa.Refs, r.ServiceAccount)
	}
	if r.Path != RolePath {
		t.Errorf("irsa role path = %q, want %q", r.Path, RolePath)
	}
	oidc := changeOf(t, p, "cluster.demo.oidc_provider")
	if oidc.Refs["url"] != "cluster.demo" || oidc.After.(*OIDCProviderAttrs).URL != KnownAfterApply {
		t.Errorf("oidc provider refs %v; want url from cluster.demo", oidc.Refs)
	}
	add, change, replace, destroy := p.Counts()
	if add != 8 || change+replace+destroy != 0 || !p.HasChanges() {
		t.Errorf("Counts = %d, %d, %d, %d", add, change, replace, destroy)
	}
}

// The most important property: right after an apply, the plan is empty.
func TestPlanAfterApplyIsEmpty(t *testing.T) {
	w := newFakeAccount()
	cfg := testConfig(fullCluster("demo"), fullCluster("other"))
	w.apply(t, mustPlan(t, w, cfg, PlanOptions{}))
	p := mustPlan(t, w, cfg, PlanOptions{})
	if p.HasChanges() {
		t.Fatalf("plan after apply has changes: %v", summary(p))
	}
	for _, ch := range p.Changes {
		if ch.Fingerprint == "" {
			t.Errorf("%s: no-op without fingerprint", ch.Address)
		}
	}
}

// converged returns an account where a plan of cfg has been applied, with
// the real Apply.
func converged(t testing.TB, cfg *spec.Config) *fakeAccount {
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, cfg, PlanOptions{}))
	return w
}

func TestPlanChangesToLiveResources(t *testing.T) {
	tests := map[string]struct {
		give   func(c *spec.Cluster)
		want   []string // changes other than no-ops
		reason map[string]string
	}{
		"scaling labels taints update in place": {
			give: func(c *spec.Cluster) {
				ng := c.NodeGroups[0]
				ng.Scaling.MaxSize = 5
				ng.Labels = map[string]string{"role": "x"}
				ng.Taints = ng.Taints[:1]
			},
			want: []string{"cluster.demo.node_group.general update UpdateNodegroupConfig"},
		},
		"taints in another order are no change": {
			give: func(c *spec.Cluster) {
				ng := c.NodeGroups[0]
				ng.Taints[0], ng.Taints[1] = ng.Taints[1], ng.Taints[0]
				ng.SubnetIDs = []string{"subnet-b", "subnet-a", "subnet-b"}
			},
		},
		"desired size left to autoscalers is never diffed": {
			give: func(c *spec.Cluster) { c.NodeGroups[0].Scaling.MinSize = 1 },
		},
		"desired size set is diffed": {
			give: func(c *spec.Cluster) { c.NodeGroups[0].Scaling.DesiredSize = aws.Int(2) },
			want: []string{"cluster.demo.node_group.general update UpdateNodegroupConfig"},
		},
		"instance types force replacement": {
			give:   func(c *spec.Cluster) { c.NodeGroups[0].InstanceTypes = []string{"m5.large"} },
			want:   []string{"cluster.demo.node_group.general replace"},
			reason: map[string]string{"cluster.demo.node_group.general": "instance_types forces replacement"},
		},
		"node group tags": {
			give: func(c *spec.Cluster) { c.NodeGroups[0].Tags = map[string]string{"x": "y"} },
			want: []string{"cluster.demo.node_group.general update TagResource"},
		},
		"release version pinned": {
			give: func(c *spec.Cluster) { c.NodeGroups[0].ReleaseVersion = "1.31.1-20250301" },
			want: []string{"cluster.demo.node_group.general update UpdateNodegroupVersion:1.31"},
		},
		"cluster upgrade two minors, following node group after it": {
			give: func(c *spec.Cluster) {
				c.Version = "1.33"
				c.NodeGroups[0].Version = "1.33"
			},
			want: []string{
				"cluster.demo update UpdateClusterVersion:1.32 UpdateNodegroupVersion:1.32 UpdateClusterVersion:1.33",
				"cluster.demo.node_group.general update UpdateNodegroupVersion:1.33",
			},
		},
		"endpoint access and logging are two calls after tags": {
			give: func(c *spec.Cluster) {
				c.VPC.EndpointPrivateAccess = true
				c.VPC.PublicAccessCIDRs = []string{"10.0.0.0/8"}
				c.Logging = []string{"api"}
				c.Tags = map[string]string{"team": "data"}
			},
			want: []string{
				"cluster.demo update TagResource UpdateClusterConfig UpdateClusterConfig",
				"cluster.demo.cluster_role update TagRole",
				"cluster.demo.node_role update TagRole",
				"cluster.demo.oidc_provider update TagOpenIDConnectProvider",
				"cluster.demo.pod_execution_role update TagRole",
			},
		},
		"encryption added": {
			give: func(c *spec.Cluster) { c.KMSKeyARN = "arn:aws:kms:eu-west-1:111122223333:key/k" },
			want: []string{"cluster.demo update AssociateEncryptionConfig"},
		},
		"fargate selectors force replacement": {
			give:   func(c *spec.Cluster) { c.FargateProfiles[0].Selectors = []spec.Selector{{Namespace: "kube-system"}} },
			want:   []string{"cluster.demo.fargate_profile.system replace"},
			reason: map[string]string{"cluster.demo.fargate_profile.system": "selectors forces replacement"},
		},
		"irsa policies and inline policy": {
			give: func(c *spec.Cluster) {
				c.IRSA[0].PolicyARNs = []string{"arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"}
				c.IRSA[0].InlinePolicy = ""
			},
			want: []string{"cluster.demo.irsa.s3-reader update AttachRolePolicy:arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess DetachRolePolicy:arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess DeleteRolePolicy"},
		},
		"irsa service account changes the trust policy": {
			give: func(c *spec.Cluster) { c.IRSA[0].ServiceAccount = "other" },
			want: []string{"cluster.demo.irsa.s3-reader update UpdateAssumeRolePolicy"},
		},
		"node group removed is deleted": {
			give:   func(c *spec.Cluster) { c.NodeGroups = nil },
			want:   []string{"cluster.demo.node_group.general delete", "cluster.demo.node_role delete"},
			reason: map[string]string{"cluster.demo.node_group.general": "not in the configuration"},
		},
		"last irsa removed deletes the provider and role": {
			give: func(c *spec.Cluster) { c.IRSA = nil },
			want: []string{"cluster.demo.irsa.s3-reader delete", "cluster.demo.oidc_provider delete"},
		},
		"fargate removed deletes it and its managed role": {
			give: func(c *spec.Cluster) { c.FargateProfiles = nil },
			want: []string{"cluster.demo.fargate_profile.system delete", "cluster.demo.pod_execution_role delete"},
		},
		"irsa role renamed: new role created, old deleted": {
			give: func(c *spec.Cluster) { c.IRSA[0].RoleName = "renamed" },
			want: []string{"cluster.demo.irsa.s3-reader create", "cluster.demo.irsa.s3-reader#demo-s3-reader delete"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := converged(t, testConfig(fullCluster("demo")))
			c := fullCluster("demo")
			tt.give(c)
			p := mustPlan(t, w, testConfig(c), PlanOptions{})
			var got []string
			for _, s := range summary(p) {
				if !strings.HasSuffix(s, " no-op") {
					got = append(got, s)
				}
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("changes (-want +got):\n%s", d)
			}
			for addr, reason := range tt.reason {
				if r := changeOf(t, p, addr).Reason; r != reason {
					t.Errorf("%s reason = %q, want %q", addr, r, reason)
				}
			}
			// Applying the plan converges: the next plan is empty.
			w.apply(t, p)
			if p2 := mustPlan(t, w, testConfig(c), PlanOptions{}); p2.HasChanges() {
				t.Errorf("plan after applying has changes: %v", summary(p2))
			}
		})
	}
}

func TestPlanNodeGroupReplacementIsCreateBeforeDelete(t *testing.T) {
	w := converged(t, testConfig(fullCluster("demo")))
	c := fullCluster("demo")
	c.NodeGroups[0].InstanceTypes = []string{"m5.large"}
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	ch := changeOf(t, p, "cluster.demo.node_group.general")
	b, a := ch.Before.(*NodeGroupAttrs), ch.After.(*NodeGroupAttrs)
	if b.Name != "general" || a.Name == "general" || !strings.HasPrefix(a.Name, "general-") {
		t.Errorf("replacement names: before %q after %q; want a new physical name", b.Name, a.Name)
	}
	if aws.ToInt(a.DesiredSize) != 1 {
		t.Errorf("replacement desired size = %v, want the old group's 1", a.DesiredSize)
	}
	if d := cmp.Diff([]string{"instance_types"}, ch.ReplacePaths); d != "" {
		t.Errorf("replace paths (-want +got):\n%s", d)
	}

	// Interrupted: the new group exists next to the old one. The new one
	// is current; the old one is deleted under a deposed address.
	w.putNodeGroup("demo", a)
	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	var got []string
	for _, s := range summary(p) {
		if !strings.HasSuffix(s, " no-op") {
			got = append(got, s)
		}
	}
	if d := cmp.Diff([]string{"cluster.demo.node_group.general#general delete"}, got); d != "" {
		t.Errorf("after interrupted replacement (-want +got):\n%s", d)
	}
}

func TestPlanRefusals(t *testing.T) {
	tests := map[string]struct {
		give    func(c *spec.Cluster)
		summary string
		at      string // the attribute the diagnostic points at
	}{
		"role_arn change":      {func(c *spec.Cluster) { c.RoleARN = "arn:aws:iam::111122223333:role/other" }, `Cannot change role_arn of cluster "demo"`, "role_arn"},
		"encryption removed":   {nil, `Cannot change kms_key_arn of cluster "demo"`, "cluster block"},
		"encryption changed":   {func(c *spec.Cluster) { c.KMSKeyARN = "arn:aws:kms:eu-west-1:111122223333:key/other" }, `Cannot change kms_key_arn of cluster "demo"`, "encryption.kms_key_arn"},
		"downgrade":            {func(c *spec.Cluster) { c.Version = "1.30"; c.NodeGroups[0].Version = "1.30" }, `Cannot change version of cluster "demo"`, "version"},
		"subnets change":       {func(c *spec.Cluster) { c.VPC.SubnetIDs = []string{"subnet-c", "subnet-d"} }, `Cannot change subnet_ids of cluster "demo"`, "vpc.subnet_ids"},
		"node group downgrade": {func(c *spec.Cluster) { c.NodeGroups[0].Version = "1.30" }, `Cannot downgrade node group "general"`, "node_group.version"},
	}
	// Each attribute the user wrote gets its own line, so the diagnostic's
	// line says which one it points at.
	lines := map[string]int{"cluster block": 1, "version": 2, "role_arn": 3, "vpc.subnet_ids": 4, "encryption.kms_key_arn": 5, "node_group.version": 6}
	rangeAt := func(name string) hcl.Range {
		return hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: lines[name], Column: 1}, End: hcl.Pos{Line: lines[name], Column: 5}}
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			base := fullCluster("demo")
			base.KMSKeyARN = "arn:aws:kms:eu-west-1:111122223333:key/k"
			w := converged(t, testConfig(base))
			c := fullCluster("demo")
			if tt.give != nil {
				c.KMSKeyARN = base.KMSKeyARN
				tt.give(c)
			}
			c.DeclRange = rangeAt("cluster block")
			c.Ranges = map[string]hcl.Range{}
			for _, name := range []string{"version", "role_arn", "vpc.subnet_ids"} {
				c.Ranges[name] = rangeAt(name)
			}
			if c.KMSKeyARN != "" {
				c.Ranges["encryption.kms_key_arn"] = rangeAt("encryption.kms_key_arn")
			}
			c.NodeGroups[0].VersionFollowsCluster = false
			c.NodeGroups[0].Ranges = map[string]hcl.Range{"version": rangeAt("node_group.version")}
			p, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
			if p != nil || !diags.HasErrors() {
				t.Fatalf("MakePlan succeeded; want a refusal")
			}
			if diags[0].Summary != tt.summary {
				t.Errorf("summary = %q, want %q", diags[0].Summary, tt.summary)
			}
			if diags[0].Subject == nil || diags[0].Subject.Filename != "main.hcl" {
				t.Errorf("diagnostic has no source range: %+v", diags[0])
			} else if diags[0].Subject.Start.Line != lines[tt.at] {
				t.Errorf("diagnostic points at line %d, want %d (%s)", diags[0].Subject.Start.Line, lines[tt.at], tt.at)
			}
			if !strings.Contains(diags[0].Detail, "EKS") {
				t.Errorf("detail does not explain the EKS rule: %q", diags[0].Detail)
			}
		})
	}
}

func TestPlanOwnership(t *testing.T) {
	unownedCluster := func(w *fakeAccount) {
		a := clusterAttrs(testCluster("demo"), "arn:aws:iam::111122223333:role/theirs")
		a.Tags = map[string]string{"team": "platform"}
		w.putCluster(a)
	}
	t.Run("unowned cluster is an error", func(t *testing.T) {
		w := newFakeAccount()
		unownedCluster(w)
		c := testCluster("demo")
		c.RoleARN = "arn:aws:iam::111122223333:role/theirs"
		_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
		if !diags.HasErrors() || !strings.Contains(diags[0].Detail, "--adopt") {
			t.Fatalf("diags = %v; want an error naming --adopt", diags)
		}
	})
	t.Run("adopt adds ownership tags", func(t *testing.T) {
		w := newFakeAccount()
		unownedCluster(w)
		c := testCluster("demo")
		c.RoleARN = "arn:aws:iam::111122223333:role/theirs"
		p := mustPlan(t, w, testConfig(c), PlanOptions{Adopt: true})
		ch := changeOf(t, p, "cluster.demo")
		if ch.Action != Update || ch.Reason != "adopting an existing cluster" {
			t.Errorf("action %s reason %q", ch.Action, ch.Reason)
		}
		if d := cmp.Diff([]string{"cluster.demo update TagResource"}, summary(p)); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
	t.Run("cluster of another configuration is an error", func(t *testing.T) {
		w := newFakeAccount()
		a := clusterAttrs(testCluster("demo"), "arn:x")
		a.Tags[TagCluster] = "someone-else"
		w.putCluster(a)
		_, diags := MakePlan(context.Background(), testConfig(testCluster("demo")), w.factory(), PlanOptions{Adopt: true})
		if !diags.HasErrors() {
			t.Fatal("want an error")
		}
	})
	t.Run("unowned node group is never touched; a block of its name is an error", func(t *testing.T) {
		w := converged(t, testConfig(fullCluster("demo")))
		theirs := nodeGroupAttrs(testCluster("demo"), testNodeGroup(testCluster("demo"), "theirs"), "theirs", "arn:r", "1.31")
		theirs.Tags = map[string]string{"owner": "someone"}
		w.putNodeGroup("demo", theirs)
		p := mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{})
		for _, ch := range p.Changes {
			if strings.Contains(ch.Address, "theirs") {
				t.Errorf("plan touches the unowned node group: %s %s", ch.Address, ch.Action)
			}
		}
		p = mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{Destroy: true})
		for _, ch := range p.Changes {
			if strings.Contains(ch.Address, "theirs") {
				t.Errorf("destroy touches the unowned node group: %s", ch.Address)
			}
		}
		c := fullCluster("demo")
		testNodeGroup(c, "theirs")
		_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
		if !diags.HasErrors() || !strings.Contains(diags[0].Summary, `"theirs"`) {
			t.Errorf("diags = %v; want an error about node group theirs", diags)
		}
	})
	t.Run("unowned role of a wanted name is an error", func(t *testing.T) {
		w := newFakeAccount()
		w.putRole(&RoleAttrs{Name: "demo-s3-reader", Path: RolePath, AssumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com")})
		_, diags := MakePlan(context.Background(), testConfig(fullCluster("demo")), w.factory(), PlanOptions{})
		if !diags.HasErrors() || !strings.Contains(diags[0].Detail, "demo-s3-reader") {
			t.Errorf("diags = %v", diags)
		}
	})
}

func TestPlanDestroy(t *testing.T) {
	w := converged(t, testConfig(fullCluster("demo")))
	p := mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{Destroy: true})
	want := []string{
		"cluster.demo delete",
		"cluster.demo.cluster_role delete",
		"cluster.demo.fargate_profile.system delete",
		"cluster.demo.irsa.s3-reader delete",
		"cluster.demo.node_group.general delete",
		"cluster.demo.node_role delete",
		"cluster.demo.oidc_provider delete",
		"cluster.demo.pod_execution_role delete",
	}
	if d := cmp.Diff(want, summary(p)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if !p.Destroy {
		t.Error("plan.Destroy is false")
	}
	deps := map[string][]string{
		"cluster.demo":                        {"cluster.demo.cluster_role"},
		"cluster.demo.node_group.general":     {"cluster.demo", "cluster.demo.node_role"},
		"cluster.demo.fargate_profile.system": {"cluster.demo", "cluster.demo.pod_execution_role"},
		"cluster.demo.irsa.s3-reader":         {"cluster.demo", "cluster.demo.oidc_provider"},
		"cluster.demo.oidc_provider":          {"cluster.demo"},
	}
	for addr, want := range deps {
		if d := cmp.Diff(want, changeOf(t, p, addr).DependsOn); d != "" {
			t.Errorf("%s depends on (-want +got):\n%s", addr, d)
		}
	}
	w.apply(t, p)
	if p := mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{Destroy: true}); p.HasChanges() {
		t.Errorf("destroy after destroy has changes: %v", summary(p))
	}

	t.Run("unowned cluster is left alone with a warning", func(t *testing.T) {
		w := newFakeAccount()
		a := clusterAttrs(testCluster("demo"), "arn:x")
		a.Tags = nil
		w.putCluster(a)
		p, diags := MakePlan(context.Background(), testConfig(testCluster("demo")), w.factory(), PlanOptions{Destroy: true})
		if diags.HasErrors() || len(diags) != 1 || diags[0].Severity != hcl.DiagWarning {
			t.Fatalf("diags = %v; want one warning", diags)
		}
		if p.HasChanges() {
			t.Errorf("changes: %v", summary(p))
		}
	})
}

func TestObservePaginationAndNotFound(t *testing.T) {
	w := converged(t, testConfig(fullCluster("demo")))
	c := fullCluster("demo")
	for _, n := range []string{"b", "c", "d"} {
		testNodeGroup(c, n)
		testFargate(c, n)
		testIRSA(c, n)
	}
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
	w.pageSize = 1
	w.calls = map[string]int{}
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	if p.HasChanges() {
		t.Fatalf("with one item per page the plan sees changes: %v", summary(p))
	}
	// Under RolePath: the cluster role and 4 irsa roles, one per page; every
	// role the configuration wants (those 5, and the node and pod execution
	// roles at RootRolePath) is read by name too, whatever its path.
	if w.calls["ListNodegroups"] != 4 || w.calls["ListFargateProfiles"] != 4 || w.calls["ListRoles"] != 5 || w.calls["GetRole"] != 7 {
		t.Errorf("list calls = %v; want every page read", w.calls)
	}
	if w.calls["ListRolePolicies"] != 0 {
		t.Errorf("redundant reads: %v", w.calls)
	}

	t.Run("AWS errors are diagnostics naming the resource", func(t *testing.T) {
		w := converged(t, testConfig(fullCluster("demo")))
		w.failOn("DescribeNodegroup", errors.New("AccessDenied: not allowed"))
		_, diags := MakePlan(context.Background(), testConfig(fullCluster("demo")), w.factory(), PlanOptions{})
		if !diags.HasErrors() || !strings.Contains(diags.Error(), `node group "general"`) || !strings.Contains(diags.Error(), "AccessDenied") {
			t.Errorf("diags = %v", diags)
		}
	})
	t.Run("a group gone between list and describe is absent", func(t *testing.T) {
		w := converged(t, testConfig(fullCluster("demo")))
		w.failOn("DescribeNodegroup", &ekstypes.ResourceNotFoundException{Message: aws.String("gone")})
		p := mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{})
		if ch := changeOf(t, p, "cluster.demo.node_group.general"); ch.Action != Create {
			t.Errorf("action = %s, want create", ch.Action)
		}
	})
}

func TestPlanNoRegion(t *testing.T) {
	f := ClientsFactory(func(string) (*Clients, error) { return nil, errNoRegion })
	_, diags := MakePlan(context.Background(), testConfig(testCluster("demo")), f, PlanOptions{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "AWS_REGION") {
		t.Errorf("diags = %v", diags)
	}
}

// spec caps user tags so that ours still fit under AWS's 50; the two
// packages must agree on how many ownership tags there are.
func TestOwnershipTagCountMatchesSpec(t *testing.T) {
	cp := &clusterPlan{spec: &spec.Cluster{Name: "demo"}, region: "us-east-1", config: "platform"}
	if got := len(cp.ownedTags(nil, "cluster.demo")); got != spec.OwnershipTagCount {
		t.Errorf("eksctl-lite adds %d ownership tags, spec.OwnershipTagCount = %d: fix spec's tag limit", got, spec.OwnershipTagCount)
	}
}

// A version the user did not write is the default at creation only: an
// existing cluster (adopted, or created by an older eksctl-lite with an
// older default) keeps its live version, and so do the node groups that
// follow it. Written down, the version is upgraded as usual.
func TestPlanOmittedVersionKeepsLiveVersion(t *testing.T) {
	atLive := func() (*fakeAccount, *spec.Cluster) {
		c := fullCluster("demo")
		w := converged(t, testConfig(c)) // everything at 1.31
		later := fullCluster("demo")
		later.Version = "1.33" // what the default would now be
		for _, ng := range later.NodeGroups {
			ng.Version, ng.VersionFollowsCluster = "1.33", true
		}
		return w, later
	}

	w, later := atLive()
	later.VersionDefaulted = true
	if got := summaryOfChanges(mustPlan(t, w, testConfig(later), PlanOptions{})); len(got) != 0 {
		t.Errorf("version not written: the plan upgrades the live cluster: %v", got)
	}

	w, later = atLive()
	later.VersionDefaulted = false
	got := summaryOfChanges(mustPlan(t, w, testConfig(later), PlanOptions{}))
	want := []string{"cluster.demo update UpdateClusterVersion:1.32 UpdateNodegroupVersion:1.32 UpdateClusterVersion:1.33", "cluster.demo.node_group.general update UpdateNodegroupVersion:1.33"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("version written: (-want +got):\n%s", d)
	}
}

// summaryOfChanges is summary without the no-ops.
func summaryOfChanges(p *Plan) []string {
	var out []string
	for _, s := range summary(p) {
		if !strings.HasSuffix(s, " no-op") {
			out = append(out, s)
		}
	}
	return out
}

// Raising min_size above the live desired size (left to autoscalers) makes
// apply send a new desired size: the plan shows it, and sends exactly that
// (issue 8, item 7: every value apply sends is in the plan).
func TestPlanShowsDesiredSizeClampedToNewBounds(t *testing.T) {
	for name, tc := range map[string]struct {
		min, max    int
		wantDesired int
	}{
		"min raised above live size":  {min: 3, max: 5, wantDesired: 3},
		"max lowered below live size": {min: 1, max: 1, wantDesired: 1},
	} {
		t.Run(name, func(t *testing.T) {
			w := converged(t, testConfig(fullCluster("demo")))
			// Autoscalers moved the group to 2 nodes.
			w.nodegroup("demo", "general").ng.ScalingConfig.DesiredSize = aws.Int32(2)
			c := fullCluster("demo")
			c.NodeGroups[0].Scaling.MinSize, c.NodeGroups[0].Scaling.MaxSize = tc.min, tc.max
			p := mustPlan(t, w, testConfig(c), PlanOptions{})
			ch := changeOf(t, p, "cluster.demo.node_group.general")
			var got *AttrDiff
			for i := range ch.Diffs {
				if ch.Diffs[i].Path == "scaling.desired_size" {
					got = &ch.Diffs[i]
				}
			}
			if got == nil {
				t.Fatalf("diffs = %+v; want scaling.desired_size 2 -> %d shown", ch.Diffs, tc.wantDesired)
			}
			if b, a := fmt.Sprint(got.Before), fmt.Sprint(got.After); b != "2" || a != fmt.Sprint(tc.wantDesired) {
				t.Errorf("scaling.desired_size diff = %v -> %v, want 2 -> %d", got.Before, got.After, tc.wantDesired)
			}
			w.apply(t, p)
			if d := aws.ToInt32(w.nodegroup("demo", "general").ng.ScalingConfig.DesiredSize); int(d) != tc.wantDesired {
				t.Errorf("desired size after apply = %d, want %d (what the plan showed)", d, tc.wantDesired)
			}
			if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
				t.Errorf("second plan has changes: %v", summary(p))
			}
		})
	}
}

// A pinned release version must be a release of the Kubernetes version the
// node group will run, which may come from the live cluster (version left
// out): checked at plan (issue 8, item 3).
func TestPlanRefusesReleaseOfAnotherMinor(t *testing.T) {
	w := converged(t, testConfig(fullCluster("demo"))) // live 1.31
	c := fullCluster("demo")
	c.Version, c.VersionDefaulted = "1.35", true // left out: the live 1.31 stands
	for _, ng := range c.NodeGroups {
		ng.Version = "1.35"
	}
	c.NodeGroups[0].ReleaseVersion = "1.35.0-20251120"
	_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "does not match its Kubernetes version") || !strings.Contains(diags.Error(), "will run Kubernetes 1.31") {
		t.Fatalf("diags = %v; want the 1.35 release refused for a 1.31 node group", diags)
	}
	c.NodeGroups[0].ReleaseVersion = "1.31.4-20251120"
	if _, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{}); diags.HasErrors() {
		t.Errorf("a 1.31 release for a 1.31 group: %v", diags)
	}
}

// A resource left CREATING or UPDATING by a killed run matches the
// configuration but is not converged: the plan has something to do (a
// wait, counted, so --detailed-exitcode says 2), and apply waits for it
// and fails if it fails (issue 8, item 8).
func TestPlanWaitsForResourcesNotActive(t *testing.T) {
	for name, tc := range map[string]struct {
		status  string
		settles bool // becomes ACTIVE shortly
		wantErr string
	}{
		"creating, then active": {status: "CREATING", settles: true},
		"updating, then active": {status: "UPDATING", settles: true},
		"create failed":         {status: "CREATE_FAILED", wantErr: "CREATE_FAILED"},
	} {
		t.Run(name, func(t *testing.T) {
			w := converged(t, testConfig(fullCluster("demo")))
			ng := w.nodegroup("demo", "general")
			switch {
			case tc.status == "UPDATING":
				// An update a killed run started, done in 50ms.
				w.life.update = 50 * time.Millisecond
				w.updateInProgress("demo", "general", func() {})
			case tc.settles:
				ng.status, ng.until = tc.status, time.Now().Add(50*time.Millisecond)
			default:
				ng.status, ng.until = tc.status, time.Now().Add(time.Hour)
			}
			p := mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{})
			if d := cmp.Diff([]string{"cluster.demo.node_group.general wait"}, changesExcept(p, NoOp)); d != "" {
				t.Fatalf("changes (-want +got):\n%s", d)
			}
			if !p.HasChanges() {
				t.Error("HasChanges is false: plan --detailed-exitcode would exit 0 while the node group is " + tc.status)
			}
			var text bytes.Buffer
			if err := RenderText(&text, p, false); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"# cluster.demo.node_group.general will be waited for (it is " + tc.status, "(1 resource is not ACTIVE yet: apply waits for it)"} {
				if !strings.Contains(text.String(), want) {
					t.Errorf("text plan lacks %q:\n%s", want, text.String())
				}
			}
			var out bytes.Buffer
			_, err := Apply(context.Background(), p, w.factory(), fastOptions(&out))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Apply: %v\n%s", err, out.String())
			case tc.wantErr != "" && (err == nil || !strings.Contains(out.String(), tc.wantErr)):
				t.Fatalf("Apply: %v, want a failure naming %s\n%s", err, tc.wantErr, out.String())
			case tc.wantErr == "":
				if st := w.nodegroup("demo", "general").status; st != "ACTIVE" {
					t.Errorf("apply returned with the node group %s", st)
				}
				if p := mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{}); p.HasChanges() {
					t.Errorf("plan after the wait: %v", changesExcept(p, NoOp))
				}
			}
		})
	}
}

// A refused cluster change stops the planning of what is in the cluster
// (the cluster kind gates): its children would be planned against a
// cluster that will not be what they expect, so their diagnostics would
// only add noise to the one thing to fix.
func TestClusterRefusalStopsItsChildren(t *testing.T) {
	w := converged(t, testConfig(fullCluster("demo")))
	c := fullCluster("demo")
	c.VPC.SubnetIDs = []string{"subnet-c", "subnet-d"}
	c.NodeGroups[0].VersionFollowsCluster = false
	c.NodeGroups[0].Version = "1.30" // a downgrade, refused on its own
	_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
	var got []string
	for _, d := range diags {
		got = append(got, d.Summary)
	}
	if want := []string{`Cannot change subnet_ids of cluster "demo"`}; !cmp.Equal(got, want) {
		t.Errorf("diagnostics = %q, want only %q", got, want)
	}
}

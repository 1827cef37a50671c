package provision

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
)

// Plans are written out by hand here, shaped as the planner shapes them
// (addresses, DependsOn, Refs), so that apply is tested on its own.

const testRegion = "us-east-1"

func change(cluster string, addr string, t Type, a Action, before, after any, deps ...string) *ResourceChange {
	return &ResourceChange{Address: addr, Type: t, Cluster: cluster, Region: testRegion, Action: a, Before: before, After: after, DependsOn: deps}
}

func withRefs(c *ResourceChange, refs map[string]string) *ResourceChange {
	c.Refs = refs
	return c
}

func withSteps(c *ResourceChange, steps ...Step) *ResourceChange {
	c.Steps = steps
	return c
}

func managedRoleAttrs(cluster, addr, name, service string, policies []string) *RoleAttrs {
	return &RoleAttrs{Name: name, Path: RolePath, AssumeRolePolicy: serviceTrustPolicy(service), PolicyARNs: policies, Tags: ownedTags(nil, cluster, addr)}
}

func desiredCluster(name string) *ClusterAttrs {
	return &ClusterAttrs{Name: name, Version: "1.30", RoleARN: KnownAfterApply, SubnetIDs: []string{"subnet-a", "subnet-b"},
		EndpointPublicAccess: true, PublicAccessCIDRs: []string{"0.0.0.0/0"}, Logging: []string{"api"}, Tags: ownedTags(nil, name, ClusterAddress(name))}
}

func desiredNodeGroup(cluster, label, physical string) *NodeGroupAttrs {
	return &NodeGroupAttrs{Name: physical, InstanceTypes: []string{"m5.large"}, AMIType: "AL2023_x86_64_STANDARD", CapacityType: "ON_DEMAND", DiskSize: 20,
		SubnetIDs: []string{"subnet-a"}, NodeRoleARN: KnownAfterApply, Version: "1.30", MinSize: 1, MaxSize: 3, DesiredSize: aws.Int(1),
		MaxUnavailable: aws.Int(1), Labels: map[string]string{"team": "a"}, Tags: ownedTags(nil, cluster, NodeGroupAddress(cluster, label))}
}

func desiredFargate(cluster, label string) *FargateProfileAttrs {
	return &FargateProfileAttrs{Name: label, SubnetIDs: []string{"subnet-a"}, PodExecutionRoleARN: "arn:aws:iam::" + testAccount + ":role/fargate",
		Selectors: []SelectorAttrs{{Namespace: label}}, Tags: ownedTags(nil, cluster, FargateProfileAddress(cluster, label))}
}

// freshPlan is the plan of a new cluster with managed roles, one node
// group per label, Fargate profiles, and irsa roles.
func freshPlan(cluster string, nodeGroups, fargate, irsa []string) []*ResourceChange {
	cr, nr := ClusterRoleAddress(cluster), NodeRoleAddress(cluster)
	ca, oa := ClusterAddress(cluster), OIDCProviderAddress(cluster)
	out := []*ResourceChange{
		change(cluster, cr, TypeRole, Create, nil, managedRoleAttrs(cluster, cr, ClusterRoleName(cluster, testRegion), "eks.amazonaws.com", ClusterRolePolicyARNs(testRegion))),
		change(cluster, nr, TypeRole, Create, nil, managedRoleAttrs(cluster, nr, NodeRoleName(cluster, testRegion), "ec2.amazonaws.com", NodeRolePolicyARNs(testRegion))),
		withRefs(change(cluster, ca, TypeCluster, Create, nil, desiredCluster(cluster), cr), map[string]string{"role_arn": cr}),
	}
	for _, ng := range nodeGroups {
		out = append(out, withRefs(change(cluster, NodeGroupAddress(cluster, ng), TypeNodeGroup, Create, nil, desiredNodeGroup(cluster, ng, ng), ca, nr),
			map[string]string{"node_role_arn": nr}))
	}
	for _, fp := range fargate {
		out = append(out, change(cluster, FargateProfileAddress(cluster, fp), TypeFargateProfile, Create, nil, desiredFargate(cluster, fp), ca))
	}
	if len(irsa) > 0 {
		out = append(out, withRefs(change(cluster, oa, TypeOIDCProvider, Create, nil,
			&OIDCProviderAttrs{URL: KnownAfterApply, ClientIDs: []string{OIDCClientID}, Tags: ownedTags(nil, cluster, oa)}, ca), map[string]string{"url": ca}))
	}
	for _, ir := range irsa {
		addr := IRSAAddress(cluster, ir)
		out = append(out, withRefs(change(cluster, addr, TypeRole, Create, nil, &RoleAttrs{
			Name: cluster + "-" + ir, Path: RolePath, AssumeRolePolicy: KnownAfterApply,
			PolicyARNs:     []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
			InlinePolicy:   mustCanonicalPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
			Tags:           ownedTags(nil, cluster, addr),
			ServiceAccount: "default/" + ir,
		}, ca, oa), map[string]string{"assume_role_policy": oa}))
	}
	return out
}

func planOf(destroy bool, changes ...[]*ResourceChange) *Plan {
	p := &Plan{FormatVersion: FormatVersion, Destroy: destroy}
	for _, c := range changes {
		p.Changes = append(p.Changes, c...)
	}
	return p
}

// fastOptions poll every millisecond, so that tests take milliseconds.
func fastOptions(progress *bytes.Buffer) ApplyOptions {
	return ApplyOptions{Parallelism: 10, Progress: progress, PollInterval: time.Millisecond, MaxPollInterval: 2 * time.Millisecond, StillEvery: -1,
		Timeouts: Timeouts{ClusterCreate: 5 * time.Second, ClusterUpdate: 5 * time.Second, ClusterDelete: 5 * time.Second, NodeGroup: 5 * time.Second, FargateProfile: 5 * time.Second, IAM: 5 * time.Second, Addon: 5 * time.Second}}
}

// syncBuffer is a bytes.Buffer safe for the progress writer's concurrency
// and the test reading it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func outcomes(r *ApplyResult) map[string]string {
	out := map[string]string{}
	for _, rr := range r.Resources {
		s := string(rr.Outcome)
		if rr.Err != nil && rr.Outcome != OutcomeFailed {
			s += ": " + rr.Err.Error()
		}
		out[rr.Address] = s
	}
	return out
}

// applyAccount is an account whose default region is testRegion and whose
// resources take d to create, update and delete.
func applyAccount(d lifecycle) *fakeAccount {
	a := newFakeAccount()
	a.region, a.life = testRegion, d
	return a
}

// Live resources for apply tests, ACTIVE; each returns the resource as the
// planner would observe it.

func seedCluster(a *fakeAccount, name, version, roleARN string, tags map[string]string) *ClusterAttrs {
	return a.putCluster(&ClusterAttrs{Name: name, Version: version, RoleARN: roleARN, SubnetIDs: []string{"subnet-a", "subnet-b"}, EndpointPublicAccess: true, Tags: tags})
}

func seedNodegroup(a *fakeAccount, cluster, name, version, roleARN string, tags map[string]string) *NodeGroupAttrs {
	return a.putNodeGroup(cluster, &NodeGroupAttrs{Name: name, NodeRoleARN: roleARN, SubnetIDs: []string{"subnet-a"}, InstanceTypes: []string{"m5.large"},
		Version: version, MinSize: 1, MaxSize: 3, DesiredSize: aws.Int(2), Labels: map[string]string{"team": "a"},
		Taints: []TaintAttrs{{Key: "dedicated", Value: "x", Effect: "NO_SCHEDULE"}}, Tags: tags})
}

func seedFargate(a *fakeAccount, cluster, name, roleARN string, tags map[string]string) *FargateProfileAttrs {
	return a.putFargate(cluster, &FargateProfileAttrs{Name: name, PodExecutionRoleARN: roleARN, SubnetIDs: []string{"subnet-a"},
		Selectors: []SelectorAttrs{{Namespace: "kube-system"}}, Tags: tags})
}

func seedRole(a *fakeAccount, name, trust string, policies []string, inline string, tags map[string]string) *RoleAttrs {
	return a.putRole(&RoleAttrs{Name: name, Path: RolePath, AssumeRolePolicy: trust, PolicyARNs: policies, InlinePolicy: inline, Tags: tags})
}

func seedOIDC(a *fakeAccount, url string, tags map[string]string) *OIDCProviderAttrs {
	return a.putProvider(&OIDCProviderAttrs{URL: url, ClientIDs: []string{OIDCClientID}, Tags: tags})
}

// before asserts that log entry a comes before b.
func before(t *testing.T, s *fakeAccount, a, b string) {
	t.Helper()
	ia, ib := s.logIndex(a), s.logIndex(b)
	if ia < 0 || ib < 0 || ia > ib {
		t.Errorf("want %q (at %d) before %q (at %d); log:\n%s", a, ia, b, ib, strings.Join(s.log, "\n"))
	}
}

func TestApplyCreatesEverythingInDependencyOrder(t *testing.T) {
	s := applyAccount(lifecycle{cluster: 20 * time.Millisecond, nodeGroup: 10 * time.Millisecond, fargate: 5 * time.Millisecond, update: 5 * time.Millisecond})
	p := planOf(false, freshPlan("demo", []string{"general", "gpu"}, []string{"system", "apps"}, []string{"s3-reader"}))
	var out bytes.Buffer
	opts := fastOptions(&out)
	res, err := Apply(context.Background(), p, s.factory(), opts)
	if err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	requireNoViolations(t, s)
	issuer := issuerOf(testRegion, "demo")
	want := []string{
		"cluster demo 1.30", "fargate demo/apps", "fargate demo/system", "nodegroup demo/general", "nodegroup demo/gpu",
		"oidc " + providerARNOf(issuer),
		"role demo-s3-reader", "role eksctl-lite-demo-us-east-1-cluster", "role eksctl-lite-demo-us-east-1-node",
	}
	if diff := cmp.Diff(want, s.state()); diff != "" {
		t.Errorf("state after apply (-want +got):\n%s", diff)
	}
	before(t, s, "CreateRole eksctl-lite-demo-us-east-1-cluster", "CreateCluster demo")
	before(t, s, "CreateCluster demo", "CreateNodegroup demo/general")
	before(t, s, "CreateRole eksctl-lite-demo-us-east-1-node", "CreateNodegroup demo/general")
	before(t, s, "CreateCluster demo", "CreateOpenIDConnectProvider "+issuer)
	before(t, s, "CreateOpenIDConnectProvider "+issuer, "CreateRole demo-s3-reader")

	// Values known after apply were filled from what was created.
	s.mu.Lock()
	if got := aws.ToString(s.cluster("demo").cl.RoleArn); got != s.roles["eksctl-lite-demo-us-east-1-cluster"].arn {
		t.Errorf("cluster role = %s, want the managed cluster role's ARN", got)
	}
	if got := aws.ToString(s.nodegroup("demo", "general").ng.NodeRole); got != s.roles["eksctl-lite-demo-us-east-1-node"].arn {
		t.Errorf("node role = %s, want the managed node role's ARN", got)
	}
	wantTrust := IRSATrustPolicy(providerARNOf(issuer), issuer, "default", "s3-reader")
	if got := s.roles["demo-s3-reader"].trust; got != wantTrust {
		t.Errorf("irsa trust policy:\n got %s\nwant %s", got, wantTrust)
	}
	if diff := cmp.Diff(map[string]bool{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess": true}, s.roles["demo-s3-reader"].attached); diff != "" {
		t.Errorf("irsa policies (-want +got):\n%s", diff)
	}
	if _, ok := s.roles["demo-s3-reader"].inline[InlinePolicyName]; !ok {
		t.Errorf("irsa inline policy not put")
	}
	if got := s.roles["eksctl-lite-demo-us-east-1-node"].tags[TagAddress]; got != "cluster.demo.node_role" {
		t.Errorf("node role address tag = %q", got)
	}
	if got := s.nodegroup("demo", "general").tags[TagCluster]; got != "demo" {
		t.Errorf("node group cluster tag = %q", got)
	}
	s.mu.Unlock()

	if res.Added != 9 || res.Changed+res.Replaced+res.Destroyed != 0 {
		t.Errorf("counts: %+v", res)
	}
	text := out.String()
	for _, want := range []string{
		"cluster.demo: Creating...\n",
		"cluster.demo: Creation complete after ",
		"[id=arn:aws:eks:us-east-1:111122223333:cluster/demo]",
		"cluster.demo.node_group.general: Creation complete after ",
		"\nApply complete! Resources: 9 added, 0 changed, 0 destroyed.\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("progress lacks %q:\n%s", want, text)
		}
	}
}

func TestApplyClustersProceedIndependently(t *testing.T) {
	// Cluster a's creation fails; cluster b is unaffected, and only a's
	// dependants are skipped.
	s := applyAccount(lifecycle{cluster: 5 * time.Millisecond, nodeGroup: 5 * time.Millisecond, fargate: 2 * time.Millisecond})
	s.hook = func(op, name string) error {
		if op == "CreateCluster" && name == "a" {
			return &ekstypes.InvalidParameterException{Message: aws.String("Subnet subnet-a is in an unsupported Availability Zone")}
		}
		return nil
	}
	p := planOf(false, freshPlan("a", []string{"general"}, []string{"system"}, []string{"reader"}), freshPlan("b", []string{"general"}, []string{"system"}, nil))
	var out bytes.Buffer
	opts := fastOptions(&out)
	opts.Timeouts.IAM = 20 * time.Millisecond // how long a new role's InvalidParameterException is retried
	res, err := Apply(context.Background(), p, s.factory(), opts)
	if err == nil {
		t.Fatal("Apply succeeded; want an error for cluster a")
	}
	got := outcomes(res)
	want := map[string]string{
		"cluster.a.cluster_role":           "done",
		"cluster.a.node_role":              "done",
		"cluster.a":                        "failed",
		"cluster.a.node_group.general":     "skipped: upstream failed: cluster.a",
		"cluster.a.fargate_profile.system": "skipped: upstream failed: cluster.a",
		"cluster.a.oidc_provider":          "skipped: upstream failed: cluster.a",
		"cluster.a.irsa.reader":            "skipped: upstream failed: cluster.a",
		"cluster.b.cluster_role":           "done",
		"cluster.b.node_role":              "done",
		"cluster.b":                        "done",
		"cluster.b.node_group.general":     "done",
		"cluster.b.fargate_profile.system": "done",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	text := out.String()
	for _, want := range []string{
		"cluster.a: Creation failed after ",
		"\nApply failed. Resources: 7 added, 0 changed, 0 destroyed.\n",
		"\nFailed:\n  cluster.a: creating cluster a: ",
		"unsupported Availability Zone",
		"Skipped because something they need failed:\n  cluster.a.node_group.general: upstream failed: cluster.a\n",
		"  cluster.a.irsa.reader: upstream failed: cluster.a\n",
		"\nRe-run eksctl-lite apply to continue; it picks up where this run stopped.\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestApplySerialisesFargatePerCluster(t *testing.T) {
	// The account refuses (and records) a second Fargate profile
	// creating or deleting in one cluster, as EKS does. Clusters proceed
	// independently: the hook sees, at some CreateFargateProfile, a
	// profile of the other cluster still CREATING.
	s := applyAccount(lifecycle{fargate: 20 * time.Millisecond})
	a := seedCluster(s, "a", "1.30", "arn:role", ownedTags(nil, "a", "cluster.a"))
	b := seedCluster(s, "b", "1.30", "arn:role", ownedTags(nil, "b", "cluster.b"))
	overlaps := 0
	s.hook = func(op, name string) error { // the account's lock is held
		if op != "CreateFargateProfile" {
			return nil
		}
		other := map[string]string{"a": "b", "b": "a"}[name[:1]]
		for _, o := range s.in("").fargate {
			if o.cluster == other && o.status == "CREATING" && time.Now().Before(o.until) {
				overlaps++
				break
			}
		}
		return nil
	}
	var changes []*ResourceChange
	changes = append(changes, change("a", "cluster.a", TypeCluster, NoOp, a, a), change("b", "cluster.b", TypeCluster, NoOp, b, b))
	for _, c := range []string{"a", "b"} {
		for i := range 4 {
			name := fmt.Sprint(c, i)
			changes = append(changes, change(c, FargateProfileAddress(c, name), TypeFargateProfile, Create, nil, desiredFargate(c, name), ClusterAddress(c)))
		}
	}
	var out bytes.Buffer
	if _, err := Apply(context.Background(), planOf(false, changes), s.factory(), fastOptions(&out)); err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	requireNoViolations(t, s)
	if n := len(s.logged("CreateFargateProfile")); n != 8 {
		t.Errorf("%d profiles created, want 8", n)
	}
	if overlaps == 0 {
		t.Errorf("the two clusters' Fargate profiles never were creating at the same time; log:\n%s", strings.Join(s.log, "\n"))
	}
}

func TestApplyFargateProfileLeftInFlightHoldsTheLock(t *testing.T) {
	// An interrupted run left p0 CREATING (or DELETING); the configuration
	// wants it as it is, so the new plan has a no-op for it, placed last,
	// and creates for p1 and p2. The no-op holds the cluster's Fargate
	// lock until p0 is ACTIVE (or gone and created again): no
	// CreateFargateProfile is sent for EKS to refuse (the account records
	// one as a violation and answers ResourceInUseException).
	for _, status := range []string{"CREATING", "DELETING"} {
		t.Run(status, func(t *testing.T) {
			s := applyAccount(lifecycle{fargate: 5 * time.Millisecond})
			cl := seedCluster(s, "demo", "1.30", "arn:role", ownedTags(nil, "demo", "cluster.demo"))
			want := desiredFargate("demo", "p0")
			live := s.putFargate("demo", want)
			s.mu.Lock()
			s.fargateProfile("demo", "p0").status, s.fargateProfile("demo", "p0").until = status, time.Now().Add(30*time.Millisecond)
			s.mu.Unlock()
			live.Status = status
			changes := []*ResourceChange{change("demo", "cluster.demo", TypeCluster, NoOp, cl, cl)}
			for _, name := range []string{"p1", "p2"} {
				changes = append(changes, change("demo", FargateProfileAddress("demo", name), TypeFargateProfile, Create, nil, desiredFargate("demo", name), "cluster.demo"))
			}
			changes = append(changes, change("demo", FargateProfileAddress("demo", "p0"), TypeFargateProfile, NoOp, live, want, "cluster.demo"))
			var out bytes.Buffer
			res, err := Apply(context.Background(), planOf(false, changes), s.factory(), fastOptions(&out))
			if err != nil {
				t.Fatalf("Apply: %v\n%s", err, out.String())
			}
			requireNoViolations(t, s)
			accepted := len(s.logged("CreateFargateProfile"))
			s.mu.Lock()
			refused := s.calls["CreateFargateProfile"] - accepted
			s.mu.Unlock()
			if refused != 0 {
				t.Errorf("%d CreateFargateProfile calls refused; log:\n%s", refused, strings.Join(s.log, "\n"))
			}
			wantState := []string{"cluster demo 1.30", "fargate demo/p0", "fargate demo/p1", "fargate demo/p2"}
			if diff := cmp.Diff(wantState, s.state()); diff != "" {
				t.Errorf("state after apply (-want +got):\n%s", diff)
			}
			if got := outcomes(res); got["cluster.demo.fargate_profile.p0"] != "done" {
				t.Errorf("outcomes: %v", got)
			}
			if status == "DELETING" {
				// Gone, then created again before the others.
				if got := s.logged("CreateFargateProfile"); len(got) != 3 || got[0] != "CreateFargateProfile demo/p0" {
					t.Errorf("creates: %v, want p0 first", got)
				}
				if !strings.Contains(out.String(), "Fargate profile p0 is being deleted (an earlier run); it is created again once gone") {
					t.Errorf("progress:\n%s", out.String())
				}
			}
		})
	}
}

// A control plane goes one minor version at a time, and its node groups
// follow it between two steps: EKS refuses to upgrade a control plane whose
// node groups are behind it (issue 8, item 12).
func TestApplyUpgradesOneMinorVersionAtATimeInterleavedWithNodeGroups(t *testing.T) {
	s := applyAccount(lifecycle{update: 3 * time.Millisecond})
	role := "arn:aws:iam::111122223333:role/cluster"
	live := seedCluster(s, "demo", "1.28", role, ownedTags(nil, "demo", "cluster.demo"))
	ng := seedNodegroup(s, "demo", "general", "1.28", "arn:node", ownedTags(nil, "demo", "cluster.demo.node_group.general"))
	want := *live
	want.Version, want.Logging = "1.30", []string{"api", "audit"}
	ngWant := *ng
	ngWant.Version = "1.30"
	p := planOf(false, []*ResourceChange{
		withSteps(change("demo", "cluster.demo", TypeCluster, Update, live, &want),
			Step{Call: "UpdateClusterVersion", Target: "1.29", Paths: []string{"version"}},
			Step{Call: "UpdateNodegroupVersion", NodeGroup: "general", Target: "1.29", Paths: []string{"version"}},
			Step{Call: "UpdateClusterVersion", Target: "1.30", Paths: []string{"version"}},
			Step{Call: "UpdateClusterConfig", Detail: "logging", Paths: []string{"enabled_cluster_log_types"}}),
		withSteps(change("demo", "cluster.demo.node_group.general", TypeNodeGroup, Update, ng, &ngWant, "cluster.demo"),
			Step{Call: "UpdateNodegroupVersion", Target: "1.30", Paths: []string{"version"}}),
	})
	var out bytes.Buffer
	res, err := Apply(context.Background(), p, s.factory(), fastOptions(&out))
	if err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	requireNoViolations(t, s) // a second update in flight or a node group ahead of the control plane
	wantLog := []string{
		"UpdateClusterVersion demo 1.29",
		"UpdateNodegroupVersion demo/general 1.29",
		"UpdateClusterVersion demo 1.30",
		"UpdateClusterConfig demo logging",
		"UpdateNodegroupVersion demo/general 1.30",
	}
	if diff := cmp.Diff(wantLog, s.log); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if s.calls["DescribeUpdate"] < 5 {
		t.Errorf("DescribeUpdate called %d times; every update must be polled", s.calls["DescribeUpdate"])
	}
	if res.Changed != 2 {
		t.Errorf("changed = %d, want 2", res.Changed)
	}
	if !strings.Contains(out.String(), "cluster.demo: UpdateClusterConfig (logging)...") {
		t.Errorf("progress does not show the steps:\n%s", out.String())
	}
}

func TestApplyNodeGroupConfigUpdate(t *testing.T) {
	s := applyAccount(lifecycle{update: 2 * time.Millisecond})
	ng := seedNodegroup(s, "demo", "general", "1.30", "arn:node", ownedTags(nil, "demo", "cluster.demo.node_group.general"))
	want := *ng
	want.MinSize, want.MaxSize, want.DesiredSize = 2, 5, nil
	want.Labels = map[string]string{"team": "b", "tier": "web"}
	want.Taints = []TaintAttrs{{Key: "gpu", Value: "true", Effect: "NO_SCHEDULE"}}
	want.Tags = ownedTags(map[string]string{"env": "prod"}, "demo", "cluster.demo.node_group.general")
	p := planOf(false, []*ResourceChange{withSteps(change("demo", "cluster.demo.node_group.general", TypeNodeGroup, Update, ng, &want),
		Step{Call: "TagResource", Paths: []string{"tags"}},
		Step{Call: "UpdateNodegroupConfig", Paths: []string{"scaling.min_size", "scaling.max_size", "labels", "taints"}})})
	var out bytes.Buffer
	if _, err := Apply(context.Background(), p, s.factory(), fastOptions(&out)); err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	requireNoViolations(t, s)
	s.mu.Lock()
	defer s.mu.Unlock()
	got := s.nodegroup("demo", "general")
	sc := got.ng.ScalingConfig
	// desired_size left to autoscalers: the live 2 is kept, inside [2, 5].
	if aws.ToInt32(sc.MinSize) != 2 || aws.ToInt32(sc.MaxSize) != 5 || aws.ToInt32(sc.DesiredSize) != 2 {
		t.Errorf("scaling = %d/%d/%d, want 2/5/2", aws.ToInt32(sc.MinSize), aws.ToInt32(sc.MaxSize), aws.ToInt32(sc.DesiredSize))
	}
	if diff := cmp.Diff(want.Labels, got.ng.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	var taints []string
	for _, tt := range got.ng.Taints {
		taints = append(taints, aws.ToString(tt.Key)+"="+aws.ToString(tt.Value)+":"+string(tt.Effect))
	}
	if diff := cmp.Diff([]string{"gpu=true:NO_SCHEDULE"}, taints); diff != "" {
		t.Errorf("taints (-want +got):\n%s", diff)
	}
	if got.tags["env"] != "prod" {
		t.Errorf("tags = %v", got.tags)
	}
}

func TestApplyReplacesNodeGroupWithoutDroppingCapacity(t *testing.T) {
	s := applyAccount(lifecycle{nodeGroup: 10 * time.Millisecond})
	seedCluster(s, "demo", "1.30", "arn:role", ownedTags(nil, "demo", "cluster.demo"))
	addr := "cluster.demo.node_group.general"
	old := seedNodegroup(s, "demo", "general", "1.30", "arn:node", ownedTags(nil, "demo", addr))
	want := *old
	want.Name, want.InstanceTypes = "general-abc123", []string{"m6i.large"}
	// When the old group's deletion starts, the new one must be ACTIVE.
	s.hook = func(op, name string) error {
		if op == "DeleteNodegroup" && name == "general" {
			if n := s.nodegroup("demo", "general-abc123"); n == nil || n.status != "ACTIVE" {
				s.violate("old node group deleted before the new one is ACTIVE")
			}
		}
		return nil
	}
	p := planOf(false, []*ResourceChange{change("demo", addr, TypeNodeGroup, Replace, old, &want)})
	var out bytes.Buffer
	res, err := Apply(context.Background(), p, s.factory(), fastOptions(&out))
	if err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	requireNoViolations(t, s)
	before(t, s, "CreateNodegroup demo/general-abc123", "DeleteNodegroup demo/general")
	if diff := cmp.Diff([]string{"cluster demo 1.30", "nodegroup demo/general-abc123"}, s.state()); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
	if res.Replaced != 1 {
		t.Errorf("replaced = %d", res.Replaced)
	}
}

func TestApplyReplacesFargateDeleteThenCreate(t *testing.T) {
	s := applyAccount(lifecycle{fargate: 5 * time.Millisecond})
	seedCluster(s, "demo", "1.30", "arn:role", ownedTags(nil, "demo", "cluster.demo"))
	addr := "cluster.demo.fargate_profile.system"
	old := seedFargate(s, "demo", "system", "arn:aws:iam::111122223333:role/fargate", ownedTags(nil, "demo", addr))
	want := desiredFargate("demo", "system")
	want.Selectors = []SelectorAttrs{{Namespace: "kube-system"}, {Namespace: "default"}}
	p := planOf(false, []*ResourceChange{change("demo", addr, TypeFargateProfile, Replace, old, want)})
	var out bytes.Buffer
	if _, err := Apply(context.Background(), p, s.factory(), fastOptions(&out)); err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	requireNoViolations(t, s)
	if diff := cmp.Diff([]string{"DeleteFargateProfile demo/system", "CreateFargateProfile demo/system"}, s.log); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	s.mu.Lock()
	if n := len(s.fargateProfile("demo", "system").fp.Selectors); n != 2 {
		t.Errorf("new profile has %d selectors, want 2", n)
	}
	s.mu.Unlock()
}

// destroyPlan is what plan --destroy proposes for a cluster with managed
// roles, a node group, a Fargate profile and an irsa role.
func seedAndDestroyPlan(s *fakeAccount) *Plan {
	tags := func(addr string) map[string]string { return ownedTags(nil, "demo", addr) }
	cr := seedRole(s, ClusterRoleName("demo", testRegion), serviceTrustPolicy("eks.amazonaws.com"), ClusterRolePolicyARNs(testRegion), "", tags("cluster.demo.cluster_role"))
	nr := seedRole(s, NodeRoleName("demo", testRegion), serviceTrustPolicy("ec2.amazonaws.com"), NodeRolePolicyARNs(testRegion), "", tags("cluster.demo.node_role"))
	c := seedCluster(s, "demo", "1.30", cr.ARN, tags("cluster.demo"))
	ng := seedNodegroup(s, "demo", "general", "1.30", nr.ARN, tags("cluster.demo.node_group.general"))
	fp := seedFargate(s, "demo", "system", "arn:aws:iam::111122223333:role/fargate", tags("cluster.demo.fargate_profile.system"))
	o := seedOIDC(s, c.OIDCIssuer, tags("cluster.demo.oidc_provider"))
	ir := seedRole(s, "demo-reader", IRSATrustPolicy(o.ARN, o.URL, "default", "reader"), []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, `{"Statement":[]}`, tags("cluster.demo.irsa.reader"))
	return planOf(true, []*ResourceChange{
		change("demo", "cluster.demo", TypeCluster, Delete, c, nil, "cluster.demo.cluster_role"),
		change("demo", "cluster.demo.cluster_role", TypeRole, Delete, cr, nil),
		change("demo", "cluster.demo.fargate_profile.system", TypeFargateProfile, Delete, fp, nil, "cluster.demo"),
		change("demo", "cluster.demo.irsa.reader", TypeRole, Delete, ir, nil, "cluster.demo", "cluster.demo.oidc_provider"),
		change("demo", "cluster.demo.node_group.general", TypeNodeGroup, Delete, ng, nil, "cluster.demo", "cluster.demo.node_role"),
		change("demo", "cluster.demo.node_role", TypeRole, Delete, nr, nil),
		change("demo", "cluster.demo.oidc_provider", TypeOIDCProvider, Delete, o, nil, "cluster.demo"),
	})
}

func TestDestroyDeletesChildrenBeforeParents(t *testing.T) {
	s := applyAccount(lifecycle{cluster: 10 * time.Millisecond, nodeGroup: 10 * time.Millisecond, fargate: 5 * time.Millisecond})
	p := seedAndDestroyPlan(s)
	var out bytes.Buffer
	res, err := Apply(context.Background(), p, s.factory(), fastOptions(&out))
	if err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	requireNoViolations(t, s) // cluster deleted with children, role deleted while in use
	if got := s.state(); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
	before(t, s, "DeleteNodegroup demo/general", "DeleteCluster demo")
	before(t, s, "DeleteFargateProfile demo/system", "DeleteCluster demo")
	before(t, s, "DeleteCluster demo", "DeleteRole eksctl-lite-demo-us-east-1-cluster")
	before(t, s, "DeleteNodegroup demo/general", "DeleteRole eksctl-lite-demo-us-east-1-node")
	before(t, s, "DeleteRole demo-reader", "DeleteOpenIDConnectProvider "+providerARNOf(issuerOf(testRegion, "demo")))
	before(t, s, "DetachRolePolicy demo-reader arn:aws:iam::aws:policy/ReadOnlyAccess", "DeleteRole demo-reader")
	before(t, s, "DeleteRolePolicy demo-reader eksctl-lite", "DeleteRole demo-reader")
	if res.Destroyed != 7 {
		t.Errorf("destroyed = %d", res.Destroyed)
	}
	if !strings.Contains(out.String(), "\nDestroy complete! Resources: 7 destroyed.\n") {
		t.Errorf("summary:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "cluster.demo.node_group.general: Destroying... [id=arn:aws:eks:us-east-1:111122223333:nodegroup/demo/general/0000]\n") ||
		!strings.Contains(out.String(), "cluster.demo.node_group.general: Destruction complete after ") {
		t.Errorf("progress:\n%s", out.String())
	}
}

func TestApplyDeletesRoleOnlyAfterTheReplacementStopsUsingIt(t *testing.T) {
	// The node group moves from the managed node role to an explicit one:
	// the group is replaced, the managed role deleted. The plan's
	// DependsOn of the replacement names only what it needs now; the old
	// role's ARN in its Before is what orders the role's deletion after it.
	s := applyAccount(lifecycle{nodeGroup: 5 * time.Millisecond})
	nr := seedRole(s, NodeRoleName("demo", testRegion), serviceTrustPolicy("ec2.amazonaws.com"), NodeRolePolicyARNs(testRegion), "", ownedTags(nil, "demo", "cluster.demo.node_role"))
	seedCluster(s, "demo", "1.30", "arn:role", ownedTags(nil, "demo", "cluster.demo"))
	addr := "cluster.demo.node_group.general"
	old := seedNodegroup(s, "demo", "general", "1.30", nr.ARN, ownedTags(nil, "demo", addr))
	want := *old
	want.Name, want.NodeRoleARN = "general-2", "arn:aws:iam::111122223333:role/mine"
	p := planOf(false, []*ResourceChange{
		change("demo", addr, TypeNodeGroup, Replace, old, &want),
		change("demo", "cluster.demo.node_role", TypeRole, Delete, nr, nil),
	})
	var out bytes.Buffer
	if _, err := Apply(context.Background(), p, s.factory(), fastOptions(&out)); err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	requireNoViolations(t, s)
	before(t, s, "DeleteNodegroup demo/general", "DeleteRole eksctl-lite-demo-us-east-1-node")
}

func TestApplyWaitsOutResourceInUse(t *testing.T) {
	s := applyAccount(lifecycle{})
	c := seedCluster(s, "demo", "1.30", "arn:role", ownedTags(nil, "demo", "cluster.demo"))
	busy := 3
	s.hook = func(op, name string) error {
		if op == "CreateNodegroup" && busy > 0 {
			busy--
			return inUse("Cluster demo is currently being updated")
		}
		return nil
	}
	ng := desiredNodeGroup("demo", "general", "general")
	ng.NodeRoleARN = "arn:node"
	p := planOf(false, []*ResourceChange{
		change("demo", "cluster.demo", TypeCluster, NoOp, c, c),
		change("demo", "cluster.demo.node_group.general", TypeNodeGroup, Create, nil, ng, "cluster.demo"),
	})
	var out bytes.Buffer
	if _, err := Apply(context.Background(), p, s.factory(), fastOptions(&out)); err != nil {
		t.Fatalf("ResourceInUseException must be waited out, got %v\n%s", err, out.String())
	}
	if s.calls["CreateNodegroup"] != 4 {
		t.Errorf("CreateNodegroup called %d times, want 4 (3 busy, then accepted)", s.calls["CreateNodegroup"])
	}
}

func TestApplyReportsFailedUpdate(t *testing.T) {
	s := applyAccount(lifecycle{update: 2 * time.Millisecond})
	ng := seedNodegroup(s, "demo", "general", "1.29", "arn:node", ownedTags(nil, "demo", "cluster.demo.node_group.general"))
	s.failUpdates["general"] = true
	want := *ng
	want.Version = "1.30"
	p := planOf(false, []*ResourceChange{withSteps(change("demo", "cluster.demo.node_group.general", TypeNodeGroup, Update, ng, &want),
		Step{Call: "UpdateNodegroupVersion", Target: "1.30"})})
	var out bytes.Buffer
	res, err := Apply(context.Background(), p, s.factory(), fastOptions(&out))
	if err == nil {
		t.Fatal("want an error")
	}
	got := res.Resources[0].Err.Error()
	for _, want := range []string{"of node group general failed", "NodeCreationFailure: Instances failed to join the kubernetes cluster"} {
		if !strings.Contains(got, want) {
			t.Errorf("error %q lacks %q", got, want)
		}
	}
}

func TestApplyInterrupt(t *testing.T) {
	// The stop comes while the cluster is creating: CreateCluster has
	// returned, the wait stops, the cluster is reported in progress, and
	// nothing that depends on it starts.
	s := applyAccount(lifecycle{cluster: time.Hour})
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	s.hook = func(op, name string) error {
		if op == "DescribeCluster" {
			stop() // the first poll after CreateCluster
		}
		return nil
	}
	c := desiredCluster("demo")
	c.RoleARN = "arn:role"
	ng := desiredNodeGroup("demo", "general", "general")
	ng.NodeRoleARN = "arn:node"
	p := planOf(false, []*ResourceChange{
		change("demo", "cluster.demo", TypeCluster, Create, nil, c),
		change("demo", "cluster.demo.node_group.general", TypeNodeGroup, Create, nil, ng, "cluster.demo"),
	})
	var out bytes.Buffer
	res, err := Apply(ctx, p, s.factory(), fastOptions(&out))
	if err == nil || !res.Interrupted {
		t.Fatalf("want an interrupted result, got %v", err)
	}
	want := map[string]string{
		"cluster.demo":                    "interrupted: stopped waiting for cluster demo to become ACTIVE (status CREATING): context canceled",
		"cluster.demo.node_group.general": "not started",
	}
	if diff := cmp.Diff(want, outcomes(res)); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if s.calls["CreateNodegroup"] != 0 {
		t.Error("a node group was created after the stop")
	}
	if diff := cmp.Diff([]string{"cluster demo 1.30"}, s.state()); diff != "" {
		t.Errorf("the call in flight must complete (-want +got):\n%s", diff)
	}
	text := out.String()
	for _, want := range []string{
		"cluster.demo: Interrupted after ",
		"Interrupted: apply stopped starting new actions.",
		"In progress when interrupted (AWS carries on with what it was doing):\n  cluster.demo: stopped waiting",
		"Not started:\n  cluster.demo.node_group.general (create)\n",
		"Re-run eksctl-lite apply to continue",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestApplyContinuesAnInterruptedCreate(t *testing.T) {
	// An earlier apply created the cluster (with our tags) and was
	// interrupted; the new plan, made before it appeared, says create.
	// CreateCluster answers ResourceInUse; apply recognises its own
	// cluster and waits for it. Someone else's cluster is an error.
	for _, owned := range []bool{true, false} {
		t.Run(fmt.Sprint("owned=", owned), func(t *testing.T) {
			s := applyAccount(lifecycle{})
			tags := map[string]string{"team": "x"}
			if owned {
				tags = ownedTags(nil, "demo", "cluster.demo")
			}
			seedCluster(s, "demo", "1.30", "arn:role", tags)
			c := desiredCluster("demo")
			c.RoleARN = "arn:role"
			var out bytes.Buffer
			_, err := Apply(context.Background(), planOf(false, []*ResourceChange{change("demo", "cluster.demo", TypeCluster, Create, nil, c)}), s.factory(), fastOptions(&out))
			if owned && err != nil {
				t.Errorf("Apply: %v\n%s", err, out.String())
			}
			if !owned && (err == nil || !strings.Contains(out.String(), "a cluster named demo already exists and eksctl-lite does not own it")) {
				t.Errorf("want a refusal, got %v\n%s", err, out.String())
			}
		})
	}
}

func TestApplyWaitsForTransitionalNoOp(t *testing.T) {
	// The cluster is still CREATING (an interrupted apply) and matches the
	// configuration: its no-op waits until ACTIVE, then node groups start
	// (the account records a violation if one is created too early).
	s := applyAccount(lifecycle{})
	c := seedCluster(s, "demo", "1.30", "arn:role", ownedTags(nil, "demo", "cluster.demo"))
	s.mu.Lock()
	s.cluster("demo").status, s.cluster("demo").until = "CREATING", time.Now().Add(20*time.Millisecond)
	s.mu.Unlock()
	c.Status = "CREATING"
	ng := desiredNodeGroup("demo", "general", "general")
	ng.NodeRoleARN = "arn:node"
	p := planOf(false, []*ResourceChange{
		change("demo", "cluster.demo", TypeCluster, NoOp, c, c),
		change("demo", "cluster.demo.node_group.general", TypeNodeGroup, Create, nil, ng, "cluster.demo"),
	})
	var out bytes.Buffer
	res, err := Apply(context.Background(), p, s.factory(), fastOptions(&out))
	if err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	requireNoViolations(t, s)
	if !strings.Contains(out.String(), "cluster.demo: Waiting for a change in progress in AWS to finish...") {
		t.Errorf("progress:\n%s", out.String())
	}
	if res.Added != 1 || res.Changed != 0 {
		t.Errorf("a no-op is not counted: %+v", res)
	}
}

func TestApplyRoleUpdateSteps(t *testing.T) {
	s := applyAccount(lifecycle{})
	addr := "cluster.demo.irsa.reader"
	live := seedRole(s, "demo-reader", serviceTrustPolicy("ec2.amazonaws.com"), []string{"arn:old"}, `{"Statement":[]}`, ownedTags(map[string]string{"gone": "1"}, "demo", addr))
	want := *live
	want.PolicyARNs = []string{"arn:new"}
	want.InlinePolicy = ""
	want.AssumeRolePolicy = serviceTrustPolicy("eks.amazonaws.com")
	want.Tags = ownedTags(map[string]string{"env": "prod"}, "demo", addr)
	p := planOf(false, []*ResourceChange{withSteps(change("demo", addr, TypeRole, Update, live, &want),
		roleSteps(live, &want, []AttrDiff{{Path: "tags"}, {Path: "assume_role_policy"}, {Path: "managed_policy_arns"}, {Path: "inline_policy"}})...)})
	var out bytes.Buffer
	if _, err := Apply(context.Background(), p, s.factory(), fastOptions(&out)); err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	wantLog := []string{
		"TagRole demo-reader", "UntagRole demo-reader", "UpdateAssumeRolePolicy demo-reader",
		"AttachRolePolicy demo-reader arn:new", "DetachRolePolicy demo-reader arn:old", "DeleteRolePolicy demo-reader eksctl-lite",
	}
	if diff := cmp.Diff(wantLog, s.log); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if diff := cmp.Diff(want.Tags, s.roles["demo-reader"].tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
}

func TestApplyPlanFromJSON(t *testing.T) {
	// A saved plan comes back from JSON with untyped attributes; apply
	// reads them all the same.
	s := applyAccount(lifecycle{})
	p := planOf(false, freshPlan("demo", []string{"general"}, nil, []string{"reader"}))
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := Apply(context.Background(), &back, s.factory(), fastOptions(&out)); err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	if n := len(s.state()); n != 6 {
		t.Errorf("state: %v", s.state())
	}
}

func TestApplyStillLines(t *testing.T) {
	s := applyAccount(lifecycle{cluster: 60 * time.Millisecond})
	c := desiredCluster("demo")
	c.RoleARN = "arn:role"
	var out syncBuffer
	opts := fastOptions(nil)
	opts.Progress, opts.StillEvery = &out, 20*time.Millisecond
	if _, err := Apply(context.Background(), planOf(false, []*ResourceChange{change("demo", "cluster.demo", TypeCluster, Create, nil, c)}), s.factory(), opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "cluster.demo: Still creating... [") || !strings.Contains(out.String(), " elapsed]\n") {
		t.Errorf("no Still line:\n%s", out.String())
	}
}

func TestApplyOptionsFromEnv(t *testing.T) {
	got, err := ApplyOptionsFromEnv([]string{"EKSCTL_LITE_POLL_INTERVAL=100ms", "EKSCTL_LITE_TIMEOUT_NODE_GROUP=90m", "EKSCTL_LITE_PROGRESS_INTERVAL=1s", "OTHER=x"})
	if err != nil {
		t.Fatal(err)
	}
	got = got.withDefaults()
	if got.PollInterval != 100*time.Millisecond || got.MaxPollInterval != 200*time.Millisecond || got.StillEvery != time.Second {
		t.Errorf("intervals: %+v", got)
	}
	if got.Timeouts.NodeGroup != 90*time.Minute || got.Timeouts.ClusterCreate != 40*time.Minute || got.Timeouts.FargateProfile != 10*time.Minute {
		t.Errorf("timeouts: %+v", got.Timeouts)
	}
	_, err = ApplyOptionsFromEnv([]string{"EKSCTL_LITE_TIMEOUT_IAM=soon"})
	if err == nil || !strings.Contains(err.Error(), `EKSCTL_LITE_TIMEOUT_IAM="soon" is not a positive duration`) {
		t.Errorf("bad duration: %v", err)
	}
}

func TestApplyRetriesBrandNewRoleNotYetVisibleToEKS(t *testing.T) {
	// IAM is eventually consistent: EKS may answer InvalidParameterException
	// for a role created a moment ago. That is retried for roles this run
	// created, and only for them.
	s := applyAccount(lifecycle{})
	n := 0
	s.hook = func(op, name string) error {
		if op == "CreateCluster" && n < 2 {
			n++
			return &ekstypes.InvalidParameterException{Message: aws.String("Role could not be assumed")}
		}
		return nil
	}
	p := planOf(false, freshPlan("demo", nil, nil, nil)[:3]) // roles and cluster
	p.Changes = append(p.Changes[:1], p.Changes[2])          // cluster role and cluster
	var out bytes.Buffer
	if _, err := Apply(context.Background(), p, s.factory(), fastOptions(&out)); err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	if s.calls["CreateCluster"] != 3 {
		t.Errorf("CreateCluster called %d times, want 3", s.calls["CreateCluster"])
	}

	s2 := applyAccount(lifecycle{})
	s2.hook = func(op, name string) error {
		if op == "CreateCluster" {
			return &ekstypes.InvalidParameterException{Message: aws.String("Role could not be assumed")}
		}
		return nil
	}
	c := desiredCluster("demo")
	c.RoleARN = "arn:aws:iam::111122223333:role/old"
	_, err := Apply(context.Background(), planOf(false, []*ResourceChange{change("demo", "cluster.demo", TypeCluster, Create, nil, c)}), s2.factory(), fastOptions(&out))
	var ip *ekstypes.InvalidParameterException
	if !errors.As(err, &ip) && !strings.Contains(out.String(), "Role could not be assumed") {
		t.Errorf("an existing role's InvalidParameterException must fail at once: %v", err)
	}
	if s2.calls["CreateCluster"] != 1 {
		t.Errorf("CreateCluster called %d times, want 1", s2.calls["CreateCluster"])
	}
}

func TestDestroyLeavesForeignNodeGroupAndSaysSo(t *testing.T) {
	// A node group created out of band in an owned cluster is not in the
	// destroy plan; the cluster cannot be deleted while it exists, and
	// destroy says so at once instead of waiting for a timeout.
	s := applyAccount(lifecycle{nodeGroup: 5 * time.Millisecond})
	p := seedAndDestroyPlan(s)
	seedNodegroup(s, "demo", "by-hand", "1.30", "arn:aws:iam::111122223333:role/mine", map[string]string{"team": "x"})
	var out bytes.Buffer
	res, err := Apply(context.Background(), p, s.factory(), fastOptions(&out))
	if err == nil {
		t.Fatal("destroy succeeded with a foreign node group in the cluster")
	}
	got := outcomes(res)
	if got["cluster.demo"] != "failed" || got["cluster.demo.cluster_role"] != "skipped: upstream failed: cluster.demo" || got["cluster.demo.node_group.general"] != "done" {
		t.Errorf("outcomes: %v", got)
	}
	if !strings.Contains(out.String(), "cluster demo still has node group by-hand, which eksctl-lite did not create and never deletes") {
		t.Errorf("output:\n%s", out.String())
	}
	if s.calls["DeleteCluster"] != 0 {
		t.Error("DeleteCluster was called")
	}
	if s.nodegroup("demo", "by-hand") == nil {
		t.Error("the foreign node group was deleted")
	}
}

func TestApplyInterruptStartsNoFurtherUpdateStep(t *testing.T) {
	s := applyAccount(lifecycle{})
	live := seedCluster(s, "demo", "1.28", "arn:role", ownedTags(nil, "demo", "cluster.demo"))
	want := *live
	want.Version = "1.30"
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	s.hook = func(op, name string) error {
		if op == "UpdateClusterVersion" {
			stop() // arrives while the first upgrade is in flight
		}
		return nil
	}
	p := planOf(false, []*ResourceChange{withSteps(change("demo", "cluster.demo", TypeCluster, Update, live, &want),
		Step{Call: "UpdateClusterVersion", Target: "1.29"}, Step{Call: "UpdateClusterVersion", Target: "1.30"})})
	var out bytes.Buffer
	res, err := Apply(ctx, p, s.factory(), fastOptions(&out))
	if err == nil {
		t.Fatal("want an interrupted apply")
	}
	if diff := cmp.Diff([]string{"UpdateClusterVersion demo 1.29"}, s.log); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if got := outcomes(res)["cluster.demo"]; got != "interrupted: stopped before UpdateClusterVersion (1 of 2 steps done): context canceled" {
		t.Errorf("outcome: %s", got)
	}
}

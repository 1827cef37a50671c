package provision

// Resuming after an interrupted in-place update. AWS describes a cluster or
// node group with its old values while an update is InProgress, so the plan
// made meanwhile lists the step in flight again. Apply must wait for that
// update, see from the live resource that the step is done, and skip it:
// EKS refuses a version update to the version the cluster already has and
// a configuration update that changes nothing.

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
)

// resumeAccount holds cluster demo (1.31) and its node group general,
// ACTIVE, whose updates take lag. In AWS, as in this account, an update
// takes effect only when it completes: until then Describe* shows the old
// values. EKS's refusals matter here: a second update while one is in
// flight (ResourceInUseException), a cluster version update that is not
// exactly one minor version up, a node group version update to the version
// it has, and configuration updates that change nothing
// (InvalidParameterException).
func resumeAccount(lag time.Duration) *fakeAccount {
	a := applyAccount(lifecycle{update: lag})
	a.putCluster(&ClusterAttrs{Name: "demo", Version: "1.31", RoleARN: "arn:aws:iam::111122223333:role/cluster", SubnetIDs: []string{"subnet-a", "subnet-b"},
		EndpointPublicAccess: true, PublicAccessCIDRs: []string{"0.0.0.0/0"}, Tags: ownedTags(nil, "demo", "cluster.demo")})
	a.putNodeGroup("demo", &NodeGroupAttrs{Name: "general", NodeRoleARN: "arn:node", SubnetIDs: []string{"subnet-a"}, InstanceTypes: []string{"m5.large"},
		Version: "1.31", MinSize: 1, MaxSize: 3, DesiredSize: aws.Int(2), MaxUnavailable: aws.Int(1), Labels: map[string]string{"team": "a"},
		Tags: ownedTags(nil, "demo", "cluster.demo.node_group.general")})
	return a
}

// describedCluster is cluster demo as a plan made now sees it, through
// DescribeCluster: old values, UPDATING while an update runs.
func describedCluster(t *testing.T, a *fakeAccount) *ClusterAttrs {
	t.Helper()
	c, _ := a.factory()("")
	out, err := c.EKS.DescribeCluster(context.Background(), &eks.DescribeClusterInput{Name: aws.String("demo")})
	if err != nil {
		t.Fatal(err)
	}
	return clusterFromAWS(out.Cluster)
}

func describedNodeGroup(t *testing.T, a *fakeAccount) *NodeGroupAttrs {
	t.Helper()
	c, _ := a.factory()("")
	out, err := c.EKS.DescribeNodegroup(context.Background(), &eks.DescribeNodegroupInput{ClusterName: aws.String("demo"), NodegroupName: aws.String("general")})
	if err != nil {
		t.Fatal(err)
	}
	return nodeGroupFromAWS(out.Nodegroup)
}

func TestApplyResumesClusterUpdateInFlight(t *testing.T) {
	for _, tc := range []struct {
		name string
		// inFlight is the change of the update an interrupted apply left
		// in flight.
		inFlight func(c *ekstypes.Cluster)
		// want edits the desired attributes (a copy of the live ones).
		want  func(a *ClusterAttrs)
		steps []Step
		// calls are the calls EKS must accept.
		calls []string
		check func(t *testing.T, live *ClusterAttrs)
	}{
		{
			name:     "version",
			inFlight: func(c *ekstypes.Cluster) { c.Version = aws.String("1.32") },
			want:     func(a *ClusterAttrs) { a.Version = "1.33" },
			steps: []Step{
				{Call: "UpdateClusterVersion", Detail: "to 1.32", Paths: []string{"version"}, Target: "1.32"},
				{Call: "UpdateNodegroupVersion", NodeGroup: "general", Paths: []string{"version"}, Target: "1.32"},
				{Call: "UpdateClusterVersion", Detail: "to 1.33", Paths: []string{"version"}, Target: "1.33"},
			},
			calls: []string{"UpdateNodegroupVersion demo/general 1.32", "UpdateClusterVersion demo 1.33"},
			check: func(t *testing.T, live *ClusterAttrs) {
				if live.Version != "1.33" {
					t.Errorf("version = %s, want 1.33", live.Version)
				}
			},
		},
		{
			name: "logging",
			inFlight: func(c *ekstypes.Cluster) {
				c.Logging = &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Enabled: aws.Bool(true), Types: []ekstypes.LogType{"api", "audit"}}}}
			},
			want:  func(a *ClusterAttrs) { a.Logging = []string{"audit", "api"} },
			steps: []Step{{Call: "UpdateClusterConfig", Detail: "logging", Paths: []string{"enabled_cluster_log_types"}}},
			check: func(t *testing.T, live *ClusterAttrs) {
				if d := cmp.Diff([]string{"api", "audit"}, live.Logging); d != "" {
					t.Errorf("logging (-want +got):\n%s", d)
				}
			},
		},
		{
			name: "endpoint access, then logging",
			inFlight: func(c *ekstypes.Cluster) {
				vc := *c.ResourcesVpcConfig
				vc.EndpointPrivateAccess = true
				c.ResourcesVpcConfig = &vc
			},
			want: func(a *ClusterAttrs) { a.EndpointPrivateAccess, a.Logging = true, []string{"api"} },
			steps: []Step{
				{Call: "UpdateClusterConfig", Detail: "endpoint access", Paths: []string{"endpoint_private_access"}},
				{Call: "UpdateClusterConfig", Detail: "logging", Paths: []string{"enabled_cluster_log_types"}},
			},
			calls: []string{"UpdateClusterConfig demo logging"},
			check: func(t *testing.T, live *ClusterAttrs) {
				if !live.EndpointPrivateAccess || len(live.Logging) != 1 {
					t.Errorf("private access %v, logging %v", live.EndpointPrivateAccess, live.Logging)
				}
			},
		},
		{
			name:     "tags already set",
			inFlight: func(c *ekstypes.Cluster) { c.Version = aws.String("1.32") },
			want: func(a *ClusterAttrs) {
				a.Version = "1.33"
				a.Tags = ownedTags(map[string]string{"env": "prod", "team": "x"}, "demo", "cluster.demo")
			},
			steps: []Step{
				{Call: "TagResource", Detail: "set 2 tags", Paths: []string{"tags"}},
				{Call: "UpdateClusterVersion", Detail: "to 1.32", Paths: []string{"version"}, Target: "1.32"},
				{Call: "UpdateNodegroupVersion", NodeGroup: "general", Paths: []string{"version"}, Target: "1.32"},
				{Call: "UpdateClusterVersion", Detail: "to 1.33", Paths: []string{"version"}, Target: "1.33"},
			},
			// The plan was made before env=prod was set (by the interrupted
			// apply): only team is still missing.
			calls: []string{"TagResource demo team", "UpdateNodegroupVersion demo/general 1.32", "UpdateClusterVersion demo 1.33"},
			check: func(t *testing.T, live *ClusterAttrs) {
				if live.Tags["env"] != "prod" || live.Tags["team"] != "x" {
					t.Errorf("tags = %v", live.Tags)
				}
			},
		},
	} {
		for _, statusLags := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/status lags %v", tc.name, statusLags), func(t *testing.T) {
				a := resumeAccount(30 * time.Millisecond)
				before := describedCluster(t, a)
				if tc.name == "tags already set" {
					a.cluster("demo").tags["env"] = "prod"
				}
				a.statusLags = statusLags
				a.updateInProgress("demo", "", func() { tc.inFlight(a.cluster("demo").cl) })
				if !statusLags {
					before.Status = "UPDATING"
				}
				after := *before
				after.Status, after.ARN = "", ""
				tc.want(&after)
				p := planOf(false, []*ResourceChange{withSteps(change("demo", "cluster.demo", TypeCluster, Update, before, &after), tc.steps...)})
				var out bytes.Buffer
				if _, err := Apply(context.Background(), p, a.factory(), fastOptions(&out)); err != nil {
					t.Fatalf("Apply: %v\n%s", err, out.String())
				}
				if d := cmp.Diff(tc.calls, a.log); d != "" {
					t.Errorf("calls EKS accepted (-want +got):\n%s", d)
				}
				tc.check(t, describedCluster(t, a))
				if !strings.Contains(out.String(), "skipped") {
					t.Errorf("progress does not say a step was skipped:\n%s", out.String())
				}
			})
		}
	}
}

func TestApplyResumesNodeGroupUpdateInFlight(t *testing.T) {
	for _, tc := range []struct {
		name     string
		inFlight func(ng *ekstypes.Nodegroup)
		calls    []string
	}{
		{"version", func(ng *ekstypes.Nodegroup) { ng.Version = aws.String("1.32") }, []string{"UpdateNodegroupConfig demo/general"}},
		{"labels", func(ng *ekstypes.Nodegroup) { ng.Labels = map[string]string{"team": "b"} }, []string{"UpdateNodegroupVersion demo/general 1.32"}},
	} {
		for _, statusLags := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/status lags %v", tc.name, statusLags), func(t *testing.T) {
				a := resumeAccount(30 * time.Millisecond)
				a.cluster("demo").cl.Version = aws.String("1.32")
				before := describedNodeGroup(t, a)
				a.statusLags = statusLags
				a.updateInProgress("demo", "general", func() { tc.inFlight(a.nodegroup("demo", "general").ng) })
				if !statusLags {
					before.Status = "UPDATING"
				}
				after := *before
				after.Status, after.ARN = "", ""
				// Left to autoscalers: never compared, never sent as a change.
				after.Version, after.Labels, after.DesiredSize = "1.32", map[string]string{"team": "b"}, nil
				p := planOf(false, []*ResourceChange{withSteps(change("demo", "cluster.demo.node_group.general", TypeNodeGroup, Update, before, &after),
					Step{Call: "UpdateNodegroupVersion", Detail: "1.31 -> 1.32", Paths: []string{"version"}, Target: "1.32"},
					Step{Call: "UpdateNodegroupConfig", Detail: "labels", Paths: []string{"labels"}})})
				var out bytes.Buffer
				if _, err := Apply(context.Background(), p, a.factory(), fastOptions(&out)); err != nil {
					t.Fatalf("Apply: %v\n%s", err, out.String())
				}
				if d := cmp.Diff(tc.calls, a.log); d != "" {
					t.Errorf("calls EKS accepted (-want +got):\n%s", d)
				}
				live := describedNodeGroup(t, a)
				if live.Version != "1.32" || live.Labels["team"] != "b" {
					t.Errorf("node group runs %s with labels %v", live.Version, live.Labels)
				}
			})
		}
	}
}

// Steps whose work is done are recognised by what they cover, not by
// the whole resource: a version step is done at or past its target, a
// configuration step when its paths agree, whatever else differs.
func TestStepDone(t *testing.T) {
	live := &ClusterAttrs{Version: "1.32", EndpointPublicAccess: true, PublicAccessCIDRs: []string{"0.0.0.0/0"}, Logging: []string{"api"},
		Tags: map[string]string{"a": "1", "old": "x"}}
	want := &ClusterAttrs{Version: "1.34", EndpointPublicAccess: true, EndpointPrivateAccess: true, PublicAccessCIDRs: []string{"0.0.0.0/0"},
		Logging: []string{"api"}, Tags: map[string]string{"a": "1", "b": "2"}, KMSKeyARN: "arn:key"}
	got := map[string]bool{}
	for _, s := range []Step{
		{Call: "UpdateClusterVersion", Target: "1.31"},
		{Call: "UpdateClusterVersion", Target: "1.32"},
		{Call: "UpdateClusterVersion", Target: "1.33"},
		{Call: "UpdateClusterVersion"}, // no target: the desired version
		{Call: "UpdateClusterConfig", Paths: []string{"endpoint_private_access"}},
		{Call: "UpdateClusterConfig", Paths: []string{"enabled_cluster_log_types"}},
		{Call: "TagResource", Paths: []string{"tags"}},
		{Call: "UntagResource", Paths: []string{"tags"}},
		{Call: "AssociateEncryptionConfig"},
		{Call: "SomethingNew"},
	} {
		got[s.Call+" "+s.Target+strings.Join(s.Paths, ",")] = clusterStepDone(s, live, want)
	}
	wantDone := map[string]bool{
		"UpdateClusterVersion 1.31": true, "UpdateClusterVersion 1.32": true, "UpdateClusterVersion 1.33": false, "UpdateClusterVersion ": false,
		"UpdateClusterConfig endpoint_private_access": false, "UpdateClusterConfig enabled_cluster_log_types": true,
		"TagResource tags": false, "UntagResource tags": false, "AssociateEncryptionConfig ": false, "SomethingNew ": false,
	}
	if d := cmp.Diff(wantDone, got); d != "" {
		t.Errorf("cluster steps done (-want +got):\n%s", d)
	}

	ng := &NodeGroupAttrs{Version: "1.32", ReleaseVersion: "1.32.0-1", MinSize: 1, MaxSize: 3, DesiredSize: aws.Int(2), Labels: map[string]string{"a": "1"}}
	ngWant := &NodeGroupAttrs{Version: "1.32", MinSize: 1, MaxSize: 5, Labels: map[string]string{"a": "1"}}
	cases := map[string]bool{}
	for name, s := range map[string]Step{
		"version":                   {Call: "UpdateNodegroupVersion", Target: "1.32", Paths: []string{"version"}},
		"labels":                    {Call: "UpdateNodegroupConfig", Paths: []string{"labels"}},
		"max size":                  {Call: "UpdateNodegroupConfig", Paths: []string{"scaling.max_size"}},
		"desired size, unmanaged":   {Call: "UpdateNodegroupConfig", Paths: []string{"scaling.desired_size"}},
		"every configuration field": {Call: "UpdateNodegroupConfig"},
	} {
		cases[name] = nodeGroupStepDone(s, ng, ngWant)
	}
	ngWant.ReleaseVersion = "1.32.0-2"
	cases["release"] = nodeGroupStepDone(Step{Call: "UpdateNodegroupVersion", Target: "1.32", Paths: []string{"release_version"}}, ng, ngWant)
	wantNG := map[string]bool{"version": true, "labels": true, "max size": false, "desired size, unmanaged": true, "every configuration field": false, "release": false}
	if d := cmp.Diff(wantNG, cases); d != "" {
		t.Errorf("node group steps done (-want +got):\n%s", d)
	}
}

// An update already in flight when apply began can complete while apply
// carries out an earlier step (EKS shows its values only then): each step
// is judged against the node group as it is when the step's turn comes, or
// apply sends a change already made and EKS refuses it ("No changes were
// specified"). The hook makes the in-flight labels update complete during
// the version step, every time.
func TestApplyRereadsBetweenSteps(t *testing.T) {
	a := resumeAccount(30 * time.Millisecond)
	a.cluster("demo").cl.Version = aws.String("1.32")
	before := describedNodeGroup(t, a)
	a.statusLags = true
	a.updateInProgress("demo", "general", func() { a.nodegroup("demo", "general").ng.Labels = map[string]string{"team": "b"} })
	slept := false
	a.hook = func(op, _ string) error {
		if op == "UpdateNodegroupVersion" && !slept {
			slept = true
			time.Sleep(60 * time.Millisecond) // the labels update completes meanwhile
			a.settleUpdates()                 // (the hook runs under the account's lock, after it settled)
		}
		return nil
	}
	after := *before
	after.Status, after.ARN = "", ""
	after.Version, after.Labels, after.DesiredSize = "1.32", map[string]string{"team": "b"}, nil
	p := planOf(false, []*ResourceChange{withSteps(change("demo", "cluster.demo.node_group.general", TypeNodeGroup, Update, before, &after),
		Step{Call: "UpdateNodegroupVersion", Detail: "1.31 -> 1.32", Paths: []string{"version"}, Target: "1.32"},
		Step{Call: "UpdateNodegroupConfig", Detail: "labels", Paths: []string{"labels"}})})
	var out bytes.Buffer
	if _, err := Apply(context.Background(), p, a.factory(), fastOptions(&out)); err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	if d := cmp.Diff([]string{"UpdateNodegroupVersion demo/general 1.32"}, a.log); d != "" {
		t.Errorf("calls EKS accepted (-want +got):\n%s", d)
	}
}

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
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
)

// lagEKS is one cluster and one node group whose updates, as in AWS, take
// effect only when they complete (after lag); until then Describe* shows
// the old values. EKS's refusals are modelled: a second update while one
// is in flight (ResourceInUseException), a cluster version update that is
// not exactly one minor version up, a node group version update to the
// version it has, and configuration updates that change nothing
// (InvalidParameterException).
type lagEKS struct {
	mu  sync.Mutex
	lag time.Duration
	// statusLags makes Describe* report ACTIVE while an update runs: the
	// moment after EKS accepted an update and before the status shows it.
	statusLags bool
	cluster    *ekstypes.Cluster
	ng         *ekstypes.Nodegroup
	updates    map[string]*lagUpdate
	// accepted lists the mutating calls EKS accepted, in order.
	accepted []string
	fake     *fakeEKS
}

type lagUpdate struct {
	nodegroup bool
	until     time.Time
	apply     func()
	done      bool
}

const lagARN = "arn:aws:eks:us-east-1:111122223333:cluster/demo"

func newLagEKS(lag time.Duration) *lagEKS {
	l := &lagEKS{lag: lag, updates: map[string]*lagUpdate{}}
	l.cluster = &ekstypes.Cluster{Name: aws.String("demo"), Arn: aws.String(lagARN), Version: aws.String("1.31"), RoleArn: aws.String("arn:aws:iam::111122223333:role/cluster"),
		ResourcesVpcConfig: &ekstypes.VpcConfigResponse{SubnetIds: []string{"subnet-a", "subnet-b"}, EndpointPublicAccess: true, PublicAccessCidrs: []string{"0.0.0.0/0"}},
		Tags:               ownedTags(nil, "demo", "cluster.demo")}
	l.ng = &ekstypes.Nodegroup{ClusterName: aws.String("demo"), NodegroupName: aws.String("general"), NodegroupArn: aws.String(lagARN + "/ng"),
		NodeRole: aws.String("arn:node"), Subnets: []string{"subnet-a"}, InstanceTypes: []string{"m5.large"}, Version: aws.String("1.31"),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(1), MaxSize: aws.Int32(3), DesiredSize: aws.Int32(2)},
		UpdateConfig:  &ekstypes.NodegroupUpdateConfig{MaxUnavailable: aws.Int32(1)},
		Labels:        map[string]string{"team": "a"}, Tags: ownedTags(nil, "demo", "cluster.demo.node_group.general")}
	l.wire()
	return l
}

func (l *lagEKS) factory() ClientsFactory {
	return func(string) (*Clients, error) { return &Clients{EKS: l.fake, IAM: &fakeIAM{}}, nil }
}

// settle completes the updates whose time has come; it reports whether the
// cluster (nodegroup false) or node group still has one in flight.
func (l *lagEKS) settle(nodegroup bool) bool {
	busy := false
	for _, u := range l.updates {
		if u.done || u.nodegroup != nodegroup {
			continue
		}
		if time.Now().Before(u.until) {
			busy = true
			continue
		}
		u.apply()
		u.done = true
	}
	return busy
}

// start records an update in flight that applies change when it completes.
func (l *lagEKS) start(nodegroup bool, typ ekstypes.UpdateType, change func()) *ekstypes.Update {
	id := fmt.Sprintf("upd-%d", len(l.updates)+1)
	l.updates[id] = &lagUpdate{nodegroup: nodegroup, until: time.Now().Add(l.lag), apply: change}
	return &ekstypes.Update{Id: aws.String(id), Type: typ, Status: ekstypes.UpdateStatusInProgress}
}

func invalid(format string, args ...any) error {
	return &ekstypes.InvalidParameterException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func (l *lagEKS) wire() {
	f := &fakeEKS{}
	l.fake = f
	status := func(busy bool) string {
		if busy && !l.statusLags {
			return "UPDATING"
		}
		return "ACTIVE"
	}
	f.describeClusterFn = func(context.Context, *eks.DescribeClusterInput) (*eks.DescribeClusterOutput, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		st := status(l.settle(false))
		c := *l.cluster
		vc := *c.ResourcesVpcConfig
		c.ResourcesVpcConfig, c.Tags, c.Status = &vc, copyTags(c.Tags), ekstypes.ClusterStatus(st)
		return &eks.DescribeClusterOutput{Cluster: &c}, nil
	}
	f.describeNodegroupFn = func(context.Context, *eks.DescribeNodegroupInput) (*eks.DescribeNodegroupOutput, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		st := status(l.settle(true))
		n := *l.ng
		sc := *n.ScalingConfig
		n.ScalingConfig, n.Labels, n.Tags, n.Status = &sc, copyTags(n.Labels), copyTags(n.Tags), ekstypes.NodegroupStatus(st)
		return &eks.DescribeNodegroupOutput{Nodegroup: &n}, nil
	}
	f.describeUpdateFn = func(_ context.Context, in *eks.DescribeUpdateInput) (*eks.DescribeUpdateOutput, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		u := l.updates[aws.ToString(in.UpdateId)]
		if u == nil {
			return nil, notFound("No update found for ID: %s", aws.ToString(in.UpdateId))
		}
		l.settle(u.nodegroup)
		st := ekstypes.UpdateStatusInProgress
		if u.done {
			st = ekstypes.UpdateStatusSuccessful
		}
		return &eks.DescribeUpdateOutput{Update: &ekstypes.Update{Id: in.UpdateId, Status: st}}, nil
	}
	f.tagResourceFn = func(_ context.Context, in *eks.TagResourceInput) (*eks.TagResourceOutput, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		tags := l.cluster.Tags
		if aws.ToString(in.ResourceArn) != lagARN {
			tags = l.ng.Tags
		}
		for _, k := range sortedKeys(in.Tags) {
			tags[k] = in.Tags[k]
			l.accepted = append(l.accepted, "TagResource "+k)
		}
		return &eks.TagResourceOutput{}, nil
	}
	f.updateClusterVersionFn = func(_ context.Context, in *eks.UpdateClusterVersionInput) (*eks.UpdateClusterVersionOutput, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.settle(false) {
			return nil, inUse("Cannot VersionUpdate because cluster demo currently has an update in progress")
		}
		from, _ := minorOf(aws.ToString(l.cluster.Version))
		to, _ := minorOf(aws.ToString(in.Version))
		if to != from+1 {
			return nil, invalid("Unsupported Kubernetes minor version update from %s to %s", aws.ToString(l.cluster.Version), aws.ToString(in.Version))
		}
		l.accepted = append(l.accepted, "UpdateClusterVersion "+aws.ToString(in.Version))
		return &eks.UpdateClusterVersionOutput{Update: l.start(false, ekstypes.UpdateTypeVersionUpdate, func() { l.cluster.Version = in.Version })}, nil
	}
	f.updateClusterConfigFn = func(_ context.Context, in *eks.UpdateClusterConfigInput) (*eks.UpdateClusterConfigOutput, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.settle(false) {
			return nil, inUse("Cannot update because cluster demo currently has an update in progress")
		}
		if in.Logging != nil {
			on := toSet(clusterFromAWS(l.cluster).Logging)
			want := map[string]bool{}
			for k := range on {
				want[k] = true
			}
			for _, s := range in.Logging.ClusterLogging {
				for _, t := range s.Types {
					want[string(t)] = aws.ToBool(s.Enabled)
				}
			}
			var types []ekstypes.LogType
			for _, k := range sortedKeys(want) {
				if want[k] {
					types = append(types, ekstypes.LogType(k))
				}
			}
			if len(types) == len(on) && func() bool {
				for _, t := range types {
					if !on[string(t)] {
						return false
					}
				}
				return true
			}() {
				return nil, invalid("No changes needed for the logging config provided")
			}
			l.accepted = append(l.accepted, "UpdateClusterConfig logging")
			return &eks.UpdateClusterConfigOutput{Update: l.start(false, ekstypes.UpdateTypeLoggingUpdate, func() {
				l.cluster.Logging = &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Enabled: aws.Bool(true), Types: types}}}
			})}, nil
		}
		v := in.ResourcesVpcConfig
		cur := l.cluster.ResourcesVpcConfig
		if aws.ToBool(v.EndpointPublicAccess) == cur.EndpointPublicAccess && aws.ToBool(v.EndpointPrivateAccess) == cur.EndpointPrivateAccess {
			return nil, invalid("Cluster is already at the desired configuration")
		}
		l.accepted = append(l.accepted, "UpdateClusterConfig endpoint access")
		return &eks.UpdateClusterConfigOutput{Update: l.start(false, ekstypes.UpdateTypeEndpointAccessUpdate, func() {
			vc := *l.cluster.ResourcesVpcConfig
			vc.EndpointPublicAccess, vc.EndpointPrivateAccess = aws.ToBool(v.EndpointPublicAccess), aws.ToBool(v.EndpointPrivateAccess)
			l.cluster.ResourcesVpcConfig = &vc
		})}, nil
	}
	f.updateNodegroupVersionFn = func(_ context.Context, in *eks.UpdateNodegroupVersionInput) (*eks.UpdateNodegroupVersionOutput, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.settle(true) {
			return nil, inUse("Cannot VersionUpdate because nodegroup general currently has an update in progress")
		}
		if aws.ToString(in.Version) == aws.ToString(l.ng.Version) && in.ReleaseVersion == nil {
			return nil, invalid("Nodegroup general is already at version %s", aws.ToString(in.Version))
		}
		l.accepted = append(l.accepted, "UpdateNodegroupVersion "+aws.ToString(in.Version))
		return &eks.UpdateNodegroupVersionOutput{Update: l.start(true, ekstypes.UpdateTypeVersionUpdate, func() { l.ng.Version = in.Version })}, nil
	}
	f.updateNodegroupConfigFn = func(_ context.Context, in *eks.UpdateNodegroupConfigInput) (*eks.UpdateNodegroupConfigOutput, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.settle(true) {
			return nil, inUse("Cannot ConfigUpdate because nodegroup general currently has an update in progress")
		}
		labels := copyTags(l.ng.Labels)
		if in.Labels != nil {
			for k, v := range in.Labels.AddOrUpdateLabels {
				labels[k] = v
			}
			for _, k := range in.Labels.RemoveLabels {
				delete(labels, k)
			}
		}
		sc := l.ng.ScalingConfig
		if in.ScalingConfig != nil {
			sc = in.ScalingConfig
		}
		if cmp.Equal(labels, l.ng.Labels) && aws.ToInt32(sc.MinSize) == aws.ToInt32(l.ng.ScalingConfig.MinSize) &&
			aws.ToInt32(sc.MaxSize) == aws.ToInt32(l.ng.ScalingConfig.MaxSize) && aws.ToInt32(sc.DesiredSize) == aws.ToInt32(l.ng.ScalingConfig.DesiredSize) {
			return nil, invalid("No changes were specified in the request")
		}
		l.accepted = append(l.accepted, "UpdateNodegroupConfig")
		return &eks.UpdateNodegroupConfigOutput{Update: l.start(true, ekstypes.UpdateTypeConfigUpdate, func() {
			l.ng.Labels, l.ng.ScalingConfig = labels, sc
		})}, nil
	}
}

// inFlight starts an update as an interrupted apply left it: accepted by
// EKS, not yet visible in Describe*.
func (l *lagEKS) inFlight(nodegroup bool, change func(l *lagEKS)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.start(nodegroup, ekstypes.UpdateTypeConfigUpdate, func() { change(l) })
}

// planned is what a plan made now would see and want: Before is the live
// resource as described (old values, UPDATING while the update runs).
func (l *lagEKS) liveCluster(t *testing.T) *ClusterAttrs {
	t.Helper()
	out, err := l.fake.DescribeCluster(context.Background(), &eks.DescribeClusterInput{Name: aws.String("demo")})
	if err != nil {
		t.Fatal(err)
	}
	return clusterFromAWS(out.Cluster)
}

func (l *lagEKS) liveNodeGroup(t *testing.T) *NodeGroupAttrs {
	t.Helper()
	out, err := l.fake.DescribeNodegroup(context.Background(), &eks.DescribeNodegroupInput{ClusterName: aws.String("demo"), NodegroupName: aws.String("general")})
	if err != nil {
		t.Fatal(err)
	}
	return nodeGroupFromAWS(out.Nodegroup)
}

func TestApplyResumesClusterUpdateInFlight(t *testing.T) {
	for _, tc := range []struct {
		name string
		// inFlight is the change of the update an interrupted apply left
		// in flight; nil for none.
		inFlight func(l *lagEKS)
		// want edits the desired attributes (a copy of the live ones).
		want  func(a *ClusterAttrs)
		steps []Step
		// calls are the calls EKS must accept.
		calls []string
		check func(t *testing.T, live *ClusterAttrs)
	}{
		{
			name:     "version",
			inFlight: func(l *lagEKS) { l.cluster.Version = aws.String("1.32") },
			want:     func(a *ClusterAttrs) { a.Version = "1.33" },
			steps: []Step{
				{Call: "UpdateClusterVersion", Detail: "to 1.32", Paths: []string{"version"}, Target: "1.32"},
				{Call: "UpdateClusterVersion", Detail: "to 1.33", Paths: []string{"version"}, Target: "1.33"},
			},
			calls: []string{"UpdateClusterVersion 1.33"},
			check: func(t *testing.T, live *ClusterAttrs) {
				if live.Version != "1.33" {
					t.Errorf("version = %s, want 1.33", live.Version)
				}
			},
		},
		{
			name: "logging",
			inFlight: func(l *lagEKS) {
				l.cluster.Logging = &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Enabled: aws.Bool(true), Types: []ekstypes.LogType{"api", "audit"}}}}
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
			inFlight: func(l *lagEKS) {
				vc := *l.cluster.ResourcesVpcConfig
				vc.EndpointPrivateAccess = true
				l.cluster.ResourcesVpcConfig = &vc
			},
			want: func(a *ClusterAttrs) { a.EndpointPrivateAccess, a.Logging = true, []string{"api"} },
			steps: []Step{
				{Call: "UpdateClusterConfig", Detail: "endpoint access", Paths: []string{"endpoint_private_access"}},
				{Call: "UpdateClusterConfig", Detail: "logging", Paths: []string{"enabled_cluster_log_types"}},
			},
			calls: []string{"UpdateClusterConfig logging"},
			check: func(t *testing.T, live *ClusterAttrs) {
				if !live.EndpointPrivateAccess || len(live.Logging) != 1 {
					t.Errorf("private access %v, logging %v", live.EndpointPrivateAccess, live.Logging)
				}
			},
		},
		{
			name:     "tags already set",
			inFlight: func(l *lagEKS) { l.cluster.Version = aws.String("1.32") },
			want: func(a *ClusterAttrs) {
				a.Version = "1.33"
				a.Tags = ownedTags(map[string]string{"env": "prod", "team": "x"}, "demo", "cluster.demo")
			},
			steps: []Step{
				{Call: "TagResource", Detail: "set 2 tags", Paths: []string{"tags"}},
				{Call: "UpdateClusterVersion", Detail: "to 1.32", Paths: []string{"version"}, Target: "1.32"},
				{Call: "UpdateClusterVersion", Detail: "to 1.33", Paths: []string{"version"}, Target: "1.33"},
			},
			// The plan was made before env=prod was set (by the interrupted
			// apply): only team is still missing.
			calls: []string{"TagResource team", "UpdateClusterVersion 1.33"},
			check: func(t *testing.T, live *ClusterAttrs) {
				if live.Tags["env"] != "prod" || live.Tags["team"] != "x" {
					t.Errorf("tags = %v", live.Tags)
				}
			},
		},
	} {
		for _, statusLags := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/status lags %v", tc.name, statusLags), func(t *testing.T) {
				l := newLagEKS(30 * time.Millisecond)
				before := l.liveCluster(t)
				if tc.name == "tags already set" {
					l.cluster.Tags["env"] = "prod"
				}
				l.statusLags = statusLags
				l.inFlight(false, tc.inFlight)
				if !statusLags {
					before.Status = "UPDATING"
				}
				after := *before
				after.Status, after.ARN = "", ""
				tc.want(&after)
				p := planOf(false, []*ResourceChange{withSteps(change("demo", "cluster.demo", TypeCluster, Update, before, &after), tc.steps...)})
				var out bytes.Buffer
				if _, err := Apply(context.Background(), p, l.factory(), fastOptions(&out)); err != nil {
					t.Fatalf("Apply: %v\n%s", err, out.String())
				}
				if d := cmp.Diff(tc.calls, l.accepted); d != "" {
					t.Errorf("calls EKS accepted (-want +got):\n%s", d)
				}
				tc.check(t, l.liveCluster(t))
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
		inFlight func(l *lagEKS)
		calls    []string
	}{
		{"version", func(l *lagEKS) { l.ng.Version = aws.String("1.32") }, []string{"UpdateNodegroupConfig"}},
		{"labels", func(l *lagEKS) { l.ng.Labels = map[string]string{"team": "b"} }, []string{"UpdateNodegroupVersion 1.32"}},
	} {
		for _, statusLags := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/status lags %v", tc.name, statusLags), func(t *testing.T) {
				l := newLagEKS(30 * time.Millisecond)
				l.cluster.Version = aws.String("1.32")
				before := l.liveNodeGroup(t)
				l.statusLags = statusLags
				l.inFlight(true, tc.inFlight)
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
				if _, err := Apply(context.Background(), p, l.factory(), fastOptions(&out)); err != nil {
					t.Fatalf("Apply: %v\n%s", err, out.String())
				}
				if d := cmp.Diff(tc.calls, l.accepted); d != "" {
					t.Errorf("calls EKS accepted (-want +got):\n%s", d)
				}
				live := l.liveNodeGroup(t)
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

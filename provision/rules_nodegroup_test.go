package provision

// The node group rules a user relies on, each tested so that breaking the
// rule fails a test: which attributes force a replacement, what an
// UpdateNodegroupConfig sends, how a desired size left to autoscalers is
// kept inside new bounds, and node groups never ahead of the live control
// plane.

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// sentCalls records the inputs of the EKS node group calls apply makes,
// as the account receives them.
type sentCalls struct {
	mu      sync.Mutex
	configs []*eks.UpdateNodegroupConfigInput
	creates []*eks.CreateNodegroupInput
}

// sentEKS passes every call to the account's EKS, recording some inputs.
type sentEKS struct {
	EKSAPI
	region string
	rec    *sentCalls
}

func (s sentEKS) Options() eks.Options { return eks.Options{Region: s.region} }

func (s sentEKS) UpdateNodegroupConfig(ctx context.Context, in *eks.UpdateNodegroupConfigInput, o ...func(*eks.Options)) (*eks.UpdateNodegroupConfigOutput, error) {
	s.rec.mu.Lock()
	s.rec.configs = append(s.rec.configs, in)
	s.rec.mu.Unlock()
	return s.EKSAPI.UpdateNodegroupConfig(ctx, in, o...)
}

func (s sentEKS) CreateNodegroup(ctx context.Context, in *eks.CreateNodegroupInput, o ...func(*eks.Options)) (*eks.CreateNodegroupOutput, error) {
	s.rec.mu.Lock()
	s.rec.creates = append(s.rec.creates, in)
	s.rec.mu.Unlock()
	return s.EKSAPI.CreateNodegroup(ctx, in, o...)
}

// factory wraps f so that every EKS client records into r.
func (r *sentCalls) factory(f ClientsFactory) ClientsFactory {
	return func(region string) (*Clients, error) {
		c, err := f(region)
		if err != nil {
			return nil, err
		}
		rg := region
		if o, ok := c.EKS.(regioner); ok {
			rg = o.Options().Region
		}
		return &Clients{EKS: sentEKS{EKSAPI: c.EKS, region: rg, rec: r}, IAM: c.IAM, EC2: c.EC2, AutoScaling: c.AutoScaling, SSM: c.SSM}, nil
	}
}

// applyRecorded applies p against w with the real Apply and returns what
// the node group calls sent; it fails the test if apply fails or breaks an
// EKS rule.
func applyRecorded(t *testing.T, w *fakeAccount, p *Plan) *sentCalls {
	t.Helper()
	rec := &sentCalls{}
	var out syncBuffer
	opts := fastOptions(nil)
	opts.Progress = &out
	if _, err := Apply(context.Background(), p, rec.factory(w.factory()), opts); err != nil {
		t.Fatalf("Apply: %v\n%s", err, out.String())
	}
	requireNoViolations(t, w)
	return rec
}

// ignoreSDK lets cmp compare SDK inputs (they embed an unexported marker).
var ignoreSDK = cmpopts.IgnoreUnexported(
	eks.UpdateNodegroupConfigInput{}, ekstypes.NodegroupScalingConfig{}, ekstypes.UpdateLabelsPayload{},
	ekstypes.UpdateTaintsPayload{}, ekstypes.NodegroupUpdateConfig{}, ekstypes.Taint{},
)

// setLiveDesiredSize is an autoscaler moving the live group's desired size.
func setLiveDesiredSize(w *fakeAccount, cluster, name string, n int32) {
	w.mu.Lock()
	defer w.mu.Unlock()
	o := w.nodegroup(cluster, name)
	sc := *o.ng.ScalingConfig
	sc.DesiredSize = aws.Int32(n)
	ng := *o.ng
	ng.ScalingConfig = &sc
	o.ng = &ng
}

const generalAddr = "cluster.demo.node_group.general"

// A change of min_size alone is one UpdateNodegroupConfig with the new
// bounds and the live desired size (left to autoscalers), nothing else.
func TestMinSizeAloneIsUpdateNodegroupConfig(t *testing.T) {
	w := converged(t, testConfig(fullCluster("demo"))) // min 1, max 3, desired 1
	setLiveDesiredSize(w, "demo", "general", 2)
	c := fullCluster("demo")
	c.NodeGroups[0].Scaling.MinSize = 2
	p := mustPlan(t, w, testConfig(c), PlanOptions{})

	if d := cmp.Diff([]string{generalAddr + " update UpdateNodegroupConfig"}, summaryOfChanges(p)); d != "" {
		t.Fatalf("changes (-want +got):\n%s", d)
	}
	ch := changeOf(t, p, generalAddr)
	wantSteps := []Step{{Call: "UpdateNodegroupConfig", Detail: "scaling", Paths: []string{"scaling.min_size"}}}
	if d := cmp.Diff(wantSteps, ch.Steps); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}

	rec := applyRecorded(t, w, p)
	want := []*eks.UpdateNodegroupConfigInput{{
		ClusterName:   aws.String("demo"),
		NodegroupName: aws.String("general"),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(2), MaxSize: aws.Int32(3), DesiredSize: aws.Int32(2)},
	}}
	if d := cmp.Diff(want, rec.configs, ignoreSDK); d != "" {
		t.Errorf("UpdateNodegroupConfig inputs (-want +got):\n%s", d)
	}
	if len(rec.creates) != 0 {
		t.Errorf("a min_size change created node groups: %d CreateNodegroup calls", len(rec.creates))
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after apply: %v", summaryOfChanges(p))
	}
}

// Which node group attributes force a replacement, written down here
// attribute by attribute (not read from nodeGroupSchema): changing the
// schema must break this test. Every attribute of the schema must have a
// row, so that a new attribute gets a decision too.
func TestNodeGroupReplacementAttributes(t *testing.T) {
	tests := map[string]struct {
		give        func(c *spec.Cluster, ng *spec.NodeGroup)
		wantReplace bool
		// wantStep is the AWS call an in-place change makes.
		wantStep string
		// base, when set, is applied before give and to the converged
		// world the row starts from (a group that already has what the
		// attribute needs); alsoReplace are other attributes the change
		// necessarily changes too.
		base        func(c *spec.Cluster)
		alsoReplace []string
	}{
		// A template added to a group made without one: EKS cannot, so a
		// new group (the disk size moves into the template).
		"launch_template.name": {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.LaunchTemplate = testLaunchTemplate() }, wantReplace: true, alsoReplace: []string{"disk_size"}},
		// What the template launches changed: a new version, to which EKS
		// rolls the group.
		"launch_template.version": {base: func(c *spec.Cluster) { c.NodeGroups[0].LaunchTemplate = testLaunchTemplate() },
			give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.LaunchTemplate.MetadataHopLimit = 1 }, wantStep: "UpdateNodegroupVersion"},
		"instance_types":                    {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.InstanceTypes = []string{"m5.large"} }, wantReplace: true},
		"ami_type":                          {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.AMIType = "BOTTLEROCKET_x86_64" }, wantReplace: true},
		"capacity_type":                     {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.CapacityType = "SPOT" }, wantReplace: true},
		"disk_size":                         {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.DiskSize = 50 }, wantReplace: true},
		"subnet_ids":                        {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.SubnetIDs = []string{"subnet-a"} }, wantReplace: true},
		"node_role_arn":                     {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.NodeRoleARN = "arn:aws:iam::111122223333:role/mine" }, wantReplace: true},
		"version":                           {give: func(c *spec.Cluster, ng *spec.NodeGroup) { c.Version, ng.Version = "1.32", "1.32" }, wantStep: "UpdateNodegroupVersion"},
		"release_version":                   {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.ReleaseVersion = "1.31.0-20250301" }, wantStep: "UpdateNodegroupVersion"},
		"labels":                            {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.Labels = map[string]string{"role": "other"} }, wantStep: "UpdateNodegroupConfig"},
		"tags":                              {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.Tags = map[string]string{"cost": "x"} }, wantStep: "TagResource"},
		"scaling.min_size":                  {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.Scaling.MinSize = 2 }, wantStep: "UpdateNodegroupConfig"},
		"scaling.max_size":                  {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.Scaling.MaxSize = 5 }, wantStep: "UpdateNodegroupConfig"},
		"scaling.desired_size":              {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.Scaling.DesiredSize = aws.Int(2) }, wantStep: "UpdateNodegroupConfig"},
		"update.max_unavailable":            {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.Update.MaxUnavailable = aws.Int(2) }, wantStep: "UpdateNodegroupConfig"},
		"update.max_unavailable_percentage": {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.Update.MaxUnavailablePercentage = aws.Int(50) }, wantStep: "UpdateNodegroupConfig"},
		"taints":                            {give: func(_ *spec.Cluster, ng *spec.NodeGroup) { ng.Taints = ng.Taints[:1] }, wantStep: "UpdateNodegroupConfig"},
	}
	t.Run("every schema attribute has a row", func(t *testing.T) {
		var rows, schema []string
		for k := range tests {
			rows = append(rows, k)
		}
		for k := range nodeGroupSchema {
			schema = append(schema, k)
		}
		if d := cmp.Diff(schema, rows, cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
			t.Errorf("node group attributes (-schema +table); add a row saying whether the new attribute forces replacement:\n%s", d)
		}
	})
	shared := converged(t, testConfig(fullCluster("demo")))
	for attr, tt := range tests {
		t.Run(attr, func(t *testing.T) {
			w := shared
			c := fullCluster("demo")
			if tt.base != nil {
				tt.base(c)
				w = converged(t, testConfig(c))
				c = fullCluster("demo")
				tt.base(c)
			}
			ng := c.NodeGroups[0]
			ng.VersionFollowsCluster = false
			tt.give(c, ng)
			p := mustPlan(t, w, testConfig(c), PlanOptions{})
			ch := changeOf(t, p, generalAddr)
			var d *AttrDiff
			for i := range ch.Diffs {
				if ch.Diffs[i].Path == attr {
					d = &ch.Diffs[i]
				}
			}
			if d == nil {
				t.Fatalf("changing %s is not a diff: %s with diffs %+v", attr, ch.Action, ch.Diffs)
			}
			if d.ForcesReplacement != tt.wantReplace {
				t.Errorf("diff of %s forces replacement = %v, want %v", attr, d.ForcesReplacement, tt.wantReplace)
			}
			if tt.wantReplace {
				if ch.Action != Replace {
					t.Errorf("changing %s: action %s, want replace", attr, ch.Action)
				}
				wantPaths := append(append([]string{}, tt.alsoReplace...), attr)
				sort.Strings(wantPaths)
				if diff := cmp.Diff(wantPaths, ch.ReplacePaths); diff != "" {
					t.Errorf("replace paths (-want +got):\n%s", diff)
				}
				want := attr + " forces replacement"
				if len(wantPaths) > 1 {
					want = strings.Join(wantPaths, ", ") + " force replacement"
				}
				if ch.Reason != want {
					t.Errorf("reason = %q, want %q", ch.Reason, want)
				}
				return
			}
			if ch.Action != Update || len(ch.ReplacePaths) != 0 {
				t.Errorf("changing %s: action %s, replace paths %v; want an in-place update", attr, ch.Action, ch.ReplacePaths)
			}
			var calls []string
			for _, s := range ch.Steps {
				calls = append(calls, s.Call)
			}
			if diff := cmp.Diff([]string{tt.wantStep}, calls); diff != "" {
				t.Errorf("steps (-want +got):\n%s", diff)
			}
		})
	}
}

// A desired size left to autoscalers is never diffed, but when new bounds
// exclude the live size, the update and a replacement send the live size
// clamped to the new bounds (EKS refuses a desired size outside them, and a
// replacement keeps the capacity the old group has now).
func TestAutoscaledDesiredSizeClampedToNewBounds(t *testing.T) {
	tests := map[string]struct {
		live        int32
		min, max    int
		replace     bool
		wantScaling *ekstypes.NodegroupScalingConfig
	}{
		"update, new min above the live size":  {live: 2, min: 4, max: 6, wantScaling: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(4), MaxSize: aws.Int32(6), DesiredSize: aws.Int32(4)}},
		"update, new max below the live size":  {live: 3, min: 1, max: 2, wantScaling: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(1), MaxSize: aws.Int32(2), DesiredSize: aws.Int32(2)}},
		"update, live size inside new bounds":  {live: 3, min: 2, max: 5, wantScaling: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(2), MaxSize: aws.Int32(5), DesiredSize: aws.Int32(3)}},
		"replace, new min above the live size": {live: 2, min: 4, max: 6, replace: true, wantScaling: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(4), MaxSize: aws.Int32(6), DesiredSize: aws.Int32(4)}},
		"replace, new max below the live size": {live: 3, min: 1, max: 2, replace: true, wantScaling: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(1), MaxSize: aws.Int32(2), DesiredSize: aws.Int32(2)}},
		"replace, live size inside new bounds": {live: 3, min: 2, max: 5, replace: true, wantScaling: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(2), MaxSize: aws.Int32(5), DesiredSize: aws.Int32(3)}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := converged(t, testConfig(fullCluster("demo")))
			setLiveDesiredSize(w, "demo", "general", tt.live)
			c := fullCluster("demo")
			ng := c.NodeGroups[0]
			ng.Scaling.MinSize, ng.Scaling.MaxSize = tt.min, tt.max
			if tt.replace {
				ng.InstanceTypes = []string{"m5.large"}
			}
			p := mustPlan(t, w, testConfig(c), PlanOptions{})
			wantAction := Update
			if tt.replace {
				wantAction = Replace
			}
			if ch := changeOf(t, p, generalAddr); ch.Action != wantAction {
				t.Fatalf("action %s, want %s", ch.Action, wantAction)
			}
			rec := applyRecorded(t, w, p)
			var got []*ekstypes.NodegroupScalingConfig
			if tt.replace {
				for _, in := range rec.creates {
					got = append(got, in.ScalingConfig)
				}
				if len(rec.configs) != 0 {
					t.Errorf("a replacement also sent %d UpdateNodegroupConfig", len(rec.configs))
				}
			} else {
				for _, in := range rec.configs {
					got = append(got, in.ScalingConfig)
				}
				if len(rec.creates) != 0 {
					t.Errorf("an update created %d node groups", len(rec.creates))
				}
			}
			if d := cmp.Diff([]*ekstypes.NodegroupScalingConfig{tt.wantScaling}, got, ignoreSDK); d != "" {
				t.Errorf("scaling sent (-want +got):\n%s", d)
			}
		})
	}
}

// The planner refuses a node group ahead of the control plane it would
// run on: the live version when the cluster block leaves its version out
// (the live version stands), not only the version written in the spec.
func TestNodeGroupNeverAheadOfLiveControlPlane(t *testing.T) {
	tests := map[string]struct {
		give func(c *spec.Cluster)
		// wantErr is the summary of the refusal; "" means the plan succeeds
		// and wantChanges are its changes.
		wantErr     string
		wantChanges []string
	}{
		"version left out, live cluster older, existing group pinned newer than live": {
			give: func(c *spec.Cluster) {
				c.Version, c.VersionDefaulted = "1.33", true
				c.NodeGroups[0].Version, c.NodeGroups[0].VersionFollowsCluster = "1.32", false
			},
			wantErr: `Node group "general" is newer than its cluster`,
		},
		"version left out, live cluster older, new group pinned newer than live": {
			give: func(c *spec.Cluster) {
				c.Version, c.VersionDefaulted = "1.33", true
				c.NodeGroups[0].Version = "1.33"
				ng := testNodeGroup(c, "extra")
				ng.Version, ng.VersionFollowsCluster = "1.32", false
			},
			wantErr: `Node group "extra" is newer than its cluster`,
		},
		"version written equal to live, group pinned newer": {
			give: func(c *spec.Cluster) {
				c.NodeGroups[0].Version, c.NodeGroups[0].VersionFollowsCluster = "1.32", false
			},
			wantErr: `Node group "general" is newer than its cluster`,
		},
		"version written equal to live, new group pinned newer": {
			give: func(c *spec.Cluster) {
				ng := testNodeGroup(c, "extra")
				ng.Version, ng.VersionFollowsCluster = "1.32", false
			},
			wantErr: `Node group "extra" is newer than its cluster`,
		},
		"version left out, groups follow the live cluster": {
			give: func(c *spec.Cluster) {
				c.Version, c.VersionDefaulted = "1.33", true
				c.NodeGroups[0].Version = "1.33"
				testNodeGroup(c, "extra").Version = "1.33"
			},
			wantChanges: []string{"cluster.demo.node_group.extra create"},
		},
		"version written newer than live: the cluster is upgraded first": {
			give: func(c *spec.Cluster) {
				c.Version = "1.32"
				c.NodeGroups[0].Version, c.NodeGroups[0].VersionFollowsCluster = "1.32", false
			},
			wantChanges: []string{"cluster.demo update UpdateClusterVersion:1.32", generalAddr + " update UpdateNodegroupVersion:1.32"},
		},
	}
	w := converged(t, testConfig(fullCluster("demo"))) // everything at 1.31
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c := fullCluster("demo")
			tt.give(c)
			p, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
			if tt.wantErr == "" {
				if diags.HasErrors() {
					t.Fatalf("MakePlan: %s", diags.Error())
				}
				if d := cmp.Diff(tt.wantChanges, summaryOfChanges(p)); d != "" {
					t.Errorf("changes (-want +got):\n%s", d)
				}
				return
			}
			if !diags.HasErrors() {
				t.Fatalf("planned %v; want the refusal %q", summaryOfChanges(p), tt.wantErr)
			}
			if p != nil {
				t.Errorf("a refused plan is returned: %v", summaryOfChanges(p))
			}
			if diags[0].Summary != tt.wantErr {
				t.Errorf("summary = %q, want %q", diags[0].Summary, tt.wantErr)
			}
			if !strings.Contains(diags[0].Detail, "1.31") {
				t.Errorf("detail does not name the live control plane version 1.31: %s", diags[0].Detail)
			}
		})
	}
}

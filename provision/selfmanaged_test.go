package provision

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

const (
	gpuAddr      = "cluster.demo.self_managed_node_group.gpu"
	gpuGroupName = "eksctl-lite-demo-gpu"
	gpuTemplate  = "eksctl-lite-demo-smng-gpu"
	gpuAMIParam  = "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/nvidia/recommended/image_id"
)

// smCluster is a cluster in API mode with one GPU self-managed group
// (desired 4, at most a quarter out of service in a refresh) and no
// managed node group.
func smCluster() *spec.Cluster {
	c := testCluster("demo")
	c.Access = &spec.Access{AuthenticationMode: "API"}
	c.SelfManagedNodeGroups = []*spec.SelfManagedNodeGroup{testSelfManaged(c, "gpu")}
	return c
}

func testSelfManaged(c *spec.Cluster, name string) *spec.SelfManagedNodeGroup {
	return &spec.SelfManagedNodeGroup{
		Name: name, InstanceTypes: []string{"g5.xlarge"}, AMIFamily: "AL2023_x86_64_NVIDIA", AMIRelease: "pinned",
		Version: c.Version, VersionFollowsCluster: true, SubnetIDs: c.VPC.SubnetIDs, CapacityType: "ON_DEMAND",
		Labels:         map[string]string{"tier": "a"},
		Taints:         []spec.Taint{{Key: "nvidia.com/gpu", Effect: "NO_SCHEDULE"}},
		Scaling:        spec.Scaling{MinSize: 0, MaxSize: 6, DesiredSize: aws.Int(4)},
		Update:         spec.UpdateConfig{MaxUnavailablePercentage: aws.Int(25)},
		LaunchTemplate: &spec.LaunchTemplate{MetadataHTTPTokens: "required", MetadataHopLimit: 2},
	}
}

// A self-managed group from nothing: its instance profile (holding the
// managed node role), launch template (the recommended NVIDIA AMI, the
// user data that joins the cluster), the EC2_LINUX access entry of the
// node role and the group, in that order; a plan after apply is empty.
func TestSelfManagedCreate(t *testing.T) {
	w := newFakeAccount()
	c := smCluster()
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	for _, addr := range []string{gpuAddr, gpuAddr + ".launch_template", gpuAddr + ".instance_profile", gpuAddr + ".access_entry"} {
		if ch := changeOf(t, p, addr); ch.Action != Create {
			t.Errorf("%s: %s, want create", addr, ch.Action)
		}
	}
	lt := changeOf(t, p, gpuAddr+".launch_template").After.(*LaunchTemplateAttrs)
	if want := fakeAMIID(w.region, gpuAMIParam); lt.ImageID != want {
		t.Errorf("template AMI %q, want the recommended one %q", lt.ImageID, want)
	}
	entry := changeOf(t, p, gpuAddr+".access_entry")
	if a := entry.After.(*AccessEntryAttrs); a.Type != "EC2_LINUX" || entry.Refs["principal_arn"] != NodeRoleAddress("demo") {
		t.Errorf("node access entry %+v with refs %v; want EC2_LINUX for the managed node role", a, entry.Refs)
	}
	w.apply(t, p)
	log := func(e string) int {
		i := w.logIndex(e)
		if i < 0 {
			t.Errorf("no %q in the log:\n%s", e, strings.Join(w.log, "\n"))
		}
		return i
	}
	group := log("CreateAutoScalingGroup " + gpuGroupName)
	for _, before := range []string{"CreateLaunchTemplate " + gpuTemplate, "CreateInstanceProfile " + InstanceProfileName("demo", w.region, "gpu")} {
		if log(before) > group {
			t.Errorf("%s after the group", before)
		}
	}
	if got := w.asgInstanceVersions("", gpuGroupName); len(got) != 4 {
		t.Errorf("group instances %v, want 4", got)
	}
	// The tags the cloud provider and the cluster autoscaler read,
	// including the node-template ones that let it scale up from zero.
	tags := changeOf(t, p, gpuAddr).After.(*AutoScalingGroupAttrs).Tags
	for k, v := range map[string]string{
		"kubernetes.io/cluster/demo": "owned", "k8s.io/cluster-autoscaler/enabled": "true", "k8s.io/cluster-autoscaler/demo": "owned",
		"k8s.io/cluster-autoscaler/node-template/label/tier": "a", "k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu": ":NoSchedule",
	} {
		if tags[k] != v {
			t.Errorf("group tag %s = %q, want %q", k, tags[k], v)
		}
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after apply: %v", summaryOfChanges(p))
	}
}

// A label change is a new template version (the kubelet flags are in the
// user data) and an instance refresh that keeps 75% of 4 = 3 in service,
// after which every instance runs the new version.
func TestSelfManagedLabelChangeRefreshes(t *testing.T) {
	c := smCluster()
	w := converged(t, testConfig(c))
	c.SelfManagedNodeGroups[0].Labels = map[string]string{"tier": "b"}
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	want := []string{
		gpuAddr + " update CreateOrUpdateTags StartInstanceRefresh",
		gpuAddr + ".launch_template update CreateLaunchTemplateVersion",
	}
	if d := cmp.Diff(want, summaryOfChanges(p)); d != "" {
		t.Fatalf("changes (-want +got):\n%s", d)
	}
	w.apply(t, p)
	if low := w.asgCapacityLow("", gpuGroupName); low < 3 {
		t.Errorf("%d instances in service during the refresh; the update block allows no fewer than 3", low)
	}
	got := w.asgInstanceVersions("", gpuGroupName)
	if len(got) != 4 || slices.ContainsFunc(got, func(s string) bool { return s != gpuTemplate+":2" }) {
		t.Errorf("instances after the refresh %v, want 4 on version 2", got)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after apply: %v", summaryOfChanges(p))
	}
}

// A newer recommended AMI rolls nothing while the group is pinned (the
// default); with ami_release = "latest" it is a new template version.
func TestSelfManagedAMIPinnedUnlessLatest(t *testing.T) {
	c := smCluster()
	w := converged(t, testConfig(c))
	w.publishAMI(gpuAMIParam, "ami-0aaaaaaaaaaaaaaaa")
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("a newer AMI changed a pinned group: %v", summaryOfChanges(p))
	}
	c.SelfManagedNodeGroups[0].AMIRelease = "latest"
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	ch := changeOf(t, p, gpuAddr+".launch_template")
	if !slices.ContainsFunc(ch.Diffs, func(d AttrDiff) bool { return d.Path == "image_id" && d.After == "ami-0aaaaaaaaaaaaaaaa" }) {
		t.Errorf("ami_release = latest: template diffs %+v, want image_id to the new AMI", ch.Diffs)
	}
}

// Self-managed nodes join only through an access entry: a cluster in
// CONFIG_MAP mode is refused at plan, saying aws-auth.
func TestSelfManagedRefusedInConfigMapMode(t *testing.T) {
	c := smCluster()
	c.Access.AuthenticationMode = "CONFIG_MAP"
	_, diags := MakePlan(t.Context(), testConfig(c), newFakeAccount().factory(), PlanOptions{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "aws-auth") {
		t.Fatalf("plan in CONFIG_MAP mode: %v; want an error naming aws-auth", diags)
	}
}

// A managed node group with the same node role gets an entry from EKS:
// none is planned for the self-managed group (two would conflict).
func TestSelfManagedSharesEKSEntryOfManagedGroupRole(t *testing.T) {
	c := smCluster()
	testNodeGroup(c, "general")
	p := mustPlan(t, newFakeAccount(), testConfig(c), PlanOptions{})
	for _, ch := range p.Changes {
		if ch.Type == TypeAccessEntry {
			t.Errorf("planned access entry %s; EKS makes the node role's entry for the managed group", ch.Address)
		}
	}
}

// Destroy deletes the group (and so its instances) first, then its
// template, the instance profile and the access entry, and the node role
// last.
func TestSelfManagedDestroyOrder(t *testing.T) {
	c := smCluster()
	w := converged(t, testConfig(c))
	role := nodeRoleARNOf(w)
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{Destroy: true}))
	order := []string{
		"DeleteAutoScalingGroup " + gpuGroupName,
		"DeleteLaunchTemplate " + gpuTemplate,
		"DeleteInstanceProfile " + InstanceProfileName("demo", w.region, "gpu"),
		"DeleteRole " + NodeRoleName("demo", w.region),
	}
	last := -1
	for _, e := range order {
		i := w.logIndex(e)
		if i < 0 || i < last {
			t.Errorf("%s at %d, not after the previous step (%d):\n%s", e, i, last, strings.Join(w.log, "\n"))
		}
		last = i
	}
	if i, g := w.logIndex("DeleteAccessEntry demo/"+role), w.logIndex(order[0]); i < 0 || i < g {
		t.Errorf("node access entry deleted at %d, the group at %d: want the entry deleted, after the group", i, g)
	}
	if got := w.asgInstanceVersions("", gpuGroupName); got != nil {
		t.Errorf("instances left: %v", got)
	}
}

func nodeRoleARNOf(w *fakeAccount) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if r := w.roles[NodeRoleName("demo", w.region)]; r != nil {
		return r.arn
	}
	return ""
}

// Which attribute changes how, written down attribute by attribute (not
// read from autoScalingGroupSchema): nothing replaces the group; what it
// launches rolls the instances through a refresh.
func TestSelfManagedAttributeChanges(t *testing.T) {
	tests := map[string]struct {
		give  func(g *spec.SelfManagedNodeGroup)
		steps string
	}{
		"instance_types":       {func(g *spec.SelfManagedNodeGroup) { g.InstanceTypes = []string{"g5.2xlarge"} }, "StartInstanceRefresh"},
		"capacity_type":        {func(g *spec.SelfManagedNodeGroup) { g.CapacityType = "SPOT" }, "StartInstanceRefresh"},
		"subnet_ids":           {func(g *spec.SelfManagedNodeGroup) { g.SubnetIDs = []string{"subnet-a"} }, "UpdateAutoScalingGroup,StartInstanceRefresh"},
		"scaling.max_size":     {func(g *spec.SelfManagedNodeGroup) { g.Scaling.MaxSize = 8 }, "UpdateAutoScalingGroup"},
		"scaling.desired_size": {func(g *spec.SelfManagedNodeGroup) { g.Scaling.DesiredSize = aws.Int(2) }, "UpdateAutoScalingGroup"},
		"tags":                 {func(g *spec.SelfManagedNodeGroup) { g.Tags = map[string]string{"team": "ml"} }, "CreateOrUpdateTags"},
	}
	c := smCluster()
	w := converged(t, testConfig(c))
	for attr, tt := range tests {
		t.Run(attr, func(t *testing.T) {
			c := smCluster()
			tt.give(c.SelfManagedNodeGroups[0])
			ch := changeOf(t, mustPlan(t, w, testConfig(c), PlanOptions{}), gpuAddr)
			if ch.Action != Update {
				t.Fatalf("changing %s: %s, want an in-place update", attr, ch.Action)
			}
			var calls []string
			for _, s := range ch.Steps {
				calls = append(calls, s.Call)
			}
			if got := strings.Join(calls, ","); got != tt.steps {
				t.Errorf("changing %s: steps %s, want %s", attr, got, tt.steps)
			}
		})
	}
}

// The maximum healthy percentage lets a refresh launch before it
// terminates, so that even a group of one (where Auto Scaling replaces at
// least one instance at a time) never drops below the minimum.
func TestSelfManagedSmallGroupRefreshKeepsCapacity(t *testing.T) {
	for _, desired := range []int{1, 2, 5} {
		c := smCluster()
		g := c.SelfManagedNodeGroups[0]
		g.Scaling.DesiredSize = aws.Int(desired)
		g.Update = spec.UpdateConfig{} // the refresh default: 90% in service
		w := converged(t, testConfig(c))
		g.Labels = map[string]string{"tier": "b"}
		w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{})) // fails on a capacity violation
		if low := w.asgCapacityLow("", gpuGroupName); low < desired {
			t.Errorf("desired %d: %d in service during the refresh, want all %d (90%% rounds up)", desired, low, desired)
		}
	}
}

func TestMaxHealthy(t *testing.T) {
	for _, tt := range []struct{ min, desired, want int }{
		{90, 1, 200}, {90, 2, 150}, {90, 10, 110}, {90, 100, 110}, {75, 4, 125}, {0, 4, 100}, {100, 3, 134}, {75, 0, 100}, {50, 1, 200}, {50, 4, 150},
	} {
		if got := maxHealthy(tt.min, tt.desired); got != tt.want {
			t.Errorf("maxHealthy(%d, %d) = %d, want %d", tt.min, tt.desired, got, tt.want)
		}
	}
}

// A refresh an interrupted apply cancelled (still Cancelling, or
// Cancelled) does not fail the next apply: it waits for it to end, then
// starts its own.
func TestSelfManagedApplyAfterCancelledRefresh(t *testing.T) {
	c := smCluster()
	w := converged(t, testConfig(c))
	c.SelfManagedNodeGroups[0].Labels = map[string]string{"tier": "b"}
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	cl, _ := w.factory()("")
	w.mu.Lock()
	w.life.update = 30 * time.Millisecond // the cancel takes a step to end
	w.mu.Unlock()
	if _, err := cl.AutoScaling.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String(gpuGroupName),
		Preferences: &astypes.RefreshPreferences{SkipMatching: aws.Bool(false), MinHealthyPercentage: aws.Int32(50)}}); err != nil {
		t.Fatal(err)
	}
	for range 2 { // Pending, then a batch in flight
		time.Sleep(35 * time.Millisecond)
		if _, err := cl.AutoScaling.DescribeInstanceRefreshes(t.Context(), &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(gpuGroupName)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cl.AutoScaling.CancelInstanceRefresh(t.Context(), &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String(gpuGroupName)}); err != nil {
		t.Fatal(err)
	}
	w.apply(t, p)
	if got := w.asgInstanceVersions("", gpuGroupName); slices.ContainsFunc(got, func(s string) bool { return s != gpuTemplate+":2" }) {
		t.Errorf("instances %v, want all on version 2", got)
	}
}

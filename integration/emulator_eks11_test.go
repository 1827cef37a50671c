package integration

// Tests of the emulator's patches for issue 11 (self-managed node groups,
// launch templates): the EKS optimized and Bottlerocket AMIs as SSM public
// parameters and EC2 images (emulator/ssm_eks_ami.py), Auto Scaling instance
// refresh (emulator/autoscaling_refresh.py), through aws-sdk-go-v2: one test
// per behaviour, each failing with its patch switched off
// (EKSCTL_LITE_EMULATOR_DISABLE=<name>, listed in README.md).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// clients11 are SDK clients for the services issue 11 adds, configured as
// newEnv configures e.eks.
type clients11 struct {
	ssm *ssm.Client
	ec2 *ec2.Client
	asg *autoscaling.Client
}

func newClients11(e *env) clients11 {
	cfg := aws.Config{
		Region: e.region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test", Source: "integration"}, nil
		}),
		BaseEndpoint: aws.String(e.endpoint),
		Retryer:      func() aws.Retryer { return retry.NewStandard() },
	}
	return clients11{ssm: ssm.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), asg: autoscaling.NewFromConfig(cfg)}
}

var amiIDPattern = regexp.MustCompile(`^ami-[0-9a-f]{17}$`)

// ssmValues returns the values of the named parameters (GetParameters, ten
// at a time) and the names SSM reported invalid.
func ssmValues(t *testing.T, c clients11, names []string) (map[string]string, []string) {
	t.Helper()
	values := map[string]string{}
	var invalid []string
	for chunk := range slices.Chunk(names, 10) {
		out, err := c.ssm.GetParameters(t.Context(), &ssm.GetParametersInput{Names: chunk})
		if err != nil {
			t.Fatalf("GetParameters %v: %v", chunk, err)
		}
		for _, p := range out.Parameters {
			values[aws.ToString(p.Name)] = aws.ToString(p.Value)
		}
		invalid = append(invalid, out.InvalidParameters...)
	}
	return values, invalid
}

// newestRelease is the newest release of a minor version in the emulator's
// catalog (README.md, "The AMI release catalog").
var newestRelease = map[string]string{
	"1.23": "1.23.17-20250103", "1.24": "1.24.17-20250103", "1.25": "1.25.16-20250103",
	"1.26": "1.26.15-20250103", "1.27": "1.27.16-20250103", "1.28": "1.28.15-20250103",
	"1.29": "1.29.12-20250103", "1.30": "1.30.8-20250103", "1.31": "1.31.4-20250115",
	"1.32": "1.32.3-20250501", "1.33": "1.33.4-20251001", "1.34": "1.34.1-20251120",
	"1.35": "1.35.2-20260415",
}

// The recommended AMI of every supported version and family is an SSM
// public parameter (GetParameter, GetParameters, GetParametersByPath), its
// release the catalog's newest, its image id an EC2 image of the right
// architecture that instances launch from, the same after a reset.
func TestEmulatorEKSOptimizedAMIParameters(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)

	type want struct{ name, arch string }
	var wants []want
	for v := 23; v <= 35; v++ {
		k := fmt.Sprintf("1.%d", v)
		base := "/aws/service/eks/optimized-ami/" + k
		for _, f := range []want{{"x86_64/standard", "x86_64"}, {"x86_64/nvidia", "x86_64"}, {"x86_64/neuron", "x86_64"}, {"arm64/standard", "arm64"}} {
			wants = append(wants, want{base + "/amazon-linux-2023/" + f.name + "/recommended/image_id", f.arch})
		}
		for _, f := range []want{{"aws-k8s-" + k + "/x86_64", "x86_64"}, {"aws-k8s-" + k + "/arm64", "arm64"}, {"aws-k8s-" + k + "-nvidia/x86_64", "x86_64"}} {
			wants = append(wants, want{"/aws/service/bottlerocket/" + f.name + "/latest/image_id", f.arch})
		}
	}
	names := make([]string, len(wants))
	for i, w := range wants {
		names[i] = w.name
	}
	values, invalid := ssmValues(t, c, names)
	if len(invalid) > 0 {
		t.Fatalf("GetParameters: %d invalid, e.g. %v", len(invalid), invalid[:min(3, len(invalid))])
	}
	seen := map[string]string{}
	var ids []string
	for _, w := range wants {
		id := values[w.name]
		if !amiIDPattern.MatchString(id) {
			t.Errorf("%s = %q, want ami- and 17 hex digits", w.name, id)
		}
		if other, dup := seen[id]; dup {
			t.Errorf("%s and %s are both %s", w.name, other, id)
		}
		seen[id] = w.name
		ids = append(ids, id)
	}
	imgs, err := c.ec2.DescribeImages(t.Context(), &ec2.DescribeImagesInput{ImageIds: ids})
	if err != nil {
		t.Fatalf("DescribeImages of the recommended AMIs: %v", err)
	}
	arch := map[string]string{}
	for _, im := range imgs.Images {
		arch[aws.ToString(im.ImageId)] = string(im.Architecture)
	}
	for _, w := range wants {
		if got := arch[values[w.name]]; got != w.arch {
			t.Errorf("DescribeImages %s (%s): architecture %q, want %q", values[w.name], w.name, got, w.arch)
		}
	}

	// The release: the catalog's newest, in the recommended JSON and its sibling.
	for k, rel := range newestRelease {
		base := "/aws/service/eks/optimized-ami/" + k + "/amazon-linux-2023/x86_64/standard/recommended"
		vals, _ := ssmValues(t, c, []string{base, base + "/release_version"})
		if vals[base+"/release_version"] != rel || !strings.Contains(vals[base], `"release_version":"`+rel+`"`) ||
			!strings.Contains(vals[base], `"image_id":"`+vals[base+"/image_id"]) {
			t.Errorf("%s: release_version %q, JSON %s; want %s", base, vals[base+"/release_version"], vals[base], rel)
		}
	}

	// Amazon Linux 2 up to 1.32 only.
	al2 := []string{"/aws/service/eks/optimized-ami/1.32/amazon-linux-2/recommended/image_id", "/aws/service/eks/optimized-ami/1.33/amazon-linux-2/recommended/image_id"}
	vals, invalid := ssmValues(t, c, al2)
	if !amiIDPattern.MatchString(vals[al2[0]]) || !slices.Equal(invalid, al2[1:]) {
		t.Errorf("AL2: 1.32 = %q, invalid %v; want an AMI for 1.32 and 1.33 invalid", vals[al2[0]], invalid)
	}

	// By path, one level: the recommended parameters of one family.
	byPath, err := c.ssm.GetParametersByPath(t.Context(), &ssm.GetParametersByPathInput{
		Path: aws.String("/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/arm64/standard/recommended"),
	})
	if err != nil {
		t.Fatalf("GetParametersByPath: %v", err)
	}
	var got []string
	for _, p := range byPath.Parameters {
		got = append(got, aws.ToString(p.Name)[strings.LastIndex(aws.ToString(p.Name), "/")+1:])
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"image_id", "release_version"}) {
		t.Errorf("GetParametersByPath .../recommended = %v, want [image_id release_version]", got)
	}

	// An instance launches from a recommended AMI.
	amd := values["/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id"]
	run, err := c.ec2.RunInstances(t.Context(), &ec2.RunInstancesInput{ImageId: aws.String(amd), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: ec2types.InstanceTypeM5Large})
	if err != nil || aws.ToString(run.Instances[0].ImageId) != amd {
		t.Errorf("RunInstances from %s: %v", amd, err)
	}

	// The same ids after a reset.
	e = newEnv(t)
	again, _ := ssmValues(t, c, names[:10])
	for _, n := range names[:10] {
		if again[n] != values[n] {
			t.Errorf("after a reset %s = %q, before %q; want the same", n, again[n], values[n])
		}
	}
}

// publishAMI publishes a newer recommended AMI through the control endpoint.
func publishAMI(t *testing.T, e *env, version, family string) (id, release string) {
	t.Helper()
	var out struct {
		ImageID string `json:"image_id"`
		Release string `json:"release"`
	}
	e.control(t, http.MethodPost, "/_eksctl_lite/eks-ami", map[string]string{"kubernetes_version": version, "family": family}, &out)
	return out.ImageID, out.Release
}

// A newer recommended AMI published by the test hook: a new version of the
// recommended parameters (the old one in the history), a new EC2 image, a
// new release EKS accepts; the other families keep theirs; a reset forgets it.
func TestEmulatorEKSAMIPublishNewer(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	const std = "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended"
	const arm = "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/arm64/standard/recommended/image_id"
	const br = "/aws/service/bottlerocket/aws-k8s-1.31/x86_64/latest"
	before, _ := ssmValues(t, c, []string{std + "/image_id", arm, br + "/image_id", br + "/image_version"})

	id, release := publishAMI(t, e, "1.31", "amazon-linux-2023/x86_64/standard")
	if release != "1.31.4-20250116" || !amiIDPattern.MatchString(id) {
		t.Fatalf("published %q %q; want the next build of 1.31.4 (1.31.4-20250116) and an AMI id", id, release)
	}
	p, err := c.ssm.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String(std + "/image_id")})
	if err != nil {
		t.Fatalf("GetParameter: %v", err)
	}
	if aws.ToString(p.Parameter.Value) != id || p.Parameter.Version != 2 || id == before[std+"/image_id"] {
		t.Errorf("recommended/image_id = %q version %d; want the published %s, version 2", aws.ToString(p.Parameter.Value), p.Parameter.Version, id)
	}
	hist, err := c.ssm.GetParameterHistory(t.Context(), &ssm.GetParameterHistoryInput{Name: aws.String(std + "/image_id")})
	if err != nil || len(hist.Parameters) != 2 || aws.ToString(hist.Parameters[0].Value) != before[std+"/image_id"] {
		t.Errorf("GetParameterHistory: %v %v; want the old AMI then the new", hist, err)
	}
	vals, _ := ssmValues(t, c, []string{std + "/release_version", arm})
	if vals[std+"/release_version"] != release || vals[arm] != before[arm] {
		t.Errorf("release_version %q, arm64 %q; want %s and arm64 unchanged (%s)", vals[std+"/release_version"], vals[arm], release, before[arm])
	}
	if _, err := c.ec2.DescribeImages(t.Context(), &ec2.DescribeImagesInput{ImageIds: []string{id}}); err != nil {
		t.Errorf("DescribeImages of the published AMI: %v", err)
	}
	createCluster(t, e, "pub", "1.31", true)
	if _, err := createNodegroupWith(t, e, &eks.CreateNodegroupInput{ClusterName: aws.String("pub"), NodegroupName: aws.String("ng"), ReleaseVersion: aws.String(release)}); err != nil {
		t.Errorf("CreateNodegroup with the published release %s: %v", release, err)
	}

	brID, brVersion := publishAMI(t, e, "1.31", "bottlerocket/x86_64")
	vals, _ = ssmValues(t, c, []string{br + "/image_id", br + "/image_version"})
	if vals[br+"/image_id"] != brID || vals[br+"/image_version"] == before[br+"/image_version"] || vals[br+"/image_version"] != brVersion {
		t.Errorf("Bottlerocket latest = %q %q; want the published %s %s (before %s)", vals[br+"/image_id"], vals[br+"/image_version"], brID, brVersion, before[br+"/image_version"])
	}

	e = newEnv(t)
	p, err = c.ssm.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String(std + "/image_id")})
	if err != nil || aws.ToString(p.Parameter.Value) != before[std+"/image_id"] || p.Parameter.Version != 1 {
		t.Errorf("after a reset: %v %v; want the catalog's AMI %s, version 1", p, err, before[std+"/image_id"])
	}
	_, err = c.ssm.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String("/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.31-v20250116/image_id")})
	wantErr[*ssmtypes.ParameterNotFound](t, "the published release's parameter after a reset", err)
}

// refreshGroup is an Auto Scaling group on version 1 of a launch template
// whose version 2 has another AMI (the recommended 1.31 and 1.32 AMIs).
type refreshGroup struct {
	name, ltID string
	amiV1      string
	amiV2      string
	instances  []string // launched at creation, from version 1
}

func createRefreshGroup(t *testing.T, c clients11, name string, desired int32) refreshGroup {
	t.Helper()
	vals, _ := ssmValues(t, c, []string{
		"/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id",
		"/aws/service/eks/optimized-ami/1.32/amazon-linux-2023/x86_64/standard/recommended/image_id",
	})
	g := refreshGroup{name: name,
		amiV1: vals["/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id"],
		amiV2: vals["/aws/service/eks/optimized-ami/1.32/amazon-linux-2023/x86_64/standard/recommended/image_id"]}
	lt, err := c.ec2.CreateLaunchTemplate(t.Context(), &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String(name + "-nodes"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String(g.amiV1), InstanceType: ec2types.InstanceTypeM5Large},
	})
	if err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	g.ltID = aws.ToString(lt.LaunchTemplate.LaunchTemplateId)
	if _, err := c.ec2.CreateLaunchTemplateVersion(t.Context(), &ec2.CreateLaunchTemplateVersionInput{
		LaunchTemplateId:   aws.String(g.ltID),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String(g.amiV2), InstanceType: ec2types.InstanceTypeM5Large},
	}); err != nil {
		t.Fatalf("CreateLaunchTemplateVersion: %v", err)
	}
	if _, err := c.asg.CreateAutoScalingGroup(t.Context(), &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(0), MaxSize: aws.Int32(10), DesiredCapacity: aws.Int32(desired),
		AvailabilityZones:      []string{"us-east-1a"},
		LaunchTemplate:         &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("1")},
		HealthCheckGracePeriod: aws.Int32(0),
	}); err != nil {
		t.Fatalf("CreateAutoScalingGroup: %v", err)
	}
	for _, i := range describeGroup(t, c, name).Instances {
		g.instances = append(g.instances, aws.ToString(i.InstanceId))
	}
	if len(g.instances) != int(desired) {
		t.Fatalf("group %s has %d instances, want %d", name, len(g.instances), desired)
	}
	return g
}

func describeGroup(t *testing.T, c clients11, name string) asgtypes.AutoScalingGroup {
	t.Helper()
	out, err := c.asg.DescribeAutoScalingGroups(t.Context(), &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	if err != nil || len(out.AutoScalingGroups) != 1 {
		t.Fatalf("DescribeAutoScalingGroups %s: %v %v", name, out, err)
	}
	return out.AutoScalingGroups[0]
}

func describeRefresh(t *testing.T, c clients11, group, id string) asgtypes.InstanceRefresh {
	t.Helper()
	out, err := c.asg.DescribeInstanceRefreshes(t.Context(), &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(group), InstanceRefreshIds: []string{id}})
	if err != nil || len(out.InstanceRefreshes) != 1 {
		t.Fatalf("DescribeInstanceRefreshes %s %s: %v %v", group, id, out, err)
	}
	return out.InstanceRefreshes[0]
}

// refreshSample is what one poll of a refresh saw.
type refreshSample struct {
	status             asgtypes.InstanceRefreshStatus
	percent, toUpdate  int32
	inService, pending int
	ids                []string
}

// watchRefresh polls the refresh and its group until the refresh is no
// longer active, and returns every sample.
func watchRefresh(t *testing.T, c clients11, group, id string) []refreshSample {
	t.Helper()
	var samples []refreshSample
	waitFor(t, "instance refresh "+id, func() (bool, error) {
		r := describeRefresh(t, c, group, id)
		g := describeGroup(t, c, group)
		s := refreshSample{status: r.Status, percent: aws.ToInt32(r.PercentageComplete), toUpdate: aws.ToInt32(r.InstancesToUpdate)}
		for _, i := range g.Instances {
			switch i.LifecycleState {
			case asgtypes.LifecycleStateInService:
				s.inService++
			case asgtypes.LifecycleStatePending:
				s.pending++
			}
			s.ids = append(s.ids, aws.ToString(i.InstanceId))
		}
		samples = append(samples, s)
		switch r.Status {
		case asgtypes.InstanceRefreshStatusPending, asgtypes.InstanceRefreshStatusInProgress, asgtypes.InstanceRefreshStatusCancelling,
			asgtypes.InstanceRefreshStatusBaking, asgtypes.InstanceRefreshStatusRollbackInProgress:
			return false, nil
		}
		return true, nil
	})
	return samples
}

// statuses is the sequence of distinct statuses in samples.
func statuses(samples []refreshSample) []asgtypes.InstanceRefreshStatus {
	var out []asgtypes.InstanceRefreshStatus
	for _, s := range samples {
		if len(out) == 0 || out[len(out)-1] != s.status {
			out = append(out, s.status)
		}
	}
	return out
}

// An instance refresh to launch template version 2 with MinHealthyPercentage
// 50: Pending -> InProgress -> Successful, progress only grows, in batches of
// two so that at least two of four instances are always in service; every
// old instance goes (terminated in EC2), four new ones come from version 2
// (its AMI), and the group is on version 2. A second refresh meanwhile is
// InstanceRefreshInProgress, a cancel afterwards ActiveInstanceRefreshNotFound.
func TestEmulatorInstanceRefresh(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 300*time.Millisecond)
	g := createRefreshGroup(t, c, "nodes", 4)

	start, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{
		AutoScalingGroupName: aws.String(g.name),
		Preferences:          &asgtypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(50), InstanceWarmup: aws.Int32(0)},
		DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("2")}},
	})
	if err != nil {
		t.Fatalf("StartInstanceRefresh: %v", err)
	}
	id := aws.ToString(start.InstanceRefreshId)
	_, err = c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String(g.name)})
	wantErr[*asgtypes.InstanceRefreshInProgressFault](t, "a second StartInstanceRefresh", err)

	samples := watchRefresh(t, c, g.name, id)
	want := []asgtypes.InstanceRefreshStatus{"Pending", "InProgress", "Successful"}
	if got := statuses(samples); !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	var last int32
	for _, s := range samples {
		if s.inService < 2 {
			t.Errorf("%d instances in service during the refresh (%+v); MinHealthyPercentage 50 of 4 wants at least 2", s.inService, s)
		}
		if s.percent < last {
			t.Errorf("PercentageComplete went down from %d to %d", last, s.percent)
		}
		last = s.percent
	}
	end := samples[len(samples)-1]
	if end.percent != 100 || end.toUpdate != 0 {
		t.Errorf("at the end PercentageComplete %d InstancesToUpdate %d, want 100 and 0", end.percent, end.toUpdate)
	}
	if mid := samples[len(samples)/2]; mid.status == "InProgress" && (mid.toUpdate == 0 || mid.toUpdate > 4) {
		t.Errorf("in progress InstancesToUpdate %d, want 1-4", mid.toUpdate)
	}

	grp := describeGroup(t, c, g.name)
	if v := aws.ToString(grp.LaunchTemplate.Version); v != "2" {
		t.Errorf("group's launch template version %q after the refresh, want 2", v)
	}
	if len(grp.Instances) != 4 {
		t.Errorf("%d instances after the refresh, want 4", len(grp.Instances))
	}
	var newIDs []string
	for _, i := range grp.Instances {
		newIDs = append(newIDs, aws.ToString(i.InstanceId))
		if slices.Contains(g.instances, aws.ToString(i.InstanceId)) {
			t.Errorf("old instance %s still in the group", aws.ToString(i.InstanceId))
		}
		if i.LifecycleState != asgtypes.LifecycleStateInService || aws.ToString(i.LaunchTemplate.Version) != "2" || aws.ToString(i.ImageId) != g.amiV2 {
			t.Errorf("instance %s: %s, version %q, image %q; want InService from version 2 (%s)", aws.ToString(i.InstanceId), i.LifecycleState, aws.ToString(i.LaunchTemplate.Version), aws.ToString(i.ImageId), g.amiV2)
		}
	}
	ec2out, err := c.ec2.DescribeInstances(t.Context(), &ec2.DescribeInstancesInput{InstanceIds: append(slices.Clone(g.instances), newIDs...)})
	if err != nil {
		t.Fatalf("DescribeInstances: %v", err)
	}
	for _, r := range ec2out.Reservations {
		for _, i := range r.Instances {
			old := slices.Contains(g.instances, aws.ToString(i.InstanceId))
			if state := i.State.Name; old != (state == ec2types.InstanceStateNameTerminated) {
				t.Errorf("EC2 instance %s (old: %v) is %s", aws.ToString(i.InstanceId), old, state)
			}
			if !old && aws.ToString(i.ImageId) != g.amiV2 {
				t.Errorf("new EC2 instance %s runs %s, want %s", aws.ToString(i.InstanceId), aws.ToString(i.ImageId), g.amiV2)
			}
		}
	}

	_, err = c.asg.CancelInstanceRefresh(t.Context(), &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String(g.name)})
	wantErr[*asgtypes.ActiveInstanceRefreshNotFoundFault](t, "CancelInstanceRefresh with none in progress", err)
}

// Patch asg-refresh-healthy: MinHealthyPercentage 100 and
// MaxHealthyPercentage 150 launch before terminating, one instance of two
// at a time: never fewer than two instances in service, never more than
// three in service or pending.
func TestEmulatorInstanceRefreshLaunchBeforeTerminate(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 300*time.Millisecond)
	g := createRefreshGroup(t, c, "lbt", 2)
	start, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{
		AutoScalingGroupName: aws.String(g.name),
		Preferences:          &asgtypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(100), MaxHealthyPercentage: aws.Int32(150)},
		DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("2")}},
	})
	if err != nil {
		t.Fatalf("StartInstanceRefresh: %v", err)
	}
	samples := watchRefresh(t, c, g.name, aws.ToString(start.InstanceRefreshId))
	sawThree := false
	for _, s := range samples {
		if s.inService < 2 || s.inService+s.pending > 3 {
			t.Errorf("%d in service and %d pending (%+v); want at least 2 in service and at most 3 in all", s.inService, s.pending, s)
		}
		sawThree = sawThree || s.inService+s.pending == 3
	}
	if !sawThree {
		t.Errorf("never a third instance: launch before terminating wants one")
	}
	if end := samples[len(samples)-1]; end.status != "Successful" || len(end.ids) != 2 || slices.ContainsFunc(end.ids, func(id string) bool { return slices.Contains(g.instances, id) }) {
		t.Errorf("at the end %+v; want Successful with two new instances", end)
	}
}

// Cancelling: a Pending refresh is Cancelled at once; one with launches in
// flight is Cancelling until they are in service (WaitForTransitioningInstances
// defaults to true), then Cancelled, the group on its old version with old
// and new instances; WaitForTransitioningInstances false cancels at once.
func TestEmulatorInstanceRefreshCancel(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	g := createRefreshGroup(t, c, "cancel", 4)
	startRefresh := func() string {
		t.Helper()
		out, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{
			AutoScalingGroupName: aws.String(g.name),
			Preferences:          &asgtypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(75)},
			DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("2")}},
		})
		if err != nil {
			t.Fatalf("StartInstanceRefresh: %v", err)
		}
		return aws.ToString(out.InstanceRefreshId)
	}
	cancel := func(wait *bool) {
		t.Helper()
		if _, err := c.asg.CancelInstanceRefresh(t.Context(), &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String(g.name), WaitForTransitioningInstances: wait}); err != nil {
			t.Fatalf("CancelInstanceRefresh: %v", err)
		}
	}

	e.setDelays(t, time.Second, time.Second, time.Minute)
	id := startRefresh()
	if r := describeRefresh(t, c, g.name, id); r.Status != "Pending" {
		t.Fatalf("just started: %s, want Pending", r.Status)
	}
	cancel(nil)
	if r := describeRefresh(t, c, g.name, id); r.Status != "Cancelled" || r.EndTime == nil {
		t.Errorf("cancelled while Pending: %s (end %v), want Cancelled with an end time", r.Status, r.EndTime)
	}

	// In flight: one instance at a time replaced (75% of 4 keeps 3), a replacement Pending.
	e.setDelays(t, time.Second, time.Second, 300*time.Millisecond)
	id = startRefresh()
	waitFor(t, "a replacement pending", func() (bool, error) {
		return describeRefresh(t, c, g.name, id).Status == "InProgress" && slices.ContainsFunc(describeGroup(t, c, g.name).Instances, func(i asgtypes.Instance) bool {
			return i.LifecycleState == asgtypes.LifecycleStatePending
		}), nil
	})
	e.setDelays(t, time.Second, time.Second, time.Minute)
	cancel(nil)
	if r := describeRefresh(t, c, g.name, id); r.Status != "Cancelling" {
		t.Errorf("cancelled with a launch in flight: %s, want Cancelling", r.Status)
	}
	_, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String(g.name)})
	wantErr[*asgtypes.InstanceRefreshInProgressFault](t, "StartInstanceRefresh while Cancelling", err)
	e.setDelays(t, time.Second, time.Second, 300*time.Millisecond)
	if s := statuses(watchRefresh(t, c, g.name, id)); s[len(s)-1] != "Cancelled" {
		t.Errorf("statuses %v, want to end Cancelled", s)
	}
	grp := describeGroup(t, c, g.name)
	versions := map[string]int{}
	for _, i := range grp.Instances {
		if i.LifecycleState == asgtypes.LifecycleStateInService {
			versions[aws.ToString(i.LaunchTemplate.Version)]++
		}
	}
	if aws.ToString(grp.LaunchTemplate.Version) != "1" || versions["1"]+versions["2"] != 4 || versions["1"] == 0 || versions["2"] == 0 {
		t.Errorf("after the cancel: group on version %q, instances in service by version %v; want version 1, four in service, old and new", aws.ToString(grp.LaunchTemplate.Version), versions)
	}

	// Without waiting for transitioning instances.
	id = startRefresh()
	waitFor(t, "the refresh in progress", func() (bool, error) { return describeRefresh(t, c, g.name, id).Status == "InProgress", nil })
	e.setDelays(t, time.Second, time.Second, time.Minute)
	cancel(aws.Bool(false))
	if r := describeRefresh(t, c, g.name, id); r.Status != "Cancelled" {
		t.Errorf("cancelled without waiting: %s, want Cancelled", r.Status)
	}
}

// StartInstanceRefresh refuses what the service model and the API reference
// rule out, with ValidationError; DescribeInstanceRefreshes pages newest
// first with an opaque token, and a token it did not give is InvalidNextToken.
func TestEmulatorInstanceRefreshValidation(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	g := createRefreshGroup(t, c, "valid", 1)
	v2 := &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("2")}}
	cases := map[string]*autoscaling.StartInstanceRefreshInput{
		"unknown group":                                 {AutoScalingGroupName: aws.String("nope")},
		"max without min":                               {Preferences: &asgtypes.RefreshPreferences{MaxHealthyPercentage: aws.Int32(150)}},
		"range wider than 100":                          {Preferences: &asgtypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(0), MaxHealthyPercentage: aws.Int32(150)}},
		"checkpoint delay alone":                        {Preferences: &asgtypes.RefreshPreferences{CheckpointDelay: aws.Int32(60)}},
		"checkpoints not ascending":                     {Preferences: &asgtypes.RefreshPreferences{CheckpointPercentages: []int32{50, 20, 100}}},
		"auto rollback with $Latest":                    {Preferences: &asgtypes.RefreshPreferences{AutoRollback: aws.Bool(true)}, DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("$Latest")}}},
		"auto rollback without a desired configuration": {Preferences: &asgtypes.RefreshPreferences{AutoRollback: aws.Bool(true)}},
		"unknown launch template version":               {DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("9")}}},
		"unknown launch template":                       {DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nope")}}},
		"replace root volume without overrides":         {Strategy: asgtypes.RefreshStrategyReplaceRootVolume, DesiredConfiguration: v2},
	}
	for name, in := range cases {
		if in.AutoScalingGroupName == nil {
			in.AutoScalingGroupName = aws.String(g.name)
		}
		_, err := c.asg.StartInstanceRefresh(t.Context(), in)
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationError" {
			t.Errorf("%s: %v, want ValidationError", name, err)
		}
	}

	// Paging: three refreshes, newest first, two per page.
	e.setDelays(t, 0, 0, 0)
	var ids []string
	for range 3 {
		out, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String(g.name), DesiredConfiguration: v2})
		if err != nil {
			t.Fatalf("StartInstanceRefresh: %v", err)
		}
		ids = append([]string{aws.ToString(out.InstanceRefreshId)}, ids...)
		watchRefresh(t, c, g.name, aws.ToString(out.InstanceRefreshId))
	}
	var got []string
	var token *string
	for page := 0; ; page++ {
		out, err := c.asg.DescribeInstanceRefreshes(t.Context(), &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(g.name), MaxRecords: aws.Int32(2), NextToken: token})
		if err != nil {
			t.Fatalf("DescribeInstanceRefreshes page %d: %v", page, err)
		}
		for _, r := range out.InstanceRefreshes {
			got = append(got, aws.ToString(r.InstanceRefreshId))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if !slices.Equal(got, ids) {
		t.Errorf("DescribeInstanceRefreshes paged: %v, want newest first %v", got, ids)
	}
	_, err := c.asg.DescribeInstanceRefreshes(t.Context(), &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(g.name), NextToken: aws.String("made-up")})
	wantErr[*asgtypes.InvalidNextToken](t, "DescribeInstanceRefreshes with a made-up token", err)
}

// SkipMatching: instances already on the desired launch template version
// stay; only the others are replaced (InstancesToUpdate counts them only).
func TestEmulatorInstanceRefreshSkipMatching(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond)
	g := createRefreshGroup(t, c, "skip", 2)
	// A third instance from version 2.
	if _, err := c.asg.UpdateAutoScalingGroup(t.Context(), &autoscaling.UpdateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(g.name), DesiredCapacity: aws.Int32(3),
		LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("2")},
	}); err != nil {
		t.Fatalf("UpdateAutoScalingGroup: %v", err)
	}
	var keep string
	for _, i := range describeGroup(t, c, g.name).Instances {
		if !slices.Contains(g.instances, aws.ToString(i.InstanceId)) {
			keep = aws.ToString(i.InstanceId)
		}
	}
	out, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{
		AutoScalingGroupName: aws.String(g.name),
		Preferences:          &asgtypes.RefreshPreferences{SkipMatching: aws.Bool(true), MinHealthyPercentage: aws.Int32(50)},
		DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("2")}},
	})
	if err != nil {
		t.Fatalf("StartInstanceRefresh: %v", err)
	}
	samples := watchRefresh(t, c, g.name, aws.ToString(out.InstanceRefreshId))
	maxToUpdate := int32(0)
	for _, s := range samples {
		maxToUpdate = max(maxToUpdate, s.toUpdate)
	}
	end := samples[len(samples)-1]
	if maxToUpdate != 2 || end.status != "Successful" || len(end.ids) != 3 || !slices.Contains(end.ids, keep) ||
		slices.ContainsFunc(end.ids, func(id string) bool { return slices.Contains(g.instances, id) }) {
		t.Errorf("InstancesToUpdate at most %d, end %+v; want 2 to update, %s kept, the two old ones replaced", maxToUpdate, end, keep)
	}
}

// Patch asg-instance-details: each instance of a group shows the launch
// template version it was launched from (moto: the template's default
// version for all) and its AMI (moto: none), in DescribeAutoScalingGroups
// and DescribeAutoScalingInstances.
func TestEmulatorASGInstanceDetails(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	g := createRefreshGroup(t, c, "details", 1)
	if _, err := c.asg.UpdateAutoScalingGroup(t.Context(), &autoscaling.UpdateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(g.name), DesiredCapacity: aws.Int32(2),
		LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("$Latest")},
	}); err != nil {
		t.Fatalf("UpdateAutoScalingGroup: %v", err)
	}
	want := map[string][2]string{}
	for _, i := range describeGroup(t, c, g.name).Instances {
		if aws.ToString(i.InstanceId) == g.instances[0] {
			want[g.instances[0]] = [2]string{"1", g.amiV1}
		} else {
			want[aws.ToString(i.InstanceId)] = [2]string{"2", g.amiV2}
		}
	}
	got := map[string][2]string{}
	for _, i := range describeGroup(t, c, g.name).Instances {
		got[aws.ToString(i.InstanceId)] = [2]string{aws.ToString(i.LaunchTemplate.Version), aws.ToString(i.ImageId)}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DescribeAutoScalingGroups instances (version, image) (-want +got):\n%s", diff)
	}
	out, err := c.asg.DescribeAutoScalingInstances(t.Context(), &autoscaling.DescribeAutoScalingInstancesInput{})
	if err != nil {
		t.Fatalf("DescribeAutoScalingInstances: %v", err)
	}
	got = map[string][2]string{}
	for _, i := range out.AutoScalingInstances {
		got[aws.ToString(i.InstanceId)] = [2]string{aws.ToString(i.LaunchTemplate.Version), aws.ToString(i.ImageId)}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DescribeAutoScalingInstances (version, image) (-want +got):\n%s", diff)
	}
}

// testVPC creates a VPC with a subnet in each of two zones.
func testVPC(t *testing.T, c clients11) (subnets []string) {
	t.Helper()
	vpc, err := c.ec2.CreateVpc(t.Context(), &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatalf("CreateVpc: %v", err)
	}
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		s, err := c.ec2.CreateSubnet(t.Context(), &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i+1)), AvailabilityZone: aws.String(az)})
		if err != nil {
			t.Fatalf("CreateSubnet: %v", err)
		}
		subnets = append(subnets, aws.ToString(s.Subnet.SubnetId))
	}
	return subnets
}

// Patch ec2-lt-source-version: a new launch template version from a
// source version inherits its launch parameters, those given overwrite
// them (CreateLaunchTemplateVersion SourceVersion).
func TestEmulatorLaunchTemplateSourceVersion(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	lt, err := c.ec2.CreateLaunchTemplate(t.Context(), &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String("nodes"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{
			ImageId: aws.String("ami-00000000000000001"), InstanceType: ec2types.InstanceTypeM5Large,
			UserData:           aws.String("I2Nsb3VkLWNvbmZpZwo="),
			IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String("nodes")},
		},
	})
	if err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	v2, err := c.ec2.CreateLaunchTemplateVersion(t.Context(), &ec2.CreateLaunchTemplateVersionInput{
		LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, SourceVersion: aws.String("1"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-00000000000000002")},
	})
	if err != nil {
		t.Fatalf("CreateLaunchTemplateVersion: %v", err)
	}
	d := v2.LaunchTemplateVersion.LaunchTemplateData
	if aws.ToString(d.ImageId) != "ami-00000000000000002" || d.InstanceType != ec2types.InstanceTypeM5Large ||
		aws.ToString(d.UserData) != "I2Nsb3VkLWNvbmZpZwo=" || d.IamInstanceProfile == nil || aws.ToString(d.IamInstanceProfile.Name) != "nodes" {
		t.Errorf("version 2 from version 1 with a new AMI: %+v; want the new AMI and version 1's type, user data, profile", d)
	}
	out, err := c.ec2.DescribeLaunchTemplateVersions(t.Context(), &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Versions: []string{"$Latest"}})
	if err != nil || len(out.LaunchTemplateVersions) != 1 || out.LaunchTemplateVersions[0].LaunchTemplateData.InstanceType != ec2types.InstanceTypeM5Large {
		t.Errorf("DescribeLaunchTemplateVersions $Latest: %v %v; want version 2 with the inherited instance type", out, err)
	}
	// Without a source version, only what is given.
	v3, err := c.ec2.CreateLaunchTemplateVersion(t.Context(), &ec2.CreateLaunchTemplateVersionInput{
		LaunchTemplateId:   lt.LaunchTemplate.LaunchTemplateId,
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-00000000000000003")},
	})
	if err != nil || v3.LaunchTemplateVersion.LaunchTemplateData.InstanceType != "" {
		t.Errorf("version 3 without a source: %v %v; want no instance type", v3, err)
	}
}

// Patch asg-launch-from-template: the instances of a group have the launch
// template's instance profile, are spread over its subnets, and a mixed
// instances policy launches its first override's type.
func TestEmulatorASGLaunchesAsTemplateSays(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	subnets := testVPC(t, c)
	if _, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String("node"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	prof, err := e.iam.CreateInstanceProfile(t.Context(), &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("node")})
	if err != nil {
		t.Fatalf("CreateInstanceProfile: %v", err)
	}
	if _, err := e.iam.AddRoleToInstanceProfile(t.Context(), &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("node"), RoleName: aws.String("node")}); err != nil {
		t.Fatalf("AddRoleToInstanceProfile: %v", err)
	}
	ami, _ := ssmValues(t, c, []string{"/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id"})
	lt, err := c.ec2.CreateLaunchTemplate(t.Context(), &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String("nodes"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{
			ImageId: aws.String(ami["/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id"]), InstanceType: ec2types.InstanceTypeM5Large,
			IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Arn: prof.InstanceProfile.Arn},
		},
	})
	if err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	spec := &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: aws.String("$Latest")}
	if _, err := c.asg.CreateAutoScalingGroup(t.Context(), &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String("nodes"), MinSize: aws.Int32(0), MaxSize: aws.Int32(4), DesiredCapacity: aws.Int32(4),
		VPCZoneIdentifier: aws.String(strings.Join(subnets, ",")), LaunchTemplate: spec,
	}); err != nil {
		t.Fatalf("CreateAutoScalingGroup: %v", err)
	}
	if _, err := c.asg.CreateAutoScalingGroup(t.Context(), &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String("mixed"), MinSize: aws.Int32(0), MaxSize: aws.Int32(2), DesiredCapacity: aws.Int32(1),
		VPCZoneIdentifier: aws.String(subnets[0]),
		MixedInstancesPolicy: &asgtypes.MixedInstancesPolicy{LaunchTemplate: &asgtypes.LaunchTemplate{
			LaunchTemplateSpecification: spec,
			Overrides:                   []asgtypes.LaunchTemplateOverrides{{InstanceType: aws.String("c5.xlarge")}, {InstanceType: aws.String("m5.xlarge")}},
		}},
	}); err != nil {
		t.Fatalf("CreateAutoScalingGroup mixed: %v", err)
	}
	perSubnet := map[string]int{}
	for _, name := range []string{"nodes", "mixed"} {
		var ids []string
		for _, i := range describeGroup(t, c, name).Instances {
			ids = append(ids, aws.ToString(i.InstanceId))
		}
		out, err := c.ec2.DescribeInstances(t.Context(), &ec2.DescribeInstancesInput{InstanceIds: ids})
		if err != nil {
			t.Fatalf("DescribeInstances: %v", err)
		}
		for _, r := range out.Reservations {
			for _, i := range r.Instances {
				if i.IamInstanceProfile == nil || aws.ToString(i.IamInstanceProfile.Arn) != aws.ToString(prof.InstanceProfile.Arn) {
					t.Errorf("%s instance %s: instance profile %+v, want %s", name, aws.ToString(i.InstanceId), i.IamInstanceProfile, aws.ToString(prof.InstanceProfile.Arn))
				}
				if name == "nodes" {
					perSubnet[aws.ToString(i.SubnetId)]++
				} else if i.InstanceType != "c5.xlarge" {
					t.Errorf("mixed instance %s is %s, want the first override c5.xlarge", aws.ToString(i.InstanceId), i.InstanceType)
				}
			}
		}
	}
	if perSubnet[subnets[0]] != 2 || perSubnet[subnets[1]] != 2 {
		t.Errorf("instances per subnet %v, want two in each of %v", perSubnet, subnets)
	}
}

// Patch asg-group-rules: an existing name is AlreadyExists, sizes must hold
// min <= desired <= max, a group with instances (or an instance refresh)
// is deleted only with ForceDelete, the health check grace period defaults
// to 0, and an unknown launch template is ValidationError.
func TestEmulatorASGGroupRules(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	e.setDelays(t, time.Second, time.Second, time.Minute)
	g := createRefreshGroup(t, c, "rules", 2)
	spec := &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID)}
	create := func(name string, mn, mx, desired int32, lt *asgtypes.LaunchTemplateSpecification) error {
		_, err := c.asg.CreateAutoScalingGroup(t.Context(), &autoscaling.CreateAutoScalingGroupInput{
			AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(mn), MaxSize: aws.Int32(mx), DesiredCapacity: aws.Int32(desired),
			AvailabilityZones: []string{"us-east-1a"}, LaunchTemplate: lt,
		})
		return err
	}
	wantErr[*asgtypes.AlreadyExistsFault](t, "CreateAutoScalingGroup of an existing name", create("rules", 0, 3, 1, spec))
	if n := len(describeGroup(t, c, "rules").Instances); n != 2 {
		t.Errorf("the existing group has %d instances after the refused create, want 2", n)
	}
	validation := func(what string, err error) {
		t.Helper()
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationError" {
			t.Errorf("%s: %v, want ValidationError", what, err)
		}
	}
	validation("min above max", create("bad", 3, 1, 1, spec))
	validation("desired above max", create("bad", 0, 1, 2, spec))
	validation("unknown launch template", create("bad", 0, 1, 1, &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String("lt-0123456789abcdef0")}))
	_, err := c.asg.SetDesiredCapacity(t.Context(), &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("rules"), DesiredCapacity: aws.Int32(11)})
	validation("SetDesiredCapacity above max", err)
	_, err = c.asg.UpdateAutoScalingGroup(t.Context(), &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("rules"), MinSize: aws.Int32(11)})
	validation("UpdateAutoScalingGroup min above max", err)
	if _, err := c.asg.UpdateAutoScalingGroup(t.Context(), &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("rules"), MinSize: aws.Int32(1)}); err != nil {
		t.Errorf("UpdateAutoScalingGroup min 1: %v", err)
	}
	if grp := describeGroup(t, c, "rules"); aws.ToInt32(grp.HealthCheckGracePeriod) != 0 {
		t.Errorf("HealthCheckGracePeriod %d by default, want 0", aws.ToInt32(grp.HealthCheckGracePeriod))
	}

	_, err = c.asg.DeleteAutoScalingGroup(t.Context(), &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("rules")})
	wantErr[*asgtypes.ResourceInUseFault](t, "DeleteAutoScalingGroup with instances", err)
	if _, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String("rules")}); err != nil {
		t.Fatalf("StartInstanceRefresh: %v", err)
	}
	_, err = c.asg.DeleteAutoScalingGroup(t.Context(), &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("rules")})
	wantErr[*asgtypes.ScalingActivityInProgressFault](t, "DeleteAutoScalingGroup during an instance refresh", err)
	if _, err := c.asg.DeleteAutoScalingGroup(t.Context(), &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("rules"), ForceDelete: aws.Bool(true)}); err != nil {
		t.Fatalf("DeleteAutoScalingGroup ForceDelete: %v", err)
	}
	out, err := c.asg.DescribeAutoScalingGroups(t.Context(), &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"rules"}})
	if err != nil || len(out.AutoScalingGroups) != 0 {
		t.Errorf("after ForceDelete: %v %v; want no group", out, err)
	}
}

// Patch eks-nodegroup-launch-template: a managed node group's launch
// template must exist and be named once (id or name), is described with its
// version (the default one when none is given), may not hold an instance
// profile or repeat instanceTypes; with a custom AMI the node group is
// CUSTOM with the AMI as release and refuses amiType/version/releaseVersion;
// UpdateNodegroupVersion moves it to another version of the same template.
func TestEmulatorNodegroupLaunchTemplate(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	createCluster(t, e, "lt", "1.31", true)
	g := createRefreshGroup(t, c, "ltnodes", 0) // a template whose versions 1 and 2 have AMIs
	plain, err := c.ec2.CreateLaunchTemplate(t.Context(), &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String("plain"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{InstanceType: ec2types.InstanceTypeM5Large, UserData: aws.String("I2Nsb3VkLWNvbmZpZwo=")},
	})
	if err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	withProfile, err := c.ec2.CreateLaunchTemplate(t.Context(), &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String("profile"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String("nodes")}},
	})
	if err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	plainID := aws.ToString(plain.LaunchTemplate.LaunchTemplateId)
	ng := func(name string, lt *ekstypes.LaunchTemplateSpecification, mod func(*eks.CreateNodegroupInput)) (*ekstypes.Nodegroup, error) {
		in := &eks.CreateNodegroupInput{ClusterName: aws.String("lt"), NodegroupName: aws.String(name), LaunchTemplate: lt}
		if mod != nil {
			mod(in)
		}
		return createNodegroupWith(t, e, in)
	}
	refused := map[string]error{}
	_, refused["id and name"] = ng("x", &ekstypes.LaunchTemplateSpecification{Id: aws.String(plainID), Name: aws.String("plain")}, nil)
	_, refused["unknown template"] = ng("x", &ekstypes.LaunchTemplateSpecification{Name: aws.String("nope")}, nil)
	_, refused["unknown version"] = ng("x", &ekstypes.LaunchTemplateSpecification{Id: aws.String(plainID), Version: aws.String("7")}, nil)
	_, refused["instance profile in the template"] = ng("x", &ekstypes.LaunchTemplateSpecification{Id: withProfile.LaunchTemplate.LaunchTemplateId}, nil)
	_, refused["instanceTypes and a type in the template"] = ng("x", &ekstypes.LaunchTemplateSpecification{Id: aws.String(plainID)}, func(in *eks.CreateNodegroupInput) { in.InstanceTypes = []string{"m5.large"} })
	custom := &ekstypes.LaunchTemplateSpecification{Id: aws.String(g.ltID), Version: aws.String("1")}
	_, refused["amiType with a custom AMI"] = ng("x", custom, func(in *eks.CreateNodegroupInput) { in.AmiType = ekstypes.AMITypesAl2023X8664Standard })
	_, refused["releaseVersion with a custom AMI"] = ng("x", custom, func(in *eks.CreateNodegroupInput) { in.ReleaseVersion = aws.String("1.31.4-20250115") })
	for what, err := range refused {
		wantErr[*ekstypes.InvalidParameterException](t, "CreateNodegroup, "+what, err)
	}

	got, err := ng("plain", &ekstypes.LaunchTemplateSpecification{Name: aws.String("plain")}, nil)
	if err != nil {
		t.Fatalf("CreateNodegroup with a template: %v", err)
	}
	if lt := got.LaunchTemplate; aws.ToString(lt.Id) != plainID || aws.ToString(lt.Name) != "plain" || aws.ToString(lt.Version) != "1" ||
		got.AmiType != ekstypes.AMITypesAl2023X8664Standard || len(got.InstanceTypes) != 0 || aws.ToString(got.ReleaseVersion) != "1.31.4-20250115" {
		t.Errorf("node group with a template: launchTemplate %+v, amiType %s, instanceTypes %v, release %s; want id, name, default version 1, AL2023, no instance types, the newest release",
			lt, got.AmiType, got.InstanceTypes, aws.ToString(got.ReleaseVersion))
	}
	got, err = ng("custom", custom, nil)
	if err != nil {
		t.Fatalf("CreateNodegroup with a custom AMI: %v", err)
	}
	if got.AmiType != ekstypes.AMITypesCustom || aws.ToString(got.ReleaseVersion) != g.amiV1 || aws.ToString(got.Version) != "1.31" {
		t.Errorf("custom AMI node group: amiType %s release %s version %s; want CUSTOM, %s, 1.31", got.AmiType, aws.ToString(got.ReleaseVersion), aws.ToString(got.Version), g.amiV1)
	}
	e.waitNodegroupStatus(t, "lt", "custom", "ACTIVE")
	e.waitNodegroupStatus(t, "lt", "plain", "ACTIVE")

	_, err = e.eks.UpdateNodegroupVersion(t.Context(), &eks.UpdateNodegroupVersionInput{ClusterName: aws.String("lt"), NodegroupName: aws.String("custom"), LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Name: aws.String("plain")}}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateNodegroupVersion to another template", err)
	_, err = e.eks.UpdateNodegroupVersion(t.Context(), &eks.UpdateNodegroupVersionInput{ClusterName: aws.String("lt"), NodegroupName: aws.String("custom"), Version: aws.String("1.31"), LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Id: aws.String(g.ltID), Version: aws.String("2")}}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateNodegroupVersion with version and a custom AMI", err)
	upd, err := e.eks.UpdateNodegroupVersion(t.Context(), &eks.UpdateNodegroupVersionInput{ClusterName: aws.String("lt"), NodegroupName: aws.String("custom"), LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Id: aws.String(g.ltID), Version: aws.String("2")}}, noRetry)
	if err != nil {
		t.Fatalf("UpdateNodegroupVersion to template version 2: %v", err)
	}
	params := map[ekstypes.UpdateParamType]string{}
	for _, p := range upd.Update.Params {
		params[p.Type] = aws.ToString(p.Value)
	}
	if upd.Update.Type != ekstypes.UpdateTypeVersionUpdate || params[ekstypes.UpdateParamTypeLaunchTemplateVersion] != "2" || params[ekstypes.UpdateParamTypeLaunchTemplateName] != "ltnodes-nodes" {
		t.Errorf("update %s params %v; want a VersionUpdate with LaunchTemplateName ltnodes-nodes and LaunchTemplateVersion 2", upd.Update.Type, params)
	}
	if u := e.waitUpdate(t, "lt", "custom", aws.ToString(upd.Update.Id)); u.Status != ekstypes.UpdateStatusSuccessful {
		t.Fatalf("update %s", u.Status)
	}
	after := describeNodegroup(t, e, "lt", "custom")
	if aws.ToString(after.LaunchTemplate.Version) != "2" || aws.ToString(after.ReleaseVersion) != g.amiV2 {
		t.Errorf("after the update: template version %s release %s; want 2 and %s", aws.ToString(after.LaunchTemplate.Version), aws.ToString(after.ReleaseVersion), g.amiV2)
	}
	_, err = e.eks.UpdateNodegroupVersion(t.Context(), &eks.UpdateNodegroupVersionInput{ClusterName: aws.String("lt"), NodegroupName: aws.String("plain"), LaunchTemplate: &ekstypes.LaunchTemplateSpecification{Name: aws.String("plain"), Version: aws.String("1")}}, noRetry)
	if err != nil {
		t.Errorf("UpdateNodegroupVersion of an EKS AMI node group with its template: %v", err)
	}
}

// Patch ec2-lt-delete-versions: DeleteLaunchTemplateVersions deletes
// versions but not the default one, reports unknown versions, never reuses
// a number, and $Latest is the newest version left.
func TestEmulatorLaunchTemplateDeleteVersions(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	lt, err := c.ec2.CreateLaunchTemplate(t.Context(), &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("nodes"), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-00000000000000001")}})
	if err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	id := lt.LaunchTemplate.LaunchTemplateId
	newVersion := func() int64 {
		t.Helper()
		out, err := c.ec2.CreateLaunchTemplateVersion(t.Context(), &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: id, SourceVersion: aws.String("1"), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{}})
		if err != nil {
			t.Fatalf("CreateLaunchTemplateVersion: %v", err)
		}
		return aws.ToInt64(out.LaunchTemplateVersion.VersionNumber)
	}
	newVersion()
	newVersion()
	del, err := c.ec2.DeleteLaunchTemplateVersions(t.Context(), &ec2.DeleteLaunchTemplateVersionsInput{LaunchTemplateId: id, Versions: []string{"1", "2", "9"}})
	if err != nil {
		t.Fatalf("DeleteLaunchTemplateVersions: %v", err)
	}
	var deleted []int64
	failed := map[int64]ec2types.LaunchTemplateErrorCode{}
	for _, v := range del.SuccessfullyDeletedLaunchTemplateVersions {
		deleted = append(deleted, aws.ToInt64(v.VersionNumber))
	}
	for _, v := range del.UnsuccessfullyDeletedLaunchTemplateVersions {
		failed[aws.ToInt64(v.VersionNumber)] = v.ResponseError.Code
	}
	if !slices.Equal(deleted, []int64{2}) || len(failed) != 2 || failed[9] != ec2types.LaunchTemplateErrorCodeLaunchTemplateVersionDoesNotExist || failed[1] == "" {
		t.Errorf("deleted %v, failed %v; want 2 deleted, 1 (the default) and 9 (unknown) failed", deleted, failed)
	}
	list, err := c.ec2.DescribeLaunchTemplateVersions(t.Context(), &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: id})
	if err != nil {
		t.Fatalf("DescribeLaunchTemplateVersions: %v", err)
	}
	var left []int64
	for _, v := range list.LaunchTemplateVersions {
		left = append(left, aws.ToInt64(v.VersionNumber))
	}
	slices.Sort(left)
	if !slices.Equal(left, []int64{1, 3}) {
		t.Errorf("versions left %v, want [1 3]", left)
	}
	_, err = c.ec2.DescribeLaunchTemplateVersions(t.Context(), &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: id, Versions: []string{"2"}})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidLaunchTemplateId.VersionNotFound" {
		t.Errorf("DescribeLaunchTemplateVersions of the deleted version: %v, want InvalidLaunchTemplateId.VersionNotFound", err)
	}
	if n := newVersion(); n != 4 {
		t.Errorf("the next version is %d, want 4 (numbers are not reused)", n)
	}
	if _, err := c.ec2.DeleteLaunchTemplateVersions(t.Context(), &ec2.DeleteLaunchTemplateVersionsInput{LaunchTemplateId: id, Versions: []string{"4"}}); err != nil {
		t.Fatalf("DeleteLaunchTemplateVersions 4: %v", err)
	}
	tmpl, err := c.ec2.DescribeLaunchTemplates(t.Context(), &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{aws.ToString(id)}})
	if err != nil || aws.ToInt64(tmpl.LaunchTemplates[0].LatestVersionNumber) != 3 {
		t.Errorf("DescribeLaunchTemplates after deleting the newest: %v %v; want LatestVersionNumber 3", tmpl, err)
	}
}

// Patch ec2-resolve-ssm: a launch template whose ImageId is
// resolve:ssm:<the recommended AMI parameter> launches that AMI, shown by
// DescribeLaunchTemplateVersions with ResolveAlias; once a newer AMI is
// published, an instance refresh without a desired configuration replaces
// the instances with ones running it.
func TestEmulatorLaunchTemplateResolveSSM(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond)
	const param = "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id"
	vals, _ := ssmValues(t, c, []string{param})
	old := vals[param]
	lt, err := c.ec2.CreateLaunchTemplate(t.Context(), &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("nodes"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("resolve:ssm:" + param), InstanceType: ec2types.InstanceTypeM5Large}})
	if err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	for resolve, want := range map[bool]string{false: "resolve:ssm:" + param, true: old} {
		out, err := c.ec2.DescribeLaunchTemplateVersions(t.Context(), &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, ResolveAlias: aws.Bool(resolve)})
		if err != nil {
			t.Fatalf("DescribeLaunchTemplateVersions: %v", err)
		}
		if got := aws.ToString(out.LaunchTemplateVersions[0].LaunchTemplateData.ImageId); got != want {
			t.Errorf("DescribeLaunchTemplateVersions ResolveAlias=%v: ImageId %s, want %s", resolve, got, want)
		}
	}
	if _, err := c.asg.CreateAutoScalingGroup(t.Context(), &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String("nodes"), MinSize: aws.Int32(0), MaxSize: aws.Int32(4), DesiredCapacity: aws.Int32(2),
		AvailabilityZones: []string{"us-east-1a"}, LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId},
	}); err != nil {
		t.Fatalf("CreateAutoScalingGroup: %v", err)
	}
	images := func() []string {
		var out []string
		for _, i := range describeGroup(t, c, "nodes").Instances {
			out = append(out, aws.ToString(i.ImageId))
		}
		return out
	}
	if got := images(); !slices.Equal(got, []string{old, old}) {
		t.Errorf("instances run %v, want the recommended AMI %s", got, old)
	}
	id, _ := publishAMI(t, e, "1.31", "amazon-linux-2023/x86_64/standard")
	start, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String("nodes"), Preferences: &asgtypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(50)}})
	if err != nil {
		t.Fatalf("StartInstanceRefresh: %v", err)
	}
	if s := statuses(watchRefresh(t, c, "nodes", aws.ToString(start.InstanceRefreshId))); s[len(s)-1] != "Successful" {
		t.Fatalf("refresh statuses %v", s)
	}
	if got := images(); !slices.Equal(got, []string{id, id}) {
		t.Errorf("after publishing %s and a refresh the instances run %v", id, got)
	}
	_, err = c.ec2.RunInstances(t.Context(), &ec2.RunInstancesInput{ImageId: aws.String("resolve:ssm:/no/such/parameter"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidParameterValue" {
		t.Errorf("RunInstances with an unknown parameter: %v, want InvalidParameterValue", err)
	}
}

// Patch ec2-ami-must-exist: RunInstances of an AMI that is no image is
// InvalidAMIID.NotFound; of a recommended EKS AMI it runs.
func TestEmulatorRunInstancesUnknownAMI(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	_, err := c.ec2.RunInstances(t.Context(), &ec2.RunInstancesInput{ImageId: aws.String("ami-00000000000000001"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidAMIID.NotFound" {
		t.Errorf("RunInstances of an unknown AMI: %v, want InvalidAMIID.NotFound", err)
	}
	g := createRefreshGroup(t, c, "ok", 0)
	if _, err := c.ec2.RunInstances(t.Context(), &ec2.RunInstancesInput{ImageId: aws.String(g.amiV1), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}); err != nil {
		t.Errorf("RunInstances of %s: %v", g.amiV1, err)
	}
}

// Patch asg-activities: DescribeScalingActivities lists each launch and
// each instance refresh termination, newest first; a group whose template
// names an AMI that is no image is created with no instances and a Failed
// activity saying why; an instance refresh to such a version fails and
// keeps the old instances.
func TestEmulatorASGScalingActivities(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond)
	g := createRefreshGroup(t, c, "acts", 2)
	activities := func(group string) []asgtypes.Activity {
		t.Helper()
		out, err := c.asg.DescribeScalingActivities(t.Context(), &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String(group)})
		if err != nil {
			t.Fatalf("DescribeScalingActivities %s: %v", group, err)
		}
		return out.Activities
	}
	var launched []string
	for _, a := range activities("acts") {
		if a.StatusCode == asgtypes.ScalingActivityStatusCodeSuccessful && strings.HasPrefix(aws.ToString(a.Description), "Launching a new EC2 instance: ") {
			launched = append(launched, strings.TrimPrefix(aws.ToString(a.Description), "Launching a new EC2 instance: "))
		}
	}
	slices.Sort(launched)
	if want := slices.Sorted(slices.Values(g.instances)); !slices.Equal(launched, want) {
		t.Errorf("launch activities for %v, want one per instance %v", launched, want)
	}

	bad, err := c.ec2.CreateLaunchTemplateVersion(t.Context(), &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(g.ltID), SourceVersion: aws.String("1"), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-00000000000000bad")}})
	if err != nil {
		t.Fatalf("CreateLaunchTemplateVersion: %v", err)
	}
	badVersion := fmt.Sprint(aws.ToInt64(bad.LaunchTemplateVersion.VersionNumber))
	if _, err := c.asg.CreateAutoScalingGroup(t.Context(), &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String("broken"), MinSize: aws.Int32(0), MaxSize: aws.Int32(2), DesiredCapacity: aws.Int32(2), AvailabilityZones: []string{"us-east-1a"},
		LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String(badVersion)},
	}); err != nil {
		t.Fatalf("CreateAutoScalingGroup with an AMI that is no image: %v (AWS creates the group; its launches fail)", err)
	}
	grp := describeGroup(t, c, "broken")
	acts := activities("broken")
	if len(grp.Instances) != 0 || aws.ToInt32(grp.DesiredCapacity) != 2 || len(acts) == 0 || acts[0].StatusCode != asgtypes.ScalingActivityStatusCodeFailed ||
		!strings.Contains(aws.ToString(acts[0].StatusMessage), "ami-00000000000000bad") {
		t.Errorf("broken group: %d instances, desired %d, activities %+v; want none, 2, a Failed activity naming the AMI", len(grp.Instances), aws.ToInt32(grp.DesiredCapacity), acts)
	}

	start, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{
		AutoScalingGroupName: aws.String("acts"), Preferences: &asgtypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(50)},
		DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String(badVersion)}},
	})
	if err != nil {
		t.Fatalf("StartInstanceRefresh: %v", err)
	}
	watchRefresh(t, c, "acts", aws.ToString(start.InstanceRefreshId))
	r := describeRefresh(t, c, "acts", aws.ToString(start.InstanceRefreshId))
	var ids []string
	for _, i := range describeGroup(t, c, "acts").Instances {
		ids = append(ids, aws.ToString(i.InstanceId))
	}
	slices.Sort(ids)
	if r.Status != asgtypes.InstanceRefreshStatusFailed || !strings.Contains(aws.ToString(r.StatusReason), "ami-00000000000000bad") || !slices.Equal(ids, slices.Sorted(slices.Values(g.instances))) {
		t.Errorf("refresh to the broken version: %s (%s), instances %v; want Failed naming the AMI, the old instances %v", r.Status, aws.ToString(r.StatusReason), ids, g.instances)
	}

	// A successful refresh's terminations are activities too.
	start, err = c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{
		AutoScalingGroupName: aws.String("acts"), Preferences: &asgtypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(50)},
		DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("2")}},
	})
	if err != nil {
		t.Fatalf("StartInstanceRefresh: %v", err)
	}
	watchRefresh(t, c, "acts", aws.ToString(start.InstanceRefreshId))
	var terminated []string
	for _, a := range activities("acts") {
		if d := aws.ToString(a.Description); strings.HasPrefix(d, "Terminating EC2 instance: ") {
			terminated = append(terminated, strings.TrimPrefix(d, "Terminating EC2 instance: "))
		}
	}
	slices.Sort(terminated)
	if !slices.Equal(terminated, slices.Sorted(slices.Values(g.instances))) {
		t.Errorf("termination activities for %v, want the old instances %v", terminated, g.instances)
	}
}

// RollbackInstanceRefresh: a refresh half done is rolled back, the
// instances it launched replaced by ones of the group's version, progress
// going back to 0 (RollbackDetails); a refresh without a desired
// configuration is IrreversibleInstanceRefresh, none active
// ActiveInstanceRefreshNotFound; with AutoRollback a refresh whose launch
// fails rolls back by itself.
func TestEmulatorInstanceRefreshRollback(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 300*time.Millisecond)
	g := createRefreshGroup(t, c, "rb", 4)
	rollback := func() error {
		_, err := c.asg.RollbackInstanceRefresh(t.Context(), &autoscaling.RollbackInstanceRefreshInput{AutoScalingGroupName: aws.String("rb")})
		return err
	}
	wantErr[*asgtypes.ActiveInstanceRefreshNotFoundFault](t, "RollbackInstanceRefresh with none active", rollback())
	plain, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String("rb")})
	if err != nil {
		t.Fatalf("StartInstanceRefresh: %v", err)
	}
	wantErr[*asgtypes.IrreversibleInstanceRefreshFault](t, "RollbackInstanceRefresh without a desired configuration", rollback())
	if _, err := c.asg.CancelInstanceRefresh(t.Context(), &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String("rb"), WaitForTransitioningInstances: aws.Bool(false)}); err != nil {
		t.Fatalf("CancelInstanceRefresh: %v", err)
	}
	watchRefresh(t, c, "rb", aws.ToString(plain.InstanceRefreshId))

	start, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{
		AutoScalingGroupName: aws.String("rb"), Preferences: &asgtypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(75)},
		DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("2")}},
	})
	if err != nil {
		t.Fatalf("StartInstanceRefresh: %v", err)
	}
	id := aws.ToString(start.InstanceRefreshId)
	waitFor(t, "half the instances replaced", func() (bool, error) {
		r := describeRefresh(t, c, "rb", id)
		return r.Status == asgtypes.InstanceRefreshStatusInProgress && aws.ToInt32(r.PercentageComplete) >= 50, nil
	})
	if err := rollback(); err != nil {
		t.Fatalf("RollbackInstanceRefresh: %v", err)
	}
	samples := watchRefresh(t, c, "rb", id)
	if s := statuses(samples); s[0] != asgtypes.InstanceRefreshStatusRollbackInProgress || s[len(s)-1] != asgtypes.InstanceRefreshStatusRollbackSuccessful {
		t.Errorf("statuses after the rollback %v, want RollbackInProgress to RollbackSuccessful", s)
	}
	for _, s := range samples {
		if s.inService < 3 {
			t.Errorf("%d in service during the rollback (%+v), want at least 3 (75%% of 4)", s.inService, s)
		}
	}
	r := describeRefresh(t, c, "rb", id)
	if r.RollbackDetails == nil || aws.ToString(r.RollbackDetails.RollbackReason) == "" || aws.ToInt32(r.RollbackDetails.PercentageCompleteOnRollback) != 100 || aws.ToInt32(r.PercentageComplete) != 0 {
		t.Errorf("after the rollback: PercentageComplete %d, RollbackDetails %+v; want 0 and a reason, 100%% rolled back", aws.ToInt32(r.PercentageComplete), r.RollbackDetails)
	}
	grp := describeGroup(t, c, "rb")
	if aws.ToString(grp.LaunchTemplate.Version) != "1" || len(grp.Instances) != 4 {
		t.Errorf("group after the rollback: version %s, %d instances; want 1 and 4", aws.ToString(grp.LaunchTemplate.Version), len(grp.Instances))
	}
	for _, i := range grp.Instances {
		if aws.ToString(i.LaunchTemplate.Version) != "1" || aws.ToString(i.ImageId) != g.amiV1 {
			t.Errorf("instance %s after the rollback: version %s image %s; want 1 and %s", aws.ToString(i.InstanceId), aws.ToString(i.LaunchTemplate.Version), aws.ToString(i.ImageId), g.amiV1)
		}
	}

	// AutoRollback: the launches of version 3 fail (its AMI is no image).
	bad, err := c.ec2.CreateLaunchTemplateVersion(t.Context(), &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(g.ltID), SourceVersion: aws.String("1"), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-00000000000000bad")}})
	if err != nil {
		t.Fatalf("CreateLaunchTemplateVersion: %v", err)
	}
	auto, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{
		AutoScalingGroupName: aws.String("rb"), Preferences: &asgtypes.RefreshPreferences{AutoRollback: aws.Bool(true), MinHealthyPercentage: aws.Int32(50)},
		DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String(fmt.Sprint(aws.ToInt64(bad.LaunchTemplateVersion.VersionNumber)))}},
	})
	if err != nil {
		t.Fatalf("StartInstanceRefresh with AutoRollback: %v", err)
	}
	watchRefresh(t, c, "rb", aws.ToString(auto.InstanceRefreshId))
	r = describeRefresh(t, c, "rb", aws.ToString(auto.InstanceRefreshId))
	if r.Status != asgtypes.InstanceRefreshStatusRollbackSuccessful || r.RollbackDetails == nil || !strings.Contains(aws.ToString(r.RollbackDetails.RollbackReason), "ami-00000000000000bad") {
		t.Errorf("AutoRollback after a failed launch: %s, %+v; want RollbackSuccessful with the launch failure as reason", r.Status, r.RollbackDetails)
	}
}

// Patch eks-cluster-sg: a cluster on subnets EC2 has gets the subnets' VPC
// and a cluster security group that exists in EC2 (tagged as EKS tags it),
// which instances can be launched with; DeleteCluster deletes it. A cluster
// on subnets EC2 does not have keeps made-up ids.
func TestEmulatorClusterSecurityGroupInEC2(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	subnets := testVPC(t, c)
	sn, err := c.ec2.DescribeSubnets(t.Context(), &ec2.DescribeSubnetsInput{SubnetIds: subnets})
	if err != nil {
		t.Fatalf("DescribeSubnets: %v", err)
	}
	vpc := aws.ToString(sn.Subnets[0].VpcId)
	if err := createClusterWith(t, e, &eks.CreateClusterInput{Name: aws.String("sg"), Version: aws.String("1.31"), ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: subnets}}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	e.waitClusterStatus(t, "sg", "ACTIVE")
	rvc := describeCluster(t, e, "sg").ResourcesVpcConfig
	sgID := aws.ToString(rvc.ClusterSecurityGroupId)
	if aws.ToString(rvc.VpcId) != vpc {
		t.Errorf("vpcId %s, want the subnets' VPC %s", aws.ToString(rvc.VpcId), vpc)
	}
	groups, err := c.ec2.DescribeSecurityGroups(t.Context(), &ec2.DescribeSecurityGroupsInput{GroupIds: []string{sgID}})
	if err != nil || len(groups.SecurityGroups) != 1 {
		t.Fatalf("DescribeSecurityGroups %s: %v %v", sgID, groups, err)
	}
	sg := groups.SecurityGroups[0]
	tags := map[string]string{}
	for _, tag := range sg.Tags {
		tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	if aws.ToString(sg.VpcId) != vpc || !strings.HasPrefix(aws.ToString(sg.GroupName), "eks-cluster-sg-sg-") ||
		tags["aws:eks:cluster-name"] != "sg" || tags["kubernetes.io/cluster/sg"] != "owned" {
		t.Errorf("cluster security group %s in %s, tags %v; want eks-cluster-sg-sg-* in %s tagged for the cluster", aws.ToString(sg.GroupName), aws.ToString(sg.VpcId), tags, vpc)
	}
	g := createRefreshGroup(t, c, "ids", 0)
	if _, err := c.ec2.RunInstances(t.Context(), &ec2.RunInstancesInput{ImageId: aws.String(g.amiV1), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String(subnets[0]), SecurityGroupIds: []string{sgID}}); err != nil {
		t.Errorf("RunInstances with the cluster security group: %v", err)
	}

	createCluster(t, e, "fake", "1.31", true) // on testSubnets, which EC2 does not have
	if id := aws.ToString(describeCluster(t, e, "fake").ResourcesVpcConfig.ClusterSecurityGroupId); !strings.HasPrefix(id, "sg-") {
		t.Errorf("cluster on made-up subnets: security group %q, want a made-up sg- id", id)
	}

	// Deleted with the cluster once nothing uses it.
	if err := createClusterWith(t, e, &eks.CreateClusterInput{Name: aws.String("gone"), Version: aws.String("1.31"), ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: subnets}}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	e.waitClusterStatus(t, "gone", "ACTIVE")
	goneSG := aws.ToString(describeCluster(t, e, "gone").ResourcesVpcConfig.ClusterSecurityGroupId)
	if _, err := e.eks.DeleteCluster(t.Context(), &eks.DeleteClusterInput{Name: aws.String("gone")}); err != nil {
		t.Fatalf("DeleteCluster: %v", err)
	}
	e.waitClusterStatus(t, "gone", "")
	_, err = c.ec2.DescribeSecurityGroups(t.Context(), &ec2.DescribeSecurityGroupsInput{GroupIds: []string{goneSG}})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidGroup.NotFound" {
		t.Errorf("the deleted cluster's security group: %v, want InvalidGroup.NotFound", err)
	}
}

// Patch ec2-lt-not-found: a launch template that does not exist is an
// error by ID and by name, for DescribeLaunchTemplates and
// DeleteLaunchTemplate alike (the observe step sees "not found", never an
// empty answer it could take for one).
func TestEmulatorLaunchTemplateNotFound(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	code := func(err error) string {
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) {
			return apiErr.ErrorCode()
		}
		return fmt.Sprint(err)
	}
	const byID, byName = "InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateName.NotFoundException"
	_, err := c.ec2.DescribeLaunchTemplates(t.Context(), &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{"lt-0123456789abcdef0"}})
	if got := code(err); got != byID {
		t.Errorf("DescribeLaunchTemplates of an unknown ID: %s, want %s", got, byID)
	}
	_, err = c.ec2.DescribeLaunchTemplates(t.Context(), &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{"nope"}})
	if got := code(err); got != byName {
		t.Errorf("DescribeLaunchTemplates of an unknown name: %s, want %s", got, byName)
	}
	_, err = c.ec2.DeleteLaunchTemplate(t.Context(), &ec2.DeleteLaunchTemplateInput{LaunchTemplateName: aws.String("nope")})
	if got := code(err); got != byName {
		t.Errorf("DeleteLaunchTemplate of an unknown name: %s, want %s", got, byName)
	}
	_, err = c.ec2.DeleteLaunchTemplate(t.Context(), &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String("lt-0123456789abcdef0")})
	if got := code(err); got != byID {
		t.Errorf("DeleteLaunchTemplate of an unknown ID: %s, want %s", got, byID)
	}
	lt, err := c.ec2.CreateLaunchTemplate(t.Context(), &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("here"), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{}})
	if err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	out, err := c.ec2.DescribeLaunchTemplates(t.Context(), &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{aws.ToString(lt.LaunchTemplate.LaunchTemplateId)}})
	if err != nil || len(out.LaunchTemplates) != 1 {
		t.Errorf("DescribeLaunchTemplates of an existing ID: %v %v", out, err)
	}
	if _, err := c.ec2.DeleteLaunchTemplate(t.Context(), &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId}); err != nil {
		t.Errorf("DeleteLaunchTemplate: %v", err)
	}
}

// Patch ec2-lt-version-user-data: a launch template version made by
// CreateLaunchTemplateVersion with user data launches (moto kept the user
// data undecoded, and every launch from such a version failed), and
// describes its user data as given.
func TestEmulatorLaunchTemplateVersionUserData(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	subnets := testVPC(t, c)
	vals, _ := ssmValues(t, c, []string{"/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/image_id"})
	ami := vals["/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/image_id"]
	lt, err := c.ec2.CreateLaunchTemplate(t.Context(), &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("ud-nodes"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String(ami), InstanceType: ec2types.InstanceTypeM5Large}})
	if err != nil {
		t.Fatal(err)
	}
	const ud = "IyEvYmluL2Jhc2gKZWNobyBoaQo=" // #!/bin/bash\necho hi\n
	if _, err := c.ec2.CreateLaunchTemplateVersion(t.Context(), &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId,
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String(ami), InstanceType: ec2types.InstanceTypeM5Large, UserData: aws.String(ud)}}); err != nil {
		t.Fatal(err)
	}
	vs, err := c.ec2.DescribeLaunchTemplateVersions(t.Context(), &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Versions: []string{"2"}})
	if err != nil || len(vs.LaunchTemplateVersions) != 1 {
		t.Fatalf("DescribeLaunchTemplateVersions: %v %v", vs, err)
	}
	if got := aws.ToString(vs.LaunchTemplateVersions[0].LaunchTemplateData.UserData); got != ud {
		t.Errorf("version 2 describes user data %q, want %q", got, ud)
	}
	if _, err := c.asg.CreateAutoScalingGroup(t.Context(), &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String("ud-group"), MinSize: aws.Int32(0), MaxSize: aws.Int32(2), DesiredCapacity: aws.Int32(1),
		VPCZoneIdentifier: aws.String(subnets[0]),
		LaunchTemplate:    &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: aws.String("2")},
	}); err != nil {
		t.Fatalf("CreateAutoScalingGroup from a version with user data: %v", err)
	}
	if g := describeGroup(t, c, "ud-group"); len(g.Instances) != 1 {
		t.Errorf("the group launched %d instances from the version with user data, want 1", len(g.Instances))
	}
}

// A refresh that launches before it terminates, cancelled while it holds
// an old instance back, leaves the group above its desired capacity; Auto
// Scaling terminates the surplus, the old instance first (the default
// termination policy), so the group is back at its desired capacity.
func TestEmulatorInstanceRefreshCancelDropsSurplus(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := newClients11(e)
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, time.Second)
	g := createRefreshGroup(t, c, "surplus", 2)
	start, err := c.asg.StartInstanceRefresh(t.Context(), &autoscaling.StartInstanceRefreshInput{
		AutoScalingGroupName: aws.String(g.name),
		Preferences:          &asgtypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(100), MaxHealthyPercentage: aws.Int32(150)},
		DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.ltID), Version: aws.String("2")}},
	})
	if err != nil {
		t.Fatalf("StartInstanceRefresh: %v", err)
	}
	waitFor(t, "a third instance", func() (bool, error) { return len(describeGroup(t, c, g.name).Instances) == 3, nil })
	if _, err := c.asg.CancelInstanceRefresh(t.Context(), &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String(g.name)}); err != nil {
		t.Fatalf("CancelInstanceRefresh: %v", err)
	}
	waitFor(t, "the refresh cancelled and the group at 2 instances", func() (bool, error) {
		r := describeRefresh(t, c, g.name, aws.ToString(start.InstanceRefreshId))
		return r.Status == asgtypes.InstanceRefreshStatusCancelled && len(describeGroup(t, c, g.name).Instances) == 2, nil
	})
	var kept []string
	for _, i := range describeGroup(t, c, g.name).Instances {
		kept = append(kept, aws.ToString(i.InstanceId))
	}
	if !slices.ContainsFunc(kept, func(id string) bool { return !slices.Contains(g.instances, id) }) {
		t.Errorf("after the cancel the group keeps %v, only old instances %v: the new one should stay", kept, g.instances)
	}
}

package integration

// Launch templates and self-managed node groups through the binary, against
// the emulator's EC2, Auto Scaling, SSM and IAM: a managed node group with
// a launch template and a GPU self-managed group apply from nothing and
// re-plan empty; a label change rolls the self-managed group through an
// instance refresh that never drops below the allowed capacity; an upgrade
// rolls it after the control plane; an interrupted refresh is finished by
// the next apply; destroy leaves nothing behind. Checked with the SDK.

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// gpuConfig is a cluster on subnets, with a managed group on a launch
// template (extra security group sg) and a GPU self-managed group whose
// nodes carry label.
func gpuConfig(name, version string, subnets []string, sg, label string) string {
	return fmt.Sprintf(`cluster %q {
  region  = "us-east-1"
  version = %q

  vpc {
    subnet_ids = [%q, %q]
  }

  access {
    authentication_mode = "API"
  }

  node_group "general" {
    scaling {
      min_size = 1
      max_size = 3
    }
    launch_template {
      security_group_ids   = [%q]
      metadata_http_tokens = "required"
      metadata_hop_limit   = 2
      root_volume {
        size = 50
      }
    }
  }

  self_managed_node_group "gpu" {
    instance_types = ["g5.xlarge"]
    ami_family     = "AL2023_x86_64_NVIDIA"
    labels         = { tier = %q }

    taint {
      key    = "nvidia.com/gpu"
      effect = "NO_SCHEDULE"
    }

    scaling {
      min_size     = 0
      max_size     = 6
      desired_size = 4
    }

    update {
      max_unavailable_percentage = 25
    }
  }
}
`, name, version, subnets[0], subnets[1], sg, label)
}

// gpuFixture is an emulator with a VPC of two subnets and a security group
// of its own in it, and a cluster name starting with prefix.
func gpuFixture(t *testing.T, prefix string) (e *env, c clients11, name string, subnets []string, sg string) {
	t.Helper()
	e = newEnv(t)
	e.requireMoto(t)
	c = newClients11(e)
	name = e.uniqueName(prefix)
	subnets = testVPC(t, c)
	out, err := c.ec2.CreateSecurityGroup(t.Context(), &ec2.CreateSecurityGroupInput{GroupName: aws.String(name + "-extra"), Description: aws.String("extra"),
		VpcId: vpcOf(t, c, subnets[0])})
	if err != nil {
		t.Fatal(err)
	}
	return e, c, name, subnets, aws.ToString(out.GroupId)
}

// asgOf describes the cluster's self-managed group gpu.
func asgOf(t *testing.T, c clients11, cluster string) *asgtypes.AutoScalingGroup {
	t.Helper()
	out, err := c.asg.DescribeAutoScalingGroups(t.Context(), &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"eksctl-lite-" + cluster + "-gpu"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.AutoScalingGroups) == 0 {
		return nil
	}
	return &out.AutoScalingGroups[0]
}

// templateOf is the latest version of a launch template, nil if none.
func templateOf(t *testing.T, c clients11, name string) *ec2types.LaunchTemplateVersion {
	t.Helper()
	out, err := c.ec2.DescribeLaunchTemplateVersions(t.Context(), &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateName: aws.String(name), Versions: []string{"$Latest"}})
	if err != nil {
		if strings.Contains(err.Error(), "NotFound") {
			return nil
		}
		t.Fatal(err)
	}
	return &out.LaunchTemplateVersions[0]
}

func TestSelfManagedAndLaunchTemplateLifecycle(t *testing.T) {
	e, c, name, subnets, sg := gpuFixture(t, "gpu")
	dir := configDir(t)
	writeHCL(t, dir, gpuConfig(name, "1.34", subnets, sg, "a"))

	// From nothing.
	mustApply(t, e, dir)
	requireNoChanges(t, e, dir, "creating a launch template node group and a self-managed group")

	ng, err := e.eks.DescribeNodegroup(t.Context(), &eks.DescribeNodegroupInput{ClusterName: aws.String(name), NodegroupName: aws.String("general")})
	if err != nil {
		t.Fatal(err)
	}
	if lt := ng.Nodegroup.LaunchTemplate; lt == nil || aws.ToString(lt.Name) != "eksctl-lite-"+name+"-ng-general" || ng.Nodegroup.DiskSize != nil {
		t.Errorf("managed group launches from %+v with disk size %v; want eksctl-lite's template and no disk size", lt, ng.Nodegroup.DiskSize)
	}
	mt := templateOf(t, c, "eksctl-lite-"+name+"-ng-general")
	if mt == nil {
		t.Fatal("the managed group's template does not exist")
	}
	md := mt.LaunchTemplateData
	cl, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	clusterSG := aws.ToString(cl.Cluster.ResourcesVpcConfig.ClusterSecurityGroupId)
	if md.MetadataOptions == nil || md.MetadataOptions.HttpTokens != ec2types.LaunchTemplateHttpTokensStateRequired || aws.ToInt32(md.MetadataOptions.HttpPutResponseHopLimit) != 2 ||
		!slices.Equal(md.SecurityGroupIds, []string{clusterSG, sg}) || len(md.BlockDeviceMappings) != 1 || aws.ToInt32(md.BlockDeviceMappings[0].Ebs.VolumeSize) != 50 {
		t.Errorf("managed group's template: metadata %+v, security groups %v (want %s, %s), volumes %+v", md.MetadataOptions, md.SecurityGroupIds, clusterSG, sg, md.BlockDeviceMappings)
	}

	g := asgOf(t, c, name)
	if g == nil {
		t.Fatal("the self-managed group's Auto Scaling group does not exist")
	}
	tags := map[string]string{}
	for _, tg := range g.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	for k, v := range map[string]string{"kubernetes.io/cluster/" + name: "owned", "k8s.io/cluster-autoscaler/enabled": "true", "k8s.io/cluster-autoscaler/" + name: "owned",
		"k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu": ":NoSchedule", "eksctl-lite/cluster": name} {
		if tags[k] != v {
			t.Errorf("group tag %s = %q, want %q", k, tags[k], v)
		}
	}
	if len(g.Instances) != 4 {
		t.Errorf("group has %d instances, want 4", len(g.Instances))
	}
	st := templateOf(t, c, "eksctl-lite-"+name+"-smng-gpu")
	if st == nil {
		t.Fatal("the self-managed group's template does not exist")
	}
	sd := st.LaunchTemplateData
	want, _ := ssmValues(t, c, []string{"/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/nvidia/recommended/image_id"})
	if got := aws.ToString(sd.ImageId); got == "" || got != want["/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/nvidia/recommended/image_id"] {
		t.Errorf("self-managed template AMI %q, want the recommended NVIDIA AMI %v", got, want)
	}
	if sd.IamInstanceProfile == nil || aws.ToString(sd.IamInstanceProfile.Name) == "" {
		t.Fatalf("self-managed template has no instance profile: %+v", sd.IamInstanceProfile)
	}
	profile, err := e.iam.GetInstanceProfile(t.Context(), &iam.GetInstanceProfileInput{InstanceProfileName: sd.IamInstanceProfile.Name})
	if err != nil {
		t.Fatal(err)
	}
	if len(profile.InstanceProfile.Roles) != 1 {
		t.Fatalf("instance profile holds %d roles, want the node role", len(profile.InstanceProfile.Roles))
	}
	nodeRole := aws.ToString(profile.InstanceProfile.Roles[0].Arn)
	entry, err := e.eks.DescribeAccessEntry(t.Context(), &eks.DescribeAccessEntryInput{ClusterName: aws.String(name), PrincipalArn: aws.String(nodeRole)})
	if err != nil {
		t.Fatalf("no access entry for the node role %s: %v", nodeRole, err)
	}
	if aws.ToString(entry.AccessEntry.Type) != "EC2_LINUX" {
		t.Errorf("node role's access entry is %s, want EC2_LINUX", aws.ToString(entry.AccessEntry.Type))
	}
	ud := decodeB64(t, aws.ToString(sd.UserData))
	for _, s := range []string{"apiServerEndpoint: " + aws.ToString(cl.Cluster.Endpoint), "--node-labels=tier=a", "--register-with-taints=nvidia.com/gpu:NoSchedule"} {
		if !strings.Contains(ud, s) {
			t.Errorf("self-managed user data lacks %q:\n%s", s, ud)
		}
	}

	// A label change: a new template version, rolled out by an instance
	// refresh that keeps at least 75%% of the 4 nodes (3) in service.
	writeHCL(t, dir, gpuConfig(name, "1.34", subnets, sg, "b"))
	r := e.run(t, dir, "plan")
	for _, s := range []string{"CreateLaunchTemplateVersion", "StartInstanceRefresh", "--node-labels=tier=b"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("plan of a label change lacks %q:\n%s", s, r.stdout)
		}
	}
	low := sampleInService(t, c, name, func() { mustApply(t, e, dir) })
	if low < 3 {
		t.Errorf("during the refresh, %d instances were in service; the update settings allow no fewer than 3", low)
	}
	requireNoChanges(t, e, dir, "a label change")
	g = asgOf(t, c, name)
	latest := templateOf(t, c, "eksctl-lite-"+name+"-smng-gpu")
	for _, i := range g.Instances {
		if i.LaunchTemplate == nil || aws.ToString(i.LaunchTemplate.Version) != fmt.Sprint(aws.ToInt64(latest.VersionNumber)) {
			t.Errorf("instance %s launched from %+v, want version %d", aws.ToString(i.InstanceId), i.LaunchTemplate, aws.ToInt64(latest.VersionNumber))
		}
	}

	// Destroy: nothing left.
	r = e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if g := asgOf(t, c, name); g != nil {
		t.Errorf("destroy left the Auto Scaling group (%d instances)", len(g.Instances))
	}
	for _, lt := range []string{"eksctl-lite-" + name + "-ng-general", "eksctl-lite-" + name + "-smng-gpu"} {
		if templateOf(t, c, lt) != nil {
			t.Errorf("destroy left launch template %s", lt)
		}
	}
	if _, err := e.iam.GetInstanceProfile(t.Context(), &iam.GetInstanceProfileInput{InstanceProfileName: sd.IamInstanceProfile.Name}); err == nil {
		t.Errorf("destroy left instance profile %s", aws.ToString(sd.IamInstanceProfile.Name))
	}
	running, err := c.ec2.DescribeInstances(t.Context(), &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:eksctl-lite/cluster"), Values: []string{name}}, {Name: aws.String("instance-state-name"), Values: []string{"pending", "running"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range running.Reservations {
		for _, i := range res.Instances {
			t.Errorf("destroy left instance %s running", aws.ToString(i.InstanceId))
		}
	}
}

// sampleInService runs f while sampling the group's instances in service,
// and returns the fewest seen once a refresh had started (4 if none did).
func sampleInService(t *testing.T, c clients11, cluster string, f func()) int {
	t.Helper()
	var mu sync.Mutex
	low, refreshed := 1<<30, false
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			out, err := c.asg.DescribeInstanceRefreshes(t.Context(), &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String("eksctl-lite-" + cluster + "-gpu")})
			if err != nil || len(out.InstanceRefreshes) == 0 || out.InstanceRefreshes[0].Status != asgtypes.InstanceRefreshStatusInProgress {
				continue
			}
			g, err := c.asg.DescribeAutoScalingGroups(t.Context(), &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"eksctl-lite-" + cluster + "-gpu"}})
			if err != nil || len(g.AutoScalingGroups) == 0 {
				continue
			}
			n := 0
			for _, i := range g.AutoScalingGroups[0].Instances {
				if i.LifecycleState == asgtypes.LifecycleStateInService {
					n++
				}
			}
			mu.Lock()
			refreshed = true
			low = min(low, n)
			mu.Unlock()
		}
	}()
	f()
	close(stop)
	<-done
	mu.Lock()
	defer mu.Unlock()
	if !refreshed {
		t.Error("no instance refresh was seen in progress")
		return 4
	}
	return low
}

// vpcOf is the VPC of a subnet.
func vpcOf(t *testing.T, c clients11, subnet string) *string {
	t.Helper()
	out, err := c.ec2.DescribeSubnets(t.Context(), &ec2.DescribeSubnetsInput{SubnetIds: []string{subnet}})
	if err != nil || len(out.Subnets) != 1 {
		t.Fatalf("DescribeSubnets %s: %v", subnet, err)
	}
	return out.Subnets[0].VpcId
}

// decodeB64 is launch template user data as text.
func decodeB64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("user data is not base64: %v", err)
	}
	return string(b)
}

// A 1.34 -> 1.35 upgrade rolls the self-managed group to the 1.35 AMI
// after the control plane; an apply interrupted during that refresh
// cancels it, and the next apply finishes it.
func TestSelfManagedUpgradeAndInterruptedRefresh(t *testing.T) {
	e, c, name, subnets, sg := gpuFixture(t, "gpuup")
	dir := configDir(t)
	writeHCL(t, dir, gpuConfig(name, "1.34", subnets, sg, "a"))
	mustApply(t, e, dir)

	// The upgrade, with updates slow enough to interrupt the refresh.
	writeHCL(t, dir, gpuConfig(name, "1.35", subnets, sg, "a"))
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 1500*time.Millisecond)
	e.clearCalls(t)
	p := e.start(t, dir, "apply", "--auto-approve")
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	group := "eksctl-lite-" + name + "-gpu"
	waitFor(t, "an instance refresh of "+group+" in progress", func() (bool, error) {
		select {
		case err := <-exited:
			return false, fmt.Errorf("apply ended before the refresh (%v)\nstdout:\n%s\nstderr:\n%s", err, p.stdout.String(), p.stderr.String())
		default:
		}
		out, err := c.asg.DescribeInstanceRefreshes(t.Context(), &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(group)})
		if err != nil {
			return false, err
		}
		return len(out.InstanceRefreshes) > 0 && out.InstanceRefreshes[0].Status == asgtypes.InstanceRefreshStatusInProgress, nil
	})
	// The control plane was upgraded before the refresh began.
	var order []string
	for _, call := range e.calls(t) {
		if call.Operation == "UpdateClusterVersion" || call.Operation == "StartInstanceRefresh" {
			order = append(order, call.Operation)
		}
	}
	if !slices.Equal(order, []string{"UpdateClusterVersion", "StartInstanceRefresh"}) {
		t.Errorf("calls in order %v, want the control plane's upgrade before the group's refresh", order)
	}
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := <-exited
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("interrupted apply: %v, want exit status 130\nstdout:\n%s\nstderr:\n%s", err, p.stdout.String(), p.stderr.String())
	}
	out, err := c.asg.DescribeInstanceRefreshes(t.Context(), &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(group)})
	if err != nil {
		t.Fatal(err)
	}
	if st := out.InstanceRefreshes[0].Status; st != asgtypes.InstanceRefreshStatusCancelled && st != asgtypes.InstanceRefreshStatusCancelling {
		t.Errorf("after the interrupt the refresh is %s, want it cancelled", st)
	}

	// One more apply finishes the job.
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond)
	mustApply(t, e, dir)
	requireNoChanges(t, e, dir, "an interrupted refresh and one more apply")
	vals, _ := ssmValues(t, c, []string{"/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/nvidia/recommended/image_id"})
	want := vals["/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/nvidia/recommended/image_id"]
	latest := templateOf(t, c, "eksctl-lite-"+name+"-smng-gpu")
	if got := aws.ToString(latest.LaunchTemplateData.ImageId); got != want {
		t.Errorf("template AMI after the upgrade %s, want the 1.35 NVIDIA AMI %s", got, want)
	}
	g := asgOf(t, c, name)
	if len(g.Instances) != 4 {
		t.Errorf("%d instances after the upgrade, want 4", len(g.Instances))
	}
	for _, i := range g.Instances {
		if aws.ToString(i.LaunchTemplate.Version) != fmt.Sprint(aws.ToInt64(latest.VersionNumber)) {
			t.Errorf("instance %s still runs version %s", aws.ToString(i.InstanceId), aws.ToString(i.LaunchTemplate.Version))
		}
	}
	r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

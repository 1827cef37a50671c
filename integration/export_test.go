package integration

// export through the binary: a cluster made out of band with the SDK (a
// cluster, a managed node group, a Fargate profile, roles), exported,
// planned with --adopt (only ownership tags change), applied, re-planned
// empty.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestExportAdopt(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("outofband")
	ctx := t.Context()
	role := func(n, service string) string {
		out, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(n),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Role.Arn)
	}
	clusterRole, nodeRole, podRole := role(name+"-cluster", "eks.amazonaws.com"), role(name+"-node", "ec2.amazonaws.com"), role(name+"-pods", "eks-fargate-pods.amazonaws.com")
	subnets := []string{"subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"}
	if _, err := e.eks.CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String(name), RoleArn: aws.String(clusterRole), Version: aws.String("1.33"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: subnets}, Tags: map[string]string{"team": "web"}}); err != nil {
		t.Fatal(err)
	}
	e.waitClusterStatus(t, name, "ACTIVE")
	if _, err := e.eks.CreateNodegroup(ctx, &eks.CreateNodegroupInput{ClusterName: aws.String(name), NodegroupName: aws.String("workers"), NodeRole: aws.String(nodeRole),
		Subnets: subnets, InstanceTypes: []string{"m6i.large"}, AmiType: ekstypes.AMITypesAl2023X8664Standard, DiskSize: aws.Int32(50),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(1), MaxSize: aws.Int32(4), DesiredSize: aws.Int32(2)},
		Labels:        map[string]string{"tier": "web"}, Tags: map[string]string{"team": "web"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eks.CreateFargateProfile(ctx, &eks.CreateFargateProfileInput{ClusterName: aws.String(name), FargateProfileName: aws.String("batch"),
		PodExecutionRoleArn: aws.String(podRole), Subnets: subnets[:1], Selectors: []ekstypes.FargateProfileSelector{{Namespace: aws.String("batch")}}}); err != nil {
		t.Fatal(err)
	}
	e.waitNodegroupStatus(t, name, "workers", "ACTIVE")
	e.waitFargateStatus(t, name, "batch", "ACTIVE")

	dir := configDir(t)
	if r := e.run(t, dir, "export", "--cluster", name, "--region", "us-east-1", "--out", filepath.Join(dir, "main.hcl")); r.code != 0 {
		t.Fatalf("export exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	src, _ := os.ReadFile(filepath.Join(dir, "main.hcl"))
	if r := e.run(t, dir, "fmt", "--check"); r.code != 0 {
		t.Errorf("the export is not formatted as fmt formats it:\n%s\n%s", r.stdout, src)
	}
	if r := e.run(t, dir, "plan"); r.code != 1 || !strings.Contains(r.stderr, "--adopt") {
		t.Errorf("plan without --adopt exited %d, want 1 pointing at --adopt\n%s", r.code, r.stderr)
	}
	r := e.run(t, dir, "plan", "--adopt", "--json")
	if r.code != 0 {
		t.Fatalf("plan --adopt exited %d\n%s\n%s\n%s", r.code, r.stdout, r.stderr, src)
	}
	var plan struct {
		Changes []struct {
			Address string `json:"address"`
			Extra   struct {
				Action string `json:"action"`
				Diffs  []struct {
					Path string `json:"path"`
				} `json:"diffs"`
			} `json:"eksctl_lite"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatal(err)
	}
	changed := map[string]bool{}
	for _, ch := range plan.Changes {
		if ch.Extra.Action == "no-op" {
			continue
		}
		changed[ch.Address] = true
		if ch.Extra.Action != "update" {
			t.Errorf("%s: %s, want an update of its tags", ch.Address, ch.Extra.Action)
		}
		for _, d := range ch.Extra.Diffs {
			if d.Path != "tags" {
				t.Errorf("%s changes %s; adopting an export should change only tags\n%s", ch.Address, d.Path, src)
			}
		}
	}
	for _, want := range []string{"cluster." + name, "cluster." + name + ".node_group.workers", "cluster." + name + ".fargate_profile.batch"} {
		if !changed[want] {
			t.Errorf("plan --adopt does not adopt %s: %v", want, changed)
		}
	}
	mustApply(t, e, dir, "--adopt")
	requireNoChanges(t, e, dir, "adopting the export")
	if r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

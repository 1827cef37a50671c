package integration

// Issue 13 through the binary: EKS Auto Mode (created, enabled and disabled
// in place, a partial block refused) and the AWS Load Balancer Controller
// (its role with AWS's policy, its Pod Identity association, the subnet
// warnings and tags), checked with the SDK against the emulator.

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

// lbVPC makes a VPC with a public subnet (its own route table, default
// route to an internet gateway, tagged for internet-facing load balancers)
// and a private one (the main route table, untagged).
func lbVPC(t *testing.T, e *env) (c clients11, vpc, public, private string) {
	t.Helper()
	c = newClients11(e)
	subnets := testVPC(t, c)
	public, private = subnets[0], subnets[1]
	out, err := c.ec2.DescribeSubnets(t.Context(), &ec2.DescribeSubnetsInput{SubnetIds: []string{public}})
	if err != nil {
		t.Fatal(err)
	}
	vpc = aws.ToString(out.Subnets[0].VpcId)
	igw, err := c.ec2.CreateInternetGateway(t.Context(), &ec2.CreateInternetGatewayInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ec2.AttachInternetGateway(t.Context(), &ec2.AttachInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId, VpcId: aws.String(vpc)}); err != nil {
		t.Fatal(err)
	}
	rt, err := c.ec2.CreateRouteTable(t.Context(), &ec2.CreateRouteTableInput{VpcId: aws.String(vpc)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ec2.CreateRoute(t.Context(), &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw.InternetGateway.InternetGatewayId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ec2.AssociateRouteTable(t.Context(), &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: aws.String(public)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ec2.CreateTags(t.Context(), &ec2.CreateTagsInput{Resources: []string{public}, Tags: []ec2types.Tag{{Key: aws.String("kubernetes.io/role/elb"), Value: aws.String("1")}}}); err != nil {
		t.Fatal(err)
	}
	return c, vpc, public, private
}

func subnetTags(t *testing.T, c clients11, id string) map[string]string {
	t.Helper()
	out, err := c.ec2.DescribeSubnets(t.Context(), &ec2.DescribeSubnetsInput{SubnetIds: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	for _, tg := range out.Subnets[0].Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return tags
}

// autoModeLive reads the cluster's three Auto Mode settings.
func autoModeLive(t *testing.T, e *env, name string) (compute, storage, elb bool, pools []string) {
	t.Helper()
	out, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	cl := out.Cluster
	if cl.ComputeConfig != nil {
		compute, pools = aws.ToBool(cl.ComputeConfig.Enabled), cl.ComputeConfig.NodePools
	}
	storage = cl.StorageConfig != nil && cl.StorageConfig.BlockStorage != nil && aws.ToBool(cl.StorageConfig.BlockStorage.Enabled)
	elb = cl.KubernetesNetworkConfig != nil && cl.KubernetesNetworkConfig.ElasticLoadBalancing != nil && aws.ToBool(cl.KubernetesNetworkConfig.ElasticLoadBalancing.Enabled)
	return
}

func autoModeUpdates(t *testing.T, e *env, name string) int {
	t.Helper()
	ups, err := e.eks.ListUpdates(t.Context(), &eks.ListUpdatesInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, id := range ups.UpdateIds {
		if u := e.waitUpdate(t, name, "", id); u.Type == ekstypes.UpdateTypeAutoModeUpdate {
			n++
		}
	}
	return n
}

// An Auto Mode cluster applies and re-plans empty; a cluster enables Auto
// Mode in place and disables it again, one AutoModeUpdate each; the
// managed roles follow.
func TestAutoMode(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t) // the subnets are EC2's
	c, _, public, private := lbVPC(t, e)
	name := e.uniqueName("auto")
	dir := copyExample(t, e, "minimal", name)
	edit(t, dir, `["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]`, `["`+public+`", "`+private+`"]`)
	edit(t, dir, `  region = "us-east-1"`, `  region = "us-east-1"
  auto_mode { enabled = true }`)
	r := e.run(t, dir, "plan", "--no-color")
	if r.code != 0 {
		t.Fatalf("plan exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{`auto_mode.enabled               = true`, `runs Auto Mode beside other compute`, `Subnet ` + private + ` of cluster`} {
		if !strings.Contains(r.stdout+r.stderr, want) {
			t.Errorf("plan lacks %q:\n%s\n%s", want, r.stdout, r.stderr)
		}
	}
	mustApply(t, e, dir)
	if compute, storage, elb, pools := autoModeLive(t, e, name); !compute || !storage || !elb || !cmp.Equal(pools, []string{"general-purpose", "system"}) {
		t.Fatalf("created with compute %v storage %v elb %v pools %v", compute, storage, elb, pools)
	}
	nodeRole, err := e.iam.ListAttachedRolePolicies(t.Context(), &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(provision.AutoModeNodeRoleName(name, "us-east-1"))})
	if err != nil {
		t.Fatalf("the Auto Mode node role: %v", err)
	}
	var got []string
	for _, p := range nodeRole.AttachedPolicies {
		got = append(got, aws.ToString(p.PolicyName))
	}
	slices.Sort(got)
	if d := cmp.Diff([]string{"AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodeMinimalPolicy"}, got); d != "" {
		t.Errorf("Auto Mode node role policies (-want +got):\n%s", d)
	}
	requireNoChanges(t, e, dir, "creating an Auto Mode cluster")

	// Disabled in place, and enabled again.
	edit(t, dir, `auto_mode { enabled = true }`, `auto_mode { enabled = false }`)
	mustApply(t, e, dir)
	if compute, storage, elb, pools := autoModeLive(t, e, name); compute || storage || elb || len(pools) != 0 {
		t.Fatalf("disabled: compute %v storage %v elb %v pools %v", compute, storage, elb, pools)
	}
	if _, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(provision.AutoModeNodeRoleName(name, "us-east-1"))}); err == nil {
		t.Error("disabling left the managed Auto Mode node role")
	}
	requireNoChanges(t, e, dir, "disabling Auto Mode")
	edit(t, dir, `auto_mode { enabled = false }`, `auto_mode {
    enabled    = true
    node_pools = ["system"]
  }`)
	mustApply(t, e, dir)
	if compute, _, _, pools := autoModeLive(t, e, name); !compute || !cmp.Equal(pools, []string{"system"}) {
		t.Fatalf("enabled again: compute %v pools %v", compute, pools)
	}
	requireNoChanges(t, e, dir, "enabling Auto Mode on a running cluster")
	if n := autoModeUpdates(t, e, name); n != 2 {
		t.Errorf("%d AutoModeUpdates, want 2 (disable, enable)", n)
	}
	_ = c
	if r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// A partial Auto Mode block is a validation error naming the file and line.
func TestAutoModePartialBlock(t *testing.T) {
	e := newEnv(t)
	dir := copyExample(t, e, "minimal", e.uniqueName("partial"))
	edit(t, dir, `  region = "us-east-1"`, `  region = "us-east-1"
  auto_mode {
    enabled    = false
    node_pools = ["system"]
  }`)
	r := e.run(t, dir, "validate", "--no-color")
	if r.code != 1 || !strings.Contains(r.stderr, "Node pools on a disabled Auto Mode") || !strings.Contains(r.stderr, "main.hcl:") {
		t.Fatalf("validate exited %d, want 1 with the partial block named\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// The Load Balancer Controller: its role has exactly AWS's policy and Pod
// Identity's trust, its association is for kube-system/
// aws-load-balancer-controller; the plan warns about the untagged private
// subnet, and with tag_subnets tags it (and only it), removing the tag
// again when tag_subnets is turned off; apply prints the helm command.
func TestLoadBalancerController(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c, vpc, public, private := lbVPC(t, e)
	name := e.uniqueName("lbc")
	dir := copyExample(t, e, "minimal", name)
	edit(t, dir, `["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]`, `["`+public+`", "`+private+`"]`)
	edit(t, dir, `  region = "us-east-1"`, `  region = "us-east-1"
  load_balancer_controller {}
  addon "eks-pod-identity-agent" {}`)
	r := e.run(t, dir, "plan", "--no-color")
	if r.code != 0 {
		t.Fatalf("plan exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	warn := "Subnet " + private + ` of cluster "` + name + `" has no kubernetes.io/role/internal-elb tag`
	if !strings.Contains(r.stderr, warn) || strings.Contains(r.stderr, "Subnet "+public) {
		t.Errorf("plan's warnings: want %q only:\n%s", warn, r.stderr)
	}
	helm := "--set clusterName=" + name + " --set region=us-east-1 --set vpcId=" + vpc
	if !strings.Contains(r.stdout, helm) {
		t.Errorf("plan lacks the helm command with %q:\n%s", helm, r.stdout)
	}
	a := e.runWithEnv(t, dir, fastApply, "apply", "--auto-approve", "--no-color")
	if a.code != 0 {
		t.Fatalf("apply exited %d\n%s\n%s", a.code, a.stdout, a.stderr)
	}
	if !strings.Contains(a.stdout, "helm upgrade --install aws-load-balancer-controller") || !strings.Contains(a.stdout, helm) {
		t.Errorf("apply's output lacks the helm command:\n%s", a.stdout)
	}

	roleName := provision.LoadBalancerControllerRoleName(name, "us-east-1")
	pol, err := e.iam.GetRolePolicy(t.Context(), &iam.GetRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String(provision.InlinePolicyName)})
	if err != nil {
		t.Fatalf("the controller role's policy: %v", err)
	}
	doc, _ := url.QueryUnescape(aws.ToString(pol.PolicyDocument))
	got, err := provision.CanonicalPolicy(doc)
	if err != nil || got != provision.LoadBalancerControllerPolicy("us-east-1") {
		t.Errorf("the controller role's policy is not AWS's (%v):\n%s", err, doc)
	}
	role, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(roleName)})
	if err != nil {
		t.Fatal(err)
	}
	trust, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	if !strings.Contains(trust, "pods.eks.amazonaws.com") {
		t.Errorf("trust %s, want EKS Pod Identity's", trust)
	}
	assocs, err := e.eks.ListPodIdentityAssociations(t.Context(), &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(name), Namespace: aws.String("kube-system"), ServiceAccount: aws.String("aws-load-balancer-controller")})
	if err != nil || len(assocs.Associations) != 1 {
		t.Fatalf("associations %+v, %v; want one", assocs, err)
	}
	d, err := e.eks.DescribePodIdentityAssociation(t.Context(), &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(name), AssociationId: assocs.Associations[0].AssociationId})
	if err != nil || aws.ToString(d.Association.RoleArn) != aws.ToString(role.Role.Arn) {
		t.Errorf("association role %v (%v), want %s", d, err, aws.ToString(role.Role.Arn))
	}
	requireNoChanges(t, e, dir, "adding the load_balancer_controller")

	// tag_subnets: the private subnet is tagged, the public one untouched.
	edit(t, dir, `load_balancer_controller {}`, `load_balancer_controller { tag_subnets = true }`)
	r = e.run(t, dir, "plan", "--no-color", "--out", "tags.plan")
	if r.code != 0 || strings.Contains(r.stderr, "has no kubernetes.io/role") {
		t.Fatalf("plan with tag_subnets exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	j := e.run(t, dir, "show", "--json", "tags.plan")
	var plan struct {
		Changes []struct {
			Address string `json:"address"`
			Type    string `json:"type"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(j.stdout), &plan); err != nil {
		t.Fatalf("show -json: %v\n%s", err, j.stdout)
	}
	var tagChanges []string
	for _, ch := range plan.Changes {
		if ch.Type == "aws_ec2_tag" {
			tagChanges = append(tagChanges, ch.Address)
		}
	}
	if d := cmp.Diff([]string{"cluster." + name + ".load_balancer_controller.subnet_tag." + private}, tagChanges); d != "" {
		t.Errorf("subnet tag changes (-want +got):\n%s", d)
	}
	mustApply(t, e, dir)
	if tags := subnetTags(t, c, private); tags["kubernetes.io/role/internal-elb"] != "1" {
		t.Errorf("private subnet tags %v", tags)
	}
	requireNoChanges(t, e, dir, "tagging the subnets")
	edit(t, dir, `load_balancer_controller { tag_subnets = true }`, `load_balancer_controller {}`)
	mustApply(t, e, dir)
	if tags := subnetTags(t, c, private); len(tags) != 0 {
		t.Errorf("private subnet tags after tag_subnets = false: %v, want none", tags)
	}
	if tags := subnetTags(t, c, public); !cmp.Equal(tags, map[string]string{"kubernetes.io/role/elb": "1"}) {
		t.Errorf("public subnet tags %v, want its own tag only", tags)
	}
	if r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

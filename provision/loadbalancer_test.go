package provision

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

func withLBC(c *spec.Cluster, identity string, tag bool) *spec.Cluster {
	c.LoadBalancerController = &spec.LoadBalancerController{Identity: identity, TagSubnets: tag, DeclRange: testRange(50)}
	return c
}

// lbcAccount has the test cluster's two subnets: subnet-a public and
// tagged for internet-facing load balancers, subnet-b private and untagged.
func lbcAccount() *fakeAccount {
	w := newFakeAccount()
	w.putSubnet("subnet-a", "vpc-1", true, map[string]string{publicSubnetTag: "1"})
	w.putSubnet("subnet-b", "vpc-1", false, map[string]string{"Name": "private-b"})
	return w
}

func planWithDiags(t *testing.T, w *fakeAccount, c *spec.Cluster, opts PlanOptions) (*Plan, hcl.Diagnostics) {
	t.Helper()
	opts.Prices = StaticPrices{Prices: testPrices()}
	p, diags := MakePlan(context.Background(), testConfig(c), w.factory(), opts)
	if diags.HasErrors() {
		t.Fatalf("MakePlan: %s", diags.Error())
	}
	return p, diags
}

// The controller through Pod Identity: a managed role with exactly AWS's
// policy, trusted by Pod Identity, associated with kube-system/
// aws-load-balancer-controller at the block's addresses; the plan warns
// about the untagged private subnet only, and gives the helm command with
// the cluster's name, region and VPC.
func TestLoadBalancerControllerPodIdentity(t *testing.T) {
	c := withLBC(testCluster("demo"), spec.IdentityPodIdentity, false)
	w := lbcAccount()
	p, diags := planWithDiags(t, w, c, PlanOptions{})
	role := changeOf(t, p, "cluster.demo.load_balancer_controller.role").After.(*RoleAttrs)
	if role.InlinePolicy != LoadBalancerControllerPolicy("eu-west-1") || role.AssumeRolePolicy != PodIdentityTrustPolicy() || role.Name != "eksctl-lite-demo-eu-west-1-lbc" {
		t.Errorf("controller role %s trust %s, policy %d chars; want AWS's policy, Pod Identity's trust", role.Name, role.AssumeRolePolicy, len(role.InlinePolicy))
	}
	assoc := changeOf(t, p, "cluster.demo.load_balancer_controller")
	if a := assoc.After.(*PodIdentityAttrs); a.Namespace != "kube-system" || a.ServiceAccount != "aws-load-balancer-controller" || assoc.Refs["role_arn"] != "cluster.demo.load_balancer_controller.role" {
		t.Errorf("association %+v refs %v", a, assoc.Refs)
	}
	var warned []string
	for _, d := range diags {
		if strings.Contains(d.Summary, "has no kubernetes.io/role") {
			warned = append(warned, d.Summary)
		}
	}
	if d := cmp.Diff([]string{`Subnet subnet-b of cluster "demo" has no kubernetes.io/role/internal-elb tag`}, warned); d != "" {
		t.Errorf("subnet warnings (-want +got):\n%s", d)
	}
	ins := p.ResolvedInstructions()
	want := "helm upgrade --install aws-load-balancer-controller aws-load-balancer-controller --repo https://aws.github.io/eks-charts --namespace kube-system --set clusterName=demo --set region=eu-west-1 --set vpcId=vpc-1 --set serviceAccount.name=aws-load-balancer-controller"
	if len(ins) != 1 || ins[0].Command != want {
		t.Fatalf("instructions %+v, want %q", ins, want)
	}
	res := w.apply(t, p)
	if len(res.Instructions) != 1 || res.Instructions[0].Command != want {
		t.Errorf("apply's instructions %+v", res.Instructions)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after apply: %v", summaryOfChanges(p))
	}
	// Removed, the role and association go.
	c.LoadBalancerController = nil
	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	got := summary(p)
	for _, wantCh := range []string{"cluster.demo.load_balancer_controller.role delete", "cluster.demo.load_balancer_controller delete"} {
		found := false
		for _, s := range got {
			found = found || strings.HasPrefix(s, wantCh)
		}
		if !found {
			t.Errorf("block removed: no %q in %v", wantCh, got)
		}
	}
}

// With IRSA: the role trusts the cluster's OIDC provider for the
// controller's service account, and the helm command annotates the service
// account with the role's ARN once it exists.
func TestLoadBalancerControllerIRSA(t *testing.T) {
	c := withLBC(testCluster("demo"), spec.IdentityIRSA, false)
	w := lbcAccount()
	p, _ := planWithDiags(t, w, c, PlanOptions{})
	role := changeOf(t, p, "cluster.demo.load_balancer_controller.irsa")
	if a := role.After.(*RoleAttrs); a.ServiceAccount != "kube-system/aws-load-balancer-controller" || a.InlinePolicy != LoadBalancerControllerPolicy("eu-west-1") {
		t.Errorf("irsa role %+v", a)
	}
	changeOf(t, p, OIDCProviderAddress("demo"))
	if ins := p.ResolvedInstructions(); len(ins) != 1 || !strings.HasSuffix(ins[0].Command, `role-arn"=`+KnownAfterApply) {
		t.Errorf("plan's instruction %+v, want the role ARN known after apply", ins)
	}
	res := w.apply(t, p)
	arn := roleARNOf("eksctl-lite-demo-eu-west-1-lbc")
	if len(res.Instructions) != 1 || !strings.HasSuffix(res.Instructions[0].Command, `role-arn"=`+arn) {
		t.Errorf("apply's instruction %+v, want the role ARN %s", res.Instructions, arn)
	}
	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	if p.HasChanges() {
		t.Errorf("plan after apply: %v", summaryOfChanges(p))
	}
	if ins := p.ResolvedInstructions(); len(ins) != 1 || !strings.HasSuffix(ins[0].Command, `role-arn"=`+arn) {
		t.Errorf("next plan's instruction %+v, want the live role ARN", ins)
	}
}

// tag_subnets: the untagged private subnet gets internal-elb and
// eksctl-lite's marker; the subnet tagged by someone else is left alone;
// leaving the block out removes only what eksctl-lite added.
func TestLoadBalancerControllerTagsSubnets(t *testing.T) {
	c := withLBC(testCluster("demo"), spec.IdentityPodIdentity, true)
	w := lbcAccount()
	p, diags := planWithDiags(t, w, c, PlanOptions{})
	for _, d := range diags {
		if strings.Contains(d.Summary, "kubernetes.io/role") {
			t.Errorf("tagging, yet warned: %s", d.Summary)
		}
	}
	ch := changeOf(t, p, SubnetTagAddress("demo", "subnet-b"))
	if d := cmp.Diff(&SubnetTagAttrs{SubnetID: "subnet-b", Key: privateSubnetTag, Value: "1"}, ch.After); d != "" || ch.Action != Create {
		t.Errorf("subnet-b tag %s (-want +got):\n%s", ch.Action, d)
	}
	for _, ch := range p.Changes {
		if strings.Contains(ch.Address, "subnet-a") {
			t.Errorf("the subnet tagged already is planned: %s %s", ch.Address, ch.Action)
		}
	}
	w.apply(t, p)
	want := map[string]string{"Name": "private-b", privateSubnetTag: "1", subnetMarkerTag("demo"): privateSubnetTag}
	if d := cmp.Diff(want, w.subnetTags("subnet-b")); d != "" {
		t.Errorf("subnet-b tags (-want +got):\n%s", d)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after apply: %v", summaryOfChanges(p))
	}

	c.LoadBalancerController.TagSubnets = false
	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	if ch := changeOf(t, p, SubnetTagAddress("demo", "subnet-b")); ch.Action != Delete {
		t.Fatalf("tag_subnets off: %s, want the tag removed", ch.Action)
	}
	w.apply(t, p)
	if d := cmp.Diff(map[string]string{"Name": "private-b"}, w.subnetTags("subnet-b")); d != "" {
		t.Errorf("subnet-b tags after removal (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]string{publicSubnetTag: "1"}, w.subnetTags("subnet-a")); d != "" {
		t.Errorf("subnet-a's own tag touched (-want +got):\n%s", d)
	}
}

// Destroy removes the tags eksctl-lite added.
func TestLoadBalancerControllerDestroyRemovesTags(t *testing.T) {
	c := withLBC(testCluster("demo"), spec.IdentityPodIdentity, true)
	w := lbcAccount()
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
	p := mustPlan(t, w, testConfig(c), PlanOptions{Destroy: true})
	if ch := changeOf(t, p, SubnetTagAddress("demo", "subnet-b")); ch.Action != Delete {
		t.Fatalf("destroy: %s", ch.Action)
	}
	if len(p.ResolvedInstructions()) != 0 {
		t.Errorf("a destroy gives instructions: %+v", p.ResolvedInstructions())
	}
	w.apply(t, p)
	if _, has := w.subnetTags("subnet-b")[privateSubnetTag]; has {
		t.Error("destroy left the subnet tag")
	}
}

// Auto Mode warns about untagged subnets too, with no tagging offer.
func TestAutoModeWarnsAboutSubnets(t *testing.T) {
	c := testCluster("demo")
	c.AutoMode = autoModeOn()
	_, diags := planWithDiags(t, lbcAccount(), c, PlanOptions{})
	var got []string
	for _, d := range diags {
		if strings.Contains(d.Summary, "kubernetes.io/role") {
			got = append(got, d.Summary)
			if !strings.Contains(d.Detail, "EKS Auto Mode") || strings.Contains(d.Detail, "tag_subnets") {
				t.Errorf("detail %q", d.Detail)
			}
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "subnet-b") {
		t.Errorf("warnings %v, want subnet-b's", got)
	}
}

// The policy follows the region's partition.
func TestLoadBalancerControllerPolicyPartition(t *testing.T) {
	for region, want := range map[string]string{"us-east-1": "arn:aws:", "cn-north-1": "arn:aws-cn:", "us-gov-west-1": "arn:aws-us-gov:"} {
		doc := LoadBalancerControllerPolicy(region)
		if !strings.Contains(doc, `"`+want+`elasticloadbalancing:`) {
			t.Errorf("%s: no %s ARN in the policy", region, want)
		}
		if want != "arn:aws:" && strings.Contains(doc, `"arn:aws:`) {
			t.Errorf("%s: the policy still names the aws partition", region)
		}
	}
	if n := len(LoadBalancerControllerPolicy("us-east-1")); n > 10240 {
		t.Errorf("the policy is %d characters, over IAM's inline limit of 10,240", n)
	}
}

// IRSA with the user's role: no managed role, no OIDC provider for it,
// the helm command annotates the service account with that role.
func TestLoadBalancerControllerIRSAOwnRole(t *testing.T) {
	c := withLBC(testCluster("demo"), spec.IdentityIRSA, false)
	c.LoadBalancerController.RoleARN = "arn:aws:iam::111122223333:role/lbc"
	p, _ := planWithDiags(t, lbcAccount(), c, PlanOptions{})
	for _, ch := range p.Changes {
		if strings.Contains(ch.Address, "load_balancer_controller") || ch.Type == TypeOIDCProvider {
			t.Errorf("planned %s %s for a controller with its own irsa role", ch.Address, ch.Action)
		}
	}
	if ins := p.ResolvedInstructions(); len(ins) != 1 || !strings.HasSuffix(ins[0].Command, `role-arn"=arn:aws:iam::111122223333:role/lbc`) {
		t.Errorf("instructions %+v", ins)
	}
}

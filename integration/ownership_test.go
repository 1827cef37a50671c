package integration

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// ownershipSpec is cluster name in region with a node group and one irsa
// block labelled irsa; extra goes into the cluster block.
func ownershipSpec(name, region, irsa, extra string) string {
	return `
cluster "` + name + `" {
  region  = "` + region + `"
  version = "1.31"
  ` + extra + `

  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  node_group "general" {
    instance_types = ["t3.medium"]
    scaling {
      min_size = 1
      max_size = 2
    }
  }

  irsa "` + irsa + `" {
    namespace       = "apps"
    service_account = "` + irsa + `"
    policy_arns     = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
  }
}
`
}

func requireRole(t *testing.T, e *env, name string) *iam.GetRoleOutput {
	t.Helper()
	out, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatalf("IAM role %s: %v", name, err)
	}
	return out
}

// Two configurations with the same cluster name in two regions: IAM is
// global, but neither adopts, deletes nor shares the other's roles.
func TestOwnershipSameClusterNameInTwoRegions(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("own")
	east := planWriteSpec(t, ownershipSpec(name, "us-east-1", "east", ""))
	west := planWriteSpec(t, ownershipSpec(name, "eu-west-1", "west", ""))

	mustApply(t, e, east)
	r := e.run(t, west, "plan", "--json")
	if r.code != 0 {
		t.Fatalf("plan in eu-west-1 exited %d\n%s", r.code, r.stderr)
	}
	for addr, a := range planParse(t, r).actions() {
		if a != "create" {
			t.Errorf("eu-west-1 plans %s for %s; it must only create its own resources", a, addr)
		}
	}
	mustApply(t, e, west)

	// Each region has its own managed roles; the node role at / (no path,
	// so that aws-auth can map it) and carrying its region.
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		requireRole(t, e, "eksctl-lite-"+name+"-"+region+"-cluster")
		node := requireRole(t, e, "eksctl-lite-"+name+"-"+region+"-node")
		if p := aws.ToString(node.Role.Path); p != "/" {
			t.Errorf("node role of %s is at path %s, want /", region, p)
		}
		tags, err := e.iam.ListRoleTags(t.Context(), &iam.ListRoleTagsInput{RoleName: node.Role.RoleName})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, tag := range tags.Tags {
			found = found || (aws.ToString(tag.Key) == "eksctl-lite/region" && aws.ToString(tag.Value) == region)
		}
		if !found {
			t.Errorf("node role of %s has no eksctl-lite/region tag: %v", region, tags.Tags)
		}
	}
	requireRole(t, e, name+"-east")
	requireRole(t, e, name+"-west")
	ng, err := e.eks.DescribeNodegroup(t.Context(), &eks.DescribeNodegroupInput{ClusterName: aws.String(name), NodegroupName: aws.String("general")})
	if err != nil {
		t.Fatal(err)
	}
	if arn := aws.ToString(ng.Nodegroup.NodeRole); !strings.HasSuffix(arn, ":role/eksctl-lite-"+name+"-us-east-1-node") {
		t.Errorf("us-east-1 node group uses %s, want its region's node role, without a path", arn)
	}
	requireNoChanges(t, e, east, "applying the same cluster name in eu-west-1")
	requireNoChanges(t, e, west, "applying eu-west-1")

	// An irsa role name that the other region's cluster owns is refused,
	// pointing at the irsa block and saying to set role_name.
	clash := planWriteSpec(t, ownershipSpec(name, "eu-west-1", "east", ""))
	r = e.run(t, clash, "plan")
	if r.code != 1 || !strings.Contains(r.stderr, name+"-east") || !strings.Contains(r.stderr, "role_name") || !strings.Contains(r.stderr, `irsa "east"`) {
		t.Errorf("plan with a role name owned in us-east-1: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}

	// Destroying eu-west-1 leaves every role of us-east-1.
	r = e.runWithEnv(t, west, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy eu-west-1 exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, role := range []string{"eksctl-lite-" + name + "-us-east-1-cluster", "eksctl-lite-" + name + "-us-east-1-node", name + "-east"} {
		requireRole(t, e, role)
	}
	if _, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(name + "-west")}); err == nil {
		t.Errorf("destroy of eu-west-1 left its irsa role")
	}
	requireNoChanges(t, e, east, "destroying eu-west-1")

	r = e.runWithEnv(t, east, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy us-east-1 exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	requireNothingOwned(t, e, name)
}

// Pinning role_arn and node_role_arn to the live managed roles (as the
// refusal of a role_arn change suggests) keeps those roles: the plan is
// empty, nothing is deleted while the cluster uses it.
func TestOwnershipPinnedManagedRolesAreKept(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("pin")
	dir := planWriteSpec(t, ownershipSpec(name, testRegion, "reader", ""))
	mustApply(t, e, dir)
	clusterRole := aws.ToString(requireRole(t, e, "eksctl-lite-"+name+"-"+testRegion+"-cluster").Role.Arn)
	nodeRole := aws.ToString(requireRole(t, e, "eksctl-lite-"+name+"-"+testRegion+"-node").Role.Arn)

	pinned := strings.Replace(ownershipSpec(name, testRegion, "reader", `role_arn = "`+clusterRole+`"`),
		`instance_types = ["t3.medium"]`, `instance_types = ["t3.medium"]
    node_role_arn  = "`+nodeRole+`"`, 1)
	dir = planWriteSpec(t, pinned)
	r := e.run(t, dir, "plan", "--json")
	if r.code != 0 {
		t.Fatalf("plan exited %d\n%s", r.code, r.stderr)
	}
	got := planParse(t, r).actions()
	for _, addr := range []string{"cluster." + name + ".cluster_role", "cluster." + name + ".node_role"} {
		if got[addr] != "no-op" {
			t.Errorf("%s: %q, want no-op (the role is in use)", addr, got[addr])
		}
	}
	requireNoChanges(t, e, dir, "pinning the managed roles")
	requireRole(t, e, "eksctl-lite-"+name+"-"+testRegion+"-cluster")
	requireRole(t, e, "eksctl-lite-"+name+"-"+testRegion+"-node")

	r = e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	requireNothingOwned(t, e, name)
}

package integration

// plan through the built binary against the emulator: an empty account,
// resources made out of band with the SDK (owned and not), adoption, JSON,
// saved plans and show.

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
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// planSpec is a cluster with managed roles, three node groups, a Fargate
// profile and an irsa role.
const planSpec = `
cluster "demo" {
  version = "1.31"

  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  node_group "general" {
    scaling {
      min_size = 1
      max_size = 3
    }
  }

  node_group "scaled" {
    scaling {
      min_size = 1
      max_size = 5
    }
    labels = { team = "data" }
  }

  node_group "big" {
    instance_types = ["m5.xlarge"]
    scaling {
      min_size = 1
      max_size = 3
    }
  }

  fargate_profile "system" {
    selector {
      namespace = "kube-system"
    }
  }

  irsa "reader" {
    namespace       = "apps"
    service_account = "reader"
    policy_arns     = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
  }
}
`

func planWriteSpec(t *testing.T, body string) string {
	t.Helper()
	dir := configDir(t)
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// planJSON is the part of plan --json the tests read.
type planJSON struct {
	FormatVersion   string `json:"format_version"`
	ResourceChanges []struct {
		Address string `json:"address"`
		Type    string `json:"type"`
		Name    string `json:"name"`
		Change  struct {
			Actions      []string       `json:"actions"`
			Before       map[string]any `json:"before"`
			After        map[string]any `json:"after"`
			ReplacePaths [][]string     `json:"replace_paths"`
		} `json:"change"`
		ActionReason string `json:"action_reason"`
		EksctlLite   struct {
			Reason string `json:"reason"`
			Steps  []struct {
				Call string `json:"call"`
			} `json:"steps"`
		} `json:"eksctl_lite"`
	} `json:"resource_changes"`
}

func planParse(t *testing.T, r result) planJSON {
	t.Helper()
	var p planJSON
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("plan --json is not JSON: %v\nstdout:\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	return p
}

// actions maps address -> "create", "update", "delete,create", ...
func (p planJSON) actions() map[string]string {
	m := map[string]string{}
	for _, rc := range p.ResourceChanges {
		m[rc.Address] = strings.Join(rc.Change.Actions, ",")
	}
	return m
}

func TestPlanEmptyAccount(t *testing.T) {
	e := newEnv(t)
	dir := planWriteSpec(t, planSpec)

	r := e.run(t, dir, "plan", "--detailed-exitcode")
	if r.code != 2 {
		t.Fatalf("plan --detailed-exitcode on an empty account: exit %d, want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		`+ aws_eks_cluster "cluster.demo"`,
		`+ aws_eks_node_group "cluster.demo.node_group.general"`,
		`+ aws_iam_openid_connect_provider "cluster.demo.oidc_provider"`,
		"Plan: 10 to add, 0 to change, 0 to destroy.\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan output lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "(known after apply)") {
		t.Errorf("role ARNs of roles not created yet are not shown as known after apply:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour in piped output")
	}

	r = e.run(t, dir, "plan", "--json")
	if r.code != 0 {
		t.Fatalf("plan --json: exit %d\n%s", r.code, r.stderr)
	}
	p := planParse(t, r)
	if p.FormatVersion != "1.0" || len(p.ResourceChanges) != 10 {
		t.Errorf("format_version %q, %d resource changes", p.FormatVersion, len(p.ResourceChanges))
	}
	for addr, a := range p.actions() {
		if a != "create" {
			t.Errorf("%s: actions %s, want create", addr, a)
		}
	}

	// --out, then show and show --json render the same plan.
	r = e.run(t, dir, "plan", "--out", "demo.plan")
	if r.code != 0 || !strings.Contains(r.stdout, "eksctl-lite apply demo.plan") {
		t.Fatalf("plan --out: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	planText := r.stdout[:strings.Index(r.stdout, "\nSaved the plan")]
	s := e.run(t, dir, "show", "demo.plan")
	if s.code != 0 || s.stdout != planText {
		t.Errorf("show differs from the plan it saved (exit %d):\n%s\nstderr: %s", s.code, s.stdout, s.stderr)
	}
	s = e.run(t, dir, "show", "--json", "demo.plan")
	if got := planParse(t, s); len(got.ResourceChanges) != 10 {
		t.Errorf("show --json: %d changes", len(got.ResourceChanges))
	}
	s = e.run(t, dir, "show", "main.hcl")
	if s.code != 1 || !strings.Contains(s.stderr, "not an eksctl-lite plan file") {
		t.Errorf("show of a non-plan: exit %d, stderr %s", s.code, s.stderr)
	}

	// Plan never changes anything.
	if out, err := e.eks.ListClusters(t.Context(), &eks.ListClustersInput{}); err != nil || len(out.Clusters) != 0 {
		t.Errorf("clusters after plan: %v, %v", out, err)
	}
}

// planOwnedTags are the tags eksctl-lite puts on what it creates.
// planOwnedTags are the tags eksctl-lite gives the resource at address of
// cluster demo, made by test t's configuration.
func planOwnedTags(t *testing.T, address string) map[string]string {
	return map[string]string{"eksctl-lite/cluster": "demo", "eksctl-lite/address": address, "eksctl-lite/region": testRegion,
		"eksctl-lite/configuration": configName(t)}
}

func planIAMTags(m map[string]string) []iamtypes.Tag {
	var tags []iamtypes.Tag
	for k, v := range m {
		tags = append(tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return tags
}

// planCreateRole makes a role as eksctl-lite would, out of band, at path.
func planCreateRole(t *testing.T, e *env, name, path, address, service string, policies ...string) string {
	t.Helper()
	out, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{
		RoleName: aws.String(name),
		Path:     aws.String(path),
		// Spelled differently from eksctl-lite's canonical form on purpose.
		AssumeRolePolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "` + service + `"}, "Action": "sts:AssumeRole"}]}`),
		Tags:                     planIAMTags(planOwnedTags(t, address)),
	})
	if err != nil {
		t.Fatalf("CreateRole %s: %v", name, err)
	}
	for _, p := range policies {
		if _, err := e.iam.AttachRolePolicy(t.Context(), &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String("arn:aws:iam::aws:policy/" + p)}); err != nil {
			t.Fatalf("AttachRolePolicy %s: %v", p, err)
		}
	}
	return aws.ToString(out.Role.Arn)
}

var planSubnets = []string{"subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"}

func planCreateNodegroup(t *testing.T, e *env, name, role string, instanceTypes []string, maxSize int32, labels, tags map[string]string) {
	t.Helper()
	_, err := e.eks.CreateNodegroup(t.Context(), &eks.CreateNodegroupInput{
		ClusterName:   aws.String("demo"),
		NodegroupName: aws.String(name),
		NodeRole:      aws.String(role),
		Subnets:       planSubnets,
		InstanceTypes: instanceTypes,
		AmiType:       ekstypes.AMITypesAl2023X8664Standard,
		CapacityType:  ekstypes.CapacityTypesOnDemand,
		DiskSize:      aws.Int32(20),
		Version:       aws.String("1.31"),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(1), MaxSize: aws.Int32(maxSize), DesiredSize: aws.Int32(1)},
		UpdateConfig:  &ekstypes.NodegroupUpdateConfig{MaxUnavailable: aws.Int32(1)},
		Labels:        labels,
		Tags:          tags,
	})
	if err != nil {
		t.Fatalf("CreateNodegroup %s: %v", name, err)
	}
}

// planCreateDemo makes, out of band, the cluster of planSpec with its managed
// roles, and returns the node role ARN.
func planCreateDemo(t *testing.T, e *env, clusterTags map[string]string) (clusterRole, nodeRole string) {
	t.Helper()
	clusterRole = planCreateRole(t, e, "eksctl-lite-demo-"+testRegion+"-cluster", "/eksctl-lite/", "cluster.demo.cluster_role", "eks.amazonaws.com", "AmazonEKSClusterPolicy")
	nodeRole = planCreateRole(t, e, "eksctl-lite-demo-"+testRegion+"-node", "/", "cluster.demo.node_role", "ec2.amazonaws.com",
		"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly")
	planCreateCluster(t, e, clusterRole, clusterTags)
	return clusterRole, nodeRole
}

func planCreateCluster(t *testing.T, e *env, clusterRole string, clusterTags map[string]string) {
	t.Helper()
	_, err := e.eks.CreateCluster(t.Context(), &eks.CreateClusterInput{
		Name:    aws.String("demo"),
		Version: aws.String("1.31"),
		RoleArn: aws.String(clusterRole),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{
			SubnetIds:             planSubnets,
			EndpointPublicAccess:  aws.Bool(true),
			EndpointPrivateAccess: aws.Bool(false),
			PublicAccessCidrs:     []string{"0.0.0.0/0"},
		},
		Tags: clusterTags,
	})
	if err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	e.waitClusterStatus(t, "demo", "ACTIVE")
}

func TestPlanAgainstResourcesMadeOutOfBand(t *testing.T) {
	e := newEnv(t)
	_, nodeRole := planCreateDemo(t, e, planOwnedTags(t, "cluster.demo"))
	// Matches the spec exactly: no-op.
	planCreateNodegroup(t, e, "general", nodeRole, []string{"t3.medium"}, 3, nil, planOwnedTags(t, "cluster.demo.node_group.general"))
	// max_size 3 and no labels, the spec says 5 and a label: update in place.
	planCreateNodegroup(t, e, "scaled", nodeRole, []string{"t3.medium"}, 3, nil, planOwnedTags(t, "cluster.demo.node_group.scaled"))
	// Other instance types: replace.
	planCreateNodegroup(t, e, "big", nodeRole, []string{"t3.medium"}, 3, nil, planOwnedTags(t, "cluster.demo.node_group.big"))
	// Ours but no longer configured: delete.
	planCreateNodegroup(t, e, "old", nodeRole, []string{"t3.medium"}, 3, nil, planOwnedTags(t, "cluster.demo.node_group.old"))
	// Not ours: never touched, whatever the plan.
	planCreateNodegroup(t, e, "theirs", nodeRole, []string{"t3.medium"}, 3, nil, map[string]string{"owner": "someone-else"})
	for _, ng := range []string{"general", "scaled", "big", "old", "theirs"} {
		e.waitNodegroupStatus(t, "demo", ng, "ACTIVE")
	}

	dir := planWriteSpec(t, planSpec)
	r := e.run(t, dir, "plan", "--detailed-exitcode")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "theirs") {
		t.Errorf("the plan mentions the unowned node group:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "Plan: 5 to add, 1 to change, 2 to destroy.\n(1 of them is a replacement)\n") {
		t.Errorf("summary line:\n%s", r.stdout)
	}

	p := planParse(t, e.run(t, dir, "plan", "--json"))
	want := map[string]string{
		"cluster.demo":                        "no-op",
		"cluster.demo.cluster_role":           "no-op",
		"cluster.demo.node_role":              "no-op",
		"cluster.demo.node_group.general":     "no-op",
		"cluster.demo.node_group.scaled":      "update",
		"cluster.demo.node_group.big":         "create,delete",
		"cluster.demo.node_group.old":         "delete",
		"cluster.demo.fargate_profile.system": "create",
		"cluster.demo.pod_execution_role":     "create",
		"cluster.demo.oidc_provider":          "create",
		"cluster.demo.irsa.reader":            "create",
	}
	got := p.actions()
	for addr, a := range want {
		if got[addr] != a {
			t.Errorf("%s: actions %q, want %q", addr, got[addr], a)
		}
	}
	if len(got) != len(want) {
		t.Errorf("plan has %d resources, want %d: %v", len(got), len(want), got)
	}
	for _, rc := range p.ResourceChanges {
		switch rc.Address {
		case "cluster.demo.node_group.scaled":
			if len(rc.EksctlLite.Steps) != 1 || rc.EksctlLite.Steps[0].Call != "UpdateNodegroupConfig" {
				t.Errorf("scaled steps: %+v", rc.EksctlLite.Steps)
			}
		case "cluster.demo.node_group.big":
			if len(rc.Change.ReplacePaths) != 1 || rc.Change.ReplacePaths[0][0] != "instance_types" {
				t.Errorf("big replace_paths: %v", rc.Change.ReplacePaths)
			}
			if name, _ := rc.Change.After["node_group_name"].(string); !strings.HasPrefix(name, "big-") {
				t.Errorf("replacement node group name %q, want a new name", name)
			}
		case "cluster.demo.node_group.old":
			if rc.ActionReason != "delete_because_no_resource_config" {
				t.Errorf("old action_reason %q", rc.ActionReason)
			}
		}
	}

	// Destroy plans every owned resource, still never the unowned group,
	// and keeps the cluster, which the unowned group blocks, saying so.
	r = e.run(t, dir, "plan", "--destroy", "--json")
	d := planParse(t, r).actions()
	if _, ok := d["cluster.demo.node_group.theirs"]; ok || d["cluster.demo"] == "delete" || d["cluster.demo.node_group.old"] != "delete" {
		t.Errorf("destroy plan: %v", d)
	}
	if !strings.Contains(r.stderr, `Cluster "demo" will NOT be deleted: it has node group "theirs"`) {
		t.Errorf("destroy plan does not warn of the blocked cluster:\n%s", r.stderr)
	}
	out, err := e.eks.DescribeNodegroup(t.Context(), &eks.DescribeNodegroupInput{ClusterName: aws.String("demo"), NodegroupName: aws.String("scaled")})
	if err != nil || aws.ToInt32(out.Nodegroup.ScalingConfig.MaxSize) != 3 {
		t.Errorf("plan changed the node group: %v %v", out, err)
	}
}

func TestPlanUnownedClusterNeedsAdopt(t *testing.T) {
	e := newEnv(t)
	role, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{
		RoleName:                 aws.String("their-cluster-role"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	clusterRole := aws.ToString(role.Role.Arn)
	planCreateCluster(t, e, clusterRole, map[string]string{"team": "platform"})
	dir := planWriteSpec(t, `
cluster "demo" {
  version  = "1.31"
  role_arn = "`+clusterRole+`"
  tags     = { team = "platform" }

  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }
}
`)
	r := e.run(t, dir, "plan")
	if r.code != 1 || !strings.Contains(r.stderr, "not managed by eksctl-lite") || !strings.Contains(r.stderr, "--adopt") || !strings.Contains(r.stderr, "main.hcl") {
		t.Fatalf("plan of an unowned cluster: exit %d\nstderr:\n%s", r.code, r.stderr)
	}

	r = e.run(t, dir, "plan", "--adopt", "--detailed-exitcode")
	if r.code != 2 || !strings.Contains(r.stdout, "adopting an existing cluster") || !strings.Contains(r.stdout, "TagResource") {
		t.Fatalf("plan --adopt: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	p := planParse(t, e.run(t, dir, "plan", "--adopt", "--json"))
	if got := p.actions(); got["cluster.demo"] != "update" || len(got) != 1 {
		t.Errorf("adopt plan: %v", got)
	}
	tags, _ := p.ResourceChanges[0].Change.After["tags"].(map[string]any)
	if tags["eksctl-lite/cluster"] != "demo" || tags["eksctl-lite/address"] != "cluster.demo" || tags["team"] != "platform" {
		t.Errorf("adopted cluster's tags: %v", tags)
	}
	out, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String("demo")})
	if err != nil || out.Cluster.Tags["eksctl-lite/cluster"] != "" {
		t.Errorf("plan --adopt tagged the cluster: %v %v", out.Cluster.Tags, err)
	}

	// --destroy leaves an unowned cluster alone, with a warning.
	r = e.run(t, dir, "plan", "--destroy", "--detailed-exitcode")
	if r.code != 0 || !strings.Contains(r.stderr, "destroy leaves it alone") {
		t.Errorf("plan --destroy of an unowned cluster: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

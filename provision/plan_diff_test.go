package provision

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
)

func TestDiffAttrs(t *testing.T) {
	ng := func(f func(*NodeGroupAttrs)) *NodeGroupAttrs {
		a := &NodeGroupAttrs{
			Name: "g", ARN: "arn:1", Status: "ACTIVE",
			InstanceTypes: []string{"t3.medium", "t3.large"}, AMIType: "AL2023_x86_64_STANDARD",
			CapacityType: "ON_DEMAND", DiskSize: 20, SubnetIDs: []string{"s1", "s2"},
			NodeRoleARN: "arn:role", Version: "1.31", ReleaseVersion: "1.31.0-1",
			Labels: map[string]string{"a": "1"}, Tags: map[string]string{"t": "1"},
			MinSize: 1, MaxSize: 3, DesiredSize: aws.Int(2), MaxUnavailable: aws.Int(1),
			Taints: []TaintAttrs{{Key: "k", Value: "v", Effect: "NO_SCHEDULE"}, {Key: "j", Effect: "NO_EXECUTE"}},
		}
		if f != nil {
			f(a)
		}
		return a
	}
	tests := map[string]struct {
		schema   Schema
		before   any
		after    any
		changing map[string]bool
		want     []string // "path" or "path!" when it forces replacement
	}{
		"identical": {
			schema: nodeGroupSchema, before: ng(nil), after: ng(nil),
		},
		"ARN, status and physical name are never diffed": {
			schema: nodeGroupSchema, before: ng(nil),
			after: ng(func(a *NodeGroupAttrs) { a.ARN, a.Status, a.Name = "", "", "other" }),
		},
		"sets ignore order and duplicates": {
			schema: nodeGroupSchema, before: ng(nil),
			after: ng(func(a *NodeGroupAttrs) {
				a.InstanceTypes = []string{"t3.large", "t3.medium", "t3.large"}
				a.SubnetIDs = []string{"s2", "s1"}
				a.Taints = []TaintAttrs{{Key: "j", Effect: "NO_EXECUTE"}, {Key: "k", Value: "v", Effect: "NO_SCHEDULE"}}
			}),
		},
		"set member changes force replacement": {
			schema: nodeGroupSchema, before: ng(nil),
			after: ng(func(a *NodeGroupAttrs) { a.InstanceTypes = []string{"t3.medium"} }),
			want:  []string{"instance_types!"},
		},
		"nil equals empty": {
			schema: nodeGroupSchema,
			before: ng(func(a *NodeGroupAttrs) { a.Labels, a.Taints = nil, nil }),
			after:  ng(func(a *NodeGroupAttrs) { a.Labels, a.Taints = map[string]string{}, []TaintAttrs{} }),
		},
		"optional attributes left empty are not diffs": {
			schema: nodeGroupSchema, before: ng(nil),
			after: ng(func(a *NodeGroupAttrs) { a.ReleaseVersion, a.DesiredSize = "", nil }),
		},
		"optional attributes set are diffs": {
			schema: nodeGroupSchema, before: ng(nil),
			after: ng(func(a *NodeGroupAttrs) { a.ReleaseVersion, a.DesiredSize = "1.31.0-2", aws.Int(3) }),
			want:  []string{"release_version", "scaling.desired_size"},
		},
		"in-place attributes": {
			schema: nodeGroupSchema, before: ng(nil),
			after: ng(func(a *NodeGroupAttrs) {
				a.MaxSize, a.Labels, a.Version = 5, map[string]string{"a": "2"}, "1.32"
				a.MaxUnavailable, a.MaxUnavailablePercentage = nil, aws.Int(20)
			}),
			want: []string{"labels", "scaling.max_size", "update.max_unavailable", "update.max_unavailable_percentage", "version"},
		},
		"every replacement attribute of a node group": {
			schema: nodeGroupSchema, before: ng(nil),
			after: ng(func(a *NodeGroupAttrs) {
				a.AMIType, a.CapacityType, a.DiskSize, a.SubnetIDs, a.NodeRoleARN = "AL2_x86_64", "SPOT", 50, []string{"s3"}, "arn:other"
			}),
			want: []string{"ami_type!", "capacity_type!", "disk_size!", "node_role_arn!", "subnet_ids!"},
		},
		"unknown value of an unchanged upstream is not a diff": {
			schema: nodeGroupSchema, before: ng(nil),
			after: ng(func(a *NodeGroupAttrs) { a.NodeRoleARN = KnownAfterApply }),
		},
		"unknown value of an upstream being created is a diff": {
			schema: nodeGroupSchema, before: ng(nil), changing: map[string]bool{"node_role_arn": true},
			after: ng(func(a *NodeGroupAttrs) { a.NodeRoleARN = KnownAfterApply }),
			want:  []string{"node_role_arn!"},
		},
		"absent before: everything set is a diff": {
			schema: fargateSchema, before: nil,
			after: &FargateProfileAttrs{Name: "f", SubnetIDs: []string{"s"}, Selectors: []SelectorAttrs{{Namespace: "n"}}},
			want:  []string{"selectors!", "subnet_ids!"},
		},
		"fargate selectors as a set, labels nil or empty": {
			schema: fargateSchema,
			before: &FargateProfileAttrs{Selectors: []SelectorAttrs{{Namespace: "a", Labels: map[string]string{"x": "1"}}, {Namespace: "b"}}},
			after:  &FargateProfileAttrs{Selectors: []SelectorAttrs{{Namespace: "b"}, {Namespace: "a", Labels: map[string]string{"x": "1"}}}},
		},
		"fargate tags only are in place": {
			schema: fargateSchema,
			before: &FargateProfileAttrs{Tags: map[string]string{"a": "1"}},
			after:  &FargateProfileAttrs{Tags: map[string]string{"a": "2"}},
			want:   []string{"tags"},
		},
		"cluster logging as a set, role impossible": {
			schema: clusterSchema,
			before: &ClusterAttrs{Logging: []string{"audit", "api"}, RoleARN: "a", Status: "ACTIVE", OIDCIssuer: "https://x"},
			after:  &ClusterAttrs{Logging: []string{"api", "audit"}, RoleARN: "b"},
			want:   []string{"role_arn"},
		},
		"role policy ARNs as a set": {
			schema: roleSchema,
			before: &RoleAttrs{Name: "r", Path: RolePath, PolicyARNs: []string{"b", "a"}},
			after:  &RoleAttrs{Name: "r", Path: RolePath, PolicyARNs: []string{"a", "b"}, ServiceAccount: "ns/sa"},
		},
		"oidc client ids force replacement, thumbprints are IAM's": {
			schema: oidcSchema,
			before: &OIDCProviderAttrs{URL: "https://x", ClientIDs: []string{"a"}, Thumbprints: []string{"t"}},
			after:  &OIDCProviderAttrs{URL: "https://x", ClientIDs: []string{"sts.amazonaws.com"}},
			want:   []string{"client_id_list!"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, d := range diffAttrs(tt.schema, tt.before, tt.after, tt.changing) {
				p := d.Path
				if d.ForcesReplacement {
					p += "!"
				}
				got = append(got, p)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("diffs (-want +got):\n%s", d)
			}
		})
	}
}

func TestCanonicalPolicy(t *testing.T) {
	canonical := `{"Statement":[{"Action":["s3:GetObject","s3:ListBucket"],"Condition":{"StringEquals":{"k":["v"]}},"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Resource":["*"]}],"Version":"2012-10-17"}`
	tests := map[string]struct {
		give string
		want string
	}{
		"already canonical": {canonical, canonical},
		"single values, other key order, whitespace": {
			`{ "Version": "2012-10-17", "Statement": { "Effect": "Allow", "Resource": "*", "Principal": {"Service": "ec2.amazonaws.com"},
			   "Action": ["s3:ListBucket", "s3:GetObject"], "Condition": {"StringEquals": {"k": "v"}} } }`,
			canonical,
		},
		"URL-encoded as IAM returns it": {
			"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%5B%22s3%3AGetObject%22%2C%22s3%3AListBucket%22%5D%2C%22Resource%22%3A%22%2A%22%2C%22Condition%22%3A%7B%22StringEquals%22%3A%7B%22k%22%3A%22v%22%7D%7D%7D%5D%7D",
			canonical,
		},
		"empty is no policy":            {"", ""},
		"a plus sign stays a plus sign": {`{"Statement":[{"Resource":"a+b"}]}`, `{"Statement":[{"Resource":["a+b"]}]}`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := CanonicalPolicy(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"{", "[1]", "%7B"} {
		if _, err := CanonicalPolicy(bad); err == nil {
			t.Errorf("CanonicalPolicy(%q) succeeded, want an error", bad)
		}
	}
}

func TestIRSATrustPolicy(t *testing.T) {
	got := IRSATrustPolicy("arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
		"https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", "apps", "reader")
	want := `{"Statement":[{"Action":["sts:AssumeRoleWithWebIdentity"],"Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud":["sts.amazonaws.com"],"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":["system:serviceaccount:apps:reader"]}},"Effect":"Allow","Principal":{"Federated":["arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"]}}],"Version":"2012-10-17"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestManagedPolicyARNsFollowThePartition(t *testing.T) {
	if got := ClusterRolePolicyARNs("cn-north-1")[0]; got != "arn:aws-cn:iam::aws:policy/AmazonEKSClusterPolicy" {
		t.Errorf("China: %s", got)
	}
	if got := NodeRolePolicyARNs("us-gov-west-1"); !strings.HasPrefix(got[0], "arn:aws-us-gov:") || len(got) != 3 {
		t.Errorf("GovCloud: %v", got)
	}
	if got := PodExecutionRolePolicyARNs("eu-west-1")[0]; got != "arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy" {
		t.Errorf("commercial: %s", got)
	}
}

func TestVersionSteps(t *testing.T) {
	tests := map[string]struct {
		from, to string
		want     []string
	}{
		"one minor":  {"1.29", "1.30", []string{"1.30"}},
		"two minors": {"1.29", "1.31", []string{"1.30", "1.31"}},
		"same":       {"1.31", "1.31", nil},
		"downgrade":  {"1.31", "1.30", nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, versionSteps(tt.from, tt.to)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestTagSteps(t *testing.T) {
	got := tagSteps("TagResource", "UntagResource", map[string]string{"a": "1", "b": "2"}, map[string]string{"a": "9", "c": "3"})
	want := []Step{
		{Call: "TagResource", Detail: "set 2 tags", Paths: []string{"tags"}},
		{Call: "UntagResource", Detail: "remove 1 tag", Paths: []string{"tags"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got := liveTags(map[string]string{"aws:cloudformation:stack-name": "x", "k": "v"}); len(got) != 1 {
		t.Errorf("liveTags kept AWS's own tags: %v", got)
	}
}

func TestNames(t *testing.T) {
	long := strings.Repeat("c", 100)
	tests := map[string]struct {
		got     string
		want    string
		wantLen int
	}{
		"cluster role":      {got: ClusterRoleName("demo", "us-east-1"), want: "eksctl-lite-demo-us-east-1-cluster"},
		"node role":         {got: NodeRoleName("demo", "us-east-1"), want: "eksctl-lite-demo-us-east-1-node"},
		"fargate role":      {got: PodExecutionRoleName("demo", "us-east-1"), want: "eksctl-lite-demo-us-east-1-fargate"},
		"long cluster name": {got: ClusterRoleName(long, "ap-southeast-1"), wantLen: 64},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if tt.want != "" && tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
			if tt.wantLen != 0 && len(tt.got) != tt.wantLen {
				t.Errorf("len(%q) = %d, want %d", tt.got, len(tt.got), tt.wantLen)
			}
		})
	}
	if ClusterRoleName(long, "us-east-1") == NodeRoleName(long, "us-east-1") {
		t.Error("truncated names of different roles collide")
	}
	// IAM is global: the same cluster name in two regions must not share
	// roles, even when the names are truncated.
	for _, f := range []func(string, string) string{ClusterRoleName, NodeRoleName, PodExecutionRoleName} {
		for _, cluster := range []string{"demo", long} {
			if a, b := f(cluster, "us-east-1"), f(cluster, "eu-west-1"); a == b {
				t.Errorf("role name %q is the same in two regions", a)
			}
		}
	}
	a := &NodeGroupAttrs{InstanceTypes: []string{"m5.large"}}
	b := &NodeGroupAttrs{InstanceTypes: []string{"m5.xlarge"}}
	if replacementNodeGroupName("g", a) == replacementNodeGroupName("g", b) || replacementNodeGroupName("g", a) != replacementNodeGroupName("g", a) {
		t.Error("replacement names must be deterministic and differ with the attributes")
	}
	if n := replacementNodeGroupName(strings.Repeat("n", 63), a); len(n) != 63 {
		t.Errorf("replacement name %q is %d characters, want 63", n, len(n))
	}
}

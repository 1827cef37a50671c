package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// podIdentity wraps attribute lines in a pod_identity "p" block for
// apps/p of a valid cluster: the extra lines start on line 6.
func podIdentity(lines string) string {
	return inCluster("  pod_identity \"p\" {\n    namespace = \"apps\"\n    service_account = \"p\"\n" + lines + "\n  }")
}

// block is an HCL block of type typ with label label holding lines.
func block(typ, label, lines string) string {
	return "  " + typ + " \"" + label + "\" {\n" + lines + "\n  }\n"
}

func TestPodIdentityRules(t *testing.T) {
	tests := map[string]struct {
		give string
		want []string
	}{
		"managed role, no policies": {
			give: podIdentity(""),
		},
		"missing service account": {
			give: inCluster("  pod_identity \"p\" {\n    namespace = \"apps\"\n  }"),
			want: []string{"main.hcl:3,20: Missing required argument"},
		},
		"invalid label": {
			give: inCluster("  pod_identity \"p.q\" {\n    namespace = \"apps\"\n    service_account = \"p\"\n  }"),
			want: []string{"main.hcl:3,16: Invalid Pod Identity name"},
		},
		"invalid namespace": {
			give: inCluster("  pod_identity \"p\" {\n    namespace = \"apps-*\"\n    service_account = \"p\"\n  }"),
			want: []string{"main.hcl:4,17: Invalid namespace"},
		},
		"invalid service account": {
			give: inCluster("  pod_identity \"p\" {\n    namespace = \"apps\"\n    service_account = \"P\"\n  }"),
			want: []string{"main.hcl:5,23: Invalid service account name"},
		},
		"given role and target role": {
			give: podIdentity("    role_arn = \"arn:aws:iam::111122223333:role/r\"\n    target_role_arn = \"arn:aws:iam::444455556666:role/t\""),
		},
		"given role ARN invalid": {
			give: podIdentity(`    role_arn = "arn:aws:iam::111122223333:policy/r"`),
			want: []string{"main.hcl:6,16: Invalid IAM role ARN"},
		},
		"target role ARN invalid": {
			give: podIdentity(`    target_role_arn = "t"`),
			want: []string{"main.hcl:6,23: Invalid IAM role ARN"},
		},
		"given role with managed settings": {
			give: podIdentity("    role_arn = \"arn:aws:iam::111122223333:role/r\"\n    role_name = \"r\"\n    policy_arns = []\n    inline_policy = jsonencode({})"),
			want: []string{
				"main.hcl:7,17: Managed role setting for a given role",
				"main.hcl:8,19: Managed role setting for a given role",
				"main.hcl:9,21: Managed role setting for a given role",
			},
		},
		"managed role: invalid inline policy": {
			give: podIdentity(`    inline_policy = "[]"`),
			want: []string{"main.hcl:6,21: Invalid inline policy"},
		},
		"managed role: invalid policy ARN": {
			give: podIdentity(`    policy_arns = ["s3"]`),
			want: []string{"main.hcl:6,20: Invalid policy ARN"},
		},
		"managed role: too many policies": {
			give: podIdentity(`    policy_arns = [` + policyList(21) + `]`),
			want: []string{"main.hcl:6,19: Too many managed policies"},
		},
		"managed role: role name too long": {
			give: podIdentity(`    role_name = "` + strings.Repeat("r", 65) + `"`),
			want: []string{"main.hcl:6,17: Invalid IAM role name"},
		},
		"managed role: role name reserved": {
			give: podIdentity(`    role_name = "eksctl-lite-demo-us-east-1-node"`),
			want: []string{"main.hcl:6,17: Reserved IAM role name"},
		},
		"session tags not a bool": {
			give: podIdentity(`    disable_session_tags = "no"`),
			want: []string{"main.hcl:6,28: Incorrect attribute value type"},
		},
		"tags checked": {
			give: podIdentity(`    tags = { "aws:a" = "b" }`),
			want: []string{"main.hcl:6,14: Reserved tag key"},
		},
		"duplicate label": {
			give: inCluster(block("pod_identity", "p", "    namespace = \"a\"\n    service_account = \"s\"") +
				block("pod_identity", "p", "    namespace = \"b\"\n    service_account = \"s\"")),
			want: []string{"main.hcl:7,16: Duplicate pod_identity block"},
		},

		// One service account, several blocks.
		"two pod_identity blocks for one service account": {
			give: inCluster(block("pod_identity", "p", "    namespace = \"a\"\n    service_account = \"s\"") +
				block("pod_identity", "q", "    namespace = \"a\"\n    service_account = \"s\"")),
			want: []string{"main.hcl:7,3: Duplicate Pod Identity association"},
		},
		"one service account name in two namespaces": {
			give: inCluster(block("pod_identity", "p", "    namespace = \"a\"\n    service_account = \"s\"") +
				block("pod_identity", "q", "    namespace = \"b\"\n    service_account = \"s\"")),
		},
		"pod_identity block for an add-on's service account": {
			give: inCluster(block("addon", "vpc-cni", "    pod_identity \"aws-node\" { role_arn = \"arn:aws:iam::111122223333:role/a\" }") +
				block("pod_identity", "cni", "    namespace = \"kube-system\"\n    service_account = \"aws-node\"")),
			want: []string{"main.hcl:4,5: Duplicate Pod Identity association"},
		},
		"pod_identity block for a namesake in another namespace": {
			give: inCluster(block("addon", "vpc-cni", "    pod_identity \"aws-node\" { role_arn = \"arn:aws:iam::111122223333:role/a\" }") +
				block("pod_identity", "cni", "    namespace = \"apps\"\n    service_account = \"aws-node\"")),
		},
		"two add-ons for one service account": {
			give: inCluster(block("addon", "a", "    pod_identity \"s\" { role_arn = \"arn:aws:iam::111122223333:role/a\" }") +
				block("addon", "b", "    pod_identity \"s\" { role_arn = \"arn:aws:iam::111122223333:role/b\" }")),
			want: []string{"main.hcl:7,5: Duplicate Pod Identity association"},
		},
		"irsa and pod_identity for one service account": {
			give: inCluster(block("irsa", "r", "    namespace = \"a\"\n    service_account = \"s\"") +
				block("pod_identity", "p", "    namespace = \"a\"\n    service_account = \"s\"")),
			want: []string{"main.hcl:7,3: IRSA and Pod Identity for one service account"},
		},
		"pod_identity before irsa for one service account": {
			give: inCluster(block("pod_identity", "p", "    namespace = \"a\"\n    service_account = \"s\"") +
				block("irsa", "r", "    namespace = \"a\"\n    service_account = \"s\"")),
			want: []string{"main.hcl:3,3: IRSA and Pod Identity for one service account"},
		},
		"irsa and an add-on's pod_identity for one service account": {
			give: inCluster(block("irsa", "cni", "    namespace = \"kube-system\"\n    service_account = \"aws-node\"") +
				block("addon", "vpc-cni", "    pod_identity \"aws-node\" { role_arn = \"arn:aws:iam::111122223333:role/a\" }")),
			want: []string{"main.hcl:8,5: IRSA and Pod Identity for one service account"},
		},
		"irsa and pod_identity in two clusters": {
			give: inCluster(block("irsa", "r", "    namespace = \"a\"\n    service_account = \"s\"")) +
				strings.Replace(inCluster(block("pod_identity", "p", "    namespace = \"a\"\n    service_account = \"s\"")), `"demo"`, `"other"`, 1),
		},
		"invalid namespaces are not compared": {
			give: inCluster(block("pod_identity", "p", "    namespace = \"A\"\n    service_account = \"s\"") +
				block("pod_identity", "q", "    namespace = \"A\"\n    service_account = \"s\"")),
			want: []string{"main.hcl:4,17: Invalid namespace", "main.hcl:8,17: Invalid namespace"},
		},
		"invalid irsa namespace is not compared": {
			give: inCluster(block("irsa", "r", "    namespace = \"A\"\n    service_account = \"s\"") +
				block("pod_identity", "p", "    namespace = \"A\"\n    service_account = \"s\"")),
			want: []string{"main.hcl:4,17: Invalid namespace", "main.hcl:8,17: Invalid namespace"},
		},

		// Managed role names, across kinds and clusters.
		"pod_identity role name taken by irsa": {
			give: inCluster(block("irsa", "r", "    namespace = \"a\"\n    service_account = \"s\"\n    role_name = \"shared\"") +
				block("pod_identity", "p", "    namespace = \"b\"\n    service_account = \"s\"\n    role_name = \"Shared\"")),
			want: []string{"main.hcl:11,17: Duplicate IAM role name"},
		},
		"default role names of irsa and pod_identity with one label": {
			give: inCluster(block("irsa", "x", "    namespace = \"a\"\n    service_account = \"s\"") +
				block("pod_identity", "x", "    namespace = \"b\"\n    service_account = \"s\"")),
			want: []string{"main.hcl:7,3: Duplicate IAM role name"},
		},
		"add-on role name taken by a pod_identity": {
			give: inCluster(block("pod_identity", "p", "    namespace = \"b\"\n    service_account = \"s\"\n    role_name = \"cni\"") +
				block("addon", "vpc-cni", "    pod_identity \"aws-node\" {\n      policy_arns = [\"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy\"]\n      role_name = \"CNI\"\n    }")),
			want: []string{"main.hcl:11,19: Duplicate IAM role name"},
		},
		"given roles have no name to clash": {
			give: inCluster(block("pod_identity", "p", "    namespace = \"a\"\n    service_account = \"s\"\n    role_arn = \"arn:aws:iam::111122223333:role/demo-q\"") +
				block("pod_identity", "q", "    namespace = \"b\"\n    service_account = \"s\"\n    role_arn = \"arn:aws:iam::111122223333:role/demo-q\"")),
		},
		"pod_identity role name taken in another cluster": {
			give: inCluster(block("pod_identity", "p", "    namespace = \"a\"\n    service_account = \"s\"")) +
				strings.Replace(inCluster(block("pod_identity", "p", "    namespace = \"a\"\n    service_account = \"s\"\n    role_name = \"demo-p\"")), `"demo"`, `"other"`, 1),
			want: []string{"main.hcl:14,17: Duplicate IAM role name"},
		},
		"cluster named in the reserved prefix gets defaults outside it": {
			give: strings.Replace(inCluster(block("pod_identity", "p", "    namespace = \"a\"\n    service_account = \"s\"")+
				block("addon", "vpc-cni", "    pod_identity \"aws-node\" { policy_arns = [\"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy\"] }")), `"demo"`, `"eksctl-lite-x"`, 1),
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := load(t, tt.give, nil, nil)
			if diff := cmp.Diff(tt.want, brief(diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// The message about IRSA and Pod Identity must say which one EKS uses,
// where that is documented, and what to do.
func TestIRSAAndPodIdentityMessage(t *testing.T) {
	_, diags := load(t, inCluster(block("irsa", "r", "    namespace = \"a\"\n    service_account = \"s\"")+
		block("pod_identity", "p", "    namespace = \"a\"\n    service_account = \"s\"")), nil, nil)
	if len(diags) != 1 {
		t.Fatalf("diagnostics %v, want one", brief(diags))
	}
	for _, want := range []string{`pod_identity block "p"`, `irsa block "r"`, "main.hcl:3,3", "irsa role would win", "web identity token", "Understand how EKS Pod Identity works", "Remove one"} {
		if !strings.Contains(diags[0].Detail, want) {
			t.Errorf("detail lacks %q: %s", want, diags[0].Detail)
		}
	}
}

func TestLoadPodIdentities(t *testing.T) {
	cfg, diags := load(t, inCluster(`  pod_identity "s3-reader" {
    namespace       = "apps"
    service_account = "s3-reader"
    policy_arns     = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    inline_policy   = jsonencode({ Version = "2012-10-17", Statement = [] })
    tags            = { team = "apps" }
  }
  pod_identity "given" {
    namespace            = "apps"
    service_account      = "given"
    role_arn             = "arn:aws:iam::111122223333:role/given"
    target_role_arn      = "arn:aws:iam::444455556666:role/target"
    disable_session_tags = true
  }`), nil, nil)
	if len(diags) > 0 {
		t.Fatal(brief(diags))
	}
	want := []*PodIdentity{{
		Name:           "s3-reader",
		Namespace:      "apps",
		ServiceAccount: "s3-reader",
		RoleName:       "demo-s3-reader",
		PolicyARNs:     []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
		InlinePolicy:   `{"Statement":[],"Version":"2012-10-17"}`,
		Tags:           map[string]string{"team": "apps"},
	}, {
		Name:               "given",
		Namespace:          "apps",
		ServiceAccount:     "given",
		RoleARN:            "arn:aws:iam::111122223333:role/given",
		TargetRoleARN:      "arn:aws:iam::444455556666:role/target",
		DisableSessionTags: true,
	}}
	c := cfg.Clusters[0]
	if diff := cmp.Diff(want, c.PodIdentities, ignoreRanges); diff != "" {
		t.Errorf("pod identities (-want +got):\n%s", diff)
	}
	if got := c.PodIdentities[1].AttrRange("role_arn").String(); got != "main.hcl:13,28-66" {
		t.Errorf("role_arn range %s, want main.hcl:13,28-66", got)
	}
	if got := c.PodIdentities[0].AttrRange("role_arn"); got != c.PodIdentities[0].DeclRange {
		t.Errorf("role_arn not written: range %s, want the block's", got)
	}
}

func TestDerivedRoleNames(t *testing.T) {
	long := "a-cluster-name-that-is-quite-long-indeed-for-eks"
	tests := map[string]struct {
		got, want string
	}{
		"pod identity":                      {PodIdentityRoleName("demo", "s3-reader"), "demo-s3-reader"},
		"pod identity, reserved cluster":    {PodIdentityRoleName("eksctl-lite-x", "p"), "pod-identity-eksctl-lite-x-p"},
		"pod identity, too long":            {PodIdentityRoleName(long, "external-dns-controller"), "a-cluster-name-that-is-quite-long-indeed-for-eks-extern-5e9a723f"},
		"pod identity and irsa agree":       {PodIdentityRoleName(long, "x"), IRSARoleName(long, "x")},
		"add-on":                            {AddonPodIdentityRoleName("demo", "vpc-cni", "aws-node"), "demo-vpc-cni-aws-node"},
		"add-on, reserved cluster":          {AddonPodIdentityRoleName("EKSCTL-LITE-x", "vpc-cni", "aws-node"), "addon-EKSCTL-LITE-x-vpc-cni-aws-node"},
		"add-on, too long":                  {AddonPodIdentityRoleName(long, "aws-ebs-csi-driver", "ebs-csi-controller-sa"), "a-cluster-name-that-is-quite-long-indeed-for-eks-aws-eb-29b5eca7"},
		"add-on, other service account":     {AddonPodIdentityRoleName(long, "aws-ebs-csi-driver", "ebs-csi-node-sa"), "a-cluster-name-that-is-quite-long-indeed-for-eks-aws-eb-81fd5514"},
		"add-on, parts split differently":   {AddonPodIdentityRoleName(long+"-x", "y", "z"), "a-cluster-name-that-is-quite-long-indeed-for-eks-x-y-z"},
		"add-on, long service account name": {AddonPodIdentityRoleName("c", "a", strings.Repeat("s", 70)), "c-a-" + strings.Repeat("s", 51) + "-90577639"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("role name %q, want %q", tt.got, tt.want)
			}
			if len(tt.got) > 64 || !roleNameRE.MatchString(tt.got) {
				t.Errorf("%q is not a valid IAM role name", tt.got)
			}
			if reservedRoleName(tt.got) {
				t.Errorf("%q starts with the prefix reserved for managed roles", tt.got)
			}
		})
	}
	// Long names that differ only past the cut differ in their hash.
	a := AddonPodIdentityRoleName(long, "aws-ebs-csi-driver", "a")
	b := AddonPodIdentityRoleName(long, "aws-ebs-csi-driver", "b")
	if a == b {
		t.Errorf("two service accounts get one role name, %q", a)
	}
}

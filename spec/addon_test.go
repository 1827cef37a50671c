package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// addon wraps attribute and block lines in an addon "vpc-cni" block of a
// valid cluster: the lines start on line 4.
func addon(lines string) string {
	return inCluster("  addon \"vpc-cni\" {\n" + lines + "\n  }")
}

func TestAddonRules(t *testing.T) {
	tests := map[string]struct {
		give string
		want []string
	}{
		"nothing but the name": {
			give: inCluster(`  addon "coredns" {}`),
		},
		"marketplace name": {
			give: inCluster(`  addon "kubecost_kubecost" {}`),
		},
		"invalid name": {
			give: inCluster(`  addon "VPC CNI" {}`),
			want: []string{"main.hcl:3,9: Invalid add-on name"},
		},
		"duplicate add-on": {
			give: inCluster("  addon \"coredns\" {}\n  addon \"coredns\" { version = \"latest\" }"),
			want: []string{"main.hcl:4,9: Duplicate add-on"},
		},
		"version keywords and exact versions": {
			give: inCluster("  addon \"a\" { version = \"default\" }\n  addon \"b\" { version = \"latest\" }\n  addon \"c\" { version = \"v1.19.2-eksbuild.1\" }\n  addon \"d\" { version = \"v0.1.0\" }"),
		},
		"version keyword in capitals": {
			give: addon(`    version = "LATEST"`),
			want: []string{"main.hcl:4,15: Invalid add-on version"},
		},
		"version without v": {
			give: addon(`    version = "1.19.2-eksbuild.1"`),
			want: []string{"main.hcl:4,15: Invalid add-on version"},
		},
		"Kubernetes version as add-on version": {
			give: addon(`    version = "1.31"`),
			want: []string{"main.hcl:4,15: Invalid add-on version"},
		},
		"configuration values from jsonencode": {
			give: addon(`    configuration_values = jsonencode({ env = { ENABLE_PREFIX_DELEGATION = "true" } })`),
		},
		"configuration values empty": {
			give: addon(`    configuration_values = ""`),
		},
		"configuration values not JSON": {
			give: addon(`    configuration_values = "env: {}"`),
			want: []string{"main.hcl:4,28: Invalid configuration values"},
		},
		"configuration values a JSON array": {
			give: addon(`    configuration_values = jsonencode([1])`),
			want: []string{"main.hcl:4,28: Invalid configuration values"},
		},
		"resolve conflicts": {
			give: inCluster("  addon \"a\" { resolve_conflicts = \"OVERWRITE\" }\n  addon \"b\" { resolve_conflicts = \"PRESERVE\" }\n  addon \"c\" { resolve_conflicts = \"NONE\" }"),
		},
		"unknown resolve conflicts": {
			give: addon(`    resolve_conflicts = "overwrite"`),
			want: []string{"main.hcl:4,25: Invalid resolve_conflicts value"},
		},
		"service account role ARN not a role": {
			give: addon(`    service_account_role_arn = "arn:aws:iam::111122223333:user/u"`),
			want: []string{"main.hcl:4,32: Invalid IAM role ARN"},
		},
		"preserve on delete not a bool": {
			give: addon(`    preserve_on_delete = "yes"`),
			want: []string{"main.hcl:4,26: Incorrect attribute value type"},
		},
		"add-on tags checked": {
			give: addon(`    tags = { "eksctl-lite/x" = "y" }`),
			want: []string{"main.hcl:4,14: Reserved tag key"},
		},

		// pod_identity of an add-on
		"given role": {
			give: addon("    pod_identity \"aws-node\" { role_arn = \"arn:aws:iam::111122223333:role/cni\" }"),
		},
		"managed role": {
			give: addon("    pod_identity \"aws-node\" { policy_arns = [\"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy\"] }"),
		},
		"no role": {
			give: addon(`    pod_identity "aws-node" {}`),
			want: []string{"main.hcl:4,18: No role for the add-on's service account"},
		},
		"given and managed role": {
			give: addon("    pod_identity \"aws-node\" {\n      role_arn    = \"arn:aws:iam::111122223333:role/cni\"\n      policy_arns = [\"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy\"]\n    }"),
			want: []string{"main.hcl:6,21: Role given and managed"},
		},
		"role name for a given role": {
			give: addon("    pod_identity \"aws-node\" {\n      role_arn  = \"arn:aws:iam::111122223333:role/cni\"\n      role_name = \"cni\"\n    }"),
			want: []string{"main.hcl:6,19: Role name for a given role"},
		},
		"managed role without policies": {
			give: addon(`    pod_identity "aws-node" { policy_arns = [] }`),
			want: []string{"main.hcl:4,45: No policy for the add-on's role"},
		},
		"given role ARN invalid": {
			give: addon(`    pod_identity "aws-node" { role_arn = "cni" }`),
			want: []string{"main.hcl:4,42: Invalid IAM role ARN"},
		},
		"managed role: policy ARN invalid": {
			give: addon(`    pod_identity "aws-node" { policy_arns = ["AmazonEKS_CNI_Policy"] }`),
			want: []string{"main.hcl:4,46: Invalid policy ARN"},
		},
		"managed role: too many policies": {
			give: addon(`    pod_identity "aws-node" { policy_arns = [` + policyList(21) + `] }`),
			want: []string{"main.hcl:4,45: Too many managed policies"},
		},
		"managed role: role name invalid": {
			give: addon("    pod_identity \"aws-node\" {\n      policy_arns = [\"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy\"]\n      role_name = \"a/b\"\n    }"),
			want: []string{"main.hcl:6,19: Invalid IAM role name"},
		},
		"managed role: role name reserved": {
			give: addon("    pod_identity \"aws-node\" {\n      policy_arns = [\"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy\"]\n      role_name = \"EKSCTL-LITE-cni\"\n    }"),
			want: []string{"main.hcl:6,19: Reserved IAM role name"},
		},
		"service account label invalid": {
			give: addon(`    pod_identity "aws_node" { role_arn = "arn:aws:iam::111122223333:role/cni" }`),
			want: []string{"main.hcl:4,18: Invalid service account name"},
		},
		"two pod_identity blocks for one service account": {
			give: addon("    pod_identity \"aws-node\" { role_arn = \"arn:aws:iam::111122223333:role/a\" }\n    pod_identity \"aws-node\" { role_arn = \"arn:aws:iam::111122223333:role/b\" }"),
			want: []string{"main.hcl:5,18: Duplicate add-on pod_identity block"},
		},
		"IRSA and Pod Identity on one add-on": {
			give: addon("    service_account_role_arn = \"arn:aws:iam::111122223333:role/irsa\"\n    pod_identity \"aws-node\" { role_arn = \"arn:aws:iam::111122223333:role/cni\" }"),
			want: []string{"main.hcl:4,32: warning: IRSA and Pod Identity on one add-on"},
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

// policyList is n distinct policy ARNs, written as HCL list elements.
func policyList(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`"arn:aws:iam::111122223333:policy/p` + string(rune('a'+i)) + `"`)
	}
	return b.String()
}

func TestLoadAddons(t *testing.T) {
	cfg, diags := load(t, inCluster(`  addon "coredns" {}
  addon "vpc-cni" {
    version                  = "v1.19.2-eksbuild.1"
    configuration_values     = jsonencode({ env = { ENABLE_PREFIX_DELEGATION = "true" } })
    resolve_conflicts        = "PRESERVE"
    preserve_on_delete       = true
    tags                     = { team = "net" }
    pod_identity "aws-node" {
      policy_arns = ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]
    }
    pod_identity "other" {
      policy_arns = ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]
      role_name   = "cni-other"
    }
  }
  addon "aws-ebs-csi-driver" {
    service_account_role_arn = "arn:aws:iam::111122223333:role/ebs"
  }
  addon "aws-efs-csi-driver" {
    pod_identity "efs-csi-controller-sa" {
      role_arn = "arn:aws:iam::111122223333:role/efs"
    }
  }`), nil, nil)
	if len(diags) > 0 {
		t.Fatal(brief(diags))
	}
	want := []*Addon{{
		Name:             "coredns",
		Version:          "default",
		ResolveConflicts: "OVERWRITE",
	}, {
		Name:                "vpc-cni",
		Version:             "v1.19.2-eksbuild.1",
		ConfigurationValues: `{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}`,
		ResolveConflicts:    "PRESERVE",
		PreserveOnDelete:    true,
		Tags:                map[string]string{"team": "net"},
		PodIdentities: []*AddonPodIdentity{{
			ServiceAccount: "aws-node",
			RoleName:       "demo-vpc-cni-aws-node",
			PolicyARNs:     []string{"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"},
		}, {
			ServiceAccount: "other",
			RoleName:       "cni-other",
			PolicyARNs:     []string{"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"},
		}},
	}, {
		Name:                  "aws-ebs-csi-driver",
		Version:               "default",
		ResolveConflicts:      "OVERWRITE",
		ServiceAccountRoleARN: "arn:aws:iam::111122223333:role/ebs",
	}, {
		Name:             "aws-efs-csi-driver",
		Version:          "default",
		ResolveConflicts: "OVERWRITE",
		PodIdentities: []*AddonPodIdentity{{
			ServiceAccount: "efs-csi-controller-sa",
			// A given role has no name of ours.
			RoleARN: "arn:aws:iam::111122223333:role/efs",
		}},
	}}
	c := cfg.Clusters[0]
	if diff := cmp.Diff(want, c.Addons, ignoreRanges); diff != "" {
		t.Errorf("add-ons (-want +got):\n%s", diff)
	}
	if got := c.Addons[1].AttrRange("version").String(); got != "main.hcl:5,32-52" {
		t.Errorf("version range %s, want main.hcl:5,32-52", got)
	}
	if got := c.Addons[1].PodIdentities[1].AttrRange("role_name").String(); got != "main.hcl:15,21-32" {
		t.Errorf("role_name range %s, want main.hcl:15,21-32", got)
	}
}

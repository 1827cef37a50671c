package spec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// inCluster wraps body lines in a valid cluster block: body starts on line 3.
func inCluster(body string) string {
	return "cluster \"demo\" {\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n" + body + "\n}\n"
}

// nodeGroup wraps attribute lines in a node group with valid scaling: the
// lines start on line 4.
func nodeGroup(attrs string) string {
	return inCluster("  node_group \"ng\" {\n" + attrs + "\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }")
}

func TestValidationRules(t *testing.T) {
	tests := map[string]struct {
		give string
		want []string
	}{
		// Syntax and schema.
		"syntax error": {
			give: "cluster \"demo\" {\n  vpc { subnet_ids = [\"subnet-00000001\" \"subnet-00000002\"] }\n}",
			want: []string{"main.hcl:2,41: Missing item separator"},
		},
		"unknown attribute": {
			give: inCluster(`  verison = "1.31"`),
			want: []string{"main.hcl:3,3: Unsupported argument"},
		},
		"unknown block": {
			give: inCluster(`  nodegroup "x" {}`),
			want: []string{"main.hcl:3,3: Unsupported block type"},
		},
		"unknown top-level block": {
			give: inCluster("") + `clusters "x" {}`,
			want: []string{"main.hcl:5,1: Unsupported block type"},
		},
		"wrong type": {
			give: nodeGroup(`    disk_size = "big"`),
			want: []string{"main.hcl:4,17: Incorrect attribute value type"},
		},
		"wrong type in a list": {
			give: nodeGroup(`    instance_types = "m6i.large"`),
			want: []string{"main.hcl:4,22: Incorrect attribute value type"},
		},
		"missing required attribute": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"apps\"\n  }"),
			want: []string{"main.hcl:3,12: Missing required argument"},
		},
		"required attribute set to null": {
			give: inCluster("  irsa \"r\" {\n    namespace       = null\n    service_account = \"r\"\n  }"),
			want: []string{"main.hcl:4,23: Missing required argument"},
		},
		"required attribute set to null by a variable": {
			give: "variable \"n\" {\n  default = null\n}\ncluster \"demo\" {\n  vpc { subnet_ids = var.n }\n}\n",
			want: []string{"main.hcl:5,22: Missing required argument"},
		},
		"required nested attribute set to null": {
			give: inCluster("  node_group \"ng\" {\n    scaling {\n      min_size = null\n      max_size = 2\n    }\n  }"),
			want: []string{"main.hcl:5,18: Missing required argument"},
		},
		"missing vpc": {
			give: `cluster "demo" {}`,
			want: []string{"main.hcl:1,9: Missing vpc block"},
		},
		"missing scaling": {
			give: inCluster(`  node_group "ng" {}`),
			want: []string{"main.hcl:3,14: Missing scaling block"},
		},
		"two scaling blocks": {
			give: inCluster("  node_group \"ng\" {\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n    scaling {\n      min_size = 1\n      max_size = 3\n    }\n  }"),
			want: []string{"main.hcl:8,5: Duplicate scaling block"},
		},
		"missing cluster label": {
			give: `cluster { }`,
			want: []string{"main.hcl:1,9: Missing name for cluster"},
		},
		"no cluster": {
			give: `variable "x" { default = 1 }`,
			want: []string{"main.hcl:1,1: No cluster in the configuration"},
		},
		"duplicate vpc": {
			give: inCluster(`  vpc { subnet_ids = ["subnet-00000003", "subnet-00000004"] }`),
			want: []string{"main.hcl:3,3: Duplicate vpc block"},
		},

		// Duplicate labels at every level.
		"duplicate cluster": {
			give: inCluster("") + inCluster(""),
			want: []string{"main.hcl:5,9: Duplicate cluster"},
		},
		"duplicate node group": {
			give: inCluster("  node_group \"a\" {\n    scaling {\n      min_size = 1\n      max_size = 1\n    }\n  }\n  node_group \"a\" {\n    scaling {\n      min_size = 1\n      max_size = 1\n    }\n  }"),
			want: []string{"main.hcl:9,14: Duplicate node group"},
		},
		"duplicate fargate profile": {
			give: inCluster("  fargate_profile \"f\" {\n    selector { namespace = \"a\" }\n  }\n  fargate_profile \"f\" {\n    selector { namespace = \"b\" }\n  }"),
			want: []string{"main.hcl:6,19: Duplicate Fargate profile"},
		},
		"duplicate irsa label": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"a\"\n  }\n  irsa \"r\" {\n    namespace = \"b\"\n    service_account = \"b\"\n  }"),
			want: []string{"main.hcl:7,8: Duplicate irsa block"},
		},
		"duplicate taint": {
			give: nodeGroup("    taint {\n      key = \"a\"\n      effect = \"NO_SCHEDULE\"\n    }\n    taint {\n      key = \"a\"\n      value = \"b\"\n      effect = \"NO_SCHEDULE\"\n    }"),
			want: []string{"main.hcl:8,5: Duplicate taint"},
		},
		"same taint key with another effect is fine": {
			give: nodeGroup("    taint {\n      key = \"a\"\n      effect = \"NO_SCHEDULE\"\n    }\n    taint {\n      key = \"a\"\n      effect = \"NO_EXECUTE\"\n    }"),
		},

		// Names.
		"cluster name with a dot": {
			give: "cluster \"my.cluster\" {\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n}",
			want: []string{"main.hcl:1,9: Invalid cluster name"},
		},
		"cluster name starting with a dash": {
			give: "cluster \"-x\" {\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n}",
			want: []string{"main.hcl:1,9: Invalid cluster name"},
		},
		"cluster name of 100 characters is fine": {
			give: "cluster \"" + strings.Repeat("c", 100) + "\" {\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n}",
		},
		"cluster name of 101 characters": {
			give: "cluster \"" + strings.Repeat("c", 101) + "\" {\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n}",
			want: []string{"main.hcl:1,9: Invalid cluster name"},
		},
		"node group name of 64 characters": {
			give: inCluster("  node_group \"" + strings.Repeat("n", 64) + "\" {\n    scaling {\n      min_size = 1\n      max_size = 1\n    }\n  }"),
			want: []string{"main.hcl:3,14: Invalid node group name"},
		},
		"fargate profile name with a space": {
			give: inCluster("  fargate_profile \"a b\" {\n    selector { namespace = \"a\" }\n  }"),
			want: []string{"main.hcl:3,19: Invalid Fargate profile name"},
		},
		"irsa namespace not a DNS label": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"Apps\"\n    service_account = \"a\"\n  }"),
			want: []string{"main.hcl:4,17: Invalid namespace"},
		},
		"irsa service account not a DNS name": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"apps\"\n    service_account = \"my_sa\"\n  }"),
			want: []string{"main.hcl:5,23: Invalid service account name"},
		},
		"fargate namespace with upper case": {
			give: inCluster("  fargate_profile \"f\" {\n    selector { namespace = \"Kube-System\" }\n  }"),
			want: []string{"main.hcl:4,28: Invalid namespace"},
		},

		// Versions.
		"version not major.minor": {
			give: inCluster(`  version = "1.31.2"`),
			want: []string{"main.hcl:3,13: Invalid Kubernetes version"},
		},
		"version as a number": {
			give: inCluster(`  version = 1.3`),
			want: []string{"main.hcl:3,13: Invalid Kubernetes version"},
		},
		// Which versions exist is EKS's to say, at plan time: validate
		// takes any 1.NN, old or not yet released.
		"old version is plan's to refuse": {
			give: inCluster(`  version = "1.29"`),
		},
		"new version is plan's to refuse": {
			give: inCluster(`  version = "1.36"`),
		},
		"three-digit minor": {
			give: inCluster(`  version = "1.100"`),
		},
		"one-digit minor": {
			give: inCluster(`  version = "1.9"`),
			want: []string{"main.hcl:3,13: Invalid Kubernetes version"},
		},
		"node group newer than cluster": {
			give: strings.Replace(nodeGroup(`    version = "1.32"`), "cluster \"demo\" {", "cluster \"demo\" {\n  version = \"1.31\"", 1),
			want: []string{"main.hcl:5,15: Node group version newer than cluster"},
		},
		"node group older than cluster is fine": {
			give: strings.Replace(nodeGroup(`    version = "1.30"`), "cluster \"demo\" {", "cluster \"demo\" {\n  version = \"1.31\"", 1),
		},

		// Scaling and update.
		"min greater than max": {
			give: inCluster("  node_group \"ng\" {\n    scaling {\n      min_size = 3\n      max_size = 2\n    }\n  }"),
			want: []string{"main.hcl:5,18: Invalid scaling"},
		},
		"negative min": {
			give: inCluster("  node_group \"ng\" {\n    scaling {\n      min_size = -1\n      max_size = 2\n    }\n  }"),
			want: []string{"main.hcl:5,18: Invalid scaling"},
		},
		"max zero": {
			give: inCluster("  node_group \"ng\" {\n    scaling {\n      min_size = 0\n      max_size = 0\n    }\n  }"),
			want: []string{"main.hcl:6,18: Invalid scaling"},
		},
		"desired above max": {
			give: inCluster("  node_group \"ng\" {\n    scaling {\n      min_size = 0\n      max_size = 2\n      desired_size = 3\n    }\n  }"),
			want: []string{"main.hcl:7,22: Invalid scaling"},
		},
		"desired below min": {
			give: inCluster("  node_group \"ng\" {\n    scaling {\n      min_size = 2\n      max_size = 4\n      desired_size = 1\n    }\n  }"),
			want: []string{"main.hcl:7,22: Invalid scaling"},
		},
		"min zero desired zero is fine": {
			give: inCluster("  node_group \"ng\" {\n    scaling {\n      min_size = 0\n      max_size = 1\n      desired_size = 0\n    }\n  }"),
		},
		"update settings both set": {
			give: nodeGroup("    update {\n      max_unavailable = 1\n      max_unavailable_percentage = 10\n    }"),
			want: []string{"main.hcl:6,36: Conflicting update settings"},
		},
		"max unavailable zero": {
			give: nodeGroup("    update { max_unavailable = 0 }"),
			want: []string{"main.hcl:4,32: Invalid update setting"},
		},
		"max unavailable percentage above 100": {
			give: nodeGroup("    update { max_unavailable_percentage = 101 }"),
			want: []string{"main.hcl:4,43: Invalid update setting"},
		},

		// Enums.
		"ami type": {
			give: nodeGroup(`    ami_type = "AL2_X86_64"`),
			want: []string{"main.hcl:4,16: Invalid AMI type"},
		},
		"custom ami type needs a launch template's ami_id": {
			give: nodeGroup(`    ami_type = "CUSTOM"`),
			want: []string{"main.hcl:4,16: Custom AMI type without an AMI"},
		},
		"capacity type": {
			give: nodeGroup(`    capacity_type = "spot"`),
			want: []string{"main.hcl:4,21: Invalid capacity type"},
		},
		"taint effect": {
			give: nodeGroup("    taint {\n      key = \"a\"\n      effect = \"NoSchedule\"\n    }"),
			want: []string{"main.hcl:6,16: Invalid taint effect"},
		},
		"logging type": {
			give: inCluster(`  logging { types = ["api", "audits"] }`),
			want: []string{"main.hcl:3,29: Invalid log type"},
		},
		"logging type twice": {
			give: inCluster(`  logging { types = ["api", "api"] }`),
			want: []string{"main.hcl:3,29: Duplicate list element"},
		},

		// Node group attributes.
		"no instance types": {
			give: nodeGroup(`    instance_types = []`),
			want: []string{"main.hcl:4,22: No instance type"},
		},
		"instance type without size": {
			give: nodeGroup(`    instance_types = ["m6i"]`),
			want: []string{"main.hcl:4,23: Invalid instance type"},
		},
		"disk size zero": {
			give: nodeGroup(`    disk_size = 0`),
			want: []string{"main.hcl:4,17: Invalid disk size"},
		},
		"empty node group subnets": {
			give: nodeGroup(`    subnet_ids = []`),
			want: []string{"main.hcl:4,18: No subnet"},
		},
		"empty release version": {
			give: nodeGroup(`    release_version = ""`),
			want: []string{"main.hcl:4,23: Empty release version"},
		},
		"label key": {
			give: nodeGroup(`    labels = { "bad key" = "v" }`),
			want: []string{"main.hcl:4,16: Invalid Kubernetes label key"},
		},
		"label value": {
			give: nodeGroup(`    labels = { role = "-x-" }`),
			want: []string{"main.hcl:4,16: Invalid Kubernetes label value"},
		},
		"taint key": {
			give: nodeGroup("    taint {\n      key = \"a b\"\n      effect = \"NO_SCHEDULE\"\n    }"),
			want: []string{"main.hcl:5,13: Invalid taint key"},
		},

		// Fargate.
		"no selector": {
			give: inCluster("  fargate_profile \"f\" {}"),
			want: []string{"main.hcl:3,19: Missing selector block"},
		},
		"six selectors": {
			give: inCluster("  fargate_profile \"f\" {\n" + strings.Repeat("    selector { namespace = \"a\" }\n", 6) + "  }"),
			want: []string{"main.hcl:9,5: Too many selectors"},
		},
		"six selector labels": {
			give: inCluster("  fargate_profile \"f\" {\n    selector {\n      namespace = \"a\"\n      labels = { a = \"1\", b = \"2\", c = \"3\", d = \"4\", e = \"5\", f = \"6\" }\n    }\n  }"),
			want: []string{"main.hcl:6,16: Too many selector labels"},
		},
		"selector without namespace": {
			give: inCluster("  fargate_profile \"f\" {\n    selector {}\n  }"),
			want: []string{"main.hcl:4,14: Missing required argument"},
		},

		// VPC.
		"one subnet": {
			give: "cluster \"demo\" {\n  vpc { subnet_ids = [\"subnet-00000001\"] }\n}",
			want: []string{"main.hcl:2,22: Too few subnets"},
		},
		"not a subnet ID": {
			give: "cluster \"demo\" {\n  vpc { subnet_ids = [\"subnet-00000001\", \"sn-2\"] }\n}",
			want: []string{"main.hcl:2,42: Invalid subnet ID"},
		},
		"same subnet twice": {
			give: "cluster \"demo\" {\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000001\"] }\n}",
			want: []string{"main.hcl:2,42: Duplicate list element"},
		},
		"bad CIDR": {
			give: "cluster \"demo\" {\n  vpc {\n    subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"]\n    public_access_cidrs = [\"10.0.0.0/8\", \"10.0.0.0/33\"]\n  }\n}",
			want: []string{"main.hcl:4,42: Invalid CIDR block"},
		},
		"no endpoint": {
			give: "cluster \"demo\" {\n  vpc {\n    subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"]\n    endpoint_public_access = false\n  }\n}",
			want: []string{"main.hcl:4,30: No cluster endpoint"},
		},
		"CIDRs without public endpoint": {
			give: "cluster \"demo\" {\n  vpc {\n    subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"]\n    endpoint_public_access = false\n    endpoint_private_access = true\n    public_access_cidrs = [\"10.0.0.0/8\"]\n  }\n}",
			want: []string{"main.hcl:6,27: warning: Public access CIDRs without a public endpoint"},
		},
		"bad security group": {
			give: "cluster \"demo\" {\n  vpc {\n    subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"]\n    security_group_ids = [\"group-1\"]\n  }\n}",
			want: []string{"main.hcl:4,27: Invalid security group ID"},
		},
		"six security groups": {
			give: "cluster \"demo\" {\n  vpc {\n    subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"]\n    security_group_ids = [\"sg-00000001\", \"sg-00000002\", \"sg-00000003\", \"sg-00000004\", \"sg-00000005\", \"sg-00000006\"]\n  }\n}",
			want: []string{"main.hcl:4,26: Too many security groups"},
		},
		"region": {
			give: inCluster(`  region = "US East"`),
			want: []string{"main.hcl:3,12: Invalid region"},
		},

		// ARNs.
		"cluster role ARN": {
			give: inCluster(`  role_arn = "my-role"`),
			want: []string{"main.hcl:3,14: Invalid IAM role ARN"},
		},
		"node role ARN of a user": {
			give: nodeGroup(`    node_role_arn = "arn:aws:iam::123456789012:user/bob"`),
			want: []string{"main.hcl:4,21: Invalid IAM role ARN"},
		},
		"pod execution role ARN": {
			give: inCluster("  fargate_profile \"f\" {\n    pod_execution_role_arn = \"\"\n    selector { namespace = \"a\" }\n  }"),
			want: []string{"main.hcl:4,30: Invalid IAM role ARN"},
		},
		"KMS key ARN": {
			give: inCluster(`  encryption { kms_key_arn = "alias/mine" }`),
			want: []string{"main.hcl:3,30: Invalid KMS key ARN"},
		},
		"role ARN in GovCloud is fine": {
			give: inCluster(`  role_arn = "arn:aws-us-gov:iam::123456789012:role/path/r"`),
		},

		// IRSA.
		"inline policy not JSON": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"a\"\n    inline_policy = \"{\"\n  }"),
			want: []string{"main.hcl:6,21: Invalid inline policy"},
		},
		"inline policy a JSON array": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"a\"\n    inline_policy = jsonencode([1])\n  }"),
			want: []string{"main.hcl:6,21: Invalid inline policy"},
		},
		"role name too long": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"a\"\n    role_name = \"" + strings.Repeat("r", 65) + "\"\n  }"),
			want: []string{"main.hcl:6,17: Invalid IAM role name"},
		},
		"role name with a slash": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"a\"\n    role_name = \"a/b\"\n  }"),
			want: []string{"main.hcl:6,17: Invalid IAM role name"},
		},
		"policy ARN": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"a\"\n    policy_arns = [\"AmazonS3ReadOnlyAccess\"]\n  }"),
			want: []string{"main.hcl:6,20: Invalid policy ARN"},
		},
		"two irsa blocks for one service account": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"s\"\n  }\n  irsa \"q\" {\n    namespace = \"a\"\n    service_account = \"s\"\n  }"),
			want: []string{"main.hcl:7,3: Duplicate service account"},
		},
		"same service account name in two namespaces is fine": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"s\"\n  }\n  irsa \"q\" {\n    namespace = \"b\"\n    service_account = \"s\"\n  }"),
		},
		"irsa role name in eksctl-lite's reserved prefix": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"a\"\n    role_name = \"eksctl-lite-ab-node\"\n  }"),
			want: []string{"main.hcl:6,17: Reserved IAM role name"},
		},
		"irsa role name in the reserved prefix, other case": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"a\"\n    role_name = \"EKSCTL-Lite-demo-us-east-1-cluster\"\n  }"),
			want: []string{"main.hcl:6,17: Reserved IAM role name"},
		},
		"irsa role name merely containing eksctl-lite": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"a\"\n    role_name = \"my-eksctl-lite-role\"\n  }"),
		},
		"two irsa blocks with role names differing in case": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"s\"\n    role_name = \"Reader\"\n  }\n  irsa \"q\" {\n    namespace = \"b\"\n    service_account = \"s\"\n    role_name = \"reader\"\n  }"),
			want: []string{"main.hcl:11,17: Duplicate IAM role name"},
		},
		"cluster named in the reserved prefix gets an irsa default outside it": {
			give: "cluster \"eksctl-lite-x\" {\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n  irsa \"label\" {\n    namespace = \"a\"\n    service_account = \"s\"\n  }\n}\n",
		},
		"two irsa blocks with one role name": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"s\"\n    role_name = \"x\"\n  }\n  irsa \"q\" {\n    namespace = \"b\"\n    service_account = \"s\"\n    role_name = \"x\"\n  }"),
			want: []string{"main.hcl:11,17: Duplicate IAM role name"},
		},
		"derived role name taken by another cluster's explicit one": {
			give: inCluster("  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"s\"\n  }") +
				"cluster \"other\" {\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n  irsa \"r\" {\n    namespace = \"a\"\n    service_account = \"s\"\n    role_name = \"demo-r\"\n  }\n}\n",
			want: []string{"main.hcl:13,17: Duplicate IAM role name"},
		},

		// Tags.
		"tag key with aws: prefix": {
			give: inCluster(`  tags = { "aws:owner" = "me" }`),
			want: []string{"main.hcl:3,12: Reserved tag key"},
		},
		"tag key with AWS: prefix in capitals": {
			give: inCluster(`  tags = { "AWS:owner" = "me" }`),
			want: []string{"main.hcl:3,12: Reserved tag key"},
		},
		"tag key reserved for ownership": {
			give: nodeGroup(`    tags = { "eksctl-lite/cluster" = "x" }`),
			want: []string{"main.hcl:4,14: Reserved tag key"},
		},
		"tag key too long": {
			give: inCluster(`  tags = { "` + strings.Repeat("k", 129) + `" = "v" }`),
			want: []string{"main.hcl:3,12: Invalid tag key"},
		},
		"tag key of 128 characters is fine": {
			give: inCluster(`  tags = { "` + strings.Repeat("k", 128) + `" = "v" }`),
		},
		"tag value too long": {
			give: inCluster(`  tags = { k = "` + strings.Repeat("v", 257) + `" }`),
			want: []string{"main.hcl:3,12: Invalid tag value"},
		},
		"empty tag value is fine": {
			give: inCluster(`  tags = { k = "" }`),
		},
		"tag value with a bad character": {
			give: inCluster(`  tags = { k = "a;b" }`),
			want: []string{"main.hcl:3,12: Invalid tag value"},
		},
		"too many tags": {
			give: inCluster(`  tags = { ` + manyTags(47) + ` }`),
			want: []string{"main.hcl:3,10: Too many tags"},
		},
		"46 tags": {
			give: inCluster(`  tags = { ` + manyTags(46) + ` }`),
		},
		"unknown function": {
			give: inCluster(`  tags = { for i in range(3) : "k${i}" => "v" }`),
			want: []string{"main.hcl:3,21: Call to unknown function"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := load(t, tt.give, nil, nil)
			if diff := cmp.Diff(tt.want, brief(diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s\nsource:\n%s", diff, tt.give)
			}
		})
	}
}

// manyTags writes n tags as HCL object items.
func manyTags(n int) string {
	var items []string
	for i := range n {
		items = append(items, fmt.Sprintf("k%d = \"v\"", i))
	}
	return strings.Join(items, ", ")
}

// TestEnumSuggestions checks that a value outside a fixed set names the
// allowed value the user most likely meant, and names none when nothing is
// close.
func TestEnumSuggestions(t *testing.T) {
	taint := func(effect string) string {
		return nodeGroup("    taint {\n      key    = \"k\"\n      effect = \"" + effect + "\"\n    }")
	}
	logging := func(typ string) string {
		return inCluster("  logging {\n    types = [\"" + typ + "\"]\n  }")
	}
	tests := map[string]struct {
		give    string
		want    string // brief of the one diagnostic
		suggest string // "" when no suggestion may be made
	}{
		"kubectl taint effect": {give: taint("NoSchedule"),
			want: "main.hcl:6,16: Invalid taint effect", suggest: "NO_SCHEDULE"},
		"kubectl taint effect with two words": {give: taint("PreferNoSchedule"),
			want: "main.hcl:6,16: Invalid taint effect", suggest: "PREFER_NO_SCHEDULE"},
		"taint effect with a typo": {give: taint("NO_EXECTUE"),
			want: "main.hcl:6,16: Invalid taint effect", suggest: "NO_EXECUTE"},
		"capacity type in snake case": {give: nodeGroup(`    capacity_type = "on_demand"`),
			want: "main.hcl:4,21: Invalid capacity type", suggest: "ON_DEMAND"},
		"capacity type in kebab case": {give: nodeGroup(`    capacity_type = "on-demand"`),
			want: "main.hcl:4,21: Invalid capacity type", suggest: "ON_DEMAND"},
		"capacity type in lower case": {give: nodeGroup(`    capacity_type = "spot"`),
			want: "main.hcl:4,21: Invalid capacity type", suggest: "SPOT"},
		"AMI type in lower case": {give: nodeGroup(`    ami_type = "al2023_x86_64_standard"`),
			want: "main.hcl:4,16: Invalid AMI type", suggest: "AL2023_x86_64_STANDARD"},
		"AMI type with a typo": {give: nodeGroup(`    ami_type = "AL2023_x86_64_NVIDA"`),
			want: "main.hcl:4,16: Invalid AMI type", suggest: "AL2023_x86_64_NVIDIA"},
		"log type in capitals": {give: logging("API"),
			want: "main.hcl:4,14: Invalid log type", suggest: "api"},
		"log type in snake case": {give: logging("controller_manager"),
			want: "main.hcl:4,14: Invalid log type", suggest: "controllerManager"},
		"log type with a typo": {give: logging("autenticator"),
			want: "main.hcl:4,14: Invalid log type", suggest: "authenticator"},
		"capacity type unlike any": {give: nodeGroup(`    capacity_type = "PREEMPTIBLE"`),
			want: "main.hcl:4,21: Invalid capacity type"},
		"taint effect unlike any": {give: taint("Evict"),
			want: "main.hcl:6,16: Invalid taint effect"},
		"short log type is not stretched to a real one": {give: logging("a"),
			want: "main.hcl:4,14: Invalid log type"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := load(t, tt.give, nil, nil)
			if diff := cmp.Diff([]string{tt.want}, brief(diags)); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s\nsource:\n%s", diff, tt.give)
			}
			detail := diags[0].Detail
			if tt.suggest == "" {
				if strings.Contains(detail, "Did you mean") {
					t.Errorf("detail %q suggests a value, want none", detail)
				}
				return
			}
			if want := fmt.Sprintf(" Did you mean %q? Allowed values: ", tt.suggest); !strings.Contains(detail, want) {
				t.Errorf("detail %q does not contain %q", detail, want)
			}
		})
	}
}

func TestTypeErrorsAreNotHidden(t *testing.T) {
	_, diags := load(t, "cluster \"demo\" {\n  vpc { subnet_ids = \"subnet-00000001\" }\n}", nil, nil)
	if diff := cmp.Diff([]string{"main.hcl:2,22: Incorrect attribute value type"}, brief(diags)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// TestScalingReportsEveryViolation checks that each scaling violation that
// does not follow from another one is reported, at its own attribute.
func TestScalingReportsEveryViolation(t *testing.T) {
	const (
		atMin     = "main.hcl:5,18: Invalid scaling"
		atMax     = "main.hcl:6,18: Invalid scaling"
		atDesired = "main.hcl:7,22: Invalid scaling"
	)
	tests := map[string]struct {
		min, max, desired string
		want              []string
		details           []string
	}{
		"min negative and desired above max": {min: "-1", max: "5", desired: "6",
			want:    []string{atMin, atDesired},
			details: []string{"min_size must be 0 or more, not -1.", "desired_size (6) is greater than max_size (5)."}},
		"min negative and max zero": {min: "-1", max: "0", desired: "null",
			want: []string{atMin, atMax}},
		"max zero and min above it": {min: "3", max: "0", desired: "null",
			want:    []string{atMin, atMax},
			details: []string{"min_size (3) is greater than max_size (0).", "max_size must be 1 or more, not 0."}},
		"every size negative": {min: "-1", max: "-5", desired: "-2",
			want:    []string{atMin, atMax, atDesired},
			details: []string{"min_size must be 0 or more", "max_size must be 1 or more", "desired_size must be 0 or more, not -2."}},
		"min above max leaves desired alone": {min: "3", max: "2", desired: "10",
			want: []string{atMin}},
		"desired below min": {min: "2", max: "4", desired: "1",
			want:    []string{atDesired},
			details: []string{"desired_size (1) is less than min_size (2)."}},
		"desired against an invalid max is not judged": {min: "0", max: "0", desired: "1",
			want: []string{atMax}},
		"valid": {min: "0", max: "3", desired: "3"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			src := inCluster(fmt.Sprintf("  node_group \"ng\" {\n    scaling {\n      min_size = %s\n      max_size = %s\n      desired_size = %s\n    }\n  }",
				tt.min, tt.max, tt.desired))
			_, diags := load(t, src, nil, nil)
			if diff := cmp.Diff(tt.want, brief(diags)); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s\nsource:\n%s", diff, src)
			}
			for i, want := range tt.details {
				if !strings.Contains(diags[i].Detail, want) {
					t.Errorf("diagnostic %d says %q, want it to contain %q", i, diags[i].Detail, want)
				}
			}
		})
	}
}

// TestAWSIDForms checks subnet IDs, security group IDs and KMS key ARNs
// against the forms AWS gives them: an ID that could never exist is
// reported at validate, at the list element, quoting it, not by EC2 or EKS
// in the middle of an apply.
func TestAWSIDForms(t *testing.T) {
	const (
		subnet = "Invalid subnet ID"
		sg     = "Invalid security group ID"
		kms    = "Invalid KMS key ARN"
	)
	tests := map[string]struct {
		subnet, sg, kms string // one is set; the others stay valid
		want            string // summary, "" for valid
	}{
		"subnet, 17 hex digits":       {subnet: "subnet-0a1b2c3d4e5f60009"},
		"subnet, 8 hex digits":        {subnet: "subnet-0a1b2c3d"},
		"subnet, upper case":          {subnet: "subnet-0A1B2C3D", want: subnet},
		"subnet, 10 digits":           {subnet: "subnet-0a1b2c3d4e", want: subnet},
		"subnet, not hex":             {subnet: "subnet-private1", want: subnet},
		"subnet, no digits":           {subnet: "subnet-", want: subnet},
		"subnet, name not ID":         {subnet: "private-a", want: subnet},
		"subnet, surrounding space":   {subnet: " subnet-0a1b2c3d", want: subnet},
		"sg, 17 hex digits":           {sg: "sg-0a1b2c3d4e5f60002"},
		"sg, 8 hex digits":            {sg: "sg-0a1b2c3d"},
		"sg, 7 hex digits":            {sg: "sg-0a1b2c3", want: sg},
		"sg, upper case":              {sg: "sg-0A1B2C3D4E5F60002", want: sg},
		"sg, group name":              {sg: "default", want: sg},
		"kms key":                     {kms: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		"kms multi-Region key":        {kms: "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"},
		"kms key in GovCloud":         {kms: "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		"kms key in China":            {kms: "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		"kms alias ARN":               {kms: "arn:aws:kms:us-east-1:123456789012:alias/eks-secrets"},
		"kms key ID not a UUID":       {kms: "arn:aws:kms:us-east-1:123456789012:key/abc", want: kms},
		"kms bare key ID":             {kms: "1234abcd-12ab-34cd-56ef-1234567890ab", want: kms},
		"kms bare alias":              {kms: "alias/eks", want: kms},
		"kms 11-digit account":        {kms: "arn:aws:kms:us-east-1:12345678901:key/1234abcd-12ab-34cd-56ef-1234567890ab", want: kms},
		"kms no region":               {kms: "arn:aws:kms::123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", want: kms},
		"kms other service":           {kms: "arn:aws:iam::123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", want: kms},
		"kms alias without a name":    {kms: "arn:aws:kms:us-east-1:123456789012:alias/", want: kms},
		"kms key ID in upper case":    {kms: "arn:aws:kms:us-east-1:123456789012:key/1234ABCD-12AB-34CD-56EF-1234567890AB", want: kms},
		"kms not a partition":         {kms: "arn:amazon:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", want: kms},
		"kms region in upper case":    {kms: "arn:aws:kms:US-EAST-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", want: kms},
		"kms key ARN with extra path": {kms: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab/x", want: kms},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			subnetID := "subnet-0a1b2c3d4e5f60003"
			if tt.subnet != "" {
				subnetID = tt.subnet
			}
			sgID := "sg-0a1b2c3d4e5f60001"
			if tt.sg != "" {
				sgID = tt.sg
			}
			key := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
			if tt.kms != "" {
				key = tt.kms
			}
			// The value under test is the third element of each list, on
			// its own line, so the diagnostic must point at line 5 (lists)
			// or 9 (key), column 7.
			src := fmt.Sprintf(`cluster "demo" {
  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002",
      %q]
    security_group_ids = ["sg-00000001", "sg-00000002",
      %q]
  }
  encryption {
    kms_key_arn = %q
  }
}
`, subnetID, sgID, key)
			_, diags := load(t, src, nil, nil)
			var want []string
			bad := tt.subnet + tt.sg + tt.kms
			switch tt.want {
			case subnet:
				want = []string{"main.hcl:4,7: " + subnet}
			case sg:
				want = []string{"main.hcl:6,7: " + sg}
			case kms:
				want = []string{"main.hcl:9,19: " + kms}
			}
			if diff := cmp.Diff(want, brief(diags)); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s\nsource:\n%s", diff, src)
			}
			if len(diags) == 1 && !strings.Contains(diags[0].Detail, fmt.Sprintf("%q", bad)) {
				t.Errorf("detail does not quote %q: %s", bad, diags[0].Detail)
			}
		})
	}
}

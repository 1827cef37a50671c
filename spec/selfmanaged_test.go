package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// selfManagedTypes is a self-managed node group "smng" with instance_types
// set to types on line 4, attrs from line 5 on and a valid scaling block.
func selfManagedTypes(types, attrs string) string {
	return inCluster("  self_managed_node_group \"smng\" {\n    instance_types = " + types + "\n" + attrs +
		"\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }")
}

// selfManaged is selfManagedTypes with instance_types = ["m6i.large"].
func selfManaged(attrs string) string {
	return selfManagedTypes(`["m6i.large"]`, attrs)
}

func TestSelfManagedNodeGroupRules(t *testing.T) {
	tests := map[string]struct {
		give   string
		want   []string
		detail string // in the first diagnostic's detail
	}{
		"minimal": {give: selfManaged("")},

		// Names.
		"invalid name": {
			give: inCluster("  self_managed_node_group \"gpu nodes\" {\n    instance_types = [\"m6i.large\"]\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }"),
			want: []string{"main.hcl:3,27: Invalid self-managed node group name"},
		},
		"duplicate": {
			give: inCluster("  self_managed_node_group \"a\" {\n    instance_types = [\"m6i.large\"]\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }\n" +
				"  self_managed_node_group \"a\" {\n    instance_types = [\"m6i.large\"]\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }"),
			want:   []string{"main.hcl:10,27: Duplicate self-managed node group"},
			detail: "declared at main.hcl:3,3-",
		},
		"a managed node group's name, after it": {
			give: inCluster("  node_group \"a\" {\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }\n" +
				"  self_managed_node_group \"a\" {\n    instance_types = [\"m6i.large\"]\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }"),
			want:   []string{"main.hcl:9,27: Duplicate node group"},
			detail: `already has a managed node group named "a", declared at main.hcl:3,3-`,
		},
		"a managed node group's name, before it": {
			give: inCluster("  self_managed_node_group \"a\" {\n    instance_types = [\"m6i.large\"]\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }\n" +
				"  node_group \"a\" {\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }"),
			want:   []string{"main.hcl:10,14: Duplicate node group"},
			detail: `already has a self-managed node group named "a", declared at main.hcl:3,3-`,
		},
		"names in other clusters": {
			give: inCluster("  self_managed_node_group \"a\" {\n    instance_types = [\"m6i.large\"]\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }") +
				"cluster \"other\" {\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n  node_group \"a\" {\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }\n}\n",
		},

		// instance_types.
		"no instance_types": {
			give: inCluster("  self_managed_node_group \"smng\" {\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }"),
			want: []string{"main.hcl:3,34: Missing required argument"},
		},
		"empty instance_types": {
			give: selfManagedTypes("[]", ""),
			want: []string{"main.hcl:4,22: No instance type"},
		},
		"mixed instances": {
			give: selfManagedTypes(`["m6i.large", "m6a.large", "m5.large"]`, ""),
		},
		"invalid instance type": {
			give: selfManagedTypes(`["m6i.large", "large"]`, ""),
			want: []string{"main.hcl:4,36: Invalid instance type"},
		},
		"instance type twice": {
			give: selfManagedTypes(`["m6i.large", "m6i.large"]`, ""),
			want: []string{"main.hcl:4,36: Duplicate list element"},
		},

		// The AMI.
		"AMI family": {
			give:   selfManaged(`    ami_family = "AL2023_X86_64_STANDARD"`),
			want:   []string{"main.hcl:5,18: Invalid AMI family"},
			detail: `Did you mean "AL2023_x86_64_STANDARD"?`,
		},
		"managed-only AMI type is no family": {
			give: selfManaged(`    ami_family = "AL2_x86_64"`),
			want: []string{"main.hcl:5,18: Invalid AMI family"},
		},
		"AMI ID": {
			give: selfManaged(`    ami_id = "ami-0a1b2c3d4e5f60001"`),
		},
		"invalid AMI ID": {
			give: selfManaged(`    ami_id = "ami-xyz"`),
			want: []string{"main.hcl:5,14: Invalid AMI ID"},
		},
		"latest AMI release": {
			give: selfManaged(`    ami_release = "latest"`),
		},
		"invalid AMI release": {
			give:   selfManaged(`    ami_release = "newest"`),
			want:   []string{"main.hcl:5,19: Invalid AMI release"},
			detail: "pinned, latest",
		},
		"AMI release with an AMI ID": {
			give:   selfManaged("    ami_id = \"ami-0a1b2c3d\"\n    ami_release = \"pinned\""),
			want:   []string{"main.hcl:6,19: AMI release with an AMI ID"},
			detail: "main.hcl:5,14-",
		},
		"AMI release null with an AMI ID": {
			give: selfManaged("    ami_id = \"ami-0a1b2c3d\"\n    ami_release = null"),
		},
		"AMI ID inside the launch template": {
			give:   selfManaged("    launch_template {\n      ami_id = \"ami-0a1b2c3d\"\n    }"),
			want:   []string{"main.hcl:6,16: AMI ID in a self-managed launch template"},
			detail: "move ami_id",
		},

		// Version, subnets, role, capacity.
		"version": {
			give: "cluster \"demo\" {\n  version = \"1.33\"\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n  self_managed_node_group \"smng\" {\n    instance_types = [\"m6i.large\"]\n    version = \"1.32\"\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }\n}\n",
		},
		"version newer than the cluster's": {
			give:   "cluster \"demo\" {\n  version = \"1.33\"\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n  self_managed_node_group \"smng\" {\n    instance_types = [\"m6i.large\"]\n    version = \"1.34\"\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }\n}\n",
			want:   []string{"main.hcl:6,15: Node group version newer than cluster"},
			detail: `Self-managed node group "smng" asks for Kubernetes 1.34`,
		},
		"version as a number": {
			give: selfManaged(`    version = 1.30`),
			want: []string{"main.hcl:5,15: Invalid Kubernetes version"},
		},
		"not major.minor": {
			give: selfManaged(`    version = "1.20.1"`),
			want: []string{"main.hcl:5,15: Invalid Kubernetes version"},
		},
		"empty subnet_ids": {
			give: selfManaged(`    subnet_ids = []`),
			want: []string{"main.hcl:5,18: No subnet"},
		},
		"invalid subnet": {
			give: selfManaged(`    subnet_ids = ["subnet-1"]`),
			want: []string{"main.hcl:5,19: Invalid subnet ID"},
		},
		"node role": {
			give: selfManaged(`    node_role_arn = "arn:aws:iam::123456789012:role/nodes"`),
		},
		"invalid node role": {
			give: selfManaged(`    node_role_arn = "nodes"`),
			want: []string{"main.hcl:5,21: Invalid IAM role ARN"},
		},
		"spot": {
			give: selfManaged(`    capacity_type = "SPOT"`),
		},
		"invalid capacity type": {
			give: selfManaged(`    capacity_type = "spot"`),
			want: []string{"main.hcl:5,21: Invalid capacity type"},
		},

		// Labels, tags, taints.
		"invalid label": {
			give: selfManaged(`    labels = { "-x" = "y" }`),
			want: []string{"main.hcl:5,16: Invalid Kubernetes label key"},
		},
		"invalid label value": {
			give: selfManaged(`    labels = { x = "y z" }`),
			want: []string{"main.hcl:5,16: Invalid Kubernetes label value"},
		},
		"reserved tag": {
			give: selfManaged(`    tags = { "eksctl-lite/x" = "y" }`),
			want: []string{"main.hcl:5,14: Reserved tag key"},
		},
		"taint": {
			give: selfManaged("    taint {\n      key = \"nvidia.com/gpu\"\n      effect = \"NO_SCHEDULE\"\n    }"),
		},
		"taint effect": {
			give: selfManaged("    taint {\n      key = \"nvidia.com/gpu\"\n      effect = \"NoSchedule\"\n    }"),
			want: []string{"main.hcl:7,16: Invalid taint effect"},
		},
		"duplicate taint": {
			give:   selfManaged("    taint {\n      key = \"a\"\n      effect = \"NO_SCHEDULE\"\n    }\n    taint {\n      key = \"a\"\n      value = \"b\"\n      effect = \"NO_SCHEDULE\"\n    }"),
			want:   []string{"main.hcl:9,5: Duplicate taint"},
			detail: `Self-managed node group "smng" already has a taint`,
		},

		// scaling and update, as node groups have them.
		"missing scaling": {
			give:   inCluster("  self_managed_node_group \"smng\" {\n    instance_types = [\"m6i.large\"]\n  }"),
			want:   []string{"main.hcl:3,27: Missing scaling block"},
			detail: `Self-managed node group "smng" has no scaling block`,
		},
		"scaling from zero": {
			give: inCluster("  self_managed_node_group \"smng\" {\n    instance_types = [\"m6i.large\"]\n    scaling {\n      min_size = 0\n      max_size = 4\n      desired_size = 1\n    }\n  }"),
		},
		"min above max": {
			give: inCluster("  self_managed_node_group \"smng\" {\n    instance_types = [\"m6i.large\"]\n    scaling {\n      min_size = 3\n      max_size = 2\n    }\n  }"),
			want: []string{"main.hcl:6,18: Invalid scaling"},
		},
		"desired above max": {
			give: inCluster("  self_managed_node_group \"smng\" {\n    instance_types = [\"m6i.large\"]\n    scaling {\n      min_size = 0\n      max_size = 2\n      desired_size = 3\n    }\n  }"),
			want: []string{"main.hcl:8,22: Invalid scaling"},
		},
		"update percentage": {
			give: selfManaged("    update { max_unavailable_percentage = 25 }"),
		},
		"update both": {
			give: selfManaged("    update {\n      max_unavailable = 1\n      max_unavailable_percentage = 25\n    }"),
			want: []string{"main.hcl:7,36: Conflicting update settings"},
		},
		"update above 100 percent": {
			give: selfManaged("    update { max_unavailable_percentage = 101 }"),
			want: []string{"main.hcl:5,43: Invalid update setting"},
		},

		// The launch template, as node groups have it.
		"launch template": {
			give: selfManaged("    launch_template {\n      metadata_hop_limit = 1\n      root_volume { size = 100 }\n    }"),
		},
		"launch template hop limit": {
			give: selfManaged("    launch_template {\n      metadata_hop_limit = 0\n    }"),
			want: []string{"main.hcl:6,28: Invalid metadata hop limit"},
		},
		"launch template root volume": {
			give: selfManaged("    launch_template {\n      root_volume { type = \"io1\" }\n    }"),
			want: []string{"main.hcl:6,7: Missing IOPS"},
		},
		"disk_size is a managed node group's": {
			give: selfManaged("    disk_size = 50"),
			want: []string{"main.hcl:5,5: Unsupported argument"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := load(t, tt.give, nil, nil)
			if diff := cmp.Diff(tt.want, brief(diags)); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s\nsource:\n%s", diff, tt.give)
			}
			if tt.detail != "" && !strings.Contains(diags[0].Detail, tt.detail) {
				t.Errorf("detail %q does not say %s", diags[0].Detail, tt.detail)
			}
		})
	}
}

func TestSelfManagedNodeGroupDefaults(t *testing.T) {
	defaultLT := &LaunchTemplate{MetadataHTTPTokens: DefaultMetadataHTTPTokens, MetadataHopLimit: DefaultMetadataHopLimit}
	tests := map[string]struct {
		give string
		want *SelfManagedNodeGroup
	}{
		"every default": {
			give: selfManaged(""),
			want: &SelfManagedNodeGroup{
				Name:          "smng",
				InstanceTypes: []string{"m6i.large"},
				AMIFamily:     "AL2023_x86_64_STANDARD",
				AMIRelease:    "pinned",
				Version:       DefaultVersion, VersionFollowsCluster: true,
				SubnetIDs:      []string{"subnet-00000001", "subnet-00000002"},
				CapacityType:   "ON_DEMAND",
				Scaling:        Scaling{MinSize: 1, MaxSize: 2},
				LaunchTemplate: defaultLT,
			},
		},
		"every attribute": {
			give: "cluster \"demo\" {\n  version = \"1.34\"\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n" + `
  self_managed_node_group "gpu" {
    instance_types = ["g5.xlarge", "g5.2xlarge"]
    ami_family     = "AL2023_x86_64_NVIDIA"
    ami_id         = "ami-0a1b2c3d"
    version        = "1.33"
    subnet_ids     = ["subnet-00000002"]
    node_role_arn  = "arn:aws:iam::123456789012:role/nodes"
    capacity_type  = "SPOT"
    labels         = { gpu = "true" }
    tags           = { team = "ml" }
    taint {
      key    = "nvidia.com/gpu"
      effect = "NO_SCHEDULE"
    }
    scaling {
      min_size     = 0
      max_size     = 4
      desired_size = 1
    }
    update { max_unavailable_percentage = 25 }
    launch_template {
      metadata_http_tokens = "optional"
      root_volume { size = 100 }
    }
  }
}
`,
			want: &SelfManagedNodeGroup{
				Name:          "gpu",
				InstanceTypes: []string{"g5.xlarge", "g5.2xlarge"},
				AMIFamily:     "AL2023_x86_64_NVIDIA",
				AMIID:         "ami-0a1b2c3d",
				AMIRelease:    "pinned",
				Version:       "1.33",
				SubnetIDs:     []string{"subnet-00000002"},
				NodeRoleARN:   "arn:aws:iam::123456789012:role/nodes",
				CapacityType:  "SPOT",
				Labels:        map[string]string{"gpu": "true"},
				Tags:          map[string]string{"team": "ml"},
				Taints:        []Taint{{Key: "nvidia.com/gpu", Effect: "NO_SCHEDULE"}},
				Scaling:       Scaling{MinSize: 0, MaxSize: 4, DesiredSize: ptr(1)},
				Update:        UpdateConfig{MaxUnavailablePercentage: ptr(25)},
				LaunchTemplate: &LaunchTemplate{MetadataHTTPTokens: "optional", MetadataHopLimit: 2,
					RootVolume: &RootVolume{Size: 100, Type: "gp3", Encrypted: true}},
			},
		},
		"version follows the cluster's": {
			give: "cluster \"demo\" {\n  version = \"1.32\"\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n  self_managed_node_group \"smng\" {\n    instance_types = [\"m6i.large\"]\n    scaling {\n      min_size = 1\n      max_size = 2\n    }\n  }\n}\n",
			want: &SelfManagedNodeGroup{
				Name:          "smng",
				InstanceTypes: []string{"m6i.large"},
				AMIFamily:     "AL2023_x86_64_STANDARD",
				AMIRelease:    "pinned",
				Version:       "1.32", VersionFollowsCluster: true,
				SubnetIDs:      []string{"subnet-00000001", "subnet-00000002"},
				CapacityType:   "ON_DEMAND",
				Scaling:        Scaling{MinSize: 1, MaxSize: 2},
				LaunchTemplate: defaultLT,
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, diags := load(t, tt.give, nil, nil)
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v\nsource:\n%s", brief(diags), tt.give)
			}
			c := cfg.Clusters[0]
			if len(c.SelfManagedNodeGroups) != 1 {
				t.Fatalf("%d self-managed node groups, want 1", len(c.SelfManagedNodeGroups))
			}
			if diff := cmp.Diff(tt.want, c.SelfManagedNodeGroups[0], ignoreLaunchTemplateRanges); diff != "" {
				t.Errorf("self-managed node group (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSelfManagedNodeGroupRanges checks that the planner can point at what
// the user wrote, and at the group for a launch template it did not write.
func TestSelfManagedNodeGroupRanges(t *testing.T) {
	cfg, diags := load(t, selfManaged(`    ami_release = "latest"`), nil, nil)
	if len(diags) > 0 {
		t.Fatal(brief(diags))
	}
	g := cfg.Clusters[0].SelfManagedNodeGroups[0]
	if got := g.AttrRange("ami_release"); got.Start.Line != 5 || got.Start.Column != 19 {
		t.Errorf("ami_release at %s, want main.hcl:5,19", got)
	}
	if got := g.LaunchTemplate.AttrRange("metadata_hop_limit"); got != g.DeclRange {
		t.Errorf("the defaulted launch template points at %s, want the group's block %s", got, g.DeclRange)
	}
}

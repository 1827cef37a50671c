package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreLaunchTemplateRanges extends ignoreRanges to launch templates and
// self-managed node groups.
var ignoreLaunchTemplateRanges = cmp.Options{
	ignoreRanges,
	cmpopts.IgnoreFields(LaunchTemplate{}, "Ranges"),
	cmpopts.IgnoreFields(SelfManagedNodeGroup{}, "Ranges"),
}

// ngLaunchTemplate is a node group with ngAttrs on line 4 and a
// launch_template block holding lines, which start on line 6.
func ngLaunchTemplate(ngAttrs, lines string) string {
	return nodeGroup(ngAttrs + "\n    launch_template {\n" + lines + "\n    }")
}

// rootVolume is a node group's launch template whose root_volume block
// holds lines, which start on line 7.
func rootVolume(lines string) string {
	return ngLaunchTemplate("", "      root_volume {\n"+lines+"\n      }")
}

func TestLaunchTemplateRules(t *testing.T) {
	tests := map[string]struct {
		give   string
		want   []string
		detail string // in the first diagnostic's detail
	}{
		// ami_id and what it rules out on the node group.
		"custom AMI": {
			give: ngLaunchTemplate("", `      ami_id = "ami-0a1b2c3d4e5f60001"`),
		},
		"short AMI ID": {
			give: ngLaunchTemplate("", `      ami_id = "ami-0a1b2c3d"`),
		},
		"AMI ID of another length": {
			give: ngLaunchTemplate("", `      ami_id = "ami-0a1b2c3d4e"`),
			want: []string{"main.hcl:6,16: Invalid AMI ID"}, detail: `"ami-0a1b2c3d4e"`,
		},
		"AMI ID in capitals": {
			give: ngLaunchTemplate("", `      ami_id = "ami-0A1B2C3D"`),
			want: []string{"main.hcl:6,16: Invalid AMI ID"},
		},
		"AMI name instead of an ID": {
			give: ngLaunchTemplate("", `      ami_id = "al2023-ami-minimal"`),
			want: []string{"main.hcl:6,16: Invalid AMI ID"},
		},
		"ami_type CUSTOM with ami_id": {
			give: ngLaunchTemplate(`    ami_type = "CUSTOM"`, `      ami_id = "ami-0a1b2c3d"`),
		},
		"ami_type with ami_id": {
			give:   ngLaunchTemplate(`    ami_type = "AL2023_x86_64_STANDARD"`, `      ami_id = "ami-0a1b2c3d"`),
			want:   []string{"main.hcl:4,16: AMI type with a custom AMI"},
			detail: `Remove ami_type`,
		},
		"ami_type CUSTOM with a launch template but no ami_id": {
			give:   ngLaunchTemplate(`    ami_type = "CUSTOM"`, `      metadata_hop_limit = 1`),
			want:   []string{"main.hcl:4,16: Custom AMI type without an AMI"},
			detail: "launch_template { ami_id",
		},
		"release_version with ami_id": {
			give:   ngLaunchTemplate(`    release_version = "1.35.0-20260115"`, `      ami_id = "ami-0a1b2c3d"`),
			want:   []string{"main.hcl:4,23: Release version with a custom AMI"},
			detail: "main.hcl:6,16-",
		},
		"empty release_version with ami_id is said once": {
			give: ngLaunchTemplate(`    release_version = ""`, `      ami_id = "ami-0a1b2c3d"`),
			want: []string{"main.hcl:4,23: Release version with a custom AMI"},
		},
		"release_version without ami_id": {
			give: ngLaunchTemplate(`    release_version = "1.35.0-20260115"`, `      metadata_hop_limit = 1`),
		},
		"disk_size with a launch template": {
			give:   ngLaunchTemplate(`    disk_size = 50`, ""),
			want:   []string{"main.hcl:4,17: Disk size with a launch template"},
			detail: "root_volume { size = 50 }",
		},
		"out of range disk_size with a launch template is said once": {
			give: ngLaunchTemplate(`    disk_size = 0`, ""),
			want: []string{"main.hcl:4,17: Disk size with a launch template"},
		},
		"two launch templates": {
			give: ngLaunchTemplate("    launch_template {}", ""),
			want: []string{"main.hcl:5,5: Duplicate launch_template block"},
		},
		"instance types inside the template": {
			give: ngLaunchTemplate("", `      instance_types = ["m6i.large"]`),
			want: []string{"main.hcl:6,7: Unsupported argument"},
		},

		// The template's own attributes.
		"security groups": {
			give: ngLaunchTemplate("", `      security_group_ids = ["sg-0a1b2c3d", "sg-0a1b2c3d4e5f60001"]`),
		},
		"invalid security group": {
			give: ngLaunchTemplate("", `      security_group_ids = ["sg-0a1b2c3d", "default"]`),
			want: []string{"main.hcl:6,44: Invalid security group ID"},
		},
		"security group twice": {
			give: ngLaunchTemplate("", `      security_group_ids = ["sg-0a1b2c3d", "sg-0a1b2c3d"]`),
			want: []string{"main.hcl:6,44: Duplicate list element"},
		},
		"IMDSv1 allowed": {
			give: ngLaunchTemplate("", `      metadata_http_tokens = "optional"`),
		},
		"metadata tokens in capitals": {
			give:   ngLaunchTemplate("", `      metadata_http_tokens = "Required"`),
			want:   []string{"main.hcl:6,30: Invalid metadata_http_tokens value"},
			detail: `Did you mean "required"?`,
		},
		"hop limit 1": {
			give: ngLaunchTemplate("", `      metadata_hop_limit = 1`),
		},
		"hop limit 64": {
			give: ngLaunchTemplate("", `      metadata_hop_limit = 64`),
		},
		"hop limit 0": {
			give: ngLaunchTemplate("", `      metadata_hop_limit = 0`),
			want: []string{"main.hcl:6,28: Invalid metadata hop limit"},
		},
		"hop limit 65": {
			give: ngLaunchTemplate("", `      metadata_hop_limit = 65`),
			want: []string{"main.hcl:6,28: Invalid metadata hop limit"},
		},
		"user data": {
			give: ngLaunchTemplate("", `      user_data = "#!/bin/bash\necho hi"`),
		},
		"user data of 16 KB": {
			give: ngLaunchTemplate("", `      user_data = "`+strings.Repeat("x", maxUserData)+`"`),
		},
		"user data too long": {
			give: ngLaunchTemplate("", `      user_data = "`+strings.Repeat("x", maxUserData+1)+`"`),
			want: []string{"main.hcl:6,19: User data too long"},
		},
		"template tags": {
			give: ngLaunchTemplate("", `      tags = { "aws:x" = "y" }`),
			want: []string{"main.hcl:6,16: Reserved tag key"},
		},

		// root_volume.
		"two root volumes": {
			give: ngLaunchTemplate("", "      root_volume {}\n      root_volume {}"),
			want: []string{"main.hcl:7,7: Duplicate root_volume block"},
		},
		"root volume of every attribute": {
			give: rootVolume("        size = 100\n        type = \"gp3\"\n        iops = 6000\n        throughput = 500\n        encrypted = false"),
		},
		"root volume size 0": {
			give: rootVolume("        size = 0"),
			want: []string{"main.hcl:7,16: Invalid root volume size"},
		},
		"root volume too large": {
			give: rootVolume("        size = 16385"),
			want: []string{"main.hcl:7,16: Invalid root volume size"},
		},
		"root volume too large with an invalid type": {
			give: rootVolume("        size = 16385\n        type = \"gp4\""),
			want: []string{"main.hcl:7,16: Invalid root volume size", "main.hcl:8,16: Invalid volume type"},
		},
		"volume type": {
			give:   rootVolume(`        type = "GP3"`),
			want:   []string{"main.hcl:7,16: Invalid volume type"},
			detail: `Did you mean "gp3"?`,
		},
		"HDD root volume": {
			give:   rootVolume("        size = 500\n        type = \"st1\""),
			want:   []string{"main.hcl:8,16: Volume type cannot boot"},
			detail: `"gp3", "gp2", "io1", "io2"`,
		},
		"cold HDD root volume": {
			give: rootVolume("        size = 500\n        type = \"sc1\""),
			want: []string{"main.hcl:8,16: Volume type cannot boot"},
		},
		"io1 smaller than 4 GiB": {
			give: rootVolume("        size = 3\n        type = \"io1\"\n        iops = 100"),
			want: []string{"main.hcl:7,16: Invalid root volume size"},
		},
		"io2 needs iops": {
			give:   rootVolume("        type = \"io2\""),
			want:   []string{"main.hcl:6,7: Missing IOPS"},
			detail: "100 to 256000",
		},
		"io1 needs iops": {
			give: rootVolume("        type = \"io1\""),
			want: []string{"main.hcl:6,7: Missing IOPS"},
		},
		"io2 with iops": {
			give: rootVolume("        type = \"io2\"\n        iops = 20000"),
		},
		"gp2 takes no iops": {
			give: rootVolume("        type = \"gp2\"\n        iops = 3000"),
			want: []string{"main.hcl:8,16: IOPS for a volume type without them"},
		},
		"gp3 below 3000 IOPS": {
			give: rootVolume("        iops = 2999"),
			want: []string{"main.hcl:7,16: Invalid IOPS"},
		},
		"gp3 at 80000 IOPS": {
			give: rootVolume("        size = 160\n        iops = 80000"),
		},
		"gp3 above 80000 IOPS": {
			give: rootVolume("        size = 200\n        iops = 80001"),
			want: []string{"main.hcl:8,16: Invalid IOPS"},
		},
		"gp3 3000 IOPS on 1 GiB": {
			give: rootVolume("        size = 1\n        iops = 3000"),
		},
		"gp3 more than 500 IOPS per GiB": {
			give:   rootVolume("        size = 20\n        iops = 10001"),
			want:   []string{"main.hcl:8,16: Too many IOPS for the volume size"},
			detail: "at least 21 GiB",
		},
		"io1 more than 50 IOPS per GiB": {
			give: rootVolume("        type = \"io1\"\n        iops = 1001"),
			want: []string{"main.hcl:8,16: Too many IOPS for the volume size"},
		},
		"io1 above 64000 IOPS": {
			give: rootVolume("        size = 2000\n        type = \"io1\"\n        iops = 64001"),
			want: []string{"main.hcl:9,16: Invalid IOPS"},
		},
		"io2 below 100 IOPS": {
			give: rootVolume("        type = \"io2\"\n        iops = 99"),
			want: []string{"main.hcl:8,16: Invalid IOPS"},
		},
		"throughput only for gp3": {
			give: rootVolume("        type = \"io2\"\n        iops = 1000\n        throughput = 250"),
			want: []string{"main.hcl:9,22: Throughput for a volume type without it"},
		},
		"gp3 throughput below 125": {
			give: rootVolume("        throughput = 124"),
			want: []string{"main.hcl:7,22: Invalid throughput"},
		},
		"gp3 throughput 2000": {
			give: rootVolume("        size = 16\n        iops = 8000\n        throughput = 2000"),
		},
		"gp3 throughput above 2000": {
			give: rootVolume("        size = 20\n        iops = 10000\n        throughput = 2001"),
			want: []string{"main.hcl:9,22: Invalid throughput"},
		},
		"gp3 throughput 750 on the included IOPS": {
			give: rootVolume("        throughput = 750"),
		},
		"gp3 throughput above what the included IOPS allow": {
			give:   rootVolume("        throughput = 751"),
			want:   []string{"main.hcl:7,22: Throughput too high for the IOPS"},
			detail: "the 3000 IOPS a gp3 volume has without iops",
		},
		"gp3 throughput above what the IOPS allow": {
			give:   rootVolume("        size = 20\n        iops = 4000\n        throughput = 1001"),
			want:   []string{"main.hcl:9,22: Throughput too high for the IOPS"},
			detail: "at least 4004 IOPS, and iops = 4000",
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

func TestLaunchTemplateDefaults(t *testing.T) {
	tests := map[string]struct {
		give         string
		wantLT       *LaunchTemplate
		wantAMIType  string
		wantDiskSize int
	}{
		"no launch template": {
			give:        nodeGroup(""),
			wantAMIType: DefaultAMIType, wantDiskSize: DefaultDiskSize,
		},
		"empty launch template": {
			give:        ngLaunchTemplate("", ""),
			wantLT:      &LaunchTemplate{MetadataHTTPTokens: "required", MetadataHopLimit: 2},
			wantAMIType: DefaultAMIType,
		},
		"custom AMI makes ami_type CUSTOM": {
			give:        ngLaunchTemplate("", `      ami_id = "ami-0a1b2c3d"`),
			wantLT:      &LaunchTemplate{AMIID: "ami-0a1b2c3d", MetadataHTTPTokens: "required", MetadataHopLimit: 2},
			wantAMIType: "CUSTOM",
		},
		"ami_id null is no custom AMI": {
			give:        ngLaunchTemplate("", `      ami_id = null`),
			wantLT:      &LaunchTemplate{MetadataHTTPTokens: "required", MetadataHopLimit: 2},
			wantAMIType: DefaultAMIType,
		},
		"empty root volume": {
			give: rootVolume(""),
			wantLT: &LaunchTemplate{MetadataHTTPTokens: "required", MetadataHopLimit: 2,
				RootVolume: &RootVolume{Size: 20, Type: "gp3", Encrypted: true}},
			wantAMIType: DefaultAMIType,
		},
		"every attribute": {
			give: ngLaunchTemplate(`    ami_type = "AL2023_ARM_64_STANDARD"
    instance_types = ["m7g.large"]`, `      security_group_ids = ["sg-0a1b2c3d"]
      metadata_http_tokens = "optional"
      metadata_hop_limit = 1
      user_data = "echo hi"
      tags = { a = "b" }
      root_volume {
        size = 100
        type = "io2"
        iops = 5000
        encrypted = false
      }`),
			wantLT: &LaunchTemplate{
				SecurityGroupIDs:   []string{"sg-0a1b2c3d"},
				MetadataHTTPTokens: "optional", MetadataHopLimit: 1,
				UserData: "echo hi", Tags: map[string]string{"a": "b"},
				RootVolume: &RootVolume{Size: 100, Type: "io2", IOPS: ptr(5000), Encrypted: false},
			},
			wantAMIType: "AL2023_ARM_64_STANDARD",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, diags := load(t, tt.give, nil, nil)
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v\nsource:\n%s", brief(diags), tt.give)
			}
			ng := cfg.Clusters[0].NodeGroups[0]
			if diff := cmp.Diff(tt.wantLT, ng.LaunchTemplate, ignoreLaunchTemplateRanges); diff != "" {
				t.Errorf("launch template (-want +got):\n%s", diff)
			}
			if ng.AMIType != tt.wantAMIType {
				t.Errorf("ami_type = %q, want %q", ng.AMIType, tt.wantAMIType)
			}
			if ng.DiskSize != tt.wantDiskSize {
				t.Errorf("disk_size = %d, want %d (EKS refuses it with a launch template)", ng.DiskSize, tt.wantDiskSize)
			}
		})
	}
}

// TestLaunchTemplateRanges checks that the planner can point at what the
// user wrote inside a launch template, root_volume included.
func TestLaunchTemplateRanges(t *testing.T) {
	cfg, diags := load(t, rootVolume("        size = 50"), nil, nil)
	if len(diags) > 0 {
		t.Fatal(brief(diags))
	}
	lt := cfg.Clusters[0].NodeGroups[0].LaunchTemplate
	if got := lt.AttrRange("root_volume.size"); got.Start.Line != 7 || got.Start.Column != 16 {
		t.Errorf("root_volume.size at %s, want main.hcl:7,16", got)
	}
	if got := lt.AttrRange("metadata_hop_limit"); got.Start.Line != 5 {
		t.Errorf("metadata_hop_limit, not written, at %s, want the launch_template block on line 5", got)
	}
}

package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIsARMInstanceType(t *testing.T) {
	tests := map[string]bool{
		// Graviton: "g" first among the attribute letters.
		"m7g.large": true, "m7gd.xlarge": true, "c7gn.2xlarge": true, "r6gd.large": true,
		"t4g.micro": true, "g5g.xlarge": true, "x2gd.medium": true, "im4gn.large": true,
		"is4gen.medium": true, "c6gn.16xlarge": true, "hpc7g.16xlarge": true, "m8g.48xlarge": true,
		"i4g.large": true, "c8gn.large": true, "x8g.metal-24xl": true, "r8gd.large": true,
		// The first Graviton, with no attribute letter.
		"a1.large": true, "a1.metal": true,
		// NVIDIA Grace.
		"p6e-gb200.36xlarge": true,
		// Apple silicon.
		"mac2.metal": true, "mac2-m2pro.metal": true, "mac-m4.metal": true,

		// x86_64, among them families with a g series letter or a g
		// later in the attribute letters.
		"m5.large": false, "m6i.large": false, "m6a.large": false, "m7i-flex.large": false,
		"c5n.large": false, "t3.medium": false, "t3a.small": false, "g4dn.xlarge": false,
		"g4ad.xlarge": false, "g5.xlarge": false, "g6e.xlarge": false, "gr6.4xlarge": false,
		"p4d.24xlarge": false, "p5en.48xlarge": false, "p6-b200.48xlarge": false, "inf2.xlarge": false,
		"trn1n.32xlarge": false, "x2iedn.xlarge": false, "z1d.large": false, "r7iz.large": false,
		"u-6tb1.metal": false, "u7i-12tb.224xlarge": false, "dl1.24xlarge": false, "hpc7a.96xlarge": false,
		"mac1.metal": false, "m5dn.large": false, "i3en.large": false,
		// Not instance types at all.
		"large": false, "": false,
	}
	for give, want := range tests {
		if got := isARMInstanceType(give); got != want {
			t.Errorf("isARMInstanceType(%q) = %v, want %v", give, got, want)
		}
	}
}

func TestInstanceTypeKinds(t *testing.T) {
	tests := map[string]struct{ gpu, neuron bool }{
		"g5.xlarge": {gpu: true}, "g4dn.xlarge": {gpu: true}, "g5g.xlarge": {gpu: true}, "gr6.4xlarge": {gpu: true},
		"p4d.24xlarge": {gpu: true}, "p5.48xlarge": {gpu: true}, "p6-b200.48xlarge": {gpu: true},
		"inf2.xlarge": {neuron: true}, "inf1.xlarge": {neuron: true}, "trn1.2xlarge": {neuron: true}, "trn2.48xlarge": {neuron: true},
		"m6i.large": {}, "c7g.large": {}, "i4i.large": {}, "t3.medium": {},
	}
	for give, want := range tests {
		if got := isGPUInstanceType(give); got != want.gpu {
			t.Errorf("isGPUInstanceType(%q) = %v, want %v", give, got, want.gpu)
		}
		if got := isNeuronInstanceType(give); got != want.neuron {
			t.Errorf("isNeuronInstanceType(%q) = %v, want %v", give, got, want.neuron)
		}
	}
}

// TestInstanceTypesFitTheAMI checks the architecture and accelerator rules
// for self-managed node groups (ami_family) and managed ones (ami_type).
func TestInstanceTypesFitTheAMI(t *testing.T) {
	// ngType is the error at ami_type when instance_types is not written.
	const ngType = "main.hcl:4,16: Instance type does not fit the AMI type"
	sm := func(types, family string) string {
		if family == "" {
			return selfManagedTypes(types, "")
		}
		return selfManagedTypes(types, `    ami_family = "`+family+`"`)
	}
	ng := func(types, amiType string) string {
		lines := `    ami_type = "` + amiType + `"`
		if types != "" {
			lines += "\n    instance_types = " + types
		}
		return nodeGroup(lines)
	}
	tests := map[string]struct {
		give   string
		want   []string
		detail string // in the first diagnostic's detail
	}{
		// Self-managed: the forward rules, at the instance type.
		"GPU family, GPU type":            {give: sm(`["g5.xlarge", "p4d.24xlarge"]`, "AL2023_x86_64_NVIDIA")},
		"ARM GPU family, ARM GPU type":    {give: sm(`["g5g.xlarge"]`, "AL2023_ARM_64_NVIDIA")},
		"Bottlerocket GPU":                {give: sm(`["g6.xlarge"]`, "BOTTLEROCKET_x86_64_NVIDIA")},
		"Neuron family, Inferentia type":  {give: sm(`["inf2.xlarge", "trn1.2xlarge"]`, "AL2023_x86_64_NEURON")},
		"ARM family, Graviton types":      {give: sm(`["m7g.large", "c7gn.large", "t4g.medium"]`, "AL2023_ARM_64_STANDARD")},
		"Bottlerocket ARM, Graviton type": {give: sm(`["r6gd.large"]`, "BOTTLEROCKET_ARM_64")},
		"default family, x86 type":        {give: sm(`["m6i.large", "c5.xlarge"]`, "")},
		"GPU family, non-GPU type": {
			give:   sm(`["g5.xlarge", "m6i.large"]`, "AL2023_x86_64_NVIDIA"),
			want:   []string{"main.hcl:4,36: Instance type does not fit the AMI family"},
			detail: `"m6i.large" is not a GPU instance, but ami_family = "AL2023_x86_64_NVIDIA" is the NVIDIA GPU AMI, for the g and p instance families: use ami_family = "AL2023_x86_64_STANDARD", or choose a GPU instance type`,
		},
		"Neuron family, GPU type": {
			give:   sm(`["g5.xlarge"]`, "AL2023_x86_64_NEURON"),
			want:   []string{"main.hcl:4,23: Instance type does not fit the AMI family"},
			detail: `use ami_family = "AL2023_x86_64_NVIDIA"`,
		},
		"Neuron family, plain type": {
			give:   sm(`["m6i.large"]`, "AL2023_x86_64_NEURON"),
			want:   []string{"main.hcl:4,23: Instance type does not fit the AMI family"},
			detail: `"m6i.large" has no AWS Inferentia or Trainium chip, but ami_family = "AL2023_x86_64_NEURON" is the Neuron AMI, for the inf and trn instance families: use ami_family = "AL2023_x86_64_STANDARD"`,
		},
		"ARM family, x86 type": {
			give:   sm(`["m6i.large"]`, "AL2023_ARM_64_STANDARD"),
			want:   []string{"main.hcl:4,23: Instance type does not fit the AMI family"},
			detail: `"m6i.large" is an x86_64 instance type, but ami_family = "AL2023_ARM_64_STANDARD" is an ARM AMI, which cannot boot on it: use ami_family = "AL2023_x86_64_STANDARD"`,
		},
		"x86 family, ARM type": {
			give:   sm(`["m7g.large"]`, "BOTTLEROCKET_x86_64"),
			want:   []string{"main.hcl:4,23: Instance type does not fit the AMI family"},
			detail: `use ami_family = "BOTTLEROCKET_ARM_64"`,
		},
		"default family, ARM type": {
			give:   sm(`["m7g.large"]`, ""),
			want:   []string{"main.hcl:4,23: Instance type does not fit the AMI family"},
			detail: `ami_family "AL2023_x86_64_STANDARD", the default, is an x86_64 AMI`,
		},
		"x86 GPU family, ARM GPU type": {
			give:   sm(`["g5g.xlarge"]`, "AL2023_x86_64_NVIDIA"),
			want:   []string{"main.hcl:4,23: Instance type does not fit the AMI family"},
			detail: `use ami_family = "AL2023_ARM_64_NVIDIA"`,
		},
		"every misfit is reported": {
			give: sm(`["m6i.large", "c6i.large"]`, "AL2023_ARM_64_STANDARD"),
			want: []string{"main.hcl:4,23: Instance type does not fit the AMI family", "main.hcl:4,36: Instance type does not fit the AMI family"},
		},

		// Self-managed: the inverse rules.
		"GPU type, standard family": {
			give:   sm(`["g5.xlarge"]`, "AL2023_x86_64_STANDARD"),
			want:   []string{"main.hcl:4,23: Instance type does not fit the AMI family"},
			detail: `"g5.xlarge" is a GPU instance: use ami_family = "AL2023_x86_64_NVIDIA"`,
		},
		"GPU type, default family": {
			give:   sm(`["p5.48xlarge"]`, ""),
			want:   []string{"main.hcl:4,23: Instance type does not fit the AMI family"},
			detail: `use ami_family = "AL2023_x86_64_NVIDIA", whose AMI has the NVIDIA driver; ami_family "AL2023_x86_64_STANDARD", the default, has none`,
		},
		"GPU type, Bottlerocket": {
			give:   sm(`["g6.xlarge"]`, "BOTTLEROCKET_x86_64"),
			want:   []string{"main.hcl:4,23: Instance type does not fit the AMI family"},
			detail: `use ami_family = "BOTTLEROCKET_x86_64_NVIDIA"`,
		},
		"Inferentia type, standard family": {
			give:   sm(`["inf2.xlarge"]`, ""),
			want:   []string{"main.hcl:4,23: Instance type does not fit the AMI family"},
			detail: `use ami_family = "AL2023_x86_64_NEURON"`,
		},
		"GPU type with an AMI of one's own": {
			give: selfManagedTypes(`["g5.xlarge"]`, `    ami_id = "ami-0a1b2c3d"`),
		},
		"ARM type with an AMI of one's own is still checked": {
			give: selfManagedTypes(`["m7g.large"]`, `    ami_id = "ami-0a1b2c3d"`),
			want: []string{"main.hcl:4,23: Instance type does not fit the AMI family"},
		},
		"invalid family is reported alone": {
			give: sm(`["g5.xlarge"]`, "AL2023_x86_64_GPU"),
			want: []string{"main.hcl:5,18: Invalid AMI family"},
		},
		"invalid instance type is reported alone": {
			give: sm(`["g5"]`, "AL2023_x86_64_STANDARD"),
			want: []string{"main.hcl:4,23: Invalid instance type"},
		},

		// Managed node groups: the same rules against ami_type.
		"managed, GPU": {give: ng(`["g5.xlarge"]`, "AL2023_x86_64_NVIDIA")},
		"managed, AL2 GPU with Inferentia": {
			give: ng(`["inf1.xlarge", "g4dn.xlarge"]`, "AL2_x86_64_GPU"),
		},
		"managed, Windows": {give: ng(`["m6i.large"]`, "WINDOWS_CORE_2022_x86_64")},
		"managed, Windows on Graviton": {
			give:   ng(`["m7g.large"]`, "WINDOWS_CORE_2022_x86_64"),
			want:   []string{"main.hcl:5,23: Instance type does not fit the AMI type"},
			detail: "cannot boot on it: choose an x86_64 instance type.",
		},
		"managed, ARM type with the default instance types": {
			give:   ng("", "AL2023_ARM_64_STANDARD"),
			want:   []string{ngType},
			detail: `"t3.medium" is an x86_64 instance type`,
		},
		"managed, GPU AMI type with a non-GPU type": {
			give: ng(`["m6i.large"]`, "BOTTLEROCKET_x86_64_NVIDIA"),
			want: []string{"main.hcl:5,23: Instance type does not fit the AMI type"},
		},
		"managed, GPU type with the standard AMI type": {
			give:   ng(`["g5.xlarge"]`, "AL2023_x86_64_STANDARD"),
			want:   []string{"main.hcl:5,23: Instance type does not fit the AMI type"},
			detail: `"g5.xlarge" is a GPU instance: use ami_type = "AL2023_x86_64_NVIDIA"`,
		},
		"managed, FIPS keeps FIPS": {
			give:   ng(`["m7g.large"]`, "BOTTLEROCKET_x86_64_FIPS"),
			want:   []string{"main.hcl:5,23: Instance type does not fit the AMI type"},
			detail: `use ami_type = "BOTTLEROCKET_ARM_64_FIPS"`,
		},
		"managed, ARM GPU on AL2 has no AMI type": {
			give:   ng(`["g5g.xlarge"]`, "AL2_ARM_64"),
			want:   []string{"main.hcl:5,23: Instance type does not fit the AMI type"},
			detail: `"g5g.xlarge" is a GPU instance, but ami_type = "AL2_ARM_64" has no NVIDIA driver, and no ami_type of its OS has: choose another instance type.`,
		},
		"managed, custom AMI": {
			give: nodeGroup("    instance_types = [\"m7g.large\", \"g5.xlarge\"]\n    launch_template {\n      ami_id = \"ami-0a1b2c3d\"\n    }"),
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

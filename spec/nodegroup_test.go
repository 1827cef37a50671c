package spec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReleaseVersion checks release_version against the node group's
// Kubernetes version when both are written (the node group's own version,
// or the cluster's written version it follows), and its form for the
// Amazon Linux AMI types.
func TestReleaseVersion(t *testing.T) {
	const mismatch = "main.hcl:7,23: Release version for another Kubernetes version"
	tests := map[string]struct {
		cluster string // cluster attribute lines
		ng      string // node group attribute lines, before release_version
		release string // the release_version expression
		want    []string
		detail  []string // in the first diagnostic's detail
	}{
		"follows the cluster's version, same minor": {
			cluster: `version = "1.31"`, release: `"1.31.3-20250103"`,
		},
		"follows the cluster's version, another minor": {
			cluster: `version = "1.31"`, release: `"1.30.8-20250103"`,
			want:   []string{mismatch},
			detail: []string{`"1.30.8-20250103"`, "Kubernetes 1.30", "Kubernetes 1.31", `cluster "demo" at main.hcl:3,13-19, which it follows`, "leave release_version out"},
		},
		"follows the cluster's version from a variable": {
			cluster: `version = var.k8s`, release: `"1.34.1-20251120"`,
			want:   []string{mismatch},
			detail: []string{"Kubernetes 1.35", "Kubernetes 1.34"},
		},
		"own version, same minor": {
			cluster: `version = "1.31"`, ng: `version = "1.30"`, release: `"1.30.8-20250103"`,
		},
		"own version, the cluster's minor": {
			cluster: `version = "1.31"`, ng: `version = "1.30"`, release: `"1.31.3-20250103"`,
			want:   []string{mismatch},
			detail: []string{"its version at main.hcl:6,15-21"},
		},
		"own version, cluster version defaulted": {
			ng: `version = "1.33"`, release: `"1.34.1-20251120"`,
			want: []string{mismatch},
		},
		"version defaulted: checked at plan time against the live version": {
			release: `"1.30.8-20250103"`,
		},
		"release follows the version variable": {
			cluster: `version = var.k8s`, release: `"${var.k8s}.2-20250601"`,
		},
		"only the minor version form": {
			cluster: `version = "1.31"`, release: `"1.31"`,
			want:   []string{"main.hcl:7,23: Invalid release version"},
			detail: []string{`"1.31"`, "<major>.<minor>.<patch>-<yyyymmdd>", `"1.31.3-20250103"`},
		},
		"v prefix": {
			release: `"v1.31.3-20250103"`,
			want:    []string{"main.hcl:7,23: Invalid release version"},
		},
		"not a date": {
			release: `"1.31.3-20251350"`,
			want:    []string{"main.hcl:7,23: Invalid release version"},
		},
		"empty": {
			release: `""`,
			want:    []string{"main.hcl:7,23: Empty release version"},
		},
		"Bottlerocket releases name the OS version": {
			cluster: `version = "1.31"`, ng: `ami_type = "BOTTLEROCKET_x86_64"`, release: `"1.47.0-6154605b"`,
		},
		"AL2 releases name the Kubernetes version": {
			cluster: `version = "1.31"`, ng: `ami_type = "AL2_x86_64"`, release: `"1.30.8-20250103"`,
			want: []string{mismatch},
		},
		"invalid node group version is reported alone": {
			cluster: `version = "1.31"`, ng: `version = "1.3"`, release: `"1.31.3-20250103"`,
			want: []string{"main.hcl:6,15: Invalid Kubernetes version"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			src := fmt.Sprintf(`variable "k8s" { default = "1.35" }
cluster "demo" {
  %s
  vpc { subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"] }
  node_group "ng" {
    %s
    release_version = %s
    scaling {
      min_size = 1
      max_size = 2
    }
  }
}
`, tt.cluster, tt.ng, tt.release)
			_, diags := load(t, src, nil, nil)
			if diff := cmp.Diff(tt.want, brief(diags)); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s\nsource:\n%s", diff, src)
			}
			for _, want := range tt.detail {
				if !strings.Contains(diags[0].Detail, want) {
					t.Errorf("detail %q does not say %s", diags[0].Detail, want)
				}
			}
		})
	}
}

func TestReleaseMinor(t *testing.T) {
	tests := map[string]struct {
		amiType, release string
		want             string
		wantOK           bool
	}{
		"AL2023":                   {"AL2023_x86_64_STANDARD", "1.31.3-20250103", "1.31", true},
		"AL2023 ARM, two digits":   {"AL2023_ARM_64_STANDARD", "1.35.0-20260115", "1.35", true},
		"AL2 GPU":                  {"AL2_x86_64_GPU", "1.30.8-20241213", "1.30", true},
		"Bottlerocket":             {"BOTTLEROCKET_x86_64", "1.47.0-6154605b", "", false},
		"Windows":                  {"WINDOWS_CORE_2022_x86_64", "1.31.3-20250103", "", false},
		"minor only":               {"AL2023_x86_64_STANDARD", "1.31", "", false},
		"no date":                  {"AL2023_x86_64_STANDARD", "1.31.3", "", false},
		"short date":               {"AL2023_x86_64_STANDARD", "1.31.3-2025013", "", false},
		"month 13":                 {"AL2023_x86_64_STANDARD", "1.31.3-20251301", "", false},
		"trailing text":            {"AL2023_x86_64_STANDARD", "1.31.3-20250103 ", "", false},
		"commit instead of a date": {"AL2023_x86_64_STANDARD", "1.31.3-6154605b", "", false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := ReleaseMinor(tt.amiType, tt.release)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ReleaseMinor(%q, %q) = %q, %v; want %q, %v", tt.amiType, tt.release, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

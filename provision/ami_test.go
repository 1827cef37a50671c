package provision

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// selfManagedAMIFamilies are the ami_family values of issue 11. spec has
// no AMIFamilies list yet (another change adds it); when it does, range
// over spec.AMIFamilies here instead, so a family added to the spec
// without an SSM parameter fails this test.
var selfManagedAMIFamilies = []string{
	"AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD",
	"AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA", "AL2023_x86_64_NEURON",
	"BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64",
	"BOTTLEROCKET_x86_64_NVIDIA", "BOTTLEROCKET_ARM_64_NVIDIA",
}

func TestAMIParameter(t *testing.T) {
	tests := map[string]struct {
		give     string
		wantPath string
		wantArch string
	}{
		"AL2023_x86_64_STANDARD":     {wantPath: "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/image_id", wantArch: "x86_64"},
		"AL2023_ARM_64_STANDARD":     {wantPath: "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/arm64/standard/recommended/image_id", wantArch: "arm64"},
		"AL2023_x86_64_NVIDIA":       {wantPath: "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/nvidia/recommended/image_id", wantArch: "x86_64"},
		"AL2023_ARM_64_NVIDIA":       {wantPath: "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/arm64/nvidia/recommended/image_id", wantArch: "arm64"},
		"AL2023_x86_64_NEURON":       {wantPath: "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/neuron/recommended/image_id", wantArch: "x86_64"},
		"BOTTLEROCKET_x86_64":        {wantPath: "/aws/service/bottlerocket/aws-k8s-1.35/x86_64/latest/image_id", wantArch: "x86_64"},
		"BOTTLEROCKET_ARM_64":        {wantPath: "/aws/service/bottlerocket/aws-k8s-1.35/arm64/latest/image_id", wantArch: "arm64"},
		"BOTTLEROCKET_x86_64_NVIDIA": {wantPath: "/aws/service/bottlerocket/aws-k8s-1.35-nvidia/x86_64/latest/image_id", wantArch: "x86_64"},
		"BOTTLEROCKET_ARM_64_NVIDIA": {wantPath: "/aws/service/bottlerocket/aws-k8s-1.35-nvidia/arm64/latest/image_id", wantArch: "arm64"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := amiParameter(name, "1.35")
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.wantPath {
				t.Errorf("amiParameter(%s, 1.35) = %s, want %s", name, got, tt.wantPath)
			}
			if got := amiArchitecture(name); got != tt.wantArch {
				t.Errorf("amiArchitecture(%s) = %q, want %q", name, got, tt.wantArch)
			}
		})
	}
	// Every family a user may write has a parameter (and a row above).
	for _, family := range selfManagedAMIFamilies {
		if _, ok := tests[family]; !ok {
			t.Errorf("family %s has no row in this test", family)
		}
	}
	want := slices.Sorted(slices.Values(selfManagedAMIFamilies))
	if d := cmp.Diff(want, amiFamilyNames()); d != "" {
		t.Errorf("amiFamilies differ from the spec's families (-spec +provision):\n%s", d)
	}
}

func TestAMIParameterVersionIsInThePath(t *testing.T) {
	got, err := amiParameter("AL2023_x86_64_NVIDIA", "1.29")
	if err != nil {
		t.Fatal(err)
	}
	if want := "/aws/service/eks/optimized-ami/1.29/amazon-linux-2023/x86_64/nvidia/recommended/image_id"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestAMIParameterErrors(t *testing.T) {
	tests := map[string]struct {
		family, version string
		want            string // in the error
	}{
		"unknown family":      {"AL2_x86_64", "1.31", `"AL2_x86_64"`},
		"custom has no AMI":   {"CUSTOM", "1.35", `"CUSTOM"`},
		"empty family":        {"", "1.35", `""`},
		"empty version":       {"AL2023_x86_64_STANDARD", "", `version ""`},
		"version with patch":  {"BOTTLEROCKET_x86_64", "1.35.2", `"1.35.2"`},
		"version with prefix": {"BOTTLEROCKET_x86_64", "v1.35", `"v1.35"`},
		"path traversal":      {"AL2023_x86_64_STANDARD", "1.35/../x", `"1.35/../x"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := amiParameter(tt.family, tt.version)
			if err == nil {
				t.Fatalf("amiParameter(%q, %q) = %s, want an error", tt.family, tt.version, got)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %s", err, tt.want)
			}
		})
	}
	if got := amiArchitecture("WINDOWS_CORE_2022_x86_64"); got != "" {
		t.Errorf("amiArchitecture of an unknown family = %q, want \"\"", got)
	}
}

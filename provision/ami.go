package provision

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The AMI of a self-managed node group: the SSM public parameters EKS and
// Bottlerocket publish for every Kubernetes version and AMI family.

// amiFamilyPath says where one AMI family's recommended image lives in SSM.
type amiFamilyPath struct {
	// bottlerocket: the Bottlerocket tree, else the EKS optimized AMI tree.
	bottlerocket bool
	// flavour is the path below amazon-linux-2023/ ("x86_64/nvidia"), or
	// the variant suffix after aws-k8s-<version> for Bottlerocket ("-nvidia").
	flavour string
	arch    string
}

// amiFamilies are the self-managed node group AMI families and their SSM
// parameters, from the EKS user guide: "Retrieve recommended Amazon Linux
// AMI IDs" (/aws/service/eks/optimized-ami/<version>/amazon-linux-2023/
// <arch>/<standard|nvidia|neuron>/recommended/image_id) and "Retrieve
// recommended Bottlerocket AMI IDs" (/aws/service/bottlerocket/
// aws-k8s-<version>[-nvidia]/<arch>/latest/image_id). Amazon Linux 2 has
// no AMIs after Kubernetes 1.32 and is not offered. The emulator publishes
// the same paths (integration/emulator/ssm_eks_ami.py).
var amiFamilies = map[string]amiFamilyPath{
	"AL2023_x86_64_STANDARD":     {flavour: "x86_64/standard", arch: "x86_64"},
	"AL2023_ARM_64_STANDARD":     {flavour: "arm64/standard", arch: "arm64"},
	"AL2023_x86_64_NVIDIA":       {flavour: "x86_64/nvidia", arch: "x86_64"},
	"AL2023_ARM_64_NVIDIA":       {flavour: "arm64/nvidia", arch: "arm64"},
	"AL2023_x86_64_NEURON":       {flavour: "x86_64/neuron", arch: "x86_64"},
	"BOTTLEROCKET_x86_64":        {bottlerocket: true, arch: "x86_64"},
	"BOTTLEROCKET_ARM_64":        {bottlerocket: true, arch: "arm64"},
	"BOTTLEROCKET_x86_64_NVIDIA": {bottlerocket: true, flavour: "-nvidia", arch: "x86_64"},
	"BOTTLEROCKET_ARM_64_NVIDIA": {bottlerocket: true, flavour: "-nvidia", arch: "arm64"},
}

// kubernetesMinorRE is a Kubernetes version as EKS spells it: "1.35".
var kubernetesMinorRE = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

// amiParameter returns the SSM parameter name for family at version (e.g. "1.35"), or an error naming the family.
func amiParameter(family, version string) (string, error) {
	f, ok := amiFamilies[family]
	if !ok {
		return "", fmt.Errorf("AMI family %q has no recommended AMI in SSM; use one of %s, or set ami_id", family, strings.Join(amiFamilyNames(), ", "))
	}
	if !kubernetesMinorRE.MatchString(version) {
		return "", fmt.Errorf("AMI family %s: Kubernetes version %q is not of the form 1.35", family, version)
	}
	if f.bottlerocket {
		return fmt.Sprintf("/aws/service/bottlerocket/aws-k8s-%s%s/%s/latest/image_id", version, f.flavour, f.arch), nil
	}
	return fmt.Sprintf("/aws/service/eks/optimized-ami/%s/amazon-linux-2023/%s/recommended/image_id", version, f.flavour), nil
}

// amiArchitecture returns the CPU architecture of family's AMIs, "x86_64"
// or "arm64" (as EC2 DescribeImages spells them), or "" for a family it
// does not know.
func amiArchitecture(family string) string {
	return amiFamilies[family].arch
}

// amiFamilyNames are the families amiParameter knows, sorted.
func amiFamilyNames() []string {
	names := make([]string, 0, len(amiFamilies))
	for name := range amiFamilies {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

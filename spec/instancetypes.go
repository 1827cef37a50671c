package spec

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// This file holds what spec knows about EC2 instance types: which CPU
// architecture and accelerator an instance type has, read from its name,
// and the rule that a node group's AMI (ami_type, ami_family) is built for
// them. The names follow the EC2 naming convention (Amazon EC2 Instance
// Types guide, "Amazon EC2 instance type naming conventions"): a series
// letter or letters, a generation number, then attribute letters (a: AMD,
// i: Intel, g: AWS Graviton, d: local NVMe, n: network, e: extra memory or
// storage, z: high frequency, b: EBS, q: Qualcomm, flex: flexible), a dot
// and the size; some families carry a variant after a "-" (m7i-flex,
// p6-b200, u-6tb1).

// instanceFamilyRE splits an instance family without its variant into
// series, generation and attribute letters: "c7gn" is c, 7, gn.
var instanceFamilyRE = regexp.MustCompile(`^([a-z]+)([0-9]+)([a-z]*)$`)

// instanceFamily returns the family of an instance type ("m7g" of
// "m7g.large") and its variant ("flex" of "m7i-flex.large"), if any.
func instanceFamily(instanceType string) (family, variant string) {
	name, _, _ := strings.Cut(instanceType, ".")
	family, variant, _ = strings.Cut(name, "-")
	return family, variant
}

// isARMInstanceType reports whether instanceType has an ARM CPU: an AWS
// Graviton, whose families have "g" as their first attribute letter
// (m7g, c7gn, r6gd, t4g, g5g, x2gd, im4gn, is4gen), or the first Graviton
// family, a1, which has none; or NVIDIA Grace (p6e-gb200, Grace
// Blackwell). Apple silicon Macs (mac2 and later) are ARM too, though EKS
// runs no node on them.
func isARMInstanceType(instanceType string) bool {
	family, variant := instanceFamily(instanceType)
	switch {
	case family == "a1":
		return true
	case strings.HasPrefix(variant, "gb"):
		return true
	case family == "mac":
		return true // mac-m4, mac-m4pro: Apple M4
	case strings.HasPrefix(family, "mac"):
		return family != "mac1" // mac1 is Intel, mac2 Apple M1 and M2
	}
	m := instanceFamilyRE.FindStringSubmatch(family)
	return m != nil && strings.HasPrefix(m[3], "g")
}

// isGPUInstanceType reports whether instanceType is an accelerated
// computing instance with GPUs: the g and p series (g5, g6e, gr6, g5g,
// p4d, p5en). g4ad's GPUs are AMD Radeon, which the NVIDIA AMIs do not
// drive; the rule is kept to the series letter, and such a node group
// needs an AMI of its own (ami_id).
func isGPUInstanceType(instanceType string) bool {
	return strings.HasPrefix(instanceType, "g") || strings.HasPrefix(instanceType, "p")
}

// isNeuronInstanceType reports whether instanceType has AWS Inferentia or
// Trainium chips, which the Neuron AMIs drive: the inf and trn series.
func isNeuronInstanceType(instanceType string) bool {
	return strings.HasPrefix(instanceType, "inf") || strings.HasPrefix(instanceType, "trn")
}

// amiFlavour is what an AMI type or family is built for, read from its
// name the way EKS spells them: AL2023_ARM_64_NVIDIA is Amazon Linux 2023
// for ARM with the NVIDIA driver.
type amiFlavour struct {
	// os is AL2023, AL2, BOTTLEROCKET or WINDOWS.
	os string
	// arm: ARM_64 in the name, else x86_64.
	arm bool
	// nvidia: the NVIDIA driver (_NVIDIA, or AL2's _GPU).
	nvidia bool
	// neuron: the AWS Neuron driver (_NEURON).
	neuron bool
	fips   bool
}

// flavourOf returns the flavour of an AMI type or family; ok is false for
// CUSTOM and names it does not know, about which nothing can be said.
func flavourOf(name string) (f amiFlavour, ok bool) {
	for _, os := range []string{"AL2023", "AL2", "BOTTLEROCKET", "WINDOWS"} {
		if strings.HasPrefix(name, os+"_") {
			f.os = os
			break
		}
	}
	if f.os == "" {
		return f, false
	}
	f.arm = strings.Contains(name, "_ARM_64")
	f.nvidia = strings.HasSuffix(name, "_NVIDIA") || strings.HasSuffix(name, "_GPU")
	f.neuron = strings.HasSuffix(name, "_NEURON")
	f.fips = strings.HasSuffix(name, "_FIPS")
	return f, true
}

// Why an instance type does not fit an AMI flavour.
const (
	fits          = ""
	needsARM      = "needs an ARM AMI"
	needsX86      = "needs an x86_64 AMI"
	notGPU        = "is no GPU instance"
	notNeuron     = "is no Neuron instance"
	needsNVIDIA   = "needs the NVIDIA AMI"
	needsNeuronAM = "needs the Neuron AMI"
)

// misfit says why instanceType does not fit AMIs of flavour f, or fits.
// The inverse rules (a GPU instance needs the NVIDIA AMI, an Inferentia or
// Trainium one the Neuron AMI) hold where the OS has such a flavour:
// Windows has no GPU AMI type, only AL2023 has a Neuron one (AL2's GPU
// AMI, the accelerated AMI, drives Neuron chips too).
func (f amiFlavour) misfit(instanceType string) string {
	arm, gpu, neuron := isARMInstanceType(instanceType), isGPUInstanceType(instanceType), isNeuronInstanceType(instanceType)
	switch {
	case arm && !f.arm:
		return needsARM
	case !arm && f.arm:
		return needsX86
	case f.nvidia && !gpu && !(f.os == "AL2" && neuron):
		return notGPU
	case f.neuron && !neuron:
		return notNeuron
	case gpu && !f.nvidia && f.os != "WINDOWS":
		return needsNVIDIA
	case neuron && !f.neuron && f.os == "AL2023":
		return needsNeuronAM
	}
	return fits
}

// suggestFlavour returns the first of allowed, of the same OS as f (and
// FIPS when f is, if there is one), that instanceType fits; "" when none.
func suggestFlavour(f amiFlavour, instanceType string, allowed []string) string {
	for _, sameFIPS := range []bool{true, false} {
		for _, a := range allowed {
			fa, ok := flavourOf(a)
			if ok && fa.os == f.os && (!sameFIPS || fa.fips == f.fips) && fa.misfit(instanceType) == fits {
				return a
			}
		}
	}
	return ""
}

// checkInstanceFamilies checks that each of instanceTypes fits the AMI
// named by attribute attr of body ("ami_type" of a node group, "ami_family"
// of a self-managed one), whose defaulted value is ami, one of allowed:
// an AMI boots on one CPU architecture, and the GPU and Neuron AMIs are
// the ones with the drivers. With customAMI (a self-managed group's
// ami_id) the user's AMI may have drivers of its own, so a GPU or Neuron
// instance is not asked for the family that has them. The error is at the
// instance type when instance_types is written, else at attr.
func (l *loader) checkInstanceFamilies(body hcl.Body, attr, ami string, allowed, instanceTypes []string, customAMI bool, fallback hcl.Range) {
	f, ok := flavourOf(ami)
	if !ok || !l.trusted(body, attr) || !l.trusted(body, "instance_types") {
		return
	}
	which := fmt.Sprintf("%s = %q", attr, ami)
	if !has(body, attr) {
		which = fmt.Sprintf("%s %q, the default,", attr, ami)
	}
	summary := "Instance type does not fit the AMI type"
	if attr == "ami_family" {
		summary = "Instance type does not fit the AMI family"
	}
	seen := map[string]bool{}
	for i, t := range instanceTypes {
		if seen[t] || !instanceTypeRE.MatchString(t) {
			continue // reported by the list checks
		}
		seen[t] = true
		why := f.misfit(t)
		if why == fits || (customAMI && (why == needsNVIDIA || why == needsNeuronAM)) {
			continue
		}
		rng := at(body, attr, fallback)
		if has(body, "instance_types") {
			rng = elemAt(body, "instance_types", i, fallback)
		}
		suggestion := suggestFlavour(f, t, allowed)
		// fix is what to do: the AMI that fits, or else what to choose.
		fix := func(choose string) string {
			if suggestion == "" {
				return choose
			}
			return fmt.Sprintf("use %s = %q, or %s", attr, suggestion, choose)
		}
		switch why {
		case needsARM:
			l.errorf(rng, summary, "%q is an ARM (AWS Graviton) instance type, but %s is an x86_64 AMI, which cannot boot on it: %s.", t, which, fix("choose an x86_64 instance type"))
		case needsX86:
			l.errorf(rng, summary, "%q is an x86_64 instance type, but %s is an ARM AMI, which cannot boot on it: %s.", t, which, fix("choose an AWS Graviton instance type (such as \"m7g.large\")"))
		case notGPU:
			l.errorf(rng, summary, "%q is not a GPU instance, but %s is the NVIDIA GPU AMI, for the g and p instance families: %s.", t, which, fix("choose a GPU instance type (such as \"g5.xlarge\")"))
		case notNeuron:
			l.errorf(rng, summary, "%q has no AWS Inferentia or Trainium chip, but %s is the Neuron AMI, for the inf and trn instance families: %s.", t, which, fix("choose one of those (such as \"inf2.xlarge\")"))
		case needsNVIDIA, needsNeuronAM:
			driver := "NVIDIA"
			if why == needsNeuronAM {
				driver = "Neuron"
			}
			kind := map[string]string{needsNVIDIA: "a GPU instance", needsNeuronAM: "an AWS Inferentia or Trainium instance"}[why]
			if suggestion == "" {
				l.errorf(rng, summary, "%q is %s, but %s has no %s driver, and no %s of its OS has: choose another instance type.", t, kind, which, driver, attr)
				continue
			}
			l.errorf(rng, summary, "%q is %s: use %s = %q, whose AMI has the %s driver; %s has none.", t, kind, attr, suggestion, driver, which)
		}
	}
}

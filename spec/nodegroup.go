package spec

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// rawNodeGroup is a `node_group "NAME"` block as written.
type rawNodeGroup struct {
	Name           string             `hcl:"name,label"`
	InstanceTypes  *[]string          `hcl:"instance_types,optional"`
	AMIType        *string            `hcl:"ami_type,optional"`
	CapacityType   *string            `hcl:"capacity_type,optional"`
	DiskSize       *int               `hcl:"disk_size,optional"`
	SubnetIDs      *[]string          `hcl:"subnet_ids,optional"`
	NodeRoleARN    *string            `hcl:"node_role_arn,optional"`
	Version        *string            `hcl:"version,optional"`
	ReleaseVersion *string            `hcl:"release_version,optional"`
	Labels         map[string]string  `hcl:"labels,optional"`
	Tags           map[string]string  `hcl:"tags,optional"`
	Scaling        *rawScaling        `hcl:"scaling,block"`
	Update         *rawUpdate         `hcl:"update,block"`
	Taints         []*rawTaint        `hcl:"taint,block"`
	LaunchTemplate *rawLaunchTemplate `hcl:"launch_template,block"`
	Body           hcl.Body           `hcl:",body"`
	DefRange       hcl.Range          `hcl:",def_range"`
	NameRange      hcl.Range          `hcl:"name,label_range"`

	versionFollowsCluster bool
}

// rawScaling is a node group's `scaling` block.
type rawScaling struct {
	MinSize     int       `hcl:"min_size"`
	MaxSize     int       `hcl:"max_size"`
	DesiredSize *int      `hcl:"desired_size,optional"`
	Body        hcl.Body  `hcl:",body"`
	DefRange    hcl.Range `hcl:",def_range"`
}

// rawUpdate is a node group's `update` block.
type rawUpdate struct {
	MaxUnavailable           *int      `hcl:"max_unavailable,optional"`
	MaxUnavailablePercentage *int      `hcl:"max_unavailable_percentage,optional"`
	Body                     hcl.Body  `hcl:",body"`
	DefRange                 hcl.Range `hcl:",def_range"`
}

// rawTaint is a node group's `taint` block.
type rawTaint struct {
	Key      string    `hcl:"key"`
	Value    *string   `hcl:"value,optional"`
	Effect   string    `hcl:"effect"`
	Body     hcl.Body  `hcl:",body"`
	DefRange hcl.Range `hcl:",def_range"`
}

// AMITypes are the values of EKS's AMITypes enum (EKS API reference,
// CreateNodegroup amiType). spec does not import the AWS SDK, so the list
// is kept here; update it when EKS adds AMI types.
var AMITypes = []string{
	"AL2_x86_64", "AL2_x86_64_GPU", "AL2_ARM_64", "CUSTOM",
	"BOTTLEROCKET_ARM_64", "BOTTLEROCKET_x86_64",
	"BOTTLEROCKET_ARM_64_FIPS", "BOTTLEROCKET_x86_64_FIPS",
	"BOTTLEROCKET_ARM_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA",
	"WINDOWS_CORE_2019_x86_64", "WINDOWS_FULL_2019_x86_64",
	"WINDOWS_CORE_2022_x86_64", "WINDOWS_FULL_2022_x86_64",
	"AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD",
	"AL2023_x86_64_NEURON", "AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA",
}

// CapacityTypes are the node group capacity types eksctl-lite supports.
var CapacityTypes = []string{"ON_DEMAND", "SPOT"}

// TaintEffects are the taint effects as the EKS API spells them.
var TaintEffects = []string{"NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"}

const (
	maxNodeGroupNameLen = 63
	// maxDiskSize is EBS's limit for a gp2/gp3 volume, in GiB.
	maxDiskSize = 16384
	// maxTaints is EKS's limit of taints per node group.
	maxTaints = 50
)

// instanceTypeRE is an EC2 instance type such as m6i.large or t3.medium.
var instanceTypeRE = regexp.MustCompile(`^[a-z0-9-]+\.[a-z0-9-]+$`)

// buildNodeGroup validates one defaulted node group of rc and converts it
// into the model. clusterVersionOK says whether the cluster's version is
// usable for comparing with the node group's.
func (l *loader) buildNodeGroup(rc *rawCluster, r *rawNodeGroup, clusterVersionOK bool) *NodeGroup {
	ng := &NodeGroup{
		Name:                  r.Name,
		InstanceTypes:         *r.InstanceTypes,
		AMIType:               *r.AMIType,
		CapacityType:          *r.CapacityType,
		DiskSize:              *r.DiskSize,
		SubnetIDs:             *r.SubnetIDs,
		NodeRoleARN:           *r.NodeRoleARN,
		Version:               *r.Version,
		VersionFollowsCluster: r.versionFollowsCluster,
		ReleaseVersion:        *r.ReleaseVersion,
		Labels:                r.Labels,
		Tags:                  r.Tags,
		DeclRange:             r.DefRange,
		Ranges:                attrRanges(nil, "", r.Body),
	}
	body, def := r.Body, r.DefRange
	l.checkEKSName("node group", r.Name, maxNodeGroupNameLen, r.NameRange)

	if len(ng.InstanceTypes) == 0 {
		l.errorf(at(body, "instance_types", def), "No instance type",
			"instance_types is empty. List at least one EC2 instance type, e.g. [%q], or leave the attribute out for that default.", DefaultInstanceType)
	}
	l.checkList(body, "instance_types", ng.InstanceTypes, def, func(s string, rng *hcl.Range) {
		l.checkPattern(instanceTypeRE, s, rng, "Invalid instance type",
			"%q is not an EC2 instance type: instance_types takes names such as \"m6i.large\" or \"t3.medium\".", s)
	})
	// customAMI says whether the launch template gives an AMI of the
	// user's: the group is then ami_type CUSTOM (see applyDefaults).
	lt := r.LaunchTemplate
	customAMI := lt != nil && has(lt.Body, "ami_id")
	if l.oneOf("AMI type", ng.AMIType, AMITypes, at(body, "ami_type", def)) {
		switch {
		case customAMI && has(body, "ami_type") && ng.AMIType != CustomAMIType:
			l.errorf(at(body, "ami_type", def), "AMI type with a custom AMI",
				"launch_template.ami_id at %s gives an AMI of your own, which EKS runs as ami_type = %q, not %q. Remove ami_type: with ami_id it is %q.",
				at(lt.Body, "ami_id", lt.DefRange), CustomAMIType, ng.AMIType, CustomAMIType)
		case !customAMI && ng.AMIType == CustomAMIType:
			l.errorf(at(body, "ami_type", def), "Custom AMI type without an AMI",
				"ami_type = %q means an AMI of your own, which EKS takes from a launch template: set launch_template { ami_id = \"ami-...\" } (eksctl-lite then writes the user data that joins the cluster, and ami_type may be left out), or choose one of the EKS-optimized AMI types, e.g. %q.",
				CustomAMIType, DefaultAMIType)
		default:
			l.checkInstanceFamilies(body, "ami_type", ng.AMIType, AMITypes, ng.InstanceTypes, false, def)
		}
	}
	l.oneOf("capacity type", ng.CapacityType, CapacityTypes, at(body, "capacity_type", def))
	switch {
	case lt != nil && has(body, "disk_size"):
		l.errorf(at(body, "disk_size", def), "Disk size with a launch template",
			"EKS refuses disk_size on a node group with a launch template (CreateNodegroup diskSize): the root volume is the template's. Remove disk_size and set launch_template { root_volume { size = %d } } instead.", ng.DiskSize)
	case lt == nil && (ng.DiskSize < 1 || ng.DiskSize > maxDiskSize):
		l.errorf(at(body, "disk_size", def), "Invalid disk size",
			"disk_size is the root volume size in GiB: a whole number from 1 to %d, not %d.", maxDiskSize, ng.DiskSize)
	}
	if has(body, "subnet_ids") {
		if len(ng.SubnetIDs) == 0 {
			l.errorf(at(body, "subnet_ids", def), "No subnet",
				"subnet_ids is empty. List at least one subnet, or leave the attribute out to use the cluster's vpc.subnet_ids.")
		}
		l.checkSubnets(body, "subnet_ids", ng.SubnetIDs, def)
	}
	l.checkRoleARN(body, "node_role_arn", ng.NodeRoleARN, def)
	versionKnown := l.checkGroupVersion(rc, "Node group", r.Name, body, def, ng.Version, ng.VersionFollowsCluster, clusterVersionOK)
	if customAMI && has(body, "release_version") {
		l.errorf(at(body, "release_version", def), "Release version with a custom AMI",
			"release_version picks a release of an EKS-optimized AMI, but launch_template.ami_id at %s gives an AMI of your own, which has no EKS releases. Remove release_version; to move the nodes to another AMI, change ami_id.",
			at(lt.Body, "ami_id", lt.DefRange))
	} else {
		l.checkReleaseVersion(rc, r, ng, versionKnown)
	}
	l.checkK8sLabels(body, "labels", ng.Labels, def)
	l.checkTags(body, ng.Tags, def)

	ng.Scaling = l.buildScaling("Node group", r.Name, r.Scaling, r.Body, r.NameRange)
	ng.Update = l.buildUpdate(r.Update)
	ng.Taints = l.buildTaints("Node group", r.Name, r.Taints)
	if lt != nil {
		ng.LaunchTemplate = l.buildLaunchTemplate(lt, def, false)
	}
	return ng
}

// checkGroupVersion checks the version of a node group of kind ("Node
// group", "Self-managed node group") named name in cluster rc: supported,
// and never newer than the cluster's. It reports whether the group's
// Kubernetes version is known: one the user wrote, here or on the cluster
// it follows, and valid; a defaulted version is only known at plan time
// (an existing cluster keeps its live version).
func (l *loader) checkGroupVersion(rc *rawCluster, kind, name string, body hcl.Body, def hcl.Range, version string, follows, clusterVersionOK bool) bool {
	if follows {
		return clusterVersionOK && !rc.versionDefaulted
	}
	rng := at(body, "version", def)
	ok := l.checkVersion(body, version, def) && l.usable(body, "version")
	if ok && clusterVersionOK && minor(version) > minor(*rc.Version) {
		l.errorf(rng, "Node group version newer than cluster",
			"%s %q asks for Kubernetes %s, but cluster %q runs %s. Nodes may never be newer than the control plane: upgrade the cluster first, or leave version out to follow the cluster.",
			kind, name, version, rc.name, *rc.Version)
	}
	return ok
}

// checkReleaseVersion checks a node group's release_version: not empty,
// and for the Amazon Linux AMI types, whose releases are built for one
// Kubernetes minor version, of the form ReleaseMinor reads and for the node
// group's version when that is known (see buildNodeGroup). EKS refuses a
// node group whose release version is for another Kubernetes version
// (CreateNodegroup, UpdateNodegroupVersion: InvalidParameterException).
func (l *loader) checkReleaseVersion(rc *rawCluster, r *rawNodeGroup, ng *NodeGroup, versionKnown bool) {
	body, def := r.Body, r.DefRange
	if !has(body, "release_version") || !l.usable(body, "release_version") {
		return
	}
	rng := at(body, "release_version", def)
	rv := ng.ReleaseVersion
	if rv == "" {
		l.errorf(rng, "Empty release version",
			"release_version is empty. Give an AMI release version such as \"1.31.3-20250103\", or leave the attribute out to let EKS choose the latest.")
		return
	}
	if !l.trusted(body, "ami_type") || !slices.Contains(AMITypes, ng.AMIType) || !releaseNamesKubernetes(ng.AMIType) {
		return // Bottlerocket and Windows releases have forms of their own
	}
	m, ok := ReleaseMinor(ng.AMIType, rv)
	if !ok {
		l.errorf(rng, "Invalid release version",
			"%q is not an EKS AMI release version for %s: the form is <major>.<minor>.<patch>-<yyyymmdd>, the Kubernetes version the AMI is built for and its release date, e.g. \"1.31.3-20250103\". Leave release_version out to let EKS choose the latest release for the node group's version.",
			rv, ng.AMIType)
		return
	}
	if !versionKnown || m == ng.Version {
		return
	}
	whose := fmt.Sprintf("its version at %s", at(body, "version", def))
	if ng.VersionFollowsCluster {
		whose = fmt.Sprintf("the version of cluster %q at %s, which it follows", rc.name, at(rc.Body, "version", rc.declRange))
	}
	l.errorf(rng, "Release version for another Kubernetes version",
		"release_version %q is an AMI release for Kubernetes %s, but node group %q runs Kubernetes %s (%s). EKS only accepts a release of the node group's own Kubernetes version. Give a %s release (\"%s.<patch>-<yyyymmdd>\") or leave release_version out to get the latest one; when you upgrade, change version and release_version together.",
		rv, m, r.Name, ng.Version, whose, ng.Version, ng.Version)
}

// releaseRE is an Amazon Linux EKS AMI release version: the Kubernetes
// version the AMI is built for and its build date, "1.31.3-20250103".
var releaseRE = regexp.MustCompile(`^([0-9]+)\.([0-9]+)\.([0-9]+)-([0-9]{8})$`)

// releaseNamesKubernetes reports whether the AMI releases of amiType are
// named after the Kubernetes version they are built for: the Amazon Linux
// types (AL2, AL2023). Bottlerocket's name the Bottlerocket OS version
// ("1.47.0-6154605b"), Windows' their own.
func releaseNamesKubernetes(amiType string) bool {
	return strings.HasPrefix(amiType, "AL2")
}

// ReleaseMinor returns the Kubernetes minor version ("1.31") an EKS AMI
// release version of amiType ("1.31.3-20250103") is built for. ok is false
// when amiType's releases do not name a Kubernetes version (Bottlerocket,
// Windows, CUSTOM) or releaseVersion is not of that form; then nothing can
// be said about it.
func ReleaseMinor(amiType, releaseVersion string) (minor string, ok bool) {
	if !releaseNamesKubernetes(amiType) {
		return "", false
	}
	m := releaseRE.FindStringSubmatch(releaseVersion)
	if m == nil {
		return "", false
	}
	if _, err := time.Parse("20060102", m[4]); err != nil {
		return "", false
	}
	return m[1] + "." + m[2], true
}

// buildScaling validates the scaling block s of a node group of kind
// ("Node group", "Self-managed node group") named name, whose body is
// body: 0 <= min_size <= desired_size <= max_size and max_size >= 1. Each
// violation that does not follow from another is reported.
func (l *loader) buildScaling(kind, name string, s *rawScaling, body hcl.Body, nameRange hcl.Range) Scaling {
	if s == nil {
		if blockCount(body, "scaling") > 1 {
			return Scaling{} // several scaling blocks, reported by the decoder
		}
		l.errorf(nameRange.Ptr(), "Missing scaling block",
			"%s %q has no scaling block. Add one such as scaling { min_size = 1  max_size = 3 } to say how many nodes it may run.", kind, name)
		return Scaling{}
	}
	out := Scaling{MinSize: s.MinSize, MaxSize: s.MaxSize, DesiredSize: s.DesiredSize}
	minRng, maxRng := at(s.Body, "min_size", s.DefRange), at(s.Body, "max_size", s.DefRange)
	if !l.usable(s.Body, "min_size") || !l.usable(s.Body, "max_size") {
		return out // reported already
	}
	minOK, maxOK := s.MinSize >= 0, s.MaxSize >= 1
	if !minOK {
		l.errorf(minRng, "Invalid scaling", "min_size must be 0 or more, not %d.", s.MinSize)
	}
	if !maxOK {
		l.errorf(maxRng, "Invalid scaling", "max_size must be 1 or more, not %d.", s.MaxSize)
	}
	if minOK && s.MinSize > s.MaxSize {
		l.errorf(minRng, "Invalid scaling",
			"min_size (%d) is greater than max_size (%d). The sizes must satisfy 0 <= min_size <= desired_size <= max_size.", s.MinSize, s.MaxSize)
		return out // desired_size cannot fit between them either
	}
	if s.DesiredSize == nil || !l.usable(s.Body, "desired_size") {
		return out
	}
	d, dRng := *s.DesiredSize, at(s.Body, "desired_size", s.DefRange)
	const rule = "The sizes must satisfy 0 <= min_size <= desired_size <= max_size; leave desired_size out to start at min_size and let autoscalers decide."
	switch {
	case d < 0:
		l.errorf(dRng, "Invalid scaling", "desired_size must be 0 or more, not %d. %s", d, rule)
	case minOK && d < s.MinSize:
		l.errorf(dRng, "Invalid scaling", "desired_size (%d) is less than min_size (%d). %s", d, s.MinSize, rule)
	case maxOK && d > s.MaxSize:
		l.errorf(dRng, "Invalid scaling", "desired_size (%d) is greater than max_size (%d). %s", d, s.MaxSize, rule)
	}
	return out
}

// buildUpdate validates a node group's update block: at most one of its
// attributes, each from 1 to 100.
func (l *loader) buildUpdate(u *rawUpdate) UpdateConfig {
	if u == nil {
		return UpdateConfig{}
	}
	out := UpdateConfig{MaxUnavailable: u.MaxUnavailable, MaxUnavailablePercentage: u.MaxUnavailablePercentage}
	if has(u.Body, "max_unavailable") && has(u.Body, "max_unavailable_percentage") {
		l.errorf(at(u.Body, "max_unavailable_percentage", u.DefRange), "Conflicting update settings",
			"max_unavailable and max_unavailable_percentage are exclusive: EKS takes a node count or a percentage, not both. Remove one of them.")
	}
	check := func(name string, v *int, unit string) {
		if v != nil && (*v < 1 || *v > 100) {
			l.errorf(at(u.Body, name, u.DefRange), "Invalid update setting",
				"%s must be from 1 to 100 %s, not %d.", name, unit, *v)
		}
	}
	check("max_unavailable", u.MaxUnavailable, "nodes")
	check("max_unavailable_percentage", u.MaxUnavailablePercentage, "percent")
	return out
}

// buildTaints validates the taint blocks of a node group of kind ("Node
// group", "Self-managed node group") named name.
func (l *loader) buildTaints(kind, name string, taints []*rawTaint) []Taint {
	if len(taints) > maxTaints {
		l.errorf(taints[maxTaints].DefRange.Ptr(), "Too many taints",
			"%s %q has %d taint blocks; EKS accepts at most %d.", kind, name, len(taints), maxTaints)
	}
	var out []Taint
	seen := map[string]hcl.Range{}
	for _, t := range taints {
		tt := Taint{Key: t.Key, Effect: t.Effect}
		if t.Value != nil {
			tt.Value = *t.Value
		}
		keyRng := at(t.Body, "key", t.DefRange)
		if has(t.Body, "key") && (len(t.Key) > 63 || !k8sLabelKeyRE.MatchString(t.Key)) {
			l.errorf(keyRng, "Invalid taint key",
				"%q is not a valid taint key: 1 to 63 characters, letters, digits, '-', '_' and '.', starting and ending with a letter or digit, optionally after a DNS prefix and '/'.", t.Key)
		}
		if len(tt.Value) > 63 || !k8sLabelValueRE.MatchString(tt.Value) {
			l.errorf(at(t.Body, "value", t.DefRange), "Invalid taint value",
				"%q is not a valid taint value: at most 63 characters, letters, digits, '-', '_' and '.', starting and ending with a letter or digit.", tt.Value)
		}
		if has(t.Body, "effect") && l.oneOf("taint effect", t.Effect, TaintEffects, at(t.Body, "effect", t.DefRange)) {
			id := fmt.Sprintf("%s:%s", t.Key, t.Effect)
			if prev, dup := seen[id]; dup {
				l.errorf(t.DefRange.Ptr(), "Duplicate taint",
					"%s %q already has a taint with key %q and effect %s, declared at %s. Kubernetes keeps one taint per key and effect; remove one of them.",
					kind, name, t.Key, t.Effect, prev)
			}
			seen[id] = t.DefRange
		}
		out = append(out, tt)
	}
	return out
}

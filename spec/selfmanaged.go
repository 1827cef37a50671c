package spec

import (
	"github.com/hashicorp/hcl/v2"
)

// rawSelfManagedNodeGroup is a `self_managed_node_group "NAME"` block as
// written.
type rawSelfManagedNodeGroup struct {
	Name           string             `hcl:"name,label"`
	InstanceTypes  []string           `hcl:"instance_types"`
	AMIFamily      *string            `hcl:"ami_family,optional"`
	AMIID          *string            `hcl:"ami_id,optional"`
	AMIRelease     *string            `hcl:"ami_release,optional"`
	Version        *string            `hcl:"version,optional"`
	SubnetIDs      *[]string          `hcl:"subnet_ids,optional"`
	NodeRoleARN    *string            `hcl:"node_role_arn,optional"`
	CapacityType   *string            `hcl:"capacity_type,optional"`
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

// AMIFamilies are the AMI families of a self-managed node group: the EKS
// optimized AMIs whose IDs EKS publishes as SSM public parameters per
// Kubernetes version (EKS User Guide, "Retrieve recommended Amazon Linux
// AMI IDs" and "Retrieve recommended Bottlerocket AMI IDs"). They are
// spelled like the managed node groups' AMITypes.
var AMIFamilies = []string{
	"AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD",
	"AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA",
	"AL2023_x86_64_NEURON",
	"BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64",
	"BOTTLEROCKET_x86_64_NVIDIA", "BOTTLEROCKET_ARM_64_NVIDIA",
}

// AMIReleases are the values of ami_release: keep the AMI the group was
// created with until its version changes, or roll to each newer
// recommended AMI.
var AMIReleases = []string{AMIReleasePinned, AMIReleaseLatest}

// Self-managed node group defaults.
const (
	DefaultAMIFamily = "AL2023_x86_64_STANDARD"
	AMIReleasePinned = "pinned"
	AMIReleaseLatest = "latest"
)

// buildSelfManagedNodeGroup validates one defaulted self-managed node group
// of rc and converts it into the model. clusterVersionOK says whether the
// cluster's version is usable for comparing with the group's.
func (l *loader) buildSelfManagedNodeGroup(rc *rawCluster, r *rawSelfManagedNodeGroup, clusterVersionOK bool) *SelfManagedNodeGroup {
	const kind = "Self-managed node group"
	g := &SelfManagedNodeGroup{
		Name:                  r.Name,
		InstanceTypes:         r.InstanceTypes,
		AMIFamily:             *r.AMIFamily,
		AMIID:                 *r.AMIID,
		AMIRelease:            *r.AMIRelease,
		Version:               *r.Version,
		VersionFollowsCluster: r.versionFollowsCluster,
		SubnetIDs:             *r.SubnetIDs,
		NodeRoleARN:           *r.NodeRoleARN,
		CapacityType:          *r.CapacityType,
		Labels:                r.Labels,
		Tags:                  r.Tags,
		DeclRange:             r.DefRange,
		Ranges:                attrRanges(nil, "", r.Body),
	}
	body, def := r.Body, r.DefRange
	l.checkEKSName("self-managed node group", r.Name, maxNodeGroupNameLen, r.NameRange)

	if has(body, "instance_types") && len(g.InstanceTypes) == 0 {
		l.errorf(at(body, "instance_types", def), "No instance type",
			"instance_types is empty. List at least one EC2 instance type, e.g. [\"m6i.large\"]; more than one makes the Auto Scaling group a mixed-instances group.")
	}
	l.checkList(body, "instance_types", g.InstanceTypes, def, func(s string, rng *hcl.Range) {
		l.checkPattern(instanceTypeRE, s, rng, "Invalid instance type",
			"%q is not an EC2 instance type: instance_types takes names such as \"m6i.large\" or \"g5.xlarge\".", s)
	})
	if l.oneOf("AMI family", g.AMIFamily, AMIFamilies, at(body, "ami_family", def)) {
		l.checkInstanceFamilies(body, "ami_family", g.AMIFamily, AMIFamilies, g.InstanceTypes, has(body, "ami_id"), def)
	}
	if has(body, "ami_id") {
		l.checkAMIID(body, g.AMIID, def)
	}
	if l.oneOf("AMI release", g.AMIRelease, AMIReleases, at(body, "ami_release", def)) &&
		has(body, "ami_release") && has(body, "ami_id") {
		l.errorf(at(body, "ami_release", def), "AMI release with an AMI ID",
			"ami_release chooses between the recommended AMIs of ami_family, but ami_id at %s gives one AMI, which has no releases. Remove ami_release, or remove ami_id to follow the family's recommended AMI.",
			at(body, "ami_id", def))
	}
	l.checkGroupVersion(rc, kind, r.Name, body, def, g.Version, g.VersionFollowsCluster, clusterVersionOK)
	if has(body, "subnet_ids") {
		if len(g.SubnetIDs) == 0 {
			l.errorf(at(body, "subnet_ids", def), "No subnet",
				"subnet_ids is empty. List at least one subnet, or leave the attribute out to use the cluster's vpc.subnet_ids.")
		}
		l.checkSubnets(body, "subnet_ids", g.SubnetIDs, def)
	}
	l.checkRoleARN(body, "node_role_arn", g.NodeRoleARN, def)
	l.oneOf("capacity type", g.CapacityType, CapacityTypes, at(body, "capacity_type", def))
	l.checkK8sLabels(body, "labels", g.Labels, def)
	l.checkTags(body, g.Tags, def)

	g.Scaling = l.buildScaling(kind, r.Name, r.Scaling, body, r.NameRange)
	g.Update = l.buildUpdate(r.Update)
	g.Taints = l.buildTaints(kind, r.Name, r.Taints)
	g.LaunchTemplate = l.buildLaunchTemplate(r.LaunchTemplate, def, true)
	return g
}

// buildSelfManagedNodeGroups validates the self-managed node groups of rc.
// Each needs a name of its own among the cluster's node groups of either
// kind (managed and self-managed): both
// are node groups to kubectl, the cluster autoscaler and the plan's
// messages, which tell them apart by name.
func (l *loader) buildSelfManagedNodeGroups(rc *rawCluster, versionOK bool) []*SelfManagedNodeGroup {
	managed := map[string]*rawNodeGroup{}
	for _, ng := range rc.NodeGroups {
		if _, dup := managed[ng.Name]; !dup {
			managed[ng.Name] = ng
		}
	}
	var out []*SelfManagedNodeGroup
	seen := map[string]hcl.Range{}
	for _, r := range rc.SelfManagedNodeGroups {
		if prev, dup := seen[r.Name]; dup {
			l.errorf(r.NameRange.Ptr(), "Duplicate self-managed node group",
				"Cluster %q already has a self-managed node group named %q, declared at %s. Rename or remove one of them.",
				rc.name, r.Name, prev)
			continue
		}
		seen[r.Name] = r.DefRange
		if ng, dup := managed[r.Name]; dup {
			// The error is at the second of the two in the source.
			const detail = "Cluster %q already has a %s named %q, declared at %s. Managed and self-managed node groups share one name space (kubectl, the cluster autoscaler and plan tell them apart by name): rename one of them."
			if ng.DefRange.Start.Byte < r.DefRange.Start.Byte {
				l.errorf(r.NameRange.Ptr(), "Duplicate node group", detail, rc.name, "managed node group", r.Name, ng.DefRange)
				continue
			}
			l.errorf(ng.NameRange.Ptr(), "Duplicate node group", detail, rc.name, "self-managed node group", r.Name, r.DefRange)
		}
		out = append(out, l.buildSelfManagedNodeGroup(rc, r, versionOK))
	}
	return out
}

package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// This file is the one place where defaults are applied: after decoding,
// before validation. What the user wrote is in the raw structs; what
// eksctl-lite will ask AWS for is in them once applyDefaults has run.

// DefaultVersion is the Kubernetes version a cluster that sets none is
// validated at. It is a placeholder: plan creates such a cluster at EKS's
// own default version (DescribeClusterVersions) and keeps an existing
// one's live version; which versions exist is EKS's to say, not a list
// compiled in here.
const DefaultVersion = "1.35"

// UpgradePolicies are the values of a cluster's upgrade_policy (EKS's
// SupportType: STANDARD upgrades the cluster automatically when standard
// support ends, EXTENDED keeps it on its version in extended support, at
// the extended support rate).
var UpgradePolicies = []string{"STANDARD", "EXTENDED"}

// Node group and cluster defaults.
const (
	DefaultInstanceType = "t3.medium"
	DefaultAMIType      = "AL2023_x86_64_STANDARD"
	DefaultCapacityType = "ON_DEMAND"
	// DefaultDiskSize is the node group root volume size in GiB.
	DefaultDiskSize = 20
	// DefaultPublicAccessCIDR opens the public endpoint to everyone, as EKS does.
	DefaultPublicAccessCIDR = "0.0.0.0/0"
)

// Launch template defaults.
const (
	// DefaultMetadataHTTPTokens makes instances take IMDSv2 only.
	DefaultMetadataHTTPTokens = "required"
	// DefaultMetadataHopLimit lets pods, one network hop from the node,
	// reach instance metadata (EKS User Guide, "Restrict access to the
	// instance profile assigned to the worker node" recommends 2 for
	// pods that need IMDS).
	DefaultMetadataHopLimit = 2
	// DefaultRootVolumeSize is in GiB, like DefaultDiskSize.
	DefaultRootVolumeSize = DefaultDiskSize
	DefaultRootVolumeType = "gp3"
	// CustomAMIType is the ami_type of a node group whose launch template
	// gives an AMI of the user's (EKS API reference, CreateNodegroup
	// amiType).
	CustomAMIType = "CUSTOM"
)

// Access entry, add-on and Pod Identity defaults.
const (
	DefaultAccessEntryType = "STANDARD"
	DefaultAccessScope     = "cluster"
	// AddonVersionDefault and AddonVersionLatest are the two version
	// keywords of an addon block; the planner resolves them to an exact
	// version from DescribeAddonVersions for the cluster's version.
	AddonVersionDefault     = "default"
	AddonVersionLatest      = "latest"
	DefaultResolveConflicts = "OVERWRITE"
)

// applyDefaults fills every attribute the user left out.
func applyDefaults(clusters []*rawCluster) {
	for _, c := range clusters {
		setDefault(&c.Region, "")
		c.versionDefaulted = c.Version == nil
		setDefault(&c.Version, DefaultVersion)
		setDefault(&c.RoleARN, "")
		if c.VPC == nil {
			c.VPC = &rawVPC{}
		}
		setDefault(&c.VPC.EndpointPublicAccess, true)
		setDefault(&c.VPC.EndpointPrivateAccess, false)
		setDefault(&c.VPC.PublicAccessCIDRs, []string{DefaultPublicAccessCIDR})

		for _, ng := range c.NodeGroups {
			if lt := ng.LaunchTemplate; lt != nil {
				// A custom AMI is ami_type CUSTOM; EKS refuses diskSize
				// with a launch template, whose root volume it is: 0 is
				// never sent.
				if lt.AMIID != nil {
					setDefault(&ng.AMIType, CustomAMIType)
				}
				setDefault(&ng.DiskSize, 0)
				defaultLaunchTemplate(lt)
			}
			setDefault(&ng.InstanceTypes, []string{DefaultInstanceType})
			setDefault(&ng.AMIType, DefaultAMIType)
			setDefault(&ng.CapacityType, DefaultCapacityType)
			setDefault(&ng.DiskSize, DefaultDiskSize)
			setDefault(&ng.SubnetIDs, clone(c.VPC.SubnetIDs))
			setDefault(&ng.NodeRoleARN, "")
			setDefault(&ng.ReleaseVersion, "")
			if ng.Version == nil {
				ng.Version = ptr(*c.Version)
				ng.versionFollowsCluster = true
			}
		}
		for _, g := range c.SelfManagedNodeGroups {
			setDefault(&g.AMIFamily, DefaultAMIFamily)
			setDefault(&g.AMIID, "")
			setDefault(&g.AMIRelease, AMIReleasePinned)
			setDefault(&g.SubnetIDs, clone(c.VPC.SubnetIDs))
			setDefault(&g.NodeRoleARN, "")
			setDefault(&g.CapacityType, DefaultCapacityType)
			if g.Version == nil {
				g.Version = ptr(*c.Version)
				g.versionFollowsCluster = true
			}
			// The group always has a launch template: eksctl-lite's.
			if g.LaunchTemplate == nil {
				g.LaunchTemplate = &rawLaunchTemplate{}
			}
			defaultLaunchTemplate(g.LaunchTemplate)
		}
		for _, fp := range c.FargateProfiles {
			setDefault(&fp.SubnetIDs, clone(c.VPC.SubnetIDs))
			setDefault(&fp.PodExecutionRoleARN, "")
		}
		for _, r := range c.IRSA {
			setDefault(&r.RoleName, IRSARoleName(c.name, r.Name))
			setDefault(&r.InlinePolicy, "")
		}
		for _, e := range c.AccessEntries {
			setDefault(&e.Type, DefaultAccessEntryType)
			setDefault(&e.Username, "")
			for _, p := range e.Policies {
				setDefault(&p.Scope, DefaultAccessScope)
			}
		}
		for _, a := range c.Addons {
			setDefault(&a.Version, AddonVersionDefault)
			setDefault(&a.ConfigurationValues, "")
			setDefault(&a.ResolveConflicts, DefaultResolveConflicts)
			setDefault(&a.ServiceAccountRoleARN, "")
			setDefault(&a.PreserveOnDelete, false)
			for _, p := range a.PodIdentities {
				// A given role is not managed: it has no name of ours.
				if p.RoleARN == nil {
					setDefault(&p.RoleName, AddonPodIdentityRoleName(c.name, a.Name, p.ServiceAccount))
				}
				setDefault(&p.RoleARN, "")
				setDefault(&p.RoleName, "")
			}
		}
		for _, p := range c.PodIdentities {
			if p.RoleARN == nil {
				setDefault(&p.RoleName, PodIdentityRoleName(c.name, p.Name))
			}
			setDefault(&p.RoleARN, "")
			setDefault(&p.RoleName, "")
			setDefault(&p.InlinePolicy, "")
			setDefault(&p.TargetRoleARN, "")
			setDefault(&p.DisableSessionTags, false)
		}
	}
}

// defaultLaunchTemplate fills the attributes of a launch_template block
// the user left out.
func defaultLaunchTemplate(lt *rawLaunchTemplate) {
	setDefault(&lt.AMIID, "")
	setDefault(&lt.MetadataHTTPTokens, DefaultMetadataHTTPTokens)
	setDefault(&lt.MetadataHopLimit, DefaultMetadataHopLimit)
	setDefault(&lt.UserData, "")
	if rv := lt.RootVolume; rv != nil {
		setDefault(&rv.Size, DefaultRootVolumeSize)
		setDefault(&rv.Type, DefaultRootVolumeType)
		setDefault(&rv.Encrypted, true)
	}
}

// maxRoleNameLen is IAM's limit on role names.
const maxRoleNameLen = 64

// ManagedRolePrefix starts the names of the IAM roles eksctl-lite names
// and manages itself (cluster, node and Fargate pod execution roles). IAM
// compares role names without regard to case, and so does the check.
const ManagedRolePrefix = "eksctl-lite-"

// reservedRoleName reports whether name starts with ManagedRolePrefix, in
// any case.
func reservedRoleName(name string) bool {
	return len(name) >= len(ManagedRolePrefix) &&
		strings.EqualFold(name[:len(ManagedRolePrefix)], ManagedRolePrefix)
}

// IRSARoleName is the IAM role name of an irsa block that sets no
// role_name: "<cluster>-<label>" when that fits IAM's 64 characters, else
// as much of it as fits followed by "-" and 8 hex digits of a hash of both,
// so that long names stay distinct and stable from run to run. When the
// cluster's name starts with "eksctl-lite-", which is reserved for managed
// roles, the name is prefixed with "irsa-": "irsa-<cluster>-<label>".
func IRSARoleName(cluster, label string) string {
	return derivedRoleName("irsa-", cluster, label)
}

// PodIdentityRoleName is the IAM role name of a pod_identity block that
// gives no role_arn and no role_name: "<cluster>-<label>", shortened as
// IRSARoleName does, and "pod-identity-<cluster>-<label>" when the
// cluster's name starts with the reserved "eksctl-lite-".
func PodIdentityRoleName(cluster, label string) string {
	return derivedRoleName("pod-identity-", cluster, label)
}

// AddonPodIdentityRoleName is the IAM role name of an add-on's
// pod_identity block that gives no role_arn and no role_name:
// "<cluster>-<addon>-<service account>", shortened as IRSARoleName does,
// and "addon-<cluster>-<addon>-<service account>" when the cluster's name
// starts with the reserved "eksctl-lite-".
func AddonPodIdentityRoleName(cluster, addon, serviceAccount string) string {
	return derivedRoleName("addon-", cluster, addon, serviceAccount)
}

// derivedRoleName joins parts with "-" into an IAM role name, prefixed by
// escape when the result would start with ManagedRolePrefix; a name longer
// than IAM's 64 characters is cut to leave room for "-" and 8 hex digits
// of a hash of the parts (NUL-separated, so that ("a-b", "c") and ("a",
// "b-c") differ).
func derivedRoleName(escape string, parts ...string) string {
	name := strings.Join(parts, "-")
	if reservedRoleName(name) {
		name = escape + name
	}
	if len(name) <= maxRoleNameLen {
		return name
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	suffix := "-" + hex.EncodeToString(sum[:4])
	return name[:maxRoleNameLen-len(suffix)] + suffix
}

// setDefault sets *p to v when the user left it out.
func setDefault[T any](p **T, v T) {
	if *p == nil {
		*p = &v
	}
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// clone copies a slice so that defaults never alias the user's lists.
func clone(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

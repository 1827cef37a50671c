package spec

import (
	"github.com/hashicorp/hcl/v2"
)

// rawAutoMode is a cluster's `auto_mode` block as written: EKS Auto Mode,
// in which EKS runs the compute (Karpenter-style node pools), block
// storage and load balancing controllers itself.
type rawAutoMode struct {
	Enabled     bool      `hcl:"enabled"`
	NodePools   *[]string `hcl:"node_pools,optional"`
	NodeRoleARN *string   `hcl:"node_role_arn,optional"`
	Body        hcl.Body  `hcl:",body"`
	DefRange    hcl.Range `hcl:",def_range"`
}

// AutoModeNodePools are EKS Auto Mode's built-in node pools (EKS User
// Guide, "Enable or disable built-in NodePools"; ComputeConfigRequest
// nodePools), the default of an enabled auto_mode block.
var AutoModeNodePools = []string{"general-purpose", "system"}

// AutoModeMinVersion is the first Kubernetes version EKS Auto Mode runs
// on (EKS User Guide, "Create a cluster with Amazon EKS Auto Mode":
// "Kubernetes version 1.29 or greater").
const AutoModeMinVersion = 29

// AutoMode is a cluster's `auto_mode` block. EKS turns its three
// capabilities (compute, block storage, load balancing) on and off only
// together, so one flag says all three.
type AutoMode struct {
	Enabled bool
	// NodePools are the built-in node pools, sorted: both by default when
	// enabled, none when disabled (EKS requires that).
	NodePools []string
	// NodeRoleARN is "" when eksctl-lite manages the Auto Mode node role
	// (when the block is enabled with node pools), or when there is none.
	NodeRoleARN string
	DeclRange   hcl.Range
	Ranges      map[string]hcl.Range
}

// AttrRange is where the user wrote attribute name in the auto_mode
// block, or the block itself.
func (a *AutoMode) AttrRange(name string) hcl.Range {
	return attrRange(a.Ranges, name, a.DeclRange)
}

// buildAutoMode validates a cluster's auto_mode block; nil when there is
// none. A disabled block with node pools or a node role is a partial
// setting EKS refuses, so it is an error here, at the attribute.
func (l *loader) buildAutoMode(rc *rawCluster, versionOK bool) *AutoMode {
	r := rc.AutoMode
	if r == nil || r.Body == nil || !l.usable(r.Body, "enabled") {
		return nil
	}
	a := &AutoMode{Enabled: r.Enabled, DeclRange: r.DefRange, Ranges: attrRanges(nil, "", r.Body)}
	body, def := r.Body, r.DefRange
	switch {
	case r.NodePools != nil:
		a.NodePools = sortedUnique(*r.NodePools)
	case a.Enabled:
		a.NodePools = clone(AutoModeNodePools)
	}
	if r.NodeRoleARN != nil {
		a.NodeRoleARN = *r.NodeRoleARN
	}
	l.checkList(body, "node_pools", derefList(r.NodePools), def, func(s string, rng *hcl.Range) {
		l.oneOf("Auto Mode node pool", s, AutoModeNodePools, rng)
	})
	l.checkRoleARN(body, "node_role_arn", a.NodeRoleARN, def)
	if !a.Enabled {
		if len(a.NodePools) > 0 {
			l.errorf(at(body, "node_pools", def), "Node pools on a disabled Auto Mode",
				"auto_mode of cluster %q has enabled = false and node pools. EKS turns Auto Mode's compute, storage and load balancing off together and requires the node pools to be empty then: set node_pools = [] (or leave it out), or set enabled = true.",
				rc.name)
		}
		if has(body, "node_role_arn") {
			l.errorf(at(body, "node_role_arn", def), "Node role on a disabled Auto Mode",
				"auto_mode of cluster %q has enabled = false, so no Auto Mode node runs and node_role_arn would not be used. Remove node_role_arn, or set enabled = true.",
				rc.name)
		}
		return a
	}
	// EKS: "When Compute Config nodeRoleArn is not null or empty,
	// nodePool value(s) must be provided."
	if len(a.NodePools) == 0 && has(body, "node_role_arn") {
		l.errorf(at(body, "node_role_arn", def), "Node role without node pools",
			"auto_mode of cluster %q has node_pools = [] and a node_role_arn. EKS takes the node role only with built-in node pools (NodePools you create in Kubernetes name their role in their NodeClass): remove node_role_arn, or list the node pools.",
			rc.name)
	}
	if versionOK && has(rc.Body, "version") {
		if m := minor(*rc.Version); m > 0 && m < AutoModeMinVersion {
			l.errorf(at(rc.Body, "version", rc.declRange), "Kubernetes version too old for Auto Mode",
				"EKS Auto Mode runs on Kubernetes 1.%d or later, and cluster %q is at %s. Upgrade the cluster (one minor version per apply is fine) before enabling auto_mode, or set enabled = false.",
				AutoModeMinVersion, rc.name, *rc.Version)
		}
	}
	// Auto Mode nodes join through an access entry EKS makes for the node
	// role, which CONFIG_MAP mode does not read.
	if ac := rc.Access; ac != nil && ac.AuthenticationMode != nil && *ac.AuthenticationMode == "CONFIG_MAP" {
		l.errorf(at(ac.Body, "authentication_mode", ac.DefRange), "Auto Mode needs access entries",
			"Cluster %q enables auto_mode, whose nodes join the cluster through an access entry, but authentication_mode = \"CONFIG_MAP\" makes EKS read only the aws-auth ConfigMap. Set authentication_mode to \"API\" or \"API_AND_CONFIG_MAP\".",
			rc.name)
	}
	return a
}

func derefList(l *[]string) []string {
	if l == nil {
		return nil
	}
	return *l
}

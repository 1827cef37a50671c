package spec

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// attrRanges records where each attribute written directly in body sits, by
// name with prefix prepended (e.g. "vpc."), into into. Bodies that are not
// native syntax (JSON) record nothing; callers fall back to the block.
// An attribute set to null counts as not written (see nullBody).
func attrRanges(into map[string]hcl.Range, prefix string, body hcl.Body) map[string]hcl.Range {
	inner, isNull := unwrapNulls(body)
	sb, ok := inner.(*hclsyntax.Body)
	if !ok {
		return into
	}
	if into == nil {
		into = map[string]hcl.Range{}
	}
	for name, a := range sb.Attributes {
		if !isNull(a.Expr) {
			into[prefix+name] = a.Expr.Range()
		}
	}
	return into
}

// AttrRange is where the user wrote attribute name ("version",
// "vpc.subnet_ids", "encryption.kms_key_arn") in the cluster block, or the
// block itself when it was not written, so a diagnostic can point at it.
func (c *Cluster) AttrRange(name string) hcl.Range {
	if r, ok := c.Ranges[name]; ok {
		return r
	}
	return c.DeclRange
}

// AttrRange is where the user wrote attribute name in the node group block,
// or the block itself.
func (ng *NodeGroup) AttrRange(name string) hcl.Range {
	if r, ok := ng.Ranges[name]; ok {
		return r
	}
	return ng.DeclRange
}

// AttrRange is where the user wrote attribute name in the access block,
// or the block itself.
func (a *Access) AttrRange(name string) hcl.Range {
	return attrRange(a.Ranges, name, a.DeclRange)
}

// AttrRange is where the user wrote attribute name in the access_entry
// block, or the block itself.
func (e *AccessEntry) AttrRange(name string) hcl.Range {
	return attrRange(e.Ranges, name, e.DeclRange)
}

// AttrRange is where the user wrote attribute name ("scope",
// "namespaces") in the policy block, or the block itself.
func (p *AccessPolicy) AttrRange(name string) hcl.Range {
	return attrRange(p.Ranges, name, p.DeclRange)
}

// AttrRange is where the user wrote attribute name ("version",
// "configuration_values") in the addon block, or the block itself.
func (a *Addon) AttrRange(name string) hcl.Range {
	return attrRange(a.Ranges, name, a.DeclRange)
}

// AttrRange is where the user wrote attribute name in the add-on's
// pod_identity block, or the block itself.
func (p *AddonPodIdentity) AttrRange(name string) hcl.Range {
	return attrRange(p.Ranges, name, p.DeclRange)
}

// AttrRange is where the user wrote attribute name in the pod_identity
// block, or the block itself.
func (p *PodIdentity) AttrRange(name string) hcl.Range {
	return attrRange(p.Ranges, name, p.DeclRange)
}

// attrRange looks name up in ranges, falling back to decl.
func attrRange(ranges map[string]hcl.Range, name string, decl hcl.Range) hcl.Range {
	if r, ok := ranges[name]; ok {
		return r
	}
	return decl
}

// AttrRange is where the user wrote attribute name ("ami_id",
// "root_volume.size") in the launch_template block, or the block itself
// (for a self-managed node group without one, the group's block).
func (lt *LaunchTemplate) AttrRange(name string) hcl.Range {
	return attrRange(lt.Ranges, name, lt.DeclRange)
}

// AttrRange is where the user wrote attribute name in the
// self_managed_node_group block, or the block itself.
func (g *SelfManagedNodeGroup) AttrRange(name string) hcl.Range {
	return attrRange(g.Ranges, name, g.DeclRange)
}

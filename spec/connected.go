package spec

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

// rawConnectedClusterBlock is a connected_cluster block before its body is
// decoded (see rawClusterBlock).
type rawConnectedClusterBlock struct {
	Name      string    `hcl:"name,label"`
	Body      hcl.Body  `hcl:",remain"`
	DefRange  hcl.Range `hcl:",def_range"`
	NameRange hcl.Range `hcl:"name,label_range"`
}

// rawConnectedCluster is the body of a `connected_cluster "NAME"` block:
// a Kubernetes cluster outside EKS (EKS Anywhere, EKS Distro, another
// cloud's), registered with EKS through EKS Connector so that the EKS
// console shows it, read-only.
type rawConnectedCluster struct {
	Region   *string           `hcl:"region,optional"`
	Provider string            `hcl:"provider"`
	RoleARN  *string           `hcl:"role_arn,optional"`
	Tags     map[string]string `hcl:"tags,optional"`
	Body     hcl.Body          `hcl:",body"`
}

// ConnectorProviders are EKS Connector's providers (EKS API reference,
// ConnectorConfigProvider).
var ConnectorProviders = []string{"EKS_ANYWHERE", "ANTHOS", "GKE", "AKS", "OPENSHIFT", "TANZU", "RANCHER", "EC2", "OTHER"}

// ConnectedCluster is one `connected_cluster "NAME"` block.
type ConnectedCluster struct {
	Name string
	// Region is "" when the region comes from the AWS configuration chain.
	Region   string
	Provider string
	// RoleARN is "" when eksctl-lite manages the connector agent's role.
	RoleARN   string
	Tags      map[string]string
	DeclRange hcl.Range
	Ranges    map[string]hcl.Range
}

// AttrRange is where the user wrote attribute name in the block, or the
// block itself.
func (c *ConnectedCluster) AttrRange(name string) hcl.Range {
	return attrRange(c.Ranges, name, c.DeclRange)
}

// decodeConnectedClusters decodes the bodies of the connected_cluster
// blocks, in order.
func (l *loader) decodeConnectedClusters(blocks []*rawConnectedClusterBlock) []*rawConnectedCluster {
	out := make([]*rawConnectedCluster, len(blocks))
	for i, b := range blocks {
		r := &rawConnectedCluster{}
		body := l.wrapNulls(b.Body)
		l.diags = append(l.diags, gohcl.DecodeBody(body, l.ctx, r)...)
		if r.Body == nil {
			r.Body = body
		}
		out[i] = r
	}
	return out
}

// buildConnectedClusters validates the connected_cluster
// blocks. Connected clusters and EKS clusters share their names in a
// region (RegisterCluster: "A unique name for this cluster in your Amazon
// Web Services Region"), so a name used twice, by either kind of block in
// one region, is an error.
func (l *loader) buildConnectedClusters(blocks []*rawConnectedClusterBlock, raws []*rawConnectedCluster, clusters []*Cluster) []*ConnectedCluster {
	type where struct {
		what string
		rng  hcl.Range
	}
	taken := map[string]where{}
	for _, c := range clusters {
		taken[c.Region+"/"+c.Name] = where{"cluster", c.DeclRange}
	}
	var out []*ConnectedCluster
	for i, b := range blocks {
		r := raws[i]
		c := &ConnectedCluster{Name: b.Name, Provider: r.Provider, Tags: r.Tags, DeclRange: b.DefRange, Ranges: attrRanges(nil, "", r.Body)}
		if r.Region != nil {
			c.Region = *r.Region
		}
		if r.RoleARN != nil {
			c.RoleARN = *r.RoleARN
		}
		l.checkEKSName("connected cluster", b.Name, maxClusterNameLen, b.NameRange)
		if c.Region != "" {
			l.checkPattern(regionRE, c.Region, at(r.Body, "region", b.DefRange), "Invalid region",
				"%q is not an AWS region name such as \"us-west-2\". Leave region out to use the region of the AWS configuration (--region, AWS_REGION, the profile).", c.Region)
		}
		if l.usable(r.Body, "provider") {
			l.oneOf("connector provider", c.Provider, ConnectorProviders, at(r.Body, "provider", b.DefRange))
		}
		l.checkRoleARN(r.Body, "role_arn", c.RoleARN, b.DefRange)
		l.checkTags(r.Body, c.Tags, b.DefRange)
		key := c.Region + "/" + c.Name
		if prev, dup := taken[key]; dup {
			l.errorf(b.NameRange.Ptr(), "Duplicate cluster name",
				"A %s block named %q is already declared at %s, in the same region. EKS clusters and connected clusters share their names in a region: rename one of them.",
				prev.what, b.Name, prev.rng)
			continue
		}
		taken[key] = where{"connected_cluster", b.DefRange}
		out = append(out, c)
	}
	return out
}

package spec

import (
	"net"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

// rawCluster is the body of a `cluster "NAME"` block as written.
type rawCluster struct {
	Region                 *string                    `hcl:"region,optional"`
	Version                *string                    `hcl:"version,optional"`
	RoleARN                *string                    `hcl:"role_arn,optional"`
	UpgradePolicy          *string                    `hcl:"upgrade_policy,optional"`
	Tags                   map[string]string          `hcl:"tags,optional"`
	VPC                    *rawVPC                    `hcl:"vpc,block"`
	Logging                *rawLogging                `hcl:"logging,block"`
	Encryption             *rawEncryption             `hcl:"encryption,block"`
	NodeGroups             []*rawNodeGroup            `hcl:"node_group,block"`
	SelfManagedNodeGroups  []*rawSelfManagedNodeGroup `hcl:"self_managed_node_group,block"`
	FargateProfiles        []*rawFargateProfile       `hcl:"fargate_profile,block"`
	IRSA                   []*rawIRSA                 `hcl:"irsa,block"`
	Access                 *rawAccess                 `hcl:"access,block"`
	AccessEntries          []*rawAccessEntry          `hcl:"access_entry,block"`
	Addons                 []*rawAddon                `hcl:"addon,block"`
	PodIdentities          []*rawPodIdentity          `hcl:"pod_identity,block"`
	AutoMode               *rawAutoMode               `hcl:"auto_mode,block"`
	LoadBalancerController *rawLoadBalancerController `hcl:"load_balancer_controller,block"`
	Body                   hcl.Body                   `hcl:",body"`

	name      string
	declRange hcl.Range
	// versionDefaulted is true when the user did not write version.
	versionDefaulted bool
	nameRange        hcl.Range
}

// rawVPC is a cluster's `vpc` block.
type rawVPC struct {
	SubnetIDs             []string  `hcl:"subnet_ids"`
	SecurityGroupIDs      []string  `hcl:"security_group_ids,optional"`
	EndpointPublicAccess  *bool     `hcl:"endpoint_public_access,optional"`
	EndpointPrivateAccess *bool     `hcl:"endpoint_private_access,optional"`
	PublicAccessCIDRs     *[]string `hcl:"public_access_cidrs,optional"`
	Body                  hcl.Body  `hcl:",body"`
	DefRange              hcl.Range `hcl:",def_range"`
}

// rawLogging is a cluster's `logging` block.
type rawLogging struct {
	Types    []string  `hcl:"types"`
	Body     hcl.Body  `hcl:",body"`
	DefRange hcl.Range `hcl:",def_range"`
}

// rawEncryption is a cluster's `encryption` block.
type rawEncryption struct {
	KMSKeyARN string    `hcl:"kms_key_arn"`
	Body      hcl.Body  `hcl:",body"`
	DefRange  hcl.Range `hcl:",def_range"`
}

// LogTypes are the EKS control plane log types, in the order EKS lists them.
var LogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

const (
	maxClusterNameLen = 100
	minClusterSubnets = 2
	maxSecurityGroups = 5
)

// decodeClusters decodes every cluster body and reports cluster names used
// twice, across all files.
func (l *loader) decodeClusters(blocks []*rawClusterBlock) []*rawCluster {
	first := map[string]*rawClusterBlock{}
	var out []*rawCluster
	for _, b := range blocks {
		if prev, dup := first[b.Name]; dup {
			l.errorf(b.NameRange.Ptr(), "Duplicate cluster",
				"A cluster named %q is already declared at %s. Each cluster block needs its own name; rename or remove one of them.",
				b.Name, prev.DefRange)
			continue
		}
		first[b.Name] = b
		rc := &rawCluster{name: b.Name, declRange: b.DefRange, nameRange: b.NameRange}
		// An attribute set to null counts as not written, at every depth.
		body := l.wrapNulls(b.Body)
		l.diags = append(l.diags, gohcl.DecodeBody(body, l.ctx, rc)...)
		if rc.Body == nil {
			rc.Body = body
		}
		out = append(out, rc)
	}
	return out
}

// buildClusters validates the defaulted clusters and converts them into
// the model.
func (l *loader) buildClusters(raws []*rawCluster) []*Cluster {
	var out []*Cluster
	for _, rc := range raws {
		out = append(out, l.buildCluster(rc))
	}
	return out
}

// buildCluster validates one cluster and converts it into the model.
func (l *loader) buildCluster(rc *rawCluster) *Cluster {
	c := &Cluster{
		Name:      rc.name,
		Region:    *rc.Region,
		Version:   *rc.Version,
		RoleARN:   *rc.RoleARN,
		Tags:      rc.Tags,
		DeclRange: rc.declRange,
		// VersionDefaulted lets the planner keep an existing cluster's version.
		VersionDefaulted: rc.versionDefaulted,
		Ranges:           attrRanges(nil, "", rc.Body),
	}
	if rc.VPC != nil && rc.VPC.Body != nil {
		c.Ranges = attrRanges(c.Ranges, "vpc.", rc.VPC.Body)
	}
	if rc.Encryption != nil && rc.Encryption.Body != nil {
		c.Ranges = attrRanges(c.Ranges, "encryption.", rc.Encryption.Body)
	}
	l.checkEKSName("cluster", rc.name, maxClusterNameLen, rc.nameRange)
	if c.Region != "" {
		l.checkPattern(regionRE, c.Region, at(rc.Body, "region", rc.declRange), "Invalid region",
			"%q is not an AWS region name such as \"us-east-1\". Leave region out to use the region of the AWS configuration (--region, AWS_REGION, the profile).", c.Region)
	}
	versionOK := l.checkVersion(rc.Body, c.Version, rc.declRange) &&
		(!has(rc.Body, "version") || l.usable(rc.Body, "version"))
	l.checkRoleARN(rc.Body, "role_arn", c.RoleARN, rc.declRange)
	l.checkTags(rc.Body, c.Tags, rc.declRange)
	if rc.UpgradePolicy != nil && l.usable(rc.Body, "upgrade_policy") {
		c.UpgradePolicy = *rc.UpgradePolicy
		l.oneOf("upgrade policy", c.UpgradePolicy, UpgradePolicies, at(rc.Body, "upgrade_policy", rc.declRange))
	}

	c.VPC = l.buildVPC(rc)
	c.Logging = l.buildLogging(rc.Logging)
	if e := rc.Encryption; e != nil && has(e.Body, "kms_key_arn") {
		c.KMSKeyARN = e.KMSKeyARN
		l.checkPattern(kmsKeyARNRE, e.KMSKeyARN, at(e.Body, "kms_key_arn", e.DefRange), "Invalid KMS key ARN",
			"%q is not a KMS key ARN: kms_key_arn takes the ARN of a key, arn:<partition>:kms:<region>:<12-digit account>:key/<key ID>, such as \"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\", or of an alias, such as \"arn:aws:kms:us-east-1:123456789012:alias/eks\".",
			e.KMSKeyARN)
	}

	seen := map[string]hcl.Range{}
	for _, rng := range rc.NodeGroups {
		if prev, dup := seen[rng.Name]; dup {
			l.errorf(rng.NameRange.Ptr(), "Duplicate node group",
				"Cluster %q already has a node group named %q, declared at %s. Rename or remove one of them.",
				rc.name, rng.Name, prev)
			continue
		}
		seen[rng.Name] = rng.DefRange
		c.NodeGroups = append(c.NodeGroups, l.buildNodeGroup(rc, rng, versionOK))
	}
	c.SelfManagedNodeGroups = l.buildSelfManagedNodeGroups(rc, versionOK)
	seen = map[string]hcl.Range{}
	for _, rf := range rc.FargateProfiles {
		if prev, dup := seen[rf.Name]; dup {
			l.errorf(rf.NameRange.Ptr(), "Duplicate Fargate profile",
				"Cluster %q already has a Fargate profile named %q, declared at %s. Rename or remove one of them.",
				rc.name, rf.Name, prev)
			continue
		}
		seen[rf.Name] = rf.DefRange
		c.FargateProfiles = append(c.FargateProfiles, l.buildFargateProfile(rf))
	}
	c.IRSA = l.buildIRSAs(rc)
	c.Access = l.buildAccess(rc)
	c.AutoMode = l.buildAutoMode(rc, versionOK)
	c.LoadBalancerController = l.buildLoadBalancerController(rc, c.AutoMode)
	c.AccessEntries = l.buildAccessEntries(rc)
	c.PodIdentities = l.buildPodIdentities(rc)
	c.Addons = l.buildAddons(rc)
	l.checkCredentialSources(c)
	return c
}

// buildVPC validates a cluster's vpc block.
func (l *loader) buildVPC(rc *rawCluster) VPC {
	v := rc.VPC
	out := VPC{
		SubnetIDs:             v.SubnetIDs,
		SecurityGroupIDs:      v.SecurityGroupIDs,
		EndpointPublicAccess:  *v.EndpointPublicAccess,
		EndpointPrivateAccess: *v.EndpointPrivateAccess,
		PublicAccessCIDRs:     *v.PublicAccessCIDRs,
		DeclRange:             v.DefRange,
	}
	if v.Body == nil {
		out.DeclRange = rc.declRange
		if blockCount(rc.Body, "vpc") > 0 {
			return out // several vpc blocks, reported by the decoder
		}
		l.errorf(rc.nameRange.Ptr(), "Missing vpc block",
			"Cluster %q has no vpc block. EKS needs the subnets of the control plane: add vpc { subnet_ids = [\"subnet-0a1b2c3d4e5f60001\", \"subnet-0a1b2c3d4e5f60002\"] } with at least %d subnets in different availability zones.",
			rc.name, minClusterSubnets)
		return out
	}
	if len(v.SubnetIDs) < minClusterSubnets && has(v.Body, "subnet_ids") {
		l.errorf(at(v.Body, "subnet_ids", v.DefRange), "Too few subnets",
			"EKS needs at least %d subnets, in at least two availability zones, for a cluster; %d given.",
			minClusterSubnets, len(v.SubnetIDs))
	}
	l.checkSubnets(v.Body, "subnet_ids", v.SubnetIDs, v.DefRange)
	if len(v.SecurityGroupIDs) > maxSecurityGroups {
		l.errorf(at(v.Body, "security_group_ids", v.DefRange), "Too many security groups",
			"EKS accepts at most %d security groups for a cluster; %d given.", maxSecurityGroups, len(v.SecurityGroupIDs))
	}
	l.checkList(v.Body, "security_group_ids", v.SecurityGroupIDs, v.DefRange, func(s string, rng *hcl.Range) {
		l.checkPattern(securityGroupIDRE, s, rng, "Invalid security group ID",
			"%q is not a security group ID: security_group_ids takes IDs of the form sg- and 8 or 17 lowercase hexadecimal digits, such as \"sg-0a1b2c3d4e5f60001\".", s)
	})
	if !out.EndpointPublicAccess && !out.EndpointPrivateAccess &&
		l.trusted(v.Body, "endpoint_public_access") && l.trusted(v.Body, "endpoint_private_access") {
		l.errorf(at(v.Body, "endpoint_public_access", v.DefRange), "No cluster endpoint",
			"endpoint_public_access and endpoint_private_access are both false, so nothing could reach the Kubernetes API. EKS requires at least one of them to be true.")
	}
	if has(v.Body, "public_access_cidrs") && !out.EndpointPublicAccess && l.trusted(v.Body, "endpoint_public_access") {
		l.warnf(at(v.Body, "public_access_cidrs", v.DefRange), "Public access CIDRs without a public endpoint",
			"public_access_cidrs only limits the public endpoint, and endpoint_public_access is false, so they have no effect. Remove them, or turn the public endpoint on.")
	}
	if has(v.Body, "public_access_cidrs") && len(out.PublicAccessCIDRs) == 0 {
		l.errorf(at(v.Body, "public_access_cidrs", v.DefRange), "No public access CIDR",
			"public_access_cidrs is empty. List at least one CIDR block, or leave the attribute out for %q.", DefaultPublicAccessCIDR)
	}
	l.checkList(v.Body, "public_access_cidrs", out.PublicAccessCIDRs, v.DefRange, func(s string, rng *hcl.Range) {
		if _, _, err := net.ParseCIDR(s); err != nil {
			l.errorf(rng, "Invalid CIDR block",
				"%q is not a CIDR block: public_access_cidrs takes blocks such as \"203.0.113.0/24\" or \"0.0.0.0/0\".", s)
		}
	})
	return out
}

// buildLogging validates a cluster's logging block and returns its types
// sorted, which is how EKS reports them back.
func (l *loader) buildLogging(lg *rawLogging) []string {
	if lg == nil {
		return nil
	}
	l.checkList(lg.Body, "types", lg.Types, lg.DefRange, func(s string, rng *hcl.Range) {
		l.oneOf("log type", s, LogTypes, rng)
	})
	out := clone(lg.Types)
	sort.Strings(out)
	// Duplicates were reported above; keep each type once.
	uniq := out[:0]
	for i, s := range out {
		if i == 0 || s != out[i-1] {
			uniq = append(uniq, s)
		}
	}
	return uniq
}

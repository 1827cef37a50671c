package provision

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// The plan half of the EKS cluster: desired attributes from the spec,
// observed attributes from DescribeCluster, what may change and how.

// clusterSchema follows the EKS API: version, endpoint access and logging
// change in place (UpdateClusterVersion, UpdateClusterConfig), encryption
// can be added (AssociateEncryptionConfig) but never removed or changed, and
// the role and the VPC subnets and security groups are fixed at creation,
// the authentication mode only moves forward (UpdateClusterConfig) and the
// creator's admin entry is decided at creation. Replacing a cluster is never planned: it would destroy every workload.
var clusterSchema = Schema{
	"version":                   {},
	"role_arn":                  {Impossible: true},
	"subnet_ids":                {Set: true, Impossible: true},
	"security_group_ids":        {Set: true, Impossible: true},
	"endpoint_public_access":    {},
	"endpoint_private_access":   {},
	"public_access_cidrs":       {Set: true},
	"enabled_cluster_log_types": {Set: true},
	"kms_key_arn":               {},
	"authentication_mode":       {},
	// upgrade_policy: UpdateClusterConfig upgradePolicy, its own update;
	// left out at creation, EKS's default.
	"upgrade_policy": {Optional: true},
	// Auto Mode (automode.go): one UpdateClusterConfig; the node role is
	// refused while compute stays enabled.
	"auto_mode.enabled":       {},
	"auto_mode.node_pools":    {Set: true},
	"auto_mode.node_role_arn": {},
	// bootstrap_cluster_creator_admin: EKS decides it in CreateCluster
	// and no call changes it.
	"bootstrap_cluster_creator_admin": {Impossible: true},
	"tags":                            {},
}

// AuthenticationModes in the only order EKS moves them: "Switching
// authentication modes on an existing cluster is a one-way operation"
// (EKS User Guide, "Change authentication mode to use access entries").
var authenticationModes = []string{"CONFIG_MAP", "API_AND_CONFIG_MAP", "API"}

// authModeRank is the place of mode in authenticationModes; -1 for one
// EKS did not report (a cluster older than access entries).
func authModeRank(mode string) int {
	for i, m := range authenticationModes {
		if m == mode {
			return i
		}
	}
	return -1
}

// withAccess fills in the access attributes of a cluster's desired
// attributes: what the access block says, else, at creation, API (so that
// access entries work) and EKS's default creator admin entry, and on a
// live cluster whatever it has, so that leaving the block out changes
// nothing.
func withAccess(a *ClusterAttrs, c *spec.Cluster, live *ClusterAttrs) *ClusterAttrs {
	var written spec.Access
	if c.Access != nil {
		written = *c.Access
	}
	// A live cluster that reports no access configuration (EKS before
	// access entries) keeps it unplanned.
	switch {
	case live != nil && live.AuthenticationMode == "":
	case written.AuthenticationMode != "":
		a.AuthenticationMode = written.AuthenticationMode
	case live != nil:
		a.AuthenticationMode = live.AuthenticationMode
	default:
		a.AuthenticationMode = "API"
	}
	switch {
	case live != nil && live.BootstrapCreatorAdmin == nil:
	case written.BootstrapClusterCreatorAdmin != nil:
		a.BootstrapCreatorAdmin = aws.Bool(*written.BootstrapClusterCreatorAdmin)
	case live != nil:
		a.BootstrapCreatorAdmin = live.BootstrapCreatorAdmin
	default:
		a.BootstrapCreatorAdmin = aws.Bool(true)
	}
	return a
}

// clusterAttrs are the desired attributes of a cluster block; roleARN is
// the role to use (spec's role_arn, the managed role's ARN, or KnownAfterApply).
func clusterAttrs(c *spec.Cluster, roleARN string) *ClusterAttrs {
	return &ClusterAttrs{
		Name:                  c.Name,
		Version:               c.Version,
		RoleARN:               roleARN,
		SubnetIDs:             c.VPC.SubnetIDs,
		SecurityGroupIDs:      c.VPC.SecurityGroupIDs,
		EndpointPublicAccess:  c.VPC.EndpointPublicAccess,
		EndpointPrivateAccess: c.VPC.EndpointPrivateAccess,
		PublicAccessCIDRs:     c.VPC.PublicAccessCIDRs,
		Logging:               c.Logging,
		KMSKeyARN:             c.KMSKeyARN,
		UpgradePolicy:         c.UpgradePolicy,
		Tags:                  ownedTags(c.Tags, c.Name, ClusterAddress(c.Name)),
	}
}

// clusterFromAWS converts DescribeCluster's answer.
func clusterFromAWS(c *ekstypes.Cluster) *ClusterAttrs {
	a := &ClusterAttrs{
		Name:    aws.ToString(c.Name),
		ARN:     aws.ToString(c.Arn),
		Version: aws.ToString(c.Version),
		RoleARN: aws.ToString(c.RoleArn),
		Tags:    liveTags(c.Tags),
		Status:  string(c.Status),
	}
	if v := c.ResourcesVpcConfig; v != nil {
		a.SubnetIDs = v.SubnetIds
		a.SecurityGroupIDs = v.SecurityGroupIds
		a.EndpointPublicAccess = v.EndpointPublicAccess
		a.EndpointPrivateAccess = v.EndpointPrivateAccess
		a.PublicAccessCIDRs = v.PublicAccessCidrs
	}
	if c.Logging != nil {
		for _, setup := range c.Logging.ClusterLogging {
			if aws.ToBool(setup.Enabled) {
				for _, t := range setup.Types {
					a.Logging = append(a.Logging, string(t))
				}
			}
		}
		sort.Strings(a.Logging)
	}
	for _, e := range c.EncryptionConfig {
		if e.Provider != nil && aws.ToString(e.Provider.KeyArn) != "" {
			a.KMSKeyARN = aws.ToString(e.Provider.KeyArn)
		}
	}
	if ac := c.AccessConfig; ac != nil {
		a.AuthenticationMode = string(ac.AuthenticationMode)
		a.BootstrapCreatorAdmin = ac.BootstrapClusterCreatorAdminPermissions
	}
	if c.Identity != nil && c.Identity.Oidc != nil {
		a.OIDCIssuer = aws.ToString(c.Identity.Oidc.Issuer)
	}
	if u := c.UpgradePolicy; u != nil {
		a.UpgradePolicy = string(u.SupportType)
	}
	a.Endpoint = aws.ToString(c.Endpoint)
	if c.CertificateAuthority != nil {
		a.CertificateAuthority = aws.ToString(c.CertificateAuthority.Data)
	}
	if n := c.KubernetesNetworkConfig; n != nil {
		a.ServiceCIDR = aws.ToString(n.ServiceIpv4Cidr)
	}
	autoModeFromAWS(a, c)
	if v := c.ResourcesVpcConfig; v != nil {
		a.ClusterSecurityGroupID = aws.ToString(v.ClusterSecurityGroupId)
	}
	return a
}

// clusterRefusal explains a diff EKS cannot apply to a live cluster, or ""
// when the diff can be applied. The caller turns it into an error diagnostic.
func clusterRefusal(before, after *ClusterAttrs, d AttrDiff) string {
	switch d.Path {
	case "role_arn":
		return fmt.Sprintf("EKS cannot change the IAM role of an existing cluster (live: %s). Set role_arn = %q in the cluster block to keep the current role, or create a new cluster under another name.", before.RoleARN, before.RoleARN)
	case "subnet_ids", "security_group_ids":
		return fmt.Sprintf("eksctl-lite does not change the %s of an existing cluster: EKS fixes the cluster's VPC at creation. Put back the live value %s, or create a new cluster under another name and move workloads to it.", d.Path, strings.Join(anyStrings(d.Before), ", "))
	case "kms_key_arn":
		if before.KMSKeyARN != "" {
			if after.KMSKeyARN == "" {
				return fmt.Sprintf("EKS cannot remove secrets encryption from a cluster once enabled. Keep the encryption block with key %s.", before.KMSKeyARN)
			}
			return fmt.Sprintf("EKS cannot change a cluster's secrets encryption key once set. Keep the encryption block with key %s.", before.KMSKeyARN)
		}
	case "authentication_mode":
		if from, to := authModeRank(before.AuthenticationMode), authModeRank(after.AuthenticationMode); to < from {
			return fmt.Sprintf("Changing a cluster's authentication mode is one-way: EKS moves it only from CONFIG_MAP to API_AND_CONFIG_MAP to API, never back (live: %s, configured: %s). Set authentication_mode = %q, or leave it out to keep the live mode.", before.AuthenticationMode, after.AuthenticationMode, before.AuthenticationMode)
		}
	case "bootstrap_cluster_creator_admin":
		was := strconv.FormatBool(aws.ToBool(before.BootstrapCreatorAdmin))
		return fmt.Sprintf("EKS decides whether the cluster's creator gets an admin access entry only when it creates the cluster (live: %s). Set bootstrap_cluster_creator_admin = %s or leave it out; to grant or remove that access now, use an access_entry block.", was, was)
	case "version":
		from, _ := minorOf(before.Version)
		to, _ := minorOf(after.Version)
		if to < from {
			return fmt.Sprintf("EKS cannot downgrade a cluster's Kubernetes version (live: %s, configured: %s). Set version = %q or later.", before.Version, after.Version, before.Version)
		}
	}
	return ""
}

// clusterSteps maps a cluster's diffs to EKS calls, in this fixed order:
// tags first (cheap, never fails on a busy cluster), then the control plane
// version (one minor version per UpdateClusterVersion, as EKS requires), then
// configuration: endpoint access in one UpdateClusterConfig, logging in
// another (EKS accepts one kind of update per call), then encryption
// (AssociateEncryptionConfig). EKS runs one update at a time per cluster;
// apply waits for each before the next.
func clusterSteps(before, after *ClusterAttrs, diffs []AttrDiff) []Step {
	paths := diffPaths(diffs)
	var steps []Step
	if paths["tags"] {
		steps = append(steps, tagSteps("TagResource", "UntagResource", before.Tags, after.Tags)...)
	}
	if paths["version"] {
		for _, v := range versionSteps(before.Version, after.Version) {
			steps = append(steps, Step{Call: "UpdateClusterVersion", Detail: "to " + v, Paths: []string{"version"}, Target: v})
		}
	}
	if p := pathsIn(paths, "endpoint_public_access", "endpoint_private_access", "public_access_cidrs"); len(p) > 0 {
		steps = append(steps, Step{Call: "UpdateClusterConfig", Detail: "endpoint access", Paths: p})
	}
	if paths["enabled_cluster_log_types"] {
		steps = append(steps, Step{Call: "UpdateClusterConfig", Detail: "logging", Paths: []string{"enabled_cluster_log_types"}})
	}
	if paths["kms_key_arn"] && before.KMSKeyARN == "" {
		steps = append(steps, Step{Call: "AssociateEncryptionConfig", Detail: "secrets encryption", Paths: []string{"kms_key_arn"}})
	}
	if paths["upgrade_policy"] {
		steps = append(steps, Step{Call: "UpdateClusterConfig", Detail: "upgrade policy to " + after.UpgradePolicy, Paths: []string{"upgrade_policy"}, Target: after.UpgradePolicy})
	}
	if paths["authentication_mode"] {
		// One mode at a time: CONFIG_MAP goes to API through API_AND_CONFIG_MAP.
		for r := authModeRank(before.AuthenticationMode) + 1; r >= 1 && r <= authModeRank(after.AuthenticationMode); r++ {
			m := authenticationModes[r]
			steps = append(steps, Step{Call: "UpdateClusterConfig", Detail: "authentication mode to " + m, Paths: []string{"authentication_mode"}, Target: m})
		}
	}
	// Last: Auto Mode's nodes join through access entries, which the
	// authentication mode above may just have turned on.
	if s := autoModeStep(before, after, paths); s != nil {
		steps = append(steps, *s)
	}
	return steps
}

// versionSteps lists the versions an upgrade goes through, one minor
// version at a time: 1.29 -> 1.31 is [1.30, 1.31].
func versionSteps(from, to string) []string {
	f, err1 := minorOf(from)
	t, err2 := minorOf(to)
	if err1 != nil || err2 != nil || t <= f {
		return nil
	}
	var out []string
	for m := f + 1; m <= t; m++ {
		out = append(out, "1."+strconv.Itoa(m))
	}
	return out
}

// minorOf parses "1.NN".
func minorOf(v string) (int, error) {
	major, minor, ok := strings.Cut(v, ".")
	if !ok || major != "1" {
		return 0, fmt.Errorf("version %q is not of the form 1.NN", v)
	}
	return strconv.Atoi(minor)
}

// compareVersions orders two "1.NN" versions; unparsable ones compare equal.
func compareVersions(a, b string) int {
	x, err1 := minorOf(a)
	y, err2 := minorOf(b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return x - y
}

func anyStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

// clusterKind is the EKS cluster's contract with the engine (kinds.go).
func clusterKind() *kind {
	return &kind{
		typ:      TypeCluster,
		schema:   clusterSchema,
		newAttrs: func() any { return &ClusterAttrs{} },
		nameKey:  "name",
		apply:    applyCluster,
		weight:   10 * time.Minute,
		findLive: func(o *freshObservation, _ *ResourceChange) any {
			if o.cluster.cluster == nil {
				return nil
			}
			return o.cluster.cluster
		},
		// A version the user did not write is the live one, for every
		// kind, or EKS's default for a new cluster; one written must be a
		// version EKS offers (versions.go).
		prepare: func(_ *planner, cp *clusterPlan) hcl.Diagnostics {
			c, live := cp.spec, cp.live
			vs, _ := cp.reads[TypeCluster].(clusterVersions)
			switch {
			case live.cluster != nil && c.VersionDefaulted && live.cluster.Version != "" && live.cluster.Version != c.Version:
				cp.spec = withVersion(c, live.cluster.Version)
			case live.cluster == nil && c.VersionDefaulted:
				if d := vs.defaultVersion(); d != "" && d != c.Version {
					cp.spec = withVersion(c, d)
				}
			}
			return checkOffered(cp.spec, cp.region, live.cluster, vs)
		},
		plan: (*planner).planClusterChange,
		cost: clusterCost,
		// The support calendar, for the plan's warnings (versions.go).
		readForBlocks:    readClusterVersions,
		blockReadFailure: "Cannot read the Kubernetes versions EKS offers",
		readsBeside:      true,
		gates:            true,
		destroy: func(pl *planner, cp *clusterPlan, reason string) {
			if cp.owned {
				cp.warn(pl.destroyCluster(cp, reason)...)
			}
		},
		wantsRoles: func(cp *clusterPlan) map[string]string {
			c := cp.spec
			m := map[string]string{}
			if c.RoleARN == "" {
				m[ClusterRoleAddress(c.Name)] = ClusterRoleName(c.Name, cp.region)
			}
			if wantsAutoModeNodeRole(c) {
				m[AutoModeNodeRoleAddress(c.Name)] = AutoModeNodeRoleName(c.Name, cp.region)
			}
			return m
		},
		namesRole: func(c *spec.Cluster, arn string) string {
			switch {
			case c.RoleARN == arn:
				return fmt.Sprintf("the role_arn of cluster %q names it", c.Name)
			case c.AutoMode != nil && c.AutoMode.NodeRoleARN == arn:
				return fmt.Sprintf("the auto_mode node_role_arn of cluster %q names it", c.Name)
			}
			return ""
		},
	}
}

func (a *ClusterAttrs) liveStatus() string   { return a.Status }
func (a *ClusterAttrs) usedRoleARN() string  { return a.RoleARN }
func (a *ClusterAttrs) physicalName() string { return a.Name }
func (a *ClusterAttrs) updateIDs() []string  { return a.Updates }

// refValue: a cluster gives its ARN to an attribute whose name ends in
// arn, its security group to cluster_security_group_id, what joins nodes
// to it to a dependant that makes user data from it (a launch template:
// joinUserData), and its OIDC issuer URL otherwise (an OIDC provider's
// url).
func (a *ClusterAttrs) refValue(path string, after any) (string, error) {
	switch {
	case strings.HasSuffix(path, "arn"):
		return a.ARN, nil
	case path == "cluster_security_group_id":
		return a.ClusterSecurityGroupID, nil
	case path == "user_data":
		j, ok := after.(interface {
			joinUserData(*ClusterAttrs) (string, error)
		})
		if !ok {
			return "", fmt.Errorf("%T makes no user data", after)
		}
		return j.joinUserData(a)
	}
	return a.OIDCIssuer, nil
}

func (a *ClusterAttrs) internalKeys() []string {
	return []string{"endpoint", "certificate_authority", "service_ipv4_cidr", "cluster_security_group_id"}
}

// clusterOwnership decides what the plan may do with the live cluster of a
// cluster block: it is this configuration's (owned), or is adopted with
// --adopt, or is left alone by destroy with a warning; any other owner, or
// none without --adopt, is refused.
func (pl *planner) clusterOwnership(cp *clusterPlan) (clusterOwned, adopting bool, diags hcl.Diagnostics) {
	c, live := cp.spec, cp.live
	if live.cluster != nil {
		switch o := owner(live.cluster.Tags); {
		case o == c.Name:
			clusterOwned = true
		case o != "":
			return false, false, append(diags, errorDiag(c.DeclRange, fmt.Sprintf("Cluster %q belongs to another configuration", c.Name),
				fmt.Sprintf("The EKS cluster %q in %s carries %s = %q, so another eksctl-lite configuration owns it. eksctl-lite leaves it alone; rename this cluster block.", c.Name, cp.region, TagCluster, o)))
		case pl.opts.Destroy:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(c.DeclRange),
				Summary: fmt.Sprintf("Cluster %q is not managed by eksctl-lite", c.Name),
				Detail:  fmt.Sprintf("The EKS cluster %q in %s was not created by eksctl-lite (it has no %s tag), so destroy leaves it alone. Resources eksctl-lite created for it are still destroyed.", c.Name, cp.region, TagCluster)})
		case pl.opts.Adopt:
			adopting = true
		default:
			return false, false, append(diags, errorDiag(c.DeclRange, fmt.Sprintf("Cluster %q exists but is not managed by eksctl-lite", c.Name),
				fmt.Sprintf("The EKS cluster %q in %s was not created by eksctl-lite (it has no %s tag). eksctl-lite never changes a cluster it does not own. To manage it from this configuration, run again with --adopt: the plan then adds the ownership tags and shows every other difference. Otherwise rename this cluster block.", c.Name, cp.region, TagCluster)))
		}
	}
	return clusterOwned, adopting, diags
}

// planClusterChange plans the cluster itself: created, or diffed against
// the live cluster with what EKS cannot change refused.
func (pl *planner) planClusterChange(cp *clusterPlan, use useFunc) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	var diags hcl.Diagnostics
	{
		refs, changing := map[string]string{}, map[string]bool{}
		after := withAccess(clusterAttrs(c, use(c.RoleARN, ClusterRoleAddress(c.Name), "role_arn", refs, changing)), c, live.cluster)
		nodeRole := ""
		if wantsAutoModeNodeRole(c) {
			nodeRole = use("", AutoModeNodeRoleAddress(c.Name), "auto_mode.node_role_arn", refs, changing)
		}
		after = withAutoMode(after, c, live.cluster, nodeRole)
		if d := autoModeAccess(c, after); d != nil {
			return append(diags, d)
		}
		diags = append(diags, computeNote(c)...)
		cp.configTags(after.Tags)
		if vs, ok := cp.reads[TypeCluster].(clusterVersions); ok {
			policy := after.UpgradePolicy
			if policy == "" && live.cluster != nil {
				policy = live.cluster.UpgradePolicy
			}
			diags = append(diags, supportWarnings(c.Name, after.Version, policy, vs, pl.opts.today(), c.AttrRange("version"))...)
		}
		ch := &ResourceChange{Address: ClusterAddress(c.Name), Type: TypeCluster, After: after, Refs: refs}
		if c.RoleARN == "" {
			ch.DependsOn = []string{ClusterRoleAddress(c.Name)}
		}
		if nodeRole != "" {
			ch.DependsOn = append(ch.DependsOn, AutoModeNodeRoleAddress(c.Name))
		}
		if live.cluster == nil {
			ch.Action = Create
		} else {
			before := live.cluster
			ch.Before = before
			ch.DependsOn = append(ch.DependsOn, cp.roleDeps(pl.liveRoles(), before.RoleARN)...)
			ch.Diffs = diffAttrs(clusterSchema, before, after, changing)
			refused := false
			for _, d := range ch.Diffs {
				msg := clusterRefusal(before, after, d)
				if msg == "" {
					msg = autoModeRefusal(before, after, d)
				}
				if msg != "" {
					rng := clusterDiffRange(c, d.Path)
					diags = append(diags, errorDiag(rng, fmt.Sprintf("Cannot change %s of cluster %q", d.Path, c.Name), msg))
					refused = true
				}
			}
			if refused {
				return diags
			}
			ch.Steps = clusterSteps(before, after, ch.Diffs)
			ch.Action = actionOf(ch.Diffs)
			orderAutoModeRoles(cp, ch)
			if cp.adopting {
				ch.Reason = "adopting an existing cluster"
			}
		}
		cp.add(ch)
	}
	return diags
}

// foreignChildren names the live objects of a cluster that eksctl-lite did
// not create for it and that keep EKS from deleting it (node groups,
// Fargate profiles: kind.blocksClusterDeletion).
func foreignChildren(cluster string, live *liveCluster) []string {
	var out []string
	for _, k := range kindList {
		if !k.blocksClusterDeletion {
			continue
		}
		for _, c := range live.children[k.typ] {
			if tags, _ := jsonFields(c)["tags"].(map[string]any); tags[TagCluster] != cluster {
				out = append(out, fmt.Sprintf("%s %q", k.noun, physicalNameOf(c)))
			}
		}
	}
	return out
}

// withVersion is c planned at version: a version the user did not write
// is EKS's default when the cluster is created, and afterwards whatever
// runs, so that a newer EKS default or --adopt never upgrades a control
// plane nobody asked to upgrade. Node groups that follow the cluster
// follow it there too. c itself is not modified.
func withVersion(c *spec.Cluster, version string) *spec.Cluster {
	cc := *c
	cc.Version = version
	cc.NodeGroups = make([]*spec.NodeGroup, len(c.NodeGroups))
	for i, ng := range c.NodeGroups {
		if ng.VersionFollowsCluster {
			n := *ng
			n.Version = version
			ng = &n
		}
		cc.NodeGroups[i] = ng
	}
	cc.SelfManagedNodeGroups = make([]*spec.SelfManagedNodeGroup, len(c.SelfManagedNodeGroups))
	for i, g := range c.SelfManagedNodeGroups {
		if g.VersionFollowsCluster {
			n := *g
			n.Version = version
			g = &n
		}
		cc.SelfManagedNodeGroups[i] = g
	}
	return &cc
}

// clusterSpecPath maps a cluster attribute of the plan to where the user
// writes it in the cluster block, for diagnostics.
var clusterSpecPath = map[string]string{
	"version":                   "version",
	"role_arn":                  "role_arn",
	"subnet_ids":                "vpc.subnet_ids",
	"security_group_ids":        "vpc.security_group_ids",
	"kms_key_arn":               "encryption.kms_key_arn",
	"endpoint_public_access":    "vpc.endpoint_public_access",
	"endpoint_private_access":   "vpc.endpoint_private_access",
	"public_access_cidrs":       "vpc.public_access_cidrs",
	"enabled_cluster_log_types": "logging",
	"upgrade_policy":            "upgrade_policy",
}

// clusterDiffRange is where the user wrote the attribute of diff path, or
// the block that holds it, or the cluster block.
func clusterDiffRange(c *spec.Cluster, path string) hcl.Range {
	switch path {
	case "authentication_mode", "bootstrap_cluster_creator_admin":
		if c.Access != nil {
			return c.Access.AttrRange(path)
		}
	case "subnet_ids", "security_group_ids":
		if _, written := c.Ranges[clusterSpecPath[path]]; !written {
			return c.VPC.DeclRange
		}
	case "auto_mode.enabled", "auto_mode.node_pools", "auto_mode.node_role_arn":
		if c.AutoMode != nil {
			return c.AutoMode.AttrRange(strings.TrimPrefix(path, "auto_mode."))
		}
	}
	return c.AttrRange(clusterSpecPath[path])
}

// destroyCluster plans the deletion of the cluster. One that still has
// node groups or Fargate profiles eksctl-lite did not create cannot be
// deleted (EKS refuses while any remain, and eksctl-lite never deletes what
// it does not own): the plan then keeps the cluster, and what it uses, and
// says so loudly, instead of deleting its other resources and failing at
// the cluster halfway through.
func (pl *planner) destroyCluster(cp *clusterPlan, reason string) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	if blockers := foreignChildren(c.Name, live); len(blockers) > 0 {
		return hcl.Diagnostics{&hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(c.DeclRange),
			Summary: fmt.Sprintf("Cluster %q will NOT be deleted: it has %s that eksctl-lite did not create", c.Name, strings.Join(blockers, ", ")),
			Detail: fmt.Sprintf("EKS deletes a cluster only once all its node groups and Fargate profiles are gone, and eksctl-lite never deletes what it did not create. This destroy deletes everything else eksctl-lite created for cluster %q in %s and keeps the cluster (and the IAM role it uses). To delete the cluster too, delete %s yourself (or tag them %s = %q to hand them to this configuration), then run eksctl-lite destroy again.",
				c.Name, cp.region, strings.Join(blockers, ", "), TagCluster, c.Name)}}
	}
	cp.add(&ResourceChange{Address: ClusterAddress(c.Name), Type: TypeCluster, Action: Delete, Before: live.cluster,
		DependsOn: cp.roleDeps(pl.liveRoles(), live.cluster.RoleARN), Reason: reason})
	return nil
}

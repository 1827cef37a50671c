package provision

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// PlanOptions change what a plan proposes.
type PlanOptions struct {
	// Adopt lets the plan take ownership of existing clusters that
	// eksctl-lite did not create (by adding the ownership tags).
	Adopt bool
	// Destroy plans the deletion of everything the configuration owns.
	Destroy bool
	// Parallelism bounds concurrent AWS reads per service: at most this
	// many EKS reads and this many IAM reads at once (default
	// DefaultReadParallelism).
	Parallelism int
}

// MakePlan observes live EKS and IAM for every cluster of cfg and plans the
// changes that make them match it. It never changes anything in AWS.
// Errors (refusals, AWS read failures) are error diagnostics; the plan is
// nil when there is any.
func MakePlan(ctx context.Context, cfg *spec.Config, clients ClientsFactory, opts PlanOptions) (*Plan, hcl.Diagnostics) {
	pl := &planner{opts: opts, obs: newObserver(opts.Parallelism), name: cfg.Name}
	var diags hcl.Diagnostics

	// Regions and clients.
	for _, c := range cfg.Clusters {
		cl, region, err := resolveRegion(clients, c.Region)
		if err != nil {
			diags = append(diags, errorDiag(c.DeclRange, fmt.Sprintf("No AWS region for cluster %q", c.Name), err.Error()))
			continue
		}
		pl.clusters = append(pl.clusters, &clusterPlan{spec: c, region: region, clients: cl, config: cfg.Name})
	}
	if diags.HasErrors() || len(pl.clusters) == 0 {
		return nil, diags
	}
	diags = append(diags, pl.checkRoleNames()...)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, pl.discoverRemoved(ctx, cfg)...)
	if diags.HasErrors() {
		return nil, diags
	}

	diags = append(diags, pl.observe(ctx)...)
	if diags.HasErrors() {
		return nil, diags
	}
	for _, cp := range pl.clusters {
		diags = append(diags, pl.planCluster(cp)...)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	// Roles nothing configures any more, once every cluster's plan says
	// which live resources stay (a role any of them uses is kept).
	for _, cp := range pl.clusters {
		diags = append(diags, pl.planUnconfiguredRoles(cp)...)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return pl.assemble(), diags
}

// planner holds one plan run.
type planner struct {
	opts PlanOptions
	// name is the configuration's identity (TagConfiguration), "" when
	// the configuration has none (tests).
	name     string
	obs      *observer
	clusters []*clusterPlan
	// roles are the live roles that matter to this plan, by name: those
	// the configuration names, and those owned by one of its clusters.
	roles map[string]*RoleAttrs
}

// clusterPlan is one cluster's share of the plan.
type clusterPlan struct {
	spec    *spec.Cluster
	region  string
	clients *Clients
	// config is the configuration's name, written as TagConfiguration.
	config string
	// removed marks a cluster the configuration owns but no longer
	// declares (see configuration.go): spec holds only its name.
	removed bool
	live    *liveCluster
	changes []*ResourceChange
	// managed maps a managed role's address to its name, for every managed
	// role the configuration needs.
	managed map[string]string
}

// wantedRoles lists the roles the cluster's configuration needs, by
// address: managed roles when a role ARN is omitted, one per irsa block.
func (cp *clusterPlan) wantedRoles() map[string]string {
	if cp.managed != nil {
		return cp.managed
	}
	c := cp.spec
	m := map[string]string{}
	if c.RoleARN == "" {
		m[ClusterRoleAddress(c.Name)] = ClusterRoleName(c.Name, cp.region)
	}
	for _, ng := range c.NodeGroups {
		if ng.NodeRoleARN == "" {
			m[NodeRoleAddress(c.Name)] = NodeRoleName(c.Name, cp.region)
		}
	}
	for _, fp := range c.FargateProfiles {
		if fp.PodExecutionRoleARN == "" {
			m[PodExecutionRoleAddress(c.Name)] = PodExecutionRoleName(c.Name, cp.region)
		}
	}
	for _, ir := range c.IRSA {
		m[IRSAAddress(c.Name, ir.Name)] = ir.RoleName
	}
	cp.managed = m
	return m
}

// checkRoleNames refuses two resources of the configuration wanting one
// IAM role name (IAM role names are global to the account).
func (pl *planner) checkRoleNames() hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]string{}
	for _, cp := range pl.clusters {
		wanted := cp.wantedRoles()
		for _, addr := range sortedKeys(wanted) {
			name := wanted[addr]
			if first, ok := seen[roleKey(name)]; ok {
				diags = append(diags, errorDiag(cp.rangeOf(addr), "Duplicate IAM role name",
					fmt.Sprintf("%s and %s both want the IAM role %q; IAM role names are unique in an account, regardless of case. Set a different role_name on one of them (or rename one of the clusters).", first, addr, name)))
				continue
			}
			seen[roleKey(name)] = addr
		}
	}
	return diags
}

// rangeOf is the source range of the block behind an address, for diagnostics.
func (cp *clusterPlan) rangeOf(address string) hcl.Range {
	c := cp.spec
	for _, ng := range c.NodeGroups {
		if NodeGroupAddress(c.Name, ng.Name) == address {
			return ng.DeclRange
		}
	}
	for _, fp := range c.FargateProfiles {
		if FargateProfileAddress(c.Name, fp.Name) == address {
			return fp.DeclRange
		}
	}
	for _, ir := range c.IRSA {
		if IRSAAddress(c.Name, ir.Name) == address {
			return ir.DeclRange
		}
	}
	return c.DeclRange
}

// observe reads everything the plan needs, concurrently.
func (pl *planner) observe(ctx context.Context) hcl.Diagnostics {
	wanted := map[string]bool{}
	owners := map[string]bool{}
	var byName []string
	for _, cp := range pl.clusters {
		owners[ownerKey(cp.spec.Name, cp.region)] = true
		for _, name := range cp.wantedRoles() {
			wanted[roleKey(name)] = true
		}
		// The managed roles at RootRolePath are not under RolePath: read
		// them by name, whether configured (to plan them) or not (to find
		// what to delete).
		byName = append(byName, NodeRoleName(cp.spec.Name, cp.region), PodExecutionRoleName(cp.spec.Name, cp.region))
	}
	// IAM is global: one listing of our roles and of OIDC providers serves
	// every cluster.
	iamAPI := pl.clusters[0].clients.IAM
	providers := goFuture(func() ([]string, error) { return pl.obs.listOIDCProviders(ctx, iamAPI) })
	roles := goFuture(func() (map[string]*RoleAttrs, error) {
		return pl.obs.observeRoles(ctx, iamAPI, wanted, owners, byName...)
	})

	var diags hcl.Diagnostics
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, cp := range pl.clusters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			live, err := pl.obs.observeCluster(ctx, cp.clients, cp.spec.Name, providers)
			cp.live = live
			if err != nil {
				mu.Lock()
				diags = append(diags, awsDiag(cp.spec.DeclRange, fmt.Sprintf("Cannot read cluster %q in %s", cp.spec.Name, cp.region), err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if _, err := providers.get(ctx); err != nil {
		diags = append(diags, awsDiag(hcl.Range{}, "Cannot list IAM OIDC providers", err))
	}
	r, err := roles.get(ctx)
	if err != nil {
		diags = append(diags, awsDiag(hcl.Range{}, "Cannot read IAM roles", err))
	}
	pl.roles = r
	return diags
}

// owner is the value of a resource's TagCluster ("" when untagged).
func owner(tags map[string]string) string { return tags[TagCluster] }

// owns reports whether an IAM resource (role, OIDC provider) belongs to
// this cluster block: IAM is global, so the region must match as well as
// the cluster name.
func (cp *clusterPlan) owns(tags map[string]string) bool {
	return owner(tags) == cp.spec.Name && tags[TagRegion] == cp.region
}

// ownedTags is the package's ownedTags with this cluster's region added:
// the tags of every resource the plan creates or updates.
func (cp *clusterPlan) ownedTags(user map[string]string, address string) map[string]string {
	t := ownedTags(user, cp.spec.Name, address)
	t[TagRegion] = cp.region
	cp.configTags(t)
	return t
}

// configTags adds the configuration's tag (and the region's) to desired
// tags that ownedTags made.
func (cp *clusterPlan) configTags(tags map[string]string) {
	tags[TagRegion] = cp.region
	if cp.config != "" {
		tags[TagConfiguration] = cp.config
	}
}

// managedRoleSpec describes one managed role: where it lives, who may
// assume it, which AWS managed policies it has.
type managedRoleSpec struct {
	address, path, service string
	policies               []string
}

// managedRoles are the cluster's three managed roles, by name.
func (cp *clusterPlan) managedRoles() map[string]managedRoleSpec {
	c, region := cp.spec.Name, cp.region
	return map[string]managedRoleSpec{
		ClusterRoleName(c, region):      {ClusterRoleAddress(c), RolePath, "eks.amazonaws.com", ClusterRolePolicyARNs(region)},
		NodeRoleName(c, region):         {NodeRoleAddress(c), RootRolePath, "ec2.amazonaws.com", NodeRolePolicyARNs(region)},
		PodExecutionRoleName(c, region): {PodExecutionRoleAddress(c), RootRolePath, "eks-fargate-pods.amazonaws.com", PodExecutionRolePolicyARNs(region)},
	}
}

// planManagedRole plans a managed role; see planRole for what it returns.
func (pl *planner) planManagedRole(cp *clusterPlan, name string, m managedRoleSpec) (string, bool, hcl.Diagnostics) {
	desired := &RoleAttrs{
		Name: name, Path: m.path,
		AssumeRolePolicy: serviceTrustPolicy(m.service),
		PolicyARNs:       m.policies,
		Tags:             cp.ownedTags(cp.spec.Tags, m.address),
	}
	return pl.planRole(cp, m.address, desired, nil, nil, cp.spec.DeclRange)
}

// planCluster plans one cluster and everything in it.
func (pl *planner) planCluster(cp *clusterPlan) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	var diags hcl.Diagnostics
	if cp.removed {
		return pl.planDestroy(cp, live.cluster != nil, removedReason)
	}
	if d := pl.otherConfiguration(cp); d.HasErrors() {
		return d
	}
	clusterOwned, adopting := false, false
	if live.cluster != nil {
		switch o := owner(live.cluster.Tags); {
		case o == c.Name:
			clusterOwned = true
		case o != "":
			return append(diags, errorDiag(c.DeclRange, fmt.Sprintf("Cluster %q belongs to another configuration", c.Name),
				fmt.Sprintf("The EKS cluster %q in %s carries %s = %q, so another eksctl-lite configuration owns it. eksctl-lite leaves it alone; rename this cluster block.", c.Name, cp.region, TagCluster, o)))
		case pl.opts.Destroy:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(c.DeclRange),
				Summary: fmt.Sprintf("Cluster %q is not managed by eksctl-lite", c.Name),
				Detail:  fmt.Sprintf("The EKS cluster %q in %s was not created by eksctl-lite (it has no %s tag), so destroy leaves it alone. Resources eksctl-lite created for it are still destroyed.", c.Name, cp.region, TagCluster)})
		case pl.opts.Adopt:
			adopting = true
		default:
			return append(diags, errorDiag(c.DeclRange, fmt.Sprintf("Cluster %q exists but is not managed by eksctl-lite", c.Name),
				fmt.Sprintf("The EKS cluster %q in %s was not created by eksctl-lite (it has no %s tag). eksctl-lite never changes a cluster it does not own. To manage it from this configuration, run again with --adopt: the plan then adds the ownership tags and shows every other difference. Otherwise rename this cluster block.", c.Name, cp.region, TagCluster)))
		}
	}
	if pl.opts.Destroy {
		return append(diags, pl.planDestroy(cp, clusterOwned, "destroying the configuration")...)
	}
	if live.cluster != nil && c.VersionDefaulted && live.cluster.Version != "" && live.cluster.Version != c.Version {
		c = withLiveVersion(c, live.cluster.Version)
		cp.spec = c
	}

	// Managed roles first: their ARNs are inputs of everything else.
	roleARN := map[string]string{}    // managed role address -> ARN or KnownAfterApply
	roleChanging := map[string]bool{} // managed role address -> being created
	wanted := cp.wantedRoles()
	managed := cp.managedRoles()
	for _, name := range sortedKeys(managed) {
		m := managed[name]
		if wanted[m.address] != name {
			continue
		}
		arn, changing, d := pl.planManagedRole(cp, name, m)
		diags = append(diags, d...)
		roleARN[m.address], roleChanging[m.address] = arn, changing
	}
	// use returns the role ARN a resource should use: its own setting, or
	// the managed role's, with the ref and changing flag for unknowns.
	use := func(explicit, managedAddr, path string, refs map[string]string, changing map[string]bool) string {
		if explicit != "" {
			return explicit
		}
		arn := roleARN[managedAddr]
		if arn == KnownAfterApply {
			refs[path] = managedAddr
		}
		if roleChanging[managedAddr] {
			changing[path] = true
		}
		return arn
	}

	// The cluster.
	clusterAddr := ClusterAddress(c.Name)
	{
		refs, changing := map[string]string{}, map[string]bool{}
		after := clusterAttrs(c, use(c.RoleARN, ClusterRoleAddress(c.Name), "role_arn", refs, changing))
		cp.configTags(after.Tags)
		ch := &ResourceChange{Address: clusterAddr, Type: TypeCluster, After: after, Refs: refs}
		if c.RoleARN == "" {
			ch.DependsOn = []string{ClusterRoleAddress(c.Name)}
		}
		if live.cluster == nil {
			ch.Action = Create
		} else {
			before := live.cluster
			ch.Before = before
			ch.DependsOn = append(ch.DependsOn, cp.roleDeps(pl.roles, before.RoleARN)...)
			ch.Diffs = diffAttrs(clusterSchema, before, after, changing)
			refused := false
			for _, d := range ch.Diffs {
				if msg := clusterRefusal(before, after, d); msg != "" {
					rng := c.AttrRange(clusterSpecPath[d.Path])
					if _, written := c.Ranges[clusterSpecPath[d.Path]]; !written && (d.Path == "subnet_ids" || d.Path == "security_group_ids") {
						rng = c.VPC.DeclRange
					}
					diags = append(diags, errorDiag(rng, fmt.Sprintf("Cannot change %s of cluster %q", d.Path, c.Name), msg))
					refused = true
				}
			}
			if refused {
				return diags
			}
			ch.Steps = clusterSteps(before, after, ch.Diffs)
			ch.Action = actionOf(ch.Diffs)
			if adopting {
				ch.Reason = "adopting an existing cluster"
			}
		}
		cp.add(ch)
	}
	clusterExists := live.cluster != nil
	issuer := KnownAfterApply
	if clusterExists && live.cluster.OIDCIssuer != "" {
		issuer = live.cluster.OIDCIssuer
	}

	// The OIDC provider, when any irsa block needs it.
	oidcAddr := OIDCProviderAddress(c.Name)
	providerARN, providerChanging := KnownAfterApply, true
	liveOIDCOwned := live.oidc != nil && cp.owns(live.oidc.Tags)
	switch {
	case len(c.IRSA) > 0 && live.oidc != nil && !liveOIDCOwned:
		// Someone else created the provider of this issuer (IAM allows one
		// per URL): use it, never change it.
		providerARN, providerChanging = live.oidc.ARN, false
	case len(c.IRSA) > 0:
		refs := map[string]string{}
		if issuer == KnownAfterApply {
			refs["url"] = clusterAddr
		}
		after := oidcAttrs(c.Name, c.Tags, issuer)
		cp.configTags(after.Tags)
		ch := &ResourceChange{Address: oidcAddr, Type: TypeOIDCProvider, After: after, Refs: refs, DependsOn: []string{clusterAddr}}
		if live.oidc == nil {
			ch.Action = Create
		} else {
			ch.Before = live.oidc
			ch.Diffs = diffAttrs(oidcSchema, live.oidc, after, nil)
			ch.Action = actionOf(ch.Diffs)
			if ch.Action == Replace {
				ch.ReplacePaths = replacePaths(ch.Diffs)
				ch.Reason = forcesReason(ch.ReplacePaths)
			} else {
				ch.Steps = oidcSteps(live.oidc, after, ch.Diffs)
				providerARN, providerChanging = live.oidc.ARN, false
			}
		}
		cp.add(ch)
	case liveOIDCOwned:
		cp.add(&ResourceChange{Address: oidcAddr, Type: TypeOIDCProvider, Action: Delete, Before: live.oidc,
			DependsOn: []string{clusterAddr}, Reason: "no irsa block in the configuration"})
	}

	// irsa roles.
	for _, ir := range c.IRSA {
		addr := IRSAAddress(c.Name, ir.Name)
		inline, err := CanonicalPolicy(ir.InlinePolicy)
		if err != nil {
			diags = append(diags, errorDiag(ir.DeclRange, "Invalid inline policy", fmt.Sprintf("The inline_policy of irsa %q is not a valid policy document: %s.", ir.Name, err)))
			continue
		}
		desired := &RoleAttrs{
			Name: ir.RoleName, Path: RolePath,
			PolicyARNs:     ir.PolicyARNs,
			InlinePolicy:   inline,
			Tags:           cp.ownedTags(ir.Tags, addr),
			ServiceAccount: ir.Namespace + "/" + ir.ServiceAccount,
		}
		refs, changing := map[string]string{}, map[string]bool{}
		if providerARN != KnownAfterApply && issuer != KnownAfterApply {
			desired.AssumeRolePolicy = IRSATrustPolicy(providerARN, issuer, ir.Namespace, ir.ServiceAccount)
		} else {
			desired.AssumeRolePolicy = KnownAfterApply
			refs["assume_role_policy"] = oidcAddr
			changing["assume_role_policy"] = providerChanging
		}
		_, _, d := pl.planRole(cp, addr, desired, refs, changing, ir.DeclRange)
		diags = append(diags, d...)
	}

	// Node groups and Fargate profiles.
	diags = append(diags, pl.planNodeGroups(cp, use)...)
	diags = append(diags, pl.planFargate(cp, use)...)
	if !diags.HasErrors() {
		diags = append(diags, pl.interleaveUpgrades(cp)...)
	}
	return diags
}

// planUnconfiguredRoles plans the roles this cluster owns that no block of
// it configures any more: deleted, unless something still uses the role
// (see roleUse). A managed role in use stays in the plan as the managed
// role it is; any other role in use is left alone with a warning. It runs
// once every cluster is planned, so that it knows which live resources stay.
func (pl *planner) planUnconfiguredRoles(cp *clusterPlan) hcl.Diagnostics {
	c := cp.spec
	reason := "not in the configuration"
	if pl.opts.Destroy {
		reason = "destroying the configuration"
	}
	managed := cp.managedRoles()
	var diags hcl.Diagnostics
	for _, key := range sortedKeys(pl.roles) {
		r := pl.roles[key]
		name := r.Name
		if !cp.owns(r.Tags) || (!pl.opts.Destroy && cp.wantsRoleName(name)) {
			continue
		}
		use := pl.roleUse(r.ARN)
		switch m, isManaged := managed[name]; {
		case use == "":
			cp.add(pl.deleteRole(cp, r, reason))
		case isManaged && !pl.opts.Destroy:
			_, _, d := pl.planManagedRole(cp, name, m)
			diags = append(diags, d...)
		default:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(c.DeclRange),
				Summary: fmt.Sprintf("IAM role %q is still in use, so it is not deleted", name),
				Detail:  fmt.Sprintf("The IAM role %q (%s) belongs to cluster %q in %s and is %s, but %s. eksctl-lite never deletes a role in use; stop using it, then run eksctl-lite again to delete it.", name, r.ARN, c.Name, cp.region, reason, use)})
		}
	}
	return diags
}

// roleUse says what still uses the role of ARN arn, or "" when nothing
// does: an explicit role ARN in the configuration (except when destroying
// it), or a live cluster, node group or Fargate profile of any cluster of
// the configuration that the plan neither deletes nor replaces.
func (pl *planner) roleUse(arn string) string {
	if arn == "" {
		return ""
	}
	if !pl.opts.Destroy {
		for _, cp := range pl.clusters {
			c := cp.spec
			if c.RoleARN == arn {
				return fmt.Sprintf("the role_arn of cluster %q names it", c.Name)
			}
			for _, ng := range c.NodeGroups {
				if ng.NodeRoleARN == arn {
					return fmt.Sprintf("the node_role_arn of node group %q names it", ng.Name)
				}
			}
			for _, fp := range c.FargateProfiles {
				if fp.PodExecutionRoleARN == arn {
					return fmt.Sprintf("the pod_execution_role_arn of Fargate profile %q names it", fp.Name)
				}
			}
		}
	}
	leaving := map[any]bool{}
	for _, cp := range pl.clusters {
		for _, ch := range cp.changes {
			if ch.Before != nil && (ch.Action == Delete || ch.Action == Replace) {
				leaving[ch.Before] = true
			}
		}
	}
	for _, cp := range pl.clusters {
		live := cp.live
		if live == nil {
			continue
		}
		if live.cluster != nil && !leaving[live.cluster] && live.cluster.RoleARN == arn {
			return fmt.Sprintf("the live cluster %q in %s uses it", live.cluster.Name, cp.region)
		}
		for _, ng := range live.nodeGroups {
			if !leaving[ng] && ng.NodeRoleARN == arn {
				return fmt.Sprintf("the live node group %q of cluster %q uses it", ng.Name, cp.spec.Name)
			}
		}
		for _, fp := range live.fargate {
			if !leaving[fp] && fp.PodExecutionRoleARN == arn {
				return fmt.Sprintf("the live Fargate profile %q of cluster %q uses it", fp.Name, cp.spec.Name)
			}
		}
	}
	return ""
}

// useFunc resolves the role ARN a resource uses; see planCluster.
type useFunc func(explicit, managedAddr, path string, refs map[string]string, changing map[string]bool) string

func (cp *clusterPlan) wantsRoleName(name string) bool {
	for _, n := range cp.wantedRoles() {
		if roleKey(n) == roleKey(name) {
			return true
		}
	}
	return false
}

// planRole plans one role of the configuration and returns the ARN its
// users should reference (KnownAfterApply when it does not exist yet) and
// whether it is being created.
func (pl *planner) planRole(cp *clusterPlan, address string, desired *RoleAttrs, refs map[string]string, changing map[string]bool, rng hcl.Range) (string, bool, hcl.Diagnostics) {
	c := cp.spec
	ch := &ResourceChange{Address: address, Type: TypeRole, After: desired}
	if len(refs) > 0 {
		ch.Refs = refs
	}
	if strings.Contains(address, ".irsa.") {
		ch.DependsOn = []string{ClusterAddress(c.Name), OIDCProviderAddress(c.Name)}
	}
	live := pl.roles[roleKey(desired.Name)]
	if live == nil {
		ch.Action = Create
		cp.add(ch)
		return KnownAfterApply, true, nil
	}
	if !cp.owns(live.Tags) {
		who := "was not created by eksctl-lite"
		switch o, r := owner(live.Tags), live.Tags[TagRegion]; {
		case o != "" && r != "":
			who = fmt.Sprintf("belongs to eksctl-lite cluster %q in %s", o, r)
		case o != "":
			who = fmt.Sprintf("belongs to eksctl-lite cluster %q in an unknown region (it has no %s tag)", o, TagRegion)
		}
		fix := fmt.Sprintf("Set role_name in this irsa block to a name no other role has (IAM role names are unique in the account, across regions), e.g. role_name = %q", desired.Name+"-"+cp.region)
		if !strings.Contains(address, ".irsa.") {
			fix = "Set the role ARN explicitly in the configuration to use that role, or delete it"
		}
		return live.ARN, false, hcl.Diagnostics{errorDiag(rng, fmt.Sprintf("IAM role %q is not managed by this cluster", desired.Name),
			fmt.Sprintf("%s needs the IAM role %q, but a role of that name (%s) already exists and %s. eksctl-lite never changes a role it does not own. %s.", address, desired.Name, live.ARN, who, fix))}
	}
	ch.Before = live
	ch.Diffs = diffAttrs(roleSchema, live, desired, changing)
	ch.Action = actionOf(ch.Diffs)
	if ch.Action == Replace {
		// Names and paths identify roles, so this cannot happen for a role
		// found by name under RolePath; plan the safe in-place subset.
		ch.Action = Update
	}
	ch.Steps = roleSteps(live, desired, ch.Diffs)
	if len(ch.Steps) == 0 {
		ch.Action = NoOp
	}
	cp.add(ch)
	return live.ARN, false, nil
}

// planNodeGroups matches node_group blocks with live node groups by their
// address tag (not only by name: a replaced group has a new physical name).
func (pl *planner) planNodeGroups(cp *clusterPlan, use useFunc) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	var diags hcl.Diagnostics
	byAddr := map[string][]*NodeGroupAttrs{}
	unowned := map[string]*NodeGroupAttrs{}
	liveNames := map[string]bool{}
	for _, ng := range live.nodeGroups {
		liveNames[ng.Name] = true
		if owner(ng.Tags) != c.Name {
			unowned[ng.Name] = ng
			continue
		}
		addr := ng.Tags[TagAddress]
		if addr == "" {
			addr = NodeGroupAddress(c.Name, ng.Name)
		}
		byAddr[addr] = append(byAddr[addr], ng)
	}
	clusterAddr := ClusterAddress(c.Name)
	for _, ng := range c.NodeGroups {
		addr := NodeGroupAddress(c.Name, ng.Name)
		refs, changing := map[string]string{}, map[string]bool{}
		roleARN := use(ng.NodeRoleARN, NodeRoleAddress(c.Name), "node_role_arn", refs, changing)
		desired := func(name string) *NodeGroupAttrs {
			a := nodeGroupAttrs(c, ng, name, roleARN, ng.Version)
			cp.configTags(a.Tags)
			return a
		}
		deps := []string{clusterAddr}
		if ng.NodeRoleARN == "" {
			deps = append(deps, NodeRoleAddress(c.Name))
		}
		if compareVersions(ng.Version, c.Version) > 0 {
			// c.Version is the version the control plane will run: the
			// live one when the configuration leaves it out.
			diags = append(diags, errorDiag(nodeGroupVersionRange(c, ng), fmt.Sprintf("Node group %q is newer than its cluster", ng.Name),
				fmt.Sprintf("Node group %q would run Kubernetes %s but the cluster runs %s; EKS requires node groups not to be newer than the control plane. Upgrade the cluster first.", ng.Name, ng.Version, c.Version)))
			delete(byAddr, addr)
			continue
		}
		if m, ok := spec.ReleaseMinor(ng.AMIType, ng.ReleaseVersion); ok && m != ng.Version {
			// The version the group will run may come from the live
			// cluster (version left out), so validate cannot always see this.
			diags = append(diags, errorDiag(ng.AttrRange("release_version"), fmt.Sprintf("Release version of node group %q does not match its Kubernetes version", ng.Name),
				fmt.Sprintf("release_version %q is an AMI release for Kubernetes %s, but node group %q will run Kubernetes %s. EKS refuses a release of another minor version. Set release_version to a %s release, or remove it to let EKS choose the newest.", ng.ReleaseVersion, m, ng.Name, ng.Version, ng.Version)))
			delete(byAddr, addr)
			continue
		}
		cands := byAddr[addr]
		delete(byAddr, addr)
		if len(cands) == 0 {
			if u := unowned[ng.Name]; u != nil {
				diags = append(diags, errorDiag(ng.DeclRange, fmt.Sprintf("Node group %q exists but is not managed by eksctl-lite", ng.Name),
					fmt.Sprintf("Cluster %q already has a node group named %q that eksctl-lite did not create; eksctl-lite never changes or deletes it. Rename this node_group block.", c.Name, ng.Name)))
				continue
			}
			after := desired(ng.Name)
			if liveNames[ng.Name] {
				after.Name = freeNodeGroupName(ng.Name, after, liveNames)
			}
			after.DesiredSize = intPtr(desiredSize(after, nil)) // EKS needs one at creation
			cp.add(&ResourceChange{Address: addr, Type: TypeNodeGroup, Action: Create, After: after, Refs: refs, DependsOn: deps})
			continue
		}
		// Two live groups with one address: an interrupted or failed
		// replacement. The one that matches the configuration is current,
		// unless it failed and another is ACTIVE (see pickNodeGroup).
		cur := pickNodeGroup(cands, func(n *NodeGroupAttrs) bool {
			return !hasForceNew(diffAttrs(nodeGroupSchema, n, desired(n.Name), changing))
		})
		var deposed []string
		for _, n := range cands {
			if n != cur {
				da := deposedAddress(addr, n.Name)
				deposed = append(deposed, da)
				cp.add(&ResourceChange{Address: da, Type: TypeNodeGroup, Action: Delete, Before: n,
					DependsOn: append([]string{clusterAddr}, cp.roleDeps(pl.roles, n.NodeRoleARN)...),
					Reason:    "left over from an interrupted or failed replacement of " + addr})
			}
		}
		after := desired(cur.Name)
		// The current change names the deposed groups so that apply
		// deletes them only once it is done (a delete of X waits for every
		// change whose DependsOn names X; see Apply's graph): capacity
		// never drops below what the current group gives.
		ch := &ResourceChange{Address: addr, Type: TypeNodeGroup, Before: cur, After: after, Refs: refs,
			DependsOn: append(append(deps, cp.roleDeps(pl.roles, cur.NodeRoleARN)...), deposed...)}
		if compareVersions(after.Version, cur.Version) < 0 {
			diags = append(diags, errorDiag(nodeGroupVersionRange(c, ng), fmt.Sprintf("Cannot downgrade node group %q", ng.Name),
				fmt.Sprintf("Node group %q runs Kubernetes %s; EKS cannot downgrade it to %s. Set its version (or the cluster's) to %s or later, or give the block a new name to create a new group.", ng.Name, cur.Version, after.Version, cur.Version)))
			continue
		}
		if after.DesiredSize == nil && cur.DesiredSize != nil {
			// Left to autoscalers, but new bounds exclude the live size:
			// EKS needs the size inside them, so apply sends the live size
			// clamped, and the plan shows that value (every value apply
			// sends is in the plan).
			if v := desiredSize(after, cur.DesiredSize); v != *cur.DesiredSize {
				after.DesiredSize = intPtr(v)
			}
		}
		ch.Diffs = diffAttrs(nodeGroupSchema, cur, after, changing)
		if releaseDowngrade(cur.ReleaseVersion, after.ReleaseVersion) {
			diags = append(diags, errorDiag(ng.AttrRange("release_version"), fmt.Sprintf("Cannot downgrade the release version of node group %q", ng.Name),
				fmt.Sprintf("Node group %q runs AMI release %s; EKS cannot roll a node group back to the older release %s. Set release_version to %s or later (or remove it to leave the release to EKS), or give the block a new name to create a new group.", ng.Name, cur.ReleaseVersion, after.ReleaseVersion, cur.ReleaseVersion)))
			continue
		}
		ch.Action = actionOf(ch.Diffs)
		switch ch.Action {
		case Replace:
			ch.ReplacePaths = replacePaths(ch.Diffs)
			ch.Reason = forcesReason(ch.ReplacePaths)
			after.Name = freeNodeGroupName(ng.Name, after, liveNames)
			// Keep the capacity the old group has now.
			after.DesiredSize = intPtr(desiredSize(after, cur.DesiredSize))
		case Update:
			ch.Steps = nodeGroupSteps(cur, after, ch.Diffs)
		}
		cp.add(ch)
	}
	for _, addr := range sortedKeys(byAddr) {
		for _, n := range byAddr[addr] {
			cp.add(&ResourceChange{Address: addr, Type: TypeNodeGroup, Action: Delete, Before: n,
				DependsOn: append([]string{clusterAddr}, cp.roleDeps(pl.roles, n.NodeRoleARN)...),
				Reason:    "not in the configuration"})
		}
	}
	return diags
}

// pickNodeGroup chooses the current group among live groups sharing an
// address, the others being deleted once the current one's change is done.
// In order of preference: one that matches and is ACTIVE; one that matches
// and has not failed (still CREATING: apply waits for it); an ACTIVE one; a
// matching one; the first. A *_FAILED or DEGRADED group is never chosen
// over an ACTIVE one: the healthy group is replaced (under a new name) and
// the failed one deleted, never the other way round.
func pickNodeGroup(cands []*NodeGroupAttrs, matches func(*NodeGroupAttrs) bool) *NodeGroupAttrs {
	if len(cands) == 1 {
		return cands[0]
	}
	var matchOK, active, match *NodeGroupAttrs
	for _, n := range cands {
		m := matches(n)
		switch {
		case m && n.Status == "ACTIVE":
			return n
		case m && !unhealthy(n.Status) && matchOK == nil:
			matchOK = n
		}
		if n.Status == "ACTIVE" && active == nil {
			active = n
		}
		if m && match == nil {
			match = n
		}
	}
	for _, n := range []*NodeGroupAttrs{matchOK, active, match} {
		if n != nil {
			return n
		}
	}
	return cands[0]
}

// unhealthy reports a node group status EKS will not recover from by itself.
func unhealthy(status string) bool {
	return strings.HasSuffix(status, "_FAILED") || status == "DEGRADED"
}

// planFargate matches fargate_profile blocks with live profiles by name.
func (pl *planner) planFargate(cp *clusterPlan, use useFunc) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	var diags hcl.Diagnostics
	byName := map[string]*FargateProfileAttrs{}
	for _, fp := range live.fargate {
		byName[fp.Name] = fp
	}
	clusterAddr := ClusterAddress(c.Name)
	configured := map[string]bool{}
	for _, fp := range c.FargateProfiles {
		configured[fp.Name] = true
		addr := FargateProfileAddress(c.Name, fp.Name)
		refs, changing := map[string]string{}, map[string]bool{}
		after := fargateAttrs(c, fp, use(fp.PodExecutionRoleARN, PodExecutionRoleAddress(c.Name), "pod_execution_role_arn", refs, changing))
		cp.configTags(after.Tags)
		ch := &ResourceChange{Address: addr, Type: TypeFargateProfile, After: after, Refs: refs, DependsOn: []string{clusterAddr}}
		if fp.PodExecutionRoleARN == "" {
			ch.DependsOn = append(ch.DependsOn, PodExecutionRoleAddress(c.Name))
		}
		cur := byName[fp.Name]
		switch {
		case cur == nil:
			ch.Action = Create
		case owner(cur.Tags) != c.Name:
			diags = append(diags, errorDiag(fp.DeclRange, fmt.Sprintf("Fargate profile %q exists but is not managed by eksctl-lite", fp.Name),
				fmt.Sprintf("Cluster %q already has a Fargate profile named %q that eksctl-lite did not create; eksctl-lite never changes or deletes it. Rename this fargate_profile block.", c.Name, fp.Name)))
			continue
		default:
			ch.Before = cur
			ch.DependsOn = append(ch.DependsOn, cp.roleDeps(pl.roles, cur.PodExecutionRoleARN)...)
			ch.Diffs = diffAttrs(fargateSchema, cur, after, changing)
			ch.Action = actionOf(ch.Diffs)
			if ch.Action == Replace {
				ch.ReplacePaths = replacePaths(ch.Diffs)
				ch.Reason = forcesReason(ch.ReplacePaths)
			} else {
				ch.Steps = fargateSteps(cur, after, ch.Diffs)
			}
		}
		cp.add(ch)
	}
	for _, fp := range live.fargate {
		if configured[fp.Name] || owner(fp.Tags) != c.Name {
			continue
		}
		cp.add(cp.deleteFargate(pl.roles, fp, "not in the configuration"))
	}
	return diags
}

// planDestroy plans the deletion of everything the cluster owns. A cluster
// that still has node groups or Fargate profiles eksctl-lite did not create
// cannot be deleted (EKS refuses while any remain, and eksctl-lite never
// deletes what it does not own): the plan then keeps the cluster, and what
// it uses, and says so loudly, instead of deleting its other resources and
// failing at the cluster halfway through.
func (pl *planner) planDestroy(cp *clusterPlan, clusterOwned bool, reason string) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	clusterAddr := ClusterAddress(c.Name)
	var diags hcl.Diagnostics
	if clusterOwned {
		if blockers := foreignChildren(c.Name, live); len(blockers) > 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(c.DeclRange),
				Summary: fmt.Sprintf("Cluster %q will NOT be deleted: it has %s that eksctl-lite did not create", c.Name, strings.Join(blockers, ", ")),
				Detail: fmt.Sprintf("EKS deletes a cluster only once all its node groups and Fargate profiles are gone, and eksctl-lite never deletes what it did not create. This destroy deletes everything else eksctl-lite created for cluster %q in %s and keeps the cluster (and the IAM role it uses). To delete the cluster too, delete %s yourself (or tag them %s = %q to hand them to this configuration), then run eksctl-lite destroy again.",
					c.Name, cp.region, strings.Join(blockers, ", "), TagCluster, c.Name)})
		} else {
			cp.add(&ResourceChange{Address: clusterAddr, Type: TypeCluster, Action: Delete, Before: live.cluster,
				DependsOn: cp.roleDeps(pl.roles, live.cluster.RoleARN), Reason: reason})
		}
	}
	for _, n := range live.nodeGroups {
		if owner(n.Tags) != c.Name {
			continue
		}
		addr := n.Tags[TagAddress]
		if addr == "" {
			addr = NodeGroupAddress(c.Name, n.Name)
		}
		cp.add(&ResourceChange{Address: addr, Type: TypeNodeGroup, Action: Delete, Before: n,
			DependsOn: append([]string{clusterAddr}, cp.roleDeps(pl.roles, n.NodeRoleARN)...), Reason: reason})
	}
	for _, fp := range live.fargate {
		if owner(fp.Tags) == c.Name {
			cp.add(cp.deleteFargate(pl.roles, fp, reason))
		}
	}
	if live.oidc != nil && cp.owns(live.oidc.Tags) {
		cp.add(&ResourceChange{Address: OIDCProviderAddress(c.Name), Type: TypeOIDCProvider, Action: Delete, Before: live.oidc,
			DependsOn: []string{clusterAddr}, Reason: reason})
	}
	// Roles: planUnconfiguredRoles, once every cluster is planned.
	return diags
}

// foreignChildren names the live node groups and Fargate profiles of a
// cluster that eksctl-lite did not create for it.
func foreignChildren(cluster string, live *liveCluster) []string {
	var out []string
	for _, n := range live.nodeGroups {
		if owner(n.Tags) != cluster {
			out = append(out, fmt.Sprintf("node group %q", n.Name))
		}
	}
	for _, fp := range live.fargate {
		if owner(fp.Tags) != cluster {
			out = append(out, fmt.Sprintf("Fargate profile %q", fp.Name))
		}
	}
	return out
}

func (cp *clusterPlan) deleteFargate(roles map[string]*RoleAttrs, fp *FargateProfileAttrs, reason string) *ResourceChange {
	addr := fp.Tags[TagAddress]
	if addr == "" {
		addr = FargateProfileAddress(cp.spec.Name, fp.Name)
	}
	return &ResourceChange{Address: addr, Type: TypeFargateProfile, Action: Delete, Before: fp,
		DependsOn: append([]string{ClusterAddress(cp.spec.Name)}, cp.roleDeps(roles, fp.PodExecutionRoleARN)...), Reason: reason}
}

func (pl *planner) deleteRole(cp *clusterPlan, r *RoleAttrs, reason string) *ResourceChange {
	c := cp.spec
	addr := r.Tags[TagAddress]
	if addr == "" {
		addr = ClusterAddress(c.Name) + ".role." + r.Name
	}
	ch := &ResourceChange{Address: addr, Type: TypeRole, Action: Delete, Before: r, Reason: reason}
	if strings.Contains(addr, ".irsa.") {
		ch.DependsOn = []string{ClusterAddress(c.Name), OIDCProviderAddress(c.Name)}
	}
	return ch
}

// roleDeps returns the address of the managed role whose live ARN is arn,
// if any: a live resource using a managed role must be deleted before it.
func (cp *clusterPlan) roleDeps(roles map[string]*RoleAttrs, arn string) []string {
	if arn == "" || arn == KnownAfterApply {
		return nil
	}
	for name, m := range cp.managedRoles() {
		if r := roles[roleKey(name)]; r != nil && r.ARN == arn && cp.owns(r.Tags) {
			return []string{m.address}
		}
	}
	return nil
}

// add records a change with the cluster and region filled in. A second
// change for one address (a role renamed, so the old one is deleted under
// the same address tag) is given a deposed address.
func (cp *clusterPlan) add(ch *ResourceChange) {
	ch.Cluster, ch.Region = cp.spec.Name, cp.region
	for _, other := range cp.changes {
		if other.Address == ch.Address {
			name := ""
			switch b := ch.Before.(type) {
			case *RoleAttrs:
				name = b.Name
			case *NodeGroupAttrs:
				name = b.Name
			case *FargateProfileAttrs:
				name = b.Name
			}
			ch.Address = deposedAddress(ch.Address, name)
			break
		}
	}
	cp.changes = append(cp.changes, ch)
}

// assemble sorts the changes, trims dependencies to what the plan holds,
// and computes fingerprints.
func (pl *planner) assemble() *Plan {
	p := &Plan{FormatVersion: FormatVersion, Destroy: pl.opts.Destroy}
	removed := map[*ResourceChange]bool{}
	for _, cp := range pl.clusters {
		p.Changes = append(p.Changes, cp.changes...)
		for _, ch := range cp.changes {
			removed[ch] = cp.removed
		}
	}
	// The destruction of a removed cluster comes first: nobody should
	// miss it at the end of a long plan.
	sort.Slice(p.Changes, func(i, j int) bool {
		a, b := p.Changes[i], p.Changes[j]
		if removed[a] != removed[b] {
			return removed[a]
		}
		return a.Address < b.Address
	})
	present := map[string]bool{}
	for _, ch := range p.Changes {
		present[ch.Address] = true
	}
	h := sha256.New()
	for _, ch := range p.Changes {
		if ch.Action == NoOp {
			if st, _ := jsonFields(ch.Before)["status"].(string); st != "" && st != "ACTIVE" {
				ch.Action, ch.Reason = Wait, waitReason(st)
			}
		}
		var deps []string
		seen := map[string]bool{}
		for _, d := range ch.DependsOn {
			if present[d] && !seen[d] && d != ch.Address {
				seen[d] = true
				deps = append(deps, d)
			}
		}
		sort.Strings(deps)
		ch.DependsOn = deps
		if len(ch.Refs) == 0 {
			ch.Refs = nil
		}
		ch.Fingerprint = fingerprint(ch)
		b, _ := json.Marshal([]any{ch.Address, ch.Action, ch.After})
		h.Write(b)
	}
	p.InputsFingerprint = hex.EncodeToString(h.Sum(nil))
	return p
}

// waitReason says why a resource that matches the configuration is not
// converged yet, and what apply does about it.
func waitReason(status string) string {
	if transitionalStatus(status) {
		return "it is " + status + " in AWS; apply waits until it is done"
	}
	return "it is " + status + " in AWS; apply waits for it and reports the health issues AWS gives"
}

// actionOf is the action for a set of diffs of an existing resource.
func actionOf(diffs []AttrDiff) Action {
	switch {
	case hasForceNew(diffs):
		return Replace
	case len(diffs) > 0:
		return Update
	}
	return NoOp
}

func forcesReason(paths []string) string {
	if len(paths) == 1 {
		return paths[0] + " forces replacement"
	}
	return strings.Join(paths, ", ") + " force replacement"
}

// withLiveVersion is c planned at the live version: a version the user did
// not write is the newest eksctl-lite supports when the cluster is created,
// and afterwards whatever runs, so that a newer eksctl-lite (with a newer
// default) or --adopt never upgrades a control plane nobody asked to
// upgrade. Node groups that follow the cluster follow it there too. c itself
// is not modified.
func withLiveVersion(c *spec.Cluster, version string) *spec.Cluster {
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
}

// nodeGroupVersionRange points at the node group's version, or at the
// cluster's when the group follows it.
func nodeGroupVersionRange(c *spec.Cluster, ng *spec.NodeGroup) hcl.Range {
	if ng.VersionFollowsCluster {
		return c.AttrRange("version")
	}
	return ng.AttrRange("version")
}

func errorDiag(rng hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: rangePtr(rng)}
}

// awsDiag reports a failed AWS call. The error itself rides along in Extra
// so that the command can group diagnostics by cause (one "cannot connect"
// instead of one per read) without parsing their text.
func awsDiag(rng hcl.Range, summary string, err error) *hcl.Diagnostic {
	d := errorDiag(rng, summary, err.Error()+"\n\nCheck your AWS credentials, region and permissions, then run the plan again.")
	d.Extra = err
	return d
}

// rangePtr returns nil for an empty range, so diagnostics without a source
// location print without a bogus snippet.
func rangePtr(rng hcl.Range) *hcl.Range {
	if rng.Filename == "" {
		return nil
	}
	return &rng
}

func intPtr(i int) *int { return &i }

func derefOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

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

// planCluster plans one cluster and everything in it.
func (pl *planner) planCluster(cp *clusterPlan) hcl.Diagnostics {
	if cp.removed {
		return pl.planDestroy(cp, cp.live.cluster != nil, removedReason)
	}
	if d := pl.otherConfiguration(cp); d.HasErrors() {
		return d
	}
	clusterOwned, adopting, diags := pl.clusterOwnership(cp)
	if diags.HasErrors() {
		return diags
	}
	if pl.opts.Destroy {
		return append(diags, pl.planDestroy(cp, clusterOwned, "destroying the configuration")...)
	}
	c, live := cp.spec, cp.live
	if live.cluster != nil && c.VersionDefaulted && live.cluster.Version != "" && live.cluster.Version != c.Version {
		cp.spec = withLiveVersion(c, live.cluster.Version)
	}
	// Managed roles first: their ARNs are inputs of everything else.
	use, d := pl.planManagedRoles(cp)
	diags = append(diags, d...)
	if d := pl.planClusterChange(cp, use, adopting); d.HasErrors() {
		return append(diags, d...)
	}
	providerARN, issuer, providerChanging := pl.planOIDCProvider(cp)
	diags = append(diags, pl.planIRSARoles(cp, providerARN, issuer, providerChanging)...)
	diags = append(diags, pl.planNodeGroups(cp, use)...)
	diags = append(diags, pl.planFargate(cp, use)...)
	if !diags.HasErrors() {
		diags = append(diags, pl.interleaveUpgrades(cp)...)
	}
	return diags
}

// useFunc resolves the role ARN a resource uses; see planCluster.
type useFunc func(explicit, managedAddr, path string, refs map[string]string, changing map[string]bool) string

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

// add records a change with the cluster and region filled in. A second
// change for one address (a role renamed, so the old one is deleted under
// the same address tag) is given a deposed address.
func (cp *clusterPlan) add(ch *ResourceChange) {
	ch.Cluster, ch.Region = cp.spec.Name, cp.region
	for _, other := range cp.changes {
		if other.Address == ch.Address {
			ch.Address = deposedAddress(ch.Address, physicalNameOf(ch.Before))
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

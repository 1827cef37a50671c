package provision

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/eksctl-lite/eksctl-lite/spec"
	"github.com/hashicorp/hcl/v2"
)

// The plan half of IAM roles: the managed cluster, node and pod execution
// roles, and one role per irsa block. All live under RolePath.

// roleSchema: the trust policy (UpdateAssumeRolePolicy), managed policies
// (Attach/DetachRolePolicy), the inline policy (Put/DeleteRolePolicy) and
// tags (TagRole/UntagRole) change in place; name and path identify the role.
var roleSchema = Schema{
	"name":                {ForceNew: true},
	"path":                {ForceNew: true},
	"assume_role_policy":  {},
	"managed_policy_arns": {Set: true},
	"inline_policy":       {},
	"tags":                {},
}

// roleFromList converts a ListRoles entry. Its trust policy arrives
// URL-encoded; tags and policies are read separately (ListRoles does not
// return tags: IAM API reference, ListRoles).
func roleFromList(r iamtypes.Role) *RoleAttrs {
	doc, err := CanonicalPolicy(aws.ToString(r.AssumeRolePolicyDocument))
	if err != nil {
		// Keep what IAM said; it will show as a diff rather than vanish.
		doc, _ = url.PathUnescape(aws.ToString(r.AssumeRolePolicyDocument))
	}
	return &RoleAttrs{
		Name:             aws.ToString(r.RoleName),
		ARN:              aws.ToString(r.Arn),
		Path:             aws.ToString(r.Path),
		AssumeRolePolicy: doc,
	}
}

// roleSteps maps a role's diffs to IAM calls: tags, trust policy, managed
// policies (one call per ARN, attach before detach so that a role never has
// fewer permissions than both configurations agree on), inline policy.
func roleSteps(before, after *RoleAttrs, diffs []AttrDiff) []Step {
	paths := diffPaths(diffs)
	var steps []Step
	if paths["tags"] {
		steps = append(steps, tagSteps("TagRole", "UntagRole", before.Tags, after.Tags)...)
	}
	if paths["assume_role_policy"] {
		steps = append(steps, Step{Call: "UpdateAssumeRolePolicy", Detail: "trust policy", Paths: []string{"assume_role_policy"}})
	}
	if paths["managed_policy_arns"] {
		had := toSet(before.PolicyARNs)
		want := toSet(after.PolicyARNs)
		for _, arn := range sortedKeys(want) {
			if !had[arn] {
				steps = append(steps, Step{Call: "AttachRolePolicy", Detail: arn, Paths: []string{"managed_policy_arns"}, Target: arn})
			}
		}
		for _, arn := range sortedKeys(had) {
			if !want[arn] {
				steps = append(steps, Step{Call: "DetachRolePolicy", Detail: arn, Paths: []string{"managed_policy_arns"}, Target: arn})
			}
		}
	}
	if paths["inline_policy"] {
		if after.InlinePolicy == "" {
			steps = append(steps, Step{Call: "DeleteRolePolicy", Detail: InlinePolicyName, Paths: []string{"inline_policy"}})
		} else {
			steps = append(steps, Step{Call: "PutRolePolicy", Detail: InlinePolicyName, Paths: []string{"inline_policy"}})
		}
	}
	return steps
}

func toSet(l []string) map[string]bool {
	m := make(map[string]bool, len(l))
	for _, s := range l {
		m[s] = true
	}
	return m
}

func sortedCopy(l []string) []string {
	out := append([]string(nil), l...)
	sort.Strings(out)
	return out
}

// roleKind is the IAM role's contract with the engine (kinds.go). IAM is
// eventually consistent but has no transitional states: the call is the wait.
func roleKind() *kind {
	return &kind{
		typ:      TypeRole,
		root:     anyRoot,
		schema:   roleSchema,
		newAttrs: func() any { return &RoleAttrs{} },
		nameKey:  "name",
		apply:    applyRole,
		weight:   time.Second,
		replace:  DeleteThenCreate,
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			roles, _ := o.account[TypeRole].(map[string]*RoleAttrs)
			if r := roles[roleKey(roleName(ch))]; r != nil {
				return r
			}
			return nil
		},
		iamName:            roleName,
		readAccount:        readRoles,
		accountReadFailure: "Cannot read IAM roles",
		// The managed roles are planned before every other kind (their ARNs
		// are inputs of the cluster, its node groups and Fargate profiles),
		// irsa roles after the OIDC provider they trust, and the roles no
		// block configures any more once every cluster is planned.
		prepare: func(pl *planner, cp *clusterPlan) hcl.Diagnostics {
			use, diags := pl.planManagedRoles(cp)
			cp.use = use
			return diags
		},
		plan: func(pl *planner, cp *clusterPlan, _ useFunc) hcl.Diagnostics {
			return pl.planIRSARoles(cp)
		},
		settle: (*planner).planUnconfiguredRoles,
		wantsRoles: func(cp *clusterPlan) map[string]string {
			c := cp.spec
			m := map[string]string{}
			for _, ir := range c.IRSA {
				m[irsaAddress(c.Name, ir)] = ir.RoleName
			}
			return m
		},
		blockRange: func(c *spec.Cluster, address string) (hcl.Range, bool) {
			for _, ir := range c.IRSA {
				if irsaAddress(c.Name, ir) == address {
					return ir.DeclRange, true
				}
			}
			return hcl.Range{}, false
		},
	}
}

func (a *RoleAttrs) physicalName() string { return a.Name }

// liveRoles are the live roles that matter to the plan, by roleKey: those
// the configuration names, and those owned by one of its clusters.
func (pl *planner) liveRoles() map[string]*RoleAttrs {
	roles, _ := pl.account[TypeRole].(map[string]*RoleAttrs)
	return roles
}

// readRoles is the role kind's readAccount: for a plan, the roles its
// clusters want (kind.wantsRoles) or own, and the managed roles at
// RootRolePath by name (they are not under RolePath; read whether
// configured, to plan them, or not, to find what to delete); for a saved
// plan's refresh, the roles its changes name.
func readRoles(ctx context.Context, o *observer, api IAMAPI, scope *accountScope) (any, error) {
	if scope.clusters == nil {
		return o.observeRoles(ctx, api, scope.names, nil)
	}
	wanted := map[string]bool{}
	owners := map[string]bool{}
	var byName []string
	for _, cp := range scope.clusters {
		owners[ownerKey(cp.spec.Name, cp.region)] = true
		for _, name := range cp.wantedRoles() {
			wanted[roleKey(name)] = true
		}
		byName = append(byName, NodeRoleName(cp.spec.Name, cp.region), PodExecutionRoleName(cp.spec.Name, cp.region))
	}
	return o.observeRoles(ctx, api, wanted, owners, byName...)
}

// refValue: a role gives its ARN (role_arn, node_role_arn,
// pod_execution_role_arn).
func (a *RoleAttrs) refValue(string, any) (string, error) { return a.ARN, nil }

// roleName is the IAM name of a role change's resource.
func roleName(ch *ResourceChange) string {
	if r, ok := ch.Before.(*RoleAttrs); ok && r != nil {
		return r.Name
	}
	if r, ok := ch.After.(*RoleAttrs); ok && r != nil {
		return r.Name
	}
	return ""
}

// isIRSAAddress reports whether a role's address is an irsa block's
// (cluster.<name>.irsa.<label>, see IRSAAddress): such a role depends on
// the cluster's OIDC provider.
func isIRSAAddress(address string) bool {
	return strings.Contains(address, ".irsa.") || strings.HasSuffix(address, ".irsa")
}

// irsaAddress is the address of an irsa block's role: from its label, or
// the one the planner gave a block it derived (spec.IRSA.Address).
func irsaAddress(cluster string, ir *spec.IRSA) string {
	if ir.Address != "" {
		return ir.Address
	}
	return IRSAAddress(cluster, ir.Name)
}

// planManagedRoles plans the managed roles the cluster's configuration
// needs and returns how the resources that use a role find its ARN.
func (pl *planner) planManagedRoles(cp *clusterPlan) (useFunc, hcl.Diagnostics) {
	var diags hcl.Diagnostics
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
	return func(explicit, managedAddr, path string, refs map[string]string, changing map[string]bool) string {
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
	}, diags
}

// planIRSARoles plans one role per irsa block, trusted by the cluster's
// OIDC provider for the block's service account.
func (pl *planner) planIRSARoles(cp *clusterPlan) hcl.Diagnostics {
	c := cp.spec
	providerARN, issuer, providerChanging := cp.oidc.providerARN, cp.oidc.issuer, cp.oidc.changing
	oidcAddr := OIDCProviderAddress(c.Name)
	var diags hcl.Diagnostics
	for _, ir := range c.IRSA {
		addr := irsaAddress(c.Name, ir)
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

	return diags
}

// wantedRoles lists the roles the cluster's configuration needs, by
// address, as every kind says (kind.wantsRoles): managed roles when a role
// ARN is omitted, one per irsa block, ...
func (cp *clusterPlan) wantedRoles() map[string]string {
	if cp.managed != nil {
		return cp.managed
	}
	m := map[string]string{}
	for _, k := range cp.kinds() {
		if k.wantsRoles == nil {
			continue
		}
		for addr, name := range k.wantsRoles(cp) {
			m[addr] = name
		}
	}
	cp.managed = m
	return m
}

// managedRoleIfAny is a kind's wantsRoles for a managed role shared by its
// blocks: the role at address named name when any block leaves its role
// ARN (arnOf) to eksctl-lite, else none.
func managedRoleIfAny[T any](blocks []T, arnOf func(T) string, address, name string) map[string]string {
	for _, b := range blocks {
		if arnOf(b) == "" {
			return map[string]string{address: name}
		}
	}
	return nil
}

// blockNaming is a kind's namesRole: how the first of its blocks whose role
// ARN (arnOf) is arn names it (describe), "" when none does.
func blockNaming[T any](blocks []T, arnOf func(T) string, arn string, describe func(T) string) string {
	for _, b := range blocks {
		if arnOf(b) == arn {
			return describe(b)
		}
	}
	return ""
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

// managedRoleSpec describes one managed role: where it lives, who may
// assume it, which AWS managed policies it has.
type managedRoleSpec struct {
	address, path, service string
	policies               []string
	// trustActions are what the service may do with the role
	// (sts:AssumeRole when empty).
	trustActions []string
}

// managedRoles are the cluster's managed roles, by name. While the
// cluster runs Auto Mode (automode.go), the cluster role has Auto Mode's
// policies and trust too.
func (cp *clusterPlan) managedRoles() map[string]managedRoleSpec {
	c, region := cp.spec.Name, cp.region
	cluster := managedRoleSpec{address: ClusterRoleAddress(c), path: RolePath, service: "eks.amazonaws.com", policies: ClusterRolePolicyARNs(region)}
	if cp.autoModeOn() {
		cluster.policies = append(cluster.policies, AutoModeClusterPolicyARNs(region)...)
		cluster.trustActions = autoModeClusterTrustActions
	}
	return map[string]managedRoleSpec{
		ClusterRoleName(c, region):      cluster,
		NodeRoleName(c, region):         {address: NodeRoleAddress(c), path: RootRolePath, service: "ec2.amazonaws.com", policies: NodeRolePolicyARNs(region)},
		PodExecutionRoleName(c, region): {address: PodExecutionRoleAddress(c), path: RootRolePath, service: "eks-fargate-pods.amazonaws.com", policies: PodExecutionRolePolicyARNs(region)},
		AutoModeNodeRoleName(c, region): {address: AutoModeNodeRoleAddress(c), path: RolePath, service: "ec2.amazonaws.com", policies: AutoModeNodeRolePolicyARNs(region)},
	}
}

// planManagedRole plans a managed role; see planRole for what it returns.
func (pl *planner) planManagedRole(cp *clusterPlan, name string, m managedRoleSpec) (string, bool, hcl.Diagnostics) {
	desired := &RoleAttrs{
		Name: name, Path: m.path,
		AssumeRolePolicy: serviceTrustPolicy(m.service, m.trustActions...),
		PolicyARNs:       m.policies,
		Tags:             cp.ownedTags(cp.spec.Tags, m.address),
	}
	return pl.planRole(cp, m.address, desired, nil, nil, cp.spec.DeclRange)
}

// planUnconfiguredRoles plans the roles this cluster owns that no block of
// it configures any more: deleted, unless something still uses the role
// (see roleUse). A managed role in use stays in the plan as the managed
// role it is; any other role in use is left alone with a warning. It runs
// once every cluster is planned, so that it knows which live resources stay.
func (pl *planner) planUnconfiguredRoles(cp *clusterPlan) hcl.Diagnostics {
	c := cp.spec
	reason := "not in the configuration"
	switch {
	case cp.removed:
		reason = cp.removedReasonOf()
	case pl.opts.Destroy:
		reason = "destroying the configuration"
	}
	managed := cp.managedRoles()
	var diags hcl.Diagnostics
	for _, key := range sortedKeys(pl.liveRoles()) {
		r := pl.liveRoles()[key]
		name := r.Name
		if !cp.owns(r.Tags) || (!pl.opts.Destroy && cp.wantsRoleName(name)) {
			continue
		}
		use := pl.roleUse(r.ARN)
		switch m, isManaged := managed[name]; {
		case use == "":
			cp.add(pl.deleteRole(cp, r, reason))
		case isManaged && !pl.opts.Destroy && !cp.removed:
			// A removed cluster's role in use is left as it is: its block,
			// and so its tags, are gone.
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
// does: an explicit role ARN in the configuration (kind.namesRole; except
// when destroying it), or a live cluster or child (a node group, a Fargate
// profile: usedRoleAttrs) of any cluster of the configuration that the
// plan neither deletes nor replaces.
func (pl *planner) roleUse(arn string) string {
	if arn == "" {
		return ""
	}
	if !pl.opts.Destroy {
		for _, cp := range pl.clusters {
			for _, k := range cp.kinds() {
				if k.namesRole == nil {
					continue
				}
				if use := k.namesRole(cp.spec, arn); use != "" {
					return use
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
			if k := kinds[ch.Type]; k != nil && k.deletesWith != nil && ch.Action == Delete && cp.live != nil {
				for _, o := range k.deletesWith(cp.live, ch) {
					leaving[o] = true
				}
			}
		}
	}
	for _, cp := range pl.clusters {
		live := cp.live
		if live == nil {
			continue
		}
		if live.cluster != nil && !leaving[live.cluster] && cp.clusterUsesRole(arn) {
			return fmt.Sprintf("the live cluster %q in %s uses it", live.cluster.Name, cp.region)
		}
		for _, k := range kindList {
			for _, obj := range live.children[k.typ] {
				if u, ok := obj.(usedRoleAttrs); ok && !leaving[obj] && u.usedRoleARN() == arn {
					return fmt.Sprintf("the live %s %q of cluster %q uses it", k.noun, physicalNameOf(obj), cp.spec.Name)
				}
			}
		}
	}
	return ""
}

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
	if isIRSAAddress(address) {
		ch.DependsOn = []string{ClusterAddress(c.Name), OIDCProviderAddress(c.Name)}
	}
	live := pl.liveRoles()[roleKey(desired.Name)]
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
		if !isIRSAAddress(address) {
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

func (pl *planner) deleteRole(cp *clusterPlan, r *RoleAttrs, reason string) *ResourceChange {
	c := cp.spec
	addr := r.Tags[TagAddress]
	if addr == "" {
		addr = ClusterAddress(c.Name) + ".role." + r.Name
	}
	ch := &ResourceChange{Address: addr, Type: TypeRole, Action: Delete, Before: r, Reason: reason}
	if isIRSAAddress(addr) {
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

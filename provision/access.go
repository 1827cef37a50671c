package provision

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// The plan half of EKS access entries (access_entry blocks) and of the
// access policies associated with them (their policy blocks): two kinds,
// the association a child of its entry. In EKS an access entry is
// identified by its principal (one entry per principal and cluster); the
// block's label is a name for the address only. An association is
// identified by its entry's principal and the policy's ARN.
//
// EKS creates entries by itself: for the node role of a managed node
// group, the pod execution role of a Fargate profile, and the cluster's
// creator (with AmazonEKSClusterAdminPolicy) on a cluster in API mode.
// Those carry no ownership tag, so they are never diffed or deleted, and
// are not reported; only a block declaring one of their principals sees
// them, and is refused unless --adopt.

// The JSON types of access entries and access policy associations.
const (
	TypeAccessEntry  Type = "aws_eks_access_entry"
	TypeAccessPolicy Type = "aws_eks_access_policy_association"
)

// AccessEntryAttrs are an access entry's attributes.
type AccessEntryAttrs struct {
	PrincipalARN     string            `json:"principal_arn"`
	Type             string            `json:"type"`
	KubernetesGroups []string          `json:"kubernetes_groups"`
	Username         string            `json:"user_name"`
	Tags             map[string]string `json:"tags"`
	// Computed: never diffed.
	ARN string `json:"access_entry_arn,omitempty"`
}

// AccessPolicyAttrs are an access policy association's attributes.
type AccessPolicyAttrs struct {
	PrincipalARN string   `json:"principal_arn"`
	PolicyARN    string   `json:"policy_arn"`
	ScopeType    string   `json:"access_scope.type"`
	Namespaces   []string `json:"access_scope.namespaces"`
}

// accessEntrySchema: the principal is the entry's identity and EKS cannot
// change an entry's type (UpdateAccessEntry takes groups and username
// only), so both replace it; the groups and the username change in place
// (UpdateAccessEntry), the tags with TagResource/UntagResource. A username
// the block leaves out is EKS's choice, never a diff.
var accessEntrySchema = Schema{
	"principal_arn":     {ForceNew: true},
	"type":              {ForceNew: true},
	"kubernetes_groups": {Set: true},
	"user_name":         {Optional: true},
	"tags":              {},
}

// accessPolicySchema: an association is its entry's principal and its
// policy; associating the policy again replaces the scope
// (AssociateAccessPolicy), so the scope changes in place.
var accessPolicySchema = Schema{
	"principal_arn":           {ForceNew: true},
	"policy_arn":              {ForceNew: true},
	"access_scope.type":       {},
	"access_scope.namespaces": {Set: true},
}

// accessAPI is the part of the EKS API access entries and their policies
// use (part of EKSAPI).
type accessAPI interface {
	ListAccessEntries(context.Context, *eks.ListAccessEntriesInput, ...func(*eks.Options)) (*eks.ListAccessEntriesOutput, error)
	DescribeAccessEntry(context.Context, *eks.DescribeAccessEntryInput, ...func(*eks.Options)) (*eks.DescribeAccessEntryOutput, error)
	CreateAccessEntry(context.Context, *eks.CreateAccessEntryInput, ...func(*eks.Options)) (*eks.CreateAccessEntryOutput, error)
	UpdateAccessEntry(context.Context, *eks.UpdateAccessEntryInput, ...func(*eks.Options)) (*eks.UpdateAccessEntryOutput, error)
	DeleteAccessEntry(context.Context, *eks.DeleteAccessEntryInput, ...func(*eks.Options)) (*eks.DeleteAccessEntryOutput, error)
	ListAssociatedAccessPolicies(context.Context, *eks.ListAssociatedAccessPoliciesInput, ...func(*eks.Options)) (*eks.ListAssociatedAccessPoliciesOutput, error)
	AssociateAccessPolicy(context.Context, *eks.AssociateAccessPolicyInput, ...func(*eks.Options)) (*eks.AssociateAccessPolicyOutput, error)
	DisassociateAccessPolicy(context.Context, *eks.DisassociateAccessPolicyInput, ...func(*eks.Options)) (*eks.DisassociateAccessPolicyOutput, error)
	ListAccessPolicies(context.Context, *eks.ListAccessPoliciesInput, ...func(*eks.Options)) (*eks.ListAccessPoliciesOutput, error)
}

// AccessEntryAddress is the address of an access_entry block's entry.
func AccessEntryAddress(cluster, label string) string {
	return ClusterAddress(cluster) + ".access_entry." + label
}

// AccessPolicyAddress is the address of the association of the policy
// policyARN with the entry at entryAddress: the policy is named by its name
// alone, however the block's label spells it.
func AccessPolicyAddress(entryAddress, policyARN string) string {
	return entryAddress + ".policy." + accessPolicyName(policyARN)
}

// accessPolicyName is the name of an access policy ARN
// (arn:aws:eks::aws:cluster-access-policy/NAME).
func accessPolicyName(arn string) string { return arnName(arn) }

// arnName is the last part of an ARN's resource path: the name of an
// access policy or an IAM role; "" for "".
func arnName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

func accessEntryFromAWS(e *ekstypes.AccessEntry) *AccessEntryAttrs {
	return &AccessEntryAttrs{
		PrincipalARN:     aws.ToString(e.PrincipalArn),
		Type:             aws.ToString(e.Type),
		KubernetesGroups: e.KubernetesGroups,
		Username:         aws.ToString(e.Username),
		Tags:             liveTags(e.Tags),
		ARN:              aws.ToString(e.AccessEntryArn),
	}
}

func accessPolicyFromAWS(principal string, p ekstypes.AssociatedAccessPolicy) *AccessPolicyAttrs {
	a := &AccessPolicyAttrs{PrincipalARN: principal, PolicyARN: aws.ToString(p.PolicyArn)}
	if s := p.AccessScope; s != nil {
		a.ScopeType, a.Namespaces = string(s.Type), s.Namespaces
	}
	return a
}

// physicalName: EKS names an entry by its principal.
func (a *AccessEntryAttrs) physicalName() string  { return a.PrincipalARN }
func (a *AccessPolicyAttrs) physicalName() string { return accessPolicyName(a.PolicyARN) }
func (a *AccessPolicyAttrs) key() string          { return a.PrincipalARN + " " + a.PolicyARN }

// accessEntryResource is what the shared mechanisms need of an entry: it
// is described by its principal and takes effect at once (no status).
var accessEntryResource = eksResource[*ekstypes.AccessEntry]{
	noun: "access entry", child: true,
	describe: func(ctx context.Context, api EKSAPI, cluster, principal string) (*ekstypes.AccessEntry, error) {
		out, err := api.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal)})
		if err != nil {
			return nil, err
		}
		return out.AccessEntry, nil
	},
	status: func(*ekstypes.AccessEntry) string { return "ACTIVE" },
	issues: func(*ekstypes.AccessEntry) []issue { return nil },
	tags:   func(e *ekstypes.AccessEntry) map[string]string { return e.Tags },
}

// listAccessEntries follows ListAccessEntries' pagination and returns the
// principals of cluster's entries. A cluster in CONFIG_MAP mode has none:
// EKS answers every access entry call for it with InvalidRequestException
// ("The cluster's authentication mode must be set to one of [API,
// API_AND_CONFIG_MAP]").
func (o *observer) listAccessEntries(ctx context.Context, api EKSAPI, cluster string) ([]string, error) {
	names, err := listChildren(ctx, o, "access entries", cluster, func(ctx context.Context, token *string) (*eks.ListAccessEntriesOutput, error) {
		return api.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: aws.String(cluster), NextToken: token, MaxResults: aws.Int32(100)})
	}, func(out *eks.ListAccessEntriesOutput) ([]string, *string) { return out.AccessEntries, out.NextToken })
	if isInvalidRequest(err) {
		return nil, nil
	}
	return names, err
}

// listAssociatedPolicies follows ListAssociatedAccessPolicies' pagination.
func (o *observer) listAssociatedPolicies(ctx context.Context, api EKSAPI, cluster, principal string) ([]*AccessPolicyAttrs, error) {
	var out []*AccessPolicyAttrs
	var token *string
	for {
		var page *eks.ListAssociatedAccessPoliciesOutput
		err := o.eks.call(ctx, func(ctx context.Context) (err error) {
			page, err = api.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal), NextToken: token, MaxResults: aws.Int32(100)})
			return err
		})
		if notFoundErr(err) || isInvalidRequest(err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("listing the access policies of the access entry of %s in cluster %q: %w", principal, cluster, err)
		}
		for _, p := range page.AssociatedAccessPolicies {
			out = append(out, accessPolicyFromAWS(principal, p))
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		token = page.NextToken
	}
}

// accessPolicyCatalog is the access policies EKS offers (ListAccessPolicies),
// by ARN: observed with a cluster's associations, so that a policy block
// naming one that does not exist is refused at plan.
type accessPolicyCatalog map[string]string

// listAccessPolicies reads the catalog, following the pagination.
func (o *observer) listAccessPolicies(ctx context.Context, api EKSAPI) (accessPolicyCatalog, error) {
	out := accessPolicyCatalog{}
	var token *string
	for {
		var page *eks.ListAccessPoliciesOutput
		err := o.eks.call(ctx, func(ctx context.Context) (err error) {
			page, err = api.ListAccessPolicies(ctx, &eks.ListAccessPoliciesInput{NextToken: token, MaxResults: aws.Int32(100)})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("listing the EKS access policies: %w", err)
		}
		for _, p := range page.AccessPolicies {
			out[aws.ToString(p.Arn)] = aws.ToString(p.Name)
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		token = page.NextToken
	}
}

// observeAccessPolicies reads the associations of every entry of cluster
// (EKS's own entries too: the plan tells them apart by their entry) and,
// alongside, the policy catalog, which comes first in the result.
func observeAccessPolicies(ctx context.Context, o *observer, api EKSAPI, cluster string, errs *errList) []any {
	catalog := goFuture(func() (accessPolicyCatalog, error) { return o.listAccessPolicies(ctx, api) })
	principals, err := o.listAccessEntries(ctx, api, cluster)
	if err != nil {
		errs.add(err)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var found []*AccessPolicyAttrs
	for _, p := range principals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := o.listAssociatedPolicies(ctx, api, cluster, p)
			if err != nil {
				errs.add(err)
				return
			}
			mu.Lock()
			found = append(found, got...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(found, func(i, j int) bool { return found[i].key() < found[j].key() })
	cat, err := catalog.get(ctx)
	if err != nil {
		errs.add(err)
	}
	out := []any{cat}
	return append(out, anySlice(found)...)
}

// accessEntries are the cluster's live entries, sorted by principal.
func (lc *liveCluster) accessEntries() []*AccessEntryAttrs {
	return childrenOf[*AccessEntryAttrs](lc, TypeAccessEntry)
}

// accessPolicies are the cluster's live associations, sorted by principal
// and policy.
func (lc *liveCluster) accessPolicies() []*AccessPolicyAttrs {
	var out []*AccessPolicyAttrs
	for _, c := range lc.children[TypeAccessPolicy] {
		if p, ok := c.(*AccessPolicyAttrs); ok {
			out = append(out, p)
		}
	}
	return out
}

// accessPolicyCatalog is the policy catalog read with the associations;
// nil when it was not read.
func (lc *liveCluster) accessPolicyCatalog() accessPolicyCatalog {
	for _, c := range lc.children[TypeAccessPolicy] {
		if cat, ok := c.(accessPolicyCatalog); ok {
			return cat
		}
	}
	return nil
}

// accessEntrySteps maps the diffs of an entry to its calls: tags, then one
// UpdateAccessEntry for the groups and the username.
func accessEntrySteps(before, after *AccessEntryAttrs, diffs []AttrDiff) []Step {
	paths := diffPaths(diffs)
	var steps []Step
	if paths["tags"] {
		steps = append(steps, tagSteps("TagResource", "UntagResource", before.Tags, after.Tags)...)
	}
	if p := pathsIn(paths, "kubernetes_groups", "user_name"); len(p) > 0 {
		steps = append(steps, Step{Call: "UpdateAccessEntry", Detail: strings.Join(p, ", "), Paths: p})
	}
	return steps
}

// accessEntryKind is the access entry's contract with the engine
// (kinds.go). Its observation lists the cluster's entries and describes
// each; a cluster in CONFIG_MAP mode has none.
func accessEntryKind() *kind {
	return &kind{
		typ:      TypeAccessEntry,
		schema:   accessEntrySchema,
		newAttrs: func() any { return &AccessEntryAttrs{} },
		nameKey:  "principal_arn",
		apply:    applyAccessEntry,
		weight:   time.Second,
		// EKS keeps one entry per principal, and a new type is the same
		// principal: the old entry goes first.
		replace: DeleteThenCreate,
		replaceNote: func(ch *ResourceChange) string {
			b, _ := ch.Before.(*AccessEntryAttrs)
			a, _ := ch.After.(*AccessEntryAttrs)
			if a == nil || b == nil {
				return ""
			}
			if a.PrincipalARN == b.PrincipalARN {
				return fmt.Sprintf("EKS cannot change an access entry's type: the entry of %s is deleted, with its access policies, and created again as %s", b.PrincipalARN, a.Type)
			}
			return fmt.Sprintf("the access entry of %s is deleted, with its access policies, before the one of %s is created", b.PrincipalARN, a.PrincipalARN)
		},
		replaceDetail: "the old entry is deleted, then the new one created",
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			if e := findAccessEntry(o.cluster, ch); e != nil {
				return e
			}
			return nil
		},
		observe: func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any {
			return anySlice(observeChildren(ctx, o, c.EKS, cluster, errs, o.listAccessEntries, accessEntryResource, accessEntryFromAWS, nil))
		},
		plan:    (*planner).planAccessEntries,
		destroy: (*planner).destroyAccessEntries,
		noun:    "access entry",
		// EKS deletes a cluster's access entries with it.
		blocksClusterDeletion: false,
		blockRange: func(c *spec.Cluster, address string) (hcl.Range, bool) {
			for _, e := range c.AccessEntries {
				if AccessEntryAddress(c.Name, e.Name) == address {
					return e.DeclRange, true
				}
			}
			return hcl.Range{}, false
		},
	}
}

// accessPolicyKind is the access policy association's contract with the
// engine. Its observation lists the cluster's entries again (each kind
// reads its own objects) and their associated policies, with the policy
// catalog alongside.
func accessPolicyKind() *kind {
	return &kind{
		typ:      TypeAccessPolicy,
		schema:   accessPolicySchema,
		newAttrs: func() any { return &AccessPolicyAttrs{} },
		nameKey:  "policy_arn",
		apply:    applyAccessPolicy,
		weight:   time.Second,
		// A new association for another principal: its entry was
		// replaced, which took the old association with it.
		replace: DeleteThenCreate,
		replaceNote: func(ch *ResourceChange) string {
			if a, _ := ch.After.(*AccessPolicyAttrs); a != nil {
				return fmt.Sprintf("%s is associated again, with the access entry of %s, once that entry exists", accessPolicyName(a.PolicyARN), a.PrincipalARN)
			}
			return ""
		},
		replaceDetail: "associated again with the new access entry",
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			if p := findAccessPolicy(o.cluster, ch); p != nil {
				return p
			}
			return nil
		},
		observe: func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any {
			return observeAccessPolicies(ctx, o, c.EKS, cluster, errs)
		},
		plan:    (*planner).planAccessPolicies,
		destroy: (*planner).destroyAccessPolicies,
		noun:    "access policy association",
		// EKS deletes them with their entry.
		blocksClusterDeletion: false,
		blockRange: func(c *spec.Cluster, address string) (hcl.Range, bool) {
			for _, e := range c.AccessEntries {
				for _, p := range e.Policies {
					if p.ARN != "" && AccessPolicyAddress(AccessEntryAddress(c.Name, e.Name), p.ARN) == address {
						return p.DeclRange, true
					}
				}
			}
			return hcl.Range{}, false
		},
	}
}

// accessModeAllowsEntries reports whether the cluster, as planned, reads
// access entries: its authentication mode (the written one, else the live
// one) is not CONFIG_MAP. A cluster to be created gets API unless written,
// and the spec refuses CONFIG_MAP with access_entry blocks; a live cluster
// that reports no mode is not checked.
func accessModeAllowsEntries(cp *clusterPlan) (mode string, ok bool) {
	if cp.spec.Access != nil && cp.spec.Access.AuthenticationMode != "" {
		mode = cp.spec.Access.AuthenticationMode
	} else if cp.live.cluster != nil {
		mode = cp.live.cluster.AuthenticationMode
	}
	return mode, mode != "CONFIG_MAP"
}

// planAccessEntries matches access_entry blocks with live entries by
// principal. A block whose entry this configuration made for another
// principal (its address tag) is a replacement; owned entries no block
// wants are deleted; entries nobody owns (EKS's own among them) are left
// alone unless a block declares their principal.
func (pl *planner) planAccessEntries(cp *clusterPlan, _ useFunc) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	if len(c.AccessEntries) == 0 && len(live.accessEntries()) == 0 {
		return nil
	}
	var diags hcl.Diagnostics
	if mode, ok := accessModeAllowsEntries(cp); !ok && len(c.AccessEntries) > 0 {
		return hcl.Diagnostics{errorDiag(c.AccessEntries[0].DeclRange, fmt.Sprintf("Cluster %q reads no access entries", c.Name),
			fmt.Sprintf("Cluster %q has access_entry blocks, but its authentication mode is %s: EKS then reads only the aws-auth ConfigMap, and refuses access entries. Set authentication_mode = \"API_AND_CONFIG_MAP\" (keeps the ConfigMap working) or \"API\" in the cluster's access block; plan then moves the cluster there before it creates the entries.", c.Name, mode))}
	}
	byKey := map[string]*AccessEntryAttrs{}
	byAddr := map[string]*AccessEntryAttrs{}
	for _, e := range live.accessEntries() {
		byKey[e.PrincipalARN] = e
		if owner(e.Tags) == c.Name {
			byAddr[e.Tags[TagAddress]] = e
		}
	}
	declared := map[string]bool{}
	for _, e := range c.AccessEntries {
		declared[e.PrincipalARN] = true
	}
	kept := map[*AccessEntryAttrs]bool{}
	for _, e := range c.AccessEntries {
		addr := AccessEntryAddress(c.Name, e.Name)
		after := &AccessEntryAttrs{
			PrincipalARN: e.PrincipalARN, Type: e.Type, KubernetesGroups: e.KubernetesGroups, Username: e.Username,
			Tags: cp.ownedTags(e.Tags, addr),
		}
		ch := &ResourceChange{Address: addr, Type: TypeAccessEntry, After: after, DependsOn: []string{ClusterAddress(c.Name)}}
		cur := byKey[e.PrincipalARN]
		switch {
		case cur != nil && owner(cur.Tags) != c.Name && !pl.opts.Adopt:
			diags = append(diags, errorDiag(e.DeclRange, fmt.Sprintf("Principal %s already has an access entry that eksctl-lite does not manage", e.PrincipalARN),
				fmt.Sprintf("In cluster %q the principal %s has an access entry (type %s) that eksctl-lite did not create%s; EKS keeps one access entry per principal, and eksctl-lite never changes what it does not own. Run again with --adopt to manage it from this block (the plan then shows every difference, its access policies included), or remove this access_entry block.",
					c.Name, e.PrincipalARN, cur.Type, eksCreatedHint(cur))))
			continue
		case cur == nil && byAddr[addr] != nil && !declared[byAddr[addr].PrincipalARN]:
			// This block's entry, made for another principal.
			cur = byAddr[addr]
		}
		if cur == nil {
			ch.Action = Create
			cp.add(ch)
			continue
		}
		kept[cur] = true
		ch.Before = cur
		ch.Diffs = diffAttrs(accessEntrySchema, cur, after, nil)
		ch.Action = actionOf(ch.Diffs)
		switch {
		case ch.Action == Replace:
			ch.ReplacePaths = replacePaths(ch.Diffs)
			ch.Reason = forcesReason(ch.ReplacePaths)
		case owner(cur.Tags) != c.Name:
			ch.Reason = "adopting an existing access entry"
			fallthrough
		default:
			ch.Steps = accessEntrySteps(cur, after, ch.Diffs)
		}
		cp.add(ch)
	}
	// Entries another kind planned (the node role entry of a self-managed
	// node group) are that kind's.
	claimed := map[string]bool{}
	for _, ch := range cp.changes {
		if ch.Type == TypeAccessEntry {
			claimed[ch.Address] = true
		}
	}
	for _, e := range live.accessEntries() {
		if !kept[e] && owner(e.Tags) == c.Name && !claimed[e.Tags[TagAddress]] {
			cp.add(cp.deleteAccessEntry(e, "not in the configuration"))
		}
	}
	return diags
}

// eksCreatedHint says, for an entry nobody owns, that EKS probably made it.
func eksCreatedHint(e *AccessEntryAttrs) string {
	switch e.Type {
	case "EC2_LINUX", "EC2_WINDOWS":
		return " (EKS creates one for the node role of every managed node group)"
	case "FARGATE_LINUX":
		return " (EKS creates one for the pod execution role of every Fargate profile)"
	}
	return ""
}

func (cp *clusterPlan) deleteAccessEntry(e *AccessEntryAttrs, reason string) *ResourceChange {
	addr := e.Tags[TagAddress]
	if addr == "" {
		addr = ClusterAddress(cp.spec.Name) + ".access_entry." + e.PrincipalARN
	}
	return &ResourceChange{Address: addr, Type: TypeAccessEntry, Action: Delete, Before: e,
		DependsOn: []string{ClusterAddress(cp.spec.Name)}, Reason: reason}
}

// destroyAccessEntries plans the deletion of every entry the cluster owns
// (their policies first: see destroyAccessPolicies); EKS's own entries go
// with the cluster.
func (pl *planner) destroyAccessEntries(cp *clusterPlan, reason string) {
	for _, e := range cp.live.accessEntries() {
		if owner(e.Tags) == cp.spec.Name {
			cp.add(cp.deleteAccessEntry(e, reason))
		}
	}
}

// planAccessPolicies plans the policy blocks of each access_entry block
// whose entry was planned (one refused has none), and the deletion of the
// associations of managed entries that no block wants. The entry's change
// decides: a new entry gets all its policies created; a replaced one (EKS
// deletes an entry's associations with it) gets them all again; otherwise
// each is diffed, a new scope being one AssociateAccessPolicy.
func (pl *planner) planAccessPolicies(cp *clusterPlan, _ useFunc) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	entries := map[string]*ResourceChange{}
	var managed []*ResourceChange
	for _, ch := range cp.changes {
		if ch.Type == TypeAccessEntry {
			entries[ch.Address] = ch
			managed = append(managed, ch)
		}
	}
	if len(managed) == 0 {
		return nil
	}
	byKey := map[string]*AccessPolicyAttrs{}
	for _, p := range live.accessPolicies() {
		byKey[p.key()] = p
	}
	catalog, documented := live.accessPolicyCatalog(), false
	if len(catalog) == 0 {
		// A cluster still to be created has not been asked.
		catalog, documented = documentedAccessPolicies(), true
	}
	var diags hcl.Diagnostics
	kept := map[*AccessPolicyAttrs]bool{}
	for _, e := range c.AccessEntries {
		entryAddr := AccessEntryAddress(c.Name, e.Name)
		ech := entries[entryAddr]
		if ech == nil {
			continue
		}
		var was *AccessEntryAttrs
		if ech.Before != nil {
			was = ech.Before.(*AccessEntryAttrs)
		}
		for _, p := range e.Policies {
			if !catalog.has(p.ARN) {
				d := unknownAccessPolicy(p, catalog, documented)
				diags = append(diags, d)
				if d.Severity == hcl.DiagError {
					continue
				}
			}
			after := &AccessPolicyAttrs{PrincipalARN: e.PrincipalARN, PolicyARN: p.ARN, ScopeType: p.Scope, Namespaces: p.Namespaces}
			ch := &ResourceChange{Address: AccessPolicyAddress(entryAddr, p.ARN), Type: TypeAccessPolicy, After: after, DependsOn: []string{entryAddr}}
			var cur *AccessPolicyAttrs
			if was != nil {
				cur = byKey[was.PrincipalARN+" "+p.ARN]
			}
			if cur == nil {
				ch.Action = Create
				cp.add(ch)
				continue
			}
			kept[cur] = true
			ch.Before = cur
			ch.Diffs = diffAttrs(accessPolicySchema, cur, after, nil)
			ch.Action = actionOf(ch.Diffs)
			switch {
			case ech.Action == Replace:
				// EKS deletes the association with the old entry.
				ch.Action = Replace
				ch.ReplacePaths = replacePaths(ch.Diffs)
				ch.Reason = "its access entry is replaced, and EKS deletes an entry's access policies with it"
			case ch.Action == Replace:
				ch.ReplacePaths = replacePaths(ch.Diffs)
				ch.Reason = forcesReason(ch.ReplacePaths)
			case ch.Action == Update:
				ch.Steps = []Step{{Call: "AssociateAccessPolicy", Detail: "access scope", Paths: pathsIn(diffPaths(ch.Diffs), "access_scope.type", "access_scope.namespaces")}}
			}
			cp.add(ch)
		}
	}
	for _, ech := range managed {
		if ech.Before == nil {
			continue
		}
		was := ech.Before.(*AccessEntryAttrs)
		reason := "not in the configuration"
		if ech.Action == Delete {
			reason = ech.Reason
		}
		for _, p := range live.accessPolicies() {
			if p.PrincipalARN == was.PrincipalARN && !kept[p] {
				cp.add(deleteAccessPolicy(ech.Address, p, reason))
			}
		}
	}
	return diags
}

// unknownAccessPolicy is the error for a policy block naming a policy EKS
// does not have; only a warning when the catalog is the documented one
// (EKS may have added policies since this eksctl-lite was made).
func unknownAccessPolicy(p *spec.AccessPolicy, catalog accessPolicyCatalog, documented bool) *hcl.Diagnostic {
	var names []string
	for _, n := range catalog {
		names = append(names, n)
	}
	sort.Strings(names)
	name := accessPolicyName(p.ARN)
	if documented {
		return &hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(p.DeclRange), Summary: fmt.Sprintf("Access policy %q is not one EKS documents", name),
			Detail: fmt.Sprintf("The cluster does not exist yet, so eksctl-lite could not ask EKS for its access policies (ListAccessPolicies), and %s is not among those the EKS User Guide lists: %s. If it is a new one, ignore this; otherwise apply will fail when it associates it, once the cluster exists.", p.ARN, strings.Join(names, ", "))}
	}
	return errorDiag(p.DeclRange, fmt.Sprintf("Unknown access policy %q", name),
		fmt.Sprintf("EKS has no access policy %s (ListAccessPolicies). The access policies are: %s.", p.ARN, strings.Join(names, ", ")))
}

// has reports whether the catalog has the policy of arn (by name: the
// partition is the spec's to check).
func (c accessPolicyCatalog) has(arn string) bool {
	name := accessPolicyName(arn)
	for _, n := range c {
		if n == name {
			return true
		}
	}
	return false
}

// documentedAccessPolicies are the access policies the EKS User Guide
// lists ("Review access policy permissions"), for a cluster not created
// yet, whose catalog was not read.
func documentedAccessPolicies() accessPolicyCatalog {
	c := accessPolicyCatalog{}
	for _, n := range []string{
		"AmazonAIOpsAssistantPolicy", "AmazonARCRegionSwitchScalingPolicy", "AmazonEKSAdminPolicy", "AmazonEKSAdminViewPolicy",
		"AmazonEKSAutoNodePolicy", "AmazonEKSBlockStorageClusterPolicy", "AmazonEKSClusterAdminPolicy", "AmazonEKSComputeClusterPolicy",
		"AmazonEKSEditPolicy", "AmazonEKSHybridPolicy", "AmazonEKSLoadBalancingClusterPolicy", "AmazonEKSNetworkingClusterPolicy",
		"AmazonEKSNetworkingPolicy", "AmazonEKSViewPolicy", "AmazonEMRJobPolicy", "AmazonSagemakerHyperpodClusterPolicy",
		"AmazonSagemakerHyperpodControllerPolicy", "AmazonSagemakerHyperpodSystemNamespacePolicy",
	} {
		c["arn:aws:eks::aws:cluster-access-policy/"+n] = n
	}
	return c
}

func deleteAccessPolicy(entryAddr string, p *AccessPolicyAttrs, reason string) *ResourceChange {
	return &ResourceChange{Address: AccessPolicyAddress(entryAddr, p.PolicyARN), Type: TypeAccessPolicy, Action: Delete, Before: p,
		DependsOn: []string{entryAddr}, Reason: reason}
}

// destroyAccessPolicies plans the deletion of every association of the
// entries the cluster owns, before their entries.
func (pl *planner) destroyAccessPolicies(cp *clusterPlan, reason string) {
	for _, e := range cp.live.accessEntries() {
		if owner(e.Tags) != cp.spec.Name {
			continue
		}
		addr := cp.deleteAccessEntry(e, reason).Address
		for _, p := range cp.live.accessPolicies() {
			if p.PrincipalARN == e.PrincipalARN {
				cp.add(deleteAccessPolicy(addr, p, reason))
			}
		}
	}
}

// findAccessEntry is the live entry a change of a saved plan is about: the
// one of the principal it saw, else the one of the principal it wants.
func findAccessEntry(lc *liveCluster, ch *ResourceChange) *AccessEntryAttrs {
	b, _ := ch.Before.(*AccessEntryAttrs)
	a, _ := ch.After.(*AccessEntryAttrs)
	for _, e := range lc.accessEntries() {
		if (b != nil && e.PrincipalARN == b.PrincipalARN) || (b == nil && a != nil && e.PrincipalARN == a.PrincipalARN) {
			return e
		}
	}
	return nil
}

// findAccessPolicy is the live association a change of a saved plan is
// about, found the same way.
func findAccessPolicy(lc *liveCluster, ch *ResourceChange) *AccessPolicyAttrs {
	b, _ := ch.Before.(*AccessPolicyAttrs)
	a, _ := ch.After.(*AccessPolicyAttrs)
	for _, p := range lc.accessPolicies() {
		if (b != nil && p.key() == b.key()) || (b == nil && a != nil && p.key() == a.key()) {
			return p
		}
	}
	return nil
}

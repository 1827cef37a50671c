package provision

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// The plan half of an EKS Pod Identity association (a pod_identity block):
// the pods of one Kubernetes service account get an IAM role through the
// EKS Pod Identity agent. In EKS an association is identified by its
// namespace and service account (one association each); the block's label
// is a name for the address only. A block without role_arn gets a managed
// role, trusted by EKS Pod Identity alone, planned here with the shared
// planRole. Associations an add-on owns (ownerArn) belong to that add-on:
// they are never planned here, and a block for their service account is
// refused.

// TypePodIdentity is the JSON type of a Pod Identity association.
const TypePodIdentity Type = "aws_eks_pod_identity_association"

// PodIdentityAttrs are a Pod Identity association's attributes.
type PodIdentityAttrs struct {
	Namespace          string            `json:"namespace"`
	ServiceAccount     string            `json:"service_account"`
	RoleARN            string            `json:"role_arn"`
	TargetRoleARN      string            `json:"target_role_arn"`
	DisableSessionTags bool              `json:"disable_session_tags"`
	Tags               map[string]string `json:"tags"`
	// Computed: never diffed.
	AssociationID string `json:"association_id,omitempty"`
	ARN           string `json:"association_arn,omitempty"`
	// OwnerARN is the add-on that owns the association, "" when none.
	OwnerARN string `json:"owner_arn,omitempty"`
}

// podIdentitySchema: namespace and service account identify the
// association ("An association can't be moved between clusters,
// namespaces, or service accounts", UpdatePodIdentityAssociation); the
// roles and the session tags flag change in place
// (UpdatePodIdentityAssociation), tags with TagResource/UntagResource.
var podIdentitySchema = Schema{
	"namespace":            {ForceNew: true},
	"service_account":      {ForceNew: true},
	"role_arn":             {},
	"target_role_arn":      {},
	"disable_session_tags": {},
	"tags":                 {},
}

// podIdentityAPI is the part of the EKS API Pod Identity associations use
// (part of EKSAPI).
type podIdentityAPI interface {
	ListPodIdentityAssociations(context.Context, *eks.ListPodIdentityAssociationsInput, ...func(*eks.Options)) (*eks.ListPodIdentityAssociationsOutput, error)
	DescribePodIdentityAssociation(context.Context, *eks.DescribePodIdentityAssociationInput, ...func(*eks.Options)) (*eks.DescribePodIdentityAssociationOutput, error)
	CreatePodIdentityAssociation(context.Context, *eks.CreatePodIdentityAssociationInput, ...func(*eks.Options)) (*eks.CreatePodIdentityAssociationOutput, error)
	UpdatePodIdentityAssociation(context.Context, *eks.UpdatePodIdentityAssociationInput, ...func(*eks.Options)) (*eks.UpdatePodIdentityAssociationOutput, error)
	DeletePodIdentityAssociation(context.Context, *eks.DeletePodIdentityAssociationInput, ...func(*eks.Options)) (*eks.DeletePodIdentityAssociationOutput, error)
}

// podIdentityUpdatePaths are what one UpdatePodIdentityAssociation changes.
var podIdentityUpdatePaths = []string{"role_arn", "target_role_arn", "disable_session_tags"}

// PodIdentityAddress is the address of a pod_identity block's association.
func PodIdentityAddress(cluster, label string) string {
	return ClusterAddress(cluster) + ".pod_identity." + label
}

// podIdentityAddress is the address of a pod_identity block's
// association: from its label, or the one the planner gave a block it
// derived (spec.PodIdentity.Address).
func podIdentityAddress(cluster string, p *spec.PodIdentity) string {
	if p.Address != "" {
		return p.Address
	}
	return PodIdentityAddress(cluster, p.Name)
}

// podIdentityRoleAddress is the address of the block's managed role.
func podIdentityRoleAddress(cluster string, p *spec.PodIdentity) string {
	return podIdentityAddress(cluster, p) + ".role"
}

// PodIdentityRoleAddress is the address of the managed role of a
// pod_identity block without role_arn.
func PodIdentityRoleAddress(cluster, label string) string {
	return PodIdentityAddress(cluster, label) + ".role"
}

// PodIdentityTrustPolicy is the trust policy of a managed Pod Identity
// role: EKS Pod Identity may assume it and tag the session, with no
// condition (EKS User Guide, "Create an IAM role for EKS Pod Identity").
func PodIdentityTrustPolicy() string {
	return mustCanonicalPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`)
}

// podIdentityFromAWS converts DescribePodIdentityAssociation's answer.
func podIdentityFromAWS(p *ekstypes.PodIdentityAssociation) *PodIdentityAttrs {
	return &PodIdentityAttrs{
		Namespace:          aws.ToString(p.Namespace),
		ServiceAccount:     aws.ToString(p.ServiceAccount),
		RoleARN:            aws.ToString(p.RoleArn),
		TargetRoleARN:      aws.ToString(p.TargetRoleArn),
		DisableSessionTags: aws.ToBool(p.DisableSessionTags),
		Tags:               liveTags(p.Tags),
		AssociationID:      aws.ToString(p.AssociationId),
		ARN:                aws.ToString(p.AssociationArn),
		OwnerARN:           aws.ToString(p.OwnerArn),
	}
}

// podIdentityKey is an association's identity in EKS.
func podIdentityKey(namespace, serviceAccount string) string {
	return namespace + "/" + serviceAccount
}

func (a *PodIdentityAttrs) key() string { return podIdentityKey(a.Namespace, a.ServiceAccount) }

// physicalName: EKS names an association by its ID; people know it by its
// service account.
func (a *PodIdentityAttrs) physicalName() string { return a.key() }
func (a *PodIdentityAttrs) usedRoleARN() string  { return a.RoleARN }

// podIdentitySteps maps the diffs of an association to its calls: tags,
// then one UpdatePodIdentityAssociation for the roles and the session tags
// flag.
func podIdentitySteps(before, after *PodIdentityAttrs, diffs []AttrDiff) []Step {
	paths := diffPaths(diffs)
	var steps []Step
	if paths["tags"] {
		steps = append(steps, tagSteps("TagResource", "UntagResource", before.Tags, after.Tags)...)
	}
	var update []string
	for _, p := range podIdentityUpdatePaths {
		if paths[p] {
			update = append(update, p)
		}
	}
	if len(update) > 0 {
		steps = append(steps, Step{Call: "UpdatePodIdentityAssociation", Detail: strings.Join(update, ", "), Paths: update})
	}
	return steps
}

// podIdentityResource is what the shared mechanisms need of an
// association: it is described by its ID, has no status (it takes effect
// at once) and no health.
var podIdentityResource = eksResource[*ekstypes.PodIdentityAssociation]{
	noun: "Pod Identity association", child: true,
	describe: func(ctx context.Context, api EKSAPI, cluster, id string) (*ekstypes.PodIdentityAssociation, error) {
		out, err := api.DescribePodIdentityAssociation(ctx, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: aws.String(id)})
		if err != nil {
			return nil, err
		}
		return out.Association, nil
	},
	status: func(*ekstypes.PodIdentityAssociation) string { return "ACTIVE" },
	issues: func(*ekstypes.PodIdentityAssociation) []issue { return nil },
	tags:   func(p *ekstypes.PodIdentityAssociation) map[string]string { return p.Tags },
}

// listPodIdentities follows ListPodIdentityAssociations' pagination and
// returns the association IDs of cluster.
func (o *observer) listPodIdentities(ctx context.Context, api EKSAPI, cluster string) ([]string, error) {
	return listChildren(ctx, o, "Pod Identity associations", cluster, func(ctx context.Context, token *string) (*eks.ListPodIdentityAssociationsOutput, error) {
		return api.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(cluster), NextToken: token, MaxResults: aws.Int32(100)})
	}, func(out *eks.ListPodIdentityAssociationsOutput) ([]string, *string) {
		var ids []string
		for _, a := range out.Associations {
			ids = append(ids, aws.ToString(a.AssociationId))
		}
		return ids, out.NextToken
	})
}

// podIdentityKind is the Pod Identity association's contract with the
// engine (kinds.go). A replacement (a new namespace or service account for
// a block) creates the new association first: the two have different
// identities, so pods of the new service account get their role before
// the old one loses it.
func podIdentityKind() *kind {
	return &kind{
		typ:      TypePodIdentity,
		schema:   podIdentitySchema,
		newAttrs: func() any { return &PodIdentityAttrs{} },
		nameKey:  "service_account",
		apply:    applyPodIdentity,
		weight:   time.Second,
		replace:  CreateThenDelete,
		replaceNote: func(ch *ResourceChange) string {
			b, _ := ch.Before.(*PodIdentityAttrs)
			a, _ := ch.After.(*PodIdentityAttrs)
			if a == nil || b == nil {
				return ""
			}
			return fmt.Sprintf("the association for %s is created before the one for %s is deleted", a.key(), b.key())
		},
		replaceDetail: "new association first, then the old one is deleted",
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			if p := findPodIdentity(o.cluster, ch); p != nil {
				return p
			}
			return nil
		},
		observe: func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any {
			return anySlice(observeChildren(ctx, o, c.EKS, cluster, errs, o.listPodIdentities, podIdentityResource, podIdentityFromAWS, nil))
		},
		plan:    (*planner).planPodIdentities,
		destroy: (*planner).destroyPodIdentities,
		noun:    "Pod Identity association",
		// EKS deletes a cluster's associations with it.
		blocksClusterDeletion: false,
		blockRange: func(c *spec.Cluster, address string) (hcl.Range, bool) {
			for _, p := range c.PodIdentities {
				if podIdentityAddress(c.Name, p) == address || podIdentityRoleAddress(c.Name, p) == address {
					return p.DeclRange, true
				}
			}
			return hcl.Range{}, false
		},
		wantsRoles: func(cp *clusterPlan) map[string]string {
			c := cp.spec
			m := map[string]string{}
			for _, p := range c.PodIdentities {
				if p.RoleARN == "" {
					m[podIdentityRoleAddress(c.Name, p)] = p.RoleName
				}
			}
			return m
		},
		namesRole: func(c *spec.Cluster, arn string) string {
			return blockNaming(c.PodIdentities, func(p *spec.PodIdentity) string { return p.RoleARN }, arn, func(p *spec.PodIdentity) string {
				return fmt.Sprintf("the role_arn of pod_identity %q names it", p.Name)
			})
		},
	}
}

// podIdentities are the cluster's live associations, sorted by ID.
func (lc *liveCluster) podIdentities() []*PodIdentityAttrs {
	return childrenOf[*PodIdentityAttrs](lc, TypePodIdentity)
}

// podIdentityAgent is the add-on that runs the EKS Pod Identity agent.
const podIdentityAgent = "eks-pod-identity-agent"

// planPodIdentities matches pod_identity blocks with live associations by
// namespace and service account. A block whose association this
// configuration made for another service account (its address tag) is a
// replacement; owned associations no block wants are deleted.
func (pl *planner) planPodIdentities(cp *clusterPlan, _ useFunc) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	var diags hcl.Diagnostics
	byKey := map[string]*PodIdentityAttrs{}
	byAddr := map[string]*PodIdentityAttrs{}
	for _, p := range live.podIdentities() {
		byKey[p.key()] = p
		if p.OwnerARN == "" && owner(p.Tags) == c.Name {
			byAddr[p.Tags[TagAddress]] = p
		}
	}
	declared := map[string]bool{}
	for _, p := range c.PodIdentities {
		declared[podIdentityKey(p.Namespace, p.ServiceAccount)] = true
	}
	kept := map[*PodIdentityAttrs]bool{}
	clusterAddr := ClusterAddress(c.Name)
	for _, p := range c.PodIdentities {
		addr := podIdentityAddress(c.Name, p)
		key := podIdentityKey(p.Namespace, p.ServiceAccount)
		ch := &ResourceChange{Address: addr, Type: TypePodIdentity, DependsOn: []string{clusterAddr}}
		refs, changing := map[string]string{}, map[string]bool{}
		roleARN := p.RoleARN
		if roleARN == "" {
			roleAddr := podIdentityRoleAddress(c.Name, p)
			arn, creating, d := pl.planPodIdentityRole(cp, p, roleAddr)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			roleARN = arn
			if arn == KnownAfterApply {
				refs["role_arn"] = roleAddr
			}
			changing["role_arn"] = creating
			ch.DependsOn = append(ch.DependsOn, roleAddr)
		}
		after := &PodIdentityAttrs{
			Namespace: p.Namespace, ServiceAccount: p.ServiceAccount,
			RoleARN: roleARN, TargetRoleARN: p.TargetRoleARN, DisableSessionTags: p.DisableSessionTags,
			Tags: cp.ownedTags(p.Tags, addr),
		}
		ch.After, ch.Refs = after, refs
		cur := byKey[key]
		switch {
		case cur != nil && cur.OwnerARN != "":
			diags = append(diags, errorDiag(p.DeclRange, fmt.Sprintf("Service account %s already has a Pod Identity association of an add-on", key),
				fmt.Sprintf("In cluster %q the service account %q of namespace %q has a Pod Identity association that the EKS add-on %s owns; EKS allows one association per service account and changes an add-on's only through the add-on. Give the role in that add-on's pod_identity block instead, or remove this pod_identity block.", c.Name, p.ServiceAccount, p.Namespace, cur.OwnerARN)))
			continue
		case cur != nil && owner(cur.Tags) != c.Name && !pl.opts.Adopt:
			diags = append(diags, errorDiag(p.DeclRange, fmt.Sprintf("Service account %s already has a Pod Identity association that eksctl-lite does not manage", key),
				fmt.Sprintf("In cluster %q the service account %q of namespace %q has a Pod Identity association (%s) that eksctl-lite did not create; EKS allows one association per service account, and eksctl-lite never changes what it does not own. Run again with --adopt to manage it from this block (the plan then shows every difference), or delete it, or remove this pod_identity block.", c.Name, p.ServiceAccount, p.Namespace, cur.AssociationID)))
			continue
		case cur == nil && byAddr[addr] != nil && !declared[byAddr[addr].key()]:
			// This block's association, made for another service account.
			cur = byAddr[addr]
		}
		if cur == nil {
			ch.Action = Create
			cp.add(ch)
			continue
		}
		kept[cur] = true
		ch.Before = cur
		ch.Diffs = diffAttrs(podIdentitySchema, cur, after, changing)
		ch.Action = actionOf(ch.Diffs)
		switch {
		case ch.Action == Replace:
			ch.ReplacePaths = replacePaths(ch.Diffs)
			ch.Reason = forcesReason(ch.ReplacePaths)
		case owner(cur.Tags) != c.Name:
			ch.Reason = "adopting an existing Pod Identity association"
			fallthrough
		default:
			ch.Steps = podIdentitySteps(cur, after, ch.Diffs)
		}
		cp.add(ch)
	}
	for _, p := range live.podIdentities() {
		if !kept[p] && p.OwnerARN == "" && owner(p.Tags) == c.Name {
			cp.add(cp.deletePodIdentity(p, "not in the configuration"))
		}
	}
	diags = append(diags, podIdentityAgentWarning(cp)...)
	return diags
}

// planPodIdentityRole plans the managed role of a pod_identity block; see
// planRole for what it returns.
func (pl *planner) planPodIdentityRole(cp *clusterPlan, p *spec.PodIdentity, address string) (string, bool, hcl.Diagnostics) {
	inline, err := CanonicalPolicy(p.InlinePolicy)
	if err != nil {
		return "", false, hcl.Diagnostics{errorDiag(p.DeclRange, "Invalid inline policy", fmt.Sprintf("The inline_policy of pod_identity %q is not a valid policy document: %s.", p.Name, err))}
	}
	desired := &RoleAttrs{
		Name: p.RoleName, Path: RolePath,
		AssumeRolePolicy: PodIdentityTrustPolicy(),
		PolicyARNs:       p.PolicyARNs,
		InlinePolicy:     inline,
		Tags:             cp.ownedTags(p.Tags, address),
	}
	return pl.planRole(cp, address, desired, nil, nil, p.DeclRange)
}

// podIdentityAgentWarning warns when the cluster has pod_identity blocks
// but no eks-pod-identity-agent add-on, neither in its configuration nor
// live: without the agent, pods never get the association's credentials.
func podIdentityAgentWarning(cp *clusterPlan) hcl.Diagnostics {
	c := cp.spec
	if len(c.PodIdentities) == 0 {
		return nil
	}
	for _, a := range c.Addons {
		if a.Name == podIdentityAgent {
			return nil
		}
	}
	// Installed out of band (or by another tool): the agent runs.
	for _, a := range cp.live.addons() {
		if a.Name == podIdentityAgent && a.Status != string(ekstypes.AddonStatusDeleting) {
			return nil
		}
	}
	what := "pod_identity blocks"
	if len(c.PodIdentities) == 1 && c.PodIdentities[0].Address != "" {
		// The one association is derived from another block.
		what = "a load_balancer_controller block using Pod Identity"
	}
	return hcl.Diagnostics{&hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(c.PodIdentities[0].DeclRange),
		Summary: fmt.Sprintf("Cluster %q has %s but no %s add-on", c.Name, what, podIdentityAgent),
		Detail:  fmt.Sprintf("EKS Pod Identity hands credentials to pods through the EKS Pod Identity agent, which runs as the %q add-on. Without it the associations exist but no pod gets their role. Add addon %q {} to cluster %q.", podIdentityAgent, podIdentityAgent, c.Name)}}
}

func (cp *clusterPlan) deletePodIdentity(p *PodIdentityAttrs, reason string) *ResourceChange {
	addr := p.Tags[TagAddress]
	if addr == "" {
		addr = ClusterAddress(cp.spec.Name) + ".pod_identity." + p.AssociationID
	}
	return &ResourceChange{Address: addr, Type: TypePodIdentity, Action: Delete, Before: p,
		DependsOn: []string{ClusterAddress(cp.spec.Name)}, Reason: reason}
}

// destroyPodIdentities plans the deletion of every association the cluster
// owns (not those of add-ons: they go with their add-on).
func (pl *planner) destroyPodIdentities(cp *clusterPlan, reason string) {
	for _, p := range cp.live.podIdentities() {
		if p.OwnerARN == "" && owner(p.Tags) == cp.spec.Name {
			cp.add(cp.deletePodIdentity(p, reason))
		}
	}
}

// findPodIdentity is the live association a change of a saved plan is
// about: the one it saw (by ID), else the one of its service account.
func findPodIdentity(lc *liveCluster, ch *ResourceChange) *PodIdentityAttrs {
	b, _ := ch.Before.(*PodIdentityAttrs)
	a, _ := ch.After.(*PodIdentityAttrs)
	for _, p := range lc.podIdentities() {
		if b != nil && p.AssociationID == b.AssociationID {
			return p
		}
	}
	for _, p := range lc.podIdentities() {
		if b == nil && a != nil && p.key() == a.key() {
			return p
		}
	}
	return nil
}

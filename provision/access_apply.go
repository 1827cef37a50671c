package provision

// The apply half of access entries and their access policy associations.
// An entry: create (adopting the one an interrupted apply made), update
// (tags; then the groups and the username in one UpdateAccessEntry),
// replace (the old entry first: EKS keeps one per principal), delete. An
// association: AssociateAccessPolicy creates it and, sent again, replaces
// its scope; DisassociateAccessPolicy deletes it. Both take effect at
// once, with no status to wait for. Before anything is changed, the entry
// is read again: one no longer this configuration's is never changed, nor
// are its policies.

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

func applyAccessEntry(ctx context.Context, x *execution) (any, string, error) {
	w := x.opts.waiter(x.opts.Timeouts.IAM, "IAM")
	switch x.c.Action {
	case Create:
		return createAccessEntry(ctx, x, w, x.after.(*AccessEntryAttrs))
	case Replace:
		b, a := x.before.(*AccessEntryAttrs), x.after.(*AccessEntryAttrs)
		x.act.note("deleting the access entry of %s...", b.PrincipalARN)
		if err := deleteAccessEntry(ctx, x, b); err != nil {
			return nil, "", err
		}
		x.act.note("creating the access entry of %s...", a.PrincipalARN)
		return createAccessEntry(ctx, x, w, a)
	case Update:
		return updateAccessEntry(ctx, x)
	case Delete:
		b := x.before.(*AccessEntryAttrs)
		return nil, b.PrincipalARN, deleteAccessEntry(ctx, x, b)
	case NoOp, Wait:
		b := x.before.(*AccessEntryAttrs)
		return b, b.ARN, nil
	}
	return nil, "", fmt.Errorf("cannot %s an access entry", x.c.Action)
}

func createAccessEntry(ctx context.Context, x *execution, w waiter, a *AccessEntryAttrs) (any, string, error) {
	in := &eks.CreateAccessEntryInput{
		ClusterName:  aws.String(x.cluster),
		PrincipalArn: aws.String(a.PrincipalARN),
		Type:         aws.String(a.Type),
		Tags:         ownedTags(a.Tags, x.cluster, baseAddress(x.c.Address)),
	}
	if len(a.KubernetesGroups) > 0 {
		in.KubernetesGroups = a.KubernetesGroups
	}
	if a.Username != "" {
		in.Username = aws.String(a.Username)
	}
	var created *ekstypes.AccessEntry
	// In use: the principal has an entry already; it is carried on with
	// only when an interrupted apply of this change made it. A role made
	// by this run may not be visible to EKS yet (busyFor).
	found, adopted, err := createOrAdopt(ctx, w, "EKS to accept the access entry of "+a.PrincipalARN, x.e.busyFor(a.PrincipalARN), adoption[*ekstypes.AccessEntry]{
		create: func(ctx context.Context) error {
			out, err := x.eks.CreateAccessEntry(ctx, in)
			if err == nil {
				created = out.AccessEntry
			}
			return err
		},
		taken: isInUse,
		describe: func(ctx context.Context) (*ekstypes.AccessEntry, error) {
			return accessEntryResource.describe(ctx, x.eks, x.cluster, a.PrincipalARN)
		},
		gone: isNotFound,
		ours: func(e *ekstypes.AccessEntry) bool { return ownedHere(e.Tags, x.c) },
		// EKS makes entries by itself: for the cluster's creator (when
		// bootstrap_cluster_creator_admin is true, the default), for node
		// roles and pod execution roles.
		notOurs: fmt.Sprintf("the principal %s has an access entry in cluster %s already, which eksctl-lite did not create for %s (EKS creates one for the principal that created the cluster, unless bootstrap_cluster_creator_admin = false, and for node and pod execution roles); run eksctl-lite plan --adopt to manage that entry from this block, or remove the access_entry block",
			a.PrincipalARN, x.cluster, baseAddress(x.c.Address)),
	})
	if err != nil {
		return nil, "", fmt.Errorf("creating the access entry of %s in cluster %s: %w", a.PrincipalARN, x.cluster, err)
	}
	if adopted {
		x.act.note("found the access entry of %s created by an earlier apply", a.PrincipalARN)
		live := accessEntryFromAWS(found)
		if live.Type != a.Type {
			return nil, "", fmt.Errorf("the access entry of %s in cluster %s, created by an earlier apply, has type %s, not %s; run eksctl-lite plan again", a.PrincipalARN, x.cluster, live.Type, a.Type)
		}
		if !pathsEqual(accessEntrySchema, live, a, []string{"kubernetes_groups", "user_name"}) {
			// The plan changed since the earlier apply: finish it.
			if err := sendAccessEntryUpdate(ctx, x, live, a); err != nil {
				return nil, "", err
			}
		}
		return accessEntryLive(live, a), live.ARN, nil
	}
	live := accessEntryFromAWS(created)
	return live, live.ARN, nil
}

// accessEntryLive is the entry cur after the updates that give it a's
// groups and username.
func accessEntryLive(cur, a *AccessEntryAttrs) *AccessEntryAttrs {
	live := *a
	live.ARN = cur.ARN
	if live.Username == "" {
		live.Username = cur.Username
	}
	return &live
}

// updateAccessEntry carries out the steps of an update against the entry
// as it is now (read first: an entry gone or no longer this
// configuration's is never changed).
func updateAccessEntry(ctx context.Context, x *execution) (any, string, error) {
	b, a := x.before.(*AccessEntryAttrs), x.after.(*AccessEntryAttrs)
	got, err := accessEntryResource.describe(ctx, x.eks, x.cluster, b.PrincipalARN)
	if err != nil {
		return nil, "", fmt.Errorf("reading the access entry of %s in cluster %s: %w", b.PrincipalARN, x.cluster, err)
	}
	if owner(b.Tags) != "" { // an adoption changes what nobody owned yet
		if err := x.stillOwned("the access entry of "+b.PrincipalARN, got.Tags); err != nil {
			return nil, "", err
		}
	}
	cur := accessEntryFromAWS(got)
	for _, s := range x.c.Steps {
		x.act.note("%s", stepLine(s))
		switch s.Call {
		case "TagResource", "UntagResource":
			err = eksTagStep(callCtx(ctx), x.eks, s.Call, cur.ARN, cur.Tags, a.Tags)
		case "UpdateAccessEntry":
			err = sendAccessEntryUpdate(ctx, x, cur, a)
		default:
			err = unknownStep(x, s)
		}
		if err != nil {
			return nil, "", fmt.Errorf("%s on the access entry of %s: %w", s.Call, b.PrincipalARN, err)
		}
	}
	return accessEntryLive(cur, a), cur.ARN, nil
}

// sendAccessEntryUpdate sets the groups of the live entry cur to a's (all
// of them: UpdateAccessEntry replaces the list, an empty one removes them)
// and its username to a's when a has one.
func sendAccessEntryUpdate(ctx context.Context, x *execution, cur, a *AccessEntryAttrs) error {
	in := &eks.UpdateAccessEntryInput{
		ClusterName:      aws.String(x.cluster),
		PrincipalArn:     aws.String(cur.PrincipalARN),
		KubernetesGroups: append([]string{}, a.KubernetesGroups...),
	}
	if a.Username != "" && a.Username != cur.Username {
		in.Username = aws.String(a.Username)
	}
	_, err := x.eks.UpdateAccessEntry(callCtx(ctx), in)
	return err
}

// deleteAccessEntry deletes the entry b, read first: one gone is done, one
// no longer this configuration's is never deleted. EKS deletes the entry's
// policy associations with it.
func deleteAccessEntry(ctx context.Context, x *execution, b *AccessEntryAttrs) error {
	got, err := accessEntryResource.describe(ctx, x.eks, x.cluster, b.PrincipalARN)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the access entry of %s in cluster %s: %w", b.PrincipalARN, x.cluster, err)
	}
	if err := x.stillOwned("the access entry of "+b.PrincipalARN, got.Tags); err != nil {
		return err
	}
	_, err = x.eks.DeleteAccessEntry(callCtx(ctx), &eks.DeleteAccessEntryInput{ClusterName: aws.String(x.cluster), PrincipalArn: aws.String(b.PrincipalARN)})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("deleting the access entry of %s in cluster %s: %w", b.PrincipalARN, x.cluster, err)
	}
	return nil
}

func applyAccessPolicy(ctx context.Context, x *execution) (any, string, error) {
	switch x.c.Action {
	case Create, Update:
		a := x.after.(*AccessPolicyAttrs)
		return a, accessPolicyName(a.PolicyARN), associateAccessPolicy(ctx, x, a)
	case Replace:
		b, a := x.before.(*AccessPolicyAttrs), x.after.(*AccessPolicyAttrs)
		if err := disassociateAccessPolicy(ctx, x, b); err != nil {
			return nil, "", err
		}
		return a, accessPolicyName(a.PolicyARN), associateAccessPolicy(ctx, x, a)
	case Delete:
		b := x.before.(*AccessPolicyAttrs)
		return nil, accessPolicyName(b.PolicyARN), disassociateAccessPolicy(ctx, x, b)
	case NoOp, Wait:
		b := x.before.(*AccessPolicyAttrs)
		return b, accessPolicyName(b.PolicyARN), nil
	}
	return nil, "", fmt.Errorf("cannot %s an access policy association", x.c.Action)
}

// accessPolicyEntry is the address of the entry an association's change
// belongs to.
func accessPolicyEntry(x *execution) string {
	addr := baseAddress(x.c.Address)
	return addr[:strings.LastIndex(addr, ".policy.")]
}

// entryOwned reads the entry of principal and says whether it is this
// change's entry: tagged for it, or one the plan adopts (the plan saw it
// without an owner and does not delete it: the adoption may not have
// tagged it yet when a disassociation runs). found is false when there is
// no entry.
func entryOwned(ctx context.Context, x *execution, principal string) (found bool, err error) {
	got, err := accessEntryResource.describe(ctx, x.eks, x.cluster, principal)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading the access entry of %s in cluster %s: %w", principal, x.cluster, err)
	}
	entry := accessPolicyEntry(x)
	if got.Tags[TagCluster] == x.cluster && got.Tags[TagAddress] == entry {
		return true, nil
	}
	if owner(got.Tags) == "" {
		for _, ch := range x.e.plan.Changes {
			b, _ := ch.Before.(*AccessEntryAttrs)
			if ch.Address == entry && ch.Action != Delete && ch.Cluster == x.cluster && ch.Region == x.c.Region &&
				b != nil && b.PrincipalARN == principal && owner(b.Tags) == "" {
				return true, nil
			}
		}
	}
	return true, fmt.Errorf("the access entry of %s in cluster %s is no longer this configuration's (%s); eksctl-lite leaves its access policies alone: run eksctl-lite plan again", principal, x.cluster, entry)
}

// associateAccessPolicy associates a's policy with its entry, with a's
// scope (sent again, it replaces the scope).
func associateAccessPolicy(ctx context.Context, x *execution, a *AccessPolicyAttrs) error {
	found, err := entryOwned(ctx, x, a.PrincipalARN)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("associating %s: the access entry of %s in cluster %s does not exist; run eksctl-lite plan again", accessPolicyName(a.PolicyARN), a.PrincipalARN, x.cluster)
	}
	scope := &ekstypes.AccessScope{Type: ekstypes.AccessScopeType(a.ScopeType)}
	if a.ScopeType == "namespace" {
		scope.Namespaces = a.Namespaces
	}
	_, err = x.eks.AssociateAccessPolicy(callCtx(ctx), &eks.AssociateAccessPolicyInput{
		ClusterName: aws.String(x.cluster), PrincipalArn: aws.String(a.PrincipalARN), PolicyArn: aws.String(a.PolicyARN), AccessScope: scope,
	})
	if err != nil {
		return fmt.Errorf("associating %s with the access entry of %s in cluster %s: %w", a.PolicyARN, a.PrincipalARN, x.cluster, err)
	}
	return nil
}

// disassociateAccessPolicy removes b's policy from its entry; gone (with
// its entry, or alone) is done.
func disassociateAccessPolicy(ctx context.Context, x *execution, b *AccessPolicyAttrs) error {
	found, err := entryOwned(ctx, x, b.PrincipalARN)
	if err != nil || !found {
		return err
	}
	_, err = x.eks.DisassociateAccessPolicy(callCtx(ctx), &eks.DisassociateAccessPolicyInput{
		ClusterName: aws.String(x.cluster), PrincipalArn: aws.String(b.PrincipalARN), PolicyArn: aws.String(b.PolicyARN),
	})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("disassociating %s from the access entry of %s in cluster %s: %w", b.PolicyARN, b.PrincipalARN, x.cluster, err)
	}
	return nil
}

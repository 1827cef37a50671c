package provision

// The apply half of a Pod Identity association: create (adopting the one
// an interrupted apply made), update (tags; then the roles and the session
// tags flag in one UpdatePodIdentityAssociation, always naming the role),
// replace (the new association first: another service account), delete.
// Associations take effect at once, with no status to wait for; the only
// wait is for a role this run has just created, which EKS may not see for
// a few seconds (IAM is eventually consistent).

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

func applyPodIdentity(ctx context.Context, x *execution) (any, string, error) {
	w := x.opts.waiter(x.opts.Timeouts.IAM, "IAM")
	switch x.c.Action {
	case Create:
		return createPodIdentity(ctx, x, w, x.after.(*PodIdentityAttrs))
	case Replace:
		b, a := x.before.(*PodIdentityAttrs), x.after.(*PodIdentityAttrs)
		x.act.note("creating the Pod Identity association for %s...", a.key())
		live, id, err := createPodIdentity(ctx, x, w, a)
		if err != nil {
			return nil, "", err
		}
		x.act.note("deleting the Pod Identity association for %s...", b.key())
		if err := deletePodIdentity(ctx, x, b); err != nil {
			return nil, "", err
		}
		return live, id, nil
	case Update:
		return updatePodIdentity(ctx, x, w)
	case Delete:
		b := x.before.(*PodIdentityAttrs)
		return nil, b.key(), deletePodIdentity(ctx, x, b)
	case NoOp, Wait:
		b := x.before.(*PodIdentityAttrs)
		return b, b.ARN, nil
	}
	return nil, "", fmt.Errorf("cannot %s a Pod Identity association", x.c.Action)
}

func createPodIdentity(ctx context.Context, x *execution, w waiter, a *PodIdentityAttrs) (any, string, error) {
	in := &eks.CreatePodIdentityAssociationInput{
		ClusterName:        aws.String(x.cluster),
		Namespace:          aws.String(a.Namespace),
		ServiceAccount:     aws.String(a.ServiceAccount),
		RoleArn:            aws.String(a.RoleARN),
		DisableSessionTags: aws.Bool(a.DisableSessionTags),
		Tags:               ownedTags(a.Tags, x.cluster, baseAddress(x.c.Address)),
	}
	if a.TargetRoleARN != "" {
		in.TargetRoleArn = aws.String(a.TargetRoleARN)
	}
	var created *ekstypes.PodIdentityAssociation
	// In use: the service account has an association already; it is
	// carried on with only when an interrupted apply of this change made it.
	found, adopted, err := createOrAdopt(ctx, w, "EKS to accept the Pod Identity association for "+a.key(), x.e.busyFor(a.RoleARN), adoption[*ekstypes.PodIdentityAssociation]{
		create: func(ctx context.Context) error {
			out, err := x.eks.CreatePodIdentityAssociation(ctx, in)
			if err == nil {
				created = out.Association
			}
			return err
		},
		taken: isInUse,
		describe: func(ctx context.Context) (*ekstypes.PodIdentityAssociation, error) {
			return describePodIdentityOf(ctx, x, a)
		},
		gone: isNotFound,
		ours: func(p *ekstypes.PodIdentityAssociation) bool {
			return aws.ToString(p.OwnerArn) == "" && ownedHere(p.Tags, x.c)
		},
		notOurs: fmt.Sprintf("the service account %s of cluster %s has a Pod Identity association already, which eksctl-lite did not create for %s; remove the pod_identity block or that association",
			a.key(), x.cluster, baseAddress(x.c.Address)),
	})
	if err != nil {
		return nil, "", fmt.Errorf("creating the Pod Identity association for %s in cluster %s: %w", a.key(), x.cluster, err)
	}
	if adopted {
		x.act.note("found the Pod Identity association for %s created by an earlier apply", a.key())
		created = found
		live := podIdentityFromAWS(found)
		if diffs := diffAttrs(podIdentitySchema, live, a, nil); len(diffs) > 0 {
			// The earlier apply was stopped before what this plan wants
			// (or the plan changed since): finish it.
			if err := sendPodIdentityUpdate(ctx, x, w, live, a); err != nil {
				return nil, "", err
			}
			live.RoleARN, live.TargetRoleARN, live.DisableSessionTags = a.RoleARN, a.TargetRoleARN, a.DisableSessionTags
		}
		return live, live.ARN, nil
	}
	live := podIdentityFromAWS(created)
	return live, live.ARN, nil
}

// describePodIdentityOf reads the association of a's service account, if
// any (not found otherwise).
func describePodIdentityOf(ctx context.Context, x *execution, a *PodIdentityAttrs) (*ekstypes.PodIdentityAssociation, error) {
	out, err := x.eks.ListPodIdentityAssociations(ctx, &eks.ListPodIdentityAssociationsInput{
		ClusterName: aws.String(x.cluster), Namespace: aws.String(a.Namespace), ServiceAccount: aws.String(a.ServiceAccount),
	})
	if err != nil {
		return nil, err
	}
	for _, s := range out.Associations {
		if aws.ToString(s.Namespace) == a.Namespace && aws.ToString(s.ServiceAccount) == a.ServiceAccount {
			return podIdentityResource.describe(ctx, x.eks, x.cluster, aws.ToString(s.AssociationId))
		}
	}
	return nil, &ekstypes.ResourceNotFoundException{Message: aws.String("no Pod Identity association for " + a.key())}
}

// updatePodIdentity carries out the steps of an update, each against the
// association as it is now (read first: an association gone or no longer
// this configuration's is never changed).
func updatePodIdentity(ctx context.Context, x *execution, w waiter) (any, string, error) {
	b, a := x.before.(*PodIdentityAttrs), x.after.(*PodIdentityAttrs)
	got, err := podIdentityResource.describe(ctx, x.eks, x.cluster, b.AssociationID)
	if err != nil {
		return nil, "", fmt.Errorf("reading the Pod Identity association for %s of cluster %s: %w", b.key(), x.cluster, err)
	}
	if aws.ToString(got.OwnerArn) != "" {
		return nil, "", fmt.Errorf("the Pod Identity association for %s of cluster %s now belongs to add-on %s; run eksctl-lite plan again", b.key(), x.cluster, aws.ToString(got.OwnerArn))
	}
	if owner(b.Tags) != "" { // an adoption changes what nobody owned yet
		if err := x.stillOwned("the Pod Identity association for "+b.key(), got.Tags); err != nil {
			return nil, "", err
		}
	}
	cur := podIdentityFromAWS(got)
	for _, s := range x.c.Steps {
		x.act.note("%s", stepLine(s))
		switch s.Call {
		case "TagResource", "UntagResource":
			err = eksTagStep(callCtx(ctx), x.eks, s.Call, cur.ARN, cur.Tags, a.Tags)
		case "UpdatePodIdentityAssociation":
			err = sendPodIdentityUpdate(ctx, x, w, cur, a)
		default:
			err = unknownStep(x, s)
		}
		if err != nil {
			return nil, "", fmt.Errorf("%s on the Pod Identity association for %s: %w", s.Call, b.key(), err)
		}
	}
	live := *a
	live.AssociationID, live.ARN = cur.AssociationID, cur.ARN
	return &live, cur.ARN, nil
}

// sendPodIdentityUpdate sets the roles and the session tags flag of the
// live association cur to a's, in one call that names the association by
// its ID and always sends the role (never an empty one). It is done
// already when cur has them (EKS refuses an update that changes nothing).
func sendPodIdentityUpdate(ctx context.Context, x *execution, w waiter, cur, a *PodIdentityAttrs) error {
	if pathsEqual(podIdentitySchema, cur, a, podIdentityUpdatePaths) {
		return nil
	}
	if a.RoleARN == "" || a.RoleARN == KnownAfterApply {
		return fmt.Errorf("the plan gives no role for the Pod Identity association for %s; run eksctl-lite plan again", a.key())
	}
	in := &eks.UpdatePodIdentityAssociationInput{
		ClusterName:        aws.String(x.cluster),
		AssociationId:      aws.String(cur.AssociationID),
		RoleArn:            aws.String(a.RoleARN),
		DisableSessionTags: aws.Bool(a.DisableSessionTags),
	}
	if a.TargetRoleARN != cur.TargetRoleARN {
		// An empty target removes role chaining.
		in.TargetRoleArn = aws.String(a.TargetRoleARN)
	}
	return w.retry(callCtx(ctx), "EKS to accept the role of the Pod Identity association for "+a.key(), x.e.busyFor(a.RoleARN), func(ctx context.Context) error {
		_, err := x.eks.UpdatePodIdentityAssociation(ctx, in)
		return err
	})
}

// deletePodIdentity deletes the association b, read first: one gone is
// done, one no longer this configuration's is never deleted.
func deletePodIdentity(ctx context.Context, x *execution, b *PodIdentityAttrs) error {
	got, err := podIdentityResource.describe(ctx, x.eks, x.cluster, b.AssociationID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the Pod Identity association for %s of cluster %s: %w", b.key(), x.cluster, err)
	}
	if err := x.stillOwned("the Pod Identity association for "+b.key(), got.Tags); err != nil {
		return err
	}
	_, err = x.eks.DeletePodIdentityAssociation(callCtx(ctx), &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(x.cluster), AssociationId: aws.String(b.AssociationID)})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("deleting the Pod Identity association for %s of cluster %s: %w", b.key(), x.cluster, err)
	}
	return nil
}

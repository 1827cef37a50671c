package provision

// The apply half of a Fargate profile: create, tag, replace (delete then
// create: a profile holds no capacity, and its name is the block's), delete.
// The scheduler runs at most one create or delete per cluster at a time
// (the fargate:<region>/<cluster> lock); ResourceInUseException from one
// started out of band is waited out.

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

func applyFargateProfile(ctx context.Context, x *execution) (any, string, error) {
	w := x.opts.waiter(x.opts.Timeouts.FargateProfile, "FARGATE_PROFILE")
	switch x.c.Action {
	case Create:
		return createFargateProfile(ctx, x, w, x.after.(*FargateProfileAttrs))
	case Replace:
		b := x.before.(*FargateProfileAttrs)
		x.act.note("deleting Fargate profile %s...", b.Name)
		if err := deleteFargateProfile(ctx, x, w, b.Name); err != nil {
			return nil, "", err
		}
		x.act.note("creating Fargate profile %s...", x.after.(*FargateProfileAttrs).Name)
		return createFargateProfile(ctx, x, w, x.after.(*FargateProfileAttrs))
	case Update:
		return updateFargateProfile(ctx, x, w)
	case Delete:
		b := x.before.(*FargateProfileAttrs)
		return nil, b.Name, deleteFargateProfile(ctx, x, w, b.Name)
	case NoOp, Wait:
		b := x.before.(*FargateProfileAttrs)
		if b.Status == "DELETING" {
			return recreateFargateProfile(ctx, x)
		}
		fp, err := fargateActive(ctx, x.eks, w, x.cluster, b.Name)
		if err != nil {
			return nil, "", err
		}
		return fargateFromAWS(fp), aws.ToString(fp.FargateProfileArn), nil
	}
	return nil, "", fmt.Errorf("cannot %s a Fargate profile", x.c.Action)
}

func createFargateProfile(ctx context.Context, x *execution, w waiter, a *FargateProfileAttrs) (any, string, error) {
	in := &eks.CreateFargateProfileInput{
		ClusterName:         aws.String(x.cluster),
		FargateProfileName:  aws.String(a.Name),
		PodExecutionRoleArn: aws.String(a.PodExecutionRoleARN),
		Subnets:             a.SubnetIDs,
		Tags:                ownedTags(a.Tags, x.cluster, baseAddress(x.c.Address)),
	}
	for _, s := range a.Selectors {
		in.Selectors = append(in.Selectors, ekstypes.FargateProfileSelector{Namespace: aws.String(s.Namespace), Labels: s.Labels})
	}
	// In use: the profile exists already (an interrupted apply), or another
	// profile of the cluster is being created or deleted.
	_, adopted, err := createOrAdopt(ctx, w, "EKS to accept Fargate profile "+a.Name, x.e.busyFor(a.PodExecutionRoleARN), eksAdoption(x, fargateResource, a.Name,
		func(ctx context.Context) error { _, err := x.eks.CreateFargateProfile(ctx, in); return err },
		fmt.Sprintf("a Fargate profile named %s already exists in cluster %s and eksctl-lite does not own it; rename the fargate_profile block or remove that profile", a.Name, x.cluster)))
	if err != nil {
		return nil, "", fmt.Errorf("creating Fargate profile %s in cluster %s: %w", a.Name, x.cluster, err)
	}
	if adopted {
		x.act.note("found Fargate profile %s created by an earlier apply; waiting for it", a.Name)
	}
	fp, err := fargateActive(ctx, x.eks, w, x.cluster, a.Name)
	if err != nil {
		return nil, "", err
	}
	return fargateFromAWS(fp), aws.ToString(fp.FargateProfileArn), nil
}

// updateFargateProfile changes tags, the only thing EKS changes in place.
func updateFargateProfile(ctx context.Context, x *execution, w waiter) (any, string, error) {
	b, a := x.before.(*FargateProfileAttrs), x.after.(*FargateProfileAttrs)
	for _, s := range x.c.Steps {
		x.act.note("%s", stepLine(s))
		var err error
		switch s.Call {
		case "TagResource", "UntagResource":
			err = eksTagStep(callCtx(ctx), x.eks, s.Call, b.ARN, b.Tags, a.Tags)
		default:
			err = unknownStep(x, s)
		}
		if err != nil {
			return nil, "", fmt.Errorf("%s on Fargate profile %s: %w", s.Call, b.Name, err)
		}
	}
	live := *a
	live.ARN, live.Status = b.ARN, b.Status
	return &live, b.ARN, nil
}

// deleteFargateProfile deletes the profile name and waits until it is gone.
// The profile is read before each attempt: one already DELETING (left by an
// interrupted run) is only waited for, since EKS refuses to delete it again
// (ResourceInUseException), and one already gone is done.
func deleteFargateProfile(ctx context.Context, x *execution, w waiter, name string) error {
	in := &eks.DeleteFargateProfileInput{ClusterName: aws.String(x.cluster), FargateProfileName: aws.String(name)}
	deleting := false
	err := w.retry(ctx, "EKS to accept the deletion of Fargate profile "+name, isInUse, func(ctx context.Context) error {
		out, err := x.eks.DescribeFargateProfile(ctx, &eks.DescribeFargateProfileInput{ClusterName: in.ClusterName, FargateProfileName: in.FargateProfileName})
		switch {
		case isNotFound(err):
			return nil
		case err != nil:
			return fmt.Errorf("describing Fargate profile %s: %w", name, err)
		case out.FargateProfile == nil:
			return nil
		}
		if err := x.stillOwned("Fargate profile "+name, out.FargateProfile.Tags); err != nil {
			return err
		}
		if out.FargateProfile.Status == ekstypes.FargateProfileStatusDeleting {
			deleting = true
			return nil
		}
		_, err = x.eks.DeleteFargateProfile(ctx, in)
		if isNotFound(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("deleting Fargate profile %s of cluster %s: %w", name, x.cluster, err)
	}
	if deleting {
		x.act.note("Fargate profile %s is already being deleted (an earlier run); waiting for it to be gone", name)
	}
	return fargateGone(ctx, x.eks, w, x.cluster, name)
}

// recreateFargateProfile finishes a profile the configuration wants as it
// is but an interrupted run left DELETING (a destroy or a removal stopped
// half way): it waits until the profile is gone, then creates it again,
// all under the cluster's Fargate lock, so that the next plan is empty.
func recreateFargateProfile(ctx context.Context, x *execution) (any, string, error) {
	b := x.before.(*FargateProfileAttrs)
	a, ok := x.after.(*FargateProfileAttrs)
	if !ok {
		return nil, "", fmt.Errorf("the plan has no desired attributes for %s, which is being deleted; run eksctl-lite plan again", x.c.Address)
	}
	w := x.opts.waiter(x.opts.Timeouts.FargateProfile, "FARGATE_PROFILE")
	x.act.note("Fargate profile %s is being deleted (an earlier run); it is created again once gone", b.Name)
	if err := fargateGone(ctx, x.eks, w, x.cluster, b.Name); err != nil {
		return nil, "", err
	}
	return createFargateProfile(ctx, x, w, a)
}

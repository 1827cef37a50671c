package provision

// The apply half of an instance profile: create with its role, move it to
// another role, tags, delete (the role removed first, as IAM requires).

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func applyInstanceProfile(ctx context.Context, x *execution) (any, string, error) {
	switch x.c.Action {
	case Create:
		return createInstanceProfile(ctx, x, x.after.(*InstanceProfileAttrs))
	case Update:
		b, a := x.before.(*InstanceProfileAttrs), x.after.(*InstanceProfileAttrs)
		live, err := readInstanceProfile(ctx, x, b.Name)
		if err != nil {
			return nil, "", err
		}
		if live == nil {
			return nil, "", fmt.Errorf("instance profile %s no longer exists; run eksctl-lite plan again", b.Name)
		}
		if err := x.stillOwned("instance profile "+b.Name, live.Tags); err != nil {
			return nil, "", err
		}
		if err := setProfileRole(ctx, x, live, a.Role); err != nil {
			return nil, "", err
		}
		set, remove := tagChanges(live.Tags, a.Tags)
		if len(set) > 0 {
			if _, err := x.iam.TagInstanceProfile(callCtx(ctx), &iam.TagInstanceProfileInput{InstanceProfileName: aws.String(b.Name), Tags: iamTags(set)}); err != nil {
				return nil, "", fmt.Errorf("tagging instance profile %s: %w", b.Name, err)
			}
		}
		if len(remove) > 0 {
			if _, err := x.iam.UntagInstanceProfile(callCtx(ctx), &iam.UntagInstanceProfileInput{InstanceProfileName: aws.String(b.Name), TagKeys: remove}); err != nil {
				return nil, "", fmt.Errorf("untagging instance profile %s: %w", b.Name, err)
			}
		}
		return finishProfile(ctx, x, b.Name)
	case Replace:
		b, a := x.before.(*InstanceProfileAttrs), x.after.(*InstanceProfileAttrs)
		if err := deleteInstanceProfileNamed(ctx, x, b.Name); err != nil {
			return nil, "", err
		}
		return createInstanceProfile(ctx, x, a)
	case Delete:
		b := x.before.(*InstanceProfileAttrs)
		return nil, b.Name, deleteInstanceProfileNamed(ctx, x, b.Name)
	case NoOp, Wait:
		b := x.before.(*InstanceProfileAttrs)
		return b, b.ARN, nil
	}
	return nil, "", fmt.Errorf("cannot %s an instance profile", x.c.Action)
}

func createInstanceProfile(ctx context.Context, x *execution, a *InstanceProfileAttrs) (any, string, error) {
	_, err := x.iam.CreateInstanceProfile(callCtx(ctx), &iam.CreateInstanceProfileInput{
		InstanceProfileName: aws.String(a.Name), Path: aws.String(a.Path),
		Tags: iamTags(ownedTags(a.Tags, x.cluster, baseAddress(x.c.Address))),
	})
	var exists *iamtypes.EntityAlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return nil, "", fmt.Errorf("creating instance profile %s: %w", a.Name, err)
	}
	live, rerr := readInstanceProfile(ctx, x, a.Name)
	if rerr != nil {
		return nil, "", rerr
	}
	if live == nil {
		return nil, "", fmt.Errorf("instance profile %s was created but IAM does not find it; run eksctl-lite apply again", a.Name)
	}
	if err != nil && !ownedHere(live.Tags, x.c) {
		return nil, "", fmt.Errorf("an instance profile named %s already exists and eksctl-lite does not own it; delete it or give the group another name", a.Name)
	}
	if err := setProfileRole(ctx, x, live, a.Role); err != nil {
		return nil, "", err
	}
	return finishProfile(ctx, x, a.Name)
}

// setProfileRole makes role the one role of live.
func setProfileRole(ctx context.Context, x *execution, live *InstanceProfileAttrs, role string) error {
	if live.Role == role {
		return nil
	}
	if live.Role != "" {
		if _, err := x.iam.RemoveRoleFromInstanceProfile(callCtx(ctx), &iam.RemoveRoleFromInstanceProfileInput{
			InstanceProfileName: aws.String(live.Name), RoleName: aws.String(live.Role)}); err != nil && !notFoundErr(err) {
			return fmt.Errorf("removing role %s from instance profile %s: %w", live.Role, live.Name, err)
		}
	}
	if role == "" {
		return nil
	}
	// A role made moments ago may not be visible to IAM yet.
	w := x.opts.waiter(x.opts.Timeouts.IAM, "IAM")
	return w.retry(ctx, "IAM to find role "+role, notFoundErr, func(ctx context.Context) error {
		_, err := x.iam.AddRoleToInstanceProfile(callCtx(ctx), &iam.AddRoleToInstanceProfileInput{
			InstanceProfileName: aws.String(live.Name), RoleName: aws.String(role)})
		var limit *iamtypes.LimitExceededException
		if errors.As(err, &limit) {
			return fmt.Errorf("instance profile %s already holds a role: %w", live.Name, err)
		}
		return err
	})
}

func finishProfile(ctx context.Context, x *execution, name string) (any, string, error) {
	live, err := readInstanceProfile(ctx, x, name)
	if err != nil {
		return nil, "", err
	}
	if live == nil {
		return nil, "", fmt.Errorf("instance profile %s disappeared; run eksctl-lite plan again", name)
	}
	return live, live.ARN, nil
}

func readInstanceProfile(ctx context.Context, x *execution, name string) (*InstanceProfileAttrs, error) {
	out, err := x.iam.GetInstanceProfile(callCtx(ctx), &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(name)})
	if notFoundErr(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading instance profile %s: %w", name, err)
	}
	return instanceProfileFromAWS(out.InstanceProfile), nil
}

func deleteInstanceProfileNamed(ctx context.Context, x *execution, name string) error {
	live, err := readInstanceProfile(ctx, x, name)
	if err != nil || live == nil {
		return err
	}
	if err := x.stillOwned("instance profile "+name, live.Tags); err != nil {
		return err
	}
	if err := setProfileRole(ctx, x, live, ""); err != nil {
		return err
	}
	if _, err := x.iam.DeleteInstanceProfile(callCtx(ctx), &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String(name)}); err != nil && !notFoundErr(err) {
		return fmt.Errorf("deleting instance profile %s: %w", name, err)
	}
	return nil
}

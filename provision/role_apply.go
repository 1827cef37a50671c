package provision

// The apply half of IAM roles (managed cluster, node and pod execution
// roles; irsa roles): create with trust policy, tags, managed and inline
// policies; the update steps the plan lists; delete (detach, delete inline
// policies, delete the role).

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func applyRole(ctx context.Context, x *execution) (any, string, error) {
	w := x.opts.waiter(x.opts.Timeouts.IAM, "IAM")
	switch x.c.Action {
	case Create:
		return createRole(ctx, x, w)
	case Update:
		return updateRole(ctx, x, w)
	case Replace:
		if err := deleteRole(ctx, x, w, x.before.(*RoleAttrs).Name); err != nil {
			return nil, "", err
		}
		return createRole(ctx, x, w)
	case Delete:
		b := x.before.(*RoleAttrs)
		return nil, b.ARN, deleteRole(ctx, x, w, b.Name)
	}
	return nil, "", fmt.Errorf("cannot %s an IAM role", x.c.Action)
}

func createRole(ctx context.Context, x *execution, w waiter) (any, string, error) {
	a := x.after.(*RoleAttrs)
	path := a.Path
	if path == "" {
		path = RolePath
	}
	tags := ownedTags(a.Tags, x.cluster, baseAddress(x.c.Address))
	if x.c.Region != "" {
		tags[TagRegion] = x.c.Region
	}
	in := &iam.CreateRoleInput{
		RoleName:                 aws.String(a.Name),
		Path:                     aws.String(path),
		AssumeRolePolicyDocument: aws.String(a.AssumeRolePolicy),
		Tags:                     iamTags(tags),
	}
	var arn string
	found, existed, err := createOrAdopt(ctx, w, "IAM to accept role "+a.Name, iamBusy, adoption[*iamtypes.Role]{
		create: func(ctx context.Context) error {
			out, err := x.iam.CreateRole(ctx, in)
			if err == nil {
				arn = aws.ToString(out.Role.Arn)
			}
			return err
		},
		taken: isEntityExists,
		describe: func(ctx context.Context) (*iamtypes.Role, error) {
			got, err := x.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: in.RoleName})
			if err != nil {
				return nil, err
			}
			return got.Role, nil
		},
		gone: isNoSuchEntity,
		// IAM is global: the role is ours only if it is this address's in
		// this region, not the same cluster name's elsewhere.
		ours: func(r *iamtypes.Role) bool {
			tags := iamTagMap(r.Tags)
			return ownedHere(tags, x.c) && (x.c.Region == "" || tags[TagRegion] == x.c.Region)
		},
		notOurs: fmt.Sprintf("an IAM role named %s already exists and this cluster does not own it (another eksctl-lite cluster in another region, or not eksctl-lite at all); set another role name in the configuration (role_name of an irsa block) or delete that role", a.Name),
	})
	if err != nil {
		return nil, "", fmt.Errorf("creating IAM role %s: %w", a.Name, err)
	}
	if existed {
		arn = aws.ToString(found.Arn)
	}
	x.e.roleCreated(arn)
	if existed {
		// Ours, from an interrupted apply: make its trust policy the
		// desired one; the calls below are idempotent.
		x.act.note("found role %s created by an earlier apply; completing it", a.Name)
		if err := w.retry(ctx, "IAM to accept the trust policy of "+a.Name, iamBusy, func(ctx context.Context) error {
			_, err := x.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: in.RoleName, PolicyDocument: in.AssumeRolePolicyDocument})
			return err
		}); err != nil {
			return nil, "", fmt.Errorf("setting the trust policy of IAM role %s: %w", a.Name, err)
		}
	}
	for _, p := range sortedCopy(a.PolicyARNs) {
		if err := w.retry(ctx, "IAM to attach "+p, iamBusy, func(ctx context.Context) error {
			_, err := x.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: in.RoleName, PolicyArn: aws.String(p)})
			return err
		}); err != nil {
			return nil, "", fmt.Errorf("attaching policy %s to IAM role %s: %w", p, a.Name, err)
		}
	}
	if a.InlinePolicy != "" {
		if err := putInline(ctx, x, w, a); err != nil {
			return nil, "", err
		}
	}
	live := *a
	live.ARN, live.Path = arn, path
	return &live, arn, nil
}

func putInline(ctx context.Context, x *execution, w waiter, a *RoleAttrs) error {
	err := w.retry(ctx, "IAM to accept the inline policy of "+a.Name, iamBusy, func(ctx context.Context) error {
		_, err := x.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(a.Name), PolicyName: aws.String(InlinePolicyName), PolicyDocument: aws.String(a.InlinePolicy)})
		return err
	})
	if err != nil {
		return fmt.Errorf("putting the inline policy of IAM role %s: %w", a.Name, err)
	}
	return nil
}

// updateRole carries out the plan's steps in order.
func updateRole(ctx context.Context, x *execution, w waiter) (any, string, error) {
	b, a := x.before.(*RoleAttrs), x.after.(*RoleAttrs)
	name := aws.String(b.Name)
	for _, s := range x.c.Steps {
		x.act.note("%s", stepLine(s))
		call := func(ctx context.Context) error {
			set, remove := tagChanges(b.Tags, a.Tags)
			var err error
			switch s.Call {
			case "TagRole":
				if len(set) > 0 {
					_, err = x.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: name, Tags: iamTags(set)})
				}
			case "UntagRole":
				if len(remove) > 0 {
					_, err = x.iam.UntagRole(ctx, &iam.UntagRoleInput{RoleName: name, TagKeys: remove})
				}
			case "UpdateAssumeRolePolicy":
				_, err = x.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: name, PolicyDocument: aws.String(a.AssumeRolePolicy)})
			case "AttachRolePolicy":
				_, err = x.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: name, PolicyArn: aws.String(s.Target)})
			case "DetachRolePolicy":
				_, err = x.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: name, PolicyArn: aws.String(s.Target)})
				if isNoSuchEntity(err) {
					err = nil // already detached
				}
			case "PutRolePolicy":
				_, err = x.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: name, PolicyName: aws.String(InlinePolicyName), PolicyDocument: aws.String(a.InlinePolicy)})
			case "DeleteRolePolicy":
				_, err = x.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: name, PolicyName: aws.String(InlinePolicyName)})
				if isNoSuchEntity(err) {
					err = nil
				}
			default:
				err = unknownStep(x, s)
			}
			return err
		}
		if err := w.retry(ctx, "IAM to accept "+s.Call+" on "+b.Name, iamBusy, call); err != nil {
			return nil, "", fmt.Errorf("%s on IAM role %s: %w", s.Call, b.Name, err)
		}
	}
	live := *a
	live.ARN = b.ARN
	return &live, b.ARN, nil
}

// deleteRole detaches every managed policy, deletes every inline policy
// and deletes the role (IAM refuses to delete a role that has any). A role
// that is gone already is fine. DeleteConflictException is waited out:
// EKS releases a node role's instance profiles a little after the node
// group is gone.
func deleteRole(ctx context.Context, x *execution, w waiter, name string) error {
	rn := aws.String(name)
	got, err := x.iam.GetRole(callCtx(ctx), &iam.GetRoleInput{RoleName: rn})
	if isNoSuchEntity(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading IAM role %s: %w", name, err)
	}
	if err := x.stillOwned("IAM role "+name, iamTagMap(got.Role.Tags)); err != nil {
		return err
	}
	var attached []string
	var marker *string
	for {
		out, err := x.iam.ListAttachedRolePolicies(callCtx(ctx), &iam.ListAttachedRolePoliciesInput{RoleName: rn, Marker: marker})
		if isNoSuchEntity(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("listing the policies of IAM role %s: %w", name, err)
		}
		for _, p := range out.AttachedPolicies {
			attached = append(attached, aws.ToString(p.PolicyArn))
		}
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	for _, p := range attached {
		_, err := x.iam.DetachRolePolicy(callCtx(ctx), &iam.DetachRolePolicyInput{RoleName: rn, PolicyArn: aws.String(p)})
		if err != nil && !isNoSuchEntity(err) {
			return fmt.Errorf("detaching policy %s from IAM role %s: %w", p, name, err)
		}
	}
	var inline []string
	marker = nil
	for {
		out, err := x.iam.ListRolePolicies(callCtx(ctx), &iam.ListRolePoliciesInput{RoleName: rn, Marker: marker})
		if isNoSuchEntity(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("listing the inline policies of IAM role %s: %w", name, err)
		}
		inline = append(inline, out.PolicyNames...)
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	for _, p := range inline {
		_, err := x.iam.DeleteRolePolicy(callCtx(ctx), &iam.DeleteRolePolicyInput{RoleName: rn, PolicyName: aws.String(p)})
		if err != nil && !isNoSuchEntity(err) {
			return fmt.Errorf("deleting inline policy %s of IAM role %s: %w", p, name, err)
		}
	}
	conflict := func(err error) bool {
		var dc *iamtypes.DeleteConflictException
		return errors.As(err, &dc) || iamBusy(err)
	}
	err = w.retry(ctx, "IAM to accept the deletion of role "+name, conflict, func(ctx context.Context) error {
		_, err := x.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: rn})
		if isNoSuchEntity(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("deleting IAM role %s: %w", name, err)
	}
	return nil
}

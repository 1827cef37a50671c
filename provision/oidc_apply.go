package provision

// The apply half of the cluster's IAM OIDC provider: create (client ID
// sts.amazonaws.com, the cluster's issuer URL), tag, delete.

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func applyOIDCProvider(ctx context.Context, x *execution) (any, string, error) {
	w := x.opts.waiter(x.opts.Timeouts.IAM, "IAM")
	switch x.c.Action {
	case Create:
		return createOIDCProvider(ctx, x, w)
	case Update:
		return updateOIDCProvider(ctx, x)
	case Replace:
		if err := deleteOIDCProvider(ctx, x, w); err != nil {
			return nil, "", err
		}
		return createOIDCProvider(ctx, x, w)
	case Delete:
		return nil, x.before.(*OIDCProviderAttrs).ARN, deleteOIDCProvider(ctx, x, w)
	}
	return nil, "", fmt.Errorf("cannot %s an OIDC provider", x.c.Action)
}

// iamBusy is IAM's "try again": another call is changing the same entity.
func iamBusy(err error) bool {
	var cm *iamtypes.ConcurrentModificationException
	return errors.As(err, &cm)
}

func isNoSuchEntity(err error) bool {
	var e *iamtypes.NoSuchEntityException
	return errors.As(err, &e)
}

func isEntityExists(err error) bool {
	var e *iamtypes.EntityAlreadyExistsException
	return errors.As(err, &e)
}

func iamTags(tags map[string]string) []iamtypes.Tag {
	var out []iamtypes.Tag
	for _, k := range sortedKeys(tags) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// iamTagMap is the map of IAM's tag list.
func iamTagMap(tags []iamtypes.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

func createOIDCProvider(ctx context.Context, x *execution, w waiter) (any, string, error) {
	a := x.after.(*OIDCProviderAttrs)
	clientIDs := a.ClientIDs
	if len(clientIDs) == 0 {
		clientIDs = []string{OIDCClientID}
	}
	in := &iam.CreateOpenIDConnectProviderInput{
		Url:            aws.String(a.URL),
		ClientIDList:   clientIDs,
		ThumbprintList: a.Thumbprints,
		Tags:           iamTags(ownedTags(a.Tags, x.cluster, baseAddress(x.c.Address))),
	}
	var arn string
	err := w.retry(ctx, "IAM to accept the OIDC provider for "+a.URL, iamBusy, func(ctx context.Context) error {
		out, err := x.iam.CreateOpenIDConnectProvider(ctx, in)
		if err == nil {
			arn = aws.ToString(out.OpenIDConnectProviderArn)
			return nil
		}
		if !isEntityExists(err) {
			return err
		}
		// It exists: ours from an interrupted apply, or someone else's.
		found, owned, ferr := findOIDCProvider(ctx, x, a.URL)
		if ferr != nil {
			return ferr
		}
		if found == "" {
			return err
		}
		if !owned {
			return fmt.Errorf("an IAM OIDC provider for %s already exists (%s) and eksctl-lite does not own it; tag it with %s = %s and %s = %s to let eksctl-lite manage it, or delete it", a.URL, found, TagCluster, x.cluster, TagAddress, baseAddress(x.c.Address))
		}
		arn = found
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("creating the IAM OIDC provider of cluster %s: %w", x.cluster, err)
	}
	live := *a
	live.ARN, live.ClientIDs = arn, clientIDs
	return &live, arn, nil
}

// findOIDCProvider returns the ARN of the provider for issuer, if any, and
// whether it carries this change's ownership tags.
func findOIDCProvider(ctx context.Context, x *execution, issuer string) (string, bool, error) {
	list, err := x.iam.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return "", false, fmt.Errorf("listing IAM OIDC providers: %w", err)
	}
	for _, p := range list.OpenIDConnectProviderList {
		arn := aws.ToString(p.Arn)
		if !oidcProviderMatches(arn, issuer) {
			continue
		}
		out, err := x.iam.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
		if err != nil {
			return "", false, fmt.Errorf("reading IAM OIDC provider %s: %w", arn, err)
		}
		tags := map[string]string{}
		for _, t := range out.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		return arn, ownedHere(tags, x.c), nil
	}
	return "", false, nil
}

func updateOIDCProvider(ctx context.Context, x *execution) (any, string, error) {
	b, a := x.before.(*OIDCProviderAttrs), x.after.(*OIDCProviderAttrs)
	for _, s := range x.c.Steps {
		x.act.note("%s", stepLine(s))
		set, remove := tagChanges(b.Tags, a.Tags)
		var err error
		switch {
		case s.Call == "TagOpenIDConnectProvider" && len(set) > 0:
			_, err = x.iam.TagOpenIDConnectProvider(callCtx(ctx), &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(b.ARN), Tags: iamTags(set)})
		case s.Call == "UntagOpenIDConnectProvider" && len(remove) > 0:
			_, err = x.iam.UntagOpenIDConnectProvider(callCtx(ctx), &iam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(b.ARN), TagKeys: remove})
		case s.Call != "TagOpenIDConnectProvider" && s.Call != "UntagOpenIDConnectProvider":
			err = unknownStep(x, s)
		}
		if err != nil {
			return nil, "", fmt.Errorf("%s on the OIDC provider of cluster %s: %w", s.Call, x.cluster, err)
		}
	}
	live := *a
	live.ARN = b.ARN
	if live.URL == "" || live.URL == KnownAfterApply {
		live.URL = b.URL
	}
	return &live, b.ARN, nil
}

func deleteOIDCProvider(ctx context.Context, x *execution, w waiter) error {
	b := x.before.(*OIDCProviderAttrs)
	err := w.retry(ctx, "IAM to accept the deletion of "+b.ARN, iamBusy, func(ctx context.Context) error {
		_, err := x.iam.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(b.ARN)})
		if isNoSuchEntity(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("deleting IAM OIDC provider %s: %w", b.ARN, err)
	}
	return nil
}

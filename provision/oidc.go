package provision

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/hashicorp/hcl/v2"
)

// The plan half of the cluster's IAM OIDC identity provider, which exists
// exactly when the cluster has at least one irsa block.

// oidcSchema: the URL identifies the provider; our interface has no
// AddClientIDToOpenIDConnectProvider, so client IDs force a replacement
// too; thumbprints are left to IAM (optional since 2023 for well-known
// issuers such as EKS's), so an empty desired list is not a diff.
var oidcSchema = Schema{
	"url":             {ForceNew: true},
	"client_id_list":  {Set: true, ForceNew: true},
	"thumbprint_list": {Set: true, Optional: true},
	"tags":            {},
}

// oidcAttrs are the desired provider attributes for a cluster whose issuer
// is issuer (or KnownAfterApply when the cluster does not exist yet).
func oidcAttrs(cluster string, userTags map[string]string, issuer string) *OIDCProviderAttrs {
	return &OIDCProviderAttrs{
		URL:       issuer,
		ClientIDs: []string{OIDCClientID},
		Tags:      ownedTags(userTags, cluster, OIDCProviderAddress(cluster)),
	}
}

// oidcFromAWS converts GetOpenIDConnectProvider's answer. IAM returns the
// URL without its scheme; the attribute keeps https:// as the cluster's
// issuer does.
func oidcFromAWS(arn string, out *iam.GetOpenIDConnectProviderOutput) *OIDCProviderAttrs {
	a := &OIDCProviderAttrs{
		ARN:         arn,
		URL:         issuerURL(aws.ToString(out.Url)),
		ClientIDs:   out.ClientIDList,
		Thumbprints: out.ThumbprintList,
		Tags:        map[string]string{},
	}
	for _, t := range out.Tags {
		a.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	a.Tags = liveTags(a.Tags)
	return a
}

// issuerURL adds https:// to an issuer given without a scheme.
func issuerURL(u string) string {
	if u == "" || strings.HasPrefix(u, "https://") {
		return u
	}
	return "https://" + u
}

// oidcProviderMatches reports whether a provider ARN
// (arn:aws:iam::111122223333:oidc-provider/oidc.eks.REGION.amazonaws.com/id/X)
// is the provider of the issuer https://oidc.eks.REGION.amazonaws.com/id/X.
func oidcProviderMatches(arn, issuer string) bool {
	host := strings.TrimPrefix(issuer, "https://")
	return host != "" && strings.HasSuffix(arn, ":oidc-provider/"+host)
}

// oidcSteps: only tags change in place.
func oidcSteps(before, after *OIDCProviderAttrs, diffs []AttrDiff) []Step {
	if !diffPaths(diffs)["tags"] {
		return nil
	}
	return tagSteps("TagOpenIDConnectProvider", "UntagOpenIDConnectProvider", before.Tags, after.Tags)
}

// oidcProviderKind is the IAM OIDC provider's contract with the engine
// (kinds.go). Its URL is its identity: a replacement deletes it first.
func oidcProviderKind() *kind {
	return &kind{
		typ:      TypeOIDCProvider,
		schema:   oidcSchema,
		newAttrs: func() any { return &OIDCProviderAttrs{} },
		apply:    applyOIDCProvider,
		weight:   time.Second,
		replace:  DeleteThenCreate,
		findLive: func(o *freshObservation, _ *ResourceChange) any {
			if p := o.cluster.oidcProvider(); p != nil {
				return p
			}
			return nil
		},
		// IAM lists the account's providers once for the whole plan; each
		// cluster then reads the one of its issuer.
		readAccount: func(ctx context.Context, o *observer, api IAMAPI, _ *accountScope) (any, error) {
			return o.listOIDCProviders(ctx, api)
		},
		accountReadFailure: "Cannot list IAM OIDC providers",
		observeWithCluster: observeOIDCProvider,
		plan: func(pl *planner, cp *clusterPlan, _ useFunc) hcl.Diagnostics {
			cp.oidc = pl.planOIDCProvider(cp)
			return nil
		},
		destroy: (*planner).destroyOIDCProvider,
	}
}

// oidcProvider is the live IAM OIDC provider of the cluster's issuer, nil
// when there is none.
func (lc *liveCluster) oidcProvider() *OIDCProviderAttrs {
	if ps := childrenOf[*OIDCProviderAttrs](lc, TypeOIDCProvider); len(ps) > 0 {
		return ps[0]
	}
	return nil
}

// observeOIDCProvider reads the IAM OIDC provider of cluster's issuer,
// among the account's (account: listOIDCProviders' future).
func observeOIDCProvider(ctx context.Context, o *observer, c *Clients, cluster *ClusterAttrs, account *future[any], errs *errList) []any {
	if cluster.OIDCIssuer == "" {
		return nil
	}
	v, err := account.get(ctx)
	if err != nil {
		return nil // reported once by the plan, for every cluster
	}
	arns, _ := v.([]string)
	var found *OIDCProviderAttrs
	for _, arn := range arns {
		if !oidcProviderMatches(arn, cluster.OIDCIssuer) {
			continue
		}
		var p *iam.GetOpenIDConnectProviderOutput
		err := o.iam.call(ctx, func(ctx context.Context) (err error) {
			p, err = c.IAM.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
			return err
		})
		if notFoundErr(err) {
			continue
		}
		if err != nil {
			errs.add(fmt.Errorf("reading the IAM OIDC provider %s of cluster %q: %w", arn, cluster.Name, err))
			continue
		}
		found = oidcFromAWS(arn, p)
	}
	if found == nil {
		return nil
	}
	return []any{found}
}

// listOIDCProviders returns the ARNs of the account's OIDC providers (the
// API has no pagination).
func (o *observer) listOIDCProviders(ctx context.Context, api IAMAPI) ([]string, error) {
	var out *iam.ListOpenIDConnectProvidersOutput
	err := o.iam.call(ctx, func(ctx context.Context) (err error) {
		out, err = api.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listing IAM OIDC providers: %w", err)
	}
	var arns []string
	for _, p := range out.OpenIDConnectProviderList {
		arns = append(arns, aws.ToString(p.Arn))
	}
	return arns, nil
}

// oidcTrust is what the OIDC provider's plan gives irsa roles: the
// provider's ARN and the issuer they trust (KnownAfterApply when not known
// yet), and whether the provider is being created or replaced.
type oidcTrust struct {
	providerARN, issuer string
	changing            bool
}

// refValue: an OIDC provider gives an irsa role its whole trust policy,
// rebuilt from the provider's ARN and URL and the role's service account,
// and its ARN to any other attribute.
func (a *OIDCProviderAttrs) refValue(path string, after any) (string, error) {
	if path != "assume_role_policy" {
		return a.ARN, nil
	}
	role, ok := after.(*RoleAttrs)
	if !ok {
		return "", fmt.Errorf("a trust policy from an OIDC provider is for irsa roles, not %T", after)
	}
	ns, sa, ok := strings.Cut(role.ServiceAccount, "/")
	if !ok || ns == "" || sa == "" {
		return "", fmt.Errorf("role %s has no service account (namespace/name) to trust", role.Name)
	}
	if a.ARN == "" || a.URL == "" || a.URL == KnownAfterApply {
		return "", fmt.Errorf("the OIDC provider's ARN or URL is not known yet")
	}
	return IRSATrustPolicy(a.ARN, a.URL, ns, sa), nil
}

// planOIDCProvider plans the cluster's IAM OIDC provider, which exists
// exactly when the cluster has an irsa block. It returns what irsa trust
// policies use.
func (pl *planner) planOIDCProvider(cp *clusterPlan) oidcTrust {
	c, live := cp.spec, cp.live
	liveOIDC := live.oidcProvider()
	var providerARN, issuer string
	var providerChanging bool
	clusterAddr := ClusterAddress(c.Name)
	clusterExists := live.cluster != nil
	issuer = KnownAfterApply
	if clusterExists && live.cluster.OIDCIssuer != "" {
		issuer = live.cluster.OIDCIssuer
	}

	// The OIDC provider, when any irsa block needs it.
	oidcAddr := OIDCProviderAddress(c.Name)
	providerARN, providerChanging = KnownAfterApply, true
	liveOIDCOwned := liveOIDC != nil && cp.owns(liveOIDC.Tags)
	switch {
	case len(c.IRSA) > 0 && liveOIDC != nil && !liveOIDCOwned:
		// Someone else created the provider of this issuer (IAM allows one
		// per URL): use it, never change it.
		providerARN, providerChanging = liveOIDC.ARN, false
	case len(c.IRSA) > 0:
		refs := map[string]string{}
		if issuer == KnownAfterApply {
			refs["url"] = clusterAddr
		}
		after := oidcAttrs(c.Name, c.Tags, issuer)
		cp.configTags(after.Tags)
		ch := &ResourceChange{Address: oidcAddr, Type: TypeOIDCProvider, After: after, Refs: refs, DependsOn: []string{clusterAddr}}
		if liveOIDC == nil {
			ch.Action = Create
		} else {
			ch.Before = liveOIDC
			ch.Diffs = diffAttrs(oidcSchema, liveOIDC, after, nil)
			ch.Action = actionOf(ch.Diffs)
			if ch.Action == Replace {
				ch.ReplacePaths = replacePaths(ch.Diffs)
				ch.Reason = forcesReason(ch.ReplacePaths)
			} else {
				ch.Steps = oidcSteps(liveOIDC, after, ch.Diffs)
				providerARN, providerChanging = liveOIDC.ARN, false
			}
		}
		cp.add(ch)
	case liveOIDCOwned:
		cp.add(&ResourceChange{Address: oidcAddr, Type: TypeOIDCProvider, Action: Delete, Before: liveOIDC,
			DependsOn: []string{clusterAddr}, Reason: "no irsa block in the configuration"})
	}

	return oidcTrust{providerARN, issuer, providerChanging}
}

// destroyOIDCProvider plans the deletion of the cluster's OIDC provider
// when this cluster block owns it.
func (pl *planner) destroyOIDCProvider(cp *clusterPlan, reason string) {
	if p := cp.live.oidcProvider(); p != nil && cp.owns(p.Tags) {
		cp.add(&ResourceChange{Address: OIDCProviderAddress(cp.spec.Name), Type: TypeOIDCProvider, Action: Delete, Before: p,
			DependsOn: []string{ClusterAddress(cp.spec.Name)}, Reason: reason})
	}
}

package provision

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
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
			if o.cluster.oidc == nil {
				return nil
			}
			return o.cluster.oidc
		},
	}
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
// exactly when the cluster has an irsa block. It returns the provider ARN
// and issuer irsa trust policies use (KnownAfterApply when not known yet)
// and whether the provider is being created or replaced.
func (pl *planner) planOIDCProvider(cp *clusterPlan) (providerARN, issuer string, providerChanging bool) {
	c, live := cp.spec, cp.live
	clusterAddr := ClusterAddress(c.Name)
	clusterExists := live.cluster != nil
	issuer = KnownAfterApply
	if clusterExists && live.cluster.OIDCIssuer != "" {
		issuer = live.cluster.OIDCIssuer
	}

	// The OIDC provider, when any irsa block needs it.
	oidcAddr := OIDCProviderAddress(c.Name)
	providerARN, providerChanging = KnownAfterApply, true
	liveOIDCOwned := live.oidc != nil && cp.owns(live.oidc.Tags)
	switch {
	case len(c.IRSA) > 0 && live.oidc != nil && !liveOIDCOwned:
		// Someone else created the provider of this issuer (IAM allows one
		// per URL): use it, never change it.
		providerARN, providerChanging = live.oidc.ARN, false
	case len(c.IRSA) > 0:
		refs := map[string]string{}
		if issuer == KnownAfterApply {
			refs["url"] = clusterAddr
		}
		after := oidcAttrs(c.Name, c.Tags, issuer)
		cp.configTags(after.Tags)
		ch := &ResourceChange{Address: oidcAddr, Type: TypeOIDCProvider, After: after, Refs: refs, DependsOn: []string{clusterAddr}}
		if live.oidc == nil {
			ch.Action = Create
		} else {
			ch.Before = live.oidc
			ch.Diffs = diffAttrs(oidcSchema, live.oidc, after, nil)
			ch.Action = actionOf(ch.Diffs)
			if ch.Action == Replace {
				ch.ReplacePaths = replacePaths(ch.Diffs)
				ch.Reason = forcesReason(ch.ReplacePaths)
			} else {
				ch.Steps = oidcSteps(live.oidc, after, ch.Diffs)
				providerARN, providerChanging = live.oidc.ARN, false
			}
		}
		cp.add(ch)
	case liveOIDCOwned:
		cp.add(&ResourceChange{Address: oidcAddr, Type: TypeOIDCProvider, Action: Delete, Before: live.oidc,
			DependsOn: []string{clusterAddr}, Reason: "no irsa block in the configuration"})
	}

	return providerARN, issuer, providerChanging
}

// destroyOIDCProvider plans the deletion of the cluster's OIDC provider
// when this cluster block owns it.
func (pl *planner) destroyOIDCProvider(cp *clusterPlan, reason string) {
	if p := cp.live.oidc; p != nil && cp.owns(p.Tags) {
		cp.add(&ResourceChange{Address: OIDCProviderAddress(cp.spec.Name), Type: TypeOIDCProvider, Action: Delete, Before: p,
			DependsOn: []string{ClusterAddress(cp.spec.Name)}, Reason: reason})
	}
}

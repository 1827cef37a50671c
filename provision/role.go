package provision

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The plan half of IAM roles: the managed cluster, node and pod execution
// roles, and one role per irsa block. All live under RolePath.

// roleSchema: the trust policy (UpdateAssumeRolePolicy), managed policies
// (Attach/DetachRolePolicy), the inline policy (Put/DeleteRolePolicy) and
// tags (TagRole/UntagRole) change in place; name and path identify the role.
var roleSchema = Schema{
	"name":                {ForceNew: true},
	"path":                {ForceNew: true},
	"assume_role_policy":  {},
	"managed_policy_arns": {Set: true},
	"inline_policy":       {},
	"tags":                {},
}

// roleFromList converts a ListRoles entry. Its trust policy arrives
// URL-encoded; tags and policies are read separately (ListRoles does not
// return tags: IAM API reference, ListRoles).
func roleFromList(r iamtypes.Role) *RoleAttrs {
	doc, err := CanonicalPolicy(aws.ToString(r.AssumeRolePolicyDocument))
	if err != nil {
		// Keep what IAM said; it will show as a diff rather than vanish.
		doc, _ = url.PathUnescape(aws.ToString(r.AssumeRolePolicyDocument))
	}
	return &RoleAttrs{
		Name:             aws.ToString(r.RoleName),
		ARN:              aws.ToString(r.Arn),
		Path:             aws.ToString(r.Path),
		AssumeRolePolicy: doc,
	}
}

// roleSteps maps a role's diffs to IAM calls: tags, trust policy, managed
// policies (one call per ARN, attach before detach so that a role never has
// fewer permissions than both configurations agree on), inline policy.
func roleSteps(before, after *RoleAttrs, diffs []AttrDiff) []Step {
	paths := diffPaths(diffs)
	var steps []Step
	if paths["tags"] {
		steps = append(steps, tagSteps("TagRole", "UntagRole", before.Tags, after.Tags)...)
	}
	if paths["assume_role_policy"] {
		steps = append(steps, Step{Call: "UpdateAssumeRolePolicy", Detail: "trust policy", Paths: []string{"assume_role_policy"}})
	}
	if paths["managed_policy_arns"] {
		had := toSet(before.PolicyARNs)
		want := toSet(after.PolicyARNs)
		for _, arn := range sortedKeys(want) {
			if !had[arn] {
				steps = append(steps, Step{Call: "AttachRolePolicy", Detail: arn, Paths: []string{"managed_policy_arns"}, Target: arn})
			}
		}
		for _, arn := range sortedKeys(had) {
			if !want[arn] {
				steps = append(steps, Step{Call: "DetachRolePolicy", Detail: arn, Paths: []string{"managed_policy_arns"}, Target: arn})
			}
		}
	}
	if paths["inline_policy"] {
		if after.InlinePolicy == "" {
			steps = append(steps, Step{Call: "DeleteRolePolicy", Detail: InlinePolicyName, Paths: []string{"inline_policy"}})
		} else {
			steps = append(steps, Step{Call: "PutRolePolicy", Detail: InlinePolicyName, Paths: []string{"inline_policy"}})
		}
	}
	return steps
}

func toSet(l []string) map[string]bool {
	m := make(map[string]bool, len(l))
	for _, s := range l {
		m[s] = true
	}
	return m
}

func sortedCopy(l []string) []string {
	out := append([]string(nil), l...)
	sort.Strings(out)
	return out
}

// roleKind is the IAM role's contract with the engine (kinds.go). IAM is
// eventually consistent but has no transitional states: the call is the wait.
func roleKind() *kind {
	return &kind{
		typ:      TypeRole,
		schema:   roleSchema,
		newAttrs: func() any { return &RoleAttrs{} },
		nameKey:  "name",
		apply:    applyRole,
		weight:   time.Second,
		replace:  DeleteThenCreate,
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			if r := o.roles[roleKey(roleName(ch))]; r != nil {
				return r
			}
			return nil
		},
		iamName: roleName,
	}
}

func (a *RoleAttrs) physicalName() string { return a.Name }

// refValue: a role gives its ARN (role_arn, node_role_arn,
// pod_execution_role_arn).
func (a *RoleAttrs) refValue(string, any) (string, error) { return a.ARN, nil }

// roleName is the IAM name of a role change's resource.
func roleName(ch *ResourceChange) string {
	if r, ok := ch.Before.(*RoleAttrs); ok && r != nil {
		return r.Name
	}
	if r, ok := ch.After.(*RoleAttrs); ok && r != nil {
		return r.Name
	}
	return ""
}

// isIRSAAddress reports whether a role's address is an irsa block's
// (cluster.<name>.irsa.<label>, see IRSAAddress): such a role depends on
// the cluster's OIDC provider.
func isIRSAAddress(address string) bool { return strings.Contains(address, ".irsa.") }

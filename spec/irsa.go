package spec

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// rawIRSA is an `irsa "NAME"` block as written.
type rawIRSA struct {
	Name           string            `hcl:"name,label"`
	Namespace      string            `hcl:"namespace"`
	ServiceAccount string            `hcl:"service_account"`
	RoleName       *string           `hcl:"role_name,optional"`
	PolicyARNs     []string          `hcl:"policy_arns,optional"`
	InlinePolicy   *string           `hcl:"inline_policy,optional"`
	Tags           map[string]string `hcl:"tags,optional"`
	Body           hcl.Body          `hcl:",body"`
	DefRange       hcl.Range         `hcl:",def_range"`
	NameRange      hcl.Range         `hcl:"name,label_range"`
}

const (
	maxIRSANameLen = 63
	// maxInlinePolicyLen is IAM's limit on a role's inline policies, in
	// characters without white space (IAM quotas, "Role policy size").
	maxInlinePolicyLen = 10240
	// maxManagedPolicies is IAM's hard limit of managed policies per role.
	maxManagedPolicies = 20
)

// roleNameRE is what IAM accepts in a role name.
var roleNameRE = regexp.MustCompile(`^[\w+=,.@-]+$`)

// buildIRSAs validates the irsa blocks of one cluster and converts them
// into the model. Two blocks for one service account are an error, and so
// are two blocks with one role name; roleNames spans every cluster, as IAM
// role names are global to the account.
func (l *loader) buildIRSAs(rc *rawCluster) []*IRSA {
	var out []*IRSA
	labels := map[string]hcl.Range{}
	accounts := map[string]*rawIRSA{}
	for _, r := range rc.IRSA {
		if prev, dup := labels[r.Name]; dup {
			l.errorf(r.NameRange.Ptr(), "Duplicate irsa block",
				"Cluster %q already has an irsa block named %q, declared at %s. Rename or remove one of them.",
				rc.name, r.Name, prev)
			continue
		}
		labels[r.Name] = r.DefRange
		out = append(out, l.buildIRSA(rc.name, r))
		sa := r.Namespace + "/" + r.ServiceAccount
		if prev, dup := accounts[sa]; dup {
			l.errorf(r.DefRange.Ptr(), "Duplicate service account",
				"The irsa blocks %q and %q (declared at %s) both give a role to service account %q in namespace %q. A service account assumes one role: merge the two blocks.",
				r.Name, prev.Name, prev.DefRange, r.ServiceAccount, r.Namespace)
			continue
		}
		accounts[sa] = r
	}
	for _, r := range out {
		l.claimRoleName(r.RoleName, l.irsaBodies[r], r.DeclRange, fmt.Sprintf("the irsa block %q of cluster %q", r.Name, rc.name))
	}
	return out
}

// buildIRSA validates one defaulted irsa block of cluster and converts it
// into the model.
func (l *loader) buildIRSA(cluster string, r *rawIRSA) *IRSA {
	out := &IRSA{
		Name:           r.Name,
		Namespace:      r.Namespace,
		ServiceAccount: r.ServiceAccount,
		RoleName:       *r.RoleName,
		PolicyARNs:     r.PolicyARNs,
		InlinePolicy:   *r.InlinePolicy,
		Tags:           r.Tags,
		DeclRange:      r.DefRange,
	}
	l.irsaBodies[out] = r.Body
	body, def := r.Body, r.DefRange
	l.checkEKSName("irsa", r.Name, maxIRSANameLen, r.NameRange)
	l.checkNamespace(body, r.Namespace, def)
	l.checkServiceAccount(body, "service_account", r.ServiceAccount, def)
	l.checkManagedRole(body, out.RoleName, out.PolicyARNs, def, IRSARoleName(cluster, r.Name))
	if has(body, "inline_policy") {
		l.checkPolicyDocument(out.InlinePolicy, at(body, "inline_policy", def))
	}
	l.checkTags(body, out.Tags, def)
	return out
}

// roleOwner is the block that claimed an IAM role name (loader.roleNames).
type roleOwner struct {
	// what names the block for messages: `the irsa block "r" of cluster "demo"`.
	what string
	rng  hcl.Range
}

// claimRoleName records that the block declared at decl, described by
// what, manages the IAM role roleName, and reports the name when another
// block of the configuration already does: IAM role names are unique in
// an account regardless of case, and every cluster of a configuration may
// live in one account. body is the block's, for the range of role_name.
func (l *loader) claimRoleName(roleName string, body hcl.Body, decl hcl.Range, what string) {
	key := strings.ToLower(roleName)
	if prev, dup := l.roleNames[key]; dup {
		l.errorf(at(body, "role_name", decl), "Duplicate IAM role name",
			"The IAM role name %q is already used by %s, declared at %s. IAM role names are unique in an account, regardless of case: set a different role_name.",
			roleName, prev.what, prev.rng)
		return
	}
	l.roleNames[key] = roleOwner{what: what, rng: decl}
}

// checkNamespace checks the namespace attribute of an irsa or pod_identity
// block: a Kubernetes namespace name (a DNS-1123 label).
func (l *loader) checkNamespace(body hcl.Body, ns string, def hcl.Range) {
	if has(body, "namespace") && !validNamespace(ns) {
		l.errorf(at(body, "namespace", def), "Invalid namespace",
			"%q is not a Kubernetes namespace name: 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit.", ns)
	}
}

// validNamespace reports whether ns is a Kubernetes namespace name.
func validNamespace(ns string) bool {
	return len(ns) <= 63 && dns1123LabelRE.MatchString(ns)
}

// checkServiceAccount checks a Kubernetes service account name, the
// attribute name of body or, with name "", a block label at def.
func (l *loader) checkServiceAccount(body hcl.Body, name, sa string, def hcl.Range) {
	if name != "" && !has(body, name) {
		return
	}
	if len(sa) > 253 || !dns1123SubdomainRE.MatchString(sa) {
		rng := def.Ptr()
		if name != "" {
			rng = at(body, name, def)
		}
		l.errorf(rng, "Invalid service account name",
			"%q is not a Kubernetes service account name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit.", sa)
	}
}

// checkManagedRole checks the role_name and policy_arns of a role that
// eksctl-lite manages (irsa, pod_identity, an add-on's pod_identity);
// roleName is the defaulted name, suggestion the default to propose.
func (l *loader) checkManagedRole(body hcl.Body, roleName string, policyARNs []string, def hcl.Range, suggestion string) {
	switch {
	case len(roleName) < 1 || len(roleName) > maxRoleNameLen || !roleNameRE.MatchString(roleName):
		l.errorf(at(body, "role_name", def), "Invalid IAM role name",
			"%q is not a valid IAM role name: 1 to %d characters, letters, digits and + = , . @ _ -.", roleName, maxRoleNameLen)
	case reservedRoleName(roleName):
		l.errorf(at(body, "role_name", def), "Reserved IAM role name",
			"The role name %q starts with %q, which is reserved for the cluster, node and Fargate roles eksctl-lite manages (IAM ignores case in role names). Choose another role_name, e.g. %q, or leave it out for that default.",
			roleName, ManagedRolePrefix, suggestion)
	}
	if len(policyARNs) > maxManagedPolicies {
		l.errorf(at(body, "policy_arns", def), "Too many managed policies",
			"IAM attaches at most %d managed policies to a role; %d given.", maxManagedPolicies, len(policyARNs))
	}
	l.checkList(body, "policy_arns", policyARNs, def, func(s string, rng *hcl.Range) {
		l.checkPattern(policyARNRE, s, rng, "Invalid policy ARN",
			"%q is not an IAM policy ARN such as \"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\".", s)
	})
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

// notJSONObject says why doc is not a JSON object, "" when it is one.
func notJSONObject(doc string) string {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return fmt.Sprintf("it is not valid JSON (%s)", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return fmt.Sprintf("it is a JSON %s, not an object", jsonKind(v))
	}
	return ""
}

// checkPolicyDocument checks that doc is a JSON object within IAM's size limit.
func (l *loader) checkPolicyDocument(doc string, rng *hcl.Range) {
	if why := notJSONObject(doc); why != "" {
		l.errorf(rng, "Invalid inline policy",
			"inline_policy must be a JSON policy document, but %s. Build it with jsonencode({ Version = \"2012-10-17\", Statement = [...] }).", why)
		return
	}
	if n := len(strings.Join(strings.Fields(doc), "")); n > maxInlinePolicyLen {
		l.errorf(rng, "Inline policy too large",
			"inline_policy has %d characters without white space; IAM accepts at most %d. Move statements into a managed policy and list it in policy_arns.", n, maxInlinePolicyLen)
	}
}

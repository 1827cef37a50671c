package spec

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// rawAddon is an `addon "NAME"` block as written.
type rawAddon struct {
	Name                  string                 `hcl:"name,label"`
	Version               *string                `hcl:"version,optional"`
	ConfigurationValues   *string                `hcl:"configuration_values,optional"`
	ResolveConflicts      *string                `hcl:"resolve_conflicts,optional"`
	ServiceAccountRoleARN *string                `hcl:"service_account_role_arn,optional"`
	PodIdentities         []*rawAddonPodIdentity `hcl:"pod_identity,block"`
	PreserveOnDelete      *bool                  `hcl:"preserve_on_delete,optional"`
	Tags                  map[string]string      `hcl:"tags,optional"`
	Body                  hcl.Body               `hcl:",body"`
	DefRange              hcl.Range              `hcl:",def_range"`
	NameRange             hcl.Range              `hcl:"name,label_range"`
}

// rawAddonPodIdentity is an add-on's `pod_identity "SERVICE_ACCOUNT"`
// block as written.
type rawAddonPodIdentity struct {
	ServiceAccount string    `hcl:"service_account,label"`
	RoleARN        *string   `hcl:"role_arn,optional"`
	RoleName       *string   `hcl:"role_name,optional"`
	PolicyARNs     []string  `hcl:"policy_arns,optional"`
	Body           hcl.Body  `hcl:",body"`
	DefRange       hcl.Range `hcl:",def_range"`
	NameRange      hcl.Range `hcl:"service_account,label_range"`
}

// ResolveConflictsValues are the values of an add-on's resolve_conflicts
// (EKS API reference, ResolveConflicts).
var ResolveConflictsValues = []string{"OVERWRITE", "PRESERVE", "NONE"}

// AddonNamespace is the namespace of the service accounts named by an
// add-on's pod_identity blocks, for telling whether two associations are
// for one service account. The Pod Identity associations of an add-on
// (CreateAddon podIdentityAssociations) name a service account only; it
// lives in the namespace EKS installs the add-on in, which is kube-system
// for the add-ons of the EKS catalogue that use Pod Identity (vpc-cni,
// aws-ebs-csi-driver, aws-efs-csi-driver, ...). eksctl-lite assumes
// kube-system for every add-on, as it does not set CreateAddon's
// namespaceConfig.
const AddonNamespace = "kube-system"

var (
	// addonNameRE is an EKS add-on name: lower-case letters, digits and
	// '-', and '_' for the marketplace ones (kubecost_kubecost).
	addonNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}$`)
	// addonVersionRE is an exact add-on version as DescribeAddonVersions
	// lists it: "v" and three numbers, and EKS's build suffix
	// ("v1.19.2-eksbuild.1") or another pre-release suffix.
	addonVersionRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$`)
)

// buildAddons validates the addon blocks of one cluster.
func (l *loader) buildAddons(rc *rawCluster) []*Addon {
	var out []*Addon
	labels := map[string]hcl.Range{}
	for _, r := range rc.Addons {
		if prev, dup := labels[r.Name]; dup {
			l.errorf(r.NameRange.Ptr(), "Duplicate add-on",
				"Cluster %q already has an addon block for %q, declared at %s. EKS installs an add-on once per cluster: merge the two blocks.",
				rc.name, r.Name, prev)
			continue
		}
		labels[r.Name] = r.DefRange
		out = append(out, l.buildAddon(rc, r))
	}
	return out
}

// buildAddon validates one defaulted addon block of rc.
func (l *loader) buildAddon(rc *rawCluster, r *rawAddon) *Addon {
	a := &Addon{
		Name:                  r.Name,
		Version:               *r.Version,
		ConfigurationValues:   *r.ConfigurationValues,
		ResolveConflicts:      *r.ResolveConflicts,
		ServiceAccountRoleARN: *r.ServiceAccountRoleARN,
		PreserveOnDelete:      *r.PreserveOnDelete,
		Tags:                  r.Tags,
		DeclRange:             r.DefRange,
		Ranges:                attrRanges(nil, "", r.Body),
	}
	body, def := r.Body, r.DefRange
	if !addonNameRE.MatchString(r.Name) {
		l.errorf(r.NameRange.Ptr(), "Invalid add-on name",
			"%q is not an EKS add-on name: the label is the name EKS gives the add-on, lower-case letters, digits and '-', such as \"vpc-cni\", \"coredns\" or \"aws-ebs-csi-driver\" (aws eks describe-addon-versions lists them).", r.Name)
	}
	l.checkAddonVersion(body, a.Version, def)
	if has(body, "configuration_values") {
		l.checkConfigurationValues(a.ConfigurationValues, at(body, "configuration_values", def))
	}
	l.oneOf("resolve_conflicts value", a.ResolveConflicts, ResolveConflictsValues, at(body, "resolve_conflicts", def))
	l.checkGivenRoleARN(body, "service_account_role_arn", a.ServiceAccountRoleARN, def,
		"Leave it out for the add-on to use the node role, or give its service accounts roles with pod_identity blocks.")
	l.checkTags(body, a.Tags, def)

	seen := map[string]hcl.Range{}
	for _, rp := range r.PodIdentities {
		if prev, dup := seen[rp.ServiceAccount]; dup {
			l.errorf(rp.NameRange.Ptr(), "Duplicate add-on pod_identity block",
				"Add-on %q already has a pod_identity block for service account %q, declared at %s. A service account takes one role: merge the two blocks.",
				r.Name, rp.ServiceAccount, prev)
			continue
		}
		seen[rp.ServiceAccount] = rp.DefRange
		a.PodIdentities = append(a.PodIdentities, l.buildAddonPodIdentity(rc, r, rp))
	}
	// EKS accepts both; a service account annotated for IRSA and with a
	// Pod Identity association gets the IRSA role (see
	// checkCredentialSources), which is the documented way to migrate:
	// create the association first, then remove the old credentials.
	if a.ServiceAccountRoleARN != "" && len(a.PodIdentities) > 0 {
		l.warnf(at(body, "service_account_role_arn", def), "IRSA and Pod Identity on one add-on",
			"Add-on %q has both service_account_role_arn (IRSA) and pod_identity blocks. EKS accepts both, but the AWS SDKs read IRSA's web identity token before Pod Identity's credentials (EKS User Guide, \"Understand how EKS Pod Identity works\"), so the add-on keeps using the service_account_role_arn role. Once the pod_identity blocks are applied, remove service_account_role_arn to finish moving to Pod Identity.",
			r.Name)
	}
	return a
}

// checkAddonVersion checks an add-on's version: one of the keywords or an
// exact version.
func (l *loader) checkAddonVersion(body hcl.Body, v string, def hcl.Range) {
	if v == AddonVersionDefault || v == AddonVersionLatest || addonVersionRE.MatchString(v) {
		return
	}
	hint := ""
	switch {
	case strings.EqualFold(v, AddonVersionDefault) || strings.EqualFold(v, AddonVersionLatest):
		hint = fmt.Sprintf(" Did you mean %q?", strings.ToLower(v))
	case addonVersionRE.MatchString("v" + v):
		hint = fmt.Sprintf(" Did you mean %q? Add-on versions start with \"v\".", "v"+v)
	}
	l.errorf(at(body, "version", def), "Invalid add-on version",
		"%q is not an add-on version.%s version takes %q (EKS's default version for the cluster's Kubernetes version, the default), %q (the newest version compatible with it) or an exact version such as \"v1.19.2-eksbuild.1\" (aws eks describe-addon-versions lists them).",
		v, hint, AddonVersionDefault, AddonVersionLatest)
}

// checkConfigurationValues checks that an add-on's configuration values
// are a JSON object; the add-on's own schema is checked at plan time,
// against DescribeAddonConfiguration. An empty string means none.
func (l *loader) checkConfigurationValues(doc string, rng *hcl.Range) {
	if doc == "" {
		return
	}
	if why := notJSONObject(doc); why != "" {
		l.errorf(rng, "Invalid configuration values",
			"configuration_values must be a JSON object, but %s. Build it with jsonencode({ ... }), such as jsonencode({ env = { ENABLE_PREFIX_DELEGATION = \"true\" } }).", why)
	}
}

// buildAddonPodIdentity validates one defaulted pod_identity block of
// add-on a of cluster rc.
func (l *loader) buildAddonPodIdentity(rc *rawCluster, a *rawAddon, r *rawAddonPodIdentity) *AddonPodIdentity {
	p := &AddonPodIdentity{
		ServiceAccount: r.ServiceAccount,
		RoleARN:        *r.RoleARN,
		RoleName:       *r.RoleName,
		PolicyARNs:     r.PolicyARNs,
		DeclRange:      r.DefRange,
		Ranges:         attrRanges(nil, "", r.Body),
	}
	body, def := r.Body, r.DefRange
	l.checkServiceAccount(body, "", r.ServiceAccount, r.NameRange)
	given, managed := has(body, "role_arn"), has(body, "policy_arns")
	switch {
	case given && managed:
		l.errorf(at(body, "policy_arns", def), "Role given and managed",
			"The pod_identity block %q of add-on %q gives role_arn, a role of yours that eksctl-lite does not change, and policy_arns, which only a role eksctl-lite manages takes. Remove policy_arns to use the given role as it is, or role_arn to let eksctl-lite create a role with these policies.",
			r.ServiceAccount, a.Name)
	case !given && !managed:
		l.errorf(r.NameRange.Ptr(), "No role for the add-on's service account",
			"The pod_identity block %q of add-on %q gives no role. Write role_arn = \"arn:aws:iam::123456789012:role/NAME\" for a role of yours, or policy_arns = [...] for a role eksctl-lite creates and manages, with the policies the add-on needs (aws eks describe-addon-configuration lists them as podIdentityConfiguration).",
			r.ServiceAccount, a.Name)
	case managed && len(p.PolicyARNs) == 0:
		l.errorf(at(body, "policy_arns", def), "No policy for the add-on's role",
			"policy_arns is empty, so the role eksctl-lite would create for service account %q of add-on %q could do nothing. List the policies the add-on needs (aws eks describe-addon-configuration lists them as podIdentityConfiguration), or give a role of yours with role_arn.",
			r.ServiceAccount, a.Name)
	}
	if given {
		l.checkRoleARN(body, "role_arn", p.RoleARN, def)
		if has(body, "role_name") {
			l.errorf(at(body, "role_name", def), "Role name for a given role",
				"role_name names a role eksctl-lite creates, but role_arn gives a role of yours, which eksctl-lite does not change. Remove role_name, or role_arn to let eksctl-lite manage the role.")
		}
		return p
	}
	l.checkManagedRole(body, p.RoleName, p.PolicyARNs, def, AddonPodIdentityRoleName(rc.name, a.Name, r.ServiceAccount))
	l.claimRoleName(p.RoleName, body, def, fmt.Sprintf("the pod_identity block %q of add-on %q of cluster %q", r.ServiceAccount, a.Name, rc.name))
	return p
}

// checkGivenRoleARN checks an optional attribute that takes the ARN of a
// role eksctl-lite does not manage; otherwise says what leaving it out
// means.
func (l *loader) checkGivenRoleARN(body hcl.Body, name, value string, fallback hcl.Range, otherwise string) {
	if value == "" && !has(body, name) {
		return
	}
	l.checkPattern(roleARNRE, value, at(body, name, fallback), "Invalid IAM role ARN",
		"%s must be an IAM role ARN such as \"arn:aws:iam::123456789012:role/my-role\", not %q. %s",
		name, value, otherwise)
}

package spec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// rawPodIdentity is a `pod_identity "NAME"` block as written.
type rawPodIdentity struct {
	Name               string            `hcl:"name,label"`
	Namespace          string            `hcl:"namespace"`
	ServiceAccount     string            `hcl:"service_account"`
	RoleARN            *string           `hcl:"role_arn,optional"`
	RoleName           *string           `hcl:"role_name,optional"`
	PolicyARNs         []string          `hcl:"policy_arns,optional"`
	InlinePolicy       *string           `hcl:"inline_policy,optional"`
	TargetRoleARN      *string           `hcl:"target_role_arn,optional"`
	DisableSessionTags *bool             `hcl:"disable_session_tags,optional"`
	Tags               map[string]string `hcl:"tags,optional"`
	Body               hcl.Body          `hcl:",body"`
	DefRange           hcl.Range         `hcl:",def_range"`
	NameRange          hcl.Range         `hcl:"name,label_range"`
}

const maxPodIdentityNameLen = 63

// buildPodIdentities validates the pod_identity blocks of one cluster.
// Which service accounts they are for is checked with the other blocks
// that give service accounts credentials, in checkCredentialSources.
func (l *loader) buildPodIdentities(rc *rawCluster) []*PodIdentity {
	var out []*PodIdentity
	labels := map[string]hcl.Range{}
	for _, r := range rc.PodIdentities {
		if prev, dup := labels[r.Name]; dup {
			l.errorf(r.NameRange.Ptr(), "Duplicate pod_identity block",
				"Cluster %q already has a pod_identity block named %q, declared at %s. Rename or remove one of them.",
				rc.name, r.Name, prev)
			continue
		}
		labels[r.Name] = r.DefRange
		out = append(out, l.buildPodIdentity(rc.name, r))
	}
	return out
}

// buildPodIdentity validates one defaulted pod_identity block of cluster.
func (l *loader) buildPodIdentity(cluster string, r *rawPodIdentity) *PodIdentity {
	p := &PodIdentity{
		Name:               r.Name,
		Namespace:          r.Namespace,
		ServiceAccount:     r.ServiceAccount,
		RoleARN:            *r.RoleARN,
		RoleName:           *r.RoleName,
		PolicyARNs:         r.PolicyARNs,
		InlinePolicy:       *r.InlinePolicy,
		TargetRoleARN:      *r.TargetRoleARN,
		DisableSessionTags: *r.DisableSessionTags,
		Tags:               r.Tags,
		DeclRange:          r.DefRange,
		Ranges:             attrRanges(nil, "", r.Body),
	}
	l.podIdentityBodies[p] = r.Body
	body, def := r.Body, r.DefRange
	l.checkEKSName("Pod Identity", r.Name, maxPodIdentityNameLen, r.NameRange)
	// EKS Pod Identity associations name one namespace and one service
	// account exactly: no wildcards (CreatePodIdentityAssociation).
	l.checkNamespace(body, r.Namespace, def)
	l.checkServiceAccount(body, "service_account", r.ServiceAccount, def)
	l.checkGivenRoleARN(body, "target_role_arn", p.TargetRoleARN, def,
		"target_role_arn is the role, in this or another account, that the association's role assumes for the pods; leave it out for the pods to use the association's role itself.")
	l.checkTags(body, p.Tags, def)

	if has(body, "role_arn") {
		l.checkRoleARN(body, "role_arn", p.RoleARN, def)
		// A given role is the user's: eksctl-lite neither names nor
		// changes it, so what shapes a managed role has no place here.
		for _, name := range []string{"role_name", "policy_arns", "inline_policy"} {
			if has(body, name) {
				l.errorf(at(body, name, def), "Managed role setting for a given role",
					"pod_identity %q gives role_arn, a role of yours that eksctl-lite does not change, so %s would have no effect. Remove %s to use the given role as it is, or remove role_arn to let eksctl-lite create and manage the role.",
					r.Name, name, name)
			}
		}
		return p
	}
	l.checkManagedRole(body, p.RoleName, p.PolicyARNs, def, PodIdentityRoleName(cluster, r.Name))
	if has(body, "inline_policy") {
		l.checkPolicyDocument(p.InlinePolicy, at(body, "inline_policy", def))
	}
	l.claimRoleName(p.RoleName, body, def, fmt.Sprintf("the pod_identity block %q of cluster %q", r.Name, cluster))
	return p
}

// credentialSource is a block that gives one service account AWS
// credentials: an irsa block, a pod_identity block or an add-on's
// pod_identity block.
type credentialSource struct {
	namespace, serviceAccount string
	// what names the block for messages.
	what string
	rng  hcl.Range
	// irsa and addon say which kind of block it is; neither is a
	// pod_identity block of the cluster.
	irsa, addon bool
	// lbc is the load_balancer_controller block (irsa or not).
	lbc bool
}

// checkCredentialSources reports two Pod Identity associations for one
// service account of cluster c, and an irsa block and a Pod Identity
// association for one service account. (Two irsa blocks are reported by
// buildIRSAs.)
//
// EKS keeps one Pod Identity association per service account
// (CreatePodIdentityAssociation fails with ResourceInUseException for a
// second one). A service account with both IRSA and Pod Identity gets
// IRSA's role: "EKS Pod Identities have been added to the Container
// credential provider which is searched in a step in the default
// credential chain. If your workloads currently use credentials that are
// earlier in the chain of credentials, those credentials will continue to
// be used" (EKS User Guide, "Understand how EKS Pod Identity works"), and
// the web identity token of IRSA comes earlier in that chain (AWS SDKs
// and Tools Reference Guide, "Credential provider chain"; aws-sdk-go-v2's
// config.LoadDefaultConfig reads AWS_WEB_IDENTITY_TOKEN_FILE before the
// container endpoint). The configuration would say one thing and EKS do
// another, so it is refused.
func (l *loader) checkCredentialSources(c *Cluster) {
	var sources []credentialSource
	for _, r := range c.IRSA {
		if body := l.irsaBodies[r]; l.usable(body, "namespace") && l.usable(body, "service_account") && validNamespace(r.Namespace) {
			sources = append(sources, credentialSource{namespace: r.Namespace, serviceAccount: r.ServiceAccount,
				what: fmt.Sprintf("the irsa block %q", r.Name), rng: r.DeclRange, irsa: true})
		}
	}
	for _, p := range c.PodIdentities {
		if body := l.podIdentityBodies[p]; l.usable(body, "namespace") && l.usable(body, "service_account") && validNamespace(p.Namespace) {
			sources = append(sources, credentialSource{namespace: p.Namespace, serviceAccount: p.ServiceAccount,
				what: fmt.Sprintf("the pod_identity block %q", p.Name), rng: p.DeclRange})
		}
	}
	if b := c.LoadBalancerController; b != nil {
		sources = append(sources, credentialSource{namespace: LoadBalancerControllerNamespace, serviceAccount: LoadBalancerControllerServiceAccount,
			what: "the load_balancer_controller block", rng: b.DeclRange, irsa: b.Identity == IdentityIRSA, lbc: true})
	}
	for _, a := range c.Addons {
		for _, p := range a.PodIdentities {
			sources = append(sources, credentialSource{namespace: AddonNamespace, serviceAccount: p.ServiceAccount,
				what: fmt.Sprintf("the pod_identity block %q of add-on %q", p.ServiceAccount, a.Name), rng: p.DeclRange, addon: true})
		}
	}
	irsa := map[string]credentialSource{}
	association := map[string]credentialSource{}
	for _, s := range sources {
		key := s.namespace + "/" + s.serviceAccount
		if s.irsa {
			prev, dup := irsa[key]
			if !dup {
				irsa[key] = s
			} else if s.lbc || prev.lbc {
				l.errorf(s.rng.Ptr(), "Duplicate service account",
					"%s and %s (declared at %s) both give service account %q in namespace %q an irsa role. A service account assumes one role: remove the irsa block, the load_balancer_controller block makes the controller's.",
					capitalize(s.what), prev.what, prev.rng, s.serviceAccount, s.namespace)
			}
			continue
		}
		if prev, dup := association[key]; dup {
			l.errorf(s.rng.Ptr(), "Duplicate Pod Identity association",
				"%s and %s (declared at %s) are both Pod Identity associations for service account %q in namespace %q. EKS keeps one association per service account: remove one of them, or merge them into one role.%s",
				capitalize(s.what), prev.what, prev.rng, s.serviceAccount, s.namespace, addonNamespaceNote(s, prev))
			continue
		}
		association[key] = s
		if r, both := irsa[key]; both {
			l.errorf(s.rng.Ptr(), "IRSA and Pod Identity for one service account",
				"%s and %s (declared at %s) both give service account %q in namespace %q a role. In EKS the irsa role would win: the AWS SDKs read IRSA's web identity token before the container credentials of Pod Identity (EKS User Guide, \"Understand how EKS Pod Identity works\"), so the association would have no effect. Remove one of the two blocks; to move to Pod Identity, remove the irsa block.%s",
				capitalize(s.what), r.what, r.rng, s.serviceAccount, s.namespace, addonNamespaceNote(s))
		}
	}
}

// addonNamespaceNote explains where the namespace of an add-on's
// association comes from, when one of sources is an add-on's.
func addonNamespaceNote(sources ...credentialSource) string {
	for _, s := range sources {
		if s.addon {
			return fmt.Sprintf(" (An add-on's pod_identity block is for the service account of that name in %s, where EKS installs the add-ons of its catalogue.)", AddonNamespace)
		}
	}
	return ""
}

// capitalize returns s with its first letter in upper case, to start a
// sentence with a block's description.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

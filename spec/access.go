package spec

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// rawAccess is a cluster's `access` block as written.
type rawAccess struct {
	AuthenticationMode           *string   `hcl:"authentication_mode,optional"`
	BootstrapClusterCreatorAdmin *bool     `hcl:"bootstrap_cluster_creator_admin,optional"`
	Body                         hcl.Body  `hcl:",body"`
	DefRange                     hcl.Range `hcl:",def_range"`
}

// rawAccessEntry is an `access_entry "NAME"` block as written.
type rawAccessEntry struct {
	Name             string             `hcl:"name,label"`
	PrincipalARN     string             `hcl:"principal_arn"`
	Type             *string            `hcl:"type,optional"`
	KubernetesGroups []string           `hcl:"kubernetes_groups,optional"`
	Username         *string            `hcl:"username,optional"`
	Tags             map[string]string  `hcl:"tags,optional"`
	Policies         []*rawAccessPolicy `hcl:"policy,block"`
	Body             hcl.Body           `hcl:",body"`
	DefRange         hcl.Range          `hcl:",def_range"`
	NameRange        hcl.Range          `hcl:"name,label_range"`
}

// rawAccessPolicy is an access entry's `policy "NAME"` block as written.
type rawAccessPolicy struct {
	Name       string    `hcl:"name,label"`
	Scope      *string   `hcl:"scope,optional"`
	Namespaces []string  `hcl:"namespaces,optional"`
	Body       hcl.Body  `hcl:",body"`
	DefRange   hcl.Range `hcl:",def_range"`
	NameRange  hcl.Range `hcl:"name,label_range"`
}

// AuthenticationModes are EKS's authentication modes (EKS API reference,
// AuthenticationMode), in the only order a cluster may move through them:
// CONFIG_MAP -> API_AND_CONFIG_MAP -> API.
var AuthenticationModes = []string{"CONFIG_MAP", "API_AND_CONFIG_MAP", "API"}

// AccessEntryTypes are the access entry types eksctl-lite supports (EKS
// API reference, CreateAccessEntry type). EKS also has HYPERPOD_LINUX,
// for SageMaker HyperPod nodes, which eksctl-lite does not manage.
var AccessEntryTypes = []string{"STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX"}

// AccessScopes are the scope types of an access policy association (EKS
// API reference, AccessScopeType).
var AccessScopes = []string{"cluster", "namespace"}

const maxAccessEntryNameLen = 63

var (
	// principalARNRE is an IAM role or user ARN in any partition, with an
	// optional path: what an access entry's principal_arn takes.
	principalARNRE = regexp.MustCompile(`^arn:(aws[a-z-]*):iam::[0-9]{12}:(role|user)/[\w+=,.@/-]+$`)
	// stsAssumedRoleRE is an STS session ARN, which EKS refuses for access
	// entries: a session is not a permanent identity.
	stsAssumedRoleRE = regexp.MustCompile(`^arn:aws[a-z-]*:sts::([0-9]{12}):assumed-role/([\w+=,.@-]+)/`)
	// accessPolicyNameRE is the name of an EKS access policy, such as
	// AmazonEKSClusterAdminPolicy (ListAccessPolicies lists them).
	accessPolicyNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9+=,.@_-]{0,127}$`)
	// accessPolicyARNRE is the ARN of an EKS access policy: EKS owns them,
	// so the account is "aws" and the region empty.
	accessPolicyARNRE = regexp.MustCompile(`^arn:(aws[a-z-]*):eks::aws:cluster-access-policy/([A-Za-z0-9][A-Za-z0-9+=,.@_-]{0,127})$`)
	// accessNamespaceRE is a namespace of a namespace-scoped access
	// policy: a Kubernetes namespace name, or a prefix of one followed by
	// the wildcard "*" (dev-* matches every namespace starting "dev-").
	accessNamespaceRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$|^[a-z0-9][-a-z0-9]*\*$`)
)

// buildAccess validates a cluster's access block; nil when there is none.
func (l *loader) buildAccess(rc *rawCluster) *Access {
	a := rc.Access
	if a == nil || a.Body == nil {
		return nil
	}
	out := &Access{
		BootstrapClusterCreatorAdmin: a.BootstrapClusterCreatorAdmin,
		DeclRange:                    a.DefRange,
		Ranges:                       attrRanges(nil, "", a.Body),
	}
	if a.AuthenticationMode != nil {
		out.AuthenticationMode = *a.AuthenticationMode
		rng := at(a.Body, "authentication_mode", a.DefRange)
		ok := l.oneOf("authentication mode", out.AuthenticationMode, AuthenticationModes, rng)
		// Access entries are an API feature: in CONFIG_MAP mode only the
		// aws-auth ConfigMap grants access (EKS User Guide, "Change
		// authentication mode to use access entries").
		if ok && out.AuthenticationMode == "CONFIG_MAP" && len(rc.AccessEntries) > 0 {
			l.errorf(rng, "Access entries need the API",
				"Cluster %q has access_entry blocks, but authentication_mode = \"CONFIG_MAP\" makes EKS read only the aws-auth ConfigMap, so they would grant nothing (the first is at %s). Set authentication_mode to \"API_AND_CONFIG_MAP\" or \"API\", or remove the access_entry blocks.",
				rc.name, rc.AccessEntries[0].DefRange)
		}
	}
	return out
}

// buildAccessEntries validates the access_entry blocks of one cluster.
// EKS keeps one access entry per principal (CreateAccessEntry: "You can't
// specify the same ARN in more than one access entry"), so two blocks
// with one principal_arn are an error, like two blocks with one label.
func (l *loader) buildAccessEntries(rc *rawCluster) []*AccessEntry {
	var out []*AccessEntry
	labels := map[string]hcl.Range{}
	principals := map[string]*rawAccessEntry{}
	for _, r := range rc.AccessEntries {
		if prev, dup := labels[r.Name]; dup {
			l.errorf(r.NameRange.Ptr(), "Duplicate access entry",
				"Cluster %q already has an access_entry block named %q, declared at %s. Rename or remove one of them.",
				rc.name, r.Name, prev)
			continue
		}
		labels[r.Name] = r.DefRange
		out = append(out, l.buildAccessEntry(r))
		if !l.usable(r.Body, "principal_arn") {
			continue
		}
		if prev, dup := principals[r.PrincipalARN]; dup {
			l.errorf(at(r.Body, "principal_arn", r.DefRange), "Duplicate access entry principal",
				"The access_entry blocks %q and %q (declared at %s) are both for %s. EKS keeps one access entry per principal: merge the two blocks, with the policies of both.",
				r.Name, prev.Name, prev.DefRange, r.PrincipalARN)
			continue
		}
		principals[r.PrincipalARN] = r
	}
	return out
}

// buildAccessEntry validates one defaulted access_entry block.
func (l *loader) buildAccessEntry(r *rawAccessEntry) *AccessEntry {
	e := &AccessEntry{
		Name:             r.Name,
		PrincipalARN:     r.PrincipalARN,
		Type:             *r.Type,
		KubernetesGroups: sortedUnique(r.KubernetesGroups),
		Username:         *r.Username,
		Tags:             r.Tags,
		DeclRange:        r.DefRange,
		Ranges:           attrRanges(nil, "", r.Body),
	}
	body, def := r.Body, r.DefRange
	l.checkEKSName("access entry", r.Name, maxAccessEntryNameLen, r.NameRange)

	partition := "aws"
	principalOK := false
	if has(body, "principal_arn") {
		principalOK = l.checkPrincipalARN(body, e.PrincipalARN, def)
		if m := principalARNRE.FindStringSubmatch(e.PrincipalARN); m != nil {
			partition = m[1]
		}
	}
	typeRng := at(body, "type", def)
	typeOK := l.oneOf("access entry type", e.Type, AccessEntryTypes, typeRng) && l.trusted(body, "type")
	// CreateAccessEntry principalArn: "For nodes (EC2, EC2_LINUX,
	// EC2_WINDOWS, FARGATE_LINUX, and HYBRID_LINUX), the only valid ARN is
	// IAM roles."
	if typeOK && principalOK && e.Type != "STANDARD" && strings.Contains(e.PrincipalARN, ":user/") {
		l.errorf(at(body, "principal_arn", def), "Node access entry for a user",
			"Access entries of type %s are for the IAM role of nodes, and EKS accepts only role ARNs for them, not the user %q. Give the nodes' role ARN, or leave type out for a STANDARD entry.",
			e.Type, e.PrincipalARN)
	}
	if typeOK && e.Type != "STANDARD" && len(e.KubernetesGroups) > 0 {
		l.errorf(at(body, "kubernetes_groups", def), "Kubernetes groups on a node access entry",
			"kubernetes_groups applies to STANDARD access entries only; EKS gives entries of type %s the groups their nodes need by itself. Remove kubernetes_groups, or leave type out for a STANDARD entry.",
			e.Type)
	}
	l.checkList(body, "kubernetes_groups", r.KubernetesGroups, def, func(s string, rng *hcl.Range) {
		if strings.TrimSpace(s) == "" {
			l.errorf(rng, "Empty Kubernetes group", "kubernetes_groups holds an empty group name. Give the name a RoleBinding or ClusterRoleBinding uses as subject, or remove it.")
		}
	})
	if has(body, "username") && e.Username == "" {
		l.errorf(at(body, "username", def), "Empty username",
			"username is empty. Give the Kubernetes user name the principal authenticates as, or leave username out to let EKS choose it (recommended).")
	}
	l.checkTags(body, e.Tags, def)

	// CreateAccessEntry type: "If you set the value to EC2_LINUX or
	// EC2_WINDOWS, you can't ... associate an AccessPolicy to the access
	// entry."
	if typeOK && (e.Type == "EC2_LINUX" || e.Type == "EC2_WINDOWS") && len(r.Policies) > 0 {
		l.errorf(r.Policies[0].DefRange.Ptr(), "Access policy on a node access entry",
			"Access entry %q has type %s, and EKS associates no access policy with EC2_LINUX and EC2_WINDOWS entries: it grants their nodes what they need by itself. Remove the policy blocks, or use a STANDARD entry.",
			r.Name, e.Type)
	}
	seen := map[string]*rawAccessPolicy{}
	for _, rp := range r.Policies {
		p := l.buildAccessPolicy(rp, partition, principalOK)
		if p.ARN != "" {
			if prev, dup := seen[p.ARN]; dup {
				l.errorf(rp.NameRange.Ptr(), "Duplicate access policy",
					"Access entry %q already associates %s, in the policy block %q at %s. EKS associates a policy once per entry, with one scope: merge the two blocks (a namespace scope takes several namespaces).",
					r.Name, p.ARN, prev.Name, prev.DefRange)
				continue
			}
			seen[p.ARN] = rp
		}
		e.Policies = append(e.Policies, p)
	}
	return e
}

// checkPrincipalARN checks an access entry's principal_arn and reports
// whether it is usable.
func (l *loader) checkPrincipalARN(body hcl.Body, arn string, def hcl.Range) bool {
	if !l.usable(body, "principal_arn") {
		return false
	}
	if principalARNRE.MatchString(arn) {
		return true
	}
	rng := at(body, "principal_arn", def)
	if m := stsAssumedRoleRE.FindStringSubmatch(arn); m != nil {
		// CreateAccessEntry: "You can't use the STS session principal type
		// with access entries".
		l.errorf(rng, "Session ARN as access entry principal",
			"%q is an STS session of a role, not the role: EKS does not accept session ARNs for access entries, as a session is not a permanent identity. Give the role's ARN, such as \"arn:aws:iam::%s:role/%s\" (with the role's path, if it has one).",
			arn, m[1], m[2])
		return false
	}
	l.errorf(rng, "Invalid principal ARN",
		"%q is not an IAM role or user ARN: principal_arn takes arn:aws:iam::<12-digit account>:role/<name> or :user/<name> (any partition), such as \"arn:aws:iam::111122223333:role/ci-deployer\".", arn)
	return false
}

// buildAccessPolicy validates one policy block of an access entry whose
// principal is in partition (trusted when principalOK).
func (l *loader) buildAccessPolicy(r *rawAccessPolicy, partition string, principalOK bool) *AccessPolicy {
	p := &AccessPolicy{
		Name:      r.Name,
		Scope:     *r.Scope,
		DeclRange: r.DefRange,
		Ranges:    attrRanges(nil, "", r.Body),
	}
	body, def := r.Body, r.DefRange
	switch m := accessPolicyARNRE.FindStringSubmatch(r.Name); {
	case m != nil:
		p.ARN = r.Name
		if principalOK && m[1] != partition {
			l.errorf(r.NameRange.Ptr(), "Access policy of another partition",
				"The access policy %q is in partition %q, but the entry's principal is in %q, where the cluster is. Write the policy's name alone, %q, and eksctl-lite uses the principal's partition.",
				r.Name, m[1], partition, m[2])
		}
	case accessPolicyNameRE.MatchString(r.Name):
		p.ARN = fmt.Sprintf("arn:%s:eks::aws:cluster-access-policy/%s", partition, r.Name)
	case policyARNRE.MatchString(r.Name):
		l.errorf(r.NameRange.Ptr(), "IAM policy as access policy",
			"%q is an IAM policy. An access entry's policy blocks take EKS access policies, which grant Kubernetes permissions, such as \"AmazonEKSClusterAdminPolicy\", \"AmazonEKSAdminPolicy\", \"AmazonEKSEditPolicy\" or \"AmazonEKSViewPolicy\" (aws eks list-access-policies lists them all).",
			r.Name)
	default:
		l.errorf(r.NameRange.Ptr(), "Invalid access policy",
			"%q is not an EKS access policy: the label takes a policy's name, such as \"AmazonEKSViewPolicy\", or its ARN, such as \"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy\" (aws eks list-access-policies lists them all).",
			r.Name)
	}

	scopeRng := at(body, "scope", def)
	scopeOK := l.oneOf("access scope", p.Scope, AccessScopes, scopeRng) && l.trusted(body, "scope")
	l.checkList(body, "namespaces", r.Namespaces, def, func(s string, rng *hcl.Range) {
		if len(s) > 63 || !accessNamespaceRE.MatchString(s) {
			l.errorf(rng, "Invalid namespace",
				"%q is not a Kubernetes namespace name: 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit; a name may end in the wildcard * instead (\"dev-*\" matches every namespace whose name starts with \"dev-\").", s)
		}
	})
	p.Namespaces = sortedUnique(r.Namespaces)
	switch {
	case !scopeOK || !l.trusted(body, "namespaces"):
	case p.Scope == "namespace" && len(p.Namespaces) == 0:
		rng := scopeRng
		if has(body, "namespaces") {
			rng = at(body, "namespaces", def)
		}
		l.errorf(rng, "No namespace for a namespace scope",
			"The policy %q has scope = \"namespace\" but no namespaces. List the namespaces it applies to, such as namespaces = [\"apps\"], or write scope = \"cluster\" for the whole cluster.", r.Name)
	case p.Scope == "cluster" && len(p.Namespaces) > 0:
		how := "scope = \"cluster\""
		if !has(body, "scope") {
			how = "scope is left to its default, \"cluster\""
		}
		l.errorf(at(body, "namespaces", def), "Namespaces with a cluster scope",
			"The policy %q applies to the whole cluster (%s), so namespaces would be ignored. Write scope = \"namespace\" to limit it to these namespaces, or remove namespaces.",
			r.Name, how)
	}
	if p.Scope != "namespace" {
		p.Namespaces = nil
	}
	return p
}

// sortedUnique returns the strings of s sorted, each once; nil for none.
func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := clone(s)
	sort.Strings(out)
	return slices.Compact(out)
}

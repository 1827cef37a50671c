package spec

import (
	"regexp"

	"github.com/hashicorp/hcl/v2"
)

// rawFargateProfile is a `fargate_profile "NAME"` block as written.
type rawFargateProfile struct {
	Name                string            `hcl:"name,label"`
	SubnetIDs           *[]string         `hcl:"subnet_ids,optional"`
	PodExecutionRoleARN *string           `hcl:"pod_execution_role_arn,optional"`
	Tags                map[string]string `hcl:"tags,optional"`
	Selectors           []*rawSelector    `hcl:"selector,block"`
	Body                hcl.Body          `hcl:",body"`
	DefRange            hcl.Range         `hcl:",def_range"`
	NameRange           hcl.Range         `hcl:"name,label_range"`
}

// rawSelector is a Fargate profile's `selector` block.
type rawSelector struct {
	Namespace string            `hcl:"namespace"`
	Labels    map[string]string `hcl:"labels,optional"`
	Body      hcl.Body          `hcl:",body"`
	DefRange  hcl.Range         `hcl:",def_range"`
}

// Fargate profile limits (EKS API reference, FargateProfileSelector).
const (
	maxFargateProfileNameLen = 63
	maxSelectors             = 5
	maxSelectorLabels        = 5
)

// fargateNamespaceRE is a namespace in a Fargate selector: a DNS-1123
// label in which EKS also accepts the wildcards * and ?.
var fargateNamespaceRE = regexp.MustCompile(`^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$`)

// buildFargateProfile validates one defaulted Fargate profile and converts
// it into the model.
func (l *loader) buildFargateProfile(r *rawFargateProfile) *FargateProfile {
	fp := &FargateProfile{
		Name:                r.Name,
		SubnetIDs:           *r.SubnetIDs,
		PodExecutionRoleARN: *r.PodExecutionRoleARN,
		Tags:                r.Tags,
		DeclRange:           r.DefRange,
	}
	body, def := r.Body, r.DefRange
	l.checkEKSName("Fargate profile", r.Name, maxFargateProfileNameLen, r.NameRange)
	if has(body, "subnet_ids") {
		if len(fp.SubnetIDs) == 0 {
			l.errorf(at(body, "subnet_ids", def), "No subnet",
				"subnet_ids is empty. List at least one private subnet, or leave the attribute out to use the cluster's vpc.subnet_ids.")
		}
		l.checkSubnets(body, "subnet_ids", fp.SubnetIDs, def)
	}
	l.checkRoleARN(body, "pod_execution_role_arn", fp.PodExecutionRoleARN, def)
	l.checkTags(body, fp.Tags, def)

	switch {
	case len(r.Selectors) == 0:
		l.errorf(r.NameRange.Ptr(), "Missing selector block",
			"Fargate profile %q has no selector block. Add 1 to %d, such as selector { namespace = \"default\" }, to say which pods run on Fargate.",
			r.Name, maxSelectors)
	case len(r.Selectors) > maxSelectors:
		l.errorf(r.Selectors[maxSelectors].DefRange.Ptr(), "Too many selectors",
			"Fargate profile %q has %d selector blocks; EKS accepts 1 to %d per profile.", r.Name, len(r.Selectors), maxSelectors)
	}
	for _, s := range r.Selectors {
		nsRng := at(s.Body, "namespace", s.DefRange)
		if has(s.Body, "namespace") && (len(s.Namespace) > 63 || !fargateNamespaceRE.MatchString(s.Namespace)) {
			l.errorf(nsRng, "Invalid namespace",
				"%q is not a Kubernetes namespace name: 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit (Fargate selectors also accept the wildcards * and ?).",
				s.Namespace)
		}
		if len(s.Labels) > maxSelectorLabels {
			l.errorf(at(s.Body, "labels", s.DefRange), "Too many selector labels",
				"A Fargate selector matches at most %d labels; %d given.", maxSelectorLabels, len(s.Labels))
		}
		l.checkK8sLabels(s.Body, "labels", s.Labels, s.DefRange)
		fp.Selectors = append(fp.Selectors, Selector{Namespace: s.Namespace, Labels: s.Labels})
	}
	return fp
}

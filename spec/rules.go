package spec

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// This file holds the checks and source-range helpers that several block
// kinds share. Each kind's own rules live in its file (cluster.go, ...).

// attribute returns the attribute name of body, or nil when it is not set.
func attribute(body hcl.Body, name string) *hcl.Attribute {
	if body == nil {
		return nil
	}
	content, _, _ := body.PartialContent(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: name}},
	})
	if content == nil {
		return nil
	}
	return content.Attributes[name]
}

// blockCount counts the blocks of type typ directly in body.
func blockCount(body hcl.Body, typ string) int {
	if body == nil {
		return 0
	}
	content, _, _ := body.PartialContent(&hcl.BodySchema{
		Blocks: []hcl.BlockHeaderSchema{{Type: typ, LabelNames: nil}},
	})
	if content == nil {
		return 0
	}
	return len(content.Blocks)
}

// has reports whether the user set attribute name in body.
func has(body hcl.Body, name string) bool {
	return attribute(body, name) != nil
}

// at is the range a diagnostic about attribute name points at: its value,
// or fallback (the block) when it is not set.
func at(body hcl.Body, name string, fallback hcl.Range) *hcl.Range {
	if a := attribute(body, name); a != nil {
		return a.Expr.Range().Ptr()
	}
	return fallback.Ptr()
}

// elemAt is the range of element i of list attribute name, when the list is
// written out literally; else the range of the whole value.
func elemAt(body hcl.Body, name string, i int, fallback hcl.Range) *hcl.Range {
	a := attribute(body, name)
	if a == nil {
		return fallback.Ptr()
	}
	elems, diags := hcl.ExprList(a.Expr)
	if diags.HasErrors() || i >= len(elems) {
		return a.Expr.Range().Ptr()
	}
	return elems[i].Range().Ptr()
}

// keyAt is the range of the item with key key in map attribute name, when
// the map is written out literally; else the range of the whole value.
func (l *loader) keyAt(body hcl.Body, name, key string, fallback hcl.Range) *hcl.Range {
	a := attribute(body, name)
	if a == nil {
		return fallback.Ptr()
	}
	pairs, diags := hcl.ExprMap(a.Expr)
	if diags.HasErrors() {
		return a.Expr.Range().Ptr()
	}
	for _, p := range pairs {
		k, diags := p.Key.Value(l.ctx)
		if diags.HasErrors() || !k.IsKnown() || k.IsNull() || k.Type() != cty.String {
			continue
		}
		if k.AsString() == key {
			rng := hcl.RangeBetween(p.Key.Range(), p.Value.Range())
			return &rng
		}
	}
	return a.Expr.Range().Ptr()
}

// sortedKeys returns the keys of m, sorted, so diagnostics come in a stable order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var (
	// eksNameRE is what EKS accepts for cluster, node group and Fargate
	// profile names (EKS API reference, CreateCluster "name" pattern).
	eksNameRE = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]*$`)
	// dns1123LabelRE is a Kubernetes DNS-1123 label (namespace names).
	dns1123LabelRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// dns1123SubdomainRE is a Kubernetes DNS-1123 subdomain (service
	// account names): dot-separated labels.
	dns1123SubdomainRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	// regionRE matches AWS region names such as us-east-1 and us-gov-west-1.
	regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	// versionRE is a Kubernetes minor version as EKS spells it: 1.NN
	// (EKS began at 1.10), 1.100 allowed.
	versionRE = regexp.MustCompile(`^1\.[1-9][0-9]{1,2}$`)
	// roleARNRE is an IAM role ARN in any partition.
	roleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$`)
	// policyARNRE is an IAM managed policy ARN, AWS managed or customer managed.
	policyARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[\w+=,.@/-]+$`)
	// kmsKeyARNRE is a KMS key ARN or alias ARN in any partition and
	// region. The EKS API reference (EncryptionConfig, Provider keyArn)
	// takes "the ARN or alias of the KMS key", so both are accepted; a key
	// ID is a UUID, or mrk- and 32 hex digits for a multi-Region key; an
	// alias name holds letters, digits, '/', '_' and '-' (KMS
	// CreateAlias). A bare key ID or alias name is refused: the attribute
	// is compared with the ARN that EKS reports.
	kmsKeyARNRE = regexp.MustCompile(`^arn:aws(-[a-z]+)*:kms:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:` +
		`(key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias/[A-Za-z0-9/_-]{1,250})$`)
	// subnetIDRE and securityGroupIDRE are EC2 resource IDs: the prefix
	// and 8 (older resources) or 17 lowercase hex digits.
	subnetIDRE        = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	securityGroupIDRE = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	// tagCharsRE is what EKS and IAM accept in tag keys and values:
	// letters, digits, spaces and _ . : / = + - @.
	tagCharsRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	// k8sLabelKeyRE is a Kubernetes label key: optional DNS prefix and a name.
	k8sLabelKeyRE = regexp.MustCompile(`^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`)
	// k8sLabelValueRE is a Kubernetes label value (empty allowed).
	k8sLabelValueRE = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$`)
)

// checkEKSName checks a cluster, node group or Fargate profile name.
func (l *loader) checkEKSName(kind, name string, maxLen int, rng hcl.Range) {
	if len(name) < 1 || len(name) > maxLen || !eksNameRE.MatchString(name) {
		l.errorf(rng.Ptr(), "Invalid "+kind+" name",
			"%q is not a valid %s name: EKS accepts 1 to %d characters, letters, digits, hyphens and underscores, starting with a letter or digit.",
			name, kind, maxLen)
	}
}

// checkVersion checks the Kubernetes version attribute of body, whose
// defaulted value is v, and reports whether it is usable.
func (l *loader) checkVersion(body hcl.Body, v string, fallback hcl.Range) bool {
	rng := at(body, "version", fallback)
	if a := attribute(body, "version"); a != nil {
		if lit, ok := a.Expr.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.Number {
			written := string(a.Expr.Range().SliceBytes(l.source(a.Expr.Range().Filename)))
			if written == "" {
				written = "1.30"
			}
			l.errorf(rng, "Invalid Kubernetes version",
				"The version is written as a number, %s, and a number keeps no trailing zeros (1.30 is 1.3). Write it as a string in quotes: version = \"%s\".", written, written)
			return false
		}
	}
	if !versionRE.MatchString(v) {
		hint := ""
		if m := minor(v); m >= 1 && m <= 9 {
			// 1.30 written as a number in a variable or local arrives as "1.3".
			hint = fmt.Sprintf(" If you meant %s0, it was written as a number somewhere (a variable, a local, a var file), which drops the trailing zero: write \"%s0\" in quotes there.", v, v)
		}
		l.errorf(rng, "Invalid Kubernetes version",
			"%q is not a Kubernetes version EKS could offer: write 1.NN (major.minor, the minor at least two digits) in quotes, e.g. %q. Which versions EKS offers is checked by plan, against EKS itself.%s",
			v, DefaultVersion, hint)
		return false
	}
	return true
}

// minor returns the minor number of a "1.NN" version, -1 when malformed.
func minor(v string) int {
	_, m, ok := strings.Cut(v, ".")
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(m)
	if err != nil {
		return -1
	}
	return n
}

// checkPattern reports value when it does not match re.
func (l *loader) checkPattern(re *regexp.Regexp, value string, rng *hcl.Range, summary, detail string, args ...any) bool {
	if re.MatchString(value) {
		return true
	}
	l.errorf(rng, summary, detail, args...)
	return false
}

// checkRoleARN checks an optional IAM role ARN attribute.
func (l *loader) checkRoleARN(body hcl.Body, name, value string, fallback hcl.Range) {
	if value == "" && !has(body, name) {
		return
	}
	l.checkPattern(roleARNRE, value, at(body, name, fallback), "Invalid IAM role ARN",
		"%s must be an IAM role ARN such as \"arn:aws:iam::123456789012:role/my-role\", not %q. Leave it out to let eksctl-lite manage the role.",
		name, value)
}

// checkList checks each element of a list attribute with check, and that
// no element appears twice.
func (l *loader) checkList(body hcl.Body, name string, list []string, fallback hcl.Range, check func(v string, rng *hcl.Range)) {
	seen := map[string]int{}
	for i, v := range list {
		rng := elemAt(body, name, i, fallback)
		if first, dup := seen[v]; dup {
			l.errorf(rng, "Duplicate list element",
				"%q appears twice in %s (elements %d and %d). List each value once.", v, name, first+1, i+1)
			continue
		}
		seen[v] = i
		if check != nil {
			check(v, rng)
		}
	}
}

// checkSubnets checks a list of subnet IDs.
func (l *loader) checkSubnets(body hcl.Body, name string, list []string, fallback hcl.Range) {
	l.checkList(body, name, list, fallback, func(v string, rng *hcl.Range) {
		l.checkPattern(subnetIDRE, v, rng, "Invalid subnet ID",
			"%q is not a subnet ID: %s takes IDs of the form subnet- and 8 or 17 lowercase hexadecimal digits, such as \"subnet-0a1b2c3d4e5f60001\".", v, name)
	})
}

// Tag limits of EKS and IAM: 50 tags per resource, keys of 1 to 128
// characters, values of 0 to 256, the "aws:" prefix reserved. eksctl-lite
// adds its ownership tags to every resource it creates.
const (
	// OwnershipTagCount is how many tags eksctl-lite adds to every resource
	// it creates (eksctl-lite/cluster, /region, /address and /configuration; see
	// provision/model.go, whose tests hold the two in step).
	OwnershipTagCount = 4
	maxTags           = 50 - OwnershipTagCount
	maxTagKeyLen      = 128
	maxTagValueLen    = 256
	// ReservedTagPrefix starts the ownership tags eksctl-lite sets itself.
	ReservedTagPrefix = "eksctl-lite/"
)

// checkTags checks the tags attribute of body.
func (l *loader) checkTags(body hcl.Body, tags map[string]string, fallback hcl.Range) {
	if len(tags) > maxTags {
		l.errorf(at(body, "tags", fallback), "Too many tags",
			"%d tags are set; AWS allows 50 per resource and eksctl-lite adds %d ownership tags, so at most %d may be given.",
			len(tags), OwnershipTagCount, maxTags)
	}
	for _, k := range sortedKeys(tags) {
		v := tags[k]
		rng := l.keyAt(body, "tags", k, fallback)
		switch {
		case k == "" || utf8.RuneCountInString(k) > maxTagKeyLen:
			l.errorf(rng, "Invalid tag key",
				"The tag key %q has %d characters; AWS accepts 1 to %d.", k, utf8.RuneCountInString(k), maxTagKeyLen)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			l.errorf(rng, "Reserved tag key",
				"The tag key %q starts with \"aws:\", which AWS reserves for its own tags. Choose another key.", k)
		case strings.HasPrefix(k, ReservedTagPrefix):
			l.errorf(rng, "Reserved tag key",
				"The tag key %q starts with %q, which eksctl-lite reserves for the ownership tags it sets itself. Choose another key.", k, ReservedTagPrefix)
		case !tagCharsRE.MatchString(k):
			l.errorf(rng, "Invalid tag key",
				"The tag key %q holds characters AWS does not accept; use letters, digits, spaces and _ . : / = + - @.", k)
		}
		switch {
		case utf8.RuneCountInString(v) > maxTagValueLen:
			l.errorf(rng, "Invalid tag value",
				"The value of tag %q has %d characters; AWS accepts at most %d.", k, utf8.RuneCountInString(v), maxTagValueLen)
		case !tagCharsRE.MatchString(v):
			l.errorf(rng, "Invalid tag value",
				"The value of tag %q holds characters AWS does not accept; use letters, digits, spaces and _ . : / = + - @.", k)
		}
	}
}

// checkK8sLabels checks a map of Kubernetes labels: keys and values as
// Kubernetes accepts them, each at most 63 characters as EKS requires.
func (l *loader) checkK8sLabels(body hcl.Body, name string, labels map[string]string, fallback hcl.Range) {
	for _, k := range sortedKeys(labels) {
		v := labels[k]
		rng := l.keyAt(body, name, k, fallback)
		if len(k) > 63 || !k8sLabelKeyRE.MatchString(k) {
			l.errorf(rng, "Invalid Kubernetes label key",
				"%q is not a valid label key: 1 to 63 characters, letters, digits, '-', '_' and '.', starting and ending with a letter or digit, optionally after a DNS prefix and '/'.", k)
		}
		if len(v) > 63 || !k8sLabelValueRE.MatchString(v) {
			l.errorf(rng, "Invalid Kubernetes label value",
				"The value %q of label %q is not valid: at most 63 characters, letters, digits, '-', '_' and '.', starting and ending with a letter or digit.", v, k)
		}
	}
}

// oneOf checks that value is one of allowed.
func (l *loader) oneOf(name, value string, allowed []string, rng *hcl.Range) bool {
	for _, a := range allowed {
		if a == value {
			return true
		}
	}
	l.errorf(rng, "Invalid "+name,
		"%q is not a valid %s.%s Allowed values: %s.", value, name, suggestValue(value, allowed), strings.Join(allowed, ", "))
	return false
}

// suggestValue returns ` Did you mean "X"?` for the allowed value the user
// most likely meant, else "". Spellings from other tools differ mostly in
// case and separators (kubectl's NoSchedule for NO_SCHEDULE, on_demand for
// ON_DEMAND), so values are first compared ignoring case, '_', '-' and
// spaces; failing that, a typo of at most two edits in those folded
// spellings is forgiven, one edit per three characters of the value, so that
// a short value is not "corrected" into an unrelated one.
func suggestValue(given string, allowed []string) string {
	g := foldValue(given)
	for _, a := range allowed {
		if foldValue(a) == g {
			return fmt.Sprintf(" Did you mean %q?", a)
		}
	}
	n := len([]rune(g))
	best, bestDist := "", 3
	for _, a := range allowed {
		if d := editDistance(g, foldValue(a)); d < bestDist && d*3 <= n {
			best, bestDist = a, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

// foldValue lowercases s and drops '_', '-' and spaces, for comparing enum
// spellings.
func foldValue(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == ' ' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// quoteAll quotes each string, for lists in messages.
func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

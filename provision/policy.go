package provision

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// IAM policy documents are compared semantically: IAM returns them
// URL-encoded (RFC 3986) from GetRole, ListRoles and GetRolePolicy, may
// reorder keys, and "Action": "x" means the same as "Action": ["x"].
// CanonicalPolicy maps every equivalent spelling to one string, so that
// desired and live documents compare equal exactly when IAM treats them so.

// InlinePolicyName is the name of the one inline policy eksctl-lite manages
// on an irsa role (PutRolePolicy, PolicyName). Other inline policies a role
// may have are not ours and are left alone.
const InlinePolicyName = "eksctl-lite"

// CanonicalPolicy decodes a policy document (raw or URL-encoded JSON) and
// re-encodes it canonically: sorted keys, no insignificant whitespace, a
// single Statement object as a one-element list, single strings in Action,
// NotAction, Resource, NotResource, principal and condition values as
// sorted lists. "" stays "" (no policy).
func CanonicalPolicy(doc string) (string, error) {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		return "", nil
	}
	if !strings.HasPrefix(doc, "{") {
		dec, err := url.PathUnescape(doc)
		if err != nil {
			return "", fmt.Errorf("policy document is neither JSON nor URL-encoded JSON: %w", err)
		}
		doc = strings.TrimSpace(dec)
	}
	d := json.NewDecoder(strings.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return "", fmt.Errorf("policy document is not valid JSON: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "", fmt.Errorf("policy document is not a JSON object")
	}
	if st, ok := m["Statement"]; ok {
		list := asList(st)
		for _, s := range list {
			if sm, ok := s.(map[string]any); ok {
				normaliseStatement(sm)
			}
		}
		m["Statement"] = list
	}
	return encodeCanonical(m), nil
}

// mustCanonicalPolicy is CanonicalPolicy for documents this package builds.
func mustCanonicalPolicy(doc string) string {
	c, err := CanonicalPolicy(doc)
	if err != nil {
		panic(err)
	}
	return c
}

func normaliseStatement(s map[string]any) {
	for _, k := range []string{"Action", "NotAction", "Resource", "NotResource"} {
		if v, ok := s[k]; ok {
			s[k] = sortedList(v)
		}
	}
	for _, k := range []string{"Principal", "NotPrincipal"} {
		if pm, ok := s[k].(map[string]any); ok {
			for pk, pv := range pm {
				pm[pk] = sortedList(pv)
			}
		}
	}
	if cm, ok := s["Condition"].(map[string]any); ok {
		for _, ops := range cm {
			if om, ok := ops.(map[string]any); ok {
				for ck, cv := range om {
					om[ck] = sortedList(cv)
				}
			}
		}
	}
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// sortedList makes v a list sorted by each element's JSON form.
func sortedList(v any) []any {
	l := asList(v)
	sort.SliceStable(l, func(i, j int) bool { return encodeCanonical(l[i]) < encodeCanonical(l[j]) })
	return l
}

// encodeCanonical marshals v with sorted map keys and without HTML escaping.
func encodeCanonical(v any) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		panic(err) // decoded JSON always re-encodes
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// serviceTrustPolicy lets an AWS service assume the role: eks.amazonaws.com
// for the cluster role, ec2.amazonaws.com for nodes,
// eks-fargate-pods.amazonaws.com for Fargate (EKS User Guide, "Amazon EKS
// cluster IAM role", "node IAM role", "Pod execution IAM role").
// actions are what the service may do with the role, sts:AssumeRole when
// none are given.
func serviceTrustPolicy(service string, actions ...string) string {
	if len(actions) == 0 {
		actions = []string{"sts:AssumeRole"}
	}
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": service},
			"Action":    anyList(actions),
		}},
	}
	return mustCanonicalPolicy(encodeCanonical(doc))
}

func anyList(l []string) any {
	if len(l) == 1 {
		return l[0]
	}
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

// IRSATrustPolicy is the trust policy of an irsa role: the cluster's OIDC
// provider may federate exactly one service account, for the STS audience
// (EKS User Guide, "Assign IAM roles to Kubernetes service accounts").
// issuerURL is the cluster's issuer with or without "https://".
func IRSATrustPolicy(providerARN, issuerURL, namespace, serviceAccount string) string {
	host := strings.TrimPrefix(issuerURL, "https://")
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Federated": providerARN},
			"Action":    "sts:AssumeRoleWithWebIdentity",
			"Condition": map[string]any{"StringEquals": map[string]any{
				host + ":sub": "system:serviceaccount:" + namespace + ":" + serviceAccount,
				host + ":aud": "sts.amazonaws.com",
			}},
		}},
	}
	return mustCanonicalPolicy(encodeCanonical(doc))
}

// OIDCClientID is the audience of IRSA tokens, the one client ID of the
// OIDC providers eksctl-lite creates.
const OIDCClientID = "sts.amazonaws.com"

// partition returns the AWS partition of a region, for ARNs of AWS managed
// policies.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	default:
		return "aws"
	}
}

func managedPolicyARN(region, name string) string {
	return "arn:" + partition(region) + ":iam::aws:policy/" + name
}

// ClusterRolePolicyARNs are the AWS managed policies of the managed cluster
// role (EKS User Guide, "Amazon EKS cluster IAM role").
func ClusterRolePolicyARNs(region string) []string {
	return []string{managedPolicyARN(region, "AmazonEKSClusterPolicy")}
}

// NodeRolePolicyARNs are the AWS managed policies of the managed node role
// (EKS User Guide, "Amazon EKS node IAM role").
func NodeRolePolicyARNs(region string) []string {
	return []string{
		managedPolicyARN(region, "AmazonEKSWorkerNodePolicy"),
		managedPolicyARN(region, "AmazonEKS_CNI_Policy"),
		managedPolicyARN(region, "AmazonEC2ContainerRegistryReadOnly"),
	}
}

// PodExecutionRolePolicyARNs are the AWS managed policies of the managed
// Fargate pod execution role (EKS User Guide, "Amazon EKS Pod execution IAM role").
func PodExecutionRolePolicyARNs(region string) []string {
	return []string{managedPolicyARN(region, "AmazonEKSFargatePodExecutionRolePolicy")}
}

package provision

// The fake account's IAM: roles (names unique regardless of case, as in
// IAM) and OIDC providers.

import (
	"context"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// iamTrustForm is a trust policy as IAM might return it: URL-encoded, a
// single action not in a list.
func iamTrustForm(doc string) string {
	return url.PathEscape(strings.ReplaceAll(doc, `"Action":["sts:AssumeRole"]`, `"Action":"sts:AssumeRole"`))
}

// roleFolded finds a role by name regardless of case, as IAM does (role
// names are unique regardless of case), and returns its actual name.
func (a *fakeAccount) roleFolded(name string) (*iamRole, string) {
	if r := a.roles[name]; r != nil {
		return r, name
	}
	for n, r := range a.roles {
		if strings.EqualFold(n, name) {
			return r, n
		}
	}
	return nil, name
}

func (a *fakeAccount) fakeIAM() *fakeIAM {
	f := &fakeIAM{instanceProfileAPI: &fakeProfiles{a: a}}
	// roleOp runs fn on an existing role.
	roleOp := func(op, name string, fn func(r *iamRole) error) error {
		_, err := iamCall(a, op, name, func() (*struct{}, error) {
			r := a.roles[name]
			if r == nil {
				return nil, noSuchEntity("The role with name %s cannot be found.", name)
			}
			return nil, fn(r)
		})
		return err
	}

	f.createRoleFn = func(_ context.Context, in *iam.CreateRoleInput) (*iam.CreateRoleOutput, error) {
		name := aws.ToString(in.RoleName)
		return iamCall(a, "CreateRole", name, func() (*iam.CreateRoleOutput, error) {
			if r, _ := a.roleFolded(name); r != nil {
				return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Role with name " + name + " already exists.")}
			}
			a.record("CreateRole %s", name)
			path := aws.ToString(in.Path)
			if path == "" {
				path = "/"
			}
			r := &iamRole{name: name, path: path, arn: roleARNAt(path, name), trust: aws.ToString(in.AssumeRolePolicyDocument),
				tags: map[string]string{}, attached: map[string]bool{}, inline: map[string]string{}}
			for _, t := range in.Tags {
				r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			a.roles[name] = r
			return &iam.CreateRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName, Arn: aws.String(r.arn), Path: aws.String(path)}}, nil
		})
	}
	f.getRoleFn = func(_ context.Context, in *iam.GetRoleInput) (*iam.GetRoleOutput, error) {
		name := aws.ToString(in.RoleName)
		return iamCall(a, "GetRole", name, func() (*iam.GetRoleOutput, error) {
			r, name := a.roleFolded(name)
			if r == nil {
				return nil, noSuchEntity("The role with name %s cannot be found.", name)
			}
			return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: aws.String(name), Arn: aws.String(r.arn), Path: aws.String(r.path),
				AssumeRolePolicyDocument: aws.String(iamTrustForm(r.trust)), Tags: iamTags(r.tags)}}, nil
		})
	}
	f.listRolesFn = func(_ context.Context, in *iam.ListRolesInput) (*iam.ListRolesOutput, error) {
		return iamCall(a, "ListRoles", aws.ToString(in.PathPrefix), func() (*iam.ListRolesOutput, error) {
			var names []string
			for n, r := range a.roles {
				if strings.HasPrefix(r.path, aws.ToString(in.PathPrefix)) {
					names = append(names, n)
				}
			}
			page, next := a.page(names, in.Marker)
			out := &iam.ListRolesOutput{IsTruncated: next != nil, Marker: next}
			for _, n := range page {
				r := a.roles[n]
				// ListRoles leaves tags out.
				out.Roles = append(out.Roles, iamtypes.Role{RoleName: aws.String(n), Arn: aws.String(r.arn), Path: aws.String(r.path), AssumeRolePolicyDocument: aws.String(iamTrustForm(r.trust))})
			}
			return out, nil
		})
	}
	f.listRoleTagsFn = func(_ context.Context, in *iam.ListRoleTagsInput) (*iam.ListRoleTagsOutput, error) {
		out := &iam.ListRoleTagsOutput{}
		return out, roleOp("ListRoleTags", aws.ToString(in.RoleName), func(r *iamRole) error {
			page, next := a.page(sortedKeys(r.tags), in.Marker)
			out.IsTruncated, out.Marker = next != nil, next
			for _, k := range page {
				out.Tags = append(out.Tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(r.tags[k])})
			}
			return nil
		})
	}
	f.listAttachedRolePoliciesFn = func(_ context.Context, in *iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error) {
		out := &iam.ListAttachedRolePoliciesOutput{}
		return out, roleOp("ListAttachedRolePolicies", aws.ToString(in.RoleName), func(r *iamRole) error {
			page, next := a.page(sortedKeys(r.attached), in.Marker)
			out.IsTruncated, out.Marker = next != nil, next
			for _, p := range page {
				out.AttachedPolicies = append(out.AttachedPolicies, iamtypes.AttachedPolicy{PolicyArn: aws.String(p)})
			}
			return nil
		})
	}
	f.listRolePoliciesFn = func(_ context.Context, in *iam.ListRolePoliciesInput) (*iam.ListRolePoliciesOutput, error) {
		out := &iam.ListRolePoliciesOutput{}
		return out, roleOp("ListRolePolicies", aws.ToString(in.RoleName), func(r *iamRole) error {
			page, next := a.page(sortedKeys(r.inline), in.Marker)
			out.PolicyNames, out.IsTruncated, out.Marker = page, next != nil, next
			return nil
		})
	}
	f.getRolePolicyFn = func(_ context.Context, in *iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error) {
		out := &iam.GetRolePolicyOutput{}
		return out, roleOp("GetRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			doc, ok := r.inline[aws.ToString(in.PolicyName)]
			if !ok {
				return noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
			}
			out.RoleName, out.PolicyName, out.PolicyDocument = in.RoleName, in.PolicyName, aws.String(url.PathEscape(doc))
			return nil
		})
	}
	f.attachRolePolicyFn = func(_ context.Context, in *iam.AttachRolePolicyInput) (*iam.AttachRolePolicyOutput, error) {
		return &iam.AttachRolePolicyOutput{}, roleOp("AttachRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			a.record("AttachRolePolicy %s %s", r.name, aws.ToString(in.PolicyArn))
			r.attached[aws.ToString(in.PolicyArn)] = true
			return nil
		})
	}
	f.detachRolePolicyFn = func(_ context.Context, in *iam.DetachRolePolicyInput) (*iam.DetachRolePolicyOutput, error) {
		return &iam.DetachRolePolicyOutput{}, roleOp("DetachRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			if !r.attached[aws.ToString(in.PolicyArn)] {
				return noSuchEntity("Policy %s was not found.", aws.ToString(in.PolicyArn))
			}
			a.record("DetachRolePolicy %s %s", r.name, aws.ToString(in.PolicyArn))
			delete(r.attached, aws.ToString(in.PolicyArn))
			return nil
		})
	}
	f.putRolePolicyFn = func(_ context.Context, in *iam.PutRolePolicyInput) (*iam.PutRolePolicyOutput, error) {
		return &iam.PutRolePolicyOutput{}, roleOp("PutRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			a.record("PutRolePolicy %s %s", r.name, aws.ToString(in.PolicyName))
			r.inline[aws.ToString(in.PolicyName)] = aws.ToString(in.PolicyDocument)
			return nil
		})
	}
	f.deleteRolePolicyFn = func(_ context.Context, in *iam.DeleteRolePolicyInput) (*iam.DeleteRolePolicyOutput, error) {
		return &iam.DeleteRolePolicyOutput{}, roleOp("DeleteRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			if _, ok := r.inline[aws.ToString(in.PolicyName)]; !ok {
				return noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
			}
			a.record("DeleteRolePolicy %s %s", r.name, aws.ToString(in.PolicyName))
			delete(r.inline, aws.ToString(in.PolicyName))
			return nil
		})
	}
	f.updateAssumeRolePolicyFn = func(_ context.Context, in *iam.UpdateAssumeRolePolicyInput) (*iam.UpdateAssumeRolePolicyOutput, error) {
		return &iam.UpdateAssumeRolePolicyOutput{}, roleOp("UpdateAssumeRolePolicy", aws.ToString(in.RoleName), func(r *iamRole) error {
			a.record("UpdateAssumeRolePolicy %s", r.name)
			r.trust = aws.ToString(in.PolicyDocument)
			return nil
		})
	}
	f.tagRoleFn = func(_ context.Context, in *iam.TagRoleInput) (*iam.TagRoleOutput, error) {
		return &iam.TagRoleOutput{}, roleOp("TagRole", aws.ToString(in.RoleName), func(r *iamRole) error {
			a.record("TagRole %s", r.name)
			for _, t := range in.Tags {
				r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			return nil
		})
	}
	f.untagRoleFn = func(_ context.Context, in *iam.UntagRoleInput) (*iam.UntagRoleOutput, error) {
		return &iam.UntagRoleOutput{}, roleOp("UntagRole", aws.ToString(in.RoleName), func(r *iamRole) error {
			a.record("UntagRole %s", r.name)
			for _, k := range in.TagKeys {
				delete(r.tags, k)
			}
			return nil
		})
	}
	f.deleteRoleFn = func(_ context.Context, in *iam.DeleteRoleInput) (*iam.DeleteRoleOutput, error) {
		return &iam.DeleteRoleOutput{}, roleOp("DeleteRole", aws.ToString(in.RoleName), func(r *iamRole) error {
			if len(r.attached) > 0 || len(r.inline) > 0 {
				return &iamtypes.DeleteConflictException{Message: aws.String("Cannot delete entity, must detach all policies first.")}
			}
			for _, p := range a.profiles {
				if len(p.roles) > 0 && p.roles[0] == r.name {
					a.violate("DeleteRole %s while instance profile %s holds it", r.name, p.name)
					return &iamtypes.DeleteConflictException{Message: aws.String("Cannot delete entity, must remove roles from instance profile first.")}
				}
			}
			for _, reg := range a.regions {
				for _, m := range []map[string]*eksObject{reg.clusters, reg.nodegroups, reg.fargate} {
					for _, o := range m {
						var role string
						switch {
						case o.cl != nil:
							role = aws.ToString(o.cl.RoleArn)
						case o.ng != nil:
							role = aws.ToString(o.ng.NodeRole)
						case o.fp != nil:
							role = aws.ToString(o.fp.PodExecutionRoleArn)
						}
						if role == r.arn && o.status != "DELETING" {
							a.violate("DeleteRole %s while %s uses it", r.name, o.name)
						}
					}
				}
			}
			a.record("DeleteRole %s", r.name)
			delete(a.roles, r.name)
			return nil
		})
	}

	providerOp := func(op, arn string, fn func(p *iamProvider) error) error {
		_, err := iamCall(a, op, arn, func() (*struct{}, error) {
			p := a.providers[arn]
			if p == nil {
				return nil, noSuchEntity("OpenIDConnect provider %s not found", arn)
			}
			return nil, fn(p)
		})
		return err
	}
	f.listOpenIDConnectProvidersFn = func(_ context.Context, in *iam.ListOpenIDConnectProvidersInput) (*iam.ListOpenIDConnectProvidersOutput, error) {
		return iamCall(a, "ListOpenIDConnectProviders", "", func() (*iam.ListOpenIDConnectProvidersOutput, error) {
			out := &iam.ListOpenIDConnectProvidersOutput{}
			for _, arn := range sortedKeys(a.providers) {
				out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, iamtypes.OpenIDConnectProviderListEntry{Arn: aws.String(arn)})
			}
			return out, nil
		})
	}
	f.getOpenIDConnectProviderFn = func(_ context.Context, in *iam.GetOpenIDConnectProviderInput) (*iam.GetOpenIDConnectProviderOutput, error) {
		out := &iam.GetOpenIDConnectProviderOutput{}
		return out, providerOp("GetOpenIDConnectProvider", aws.ToString(in.OpenIDConnectProviderArn), func(p *iamProvider) error {
			// IAM returns the URL without its scheme.
			out.Url, out.ClientIDList, out.Tags = aws.String(strings.TrimPrefix(p.url, "https://")), p.clientIDs, iamTags(p.tags)
			return nil
		})
	}
	f.createOpenIDConnectProviderFn = func(_ context.Context, in *iam.CreateOpenIDConnectProviderInput) (*iam.CreateOpenIDConnectProviderOutput, error) {
		u := aws.ToString(in.Url)
		return iamCall(a, "CreateOpenIDConnectProvider", u, func() (*iam.CreateOpenIDConnectProviderOutput, error) {
			arn := providerARNOf(u)
			if a.providers[arn] != nil {
				return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Provider with url " + u + " already exists.")}
			}
			if len(in.ClientIDList) != 1 || in.ClientIDList[0] != OIDCClientID {
				a.violate("CreateOpenIDConnectProvider with client IDs %v", in.ClientIDList)
			}
			a.record("CreateOpenIDConnectProvider %s", u)
			p := &iamProvider{url: u, clientIDs: in.ClientIDList, tags: map[string]string{}}
			for _, t := range in.Tags {
				p.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			a.providers[arn] = p
			return &iam.CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: aws.String(arn)}, nil
		})
	}
	f.deleteOpenIDConnectProviderFn = func(_ context.Context, in *iam.DeleteOpenIDConnectProviderInput) (*iam.DeleteOpenIDConnectProviderOutput, error) {
		arn := aws.ToString(in.OpenIDConnectProviderArn)
		return &iam.DeleteOpenIDConnectProviderOutput{}, providerOp("DeleteOpenIDConnectProvider", arn, func(*iamProvider) error {
			a.record("DeleteOpenIDConnectProvider %s", arn)
			delete(a.providers, arn)
			return nil
		})
	}
	f.tagOpenIDConnectProviderFn = func(_ context.Context, in *iam.TagOpenIDConnectProviderInput) (*iam.TagOpenIDConnectProviderOutput, error) {
		arn := aws.ToString(in.OpenIDConnectProviderArn)
		return &iam.TagOpenIDConnectProviderOutput{}, providerOp("TagOpenIDConnectProvider", arn, func(p *iamProvider) error {
			a.record("TagOpenIDConnectProvider %s", arn)
			for _, t := range in.Tags {
				p.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			return nil
		})
	}
	f.untagOpenIDConnectProviderFn = func(_ context.Context, in *iam.UntagOpenIDConnectProviderInput) (*iam.UntagOpenIDConnectProviderOutput, error) {
		arn := aws.ToString(in.OpenIDConnectProviderArn)
		return &iam.UntagOpenIDConnectProviderOutput{}, providerOp("UntagOpenIDConnectProvider", arn, func(p *iamProvider) error {
			a.record("UntagOpenIDConnectProvider %s", arn)
			for _, k := range in.TagKeys {
				delete(p.tags, k)
			}
			return nil
		})
	}
	return f
}

// putRole stores a role with its managed policies, its inline policy (as
// InlinePolicyName) and tags.
func (a *fakeAccount) putRole(r *RoleAttrs) *RoleAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	role := &iamRole{name: r.Name, path: r.Path, arn: roleARNAt(r.Path, r.Name), trust: r.AssumeRolePolicy,
		tags: copyTags(r.Tags), attached: map[string]bool{}, inline: map[string]string{}}
	for _, p := range r.PolicyARNs {
		role.attached[p] = true
	}
	if r.InlinePolicy != "" {
		role.inline[InlinePolicyName] = r.InlinePolicy
	}
	a.roles[r.Name] = role
	out := *r
	out.ARN, out.Tags = role.arn, copyTags(r.Tags)
	return &out
}

func (a *fakeAccount) putProvider(p *OIDCProviderAttrs) *OIDCProviderAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	arn := providerARNOf(p.URL)
	a.providers[arn] = &iamProvider{url: p.URL, clientIDs: p.ClientIDs, tags: copyTags(p.Tags)}
	out := *p
	out.ARN, out.Tags = arn, copyTags(p.Tags)
	return &out
}

package provision

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// The reading half of IAM roles: once per plan, for every cluster (the
// role kind's readAccount, readRoles in role.go).

// observeRoles finds the roles that matter to the plan: those under
// RolePath (one paginated ListRoles) and those named in byName (GetRole,
// concurrently with the listing: the managed node and pod execution roles,
// which live at RootRolePath). For each it reads what the plan needs:
// everything for the roles named in wanted; tags only for the others, then
// everything for those owned by a cluster in owners (keys of ownerKey: they
// may be planned for deletion). It returns the roles read in full, by name.
// Every wanted role is read by name too, whatever its path: a role of that
// name anywhere in the account (a hand-made one at "/", say) would make
// CreateRole fail, so the plan must see it. Names in wanted and byName, and
// the keys of the result, are roleKey-folded: IAM role names are unique
// regardless of case.
func (o *observer) observeRoles(ctx context.Context, api IAMAPI, wanted, owners map[string]bool, byName ...string) (map[string]*RoleAttrs, error) {
	byName = append(byName, sortedKeys(wanted)...)
	var (
		mu    sync.Mutex
		out   = map[string]*RoleAttrs{}
		errs  errList
		wg    sync.WaitGroup
		found = func(r *RoleAttrs) { mu.Lock(); out[roleKey(r.Name)] = r; mu.Unlock() }
	)
	process := func(r *RoleAttrs) {
		defer wg.Done()
		if wanted[roleKey(r.Name)] {
			ok, err := o.readRole(ctx, api, r, true)
			if err != nil {
				errs.add(err)
			} else if ok {
				found(r)
			}
			return
		}
		ok, err := o.readRole(ctx, api, r, false)
		if err != nil {
			errs.add(err)
			return
		}
		if !ok || !owners[tagsOwnerKey(r.Tags)] {
			return
		}
		ok, err = o.readRole(ctx, api, r, true)
		if err != nil {
			errs.add(err)
		} else if ok {
			found(r)
		}
	}
	named := map[string]bool{}
	for _, name := range byName {
		if named[roleKey(name)] {
			continue
		}
		named[roleKey(name)] = true
		wg.Add(1)
		go func() {
			var got *iam.GetRoleOutput
			err := o.iam.call(ctx, func(ctx context.Context) (err error) {
				got, err = api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
				return err
			})
			if notFoundErr(err) {
				wg.Done()
				return
			}
			if err != nil {
				errs.add(fmt.Errorf("reading IAM role %q: %w", name, err))
				wg.Done()
				return
			}
			r := roleFromList(*got.Role)
			r.Tags = liveTags(iamTagMap(got.Role.Tags))
			process(r)
		}()
	}
	listed, err := o.listRoles(ctx, api)
	if err != nil {
		errs.add(err)
	}
	for _, r := range listed {
		if named[roleKey(r.Name)] {
			continue // read by name already
		}
		wg.Add(1)
		go process(r)
	}
	wg.Wait()
	if err := errs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// roleKey is the key of a role name in the planner's maps. IAM role names
// are unique regardless of case ("Role names are not distinguished by case",
// IAM User Guide, IAM identifiers), so "Demo-x" and "demo-x" are one role.
func roleKey(name string) string { return strings.ToLower(name) }

// listRoles follows ListRoles' pagination (IAM may truncate a page early
// even below MaxItems, so IsTruncated is what counts).
func (o *observer) listRoles(ctx context.Context, api IAMAPI) ([]*RoleAttrs, error) {
	var roles []*RoleAttrs
	var marker *string
	for {
		var out *iam.ListRolesOutput
		err := o.iam.call(ctx, func(ctx context.Context) (err error) {
			out, err = api.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String(RolePath), Marker: marker, MaxItems: aws.Int32(1000)})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("listing IAM roles under %s: %w", RolePath, err)
		}
		for _, r := range out.Roles {
			roles = append(roles, roleFromList(r))
		}
		if !out.IsTruncated || aws.ToString(out.Marker) == "" {
			return roles, nil
		}
		marker = out.Marker
	}
}

// readRole fills r's tags (when not read yet) and, with full, its attached
// and inline policies, concurrently. It reports false when the role has
// gone since it was listed.
func (o *observer) readRole(ctx context.Context, api IAMAPI, r *RoleAttrs, full bool) (bool, error) {
	var errs errList
	var gone bool
	var mu sync.Mutex
	var wg sync.WaitGroup
	check := func(what string, err error) {
		if err == nil {
			return
		}
		if notFoundErr(err) {
			mu.Lock()
			gone = true
			mu.Unlock()
			return
		}
		errs.add(fmt.Errorf("reading the %s of IAM role %q: %w", what, r.Name, err))
	}
	if r.Tags == nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tags, err := o.roleTags(ctx, api, r.Name)
			check("tags", err)
			r.Tags = liveTags(tags)
		}()
	}
	if full {
		wg.Add(2)
		go func() {
			defer wg.Done()
			arns, err := o.attachedPolicies(ctx, api, r.Name)
			check("attached policies", err)
			r.PolicyARNs = arns
		}()
		go func() {
			defer wg.Done()
			// GetRolePolicy of our one inline policy directly: NoSuchEntity
			// means the role has none, which saves ListRolePolicies' round trip.
			var out *iam.GetRolePolicyOutput
			err := o.iam.call(ctx, func(ctx context.Context) (err error) {
				out, err = api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(r.Name), PolicyName: aws.String(InlinePolicyName)})
				return err
			})
			if notFoundErr(err) {
				return
			}
			check("inline policy", err)
			if err == nil {
				doc, cerr := CanonicalPolicy(aws.ToString(out.PolicyDocument))
				if cerr != nil {
					errs.add(fmt.Errorf("reading the inline policy of IAM role %q: %w", r.Name, cerr))
				}
				r.InlinePolicy = doc
			}
		}()
	}
	wg.Wait()
	if err := errs.err(); err != nil {
		return false, err
	}
	if r.Tags == nil {
		r.Tags = map[string]string{}
	}
	return !gone, nil
}

func (o *observer) roleTags(ctx context.Context, api IAMAPI, name string) (map[string]string, error) {
	tags := map[string]string{}
	var marker *string
	for {
		var out *iam.ListRoleTagsOutput
		err := o.iam.call(ctx, func(ctx context.Context) (err error) {
			out, err = api.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String(name), Marker: marker})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, t := range out.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		if !out.IsTruncated || aws.ToString(out.Marker) == "" {
			return tags, nil
		}
		marker = out.Marker
	}
}

func (o *observer) attachedPolicies(ctx context.Context, api IAMAPI, name string) ([]string, error) {
	var arns []string
	var marker *string
	for {
		var out *iam.ListAttachedRolePoliciesOutput
		err := o.iam.call(ctx, func(ctx context.Context) (err error) {
			out, err = api.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name), Marker: marker})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, p := range out.AttachedPolicies {
			arns = append(arns, aws.ToString(p.PolicyArn))
		}
		if !out.IsTruncated || aws.ToString(out.Marker) == "" {
			sort.Strings(arns)
			return arns, nil
		}
		marker = out.Marker
	}
}

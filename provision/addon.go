package provision

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// The plan half of an EKS add-on (an addon block). An add-on is named by
// its EKS name within its cluster; everything but the name changes in
// place, with UpdateAddon (version, configuration values, IRSA role, Pod
// Identity associations) and TagResource/UntagResource.
//
// The version keywords "default" and "latest" are resolved at plan time
// from DescribeAddonVersions, for the Kubernetes version the cluster has
// once the plan is applied, and the configuration values are checked
// against DescribeAddonConfiguration's schema of the resolved version: both
// are read with the cluster (kind.readForBlocks). resolve_conflicts and
// preserve_on_delete are not part of an add-on EKS describes: they say how
// a call is made, are shown in the plan and never diffed.
//
// The Pod Identity associations of an add-on are the cluster's
// associations whose ownerArn is the add-on (read by the Pod Identity
// kind); a pod_identity block without role_arn gets a managed role, as
// pod_identity blocks of the cluster do.

// TypeAddon is the JSON type of an EKS add-on.
const TypeAddon Type = "aws_eks_addon"

// AddonAttrs are an EKS add-on's attributes.
type AddonAttrs struct {
	Name    string `json:"addon_name"`
	ARN     string `json:"arn,omitempty"`
	Version string `json:"addon_version"`
	// ConfigurationValues is canonical JSON (sorted keys, no spaces), or
	// the text as EKS holds it when that is not JSON (YAML).
	ConfigurationValues   string                  `json:"configuration_values"`
	ServiceAccountRoleARN string                  `json:"service_account_role_arn"`
	PodIdentities         []AddonPodIdentityAttrs `json:"pod_identity_association"`
	Tags                  map[string]string       `json:"tags"`
	// ResolveConflicts is what the plan sends (desired only: EKS does not
	// describe it).
	ResolveConflicts string `json:"resolve_conflicts,omitempty"`
	Status           string `json:"status,omitempty"`
	// Updates are the add-on's update IDs; see ClusterAttrs.Updates.
	Updates []string `json:"-"`
}

// AddonPodIdentityAttrs is one Pod Identity association of an add-on.
type AddonPodIdentityAttrs struct {
	ServiceAccount string `json:"service_account"`
	RoleARN        string `json:"role_arn"`
}

// addonSchema: the name is the add-on (another name is another add-on);
// the rest changes in place with UpdateAddon, tags with Tag/UntagResource.
var addonSchema = Schema{
	"addon_name":               {ForceNew: true},
	"addon_version":            {},
	"configuration_values":     {},
	"service_account_role_arn": {},
	"pod_identity_association": {Set: true},
	"tags":                     {},
}

// addonUpdatePaths are what one UpdateAddon changes.
var addonUpdatePaths = []string{"addon_version", "configuration_values", "service_account_role_arn", "pod_identity_association"}

// addonAPI is the part of the EKS API add-ons use (part of EKSAPI).
type addonAPI interface {
	ListAddons(context.Context, *eks.ListAddonsInput, ...func(*eks.Options)) (*eks.ListAddonsOutput, error)
	DescribeAddon(context.Context, *eks.DescribeAddonInput, ...func(*eks.Options)) (*eks.DescribeAddonOutput, error)
	CreateAddon(context.Context, *eks.CreateAddonInput, ...func(*eks.Options)) (*eks.CreateAddonOutput, error)
	UpdateAddon(context.Context, *eks.UpdateAddonInput, ...func(*eks.Options)) (*eks.UpdateAddonOutput, error)
	DeleteAddon(context.Context, *eks.DeleteAddonInput, ...func(*eks.Options)) (*eks.DeleteAddonOutput, error)
	DescribeAddonVersions(context.Context, *eks.DescribeAddonVersionsInput, ...func(*eks.Options)) (*eks.DescribeAddonVersionsOutput, error)
	DescribeAddonConfiguration(context.Context, *eks.DescribeAddonConfigurationInput, ...func(*eks.Options)) (*eks.DescribeAddonConfigurationOutput, error)
}

// AddonAddress is the address of an addon block's add-on.
func AddonAddress(cluster, name string) string {
	return ClusterAddress(cluster) + ".addon." + name
}

// AddonPodIdentityRoleAddress is the address of the managed role of an
// add-on's pod_identity block without role_arn.
func AddonPodIdentityRoleAddress(cluster, addon, serviceAccount string) string {
	return AddonAddress(cluster, addon) + ".pod_identity." + serviceAccount + ".role"
}

// addonRoleRef is the Refs path of the role of an add-on's service account
// (see AddonAttrs.setRef).
func addonRoleRef(serviceAccount string) string {
	return "pod_identity_association." + serviceAccount + ".role_arn"
}

// addonFromAWS converts DescribeAddon's answer. Its Pod Identity
// associations are filled in from the cluster's (liveCluster.addons).
func addonFromAWS(a *ekstypes.Addon) *AddonAttrs {
	values, _ := canonicalJSON(aws.ToString(a.ConfigurationValues))
	return &AddonAttrs{
		Name:                  aws.ToString(a.AddonName),
		ARN:                   aws.ToString(a.AddonArn),
		Version:               aws.ToString(a.AddonVersion),
		ConfigurationValues:   values,
		ServiceAccountRoleARN: aws.ToString(a.ServiceAccountRoleArn),
		Tags:                  liveTags(a.Tags),
		Status:                string(a.Status),
	}
}

func (a *AddonAttrs) liveStatus() string   { return a.Status }
func (a *AddonAttrs) physicalName() string { return a.Name }
func (a *AddonAttrs) usedRoleARN() string  { return a.ServiceAccountRoleARN }
func (a *AddonAttrs) updateIDs() []string  { return a.Updates }

// setRef sets the role of a service account that was known after apply
// (path: addonRoleRef); false for any other path.
func (a *AddonAttrs) setRef(path, value string) bool {
	for i, p := range a.PodIdentities {
		if addonRoleRef(p.ServiceAccount) == path {
			a.PodIdentities[i].RoleARN = value
			return true
		}
	}
	return false
}

var addonResource = eksResource[*ekstypes.Addon]{
	noun: "add-on", child: true,
	describe: func(ctx context.Context, api EKSAPI, cluster, name string) (*ekstypes.Addon, error) {
		out, err := api.DescribeAddon(ctx, &eks.DescribeAddonInput{ClusterName: aws.String(cluster), AddonName: aws.String(name)})
		if err != nil {
			return nil, err
		}
		return out.Addon, nil
	},
	status: func(a *ekstypes.Addon) string { return string(a.Status) },
	issues: addonIssues,
	tags:   func(a *ekstypes.Addon) map[string]string { return a.Tags },
	failed: []string{string(ekstypes.AddonStatusCreateFailed), string(ekstypes.AddonStatusDegraded),
		string(ekstypes.AddonStatusUpdateFailed), string(ekstypes.AddonStatusDeleteFailed)},
	deleteFailed: string(ekstypes.AddonStatusDeleteFailed),
}

func addonIssues(a *ekstypes.Addon) []issue {
	if a.Health == nil {
		return nil
	}
	return healthIssues(a.Health.Issues, func(i ekstypes.AddonIssue) (string, *string, []string) {
		return string(i.Code), i.Message, i.ResourceIds
	})
}

// listAddons follows ListAddons' pagination.
func (o *observer) listAddons(ctx context.Context, api EKSAPI, cluster string) ([]string, error) {
	return listChildren(ctx, o, "add-ons", cluster, func(ctx context.Context, token *string) (*eks.ListAddonsOutput, error) {
		return api.ListAddons(ctx, &eks.ListAddonsInput{ClusterName: aws.String(cluster), NextToken: token, MaxResults: aws.Int32(100)})
	}, func(out *eks.ListAddonsOutput) ([]string, *string) { return out.Addons, out.NextToken })
}

// listAddonUpdates returns the sorted IDs of the updates of add-on name
// of cluster (ListUpdates addonName), following the pagination; an add-on
// that does not exist has none.
func (o *observer) listAddonUpdates(ctx context.Context, api EKSAPI, cluster, name string) ([]string, error) {
	var ids []string
	var token *string
	for {
		var out *eks.ListUpdatesOutput
		err := o.eks.call(ctx, func(ctx context.Context) (err error) {
			out, err = api.ListUpdates(ctx, &eks.ListUpdatesInput{Name: aws.String(cluster), AddonName: aws.String(name), NextToken: token, MaxResults: aws.Int32(100)})
			return err
		})
		if notFoundErr(err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("listing the updates of add-on %q of cluster %q: %w", name, cluster, err)
		}
		ids = append(ids, out.UpdateIds...)
		if aws.ToString(out.NextToken) == "" {
			sort.Strings(ids)
			return ids, nil
		}
		token = out.NextToken
	}
}

// addonKind is the add-on's contract with the engine (kinds.go). A
// replacement cannot happen (the name is the add-on); deleting an add-on
// waits until it is gone, so that a cluster deleted after it does not
// race it.
func addonKind() *kind {
	return &kind{
		typ:      TypeAddon,
		schema:   addonSchema,
		newAttrs: func() any { return &AddonAttrs{} },
		nameKey:  "addon_name",
		apply:    applyAddon,
		weight:   time.Minute,
		replace:  DeleteThenCreate,
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			if a := findAddon(o.cluster, ch); a != nil {
				return a
			}
			return nil
		},
		observe: func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any {
			// The update IDs of each add-on are read alongside its
			// description, in the same round trip.
			return anySlice(observeChildren(ctx, o, c.EKS, cluster, errs, o.listAddons, addonResource, addonFromAWS,
				func(name string) *future[func(*AddonAttrs)] {
					return goFuture(func() (func(*AddonAttrs), error) {
						ids, err := o.listAddonUpdates(ctx, c.EKS, cluster, name)
						return func(a *AddonAttrs) { a.Updates = ids }, err
					})
				}))
		},
		deletesWith: func(lc *liveCluster, ch *ResourceChange) []any {
			a, _ := ch.Before.(*AddonAttrs)
			if a == nil || addonPreserved(ch) {
				return nil // preserved: the associations stay
			}
			var out []any
			for _, p := range lc.podIdentities() {
				if p.OwnerARN != "" && p.OwnerARN == a.ARN {
					out = append(out, p)
				}
			}
			return out
		},
		readForBlocks:         readAddonCatalog,
		blockReadFailure:      "Cannot read the EKS add-on catalogue",
		plan:                  (*planner).planAddons,
		destroy:               (*planner).destroyAddons,
		noun:                  "add-on",
		blocksClusterDeletion: false, // EKS deletes a cluster's add-ons with it
		blockRange: func(c *spec.Cluster, address string) (hcl.Range, bool) {
			for _, a := range c.Addons {
				if AddonAddress(c.Name, a.Name) == address {
					return a.DeclRange, true
				}
				for _, p := range a.PodIdentities {
					if AddonPodIdentityRoleAddress(c.Name, a.Name, p.ServiceAccount) == address {
						return p.DeclRange, true
					}
				}
			}
			return hcl.Range{}, false
		},
		wantsRoles: func(cp *clusterPlan) map[string]string {
			c := cp.spec
			m := map[string]string{}
			for _, a := range c.Addons {
				for _, p := range a.PodIdentities {
					if p.RoleARN == "" {
						m[AddonPodIdentityRoleAddress(c.Name, a.Name, p.ServiceAccount)] = p.RoleName
					}
				}
			}
			return m
		},
		namesRole: func(c *spec.Cluster, arn string) string {
			for _, a := range c.Addons {
				if a.ServiceAccountRoleARN == arn {
					return fmt.Sprintf("the service_account_role_arn of add-on %q names it", a.Name)
				}
				for _, p := range a.PodIdentities {
					if p.RoleARN == arn {
						return fmt.Sprintf("the role_arn of pod_identity %q of add-on %q names it", p.ServiceAccount, a.Name)
					}
				}
			}
			return ""
		},
	}
}

// addons are the cluster's live add-ons, sorted by name, each with its Pod
// Identity associations (the cluster's associations it owns).
func (lc *liveCluster) addons() []*AddonAttrs {
	out := childrenOf[*AddonAttrs](lc, TypeAddon)
	for _, a := range out {
		var pias []AddonPodIdentityAttrs
		for _, p := range lc.podIdentities() {
			if p.OwnerARN != "" && p.OwnerARN == a.ARN {
				pias = append(pias, AddonPodIdentityAttrs{ServiceAccount: p.ServiceAccount, RoleARN: p.RoleARN})
			}
		}
		sort.Slice(pias, func(i, j int) bool { return pias[i].ServiceAccount < pias[j].ServiceAccount })
		a.PodIdentities = pias
	}
	return out
}

// The add-on catalogue: what DescribeAddonVersions and
// DescribeAddonConfiguration say of the add-ons a cluster's blocks name.

// addonVersion is one version of an add-on, with the Kubernetes versions
// it is compatible with and those it is the default of.
type addonVersion struct {
	version  string
	compat   map[string]bool
	defaults map[string]bool
}

// addonCatalog is what was read for one cluster's addon blocks.
type addonCatalog struct {
	// versions of each add-on, newest first; an add-on EKS does not know
	// has none.
	versions map[string][]addonVersion
	// schemas are the configuration schemas, by addonSchemaKey.
	schemas map[string]string
}

func addonSchemaKey(name, version string) string { return name + "@" + version }

// catalogOf is what readAddonCatalog read for cp (empty when nothing).
func catalogOf(cp *clusterPlan) *addonCatalog {
	if c, ok := cp.reads[TypeAddon].(*addonCatalog); ok && c != nil {
		return c
	}
	return &addonCatalog{versions: map[string][]addonVersion{}, schemas: map[string]string{}}
}

// clusterTargetVersion is the Kubernetes version the cluster of cp has once
// the plan is applied: the one written, or the live one when none is.
func clusterTargetVersion(cp *clusterPlan) string {
	c := cp.spec
	if cp.live != nil && cp.live.cluster != nil && c.VersionDefaulted && cp.live.cluster.Version != "" {
		return cp.live.cluster.Version
	}
	return c.Version
}

// readAddonCatalog reads the versions of every add-on the cluster's blocks
// name (DescribeAddonVersions, every Kubernetes version: an upgrade needs
// several) and the configuration schema of each version a block with
// configuration values resolves to.
func readAddonCatalog(ctx context.Context, o *observer, cp *clusterPlan) (any, error) {
	cat := &addonCatalog{versions: map[string][]addonVersion{}, schemas: map[string]string{}}
	if len(cp.spec.Addons) == 0 {
		return cat, nil
	}
	api := cp.clients.EKS
	var mu sync.Mutex
	var errs errList
	var wg sync.WaitGroup
	for _, a := range cp.spec.Addons {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vs, err := readAddonVersions(ctx, o, api, a.Name)
			if err != nil {
				errs.add(err)
				return
			}
			mu.Lock()
			cat.versions[a.Name] = vs
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := errs.err(); err != nil {
		return cat, err
	}
	target := clusterTargetVersion(cp)
	for _, a := range cp.spec.Addons {
		if a.ConfigurationValues == "" {
			continue
		}
		v, _ := resolveAddonVersion(cat.versions[a.Name], a.Version, target)
		if v == "" {
			continue // the plan reports it
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out *eks.DescribeAddonConfigurationOutput
			err := o.eks.call(ctx, func(ctx context.Context) (err error) {
				out, err = api.DescribeAddonConfiguration(ctx, &eks.DescribeAddonConfigurationInput{AddonName: aws.String(a.Name), AddonVersion: aws.String(v)})
				return err
			})
			if notFoundErr(err) {
				return
			}
			if err != nil {
				errs.add(fmt.Errorf("reading the configuration schema of add-on %s %s: %w", a.Name, v, err))
				return
			}
			mu.Lock()
			cat.schemas[addonSchemaKey(a.Name, v)] = aws.ToString(out.ConfigurationSchema)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return cat, errs.err()
}

// readAddonVersions follows DescribeAddonVersions' pagination for one
// add-on and returns its versions, newest first.
func readAddonVersions(ctx context.Context, o *observer, api EKSAPI, name string) ([]addonVersion, error) {
	var out []addonVersion
	var token *string
	for {
		var page *eks.DescribeAddonVersionsOutput
		err := o.eks.call(ctx, func(ctx context.Context) (err error) {
			page, err = api.DescribeAddonVersions(ctx, &eks.DescribeAddonVersionsInput{AddonName: aws.String(name), NextToken: token, MaxResults: aws.Int32(100)})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("reading the versions of add-on %s: %w", name, err)
		}
		for _, info := range page.Addons {
			if aws.ToString(info.AddonName) != name {
				continue
			}
			for _, v := range info.AddonVersions {
				av := addonVersion{version: aws.ToString(v.AddonVersion), compat: map[string]bool{}, defaults: map[string]bool{}}
				for _, c := range v.Compatibilities {
					k := aws.ToString(c.ClusterVersion)
					av.compat[k] = true
					if c.DefaultVersion {
						av.defaults[k] = true
					}
				}
				out = append(out, av)
			}
		}
		if aws.ToString(page.NextToken) == "" {
			break
		}
		token = page.NextToken
	}
	sort.SliceStable(out, func(i, j int) bool { return compareAddonVersions(out[i].version, out[j].version) > 0 })
	return out, nil
}

var addonVersionParts = regexp.MustCompile(`[0-9]+`)

// compareAddonVersions orders add-on versions ("v1.19.2-eksbuild.1") by
// their numbers: major, minor, patch, build.
func compareAddonVersions(a, b string) int {
	x, y := addonVersionParts.FindAllString(a, -1), addonVersionParts.FindAllString(b, -1)
	for i := 0; i < len(x) && i < len(y); i++ {
		p, _ := strconv.Atoi(x[i])
		q, _ := strconv.Atoi(y[i])
		if p != q {
			return p - q
		}
	}
	if len(x) != len(y) {
		return len(x) - len(y)
	}
	return strings.Compare(a, b)
}

// resolveAddonVersion is the exact version want ("default", "latest" or a
// version) stands for on Kubernetes k8s, or an error saying why there is
// none, for people.
func resolveAddonVersion(vs []addonVersion, want, k8s string) (string, error) {
	if len(vs) == 0 {
		return "", fmt.Errorf("EKS lists no version of this add-on: it is not an add-on of the EKS catalogue in this region (aws eks describe-addon-versions lists them)")
	}
	var compatible []string
	for _, v := range vs {
		if v.compat[k8s] {
			compatible = append(compatible, v.version)
		}
	}
	switch want {
	case spec.AddonVersionDefault:
		for _, v := range vs {
			if v.compat[k8s] && v.defaults[k8s] {
				return v.version, nil
			}
		}
		if len(compatible) > 0 {
			return compatible[0], nil
		}
	case spec.AddonVersionLatest:
		if len(compatible) > 0 {
			return compatible[0], nil
		}
	default:
		for _, v := range vs {
			if v.version != want {
				continue
			}
			if v.compat[k8s] {
				return want, nil
			}
			return "", fmt.Errorf("version %s is not compatible with Kubernetes %s; %s", want, k8s, compatibleList(compatible, k8s))
		}
		return "", fmt.Errorf("EKS has no version %s of this add-on; %s", want, compatibleList(compatible, k8s))
	}
	return "", fmt.Errorf("no version of this add-on is compatible with Kubernetes %s", k8s)
}

func compatibleList(compatible []string, k8s string) string {
	if len(compatible) == 0 {
		return "no version is compatible with Kubernetes " + k8s
	}
	return "the versions compatible with Kubernetes " + k8s + " are " + strings.Join(compatible, ", ")
}

// createResolveConflicts is what CreateAddon is sent for resolve_conflicts:
// EKS accepts NONE or OVERWRITE at creation (CreateAddon
// resolveConflicts: "PRESERVE is not supported on create"), and with
// nothing installed yet PRESERVE keeps the same as NONE: whatever exists
// of the add-on in the cluster is left as it is.
func createResolveConflicts(v string) string {
	if v == "PRESERVE" {
		return "NONE"
	}
	return v
}

// addonSteps maps the diffs of an add-on to its calls: tags, then one
// UpdateAddon for the version, the configuration values, the IRSA role and
// the Pod Identity associations.
func addonSteps(before, after *AddonAttrs, diffs []AttrDiff) []Step {
	paths := diffPaths(diffs)
	var steps []Step
	if paths["tags"] {
		steps = append(steps, tagSteps("TagResource", "UntagResource", before.Tags, after.Tags)...)
	}
	update := pathsIn(paths, addonUpdatePaths...)
	if len(update) > 0 {
		s := Step{Call: "UpdateAddon", Detail: strings.Join(update, ", "), Paths: update}
		if paths["addon_version"] {
			s.Target = after.Version
			s.Detail = before.Version + " -> " + after.Version
			if len(update) > 1 {
				s.Detail += "; " + strings.Join(update[1:], ", ")
			}
		}
		steps = append(steps, s)
	}
	return steps
}

// planAddons matches addon blocks with live add-ons by name; owned add-ons
// no block wants are deleted, others are left alone.
func (pl *planner) planAddons(cp *clusterPlan, _ useFunc) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	cat := catalogOf(cp)
	var diags hcl.Diagnostics
	byName := map[string]*AddonAttrs{}
	for _, a := range live.addons() {
		byName[a.Name] = a
	}
	target := clusterTargetVersion(cp)
	clusterAddr := ClusterAddress(c.Name)
	declared := map[string]bool{}
	for _, a := range c.Addons {
		declared[a.Name] = true
		addr := AddonAddress(c.Name, a.Name)
		version, err := resolveAddonVersion(cat.versions[a.Name], a.Version, target)
		if err != nil {
			diags = append(diags, errorDiag(a.AttrRange("version"), fmt.Sprintf("No version %q of add-on %q for Kubernetes %s", a.Version, a.Name, target),
				fmt.Sprintf("Add-on %q of cluster %q: %s.", a.Name, c.Name, err)))
			continue
		}
		values, _ := canonicalJSON(a.ConfigurationValues)
		if d := checkAddonConfiguration(cat, a, version); d != nil {
			diags = append(diags, d)
			continue
		}
		ch := &ResourceChange{Address: addr, Type: TypeAddon, DependsOn: []string{clusterAddr}}
		refs, changing := map[string]string{}, map[string]bool{}
		var pias []AddonPodIdentityAttrs
		failed := false
		for _, p := range a.PodIdentities {
			roleARN := p.RoleARN
			if roleARN == "" {
				roleAddr := AddonPodIdentityRoleAddress(c.Name, a.Name, p.ServiceAccount)
				arn, creating, d := pl.planRole(cp, roleAddr, &RoleAttrs{
					Name: p.RoleName, Path: RolePath,
					AssumeRolePolicy: PodIdentityTrustPolicy(),
					PolicyARNs:       p.PolicyARNs,
					Tags:             cp.ownedTags(a.Tags, roleAddr),
				}, nil, nil, p.DeclRange)
				diags = append(diags, d...)
				if d.HasErrors() {
					failed = true
					continue
				}
				roleARN = arn
				if arn == KnownAfterApply {
					refs[addonRoleRef(p.ServiceAccount)] = roleAddr
				}
				changing["pod_identity_association"] = changing["pod_identity_association"] || creating
				ch.DependsOn = append(ch.DependsOn, roleAddr)
			}
			pias = append(pias, AddonPodIdentityAttrs{ServiceAccount: p.ServiceAccount, RoleARN: roleARN})
		}
		if failed {
			continue
		}
		sort.Slice(pias, func(i, j int) bool { return pias[i].ServiceAccount < pias[j].ServiceAccount })
		after := &AddonAttrs{
			Name: a.Name, Version: version, ConfigurationValues: values,
			ServiceAccountRoleARN: a.ServiceAccountRoleARN, PodIdentities: pias,
			Tags: cp.ownedTags(a.Tags, addr), ResolveConflicts: a.ResolveConflicts,
		}
		ch.After, ch.Refs = after, refs
		cur := byName[a.Name]
		switch {
		case cur == nil:
			ch.Action = Create
			cp.add(ch)
			continue
		case owner(cur.Tags) != c.Name && !pl.opts.Adopt:
			diags = append(diags, errorDiag(a.DeclRange, fmt.Sprintf("Add-on %q exists but is not managed by eksctl-lite", a.Name),
				fmt.Sprintf("Cluster %q already has the add-on %q (%s), which eksctl-lite did not create (it has no %s tag); eksctl-lite never changes what it does not own. Run again with --adopt to manage it from this block (the plan then shows every difference), or remove this addon block.", c.Name, a.Name, cur.Version, TagCluster)))
			continue
		}
		ch.Before = cur
		ch.DependsOn = append(ch.DependsOn, cp.addonRoleDeps(pl, cur)...)
		ch.Diffs = diffAddon(cur, after, changing)
		ch.Action = actionOf(ch.Diffs)
		if owner(cur.Tags) != c.Name {
			ch.Reason = "adopting an existing add-on"
		}
		ch.Steps = addonSteps(cur, after, ch.Diffs)
		if compareAddonVersions(after.Version, cur.Version) < 0 {
			// EKS takes an add-on back (UpdateAddon accepts an older
			// version), but nobody should do it by surprise: "default"
			// after "latest", or after an upgrade made in the console.
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(a.AttrRange("version")),
				Summary: fmt.Sprintf("Add-on %q goes back from %s to %s", a.Name, cur.Version, after.Version),
				Detail:  fmt.Sprintf("Add-on %q of cluster %q runs %s; version %q is %s for Kubernetes %s, an older version, so the plan downgrades it. If that is not what you want, set version to %q (or \"latest\").", a.Name, c.Name, cur.Version, a.Version, after.Version, target, cur.Version)})
		}
		cp.add(ch)
	}
	var foreign []string
	for _, a := range live.addons() {
		switch {
		case !declared[a.Name] && owner(a.Tags) == c.Name:
			cp.add(cp.deleteAddon(pl, a, false, "not in the configuration"))
		case !declared[a.Name] && owner(a.Tags) == "":
			foreign = append(foreign, a.Name)
		}
	}
	if len(foreign) > 0 {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(c.DeclRange),
			Summary: fmt.Sprintf("Cluster %q has add-ons eksctl-lite does not manage: %s", c.Name, strings.Join(foreign, ", ")),
			Detail:  fmt.Sprintf("eksctl-lite did not create %s (no %s tag) and leaves them as they are. To manage one from this configuration, add an addon block for it and run with --adopt.", strings.Join(foreign, ", "), TagCluster)})
	}
	return diags
}

// diffAddon is diffAttrs with the configuration values compared as JSON.
func diffAddon(before, after *AddonAttrs, changing map[string]bool) []AttrDiff {
	var out []AttrDiff
	for _, d := range diffAttrs(addonSchema, before, after, changing) {
		if d.Path == "configuration_values" && jsonEqual(before.ConfigurationValues, after.ConfigurationValues) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// checkAddonConfiguration checks a block's configuration values against
// the schema of the version it resolves to; nil when they fit (or there is
// no schema to check them with: EKS checks them again).
func checkAddonConfiguration(cat *addonCatalog, a *spec.Addon, version string) *hcl.Diagnostic {
	if a.ConfigurationValues == "" {
		return nil
	}
	schema := cat.schemas[addonSchemaKey(a.Name, version)]
	if schema == "" {
		return nil
	}
	errs, err := schemaErrors(schema, a.ConfigurationValues)
	if err != nil {
		return errorDiag(a.AttrRange("configuration_values"), fmt.Sprintf("Cannot check the configuration values of add-on %q", a.Name), err.Error()+".")
	}
	if len(errs) == 0 {
		return nil
	}
	return errorDiag(a.AttrRange("configuration_values"), fmt.Sprintf("Invalid configuration values for add-on %q %s", a.Name, version),
		fmt.Sprintf("The configuration values do not fit the schema EKS publishes for %s %s (aws eks describe-addon-configuration --addon-name %s --addon-version %s): %s.",
			a.Name, version, a.Name, version, strings.Join(errs, "; ")))
}

// deleteAddon plans the deletion of a live add-on; preserve keeps its
// software running in the cluster (DeleteAddon preserve), said by the
// change's one step.
func (cp *clusterPlan) deleteAddon(pl *planner, a *AddonAttrs, preserve bool, reason string) *ResourceChange {
	addr := a.Tags[TagAddress]
	if addr == "" {
		addr = AddonAddress(cp.spec.Name, a.Name)
	}
	ch := &ResourceChange{Address: addr, Type: TypeAddon, Action: Delete, Before: a,
		DependsOn: append([]string{ClusterAddress(cp.spec.Name)}, cp.addonRoleDeps(pl, a)...), Reason: reason}
	if preserve {
		ch.Steps = []Step{{Call: "DeleteAddon", Detail: "preserve: the add-on's software stays in the cluster", Target: "preserve"}}
	}
	return ch
}

// addonRoleDeps are the managed roles the live add-on a uses (its IRSA
// role, its associations' roles): each is deleted only after the add-on
// stops using it.
func (cp *clusterPlan) addonRoleDeps(pl *planner, a *AddonAttrs) []string {
	deps := cp.roleDeps(pl.liveRoles(), a.ServiceAccountRoleARN)
	for _, p := range a.PodIdentities {
		deps = append(deps, cp.roleDeps(pl.liveRoles(), p.RoleARN)...)
	}
	return deps
}

// addonPreserved reports whether a Delete change of an add-on keeps its
// software (and its Pod Identity associations) in the cluster.
func addonPreserved(ch *ResourceChange) bool {
	for _, s := range ch.Steps {
		if s.Call == "DeleteAddon" && s.Target == "preserve" {
			return true
		}
	}
	return false
}

// destroyAddons plans the deletion of every add-on the cluster owns, before
// the cluster (so that preserve_on_delete is honoured and the add-on's
// roles are freed in order).
func (pl *planner) destroyAddons(cp *clusterPlan, reason string) {
	preserve := map[string]bool{}
	for _, a := range cp.spec.Addons {
		preserve[a.Name] = a.PreserveOnDelete
	}
	var foreign []string
	for _, a := range cp.live.addons() {
		switch {
		case owner(a.Tags) == cp.spec.Name:
			cp.add(cp.deleteAddon(pl, a, preserve[a.Name], reason))
		case cp.owned:
			foreign = append(foreign, a.Name)
		}
	}
	if len(foreign) > 0 {
		cp.warn(&hcl.Diagnostic{Severity: hcl.DiagWarning, Subject: rangePtr(cp.spec.DeclRange),
			Summary: fmt.Sprintf("Deleting cluster %q deletes add-ons eksctl-lite did not create: %s", cp.spec.Name, strings.Join(foreign, ", ")),
			Detail:  fmt.Sprintf("eksctl-lite never deletes %s itself, but EKS deletes a cluster's add-ons with it (DeleteCluster).", strings.Join(foreign, ", "))})
	}
}

// findAddon is the live add-on a change of a saved plan is about.
func findAddon(lc *liveCluster, ch *ResourceChange) *AddonAttrs {
	name := ""
	if b, ok := ch.Before.(*AddonAttrs); ok && b != nil {
		name = b.Name
	} else if a, ok := ch.After.(*AddonAttrs); ok && a != nil {
		name = a.Name
	}
	for _, a := range lc.addons() {
		if a.Name == name {
			return a
		}
	}
	return nil
}

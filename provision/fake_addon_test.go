package provision

// The fake account's EKS add-ons, with the rules the emulator enforces
// (integration/emulator/eks_addons.py): a version must be in the
// catalogue and compatible with the cluster's Kubernetes version (none:
// that version's default), configuration values must fit the version's
// schema, PRESERVE is refused at creation, the Pod Identity associations
// name service accounts the add-on uses, an add-on is updated only when
// ACTIVE and an update must change something. An add-on's associations
// are the account's Pod Identity associations owned by it.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// fakeAddonEKS holds the function fields of the add-on calls (embedded in
// fakeEKS).
type fakeAddonEKS struct {
	listAddonsFn                 func(context.Context, *eks.ListAddonsInput) (*eks.ListAddonsOutput, error)
	describeAddonFn              func(context.Context, *eks.DescribeAddonInput) (*eks.DescribeAddonOutput, error)
	createAddonFn                func(context.Context, *eks.CreateAddonInput) (*eks.CreateAddonOutput, error)
	updateAddonFn                func(context.Context, *eks.UpdateAddonInput) (*eks.UpdateAddonOutput, error)
	deleteAddonFn                func(context.Context, *eks.DeleteAddonInput) (*eks.DeleteAddonOutput, error)
	describeAddonVersionsFn      func(context.Context, *eks.DescribeAddonVersionsInput) (*eks.DescribeAddonVersionsOutput, error)
	describeAddonConfigurationFn func(context.Context, *eks.DescribeAddonConfigurationInput) (*eks.DescribeAddonConfigurationOutput, error)
}

func (f *fakeAddonEKS) ListAddons(ctx context.Context, in *eks.ListAddonsInput, _ ...func(*eks.Options)) (*eks.ListAddonsOutput, error) {
	if f.listAddonsFn == nil {
		panic(fmt.Sprintf("unexpected call ListAddons(%+v)", in))
	}
	return f.listAddonsFn(ctx, in)
}

func (f *fakeAddonEKS) DescribeAddon(ctx context.Context, in *eks.DescribeAddonInput, _ ...func(*eks.Options)) (*eks.DescribeAddonOutput, error) {
	if f.describeAddonFn == nil {
		panic(fmt.Sprintf("unexpected call DescribeAddon(%+v)", in))
	}
	return f.describeAddonFn(ctx, in)
}

func (f *fakeAddonEKS) CreateAddon(ctx context.Context, in *eks.CreateAddonInput, _ ...func(*eks.Options)) (*eks.CreateAddonOutput, error) {
	if f.createAddonFn == nil {
		panic(fmt.Sprintf("unexpected call CreateAddon(%+v)", in))
	}
	return f.createAddonFn(ctx, in)
}

func (f *fakeAddonEKS) UpdateAddon(ctx context.Context, in *eks.UpdateAddonInput, _ ...func(*eks.Options)) (*eks.UpdateAddonOutput, error) {
	if f.updateAddonFn == nil {
		panic(fmt.Sprintf("unexpected call UpdateAddon(%+v)", in))
	}
	return f.updateAddonFn(ctx, in)
}

func (f *fakeAddonEKS) DeleteAddon(ctx context.Context, in *eks.DeleteAddonInput, _ ...func(*eks.Options)) (*eks.DeleteAddonOutput, error) {
	if f.deleteAddonFn == nil {
		panic(fmt.Sprintf("unexpected call DeleteAddon(%+v)", in))
	}
	return f.deleteAddonFn(ctx, in)
}

func (f *fakeAddonEKS) DescribeAddonVersions(ctx context.Context, in *eks.DescribeAddonVersionsInput, _ ...func(*eks.Options)) (*eks.DescribeAddonVersionsOutput, error) {
	if f.describeAddonVersionsFn == nil {
		panic(fmt.Sprintf("unexpected call DescribeAddonVersions(%+v)", in))
	}
	return f.describeAddonVersionsFn(ctx, in)
}

func (f *fakeAddonEKS) DescribeAddonConfiguration(ctx context.Context, in *eks.DescribeAddonConfigurationInput, _ ...func(*eks.Options)) (*eks.DescribeAddonConfigurationOutput, error) {
	if f.describeAddonConfigurationFn == nil {
		panic(fmt.Sprintf("unexpected call DescribeAddonConfiguration(%+v)", in))
	}
	return f.describeAddonConfigurationFn(ctx, in)
}

// fakeCatalogVersion is one version of the fake catalogue: the Kubernetes
// versions it is compatible with and those it is the default of.
type fakeCatalogVersion struct {
	version          string
	compat, defaults []string
}

// fakeAddonCatalog is the fake account's add-on catalogue (oldest first),
// and the service accounts each add-on uses.
var fakeAddonCatalog = map[string][]fakeCatalogVersion{
	"vpc-cni": {
		{"v1.18.6-eksbuild.1", []string{"1.29", "1.30", "1.31", "1.32"}, []string{"1.29", "1.30"}},
		{"v1.19.2-eksbuild.1", []string{"1.30", "1.31", "1.32", "1.33", "1.34"}, []string{"1.31", "1.32", "1.33"}},
		{"v1.20.4-eksbuild.2", []string{"1.31", "1.32", "1.33", "1.34", "1.35"}, []string{"1.34", "1.35"}},
	},
	"coredns": {
		{"v1.11.3-eksbuild.1", []string{"1.29", "1.30", "1.31", "1.32"}, []string{"1.29", "1.30", "1.31", "1.32"}},
		{"v1.12.1-eksbuild.2", []string{"1.33", "1.34"}, []string{"1.33"}},
		{"v1.12.4-eksbuild.1", []string{"1.34", "1.35"}, []string{"1.34", "1.35"}},
	},
	"kube-proxy":             kubeProxyVersions(),
	"eks-pod-identity-agent": {{"v1.3.4-eksbuild.1", []string{"1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35"}, []string{"1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35"}}},
}

var fakeAddonServiceAccounts = map[string][]string{"vpc-cni": {"aws-node"}}

func kubeProxyVersions() []fakeCatalogVersion {
	var out []fakeCatalogVersion
	for m := 29; m <= 35; m++ {
		k := fmt.Sprintf("1.%d", m)
		out = append(out, fakeCatalogVersion{fmt.Sprintf("v1.%d.0-eksbuild.1", m), []string{k}, nil},
			fakeCatalogVersion{fmt.Sprintf("v1.%d.2-eksbuild.3", m), []string{k}, []string{k}})
	}
	return out
}

// fakeAddonSchema is the configuration schema of every version: vpc-cni
// takes env (string values) and enableNetworkPolicy ("true"/"false"),
// coredns replicaCount (an integer), the others nothing but resources.
func fakeAddonSchema(name string) string {
	props := map[string]any{"resources": map[string]any{"type": "object"}}
	switch name {
	case "vpc-cni":
		props["env"] = map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
		props["enableNetworkPolicy"] = map[string]any{"type": "string", "enum": []string{"true", "false"}}
	case "coredns":
		props["replicaCount"] = map[string]any{"type": "integer"}
	}
	b, _ := json.Marshal(map[string]any{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "additionalProperties": false, "properties": props})
	return string(b)
}

func fakeCatalogVersionOf(name, version string) *fakeCatalogVersion {
	for _, v := range fakeAddonCatalog[name] {
		if v.version == version {
			return &v
		}
	}
	return nil
}

// fakeAddonOps serves the add-on operations of region.
func (a *fakeAccount) fakeAddonOps(f *fakeEKS, region string) {
	r := func() *eksRegion { return a.in(region) }
	activeCluster := func(cluster string) (*eksObject, error) {
		c := r().cluster(cluster)
		if c == nil || c.status == "DELETING" {
			return nil, notFound("No cluster found for name: %s.", cluster)
		}
		return c, nil
	}
	addon := func(cluster, name string) (*eksObject, error) {
		if _, err := activeCluster(cluster); err != nil {
			return nil, err
		}
		o := r().addon(cluster, name)
		if o == nil {
			return nil, notFound("No addon: %s found in cluster: %s", name, cluster)
		}
		return o, nil
	}
	// checkVersion is the version to install on the cluster c: the one
	// asked for, which must exist and be compatible, or the default.
	checkVersion := func(name, version string, c *eksObject) (string, error) {
		k8s := aws.ToString(c.cl.Version)
		if version == "" {
			for _, v := range fakeAddonCatalog[name] {
				if slices.Contains(v.defaults, k8s) {
					return v.version, nil
				}
			}
		}
		v := fakeCatalogVersionOf(name, version)
		if v == nil || !slices.Contains(v.compat, k8s) {
			a.violate("add-on %s version %q on Kubernetes %s", name, version, k8s)
			return "", invalid("Addon version specified is not supported: %s %s", name, version)
		}
		return version, nil
	}
	checkValues := func(name, version string, values *string) error {
		if aws.ToString(values) == "" {
			return nil
		}
		errs, err := schemaErrors(fakeAddonSchema(name), aws.ToString(values))
		if err != nil || len(errs) > 0 {
			a.violate("add-on %s configuration values %s refused: %v %v", name, aws.ToString(values), err, errs)
			return invalid("ConfigurationValue provided in request is not supported: Json schema validation failed with error: %v", errs)
		}
		return nil
	}
	checkPodIdentities := func(name string, pias []ekstypes.AddonPodIdentityAssociations) error {
		for _, p := range pias {
			if !slices.Contains(fakeAddonServiceAccounts[name], aws.ToString(p.ServiceAccount)) {
				a.violate("add-on %s association for service account %s it does not use", name, aws.ToString(p.ServiceAccount))
				return invalid("Service account %s is not used by addon %s", aws.ToString(p.ServiceAccount), name)
			}
			if arn := aws.ToString(p.RoleArn); !strings.HasPrefix(arn, "arn:aws:iam::") || !strings.Contains(arn, ":role/") {
				a.violate("add-on %s association with role %q", name, arn)
				return invalid("Invalid role ARN: %q", arn)
			}
		}
		return nil
	}
	// setOwned makes the add-on's associations those of pias.
	setOwned := func(o *eksObject, pias []ekstypes.AddonPodIdentityAssociations) {
		for k, p := range r().pods {
			if aws.ToString(p.pia.OwnerArn) == o.arn {
				delete(r().pods, k)
			}
		}
		o.addon.PodIdentityAssociations = nil
		for _, p := range pias {
			po := a.putPodIdentityLocked(region, o.cluster, &ekstypes.PodIdentityAssociation{Namespace: aws.String("kube-system"), ServiceAccount: p.ServiceAccount,
				RoleArn: p.RoleArn, OwnerArn: aws.String(o.arn), DisableSessionTags: aws.Bool(false)}, nil)
			o.addon.PodIdentityAssociations = append(o.addon.PodIdentityAssociations, po.arn)
		}
	}

	f.listAddonsFn = func(_ context.Context, in *eks.ListAddonsInput) (*eks.ListAddonsOutput, error) {
		cluster := aws.ToString(in.ClusterName)
		return eksCall(a, "ListAddons", cluster, func() (*eks.ListAddonsOutput, error) {
			if _, err := activeCluster(cluster); err != nil {
				return nil, err
			}
			page, next := a.page(r().children(r().addons, cluster), in.NextToken)
			return &eks.ListAddonsOutput{Addons: page, NextToken: next}, nil
		})
	}
	f.describeAddonFn = func(_ context.Context, in *eks.DescribeAddonInput) (*eks.DescribeAddonOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.AddonName)
		return eksCall(a, "DescribeAddon", name, func() (*eks.DescribeAddonOutput, error) {
			o, err := addon(cluster, name)
			if err != nil {
				return nil, err
			}
			return &eks.DescribeAddonOutput{Addon: describeAddon(o)}, nil
		})
	}
	f.createAddonFn = func(_ context.Context, in *eks.CreateAddonInput) (*eks.CreateAddonOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.AddonName)
		return eksCall(a, "CreateAddon", cluster+"/"+name, func() (*eks.CreateAddonOutput, error) {
			c := r().cluster(cluster)
			if c == nil || c.status != "ACTIVE" {
				a.violate("CreateAddon %s before cluster %s is ACTIVE", name, cluster)
				return nil, notFound("No cluster found for name: %s.", cluster)
			}
			if r().addon(cluster, name) != nil {
				return nil, inUse("Addon already exists.")
			}
			if fakeAddonCatalog[name] == nil {
				a.violate("CreateAddon %s: not in the catalogue", name)
				return nil, invalid("Addon %s specified is not supported", name)
			}
			if in.ResolveConflicts != "" && in.ResolveConflicts != ekstypes.ResolveConflictsOverwrite && in.ResolveConflicts != ekstypes.ResolveConflictsNone {
				a.violate("CreateAddon %s with resolveConflicts %s", name, in.ResolveConflicts)
				return nil, invalid("resolveConflicts must be NONE or OVERWRITE at creation")
			}
			version, err := checkVersion(name, aws.ToString(in.AddonVersion), c)
			if err != nil {
				return nil, err
			}
			if err := checkValues(name, version, in.ConfigurationValues); err != nil {
				return nil, err
			}
			if err := checkPodIdentities(name, in.PodIdentityAssociations); err != nil {
				return nil, err
			}
			a.record("CreateAddon %s/%s %s", cluster, name, version)
			o := a.putAddonLocked(region, cluster, &ekstypes.Addon{AddonName: in.AddonName, AddonVersion: aws.String(version),
				ConfigurationValues: in.ConfigurationValues, ServiceAccountRoleArn: in.ServiceAccountRoleArn}, in.Tags)
			setOwned(o, in.PodIdentityAssociations)
			if a.life.addon > 0 {
				o.status, o.until = "CREATING", time.Now().Add(a.life.addon)
			}
			a.lastCreateAddon = in
			return &eks.CreateAddonOutput{Addon: describeAddon(o)}, nil
		})
	}
	f.updateAddonFn = func(_ context.Context, in *eks.UpdateAddonInput) (*eks.UpdateAddonOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.AddonName)
		return eksCall(a, "UpdateAddon", cluster+"/"+name, func() (*eks.UpdateAddonOutput, error) {
			o, err := addon(cluster, name)
			if err != nil {
				return nil, err
			}
			if a.busy(region, cluster, "addon/"+name) || (o.status != "ACTIVE" && o.status != "DEGRADED") {
				a.violate("UpdateAddon %s while it is %s", name, o.status)
				return nil, inUse("Addon %s cannot be updated as it is currently in %s state", name, o.status)
			}
			version := aws.ToString(o.addon.AddonVersion)
			if in.AddonVersion != nil {
				if version, err = checkVersion(name, aws.ToString(in.AddonVersion), r().cluster(cluster)); err != nil {
					return nil, err
				}
			}
			values := o.addon.ConfigurationValues
			if in.ConfigurationValues != nil {
				values = in.ConfigurationValues
			}
			if err := checkValues(name, version, values); err != nil {
				return nil, err
			}
			if err := checkPodIdentities(name, in.PodIdentityAssociations); err != nil {
				return nil, err
			}
			changed := version != aws.ToString(o.addon.AddonVersion) || aws.ToString(values) != aws.ToString(o.addon.ConfigurationValues) ||
				(in.ServiceAccountRoleArn != nil && aws.ToString(in.ServiceAccountRoleArn) != aws.ToString(o.addon.ServiceAccountRoleArn)) ||
				in.PodIdentityAssociations != nil
			if !changed {
				a.violate("UpdateAddon %s changes nothing", name)
				return nil, invalid("The request changes nothing")
			}
			a.record("UpdateAddon %s/%s %s", cluster, name, version)
			a.lastUpdateAddon = in
			u := a.startUpdate(region, o, "addon/"+name, ekstypes.UpdateTypeAddonUpdate, func() {
				o.addon.AddonVersion, o.addon.ConfigurationValues = aws.String(version), values
				if aws.ToString(o.addon.ConfigurationValues) == "" {
					o.addon.ConfigurationValues = nil
				}
				if in.ServiceAccountRoleArn != nil {
					o.addon.ServiceAccountRoleArn = in.ServiceAccountRoleArn
					if aws.ToString(in.ServiceAccountRoleArn) == "" {
						o.addon.ServiceAccountRoleArn = nil
					}
				}
				if in.PodIdentityAssociations != nil {
					setOwned(o, in.PodIdentityAssociations)
				}
				if o.status == "DEGRADED" {
					o.status = "ACTIVE"
				}
			})
			return &eks.UpdateAddonOutput{Update: u}, nil
		})
	}
	f.deleteAddonFn = func(_ context.Context, in *eks.DeleteAddonInput) (*eks.DeleteAddonOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.AddonName)
		return eksCall(a, "DeleteAddon", cluster+"/"+name, func() (*eks.DeleteAddonOutput, error) {
			o, err := addon(cluster, name)
			if err != nil {
				return nil, err
			}
			a.record("DeleteAddon %s/%s preserve=%t", cluster, name, in.Preserve)
			if !in.Preserve {
				for k, p := range r().pods {
					if aws.ToString(p.pia.OwnerArn) == o.arn {
						delete(r().pods, k)
					}
				}
			}
			o.status, o.until = "DELETING", time.Now().Add(a.life.addon)
			return &eks.DeleteAddonOutput{Addon: describeAddon(o)}, nil
		})
	}
	f.describeAddonVersionsFn = func(_ context.Context, in *eks.DescribeAddonVersionsInput) (*eks.DescribeAddonVersionsOutput, error) {
		name := aws.ToString(in.AddonName)
		return eksCall(a, "DescribeAddonVersions", name, func() (*eks.DescribeAddonVersionsOutput, error) {
			vs := fakeAddonCatalog[name]
			if vs == nil {
				return &eks.DescribeAddonVersionsOutput{}, nil
			}
			info := ekstypes.AddonInfo{AddonName: aws.String(name)}
			for i := len(vs) - 1; i >= 0; i-- {
				v := vs[i]
				vi := ekstypes.AddonVersionInfo{AddonVersion: aws.String(v.version)}
				for _, k := range v.compat {
					vi.Compatibilities = append(vi.Compatibilities, ekstypes.Compatibility{ClusterVersion: aws.String(k), DefaultVersion: slices.Contains(v.defaults, k)})
				}
				info.AddonVersions = append(info.AddonVersions, vi)
			}
			return &eks.DescribeAddonVersionsOutput{Addons: []ekstypes.AddonInfo{info}}, nil
		})
	}
	f.describeAddonConfigurationFn = func(_ context.Context, in *eks.DescribeAddonConfigurationInput) (*eks.DescribeAddonConfigurationOutput, error) {
		name, version := aws.ToString(in.AddonName), aws.ToString(in.AddonVersion)
		return eksCall(a, "DescribeAddonConfiguration", name, func() (*eks.DescribeAddonConfigurationOutput, error) {
			if fakeCatalogVersionOf(name, version) == nil {
				return nil, notFound("Addon %s version %s not found", name, version)
			}
			return &eks.DescribeAddonConfigurationOutput{AddonName: in.AddonName, AddonVersion: in.AddonVersion, ConfigurationSchema: aws.String(fakeAddonSchema(name))}, nil
		})
	}
}

func describeAddon(o *eksObject) *ekstypes.Addon {
	d := *o.addon
	d.Status = ekstypes.AddonStatus(o.status)
	d.Tags = copyTags(o.tags)
	d.PodIdentityAssociations = slices.Clone(o.addon.PodIdentityAssociations)
	if o.status == "DEGRADED" {
		d.Health = &ekstypes.AddonHealth{Issues: []ekstypes.AddonIssue{{Code: ekstypes.AddonIssueCodeInsufficientNumberOfReplicas, Message: aws.String("The add-on is unhealthy because it doesn't have the desired number of replicas.")}}}
	}
	return &d
}

func (r *eksRegion) addon(cluster, name string) *eksObject { return r.get(r.addons, cluster+"/"+name) }

// putAddonLocked stores an ACTIVE add-on of cluster in region; the caller
// holds a.mu.
func (a *fakeAccount) putAddonLocked(region, cluster string, ad *ekstypes.Addon, tags map[string]string) *eksObject {
	if region == "" {
		region = a.region
	}
	name := aws.ToString(ad.AddonName)
	// IDs are random in EKS; here they are stable from run to run (the
	// golden plans show them) and new for each add-on made.
	seq := "addon/" + cluster + "/" + name
	a.in(region).podSeq[seq]++
	arn := fmt.Sprintf("arn:aws:eks:%s:%s:addon/%s/%s/%d", region, testAccount, cluster, name, a.in(region).podSeq[seq])
	ad.ClusterName, ad.AddonArn = aws.String(cluster), aws.String(arn)
	o := &eksObject{name: name, cluster: cluster, arn: arn, status: "ACTIVE", tags: copyTags(tags), addon: ad}
	a.in(region).addons[cluster+"/"+name] = o
	return o
}

// putAddon puts an add-on into the default region, as if made outside the
// test's applies.
func (a *fakeAccount) putAddon(cluster, name, version string, tags map[string]string) *eksObject {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.putAddonLocked("", cluster, &ekstypes.Addon{AddonName: aws.String(name), AddonVersion: aws.String(version)}, tags)
}

// addonOf is the add-on name of cluster in the default region as EKS
// describes it, nil when none.
func (a *fakeAccount) addonOf(cluster, name string) *ekstypes.Addon {
	a.mu.Lock()
	defer a.mu.Unlock()
	o := a.in("").addon(cluster, name)
	if o == nil {
		return nil
	}
	return describeAddon(o)
}

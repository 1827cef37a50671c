package provision

// The plan half of a self-managed node group: an EC2 Auto Scaling group
// of nodes eksctl-lite launches itself, from a launch template of its own
// (launchtemplate.go) with the AMI EKS recommends for the family and the
// user data that joins the cluster, an instance profile for the node role
// (instanceprofile.go), and the access entry that lets the nodes in.

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// TypeAutoScalingGroup is an EC2 Auto Scaling group.
const TypeAutoScalingGroup Type = "aws_autoscaling_group"

// AutoScalingAPI is the part of the Auto Scaling API eksctl-lite calls;
// *autoscaling.Client satisfies it.
type AutoScalingAPI interface {
	DescribeAutoScalingGroups(context.Context, *autoscaling.DescribeAutoScalingGroupsInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error)
	CreateAutoScalingGroup(context.Context, *autoscaling.CreateAutoScalingGroupInput, ...func(*autoscaling.Options)) (*autoscaling.CreateAutoScalingGroupOutput, error)
	UpdateAutoScalingGroup(context.Context, *autoscaling.UpdateAutoScalingGroupInput, ...func(*autoscaling.Options)) (*autoscaling.UpdateAutoScalingGroupOutput, error)
	DeleteAutoScalingGroup(context.Context, *autoscaling.DeleteAutoScalingGroupInput, ...func(*autoscaling.Options)) (*autoscaling.DeleteAutoScalingGroupOutput, error)
	CreateOrUpdateTags(context.Context, *autoscaling.CreateOrUpdateTagsInput, ...func(*autoscaling.Options)) (*autoscaling.CreateOrUpdateTagsOutput, error)
	DeleteTags(context.Context, *autoscaling.DeleteTagsInput, ...func(*autoscaling.Options)) (*autoscaling.DeleteTagsOutput, error)
	StartInstanceRefresh(context.Context, *autoscaling.StartInstanceRefreshInput, ...func(*autoscaling.Options)) (*autoscaling.StartInstanceRefreshOutput, error)
	DescribeInstanceRefreshes(context.Context, *autoscaling.DescribeInstanceRefreshesInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error)
	CancelInstanceRefresh(context.Context, *autoscaling.CancelInstanceRefreshInput, ...func(*autoscaling.Options)) (*autoscaling.CancelInstanceRefreshOutput, error)
}

// SSMAPI is the part of the Systems Manager API eksctl-lite calls: the
// public parameters that name EKS's recommended AMIs (ami.go).
type SSMAPI interface {
	GetParameters(context.Context, *ssm.GetParametersInput, ...func(*ssm.Options)) (*ssm.GetParametersOutput, error)
	// The default lock backend (lock.go).
	PutParameter(context.Context, *ssm.PutParameterInput, ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
	GetParameter(context.Context, *ssm.GetParameterInput, ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
	DeleteParameter(context.Context, *ssm.DeleteParameterInput, ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error)
}

var (
	_ AutoScalingAPI = (*autoscaling.Client)(nil)
	_ SSMAPI         = (*ssm.Client)(nil)
)

// AutoScalingGroupAttrs are a self-managed node group's Auto Scaling
// group. It always launches through a mixed instances policy (one
// instance type or several; on-demand or spot), from eksctl-lite's
// launch template at an explicit version.
type AutoScalingGroupAttrs struct {
	Name                  string   `json:"autoscaling_group_name"`
	ARN                   string   `json:"arn,omitempty"`
	InstanceTypes         []string `json:"instance_types"`
	CapacityType          string   `json:"capacity_type"`
	SubnetIDs             []string `json:"subnet_ids"`
	LaunchTemplateName    string   `json:"launch_template.name"`
	LaunchTemplateVersion string   `json:"launch_template.version"`
	// Version is the Kubernetes version the nodes run (the AMI's), kept in
	// the group's TagKubernetesVersion tag.
	Version     string `json:"version"`
	MinSize     int    `json:"scaling.min_size"`
	MaxSize     int    `json:"scaling.max_size"`
	DesiredSize *int   `json:"scaling.desired_size"`
	// Autoscaled: see NodeGroupAttrs.Autoscaled.
	Autoscaled bool `json:"scaling.autoscaled,omitempty"`
	// MinHealthyPercentage is what an instance refresh keeps in service
	// (100 - the update block's percentage): not a property of the group
	// in AWS, so never diffed.
	MinHealthyPercentage int `json:"instance_refresh.min_healthy_percentage,omitempty"`
	// Tags propagate to the instances: ownership, the cluster's, the
	// cluster autoscaler's and the user's.
	Tags   map[string]string `json:"tags"`
	Status string            `json:"status,omitempty"`
}

// TagKubernetesVersion is the tag that holds the Kubernetes version of a
// self-managed node group's nodes.
const TagKubernetesVersion = "eksctl-lite/kubernetes-version"

// autoScalingGroupSchema: what the group launches (template version,
// instance types, capacity type, subnets) changes in place and rolls the
// instances through an instance refresh; the sizes change in place.
var autoScalingGroupSchema = Schema{
	"instance_types":          {Set: true},
	"capacity_type":           {},
	"subnet_ids":              {Set: true},
	"launch_template.name":    {ForceNew: true},
	"launch_template.version": {},
	"version":                 {},
	"scaling.min_size":        {},
	"scaling.max_size":        {},
	"scaling.desired_size":    {Optional: true},
	"tags":                    {},
}

// refreshPaths are the attributes whose change rolls the instances.
var refreshPaths = []string{"instance_types", "capacity_type", "subnet_ids", "launch_template.version"}

// SelfManagedNodeGroupAddress is the address of a self_managed_node_group
// block's Auto Scaling group.
func SelfManagedNodeGroupAddress(cluster, label string) string {
	return ClusterAddress(cluster) + ".self_managed_node_group." + label
}

// maxAutoScalingGroupName is Auto Scaling's limit (255 characters).
const maxAutoScalingGroupName = 255

// AutoScalingGroupName is the group of self-managed node group label.
func AutoScalingGroupName(cluster, label string) string {
	return limitName("eksctl-lite-"+cluster+"-"+label, maxAutoScalingGroupName)
}

// spotAllocationStrategy is what AWS recommends for spot capacity
// ("price-capacity-optimized": the lowest-priced pools among those least
// likely to be interrupted; Auto Scaling user guide, "Allocation
// strategies for multiple instance types").
const spotAllocationStrategy = "price-capacity-optimized"

// defaultMinHealthyPercentage is the instance refresh's own default.
const defaultMinHealthyPercentage = 90

func autoScalingGroupKind() *kind {
	return &kind{
		typ:      TypeAutoScalingGroup,
		schema:   autoScalingGroupSchema,
		newAttrs: func() any { return &AutoScalingGroupAttrs{} },
		nameKey:  "autoscaling_group_name",
		apply:    applyAutoScalingGroup,
		weight:   4 * time.Minute,
		cost:     autoScalingGroupCost,
		replace:  DeleteThenCreate,
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			name := physicalNameOf(ch.Before)
			if name == "" {
				name = physicalNameOf(ch.After)
			}
			for _, g := range o.cluster.autoScalingGroups() {
				if g.Name == name {
					return g
				}
			}
			return nil
		},
		observe: func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any {
			return anySlice(observeAutoScalingGroups(ctx, o, c.AutoScaling, cluster, errs))
		},
		readForBlocks:    readRecommendedAMIs,
		blockReadFailure: "Cannot read the AMIs EKS recommends",
		plan:             (*planner).planSelfManagedNodeGroups,
		destroy: func(pl *planner, cp *clusterPlan, reason string) {
			for _, g := range cp.live.autoScalingGroups() {
				if owner(g.Tags) == cp.spec.Name {
					cp.add(deleteAutoScalingGroup(cp, g, reason))
				}
			}
		},
		wantsRoles: func(cp *clusterPlan) map[string]string {
			c := cp.spec
			return managedRoleIfAny(c.SelfManagedNodeGroups, smRoleOf, NodeRoleAddress(c.Name), NodeRoleName(c.Name, cp.region))
		},
		namesRole: func(c *spec.Cluster, arn string) string {
			return blockNaming(c.SelfManagedNodeGroups, smRoleOf, arn, func(g *spec.SelfManagedNodeGroup) string {
				return fmt.Sprintf("the node_role_arn of self-managed node group %q names it", g.Name)
			})
		},
		noun: "self-managed node group",
		blockRange: func(c *spec.Cluster, address string) (hcl.Range, bool) {
			for _, g := range c.SelfManagedNodeGroups {
				a := SelfManagedNodeGroupAddress(c.Name, g.Name)
				switch address {
				case a, InstanceProfileAddress(a), NodeAccessEntryAddress(a):
					return g.DeclRange, true
				case LaunchTemplateAddress(a):
					return g.LaunchTemplate.DeclRange, true
				}
			}
			return hcl.Range{}, false
		},
	}
}

func smRoleOf(g *spec.SelfManagedNodeGroup) string { return g.NodeRoleARN }

func (a *AutoScalingGroupAttrs) physicalName() string { return a.Name }

// liveStatus: a group Auto Scaling is deleting is DELETING; any other is
// ACTIVE (Auto Scaling has no other status).
func (a *AutoScalingGroupAttrs) liveStatus() string {
	if a.Status != "" {
		return "DELETING"
	}
	return "ACTIVE"
}

// autoScalingGroups are the cluster's live groups (those tagged with its
// name), by name.
func (lc *liveCluster) autoScalingGroups() []*AutoScalingGroupAttrs {
	return childrenOf[*AutoScalingGroupAttrs](lc, TypeAutoScalingGroup)
}

// NodeAccessEntryAddress is the address of the access entry that lets the
// nodes of the group at owner join the cluster.
func NodeAccessEntryAddress(owner string) string { return owner + ".access_entry" }

// amiReads are the recommended AMIs a cluster's self-managed groups need,
// by SSM parameter name.
type amiReads map[string]string

// readRecommendedAMIs reads the SSM public parameter of each self-managed
// group of cp that leaves its AMI to its family, at the version it will
// run, ten names a call (GetParameters' limit).
func readRecommendedAMIs(ctx context.Context, o *observer, cp *clusterPlan) (any, error) {
	out := amiReads{}
	var names []string
	seen := map[string]bool{}
	for _, g := range cp.spec.SelfManagedNodeGroups {
		if g.AMIID != "" {
			continue
		}
		name, err := amiParameter(g.AMIFamily, smVersion(cp, g))
		if err != nil || seen[name] {
			continue // planSelfManagedNodeGroups says what is wrong
		}
		seen[name] = true
		names = append(names, name)
	}
	for len(names) > 0 {
		batch := names[:min(10, len(names))]
		names = names[len(batch):]
		var got *ssm.GetParametersOutput
		err := o.eks.call(ctx, func(ctx context.Context) (err error) {
			got, err = cp.clients.SSM.GetParameters(ctx, &ssm.GetParametersInput{Names: batch})
			return err
		})
		if err != nil {
			return out, fmt.Errorf("reading the AMIs EKS recommends (%s): %w", strings.Join(batch, ", "), err)
		}
		for _, p := range got.Parameters {
			out[aws.ToString(p.Name)] = aws.ToString(p.Value)
		}
	}
	return out, nil
}

// smVersion is the Kubernetes version group g will run.
func smVersion(cp *clusterPlan, g *spec.SelfManagedNodeGroup) string {
	if g.VersionFollowsCluster {
		return clusterTargetVersion(cp)
	}
	return g.Version
}

// planSelfManagedNodeGroups plans each self_managed_node_group block: its
// instance profile, launch template, access entry and Auto Scaling group,
// and the deletion of the groups no block wants.
func (pl *planner) planSelfManagedNodeGroups(cp *clusterPlan, use useFunc) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	var diags hcl.Diagnostics
	byName := map[string]*AutoScalingGroupAttrs{}
	for _, g := range live.autoScalingGroups() {
		byName[g.Name] = g
	}
	amis, _ := cp.reads[TypeAutoScalingGroup].(amiReads)
	if len(c.SelfManagedNodeGroups) > 0 {
		if mode, ok := accessModeAllowsEntries(cp); !ok {
			g := c.SelfManagedNodeGroups[0]
			return hcl.Diagnostics{errorDiag(g.DeclRange, fmt.Sprintf("Self-managed nodes cannot join cluster %q", c.Name),
				fmt.Sprintf("Cluster %q authenticates with %s only, so the nodes of self-managed node group %q would join only through a mapping of their node role in the aws-auth ConfigMap, which eksctl-lite does not write (it does not change Kubernetes objects). Set authentication_mode = \"API_AND_CONFIG_MAP\" or \"API\" in the cluster's access block (eksctl-lite then creates an EC2_LINUX access entry for the node role), or add the node role to aws-auth yourself (mapRoles, groups system:bootstrappers and system:nodes) and use a managed node_group instead.", c.Name, mode, g.Name))}
		}
	}
	kept := map[string]bool{}
	entries := map[string]string{} // principal -> the address of its entry's change
	for _, g := range c.SelfManagedNodeGroups {
		addr := SelfManagedNodeGroupAddress(c.Name, g.Name)
		version := smVersion(cp, g)
		if compareVersions(version, c.Version) > 0 {
			diags = append(diags, errorDiag(g.AttrRange("version"), fmt.Sprintf("Self-managed node group %q is newer than its cluster", g.Name),
				fmt.Sprintf("Self-managed node group %q would run Kubernetes %s but the cluster runs %s; nodes may never be newer than the control plane. Upgrade the cluster first.", g.Name, version, c.Version)))
			continue
		}
		name := AutoScalingGroupName(c.Name, g.Name)
		cur := byName[name]
		if cur != nil && owner(cur.Tags) != c.Name {
			diags = append(diags, errorDiag(g.DeclRange, fmt.Sprintf("Auto Scaling group %q exists but is not managed by eksctl-lite", name),
				fmt.Sprintf("An Auto Scaling group named %q exists that eksctl-lite did not create for this cluster; eksctl-lite never changes or deletes it. Rename this self_managed_node_group block or remove that group.", name)))
			continue
		}
		kept[name] = true

		refs, changing := map[string]string{}, map[string]bool{}
		roleARN := use(g.NodeRoleARN, NodeRoleAddress(c.Name), "node_role_arn", refs, changing)
		roleName, roleAddr := arnName(g.NodeRoleARN), ""
		if g.NodeRoleARN == "" {
			roleName, roleAddr = NodeRoleName(c.Name, cp.region), NodeRoleAddress(c.Name)
		}
		profile := cp.planInstanceProfile(addr, g.Name, roleName, roleAddr)

		// The AMI: the block's; else the family's recommended one for the
		// version, but a running group keeps the AMI it has unless its
		// version changes or it follows the latest release.
		image := g.AMIID
		curTemplate := findLaunchTemplate(live, LaunchTemplateAddress(addr), "")
		if image == "" {
			param, err := amiParameter(g.AMIFamily, version)
			if err != nil {
				diags = append(diags, errorDiag(g.AttrRange("ami_family"), fmt.Sprintf("No AMI for self-managed node group %q", g.Name), err.Error()))
				continue
			}
			image = amis[param]
			pinned := g.AMIRelease != "latest" && cur != nil && cur.Version == version && curTemplate != nil && curTemplate.ImageID != ""
			if pinned {
				image = curTemplate.ImageID
			}
			if image == "" {
				diags = append(diags, errorDiag(g.AttrRange("ami_family"), fmt.Sprintf("No AMI for self-managed node group %q", g.Name),
					fmt.Sprintf("EKS publishes no AMI for %s at Kubernetes %s (SSM parameter %s does not exist in region %s). Choose another ami_family or version, or give ami_id.", g.AMIFamily, version, param, cp.region)))
				continue
			}
		}
		lt := launchTemplateAttrs(cp, addr, LaunchTemplateName(c.Name, "smng", g.Name), g.LaunchTemplate, g.AMIFamily, image, "")
		lt.IAMInstanceProfile = profile
		lt.Join = &templateJoin{Family: g.AMIFamily, Labels: g.Labels, Extra: g.LaunchTemplate.UserData}
		for _, t := range g.Taints {
			lt.Join.Taints = append(lt.Join.Taints, TaintAttrs{Key: t.Key, Value: t.Value, Effect: t.Effect})
		}
		if err := lt.checkJoin(c.Name); err != nil {
			diags = append(diags, errorDiag(g.LaunchTemplate.AttrRange("user_data"), fmt.Sprintf("Invalid user data for self-managed node group %q", g.Name), err.Error()))
			continue
		}
		tmpl := cp.planLaunchTemplate(addr, lt, true, InstanceProfileAddress(addr))

		entryAddr := cp.planNodeAccessEntry(addr, g.NodeRoleARN, roleARN, refs, entries)

		after := &AutoScalingGroupAttrs{
			Name: name, InstanceTypes: g.InstanceTypes, CapacityType: g.CapacityType, SubnetIDs: g.SubnetIDs,
			LaunchTemplateName: tmpl.Name, LaunchTemplateVersion: tmpl.Version, Version: version,
			MinSize: g.Scaling.MinSize, MaxSize: g.Scaling.MaxSize, DesiredSize: g.Scaling.DesiredSize,
			Autoscaled:           g.Scaling.DesiredSize == nil,
			MinHealthyPercentage: minHealthy(g.Update, g.Scaling),
			Tags:                 smTags(cp, g, addr),
		}
		asgRefs := map[string]string{}
		if tmpl.Changing {
			asgRefs["launch_template.version"] = LaunchTemplateAddress(addr)
			changing["launch_template.version"] = true
		}
		deps := []string{ClusterAddress(c.Name), LaunchTemplateAddress(addr), InstanceProfileAddress(addr)}
		if entryAddr != "" {
			deps = append(deps, entryAddr)
		}
		ch := &ResourceChange{Address: addr, Type: TypeAutoScalingGroup, After: after, Refs: asgRefs, DependsOn: deps}
		if cur == nil {
			after.DesiredSize = intPtr(derefOr(after.DesiredSize, after.MinSize))
			ch.Action = Create
			cp.add(ch)
			continue
		}
		if after.DesiredSize == nil && cur.DesiredSize != nil {
			if v := clamp(*cur.DesiredSize, after.MinSize, after.MaxSize); v != *cur.DesiredSize {
				after.DesiredSize = intPtr(v)
			}
		}
		if compareVersions(version, cur.Version) < 0 {
			diags = append(diags, errorDiag(g.AttrRange("version"), fmt.Sprintf("Cannot downgrade self-managed node group %q", g.Name),
				fmt.Sprintf("Self-managed node group %q runs Kubernetes %s; eksctl-lite does not roll nodes back to %s. Set its version to %s or later, or give the block a new name to create a new group.", g.Name, cur.Version, version, cur.Version)))
			continue
		}
		ch.Before = cur
		ch.Diffs = diffAttrs(autoScalingGroupSchema, cur, after, changing)
		ch.Action = actionOf(ch.Diffs)
		switch ch.Action {
		case Replace:
			ch.ReplacePaths = replacePaths(ch.Diffs)
			ch.Reason = forcesReason(ch.ReplacePaths)
		case Update:
			ch.Steps = autoScalingGroupSteps(cur, after, ch.Diffs)
		}
		cp.add(ch)
	}
	for _, g := range live.autoScalingGroups() {
		if !kept[g.Name] && owner(g.Tags) == c.Name {
			cp.add(deleteAutoScalingGroup(cp, g, "not in the configuration"))
		}
	}
	return diags
}

// minHealthy is the minimum healthy percentage of an instance refresh
// that keeps the update block's promise: at most max_unavailable_percentage
// of the instances, or max_unavailable of them (of the group's desired
// size, else its maximum), out of service at once; the instance refresh
// default when the block says nothing.
func minHealthy(u spec.UpdateConfig, s spec.Scaling) int {
	switch {
	case u.MaxUnavailablePercentage != nil:
		return 100 - *u.MaxUnavailablePercentage
	case u.MaxUnavailable != nil:
		size := derefOr(s.DesiredSize, s.MaxSize)
		if size <= 0 {
			return defaultMinHealthyPercentage
		}
		return max(0, 100-int(math.Floor(float64(*u.MaxUnavailable)*100/float64(size))))
	}
	return defaultMinHealthyPercentage
}

// smTags are the tags of a self-managed group, which propagate to its
// instances: the user's, ownership, the cluster's
// (kubernetes.io/cluster/NAME = owned, which the cloud provider reads),
// the cluster autoscaler's auto-discovery tags, and its node-template
// tags for the labels and taints, so that it can scale a group up from
// zero for pods that need them.
func smTags(cp *clusterPlan, g *spec.SelfManagedNodeGroup, addr string) map[string]string {
	c := cp.spec
	t := cp.ownedTags(g.Tags, addr)
	t["Name"] = c.Name + "-" + g.Name + "-node"
	t["kubernetes.io/cluster/"+c.Name] = "owned"
	t["k8s.io/cluster-autoscaler/enabled"] = "true"
	t["k8s.io/cluster-autoscaler/"+c.Name] = "owned"
	for k, v := range g.Labels {
		t["k8s.io/cluster-autoscaler/node-template/label/"+k] = v
	}
	for _, tn := range g.Taints {
		t["k8s.io/cluster-autoscaler/node-template/taint/"+tn.Key] = tn.Value + ":" + kubeletTaintEffects[tn.Effect]
	}
	return t
}

// autoScalingGroupSteps maps a group's diffs to calls, in order: tags, the
// sizes and subnets (UpdateAutoScalingGroup), an instance refresh to the
// new launch configuration (rolling the instances within the update
// settings), and last the version tag, once the nodes run it.
func autoScalingGroupSteps(before, after *AutoScalingGroupAttrs, diffs []AttrDiff) []Step {
	paths := diffPaths(diffs)
	var steps []Step
	if paths["tags"] {
		steps = append(steps, tagSteps("CreateOrUpdateTags", "DeleteTags", before.Tags, after.Tags)...)
	}
	if p := pathsIn(paths, "scaling.min_size", "scaling.max_size", "scaling.desired_size", "subnet_ids"); len(p) > 0 {
		steps = append(steps, Step{Call: "UpdateAutoScalingGroup", Detail: configDetailOf(p), Paths: p})
	}
	if p := pathsIn(paths, refreshPaths...); len(p) > 0 {
		steps = append(steps, Step{Call: "StartInstanceRefresh",
			Detail: fmt.Sprintf("rolling replacement of the instances, at least %d%% in service", after.MinHealthyPercentage), Paths: p})
	}
	if paths["version"] {
		steps = append(steps, Step{Call: "CreateOrUpdateTags", Detail: "Kubernetes version " + before.Version + " -> " + after.Version, Paths: []string{"version"}, Target: after.Version})
	}
	return steps
}

func configDetailOf(paths []string) string {
	var parts []string
	for _, p := range paths {
		part := "scaling"
		if p == "subnet_ids" {
			part = "subnets"
		}
		if len(parts) == 0 || parts[len(parts)-1] != part {
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, ", ")
}

func deleteAutoScalingGroup(cp *clusterPlan, g *AutoScalingGroupAttrs, reason string) *ResourceChange {
	addr := g.Tags[TagAddress]
	if addr == "" {
		addr = ClusterAddress(cp.spec.Name) + ".self_managed_node_group." + g.Name
	}
	deps := []string{ClusterAddress(cp.spec.Name), LaunchTemplateAddress(addr), InstanceProfileAddress(addr), NodeAccessEntryAddress(addr)}
	return &ResourceChange{Address: addr, Type: TypeAutoScalingGroup, Action: Delete, Before: g, DependsOn: deps, Reason: reason}
}

// planNodeAccessEntry plans the EC2_LINUX access entry of principal (the
// node role of the group at address group, as its block names it:
// specRole, "" for the managed node role; refs say where the ARN comes
// from when it is known after apply) unless one exists or will that lets
// the nodes in already: EKS's own (EKS makes one for the node role of
// every managed node group), the user's access_entry, or one planned for
// another group (entries: principal, or the managed role's address, ->
// the entry's address). It returns the address of the entry's change, ""
// when there is none.
func (cp *clusterPlan) planNodeAccessEntry(group, specRole, principal string, refs map[string]string, entries map[string]string) string {
	key := principal
	if principal == KnownAfterApply {
		key = refs["node_role_arn"]
	}
	if a, ok := entries[key]; ok {
		return a
	}
	for _, ng := range cp.spec.NodeGroups {
		if ng.NodeRoleARN == specRole {
			return "" // EKS makes an EC2_LINUX entry for a managed node group's role
		}
	}
	for _, e := range cp.spec.AccessEntries {
		if e.PrincipalARN == principal {
			return "" // the user's own access_entry block
		}
	}
	addr := NodeAccessEntryAddress(group)
	want := &AccessEntryAttrs{PrincipalARN: principal, Type: "EC2_LINUX"}
	for _, e := range cp.live.accessEntries() {
		if e.PrincipalARN != principal {
			continue
		}
		if owner(e.Tags) != cp.spec.Name {
			return "" // EKS's or someone's: it lets the nodes in, and is not ours
		}
		if a := e.Tags[TagAddress]; a != "" {
			addr = a
		}
		want.Tags = cp.ownedTags(nil, addr)
		ch := &ResourceChange{Address: addr, Type: TypeAccessEntry, Before: e, After: want, DependsOn: []string{ClusterAddress(cp.spec.Name)}}
		ch.Diffs = diffAttrs(accessEntrySchema, e, want, nil)
		ch.Action = actionOf(ch.Diffs)
		if ch.Action == Update {
			ch.Steps = accessEntrySteps(e, want, ch.Diffs)
		}
		cp.add(ch)
		entries[key] = addr
		return addr
	}
	want.Tags = cp.ownedTags(nil, addr)
	ch := &ResourceChange{Address: addr, Type: TypeAccessEntry, Action: Create, After: want, DependsOn: []string{ClusterAddress(cp.spec.Name)}}
	if r := refs["node_role_arn"]; r != "" {
		ch.Refs = map[string]string{"principal_arn": r}
		ch.DependsOn = append(ch.DependsOn, r)
	}
	cp.add(ch)
	entries[key] = addr
	return addr
}

// observeAutoScalingGroups reads the groups tagged with cluster's name.
func observeAutoScalingGroups(ctx context.Context, o *observer, api AutoScalingAPI, cluster string, errs *errList) []*AutoScalingGroupAttrs {
	var out []*AutoScalingGroupAttrs
	in := &autoscaling.DescribeAutoScalingGroupsInput{Filters: []astypes.Filter{{Name: aws.String("tag:" + TagCluster), Values: []string{cluster}}}}
	for {
		var page *autoscaling.DescribeAutoScalingGroupsOutput
		err := o.ec2.call(ctx, func(ctx context.Context) (err error) {
			page, err = api.DescribeAutoScalingGroups(ctx, in)
			return err
		})
		if err != nil {
			errs.add(fmt.Errorf("listing the Auto Scaling groups of cluster %q: %w", cluster, err))
			return nil
		}
		for i := range page.AutoScalingGroups {
			out = append(out, autoScalingGroupFromAWS(&page.AutoScalingGroups[i]))
		}
		if aws.ToString(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func autoScalingGroupFromAWS(g *astypes.AutoScalingGroup) *AutoScalingGroupAttrs {
	a := &AutoScalingGroupAttrs{
		Name: aws.ToString(g.AutoScalingGroupName), ARN: aws.ToString(g.AutoScalingGroupARN),
		MinSize: int(aws.ToInt32(g.MinSize)), MaxSize: int(aws.ToInt32(g.MaxSize)),
		DesiredSize: aws.Int(int(aws.ToInt32(g.DesiredCapacity))), CapacityType: "ON_DEMAND",
		Status: aws.ToString(g.Status), Tags: map[string]string{},
	}
	for _, s := range strings.Split(aws.ToString(g.VPCZoneIdentifier), ",") {
		if s = strings.TrimSpace(s); s != "" {
			a.SubnetIDs = append(a.SubnetIDs, s)
		}
	}
	if m := g.MixedInstancesPolicy; m != nil {
		if lt := m.LaunchTemplate; lt != nil {
			if s := lt.LaunchTemplateSpecification; s != nil {
				a.LaunchTemplateName, a.LaunchTemplateVersion = aws.ToString(s.LaunchTemplateName), aws.ToString(s.Version)
			}
			for _, o := range lt.Overrides {
				if t := aws.ToString(o.InstanceType); t != "" {
					a.InstanceTypes = append(a.InstanceTypes, t)
				}
			}
		}
		if d := m.InstancesDistribution; d != nil && d.OnDemandPercentageAboveBaseCapacity != nil && *d.OnDemandPercentageAboveBaseCapacity == 0 {
			a.CapacityType = "SPOT"
		}
	} else if lt := g.LaunchTemplate; lt != nil {
		a.LaunchTemplateName, a.LaunchTemplateVersion = aws.ToString(lt.LaunchTemplateName), aws.ToString(lt.Version)
	}
	for _, t := range g.Tags {
		a.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	a.Tags = liveTags(a.Tags)
	a.Version = a.Tags[TagKubernetesVersion]
	delete(a.Tags, TagKubernetesVersion)
	return a
}

// autoScalingGroupCost is what a self-managed node group's nodes cost a
// month (see nodeCost), with its launch template's root volumes.
func autoScalingGroupCost(e *costEnv, attrs any) estimate {
	g := attrs.(*AutoScalingGroupAttrs)
	disk, volumeType := 0, ""
	if lt, ok := e.attrsNamed(TypeLaunchTemplate, g.LaunchTemplateName).(*LaunchTemplateAttrs); ok {
		disk, volumeType = lt.RootVolumeSize, lt.RootVolumeType
	}
	return nodeCost(e, g.InstanceTypes, g.CapacityType, g.MinSize, g.MaxSize, costDesired(e, g.DesiredSize), disk, volumeType)
}

func (a *AutoScalingGroupAttrs) autoscaled() bool { return a.Autoscaled }

func (a *AutoScalingGroupAttrs) internalKeys() []string { return []string{"scaling.autoscaled"} }

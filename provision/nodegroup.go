package provision

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// The plan half of a managed node group.

// nodeGroupSchema follows the EKS API: scaling, labels, taints and update
// settings change through UpdateNodegroupConfig, version and release version
// through UpdateNodegroupVersion, tags through TagResource; everything fixed
// at CreateNodegroup forces a replacement (a new group is created before the
// old one is deleted, so capacity never drops). release_version and an unset
// desired_size are left to EKS and autoscalers: empty desired values are
// not diffs.
var nodeGroupSchema = Schema{
	"instance_types":                    {Set: true, ForceNew: true},
	"ami_type":                          {ForceNew: true},
	"capacity_type":                     {ForceNew: true},
	"disk_size":                         {ForceNew: true},
	"subnet_ids":                        {Set: true, ForceNew: true},
	"node_role_arn":                     {ForceNew: true},
	"version":                           {},
	"release_version":                   {Optional: true},
	"labels":                            {},
	"tags":                              {},
	"scaling.min_size":                  {},
	"scaling.max_size":                  {},
	"scaling.desired_size":              {Optional: true},
	"update.max_unavailable":            {},
	"update.max_unavailable_percentage": {},
	"taints":                            {Set: true},
	// EKS updates a group created with a launch template to another
	// version of the same template (UpdateNodegroupVersion); adding,
	// removing or changing the template is a new group.
	"launch_template.name":    {ForceNew: true},
	"launch_template.version": {},
}

// nodeGroupConfigParts are the attributes UpdateNodegroupConfig changes, by
// the part of the call that changes them (also how the plan's step names
// them), in the order the plan lists them.
var nodeGroupConfigParts = []struct {
	name  string
	paths []string
}{
	{"scaling", []string{"scaling.min_size", "scaling.max_size", "scaling.desired_size"}},
	{"labels", []string{"labels"}},
	{"taints", []string{"taints"}},
	{"update settings", []string{"update.max_unavailable", "update.max_unavailable_percentage"}},
}

// nodeGroupConfigPaths are the attributes UpdateNodegroupConfig changes, in
// the order the plan lists them.
var nodeGroupConfigPaths = func() []string {
	var out []string
	for _, part := range nodeGroupConfigParts {
		out = append(out, part.paths...)
	}
	return out
}()

// configPart names the part of UpdateNodegroupConfig that changes path;
// a path it does not change is its own name.
func configPart(path string) string {
	for _, part := range nodeGroupConfigParts {
		for _, p := range part.paths {
			if p == path {
				return part.name
			}
		}
	}
	return path
}

// configParts is the set of the parts of UpdateNodegroupConfig covering
// paths; all of them when paths is empty.
func configParts(paths []string) map[string]bool {
	if len(paths) == 0 {
		paths = nodeGroupConfigPaths
	}
	parts := map[string]bool{}
	for _, p := range paths {
		parts[configPart(p)] = true
	}
	return parts
}

// desiredSize is the desired size to ask EKS for, for the node group a
// whose live desired size is live (nil for a group not created yet, or one
// EKS reports none for): a's own; when a leaves it to autoscalers, the live
// size kept within a's bounds, since EKS refuses a desired size outside
// [min_size, max_size] (NodegroupScalingConfig, EKS API reference); with no
// live size, the minimum.
func desiredSize(a *NodeGroupAttrs, live *int) int {
	if a.DesiredSize != nil {
		return *a.DesiredSize
	}
	return clamp(derefOr(live, a.MinSize), a.MinSize, a.MaxSize)
}

// EKS defaults (CreateNodegroup): a node group without an update config may
// have one node unavailable during updates, and its disk is 20 GiB.
const (
	defaultMaxUnavailable = 1
	defaultDiskSize       = 20
)

// nodeGroupAttrs are the desired attributes of a node_group block. name is
// the physical name, roleARN the node role (spec's, managed, or unknown),
// version the version to run (the cluster's when the group follows it).
func nodeGroupAttrs(c *spec.Cluster, ng *spec.NodeGroup, name, roleARN, version string) *NodeGroupAttrs {
	a := &NodeGroupAttrs{
		Name:                     name,
		InstanceTypes:            ng.InstanceTypes,
		AMIType:                  ng.AMIType,
		CapacityType:             ng.CapacityType,
		DiskSize:                 ng.DiskSize,
		SubnetIDs:                ng.SubnetIDs,
		NodeRoleARN:              roleARN,
		Version:                  version,
		ReleaseVersion:           ng.ReleaseVersion,
		Labels:                   ng.Labels,
		Tags:                     ownedTags(ng.Tags, c.Name, NodeGroupAddress(c.Name, ng.Name)),
		MinSize:                  ng.Scaling.MinSize,
		MaxSize:                  ng.Scaling.MaxSize,
		DesiredSize:              ng.Scaling.DesiredSize,
		Autoscaled:               ng.Scaling.DesiredSize == nil,
		MaxUnavailable:           ng.Update.MaxUnavailable,
		MaxUnavailablePercentage: ng.Update.MaxUnavailablePercentage,
	}
	if a.MaxUnavailable == nil && a.MaxUnavailablePercentage == nil {
		a.MaxUnavailable = aws.Int(defaultMaxUnavailable)
	}
	if ng.LaunchTemplate != nil {
		// EKS refuses diskSize with a launch template: the template's
		// root_volume sizes the disk.
		a.DiskSize = 0
	}
	for _, t := range ng.Taints {
		a.Taints = append(a.Taints, TaintAttrs{Key: t.Key, Value: t.Value, Effect: t.Effect})
	}
	return a
}

// nodeGroupFromAWS converts DescribeNodegroup's answer. Remote access and
// launch templates are not modelled (see EMULATOR-GAPS 8: diffing remote
// access would make every group look changed against the emulator).
func nodeGroupFromAWS(n *ekstypes.Nodegroup) *NodeGroupAttrs {
	a := &NodeGroupAttrs{
		Name:           aws.ToString(n.NodegroupName),
		ARN:            aws.ToString(n.NodegroupArn),
		InstanceTypes:  n.InstanceTypes,
		AMIType:        string(n.AmiType),
		CapacityType:   string(n.CapacityType),
		DiskSize:       int(aws.ToInt32(n.DiskSize)),
		SubnetIDs:      n.Subnets,
		NodeRoleARN:    aws.ToString(n.NodeRole),
		Version:        aws.ToString(n.Version),
		ReleaseVersion: aws.ToString(n.ReleaseVersion),
		Labels:         n.Labels,
		Tags:           liveTags(n.Tags),
		Status:         string(n.Status),
	}
	if lt := n.LaunchTemplate; lt != nil {
		a.LaunchTemplateName, a.LaunchTemplateVersion = aws.ToString(lt.Name), aws.ToString(lt.Version)
	} else if a.DiskSize == 0 {
		a.DiskSize = defaultDiskSize
	}
	if a.CapacityType == "" {
		a.CapacityType = string(ekstypes.CapacityTypesOnDemand)
	}
	if s := n.ScalingConfig; s != nil {
		a.MinSize = int(aws.ToInt32(s.MinSize))
		a.MaxSize = int(aws.ToInt32(s.MaxSize))
		if s.DesiredSize != nil {
			a.DesiredSize = aws.Int(int(*s.DesiredSize))
		}
	}
	if u := n.UpdateConfig; u != nil {
		if u.MaxUnavailable != nil {
			a.MaxUnavailable = aws.Int(int(*u.MaxUnavailable))
		}
		if u.MaxUnavailablePercentage != nil {
			a.MaxUnavailablePercentage = aws.Int(int(*u.MaxUnavailablePercentage))
		}
	}
	if a.MaxUnavailable == nil && a.MaxUnavailablePercentage == nil {
		a.MaxUnavailable = aws.Int(defaultMaxUnavailable)
	}
	for _, t := range n.Taints {
		a.Taints = append(a.Taints, TaintAttrs{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value), Effect: string(t.Effect)})
	}
	return a
}

// nodeGroupSteps maps a node group's in-place diffs to EKS calls: tags, then
// version (UpdateNodegroupVersion, to the target version and, when the spec
// pins one, release version), then configuration (one
// UpdateNodegroupConfig for scaling, labels, taints and update settings).
func nodeGroupSteps(before, after *NodeGroupAttrs, diffs []AttrDiff) []Step {
	paths := diffPaths(diffs)
	var steps []Step
	if paths["tags"] {
		steps = append(steps, tagSteps("TagResource", "UntagResource", before.Tags, after.Tags)...)
	}
	if p := pathsIn(paths, "version", "release_version", "launch_template.version"); len(p) > 0 {
		detail := before.Version + " -> " + after.Version
		if before.Version == after.Version {
			detail = after.Version
		}
		if after.ReleaseVersion != "" {
			detail += " (release " + after.ReleaseVersion + ")"
		}
		if paths["launch_template.version"] {
			v := "version " + after.LaunchTemplateVersion
			if after.LaunchTemplateVersion == KnownAfterApply {
				v = "its new version"
			}
			detail += ", launch template " + after.LaunchTemplateName + " at " + v
		}
		steps = append(steps, Step{Call: "UpdateNodegroupVersion", Detail: detail, Paths: p, Target: after.Version})
	}
	if p := pathsIn(paths, nodeGroupConfigPaths...); len(p) > 0 {
		steps = append(steps, Step{Call: "UpdateNodegroupConfig", Detail: configDetail(p), Paths: p})
	}
	return steps
}

// configDetail names the parts of a node group an UpdateNodegroupConfig covers.
func configDetail(paths []string) string {
	var parts []string
	seen := map[string]bool{}
	for _, p := range paths {
		part := configPart(p)
		if !seen[part] {
			seen[part] = true
			parts = append(parts, part)
		}
	}
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

// releaseDowngrade reports whether moving a node group from the AMI release
// version live to want goes back in time, which EKS cannot do
// (UpdateNodegroupVersion only moves forward). Release versions look like
// "1.31.3-20250101" (Kubernetes version, AMI build date) or, for
// Bottlerocket, "1.26.1-2f0d3f4e" (OS version, commit); when the order
// cannot be told, it is not a downgrade.
func releaseDowngrade(live, want string) bool {
	if live == "" || want == "" || live == want {
		return false
	}
	c, ok := compareRelease(want, live)
	return ok && c < 0
}

// compareRelease orders two release versions, reporting false when it
// cannot tell.
func compareRelease(a, b string) (int, bool) {
	av, as, _ := strings.Cut(a, "-")
	bv, bs, _ := strings.Cut(b, "-")
	an, ok1 := numericParts(av)
	bn, ok2 := numericParts(bv)
	if !ok1 || !ok2 {
		return 0, false
	}
	for i := 0; i < max(len(an), len(bn)); i++ {
		var x, y int
		if i < len(an) {
			x = an[i]
		}
		if i < len(bn) {
			y = bn[i]
		}
		if x != y {
			return cmp.Compare(x, y), true
		}
	}
	if as == bs {
		return 0, true
	}
	x, err1 := strconv.Atoi(as)
	y, err2 := strconv.Atoi(bs)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return cmp.Compare(x, y), true
}

func numericParts(v string) ([]int, bool) {
	var out []int
	for _, p := range strings.Split(v, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// nodeGroupKind is the managed node group's contract with the engine
// (kinds.go). A replacement is created under a new name and ACTIVE before
// the old group is deleted, so capacity never drops.
func nodeGroupKind() *kind {
	return &kind{
		typ:      TypeNodeGroup,
		schema:   nodeGroupSchema,
		newAttrs: func() any { return &NodeGroupAttrs{} },
		nameKey:  "node_group_name",
		apply:    applyNodeGroup,
		weight:   4 * time.Minute,
		cost:     nodeGroupCost,
		replace:  CreateThenDelete,
		replaceNote: func(ch *ResourceChange) string {
			b, _ := ch.Before.(*NodeGroupAttrs)
			a, _ := ch.After.(*NodeGroupAttrs)
			if a == nil || b == nil {
				return ""
			}
			return fmt.Sprintf("new node group %q is created and ACTIVE before %q is deleted", a.Name, b.Name)
		},
		replaceDetail: "new node group first, then the old one is deleted",
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			if n := findNodeGroup(o.cluster, ch); n != nil {
				return n
			}
			return nil
		},
		// The planner fills a replacement's desired size in from the live
		// group, while what apply does (create the new group with After's
		// size, delete the old one) does not depend on the old group's size.
		replaceUnfingerprinted: []string{"scaling.desired_size"},
		observe: func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any {
			// The update IDs of each group are read alongside its
			// description, in the same round trip.
			return anySlice(observeChildren(ctx, o, c.EKS, cluster, errs, o.listNodegroups, nodegroupResource, nodeGroupFromAWS,
				func(ng string) *future[func(*NodeGroupAttrs)] {
					return goFuture(func() (func(*NodeGroupAttrs), error) {
						ids, err := o.listUpdates(ctx, c.EKS, cluster, ng)
						return func(n *NodeGroupAttrs) { n.Updates = ids }, err
					})
				}))
		},
		plan: (*planner).planNodeGroups,
		wantsRoles: func(cp *clusterPlan) map[string]string {
			c := cp.spec
			return managedRoleIfAny(c.NodeGroups, nodeRoleOf, NodeRoleAddress(c.Name), NodeRoleName(c.Name, cp.region))
		},
		namesRole: func(c *spec.Cluster, arn string) string {
			return blockNaming(c.NodeGroups, nodeRoleOf, arn, func(ng *spec.NodeGroup) string {
				return fmt.Sprintf("the node_role_arn of node group %q names it", ng.Name)
			})
		},
		destroy:               (*planner).destroyNodeGroups,
		noun:                  "node group",
		blocksClusterDeletion: true,
		blockRange: func(c *spec.Cluster, address string) (hcl.Range, bool) {
			for _, ng := range c.NodeGroups {
				if NodeGroupAddress(c.Name, ng.Name) == address {
					return ng.DeclRange, true
				}
			}
			return hcl.Range{}, false
		},
	}
}

// nodeGroups are the cluster's live managed node groups, sorted by name.
func (lc *liveCluster) nodeGroups() []*NodeGroupAttrs {
	return childrenOf[*NodeGroupAttrs](lc, TypeNodeGroup)
}

func (a *NodeGroupAttrs) liveStatus() string   { return a.Status }
func (a *NodeGroupAttrs) physicalName() string { return a.Name }
func (a *NodeGroupAttrs) usedRoleARN() string  { return a.NodeRoleARN }

func nodeRoleOf(ng *spec.NodeGroup) string    { return ng.NodeRoleARN }
func (a *NodeGroupAttrs) updateIDs() []string { return a.Updates }

// planNodeGroups matches node_group blocks with live node groups by their
// address tag (not only by name: a replaced group has a new physical name).
func (pl *planner) planNodeGroups(cp *clusterPlan, use useFunc) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	var diags hcl.Diagnostics
	byAddr := map[string][]*NodeGroupAttrs{}
	unowned := map[string]*NodeGroupAttrs{}
	liveNames := map[string]bool{}
	for _, ng := range live.nodeGroups() {
		liveNames[ng.Name] = true
		if owner(ng.Tags) != c.Name {
			unowned[ng.Name] = ng
			continue
		}
		addr := ng.Tags[TagAddress]
		if addr == "" {
			addr = NodeGroupAddress(c.Name, ng.Name)
		}
		byAddr[addr] = append(byAddr[addr], ng)
	}
	clusterAddr := ClusterAddress(c.Name)
	for _, ng := range c.NodeGroups {
		addr := NodeGroupAddress(c.Name, ng.Name)
		refs, changing := map[string]string{}, map[string]bool{}
		roleARN := use(ng.NodeRoleARN, NodeRoleAddress(c.Name), "node_role_arn", refs, changing)
		deps := []string{clusterAddr}
		var tmpl templateUse
		if lt := ng.LaunchTemplate; lt != nil {
			want, ds := nodeGroupTemplate(cp, ng, addr)
			if ds.HasErrors() {
				diags = append(diags, ds...)
				delete(byAddr, addr)
				continue
			}
			tmpl = cp.planLaunchTemplate(addr, want, len(lt.SecurityGroupIDs) > 0)
			deps = append(deps, LaunchTemplateAddress(addr))
			if tmpl.Changing {
				refs["launch_template.version"] = LaunchTemplateAddress(addr)
				changing["launch_template.version"] = true
			}
		}
		desired := func(name string) *NodeGroupAttrs {
			a := nodeGroupAttrs(c, ng, name, roleARN, ng.Version)
			a.LaunchTemplateName, a.LaunchTemplateVersion = tmpl.Name, tmpl.Version
			cp.configTags(a.Tags)
			return a
		}
		if ng.NodeRoleARN == "" {
			deps = append(deps, NodeRoleAddress(c.Name))
		}
		if compareVersions(ng.Version, c.Version) > 0 {
			// c.Version is the version the control plane will run: the
			// live one when the configuration leaves it out.
			diags = append(diags, errorDiag(nodeGroupVersionRange(c, ng), fmt.Sprintf("Node group %q is newer than its cluster", ng.Name),
				fmt.Sprintf("Node group %q would run Kubernetes %s but the cluster runs %s; EKS requires node groups not to be newer than the control plane. Upgrade the cluster first.", ng.Name, ng.Version, c.Version)))
			delete(byAddr, addr)
			continue
		}
		if m, ok := spec.ReleaseMinor(ng.AMIType, ng.ReleaseVersion); ok && m != ng.Version {
			// The version the group will run may come from the live
			// cluster (version left out), so validate cannot always see this.
			diags = append(diags, errorDiag(ng.AttrRange("release_version"), fmt.Sprintf("Release version of node group %q does not match its Kubernetes version", ng.Name),
				fmt.Sprintf("release_version %q is an AMI release for Kubernetes %s, but node group %q will run Kubernetes %s. EKS refuses a release of another minor version. Set release_version to a %s release, or remove it to let EKS choose the newest.", ng.ReleaseVersion, m, ng.Name, ng.Version, ng.Version)))
			delete(byAddr, addr)
			continue
		}
		cands := byAddr[addr]
		delete(byAddr, addr)
		adopting := false
		if u := unowned[ng.Name]; len(cands) == 0 && u != nil {
			if !pl.opts.Adopt {
				diags = append(diags, errorDiag(ng.DeclRange, fmt.Sprintf("Node group %q exists but is not managed by eksctl-lite", ng.Name),
					fmt.Sprintf("Cluster %q already has a node group named %q that eksctl-lite did not create; eksctl-lite never changes or deletes it. Run again with --adopt to manage it from this block (the plan then adds the ownership tags and shows every other difference), or rename this node_group block.", c.Name, ng.Name)))
				continue
			}
			cands, adopting = []*NodeGroupAttrs{u}, true
		}
		if len(cands) == 0 {
			after := desired(ng.Name)
			if liveNames[ng.Name] {
				after.Name = freeNodeGroupName(ng.Name, after, liveNames)
			}
			after.DesiredSize = intPtr(desiredSize(after, nil)) // EKS needs one at creation
			cp.add(&ResourceChange{Address: addr, Type: TypeNodeGroup, Action: Create, After: after, Refs: refs, DependsOn: deps})
			continue
		}
		// Two live groups with one address: an interrupted or failed
		// replacement. The one that matches the configuration is current,
		// unless it failed and another is ACTIVE (see pickNodeGroup).
		cur := pickNodeGroup(cands, func(n *NodeGroupAttrs) bool {
			return !hasForceNew(diffAttrs(nodeGroupSchema, n, desired(n.Name), changing))
		})
		var deposed []string
		for _, n := range cands {
			if n != cur {
				da := deposedAddress(addr, n.Name)
				deposed = append(deposed, da)
				cp.add(&ResourceChange{Address: da, Type: TypeNodeGroup, Action: Delete, Before: n,
					DependsOn: append(nodeGroupDeleteDeps(clusterAddr, addr, n), cp.roleDeps(pl.liveRoles(), n.NodeRoleARN)...),
					Reason:    "left over from an interrupted or failed replacement of " + addr})
			}
		}
		after := desired(cur.Name)
		if after.AMIType == customAMIType {
			// EKS takes no version for a custom AMI: the AMI is the
			// version (and the release_version EKS reports); the group
			// moves when ami_id does.
			after.Version, after.ReleaseVersion = cur.Version, ""
		}
		// The current change names the deposed groups so that apply
		// deletes them only once it is done (a delete of X waits for every
		// change whose DependsOn names X; see Apply's graph): capacity
		// never drops below what the current group gives.
		ch := &ResourceChange{Address: addr, Type: TypeNodeGroup, Before: cur, After: after, Refs: refs,
			DependsOn: append(append(deps, cp.roleDeps(pl.liveRoles(), cur.NodeRoleARN)...), deposed...)}
		if compareVersions(after.Version, cur.Version) < 0 {
			diags = append(diags, errorDiag(nodeGroupVersionRange(c, ng), fmt.Sprintf("Cannot downgrade node group %q", ng.Name),
				fmt.Sprintf("Node group %q runs Kubernetes %s; EKS cannot downgrade it to %s. Set its version (or the cluster's) to %s or later, or give the block a new name to create a new group.", ng.Name, cur.Version, after.Version, cur.Version)))
			continue
		}
		if after.DesiredSize == nil && cur.DesiredSize != nil {
			// Left to autoscalers, but new bounds exclude the live size:
			// EKS needs the size inside them, so apply sends the live size
			// clamped, and the plan shows that value (every value apply
			// sends is in the plan).
			if v := desiredSize(after, cur.DesiredSize); v != *cur.DesiredSize {
				after.DesiredSize = intPtr(v)
			}
		}
		ch.Diffs = diffAttrs(nodeGroupSchema, cur, after, changing)
		if releaseDowngrade(cur.ReleaseVersion, after.ReleaseVersion) {
			diags = append(diags, errorDiag(ng.AttrRange("release_version"), fmt.Sprintf("Cannot downgrade the release version of node group %q", ng.Name),
				fmt.Sprintf("Node group %q runs AMI release %s; EKS cannot roll a node group back to the older release %s. Set release_version to %s or later (or remove it to leave the release to EKS), or give the block a new name to create a new group.", ng.Name, cur.ReleaseVersion, after.ReleaseVersion, cur.ReleaseVersion)))
			continue
		}
		ch.Action = actionOf(ch.Diffs)
		if adopting && ch.Action == Replace {
			diags = append(diags, errorDiag(ng.DeclRange, fmt.Sprintf("Cannot adopt node group %q", ng.Name),
				fmt.Sprintf("Adopting the node group %q of cluster %q would replace it (%s), deleting a node group eksctl-lite did not create. Make the block match it (eksctl-lite export writes one that does), or leave the group out of the configuration.", ng.Name, c.Name, forcesReason(replacePaths(ch.Diffs)))))
			continue
		}
		if adopting {
			ch.Reason = "adopting an existing node group"
		}
		switch ch.Action {
		case Replace:
			ch.ReplacePaths = replacePaths(ch.Diffs)
			ch.Reason = forcesReason(ch.ReplacePaths)
			after.Name = freeNodeGroupName(ng.Name, after, liveNames)
			// Keep the capacity the old group has now.
			after.DesiredSize = intPtr(desiredSize(after, cur.DesiredSize))
		case Update:
			ch.Steps = nodeGroupSteps(cur, after, ch.Diffs)
		}
		cp.add(ch)
	}
	for _, addr := range sortedKeys(byAddr) {
		for _, n := range byAddr[addr] {
			cp.add(&ResourceChange{Address: addr, Type: TypeNodeGroup, Action: Delete, Before: n,
				DependsOn: append(nodeGroupDeleteDeps(clusterAddr, addr, n), cp.roleDeps(pl.liveRoles(), n.NodeRoleARN)...),
				Reason:    "not in the configuration"})
		}
	}
	return diags
}

// pickNodeGroup chooses the current group among live groups sharing an
// address, the others being deleted once the current one's change is done.
// In order of preference: one that matches and is ACTIVE; one that matches
// and has not failed (still CREATING: apply waits for it); an ACTIVE one; a
// matching one; the first. A *_FAILED or DEGRADED group is never chosen
// over an ACTIVE one: the healthy group is replaced (under a new name) and
// the failed one deleted, never the other way round.
func pickNodeGroup(cands []*NodeGroupAttrs, matches func(*NodeGroupAttrs) bool) *NodeGroupAttrs {
	if len(cands) == 1 {
		return cands[0]
	}
	var matchOK, active, match *NodeGroupAttrs
	for _, n := range cands {
		m := matches(n)
		switch {
		case m && n.Status == "ACTIVE":
			return n
		case m && !unhealthy(n.Status) && matchOK == nil:
			matchOK = n
		}
		if n.Status == "ACTIVE" && active == nil {
			active = n
		}
		if m && match == nil {
			match = n
		}
	}
	for _, n := range []*NodeGroupAttrs{matchOK, active, match} {
		if n != nil {
			return n
		}
	}
	return cands[0]
}

// unhealthy reports a node group status EKS will not recover from by itself.
func unhealthy(status string) bool {
	return strings.HasSuffix(status, "_FAILED") || status == "DEGRADED"
}

// nodeGroupVersionRange points at the node group's version, or at the
// cluster's when the group follows it.
func nodeGroupVersionRange(c *spec.Cluster, ng *spec.NodeGroup) hcl.Range {
	if ng.VersionFollowsCluster {
		return c.AttrRange("version")
	}
	return ng.AttrRange("version")
}

// destroyNodeGroups plans the deletion of every node group the cluster owns.
func (pl *planner) destroyNodeGroups(cp *clusterPlan, reason string) {
	c := cp.spec
	for _, n := range cp.live.nodeGroups() {
		if owner(n.Tags) != c.Name {
			continue
		}
		addr := n.Tags[TagAddress]
		if addr == "" {
			addr = NodeGroupAddress(c.Name, n.Name)
		}
		cp.add(&ResourceChange{Address: addr, Type: TypeNodeGroup, Action: Delete, Before: n,
			DependsOn: append(nodeGroupDeleteDeps(ClusterAddress(c.Name), addr, n), cp.roleDeps(pl.liveRoles(), n.NodeRoleARN)...), Reason: reason})
	}
}

// findNodeGroup finds the live node group a change is about: by physical
// name when the plan saw it, else by the address tag or planned name (to
// notice a group created since the plan).
func findNodeGroup(lc *liveCluster, ch *ResourceChange) *NodeGroupAttrs {
	if b, ok := ch.Before.(*NodeGroupAttrs); ok && b != nil {
		for _, n := range lc.nodeGroups() {
			if n.Name == b.Name {
				return n
			}
		}
		return nil
	}
	a, _ := ch.After.(*NodeGroupAttrs)
	for _, n := range lc.nodeGroups() {
		if n.Tags[TagAddress] == ch.Address || (a != nil && n.Name == a.Name) {
			return n
		}
	}
	return nil
}

// customAMIType is the AMI type of a node group whose launch template
// names its AMI.
const customAMIType = "CUSTOM"

// nodeGroupDeleteDeps are what the deletion of live group n at addr
// names: its cluster, and its launch template, so that the template is
// deleted only once the group is gone.
func nodeGroupDeleteDeps(clusterAddr, addr string, n *NodeGroupAttrs) []string {
	deps := []string{clusterAddr}
	if n.LaunchTemplateName != "" {
		deps = append(deps, LaunchTemplateAddress(baseAddress(addr)))
	}
	return deps
}

// nodeGroupTemplate is the desired launch template of node group ng at
// addr. EKS adds its own bootstrap to the user data of a group on an EKS
// AMI, so the template holds only the user's (as MIME multipart, which EKS
// requires); a custom AMI (ami_id) gets eksctl-lite's nodeadm NodeConfig
// that joins the cluster, with the group's labels and taints, before the
// user's, since EKS adds nothing to a custom AMI's user data.
func nodeGroupTemplate(cp *clusterPlan, ng *spec.NodeGroup, addr string) (*LaunchTemplateAttrs, hcl.Diagnostics) {
	lt := ng.LaunchTemplate
	name := LaunchTemplateName(cp.spec.Name, "ng", ng.Name)
	udRange := lt.AttrRange("user_data")
	if lt.AMIID != "" {
		a := launchTemplateAttrs(cp, addr, name, lt, "CUSTOM", lt.AMIID, "")
		a.Join = &templateJoin{Family: "CUSTOM", Labels: ng.Labels, Extra: lt.UserData}
		for _, t := range ng.Taints {
			a.Join.Taints = append(a.Join.Taints, TaintAttrs{Key: t.Key, Value: t.Value, Effect: t.Effect})
		}
		if err := a.checkJoin(cp.spec.Name); err != nil {
			return nil, hcl.Diagnostics{errorDiag(udRange, fmt.Sprintf("Invalid user data for node group %q", ng.Name), err.Error())}
		}
		return a, nil
	}
	ud, err := managedUserData(ng.AMIType, lt.UserData)
	if err != nil {
		return nil, hcl.Diagnostics{errorDiag(udRange, fmt.Sprintf("Invalid user data for node group %q", ng.Name), err.Error())}
	}
	return launchTemplateAttrs(cp, addr, name, lt, ng.AMIType, "", ud), nil
}

// nodeGroupCost is what a managed node group's nodes cost a month (see
// nodeCost): its root volumes are disk_size GiB of gp3, or its launch
// template's root_volume.
func nodeGroupCost(e *costEnv, attrs any) estimate {
	ng := attrs.(*NodeGroupAttrs)
	disk, volumeType := ng.DiskSize, "gp3"
	if ng.LaunchTemplateName != "" {
		disk = 0
		if lt, ok := e.attrsNamed(TypeLaunchTemplate, ng.LaunchTemplateName).(*LaunchTemplateAttrs); ok {
			disk, volumeType = lt.RootVolumeSize, lt.RootVolumeType
		}
	}
	return nodeCost(e, ng.InstanceTypes, ng.CapacityType, ng.MinSize, ng.MaxSize, costDesired(e, ng.DesiredSize), disk, volumeType)
}

func (a *NodeGroupAttrs) autoscaled() bool { return a.Autoscaled }

func (a *NodeGroupAttrs) internalKeys() []string { return []string{"scaling.autoscaled"} }

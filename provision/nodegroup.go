package provision

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

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
		MaxUnavailable:           ng.Update.MaxUnavailable,
		MaxUnavailablePercentage: ng.Update.MaxUnavailablePercentage,
	}
	if a.MaxUnavailable == nil && a.MaxUnavailablePercentage == nil {
		a.MaxUnavailable = aws.Int(defaultMaxUnavailable)
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
	if a.DiskSize == 0 {
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
	if p := pathsIn(paths, "version", "release_version"); len(p) > 0 {
		detail := before.Version + " -> " + after.Version
		if after.ReleaseVersion != "" {
			detail += " (release " + after.ReleaseVersion + ")"
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
	}
}

func (a *NodeGroupAttrs) liveStatus() string   { return a.Status }
func (a *NodeGroupAttrs) physicalName() string { return a.Name }
func (a *NodeGroupAttrs) updateIDs() []string  { return a.Updates }

package provision

import (
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
	if p := pathsIn(paths, "scaling.min_size", "scaling.max_size", "scaling.desired_size", "labels", "taints", "update.max_unavailable", "update.max_unavailable_percentage"); len(p) > 0 {
		steps = append(steps, Step{Call: "UpdateNodegroupConfig", Detail: configDetail(p), Paths: p})
	}
	return steps
}

// configDetail names the parts of a node group an UpdateNodegroupConfig covers.
func configDetail(paths []string) string {
	var parts []string
	seen := map[string]bool{}
	for _, p := range paths {
		part := p
		switch p {
		case "scaling.min_size", "scaling.max_size", "scaling.desired_size":
			part = "scaling"
		case "update.max_unavailable", "update.max_unavailable_percentage":
			part = "update settings"
		}
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

package provision

// The apply half of a managed node group: create, the update steps the plan
// lists, replace without losing capacity, delete.

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

func applyNodeGroup(ctx context.Context, x *execution) (any, string, error) {
	w := x.opts.waiter(x.opts.Timeouts.NodeGroup, "NODE_GROUP")
	switch x.c.Action {
	case Create:
		return createNodeGroup(ctx, x, w, x.after.(*NodeGroupAttrs))
	case Update:
		return updateNodeGroup(ctx, x, w)
	case Replace:
		// Create before destroy: the new group (another physical name) is
		// ACTIVE, its nodes joined, before the old one is deleted, so the
		// cluster never has less capacity than it had.
		b, a := x.before.(*NodeGroupAttrs), x.after.(*NodeGroupAttrs)
		if a.Name == b.Name {
			return nil, "", fmt.Errorf("replacing node group %s needs a new name for the new group so that capacity never drops; run eksctl-lite plan again", b.Name)
		}
		x.act.note("creating node group %s...", a.Name)
		live, id, err := createNodeGroup(ctx, x, w, a)
		if err != nil {
			return nil, "", err
		}
		x.act.note("node group %s is ACTIVE; deleting the old node group %s...", a.Name, b.Name)
		if err := deleteNodeGroup(ctx, x, w, b.Name); err != nil {
			return nil, "", fmt.Errorf("the new node group %s is ACTIVE, but %w", a.Name, err)
		}
		return live, id, nil
	case Delete:
		b := x.before.(*NodeGroupAttrs)
		return nil, b.Name, deleteNodeGroup(ctx, x, w, b.Name)
	case NoOp, Wait:
		b := x.before.(*NodeGroupAttrs)
		ng, err := nodegroupActive(ctx, x.eks, w, x.cluster, b.Name)
		if err != nil {
			return nil, "", err
		}
		return nodeGroupFromAWS(ng), aws.ToString(ng.NodegroupArn), nil
	}
	return nil, "", fmt.Errorf("cannot %s a node group", x.c.Action)
}

func createNodeGroup(ctx context.Context, x *execution, w waiter, a *NodeGroupAttrs) (any, string, error) {
	in := &eks.CreateNodegroupInput{
		ClusterName:   aws.String(x.cluster),
		NodegroupName: aws.String(a.Name),
		NodeRole:      aws.String(a.NodeRoleARN),
		Subnets:       a.SubnetIDs,
		InstanceTypes: a.InstanceTypes,
		AmiType:       ekstypes.AMITypes(a.AMIType),
		CapacityType:  ekstypes.CapacityTypes(a.CapacityType),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{
			MinSize:     aws.Int32(int32(a.MinSize)),
			MaxSize:     aws.Int32(int32(a.MaxSize)),
			DesiredSize: aws.Int32(int32(desiredSize(a, nil))),
		},
		Labels:       a.Labels,
		Taints:       ekTaints(a.Taints),
		UpdateConfig: updateConfig(a),
		Tags:         ownedTags(a.Tags, x.cluster, baseAddress(x.c.Address)),
	}
	if a.DiskSize > 0 {
		in.DiskSize = aws.Int32(int32(a.DiskSize))
	}
	// A custom AMI is its own version and type: EKS refuses amiType,
	// version and releaseVersion with one (CreateNodegroup: "don't
	// specify amiType").
	if a.AMIType == customAMIType {
		in.AmiType = ""
	}
	if a.Version != "" && a.AMIType != customAMIType {
		in.Version = aws.String(a.Version)
	}
	if a.ReleaseVersion != "" && a.AMIType != customAMIType {
		in.ReleaseVersion = aws.String(a.ReleaseVersion)
	}
	if a.LaunchTemplateName != "" {
		in.LaunchTemplate = &ekstypes.LaunchTemplateSpecification{Name: aws.String(a.LaunchTemplateName), Version: aws.String(a.LaunchTemplateVersion)}
	}
	// In use: the group exists (an interrupted apply created it), or the
	// cluster is busy (then it does not exist yet: retry).
	_, adopted, err := createOrAdopt(ctx, w, "EKS to accept node group "+a.Name, x.e.busyFor(a.NodeRoleARN), eksAdoption(x, nodegroupResource, a.Name,
		func(ctx context.Context) error { _, err := x.eks.CreateNodegroup(ctx, in); return err },
		fmt.Sprintf("a node group named %s already exists in cluster %s and eksctl-lite does not own it; rename the node_group block or remove that node group", a.Name, x.cluster)))
	if err != nil {
		return nil, "", fmt.Errorf("creating node group %s in cluster %s: %w", a.Name, x.cluster, err)
	}
	if adopted {
		x.act.note("found node group %s created by an earlier apply; waiting for it", a.Name)
	}
	ng, err := nodegroupActive(ctx, x.eks, w, x.cluster, a.Name)
	if err != nil {
		return nil, "", err
	}
	return nodeGroupFromAWS(ng), aws.ToString(ng.NodegroupArn), nil
}

func ekTaints(ts []TaintAttrs) []ekstypes.Taint {
	var out []ekstypes.Taint
	for _, t := range ts {
		out = append(out, ekstypes.Taint{Key: aws.String(t.Key), Value: aws.String(t.Value), Effect: ekstypes.TaintEffect(t.Effect)})
	}
	return out
}

func updateConfig(a *NodeGroupAttrs) *ekstypes.NodegroupUpdateConfig {
	switch {
	case a.MaxUnavailablePercentage != nil:
		return &ekstypes.NodegroupUpdateConfig{MaxUnavailablePercentage: aws.Int32(int32(*a.MaxUnavailablePercentage))}
	case a.MaxUnavailable != nil:
		return &ekstypes.NodegroupUpdateConfig{MaxUnavailable: aws.Int32(int32(*a.MaxUnavailable))}
	}
	return nil
}

// updateNodeGroup carries out the plan's steps in order; every EKS update
// is polled until it succeeds before the next (EKS allows one update in
// flight per node group). As for clusters (see updateCluster), it first
// waits for an update already in flight to end, then works from the live
// node group: steps already satisfied are skipped, inputs are computed from
// what the group has now, and a call refused as busy is re-sent only if
// the group, read again, still needs it.
func updateNodeGroup(ctx context.Context, x *execution, w waiter) (any, string, error) {
	b, a := x.before.(*NodeGroupAttrs), x.after.(*NodeGroupAttrs)
	name := b.Name
	ng, err := nodegroupActive(ctx, x.eks, w, x.cluster, name)
	if err != nil {
		return nil, "", err
	}
	if err := x.stillOwned("node group "+name, ng.Tags); err != nil {
		return nil, "", err
	}
	read := func(ctx context.Context) (*NodeGroupAttrs, bool, error) {
		out, err := x.eks.DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{ClusterName: aws.String(x.cluster), NodegroupName: aws.String(name)})
		if err != nil {
			return nil, false, fmt.Errorf("describing node group %s: %w", name, err)
		}
		st := out.Nodegroup.Status
		return nodeGroupFromAWS(out.Nodegroup), st == ekstypes.NodegroupStatusUpdating || st == ekstypes.NodegroupStatusCreating, nil
	}
	if err := runUpdateSteps(ctx, x, w, "node group "+name, name, x.c.Steps, nodeGroupFromAWS(ng), read,
		func(s Step, cur *NodeGroupAttrs) bool { return nodeGroupStepDone(s, cur, a) },
		func(ctx context.Context, s Step, cur *NodeGroupAttrs, u **ekstypes.Update) error {
			return sendNodeGroupStep(ctx, x, s, cur, a, u)
		}); err != nil {
		return nil, "", err
	}
	ng, err = nodegroupActive(ctx, x.eks, w, x.cluster, name)
	if err != nil {
		return nil, "", err
	}
	return nodeGroupFromAWS(ng), aws.ToString(ng.NodegroupArn), nil
}

// sendNodeGroupStep makes the call of one step, with its input computed
// from the live node group cur and the desired a.
func sendNodeGroupStep(ctx context.Context, x *execution, s Step, cur, a *NodeGroupAttrs, update **ekstypes.Update) error {
	name := cur.Name
	switch s.Call {
	case "TagResource", "UntagResource":
		return eksTagStep(ctx, x.eks, s.Call, cur.ARN, cur.Tags, a.Tags)
	case "UpdateNodegroupVersion":
		in := &eks.UpdateNodegroupVersionInput{ClusterName: aws.String(x.cluster), NodegroupName: aws.String(name)}
		version := stepTarget(s, a.Version)
		if version != "" && version != cur.Version {
			in.Version = aws.String(version)
		}
		if a.ReleaseVersion != "" && a.ReleaseVersion != cur.ReleaseVersion {
			in.ReleaseVersion = aws.String(a.ReleaseVersion)
		}
		if a.LaunchTemplateName != "" && a.LaunchTemplateVersion != cur.LaunchTemplateVersion {
			in.LaunchTemplate = &ekstypes.LaunchTemplateSpecification{Name: aws.String(a.LaunchTemplateName), Version: aws.String(a.LaunchTemplateVersion)}
		}
		if a.AMIType == customAMIType {
			in.Version, in.ReleaseVersion = nil, nil
		}
		if in.Version == nil && in.ReleaseVersion == nil && in.LaunchTemplate == nil {
			in.Version = aws.String(version)
		}
		out, err := x.eks.UpdateNodegroupVersion(ctx, in)
		if err == nil {
			*update = out.Update
		}
		return err
	case "UpdateNodegroupConfig":
		out, err := x.eks.UpdateNodegroupConfig(ctx, nodegroupConfigInput(x.cluster, name, cur, a, s.Paths))
		if err == nil {
			*update = out.Update
		}
		return err
	}
	return unknownStep(x, s)
}

// nodeGroupStepDone reports whether the live node group cur already has
// what step s would give it. A desired size left to autoscalers is never
// compared (the diff leaves it out). An unknown step is never done.
func nodeGroupStepDone(s Step, cur, a *NodeGroupAttrs) bool {
	switch s.Call {
	case "TagResource", "UntagResource":
		return eksTagStepDone(s.Call, cur.Tags, a.Tags)
	case "UpdateNodegroupVersion":
		version := stepTarget(s, a.Version)
		return (version == "" || versionReached(cur.Version, version)) &&
			(a.ReleaseVersion == "" || a.ReleaseVersion == cur.ReleaseVersion) &&
			(a.LaunchTemplateName == "" || a.LaunchTemplateVersion == cur.LaunchTemplateVersion)
	case "UpdateNodegroupConfig":
		paths := s.Paths
		if len(paths) == 0 {
			paths = nodeGroupConfigPaths
		}
		return pathsEqual(nodeGroupSchema, cur, a, paths)
	}
	return false
}

// nodegroupConfigInput builds one UpdateNodegroupConfig covering the given
// attribute paths (all of them when paths is empty).
func nodegroupConfigInput(cluster, name string, b, a *NodeGroupAttrs, paths []string) *eks.UpdateNodegroupConfigInput {
	in := &eks.UpdateNodegroupConfigInput{ClusterName: aws.String(cluster), NodegroupName: aws.String(name)}
	parts := configParts(paths)
	if parts["scaling"] {
		sc := &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(int32(a.MinSize)), MaxSize: aws.Int32(int32(a.MaxSize))}
		// Left to autoscalers with no live size to keep: none is sent.
		if a.DesiredSize != nil || b.DesiredSize != nil {
			sc.DesiredSize = aws.Int32(int32(desiredSize(a, b.DesiredSize)))
		}
		in.ScalingConfig = sc
	}
	if parts["labels"] {
		p := &ekstypes.UpdateLabelsPayload{}
		set, remove := tagChanges(b.Labels, a.Labels)
		if len(set) > 0 {
			p.AddOrUpdateLabels = set
		}
		p.RemoveLabels = remove
		if p.AddOrUpdateLabels != nil || p.RemoveLabels != nil {
			in.Labels = p
		}
	}
	if parts["taints"] {
		type key struct{ k, effect string }
		had := map[key]TaintAttrs{}
		for _, t := range b.Taints {
			had[key{t.Key, t.Effect}] = t
		}
		wanted := map[key]bool{}
		p := &ekstypes.UpdateTaintsPayload{}
		for _, t := range a.Taints {
			k := key{t.Key, t.Effect}
			wanted[k] = true
			if old, ok := had[k]; !ok || old.Value != t.Value {
				p.AddOrUpdateTaints = append(p.AddOrUpdateTaints, ekTaints([]TaintAttrs{t})...)
			}
		}
		for _, t := range b.Taints {
			if !wanted[key{t.Key, t.Effect}] {
				p.RemoveTaints = append(p.RemoveTaints, ekTaints([]TaintAttrs{t})...)
			}
		}
		if p.AddOrUpdateTaints != nil || p.RemoveTaints != nil {
			in.Taints = p
		}
	}
	if parts["update settings"] {
		in.UpdateConfig = updateConfig(a)
	}
	return in
}

// deleteNodeGroup deletes the node group name and waits until it is gone.
func deleteNodeGroup(ctx context.Context, x *execution, w waiter, name string) error {
	out, err := x.eks.DescribeNodegroup(callCtx(ctx), &eks.DescribeNodegroupInput{ClusterName: aws.String(x.cluster), NodegroupName: aws.String(name)})
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("describing node group %s of cluster %s: %w", name, x.cluster, err)
	}
	if err := x.stillOwned("node group "+name, out.Nodegroup.Tags); err != nil {
		return err
	}
	err = w.retry(ctx, "EKS to accept the deletion of node group "+name, isInUse, func(ctx context.Context) error {
		_, err := x.eks.DeleteNodegroup(ctx, &eks.DeleteNodegroupInput{ClusterName: aws.String(x.cluster), NodegroupName: aws.String(name)})
		if isNotFound(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("deleting node group %s of cluster %s: %w", name, x.cluster, err)
	}
	return nodegroupGone(ctx, x.eks, w, x.cluster, name)
}

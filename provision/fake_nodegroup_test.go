package provision

// The fake account's managed node groups.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
)

// fakeNodegroupOps serves the node group operations of region.
func (a *fakeAccount) fakeNodegroupOps(f *fakeEKS, region string) {
	r := func() *eksRegion { return a.in(region) }

	f.listNodegroupsFn = func(_ context.Context, in *eks.ListNodegroupsInput) (*eks.ListNodegroupsOutput, error) {
		cluster := aws.ToString(in.ClusterName)
		return eksCall(a, "ListNodegroups", cluster, func() (*eks.ListNodegroupsOutput, error) {
			if r().cluster(cluster) == nil {
				return nil, notFound("No cluster found for name: %s.", cluster)
			}
			page, next := a.page(r().children(r().nodegroups, cluster), in.NextToken)
			return &eks.ListNodegroupsOutput{Nodegroups: page, NextToken: next}, nil
		})
	}
	f.createNodegroupFn = func(_ context.Context, in *eks.CreateNodegroupInput) (*eks.CreateNodegroupOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName)
		return eksCall(a, "CreateNodegroup", name, func() (*eks.CreateNodegroupOutput, error) {
			c := r().cluster(cluster)
			if c == nil || c.status != "ACTIVE" {
				a.violate("CreateNodegroup %s before cluster %s is ACTIVE", name, cluster)
				return nil, notFound("No cluster found for name: %s.", cluster)
			}
			if err := a.scalingRefusal("CreateNodegroup", name, nil, in.ScalingConfig); err != nil {
				return nil, err
			}
			if r().nodegroup(cluster, name) != nil {
				return nil, inUse("NodeGroup already exists with name %s and cluster name %s", name, cluster)
			}
			a.record("CreateNodegroup %s/%s", cluster, name)
			o := &eksObject{name: name, cluster: cluster, arn: nodegroupARNOf(region, cluster, name), status: "CREATING", until: time.Now().Add(a.life.nodeGroup), tags: copyTags(in.Tags)}
			version := in.Version
			if version == nil {
				version = c.cl.Version
			}
			release := in.ReleaseVersion
			if release == nil {
				release = aws.String(latestRelease(aws.ToString(version)))
			}
			update := in.UpdateConfig
			if update == nil {
				update = &ekstypes.NodegroupUpdateConfig{}
			}
			o.ng = &ekstypes.Nodegroup{ClusterName: in.ClusterName, NodegroupName: in.NodegroupName, NodegroupArn: aws.String(o.arn), NodeRole: in.NodeRole,
				Subnets: in.Subnets, InstanceTypes: in.InstanceTypes, AmiType: in.AmiType, CapacityType: in.CapacityType, DiskSize: in.DiskSize,
				ScalingConfig: in.ScalingConfig, Labels: in.Labels, Taints: in.Taints, UpdateConfig: update, Version: version, ReleaseVersion: release}
			if lt := in.LaunchTemplate; lt != nil {
				t := r().templates[aws.ToString(lt.Name)]
				v, _ := strconv.ParseInt(aws.ToString(lt.Version), 10, 64)
				if t == nil || v < 1 || v > int64(len(t.versions)) {
					a.violate("CreateNodegroup %s with launch template %s version %s, which does not exist", name, aws.ToString(lt.Name), aws.ToString(lt.Version))
					return nil, invalid("Launch template %s version %s does not exist", aws.ToString(lt.Name), aws.ToString(lt.Version))
				}
				if in.DiskSize != nil {
					a.violate("CreateNodegroup %s with a launch template and diskSize", name)
					return nil, invalid("Disk size must be specified within the launch template.")
				}
				o.ng.LaunchTemplate = &ekstypes.LaunchTemplateSpecification{Name: lt.Name, Id: aws.String(t.id), Version: lt.Version}
				if ami := t.versions[v-1].ImageId; ami != nil {
					// A custom AMI: EKS refuses amiType, version and
					// releaseVersion, and reports CUSTOM, the cluster's
					// version and the AMI as the release.
					if in.AmiType != "" || in.Version != nil || in.ReleaseVersion != nil {
						a.violate("CreateNodegroup %s with a custom AMI and amiType %q, version %v, releaseVersion %v", name, in.AmiType, aws.ToString(in.Version), aws.ToString(in.ReleaseVersion))
						return nil, invalid("You cannot specify amiType, version or releaseVersion with a launch template that has a custom AMI")
					}
					o.ng.AmiType, o.ng.Version, o.ng.ReleaseVersion = ekstypes.AMITypesCustom, c.cl.Version, ami
				}
			}
			r().nodegroups[cluster+"/"+name] = o
			return &eks.CreateNodegroupOutput{Nodegroup: describeNodegroup(o)}, nil
		})
	}
	f.describeNodegroupFn = func(_ context.Context, in *eks.DescribeNodegroupInput) (*eks.DescribeNodegroupOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName)
		return eksCall(a, "DescribeNodegroup", name, func() (*eks.DescribeNodegroupOutput, error) {
			o := r().nodegroup(cluster, name)
			if o == nil {
				return nil, notFound("No node group found for name: %s.", name)
			}
			return &eks.DescribeNodegroupOutput{Nodegroup: describeNodegroup(o)}, nil
		})
	}
	f.deleteNodegroupFn = func(_ context.Context, in *eks.DeleteNodegroupInput) (*eks.DeleteNodegroupOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName)
		return eksCall(a, "DeleteNodegroup", name, func() (*eks.DeleteNodegroupOutput, error) {
			o := r().nodegroup(cluster, name)
			if o == nil {
				return nil, notFound("No node group found for name: %s.", name)
			}
			if o.status == "DELETING" {
				return nil, inUse("Nodegroup %s is already deleting", name)
			}
			a.record("DeleteNodegroup %s/%s", cluster, name)
			o.status, o.until = "DELETING", time.Now().Add(a.life.nodeGroup)
			return &eks.DeleteNodegroupOutput{}, nil
		})
	}
	nodegroupUpdate := func(op, cluster, name, detail string, typ ekstypes.UpdateType, refuse func(ng *ekstypes.Nodegroup) error, change func(ng *ekstypes.Nodegroup)) (*ekstypes.Update, error) {
		return eksCall(a, op, name, func() (*ekstypes.Update, error) {
			o := r().nodegroup(cluster, name)
			if o == nil {
				return nil, notFound("No node group found for name: %s.", name)
			}
			if a.busy(region, cluster, name) {
				a.violate("%s on node group %s while another update is in progress", op, name)
				return nil, inUse("An update is already in progress for node group %s", name)
			}
			if a.busy(region, cluster, "") {
				a.violate("%s on node group %s while cluster %s is updating", op, name, cluster)
				return nil, inUse("Cluster %s is updating", cluster)
			}
			if err := refuse(o.ng); err != nil {
				return nil, err
			}
			a.record("%s %s/%s%s", op, cluster, name, detail)
			return a.startUpdate(region, o, name, typ, func() {
				ng := *o.ng
				change(&ng)
				o.ng = &ng
			}), nil
		})
	}
	f.updateNodegroupConfigFn = func(_ context.Context, in *eks.UpdateNodegroupConfigInput) (*eks.UpdateNodegroupConfigOutput, error) {
		change := func(ng *ekstypes.Nodegroup) {
			if in.ScalingConfig != nil {
				ng.ScalingConfig = in.ScalingConfig
			}
			if in.Labels != nil {
				l := copyTags(ng.Labels)
				for k, v := range in.Labels.AddOrUpdateLabels {
					l[k] = v
				}
				for _, k := range in.Labels.RemoveLabels {
					delete(l, k)
				}
				ng.Labels = l
			}
			if in.Taints != nil {
				var ts []ekstypes.Taint
				for _, t := range ng.Taints {
					keep := true
					for _, r := range append(in.Taints.RemoveTaints, in.Taints.AddOrUpdateTaints...) {
						if aws.ToString(r.Key) == aws.ToString(t.Key) && r.Effect == t.Effect {
							keep = false
						}
					}
					if keep {
						ts = append(ts, t)
					}
				}
				ng.Taints = append(ts, in.Taints.AddOrUpdateTaints...)
			}
			if in.UpdateConfig != nil {
				ng.UpdateConfig = in.UpdateConfig
			}
		}
		u, err := nodegroupUpdate("UpdateNodegroupConfig", aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName), "", ekstypes.UpdateTypeConfigUpdate, func(ng *ekstypes.Nodegroup) error {
			if err := a.scalingRefusal("UpdateNodegroupConfig", aws.ToString(in.NodegroupName), ng.ScalingConfig, in.ScalingConfig); err != nil {
				return err
			}
			after := *ng
			change(&after)
			if cmp.Equal(nodeGroupFromAWS(ng), nodeGroupFromAWS(&after)) {
				return invalid("No changes were specified in the request")
			}
			return nil
		}, change)
		if err != nil {
			return nil, err
		}
		return &eks.UpdateNodegroupConfigOutput{Update: u}, nil
	}
	f.updateNodegroupVersionFn = func(_ context.Context, in *eks.UpdateNodegroupVersionInput) (*eks.UpdateNodegroupVersionOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName)
		detail := ""
		if in.Version != nil {
			detail = " " + aws.ToString(in.Version)
		}
		u, err := nodegroupUpdate("UpdateNodegroupVersion", cluster, name, detail, ekstypes.UpdateTypeVersionUpdate, func(ng *ekstypes.Nodegroup) error {
			if lt := in.LaunchTemplate; lt != nil {
				if ng.LaunchTemplate == nil || aws.ToString(lt.Name) != aws.ToString(ng.LaunchTemplate.Name) {
					a.violate("UpdateNodegroupVersion %s with launch template %s, not the one it was created with", name, aws.ToString(lt.Name))
					return invalid("You cannot specify a launch template for a node group created without one, or another one")
				}
				return nil
			}
			if in.ReleaseVersion == nil && aws.ToString(in.Version) == aws.ToString(ng.Version) {
				return invalid("Nodegroup %s is already at version %s", name, aws.ToString(in.Version))
			}
			if c := r().cluster(cluster); c != nil && in.Version != nil && compareVersions(aws.ToString(in.Version), aws.ToString(c.cl.Version)) > 0 {
				a.violate("UpdateNodegroupVersion %s to %s before the control plane (%s)", name, aws.ToString(in.Version), aws.ToString(c.cl.Version))
			}
			return nil
		}, func(ng *ekstypes.Nodegroup) {
			if in.Version != nil && aws.ToString(in.Version) != aws.ToString(ng.Version) {
				ng.Version, ng.ReleaseVersion = in.Version, aws.String(latestRelease(aws.ToString(in.Version)))
			}
			if in.ReleaseVersion != nil {
				ng.ReleaseVersion = in.ReleaseVersion
			}
			if lt := in.LaunchTemplate; lt != nil {
				ng.LaunchTemplate.Version = lt.Version
			}
		})
		if err != nil {
			return nil, err
		}
		return &eks.UpdateNodegroupVersionOutput{Update: u}, nil
	}
}

// scalingRefusal is EKS's InvalidParameterException to a scaling
// configuration outside 0 <= minSize <= desiredSize <= maxSize, 1 <= maxSize
// (NodegroupScalingConfig, EKS API reference), recorded as a violation:
// apply must never send one. in is what the call sends (nil: no scaling
// change); live is the group's scaling now (nil at creation), whose sizes
// stand where in leaves one out. A CreateNodegroup without a desired size
// is left to EKS's default, not checked. Called with the lock held.
func (a *fakeAccount) scalingRefusal(op, name string, live, in *ekstypes.NodegroupScalingConfig) error {
	if in == nil {
		return nil
	}
	size := func(sent func(*ekstypes.NodegroupScalingConfig) *int32) *int32 {
		if v := sent(in); v != nil || live == nil {
			return v
		}
		return sent(live)
	}
	lo := aws.ToInt32(size(func(s *ekstypes.NodegroupScalingConfig) *int32 { return s.MinSize }))
	hi := aws.ToInt32(size(func(s *ekstypes.NodegroupScalingConfig) *int32 { return s.MaxSize }))
	desired := size(func(s *ekstypes.NodegroupScalingConfig) *int32 { return s.DesiredSize })
	var why string
	switch {
	case lo < 0:
		why = fmt.Sprintf("Minimum size %d can't be less than 0", lo)
	case hi < 1:
		why = fmt.Sprintf("Maximum size %d can't be less than 1", hi)
	case lo > hi:
		why = fmt.Sprintf("Minimum size %d can't be greater than maximum size %d", lo, hi)
	case desired != nil && *desired < lo:
		why = fmt.Sprintf("Minimum capacity %d can't be greater than desired size %d", lo, *desired)
	case desired != nil && *desired > hi:
		why = fmt.Sprintf("Desired capacity %d can't be greater than max size %d", *desired, hi)
	default:
		return nil
	}
	a.violate("%s %s: %s", op, name, why)
	return invalid("%s", why)
}

func nodegroupARNOf(region, cluster, name string) string {
	return "arn:aws:eks:" + region + ":" + testAccount + ":nodegroup/" + cluster + "/" + name + "/0000"
}

// latestRelease is the AMI release EKS picks for a version.
func latestRelease(version string) string { return version + ".0-20250101" }

func describeNodegroup(o *eksObject) *ekstypes.Nodegroup {
	n := *o.ng
	n.Status, n.Tags = ekstypes.NodegroupStatus(o.status), copyTags(o.tags)
	n.Taints = slices.Clone(n.Taints)
	slices.Reverse(n.Taints)
	return &n
}

func (a *fakeAccount) putNodeGroup(cluster string, n *NodeGroupAttrs) *NodeGroupAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	arn := nodegroupARNOf(a.region, cluster, n.Name)
	o := &eksObject{name: n.Name, cluster: cluster, arn: arn, status: "ACTIVE", tags: copyTags(n.Tags)}
	o.ng = &ekstypes.Nodegroup{
		ClusterName: aws.String(cluster), NodegroupName: aws.String(n.Name), NodegroupArn: aws.String(arn),
		InstanceTypes: n.InstanceTypes, AmiType: ekstypes.AMITypes(n.AMIType), CapacityType: ekstypes.CapacityTypes(n.CapacityType),
		DiskSize: aws.Int32(int32(n.DiskSize)), Subnets: n.SubnetIDs, NodeRole: aws.String(n.NodeRoleARN),
		Version: aws.String(n.Version), ReleaseVersion: aws.String(latestRelease(n.Version)), Labels: copyTags(n.Labels),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(int32(n.MinSize)), MaxSize: aws.Int32(int32(n.MaxSize))},
		UpdateConfig:  &ekstypes.NodegroupUpdateConfig{},
	}
	if n.ReleaseVersion != "" {
		o.ng.ReleaseVersion = aws.String(n.ReleaseVersion)
	}
	if n.DesiredSize != nil {
		o.ng.ScalingConfig.DesiredSize = aws.Int32(int32(*n.DesiredSize))
	}
	if n.MaxUnavailable != nil {
		o.ng.UpdateConfig.MaxUnavailable = aws.Int32(int32(*n.MaxUnavailable))
	}
	if n.MaxUnavailablePercentage != nil {
		o.ng.UpdateConfig.MaxUnavailablePercentage = aws.Int32(int32(*n.MaxUnavailablePercentage))
	}
	for _, t := range n.Taints {
		o.ng.Taints = append(o.ng.Taints, ekstypes.Taint{Key: aws.String(t.Key), Value: aws.String(t.Value), Effect: ekstypes.TaintEffect(t.Effect)})
	}
	a.in("").nodegroups[cluster+"/"+n.Name] = o
	return nodeGroupFromAWS(describeNodegroup(o))
}

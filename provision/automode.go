package provision

// EKS Auto Mode, a part of the cluster (cluster.go): EKS runs the compute
// (node pools of EC2 managed instances), block storage and load balancing
// controllers itself. The API has three settings, computeConfig,
// storageConfig.blockStorage and kubernetesNetworkConfig.
// elasticLoadBalancing, which EKS accepts only all enabled or all disabled
// (EKS User Guide, "Enable EKS Auto Mode on an existing cluster"), so the
// plan has one flag, its node pools and its node role.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// autoModePaths are the cluster attributes of Auto Mode, changed together
// by one UpdateClusterConfig.
var autoModePaths = []string{"auto_mode.enabled", "auto_mode.node_pools", "auto_mode.node_role_arn"}

// AutoModeNodeRoleAddress is the address of the managed Auto Mode node role.
func AutoModeNodeRoleAddress(cluster string) string {
	return ClusterAddress(cluster) + ".auto_mode_node_role"
}

// AutoModeNodeRoleName is the name of the managed role of Auto Mode's
// nodes, made when an enabled auto_mode block with node pools names no
// node_role_arn. It lives at RolePath: Auto Mode nodes join through
// access entries, never through aws-auth, which needs RootRolePath.
func AutoModeNodeRoleName(cluster, region string) string {
	return limitName("eksctl-lite-"+cluster+"-"+region+"-auto-node", maxRoleName)
}

// AutoModeClusterPolicyARNs are the AWS managed policies the cluster role
// needs besides AmazonEKSClusterPolicy while Auto Mode is enabled (EKS User
// Guide, "Amazon EKS Auto Mode cluster IAM role").
func AutoModeClusterPolicyARNs(region string) []string {
	return []string{
		managedPolicyARN(region, "AmazonEKSComputePolicy"),
		managedPolicyARN(region, "AmazonEKSBlockStoragePolicy"),
		managedPolicyARN(region, "AmazonEKSLoadBalancingPolicy"),
		managedPolicyARN(region, "AmazonEKSNetworkingPolicy"),
	}
}

// AutoModeNodeRolePolicyARNs are the AWS managed policies of the managed
// Auto Mode node role (EKS User Guide, "Amazon EKS Auto Mode node IAM role").
func AutoModeNodeRolePolicyARNs(region string) []string {
	return []string{
		managedPolicyARN(region, "AmazonEKSWorkerNodeMinimalPolicy"),
		managedPolicyARN(region, "AmazonEC2ContainerRegistryPullOnly"),
	}
}

// autoModeClusterTrustActions are what the Auto Mode cluster role lets EKS
// do: Auto Mode tags the sessions it starts with the role.
var autoModeClusterTrustActions = []string{"sts:AssumeRole", "sts:TagSession"}

// autoModeOn reports whether the cluster runs Auto Mode once the plan is
// applied: as the auto_mode block says, else as it runs live.
func (cp *clusterPlan) autoModeOn() bool {
	if a := cp.spec.AutoMode; a != nil {
		return a.Enabled
	}
	return cp.live != nil && cp.live.cluster != nil && cp.live.cluster.AutoModeEnabled
}

// wantsAutoModeNodeRole reports whether the configuration leaves the Auto
// Mode node role to eksctl-lite: an enabled block with node pools and no
// node_role_arn. (A live cluster whose Auto Mode runs with another role
// is then refused by autoModeRefusal: EKS never changes the role while
// compute is enabled; the message says to write node_role_arn.)
func wantsAutoModeNodeRole(c *spec.Cluster) bool {
	a := c.AutoMode
	return a != nil && a.Enabled && len(a.NodePools) > 0 && a.NodeRoleARN == ""
}

// withAutoMode fills in the Auto Mode attributes of a cluster's desired
// attributes: what the auto_mode block says, else, on a live cluster,
// whatever it runs (so that leaving the block out changes nothing), else
// off. nodeRole is the managed node role's ARN (or KnownAfterApply) when
// the block leaves the role to eksctl-lite.
func withAutoMode(a *ClusterAttrs, c *spec.Cluster, live *ClusterAttrs, nodeRole string) *ClusterAttrs {
	am := c.AutoMode
	switch {
	case am == nil && live != nil:
		a.AutoModeEnabled, a.AutoModeNodePools, a.AutoModeNodeRoleARN = live.AutoModeEnabled, live.AutoModeNodePools, live.AutoModeNodeRoleARN
	case am == nil:
	default:
		a.AutoModeEnabled, a.AutoModeNodePools = am.Enabled, am.NodePools
		switch {
		case am.NodeRoleARN != "":
			a.AutoModeNodeRoleARN = am.NodeRoleARN
		case wantsAutoModeNodeRole(c):
			a.AutoModeNodeRoleARN = nodeRole
		case live != nil:
			// No role wanted (disabled, or no node pools): the one EKS has
			// stays, as EKS keeps it.
			a.AutoModeNodeRoleARN = live.AutoModeNodeRoleARN
		}
	}
	return a
}

// autoModeFromAWS reads the three Auto Mode settings of DescribeCluster:
// enabled only when all three are (EKS keeps them equal).
func autoModeFromAWS(a *ClusterAttrs, c *ekstypes.Cluster) {
	compute := c.ComputeConfig != nil && aws.ToBool(c.ComputeConfig.Enabled)
	storage := c.StorageConfig != nil && c.StorageConfig.BlockStorage != nil && aws.ToBool(c.StorageConfig.BlockStorage.Enabled)
	elb := c.KubernetesNetworkConfig != nil && c.KubernetesNetworkConfig.ElasticLoadBalancing != nil && aws.ToBool(c.KubernetesNetworkConfig.ElasticLoadBalancing.Enabled)
	a.AutoModeEnabled = compute && storage && elb
	if cc := c.ComputeConfig; cc != nil {
		if len(cc.NodePools) > 0 {
			a.AutoModeNodePools = sortedCopy(cc.NodePools)
		}
		a.AutoModeNodeRoleARN = aws.ToString(cc.NodeRoleArn)
	}
}

// autoModeAccess refuses Auto Mode on a cluster whose authentication mode
// (written, or live when the access block is left out) reads only the
// aws-auth ConfigMap: Auto Mode's nodes join through access entries. nil
// when there is nothing to refuse.
func autoModeAccess(c *spec.Cluster, after *ClusterAttrs) *hcl.Diagnostic {
	if !after.AutoModeEnabled || (after.AuthenticationMode != "CONFIG_MAP" && after.AuthenticationMode != "") {
		return nil
	}
	rng := c.DeclRange
	if c.AutoMode != nil {
		rng = c.AutoMode.DeclRange
	}
	mode := after.AuthenticationMode
	if mode == "" {
		mode = "none reported (a cluster older than access entries)"
	}
	return errorDiag(rng, fmt.Sprintf("Auto Mode needs access entries on cluster %q", c.Name),
		fmt.Sprintf("Auto Mode's nodes join the cluster through an access entry, and cluster %q's authentication mode is %s, which reads only the aws-auth ConfigMap. Add access { authentication_mode = \"API_AND_CONFIG_MAP\" } (or \"API\") to the cluster block: the plan then moves the mode forward before enabling Auto Mode.", c.Name, mode))
}

// autoModeRefusal explains an Auto Mode diff EKS cannot apply, or "".
func autoModeRefusal(before, after *ClusterAttrs, d AttrDiff) string {
	if d.Path == "auto_mode.node_role_arn" && before.AutoModeEnabled && after.AutoModeEnabled && before.AutoModeNodeRoleARN != "" {
		return fmt.Sprintf("EKS cannot change the node role of Auto Mode while its compute is enabled (live: %s). Set node_role_arn = %q in the auto_mode block (or leave it out if eksctl-lite manages that role); to move to another role, disable Auto Mode in one apply and enable it with the new role in the next.", before.AutoModeNodeRoleARN, before.AutoModeNodeRoleARN)
	}
	return ""
}

// autoModeStep is the one UpdateClusterConfig that changes Auto Mode, or
// nil when no Auto Mode attribute differs.
func autoModeStep(before, after *ClusterAttrs, paths map[string]bool) *Step {
	p := pathsIn(paths, autoModePaths...)
	if len(p) == 0 {
		return nil
	}
	detail := "Auto Mode"
	switch {
	case after.AutoModeEnabled && !before.AutoModeEnabled:
		detail = "enable Auto Mode"
	case !after.AutoModeEnabled && before.AutoModeEnabled:
		detail = "disable Auto Mode"
	case after.AutoModeEnabled:
		detail = "Auto Mode node pools"
	}
	return &Step{Call: "UpdateClusterConfig", Detail: detail, Paths: p}
}

// autoModeRequest sets all three Auto Mode settings of an UpdateClusterConfig
// or CreateCluster from the desired a: EKS accepts them only together.
// Disabled, the node pools are sent empty, as EKS requires.
func autoModeRequest(a *ClusterAttrs) (*ekstypes.ComputeConfigRequest, *ekstypes.StorageConfigRequest, *ekstypes.KubernetesNetworkConfigRequest) {
	on := aws.Bool(a.AutoModeEnabled)
	compute := &ekstypes.ComputeConfigRequest{Enabled: on, NodePools: []string{}}
	if a.AutoModeEnabled {
		compute.NodePools = append(compute.NodePools, a.AutoModeNodePools...)
		// EKS takes the node role only with node pools.
		if a.AutoModeNodeRoleARN != "" && len(a.AutoModeNodePools) > 0 {
			compute.NodeRoleArn = aws.String(a.AutoModeNodeRoleARN)
		}
	}
	return compute,
		&ekstypes.StorageConfigRequest{BlockStorage: &ekstypes.BlockStorage{Enabled: on}},
		&ekstypes.KubernetesNetworkConfigRequest{ElasticLoadBalancing: &ekstypes.ElasticLoadBalancing{Enabled: on}}
}

// orderAutoModeRoles makes the managed cluster role's update wait for the
// cluster when the plan disables Auto Mode: the role loses Auto Mode's
// policies only once EKS has stopped using them (the cluster change
// otherwise waits for its role).
func orderAutoModeRoles(cp *clusterPlan, ch *ResourceChange) {
	before, after := ch.Before.(*ClusterAttrs), ch.After.(*ClusterAttrs)
	if before == nil || !before.AutoModeEnabled || after.AutoModeEnabled || cp.spec.RoleARN != "" {
		return
	}
	roleAddr := ClusterRoleAddress(cp.spec.Name)
	for _, other := range cp.changes {
		if other.Address == roleAddr && other.Action == Update {
			ch.DependsOn = slices.DeleteFunc(ch.DependsOn, func(d string) bool { return d == roleAddr })
			other.DependsOn = append(other.DependsOn, ch.Address)
		}
	}
}

// computeNote says, for a cluster that runs Auto Mode beside managed node
// groups, self-managed node groups or Fargate profiles, which compute
// serves which pods, as a warning, so a reviewer sees it in the plan.
func computeNote(c *spec.Cluster) hcl.Diagnostics {
	if c.AutoMode == nil || !c.AutoMode.Enabled {
		return nil
	}
	var others []string
	if n := len(c.NodeGroups) + len(c.SelfManagedNodeGroups); n > 0 {
		others = append(others, fmt.Sprintf("%d node group(s) (pods whose node selectors, affinities or tolerations match their nodes, and any pod the scheduler places there)", n))
	}
	if n := len(c.FargateProfiles); n > 0 {
		others = append(others, fmt.Sprintf("%d Fargate profile(s) (pods matching their selectors, which EKS's Fargate scheduler takes before any node)", n))
	}
	if len(others) == 0 {
		return nil
	}
	pools := "no built-in node pool (only NodePools you create in Kubernetes)"
	if len(c.AutoMode.NodePools) > 0 {
		pools = "the node pools " + strings.Join(c.AutoMode.NodePools, ", ")
	}
	return hcl.Diagnostics{{Severity: hcl.DiagWarning, Subject: rangePtr(c.AutoMode.DeclRange),
		Summary: fmt.Sprintf("Cluster %q runs Auto Mode beside other compute", c.Name),
		Detail: fmt.Sprintf("Pods of cluster %q can run on Auto Mode (%s; it launches nodes for pending pods nothing else can place) and on %s. Label, taint or select so that each workload lands where you mean it to.",
			c.Name, pools, strings.Join(others, " and "))}}
}

// clusterUsesRole reports whether the live cluster uses the role of ARN
// arn once the plan is applied: as its cluster role, or as the node role of
// Auto Mode while it stays enabled with that role (a plan that disables it
// frees the role, which is then deleted after the cluster's update: the
// update's Before names it).
func (cp *clusterPlan) clusterUsesRole(arn string) bool {
	live := cp.live.cluster
	if live.RoleARN == arn {
		return true
	}
	if !live.AutoModeEnabled || live.AutoModeNodeRoleARN != arn {
		return false
	}
	for _, ch := range cp.changes {
		if ch.Address == ClusterAddress(cp.spec.Name) && ch.Type == TypeCluster {
			if after, ok := ch.After.(*ClusterAttrs); ok && after != nil {
				return after.AutoModeEnabled && after.AutoModeNodeRoleARN == arn
			}
		}
	}
	return true
}

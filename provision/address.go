package provision

import "strings"

// Addresses name resources in plans, tags and messages; see the comment
// block in model.go for their shape. They never change for a resource's
// lifetime: a node group keeps its address across replacements even though
// its physical name changes.

// ClusterAddress is the address of the cluster itself.
func ClusterAddress(cluster string) string { return "cluster." + cluster }

// NodeGroupAddress is the address of a node_group block.
func NodeGroupAddress(cluster, label string) string {
	return ClusterAddress(cluster) + ".node_group." + label
}

// FargateProfileAddress is the address of a fargate_profile block.
func FargateProfileAddress(cluster, label string) string {
	return ClusterAddress(cluster) + ".fargate_profile." + label
}

// IRSAAddress is the address of an irsa block's IAM role.
func IRSAAddress(cluster, label string) string {
	return ClusterAddress(cluster) + ".irsa." + label
}

// OIDCProviderAddress is the address of the cluster's IAM OIDC provider.
func OIDCProviderAddress(cluster string) string { return ClusterAddress(cluster) + ".oidc_provider" }

// ClusterRoleAddress is the address of the managed cluster role.
func ClusterRoleAddress(cluster string) string { return ClusterAddress(cluster) + ".cluster_role" }

// NodeRoleAddress is the address of the managed node role.
func NodeRoleAddress(cluster string) string { return ClusterAddress(cluster) + ".node_role" }

// PodExecutionRoleAddress is the address of the managed Fargate pod execution role.
func PodExecutionRoleAddress(cluster string) string {
	return ClusterAddress(cluster) + ".pod_execution_role"
}

// deposedAddress names a second live resource that carries the same address
// tag as the current one (a node group left behind by an interrupted
// replacement), so that each change in a plan has its own address.
func deposedAddress(address, physicalName string) string {
	return address + "#" + physicalName
}

// addressLabel returns the last dot-separated part of an address without
// any deposed suffix: the block label for node groups, Fargate profiles and
// irsa roles.
func addressLabel(address string) string {
	address, _, _ = strings.Cut(address, "#")
	return address[strings.LastIndex(address, ".")+1:]
}

package provision

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
)

// Physical names of the resources eksctl-lite names itself. They are
// deterministic, so that a plan, the apply that follows it, and every later
// plan agree on them without any state file.

// IAM role names are at most 64 characters (IAM CreateRole, RoleName);
// EKS node group names at most 63 (CreateNodegroup, nodegroupName).
const (
	maxRoleName      = 64
	maxNodeGroupName = 63
)

// Managed role names hold the region as well as the cluster name: IAM role
// names are global to the account, and a cluster "demo" in us-east-1 and one
// in eu-west-1 are different clusters that must not share roles.

// ClusterRoleName is the name of the managed cluster role.
func ClusterRoleName(cluster, region string) string {
	return limitName("eksctl-lite-"+cluster+"-"+region+"-cluster", maxRoleName)
}

// NodeRoleName is the name of the managed node role, shared by the node
// groups of the cluster that set no node_role_arn. The role lives at
// RootRolePath, so that its ARN works in aws-auth.
func NodeRoleName(cluster, region string) string {
	return limitName("eksctl-lite-"+cluster+"-"+region+"-node", maxRoleName)
}

// PodExecutionRoleName is the name of the managed Fargate pod execution
// role; it lives at RootRolePath like the node role.
func PodExecutionRoleName(cluster, region string) string {
	return limitName("eksctl-lite-"+cluster+"-"+region+"-fargate", maxRoleName)
}

// limitName returns name if it fits max characters, else a prefix of it
// followed by "-" and six hex digits of its hash: stable, and distinct for
// names that share a long prefix.
func limitName(name string, max int) string {
	if len(name) <= max {
		return name
	}
	return name[:max-7] + "-" + shortHash(name)
}

// replacementNodeGroupName is the physical name of the node group that
// replaces another one: the label plus a hash of the new attributes, so the
// new group can exist next to the old one until the old one is deleted.
func replacementNodeGroupName(label string, after *NodeGroupAttrs) string {
	return saltedNodeGroupName(label, after, "")
}

// freeNodeGroupName is replacementNodeGroupName, made different from every
// name in taken (the live groups of the cluster): a group left behind by a
// failed replacement has exactly the name a new replacement with the same
// attributes would get, and EKS cannot hold two groups of one name.
func freeNodeGroupName(label string, after *NodeGroupAttrs, taken map[string]bool) string {
	name := replacementNodeGroupName(label, after)
	for i := 2; taken[name]; i++ {
		name = saltedNodeGroupName(label, after, strconv.Itoa(i))
	}
	return name
}

func saltedNodeGroupName(label string, after *NodeGroupAttrs, salt string) string {
	key := *after
	key.Name, key.Tags, key.Status, key.ARN, key.Autoscaled = "", nil, "", "", false
	b, err := json.Marshal(key)
	if err != nil {
		panic(err) // plain data always marshals
	}
	if salt != "" {
		b = append(b, "#"+salt...)
	}
	suffix := "-" + shortHash(string(b))
	if len(label)+len(suffix) > maxNodeGroupName {
		label = label[:maxNodeGroupName-len(suffix)]
	}
	return label + suffix
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:3])
}

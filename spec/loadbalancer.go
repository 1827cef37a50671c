package spec

import (
	"github.com/hashicorp/hcl/v2"
)

// rawLoadBalancerController is a cluster's `load_balancer_controller`
// block as written: what the AWS Load Balancer Controller, which the user
// installs in the cluster, needs from AWS.
type rawLoadBalancerController struct {
	Identity   *string   `hcl:"identity,optional"`
	RoleARN    *string   `hcl:"role_arn,optional"`
	TagSubnets *bool     `hcl:"tag_subnets,optional"`
	Body       hcl.Body  `hcl:",body"`
	DefRange   hcl.Range `hcl:",def_range"`
}

// The controller's identities: how its pods get their IAM role.
const (
	IdentityPodIdentity = "pod_identity"
	IdentityIRSA        = "irsa"
)

// LoadBalancerControllerIdentities are the values of identity.
var LoadBalancerControllerIdentities = []string{IdentityPodIdentity, IdentityIRSA}

// The service account the controller's Helm chart runs as (chart values
// serviceAccount.name, namespace kube-system in AWS's install guide).
const (
	LoadBalancerControllerNamespace      = "kube-system"
	LoadBalancerControllerServiceAccount = "aws-load-balancer-controller"
)

// LoadBalancerController is a cluster's `load_balancer_controller` block.
type LoadBalancerController struct {
	// Identity is pod_identity (the default) or irsa.
	Identity string
	// RoleARN is "" when eksctl-lite manages the controller's role, with
	// the IAM policy AWS publishes for the controller.
	RoleARN string
	// TagSubnets makes eksctl-lite add the subnet role tags the
	// controller discovers subnets by (and own what it added).
	TagSubnets bool
	DeclRange  hcl.Range
	Ranges     map[string]hcl.Range
}

// AttrRange is where the user wrote attribute name in the block, or the
// block itself.
func (b *LoadBalancerController) AttrRange(name string) hcl.Range {
	return attrRange(b.Ranges, name, b.DeclRange)
}

// buildLoadBalancerController validates a cluster's load_balancer_controller
// block; nil when there is none. With Auto Mode enabled it is an error:
// Auto Mode runs its own load balancing controller, and two controllers
// would fight over the same Ingresses and Services.
func (l *loader) buildLoadBalancerController(rc *rawCluster, autoMode *AutoMode) *LoadBalancerController {
	r := rc.LoadBalancerController
	if r == nil || r.Body == nil {
		return nil
	}
	b := &LoadBalancerController{Identity: IdentityPodIdentity, DeclRange: r.DefRange, Ranges: attrRanges(nil, "", r.Body)}
	if r.Identity != nil {
		b.Identity = *r.Identity
		l.oneOf("identity", b.Identity, LoadBalancerControllerIdentities, at(r.Body, "identity", r.DefRange))
	}
	if r.RoleARN != nil {
		b.RoleARN = *r.RoleARN
	}
	l.checkRoleARN(r.Body, "role_arn", b.RoleARN, r.DefRange)
	if r.TagSubnets != nil {
		b.TagSubnets = *r.TagSubnets
	}
	if autoMode != nil && autoMode.Enabled {
		l.errorf(r.DefRange.Ptr(), "Auto Mode and the Load Balancer Controller",
			"Cluster %q enables auto_mode, which runs EKS's own load balancing for Ingresses and Services of type LoadBalancer, and has a load_balancer_controller block: two controllers would fight over the same load balancers. Remove the load_balancer_controller block (Auto Mode needs none), or set auto_mode { enabled = false }.",
			rc.name)
	}
	return b
}

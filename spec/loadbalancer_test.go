package spec

import "testing"

// load_balancer_controller: Pod Identity by default; never beside an
// enabled Auto Mode; its service account takes no other role.
func TestLoadBalancerController(t *testing.T) {
	tests := map[string]blockCase[*LoadBalancerController]{
		"left out": {give: inCluster("")},
		"defaults": {give: inCluster("  load_balancer_controller {}"),
			want: &LoadBalancerController{Identity: "pod_identity"}},
		"irsa, own role, tagging": {give: inCluster("  load_balancer_controller {\n    identity = \"irsa\"\n    role_arn = \"arn:aws:iam::123456789012:role/lbc\"\n    tag_subnets = true\n  }"),
			want: &LoadBalancerController{Identity: "irsa", RoleARN: "arn:aws:iam::123456789012:role/lbc", TagSubnets: true}},
		"bad identity": {give: inCluster("  load_balancer_controller { identity = \"pod-identity\" }"),
			diag: []string{"main.hcl:3,41: Invalid identity"}},
		"bad role": {give: inCluster("  load_balancer_controller { role_arn = \"lbc\" }"),
			diag: []string{"main.hcl:3,41: Invalid IAM role ARN"}},
		"with Auto Mode": {give: inCluster("  auto_mode { enabled = true }\n  load_balancer_controller {}"),
			diag: []string{"main.hcl:4,3: Auto Mode and the Load Balancer Controller"}},
		"with Auto Mode disabled": {give: inCluster("  auto_mode { enabled = false }\n  load_balancer_controller {}"),
			want: &LoadBalancerController{Identity: "pod_identity"}},
		"a pod_identity block for its service account": {give: inCluster("  load_balancer_controller {}\n  pod_identity \"lbc\" {\n    namespace = \"kube-system\"\n    service_account = \"aws-load-balancer-controller\"\n    role_arn = \"arn:aws:iam::123456789012:role/lbc\"\n  }"),
			diag: []string{"main.hcl:3,3: Duplicate Pod Identity association"}},
		"an irsa block for its service account": {give: inCluster("  load_balancer_controller { identity = \"irsa\" }\n  irsa \"lbc\" {\n    namespace = \"kube-system\"\n    service_account = \"aws-load-balancer-controller\"\n  }"),
			diag: []string{"main.hcl:3,3: Duplicate service account"}},
	}
	runBlockCases(t, tests, func(c *Config) *LoadBalancerController { return c.Clusters[0].LoadBalancerController })
}

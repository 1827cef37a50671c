package spec

import "testing"

// auto_mode: one enabled flag for EKS's three capabilities; node pools
// default to both built-in pools when enabled and must be empty when
// disabled; a disabled block with pools or a role is the partial setting
// EKS refuses.
func TestAutoMode(t *testing.T) {
	const role = `"arn:aws:iam::123456789012:role/auto-nodes"`
	tests := map[string]blockCase[*AutoMode]{
		"left out": {give: inCluster("")},
		"enabled, pools defaulted": {give: inCluster("  auto_mode { enabled = true }"),
			want: &AutoMode{Enabled: true, NodePools: []string{"general-purpose", "system"}}},
		"enabled, one pool and a role": {give: inCluster("  auto_mode {\n    enabled = true\n    node_pools = [\"system\"]\n    node_role_arn = " + role + "\n  }"),
			want: &AutoMode{Enabled: true, NodePools: []string{"system"}, NodeRoleARN: "arn:aws:iam::123456789012:role/auto-nodes"}},
		"enabled, no pools": {give: inCluster("  auto_mode {\n    enabled = true\n    node_pools = []\n  }"),
			want: &AutoMode{Enabled: true}},
		"no pools but a role": {give: inCluster("  auto_mode {\n    enabled = true\n    node_pools = []\n    node_role_arn = " + role + "\n  }"),
			diag: []string{"main.hcl:6,21: Node role without node pools"}},
		"disabled": {give: inCluster("  auto_mode { enabled = false }"),
			want: &AutoMode{}},
		"disabled, empty pools": {give: inCluster("  auto_mode {\n    enabled = false\n    node_pools = []\n  }"),
			want: &AutoMode{}},
		"enabled left out (partial)": {give: inCluster("  auto_mode { node_pools = [\"system\"] }"),
			diag: []string{"main.hcl:3,15: Missing required argument"}},
		"disabled with pools (partial)": {give: inCluster("  auto_mode {\n    enabled = false\n    node_pools = [\"system\"]\n  }"),
			diag: []string{"main.hcl:5,18: Node pools on a disabled Auto Mode"}},
		"disabled with a role (partial)": {give: inCluster("  auto_mode {\n    enabled = false\n    node_role_arn = " + role + "\n  }"),
			diag: []string{"main.hcl:5,21: Node role on a disabled Auto Mode"}},
		"unknown pool": {give: inCluster("  auto_mode {\n    enabled = true\n    node_pools = [\"general_purpose\"]\n  }"),
			diag: []string{"main.hcl:5,19: Invalid Auto Mode node pool"}},
		"duplicate pool": {give: inCluster("  auto_mode {\n    enabled = true\n    node_pools = [\"system\", \"system\"]\n  }"),
			diag: []string{"main.hcl:5,29: Duplicate list element"}},
		"bad role": {give: inCluster("  auto_mode {\n    enabled = true\n    node_role_arn = \"auto-nodes\"\n  }"),
			diag: []string{"main.hcl:5,21: Invalid IAM role ARN"}},
		"too old a version": {give: inCluster("  version = \"1.28\"\n  auto_mode { enabled = true }"),
			diag: []string{"main.hcl:3,13: Kubernetes version too old for Auto Mode"}},
		"too old but disabled": {give: inCluster("  version = \"1.28\"\n  auto_mode { enabled = false }"),
			want: &AutoMode{}},
		"config map mode": {give: inCluster("  access { authentication_mode = \"CONFIG_MAP\" }\n  auto_mode { enabled = true }"),
			diag: []string{"main.hcl:3,34: Auto Mode needs access entries"}},
	}
	runBlockCases(t, tests, func(c *Config) *AutoMode { return c.Clusters[0].AutoMode })
}

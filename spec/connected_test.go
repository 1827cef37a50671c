package spec

import "testing"

// connected_cluster: a top-level block; provider from EKS Connector's
// list; its name shares the region's namespace with cluster blocks.
func TestConnectedCluster(t *testing.T) {
	const ok = "connected_cluster \"onprem\" {\n  region = \"us-west-2\"\n  provider = \"EKS_ANYWHERE\"\n}\n"
	tests := map[string]blockCase[[]*ConnectedCluster]{
		"alone": {give: ok, want: []*ConnectedCluster{{Name: "onprem", Region: "us-west-2", Provider: "EKS_ANYWHERE"}}},
		"beside a cluster": {give: inCluster("") + ok,
			want: []*ConnectedCluster{{Name: "onprem", Region: "us-west-2", Provider: "EKS_ANYWHERE"}}},
		"role and tags": {give: "connected_cluster \"gke\" {\n  provider = \"GKE\"\n  role_arn = \"arn:aws:iam::123456789012:role/connector\"\n  tags = { team = \"x\" }\n}\n",
			want: []*ConnectedCluster{{Name: "gke", Provider: "GKE", RoleARN: "arn:aws:iam::123456789012:role/connector", Tags: map[string]string{"team": "x"}}}},
		"no provider": {give: "connected_cluster \"x\" {\n}\n",
			diag: []string{"main.hcl:1,23: Missing required argument"}},
		"bad provider": {give: "connected_cluster \"x\" {\n  provider = \"eks-anywhere\"\n}\n",
			diag: []string{"main.hcl:2,14: Invalid connector provider"}},
		"bad name": {give: "connected_cluster \"-x\" {\n  provider = \"OTHER\"\n}\n",
			diag: []string{"main.hcl:1,19: Invalid connected cluster name"}},
		"a cluster's name in its region": {give: "cluster \"demo\" {\n  region = \"us-west-2\"\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n}\nconnected_cluster \"demo\" {\n  region = \"us-west-2\"\n  provider = \"OTHER\"\n}\n",
			diag: []string{"main.hcl:5,19: Duplicate cluster name"}},
		"a cluster's name in another region": {give: "cluster \"demo\" {\n  region = \"us-east-1\"\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n}\nconnected_cluster \"demo\" {\n  region = \"us-west-2\"\n  provider = \"OTHER\"\n}\n",
			want: []*ConnectedCluster{{Name: "demo", Region: "us-west-2", Provider: "OTHER"}}},
	}
	runBlockCases(t, tests, func(c *Config) []*ConnectedCluster { return c.ConnectedClusters })
}

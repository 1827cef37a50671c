package provision

import (
	"testing"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// Outputs read a converged configuration's live objects: the cluster's
// endpoint, CA, OIDC issuer and provider, security group, every managed
// role, the add-ons' versions; a connected cluster's activation, never
// its code; a block not applied yet says it does not exist.
func TestOutputs(t *testing.T) {
	c := fullCluster("demo")
	testAddon(c, "vpc-cni", "default")
	cfg := testConfig(c)
	cfg.ConnectedClusters = []*spec.ConnectedCluster{onprem("OTHER")}
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, cfg, PlanOptions{}))
	cfg.Clusters = append(cfg.Clusters, testCluster("later"))
	outs := Outputs(mustPlan(t, w, cfg, PlanOptions{}))
	if len(outs) != 3 {
		t.Fatalf("%d outputs, want demo, later and onprem", len(outs))
	}
	byName := map[string]*ClusterOutput{}
	for _, o := range outs {
		byName[o.Cluster] = o
	}
	d := byName["demo"]
	live := w.in("").clusters["demo"]
	if !d.Exists || d.Kind != "cluster" || d.ARN != live.arn || d.Endpoint == "" || d.CertificateAuthority == "" || d.OIDCIssuer == "" || d.ClusterSecurityGroupID == "" {
		t.Errorf("demo: %+v", d)
	}
	if d.OIDCProviderARN == "" || d.Roles[ClusterRoleAddress("demo")] != roleARNOf(ClusterRoleName("demo", "eu-west-1")) || d.Roles[IRSAAddress("demo", "s3-reader")] == "" || d.Roles[NodeRoleAddress("demo")] == "" {
		t.Errorf("demo's provider %q and roles %v", d.OIDCProviderARN, d.Roles)
	}
	if d.Addons["vpc-cni"] == "" {
		t.Errorf("demo's add-ons %v", d.Addons)
	}
	if l := byName["later"]; l.Exists || l.Endpoint != "" {
		t.Errorf("a cluster not applied yet: %+v", l)
	}
	o := byName["onprem"]
	if !o.Exists || o.Kind != "connected_cluster" || o.ActivationID == "" || o.ActivationExpiry == nil || o.ActivationCode != "" || o.Status != "PENDING" {
		t.Errorf("onprem: %+v", o)
	}
}

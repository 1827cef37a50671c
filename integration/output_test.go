package integration

// eksctl-lite output through the binary: what the live cluster has, as
// the SDK reads it; a connected cluster's activation code only when asked.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

func TestOutput(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("out")
	dir := copyExample(t, e, "minimal", name)
	connected := e.uniqueName("edge")
	if err := os.WriteFile(filepath.Join(dir, "edge.hcl"), []byte("connected_cluster \""+connected+"\" {\n  region   = \"us-east-1\"\n  provider = \"OTHER\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustApply(t, e, dir)
	r := e.run(t, dir, "output", "--json")
	if r.code != 0 {
		t.Fatalf("output exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var outs []provision.ClusterOutput
	if err := json.Unmarshal([]byte(r.stdout), &outs); err != nil {
		t.Fatalf("output --json: %v\n%s", err, r.stdout)
	}
	got := map[string]provision.ClusterOutput{}
	for _, o := range outs {
		got[o.Cluster] = o
	}
	d, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	o := got[name]
	if o.ARN != aws.ToString(d.Cluster.Arn) || o.Endpoint != aws.ToString(d.Cluster.Endpoint) || o.CertificateAuthority != aws.ToString(d.Cluster.CertificateAuthority.Data) || o.OIDCIssuer != aws.ToString(d.Cluster.Identity.Oidc.Issuer) {
		t.Errorf("output %+v\nDescribeCluster %+v", o, d.Cluster)
	}
	role, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(provision.ClusterRoleName(name, "us-east-1"))})
	if err != nil || o.Roles[provision.ClusterRoleAddress(name)] != aws.ToString(role.Role.Arn) {
		t.Errorf("cluster role: output %v, IAM %v (%v)", o.Roles, role, err)
	}
	cd, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(connected)})
	if err != nil {
		t.Fatal(err)
	}
	code := aws.ToString(cd.Cluster.ConnectorConfig.ActivationCode)
	if c := got[connected]; c.ActivationID != aws.ToString(cd.Cluster.ConnectorConfig.ActivationId) || c.ActivationCode != "" || strings.Contains(r.stdout, code) {
		t.Errorf("connected cluster without --include-secrets: %+v", c)
	}
	if s := e.run(t, dir, "output", "--json", "--include-secrets"); s.code != 0 || !strings.Contains(s.stdout, `"activation_code": "`+code+`"`) {
		t.Errorf("--include-secrets exited %d without the code\n%s", s.code, s.stdout)
	}
	if txt := e.run(t, dir, "output"); txt.code != 0 || !strings.Contains(txt.stdout, "endpoint") || !strings.Contains(txt.stdout, aws.ToString(d.Cluster.Endpoint)) {
		t.Errorf("output (text) exited %d\n%s", txt.code, txt.stdout)
	}
	if r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

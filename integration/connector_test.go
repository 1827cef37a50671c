package integration

// EKS Connector through the binary: a connected_cluster registers (with
// its managed agent role), shows PENDING, re-plans empty, is registered
// again once its activation expired, and is deregistered by destroy; the
// activation code never appears in eksctl-lite's output.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

func TestConnectedCluster(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t) // the activation expiry control
	name := e.uniqueName("onprem")
	dir := configDir(t)
	src := `connected_cluster "` + name + `" {
  region   = "us-east-1"
  provider = "EKS_ANYWHERE"
  tags     = { site = "factory-1" }
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	describe := func() *eks.DescribeClusterOutput {
		t.Helper()
		out, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a := mustApply(t, e, dir)
	first := describe().Cluster
	if first.Status != "PENDING" || first.ConnectorConfig == nil || aws.ToString(first.ConnectorConfig.Provider) != "EKS_ANYWHERE" {
		t.Fatalf("registered: %+v", first)
	}
	id, code := aws.ToString(first.ConnectorConfig.ActivationId), aws.ToString(first.ConnectorConfig.ActivationCode)
	role, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(provision.ConnectorRoleName(name, "us-east-1"))})
	if err != nil || aws.ToString(role.Role.Arn) != aws.ToString(first.ConnectorConfig.RoleArn) {
		t.Fatalf("connector role %v (%v), registration's %s", role, err, aws.ToString(first.ConnectorConfig.RoleArn))
	}
	if !strings.Contains(a.stdout, "eks.activationId="+id) {
		t.Errorf("apply's output lacks the agent command with activation %s:\n%s", id, a.stdout)
	}
	for what, out := range map[string]string{"apply": a.stdout + a.stderr} {
		if code != "" && strings.Contains(out, code) {
			t.Errorf("%s printed the activation code", what)
		}
	}
	requireNoChanges(t, e, dir, "registering a connected cluster")
	for _, args := range [][]string{{"plan"}, {"plan", "--json"}} {
		if r := e.run(t, dir, args...); r.code != 0 || strings.Contains(r.stdout, code) || !strings.Contains(r.stdout, id) {
			t.Errorf("%v exited %d; want the activation ID and never the code:\n%s", args, r.code, r.stdout)
		}
	}

	e.expireActivation(t, name)
	r := e.run(t, dir, "plan", "--no-color")
	if r.code != 0 || !strings.Contains(r.stdout, "activation expired") || !strings.Contains(r.stdout, "-/+") {
		t.Fatalf("after expiry, plan exited %d; want a replacement saying the activation expired:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	mustApply(t, e, dir)
	again := describe().Cluster
	if again.Status != "PENDING" || aws.ToString(again.ConnectorConfig.ActivationId) == id {
		t.Errorf("re-registered: status %s activation %s (was %s)", again.Status, aws.ToString(again.ConnectorConfig.ActivationId), id)
	}
	requireNoChanges(t, e, dir, "re-registering")

	if r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)}); err == nil {
		t.Error("destroy left the registration")
	}
	if _, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(provision.ConnectorRoleName(name, "us-east-1"))}); err == nil {
		t.Error("destroy left the connector role")
	}
}

// A registration eksctl-lite did not make is never deregistered.
func TestConnectedClusterNotOwned(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("theirs")
	_, err := e.eks.RegisterCluster(t.Context(), &eks.RegisterClusterInput{Name: aws.String(name),
		ConnectorConfig: &ekstypes.ConnectorConfigRequest{RoleArn: aws.String("arn:aws:iam::123456789012:role/theirs"), Provider: "GKE"}})
	if err != nil {
		t.Fatal(err)
	}
	dir := configDir(t)
	src := "connected_cluster \"" + name + "\" {\n  region   = \"us-east-1\"\n  provider = \"GKE\"\n  role_arn = \"arn:aws:iam::123456789012:role/theirs\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := e.run(t, dir, "plan"); r.code != 1 || !strings.Contains(r.stderr, "not managed by eksctl-lite") {
		t.Errorf("plan exited %d, want 1 refusing the unowned registration\n%s", r.code, r.stderr)
	}
	r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)}); err != nil {
		t.Errorf("destroy deregistered a registration it did not make: %v", err)
	}
}

package integration

// EKS Pod Identity associations through the binary: created with a managed
// and a given role, updated in place, moved, and destroyed, checked with the
// AWS SDK.

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// podIdentities lists the cluster's associations by namespace/service
// account, described.
func podIdentities(t *testing.T, e *env, cluster string) map[string]*ekstypes.PodIdentityAssociation {
	t.Helper()
	out := map[string]*ekstypes.PodIdentityAssociation{}
	list, err := e.eks.ListPodIdentityAssociations(t.Context(), &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(cluster)})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list.Associations {
		d, err := e.eks.DescribePodIdentityAssociation(t.Context(), &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(cluster), AssociationId: s.AssociationId})
		if err != nil {
			t.Fatal(err)
		}
		out[aws.ToString(s.Namespace)+"/"+aws.ToString(s.ServiceAccount)] = d.Association
	}
	return out
}

func TestPodIdentityLifecycle(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("pods")
	dir := copyExample(t, e, "minimal", name)
	given, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String(name + "-given"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	givenARN := aws.ToString(given.Role.Arn)
	edit(t, dir, `  node_group "general" {`, `  pod_identity "reader" {
    namespace       = "apps"
    service_account = "reader"
    policy_arns     = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
  }

  pod_identity "writer" {
    namespace       = "apps"
    service_account = "writer"
    role_arn        = "`+givenARN+`"
  }

  node_group "general" {`)
	r := mustApply(t, e, dir)
	if !strings.Contains(r.stdout+r.stderr, `no eks-pod-identity-agent add-on`) {
		t.Errorf("apply did not warn about the missing agent add-on:\n%s\n%s", r.stdout, r.stderr)
	}
	requireNoChanges(t, e, dir, "creating two Pod Identity associations")

	got := podIdentities(t, e, name)
	roleName := spec.PodIdentityRoleName(name, "reader")
	role, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(roleName)})
	if err != nil {
		t.Fatalf("the managed role: %v", err)
	}
	if a := got["apps/reader"]; a == nil || aws.ToString(a.RoleArn) != aws.ToString(role.Role.Arn) {
		t.Errorf("apps/reader: %+v, want the managed role %s", a, aws.ToString(role.Role.Arn))
	}
	if a := got["apps/writer"]; a == nil || aws.ToString(a.RoleArn) != givenARN || a.Tags["eksctl-lite/cluster"] != name {
		t.Errorf("apps/writer: %+v, want the given role and the ownership tags", a)
	}
	doc, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	var trust struct {
		Statement []struct {
			Principal map[string]any
			Action    any
			Condition any
		}
	}
	if err := json.Unmarshal([]byte(doc), &trust); err != nil || len(trust.Statement) != 1 || trust.Statement[0].Condition != nil ||
		!strings.Contains(doc, "pods.eks.amazonaws.com") || !strings.Contains(doc, "sts:TagSession") {
		t.Errorf("managed role trust policy %s (%v): want pods.eks.amazonaws.com, AssumeRole and TagSession, no condition", doc, err)
	}

	// The given role changes in place: the same association, a new role.
	writerID := aws.ToString(got["apps/writer"].AssociationId)
	edit(t, dir, `role_arn        = "`+givenARN+`"`, `role_arn        = "`+aws.ToString(role.Role.Arn)+`"
    disable_session_tags = true`)
	r = mustApply(t, e, dir)
	if !strings.Contains(r.stdout, "UpdatePodIdentityAssociation") {
		t.Errorf("apply output lacks the update call:\n%s", r.stdout)
	}
	got = podIdentities(t, e, name)
	if a := got["apps/writer"]; a == nil || aws.ToString(a.AssociationId) != writerID || aws.ToString(a.RoleArn) != aws.ToString(role.Role.Arn) || !aws.ToBool(a.DisableSessionTags) {
		t.Errorf("apps/writer after the update: %+v, want association %s in place with the new role", a, writerID)
	}
	requireNoChanges(t, e, dir, "updating a Pod Identity association")

	// Another namespace: a new association, the old one gone.
	edit(t, dir, `namespace       = "apps"
    service_account = "reader"`, `namespace       = "batch"
    service_account = "reader"`)
	mustApply(t, e, dir)
	got = podIdentities(t, e, name)
	if got["apps/reader"] != nil || got["batch/reader"] == nil {
		t.Errorf("after moving reader to batch: %v", keys(got))
	}
	requireNoChanges(t, e, dir, "moving a Pod Identity association")

	r = e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	requireNothingOwned(t, e, name)
	if _, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(name + "-given")}); err != nil {
		t.Errorf("the given role was touched by destroy: %v", err)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

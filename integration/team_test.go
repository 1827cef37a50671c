package integration

// Issue 10's whole story in one cluster, through the binary: access
// entries, add-ons and Pod Identity associations created together from
// nothing, changed in place together, the one-way authentication mode
// refused, and destroy, checked with the AWS SDK.

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/provision"
	"github.com/eksctl-lite/eksctl-lite/spec"
)

func TestHandTheClusterToATeam(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("team")
	dir := copyExample(t, e, "minimal", name)
	trust := aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`)
	given, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String(name + "-given"), AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String(name + "-other"), AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	givenARN, otherARN := aws.ToString(given.Role.Arn), aws.ToString(other.Role.Arn)
	// Kubernetes 1.35 (the default): vpc-cni at its default, coredns at
	// the newest, kube-proxy pinned (integration/emulator/eks_addons.py).
	edit(t, dir, `  node_group "general" {`, `  access {
    authentication_mode = "API"
  }

  access_entry "ci" {
    principal_arn     = "`+accessCIRole+`"
    kubernetes_groups = ["deployers"]

    policy "AmazonEKSEditPolicy" {
      scope      = "namespace"
      namespaces = ["apps"]
    }
  }

  access_entry "dev" {
    principal_arn = "`+accessDevUser+`"

    policy "AmazonEKSViewPolicy" {}
  }

  addon "eks-pod-identity-agent" {}

  addon "vpc-cni" {
    configuration_values = jsonencode({ env = { ENABLE_PREFIX_DELEGATION = "true" } })
  }

  addon "coredns" {
    version = "latest"
  }

  addon "kube-proxy" {
    version = "v1.35.0-eksbuild.1"
  }

  pod_identity "reader" {
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
	if strings.Contains(r.stdout+r.stderr, "no eks-pod-identity-agent add-on") {
		t.Errorf("apply warned about the agent add-on the configuration has:\n%s", r.stderr)
	}
	requireNoChanges(t, e, dir, "creating access entries, add-ons and Pod Identity associations together")

	entries := accessEntries(t, e, name)
	ciARN := aws.ToString(entries[accessCIRole].AccessEntryArn)
	if entries[accessCIRole] == nil || entries[accessDevUser] == nil {
		t.Fatalf("entries %v, want ci and dev", keys(entries))
	}
	var eksOwn []string
	for p, entry := range entries {
		if entry.Tags[provision.TagCluster] == "" {
			eksOwn = append(eksOwn, p)
		}
	}
	if len(eksOwn) != 2 { // the creator's and the node role's
		t.Fatalf("EKS made the entries %v, want two (the creator's, the node role's)", eksOwn)
	}
	for addon, want := range map[string]string{"eks-pod-identity-agent": "", "vpc-cni": "v1.20.4-eksbuild.2", "coredns": "v1.12.4-eksbuild.1", "kube-proxy": "v1.35.0-eksbuild.1"} {
		a := describeAddon(t, e, name, addon)
		if want != "" && aws.ToString(a.AddonVersion) != want || a.Tags[provision.TagCluster] != name {
			t.Errorf("add-on %s: version %s, tags %v; want %s, ours", addon, aws.ToString(a.AddonVersion), a.Tags, want)
		}
	}
	cniARN := aws.ToString(describeAddon(t, e, name, "vpc-cni").AddonArn)
	pods := podIdentities(t, e, name)
	managed, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(spec.PodIdentityRoleName(name, "reader"))})
	if err != nil {
		t.Fatalf("the managed role of reader: %v", err)
	}
	if aws.ToString(pods["apps/reader"].RoleArn) != aws.ToString(managed.Role.Arn) || aws.ToString(pods["apps/writer"].RoleArn) != givenARN {
		t.Fatalf("associations: reader %s, writer %s", aws.ToString(pods["apps/reader"].RoleArn), aws.ToString(pods["apps/writer"].RoleArn))
	}
	writerID := aws.ToString(pods["apps/writer"].AssociationId)

	// Four in-place changes in one apply: an entry's groups, a policy's
	// scope, an add-on's configuration, a Pod Identity role.
	edit(t, dir,
		`kubernetes_groups = ["deployers"]`, `kubernetes_groups = ["deployers", "releasers"]`,
		`namespaces = ["apps"]`, `namespaces = ["apps", "web"]`,
		`ENABLE_PREFIX_DELEGATION = "true"`, `ENABLE_PREFIX_DELEGATION = "false"`,
		`role_arn        = "`+givenARN+`"`, `role_arn        = "`+otherARN+`"`)
	r = mustApply(t, e, dir)
	if !strings.Contains(r.stdout, "0 added, 4 changed, 0 destroyed") {
		t.Errorf("want four in-place changes and nothing else:\n%s", r.stdout)
	}
	entries = accessEntries(t, e, name)
	if ci := entries[accessCIRole]; aws.ToString(ci.AccessEntryArn) != ciARN || !cmp.Equal(ci.KubernetesGroups, []string{"deployers", "releasers"}) {
		t.Errorf("ci entry %+v, want %s in place with both groups", ci, ciARN)
	}
	if d := cmp.Diff([]string{"AmazonEKSEditPolicy namespace apps,web"}, accessPolicies(t, e, name, accessCIRole)); d != "" {
		t.Errorf("ci policies (-want +got):\n%s", d)
	}
	cni := describeAddon(t, e, name, "vpc-cni")
	if aws.ToString(cni.AddonArn) != cniARN || jsonOf(t, aws.ToString(cni.ConfigurationValues)) != jsonOf(t, `{"env":{"ENABLE_PREFIX_DELEGATION":"false"}}`) {
		t.Errorf("vpc-cni %s with %s, want %s in place with the new values", aws.ToString(cni.AddonArn), aws.ToString(cni.ConfigurationValues), cniARN)
	}
	pods = podIdentities(t, e, name)
	if w := pods["apps/writer"]; aws.ToString(w.AssociationId) != writerID || aws.ToString(w.RoleArn) != otherARN {
		t.Errorf("writer %s with %s, want %s in place with %s", aws.ToString(w.AssociationId), aws.ToString(w.RoleArn), writerID, otherARN)
	}
	requireNoChanges(t, e, dir, "four in-place changes")

	// CONFIG_MAP: refused before AWS is read, since the access entries
	// would grant nothing (TestAuthenticationModeMovesForwardOnly sees the
	// one-way refusal of a cluster without entries).
	edit(t, dir, `authentication_mode = "API"`, `authentication_mode = "CONFIG_MAP"`)
	if r := e.run(t, dir, "plan"); r.code != 1 || !strings.Contains(r.stderr, "Access entries need the API") {
		t.Errorf("API -> CONFIG_MAP: plan exited %d, want 1 and an error\n%s", r.code, r.stderr)
	}
	edit(t, dir, `authentication_mode = "CONFIG_MAP"`, `authentication_mode = "API"`)

	// Destroy: everything owned, before the cluster; EKS's own entries are
	// never in the plan.
	r = e.run(t, dir, "plan", "--destroy")
	if n := strings.Count(r.stdout, `aws_eks_access_entry "`); r.code != 0 || n != 2 {
		t.Errorf("plan --destroy (exit %d) deletes %d access entries, want ours only (not %v):\n%s", r.code, n, eksOwn, r.stdout)
	}
	r = e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	requireNothingOwned(t, e, name)
	for _, role := range []string{givenARN, otherARN} {
		if _, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(role[strings.LastIndex(role, "/")+1:])}); err != nil {
			t.Errorf("the given role %s was touched by destroy: %v", role, err)
		}
	}
}

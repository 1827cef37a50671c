package integration

// EKS add-ons through the binary: three add-ons (the default version, the
// latest, a pinned one) created from nothing, configuration values changed
// in place, values the add-on's schema refuses stopped at plan, and
// destroy, checked with the AWS SDK.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// jsonOf decodes a JSON document for comparison; the test fails if it is
// not JSON.
func jsonOf(t *testing.T, doc string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("%q is not JSON: %v", doc, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAddonLifecycle(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("addons")
	dir := copyExample(t, e, "minimal", name)
	// The cluster runs Kubernetes 1.35, eksctl-lite's default: vpc-cni's
	// default there is v1.20.4-eksbuild.2, coredns's newest
	// v1.12.4-eksbuild.1, and kube-proxy is pinned to the older of its two
	// 1.35 builds (integration/emulator/eks_addons.py CATALOG).
	edit(t, dir, `  node_group "general" {`, `  addon "vpc-cni" {
    configuration_values = jsonencode({ env = { ENABLE_PREFIX_DELEGATION = "true" } })

    pod_identity "aws-node" {
      policy_arns = ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]
    }
  }

  addon "coredns" {
    version = "latest"
  }

  addon "kube-proxy" {
    version = "v1.35.0-eksbuild.1"
  }

  node_group "general" {`)
	r := e.run(t, dir, "plan")
	if r.code != 0 {
		t.Fatalf("plan exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{`addon_version            = "v1.20.4-eksbuild.2"`, `addon_version     = "v1.12.4-eksbuild.1"`, `addon_version     = "v1.35.0-eksbuild.1"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan does not show the resolved version: %s\n%s", want, r.stdout)
		}
	}
	mustApply(t, e, dir)
	requireNoChanges(t, e, dir, "creating three add-ons")

	for addon, want := range map[string]string{"vpc-cni": "v1.20.4-eksbuild.2", "coredns": "v1.12.4-eksbuild.1", "kube-proxy": "v1.35.0-eksbuild.1"} {
		a := describeAddon(t, e, name, addon)
		if aws.ToString(a.AddonVersion) != want || a.Status != ekstypes.AddonStatusActive || a.Tags["eksctl-lite/cluster"] != name {
			t.Errorf("%s: version %s, status %s, tags %v; want %s, ACTIVE, ours", addon, aws.ToString(a.AddonVersion), a.Status, a.Tags, want)
		}
	}
	cni := describeAddon(t, e, name, "vpc-cni")
	if got := jsonOf(t, aws.ToString(cni.ConfigurationValues)); got != jsonOf(t, `{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}`) {
		t.Errorf("vpc-cni configuration values %s", aws.ToString(cni.ConfigurationValues))
	}
	role, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(spec.AddonPodIdentityRoleName(name, "vpc-cni", "aws-node"))})
	if err != nil {
		t.Fatalf("the managed role of aws-node: %v", err)
	}
	pias := podIdentities(t, e, name)
	if a := pias["kube-system/aws-node"]; len(cni.PodIdentityAssociations) != 1 || a == nil ||
		aws.ToString(a.RoleArn) != aws.ToString(role.Role.Arn) || aws.ToString(a.OwnerArn) != aws.ToString(cni.AddonArn) {
		t.Errorf("vpc-cni associations %v, kube-system/aws-node %+v: want one, owned by the add-on, with the managed role", cni.PodIdentityAssociations, a)
	}

	// New configuration values: one UpdateAddon, the same add-on.
	edit(t, dir, `jsonencode({ env = { ENABLE_PREFIX_DELEGATION = "true" } })`,
		`jsonencode({ env = { ENABLE_PREFIX_DELEGATION = "false", WARM_IP_TARGET = "2" } })`)
	r = mustApply(t, e, dir)
	if !strings.Contains(r.stdout, "UpdateAddon") {
		t.Errorf("apply output lacks the update call:\n%s", r.stdout)
	}
	after := describeAddon(t, e, name, "vpc-cni")
	if got := jsonOf(t, aws.ToString(after.ConfigurationValues)); got != jsonOf(t, `{"env":{"ENABLE_PREFIX_DELEGATION":"false","WARM_IP_TARGET":"2"}}`) ||
		aws.ToString(after.AddonArn) != aws.ToString(cni.AddonArn) {
		t.Errorf("vpc-cni after the update: %s (%s), want the new values in place", aws.ToString(after.ConfigurationValues), aws.ToString(after.AddonArn))
	}
	requireNoChanges(t, e, dir, "updating an add-on's configuration values")

	// Values the add-on's schema refuses: stopped at plan, at the
	// attribute, with the schema's words.
	edit(t, dir, `WARM_IP_TARGET = "2" } })`, `WARM_IP_TARGET = "2" }, enableIPv9 = true })`)
	r = e.run(t, dir, "plan")
	if r.code == 0 || !strings.Contains(r.stderr, "$.enableIPv9: is not defined in the") || !strings.Contains(r.stderr, "main.hcl:") ||
		!strings.Contains(r.stderr, `Invalid configuration values for add-on "vpc-cni" v1.20.4-eksbuild.2`) {
		t.Errorf("plan of invalid configuration values exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	edit(t, dir, `WARM_IP_TARGET = "2" }, enableIPv9 = true })`, `WARM_IP_TARGET = "2" } })`)

	r = e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, addon := range []string{"coredns", "kube-proxy", "vpc-cni"} {
		if !strings.Contains(r.stdout, "cluster."+name+".addon."+addon) {
			t.Errorf("destroy did not delete add-on %s:\n%s", addon, r.stdout)
		}
	}
	requireNothingOwned(t, e, name)
}

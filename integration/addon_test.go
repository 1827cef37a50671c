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

// An upgrade of two minor versions takes the add-ons that follow
// "default" or "latest" through each version, after each control plane
// step and before the node groups; the emulator refuses an add-on version
// that does not fit the cluster's Kubernetes version.
func TestAddonUpgrade(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("addonup")
	dir := copyExample(t, e, "minimal", name)
	edit(t, dir, `  region = "us-east-1"`, `  region  = "us-east-1"
  version = "1.33"

  addon "kube-proxy" {}

  addon "coredns" {
    version = "latest"
  }`)
	mustApply(t, e, dir)
	if v := aws.ToString(describeAddon(t, e, name, "kube-proxy").AddonVersion); v != "v1.33.2-eksbuild.3" {
		t.Fatalf("kube-proxy on 1.33 runs %s, want v1.33.2-eksbuild.3", v)
	}
	edit(t, dir, `version = "1.33"`, `version = "1.35"`)
	r := e.run(t, dir, "plan")
	if r.code != 0 || !strings.Contains(r.stdout, "add-on kube-proxy v1.33.2-eksbuild.3 -> v1.34.2-eksbuild.3, the default for Kubernetes 1.34") {
		t.Fatalf("plan exited %d, want the add-on step between the control plane's\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = mustApply(t, e, dir)
	order := []string{"UpdateClusterVersion (to 1.34)", "add-on kube-proxy v1.33.2-eksbuild.3 -> v1.34.2-eksbuild.3", "UpdateNodegroupVersion (node group general", "UpdateClusterVersion (to 1.35)",
		"addon.kube-proxy: UpdateAddon (v1.34.2-eksbuild.3 -> v1.35.2-eksbuild.3", "node_group.general: UpdateNodegroupVersion (1.34 -> 1.35"}
	last := -1
	for _, s := range order {
		i := strings.Index(r.stdout, s)
		if i < last {
			t.Errorf("apply output has %q out of order (at %d, before %d):\n%s", s, i, last, r.stdout)
		}
		last = i
	}
	for addon, want := range map[string]string{"kube-proxy": "v1.35.2-eksbuild.3", "coredns": "v1.12.4-eksbuild.1"} {
		if v := aws.ToString(describeAddon(t, e, name, addon).AddonVersion); v != want {
			t.Errorf("%s on 1.35 runs %s, want %s", addon, v, want)
		}
	}
	requireNoChanges(t, e, dir, "an upgrade with add-ons")
	r = e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	requireNothingOwned(t, e, name)
}

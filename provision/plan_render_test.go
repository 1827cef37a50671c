package provision

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenAt(t, filepath.Join("testdata", name), got)
}

// goldenAt compares got with the file at path, or rewrites it with -update.
func goldenAt(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./provision -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got); if the change is intended, run go test ./provision -update and review the diff:\n%s", path, d)
	}
}

// goldenPlans are plans a reviewer should recognise, made by the planner
// against the fake account.
func goldenPlans(t *testing.T) map[string]*Plan {
	plans := map[string]*Plan{}
	plans["create"] = mustPlan(t, newFakeAccount(), testConfig(fullCluster("demo")), PlanOptions{})

	w := converged(t, testConfig(fullCluster("demo")))
	plans["nochange"] = mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{})

	c := fullCluster("demo")
	c.Version = "1.33"
	c.NodeGroups[0].Version = "1.33"
	c.NodeGroups[0].Scaling.MaxSize = 6
	c.Logging = []string{"api", "audit", "authenticator"}
	testNodeGroup(c, "gpu").InstanceTypes = []string{"g5.xlarge"}
	c.FargateProfiles = nil
	c.IRSA[0].InlinePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}]}`
	w2 := converged(t, testConfig(fullCluster("demo")))
	big := nodeGroupAttrs(c, testNodeGroup(testCluster("demo"), "big"), "big", rootRoleARNOf(NodeRoleName("demo", "eu-west-1")), "1.31")
	big.Tags[TagRegion] = "eu-west-1"
	w2.putNodeGroup("demo", big)
	cBig := testNodeGroup(c, "big")
	cBig.InstanceTypes = []string{"m5.2xlarge"}
	cBig.Version = "1.33"
	plans["mixed"] = mustPlan(t, w2, testConfig(c), PlanOptions{})

	// A node group replaced (instance types) while its tags, labels and
	// taints change, and a Fargate profile replaced (selectors).
	before := fullCluster("demo")
	before.NodeGroups[0].Tags = map[string]string{"team": "platform", "old": "y", "cost-center": "42", "owner": "sre"}
	before.FargateProfiles[0].Tags = map[string]string{"team": "platform"}
	after := fullCluster("demo")
	ng := after.NodeGroups[0]
	ng.InstanceTypes = []string{"m6i.large", "m6a.large"}
	ng.Tags = map[string]string{"team": "platform-eng", "new": "x", "cost-center": "42", "owner": "sre"}
	ng.Labels = map[string]string{"role": "general", "tier": "web"}
	ng.Taints = []spec.Taint{{Key: "a", Value: "1", Effect: "NO_SCHEDULE"}, {Key: "c", Value: "gpu", Effect: "PREFER_NO_SCHEDULE"}}
	fp := after.FargateProfiles[0]
	fp.Tags = map[string]string{"team": "platform"}
	fp.Selectors = append(fp.Selectors, spec.Selector{Namespace: "apps", Labels: map[string]string{"tier": "web"}})
	plans["replace"] = mustPlan(t, converged(t, testConfig(before)), testConfig(after), PlanOptions{})

	plans["destroy"] = mustPlan(t, converged(t, testConfig(fullCluster("demo"))), testConfig(fullCluster("demo")), PlanOptions{Destroy: true})

	// Pod Identity: one association's role changes in place, one moves to
	// another namespace (replaced, the new one first), one is new with a
	// managed role, one is removed with its managed role.
	podBefore := podCluster()
	testPodIdentity(podBefore, "old", "apps", "old", "")
	podAfter := podCluster()
	podAfter.PodIdentities[0].Namespace = "batch"
	podAfter.PodIdentities[1].RoleARN = "arn:aws:iam::111122223333:role/other"
	testPodIdentity(podAfter, "new", "apps", "new", "")
	plans["pod_identity"] = mustPlan(t, converged(t, testConfig(podBefore)), testConfig(podAfter), PlanOptions{})

	// Add-ons: one new at the latest version, one's configuration values
	// and version change in place, one's tags change, one removed (with
	// its managed Pod Identity role).
	addonBefore := addonCluster()
	addonBefore.Addons[2].Version = "v1.31.0-eksbuild.1"
	addonAfter := addonCluster()
	addonAfter.Addons = addonAfter.Addons[1:]
	addonAfter.Addons[0].ConfigurationValues = `{"replicaCount":3}`
	addonAfter.Addons[0].Version = "v1.11.3-eksbuild.1"
	addonAfter.Addons[1].Version = "default"
	addonAfter.Addons[1].Tags = map[string]string{"tier": "system"}
	testAddon(addonAfter, podIdentityAgent, "latest")
	plans["addon"] = mustPlan(t, converged(t, testConfig(addonBefore)), testConfig(addonAfter), PlanOptions{})
	// Access entries: one's groups change in place, one of its policies is
	// rescoped and one removed; one is replaced (a new principal), its
	// policy associated again; one is new, one removed with its policy.
	accessBefore := accessCluster()
	testAccessPolicy(testAccessEntry(accessBefore, "old", "arn:aws:iam::111122223333:role/old"), "AmazonEKSViewPolicy")
	accessAfter := accessCluster()
	ci := accessAfter.AccessEntries[0]
	ci.KubernetesGroups = []string{"deployers", "releasers"}
	ci.Policies = ci.Policies[1:]
	ci.Policies[0].Namespaces = []string{"apps", "web"}
	accessAfter.AccessEntries[1].PrincipalARN = "arn:aws:iam::111122223333:user/dev-2"
	testAccessPolicy(testAccessEntry(accessAfter, "ops", "arn:aws:iam::111122223333:role/ops", "ops"), "AmazonEKSAdminPolicy", "ops", "kube-system")
	plans["access"] = mustPlan(t, converged(t, testConfig(accessBefore)), testConfig(accessAfter), PlanOptions{})
	// Launch templates: one group's template gets a new version (hop
	// limit, user data, instance tags), the group moving to it in place;
	// a new group comes with its template.
	ltBefore := fullCluster("demo")
	ltBefore.NodeGroups[0].LaunchTemplate = testLaunchTemplate()
	ltAfter := fullCluster("demo")
	ltAfter.NodeGroups[0].LaunchTemplate = testLaunchTemplate()
	ltAfter.NodeGroups[0].LaunchTemplate.MetadataHopLimit = 1
	ltAfter.NodeGroups[0].LaunchTemplate.UserData = "#!/bin/bash\necho hello\n"
	ltAfter.NodeGroups[0].LaunchTemplate.Tags = map[string]string{"team": "data", "cost-center": "42"}
	gpu := testNodeGroup(ltAfter, "io")
	gpu.LaunchTemplate = testLaunchTemplate()
	gpu.LaunchTemplate.SecurityGroupIDs = []string{"sg-0123456789abcdef0"}
	gpu.LaunchTemplate.RootVolume = &spec.RootVolume{Size: 200, Type: "io2", IOPS: intPtr(6000), Encrypted: true}
	plans["launch_template"] = mustPlan(t, converged(t, testConfig(ltBefore)), testConfig(ltAfter), PlanOptions{})
	// Load balancing and the EKS family (issue 13): a running cluster gets
	// the Load Balancer Controller with subnet tagging, another enables
	// Auto Mode, and a connected cluster is registered.
	lb := lbcAccount()
	lb.apply(t, mustPlan(t, lb, testConfig(testCluster("demo"), testCluster("auto")), PlanOptions{}))
	auto := testCluster("auto")
	auto.AutoMode = autoModeOn()
	lbCfg := testConfig(withLBC(testCluster("demo"), spec.IdentityPodIdentity, true), auto)
	lbCfg.ConnectedClusters = []*spec.ConnectedCluster{onprem("EKS_ANYWHERE")}
	plans["load_balancing"] = mustPlan(t, lb, lbCfg, PlanOptions{})
	return plans
}

func TestRenderGolden(t *testing.T) {
	for name, p := range goldenPlans(t) {
		t.Run(name, func(t *testing.T) {
			var text, js bytes.Buffer
			if err := RenderText(&text, p, false); err != nil {
				t.Fatal(err)
			}
			golden(t, "plan_"+name+".txt", text.Bytes())
			if strings.Contains(text.String(), "\x1b[") {
				t.Error("colour without color=true")
			}
			if err := RenderJSON(&js, p); err != nil {
				t.Fatal(err)
			}
			golden(t, "plan_"+name+".json", js.Bytes())
		})
	}
	t.Run("colour", func(t *testing.T) {
		var b bytes.Buffer
		if err := RenderText(&b, goldenPlans(t)["mixed"], true); err != nil {
			t.Fatal(err)
		}
		golden(t, "plan_mixed_color.txt", b.Bytes())
	})
}

func TestRenderTextEssentials(t *testing.T) {
	plans := goldenPlans(t)
	var b bytes.Buffer
	if err := RenderText(&b, plans["mixed"], false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Plan: 2 to add, 3 to change, 3 to destroy.\n(1 of them is a replacement)\n",
		"+/- aws_eks_node_group \"cluster.demo.node_group.big\"",
		"+/- create replacement and then destroy\n",
		"# forces replacement",
		"is created and ACTIVE before \"big\" is deleted",
		"      ~ node_group_name = \"big\" -> \"big-788dd2\" # new name, created before the old is deleted\n",
		"  ~ aws_eks_cluster \"cluster.demo\"",
		"1. UpdateClusterVersion (to 1.32)",
		"3. UpdateNodegroupVersion (node group general 1.31 -> 1.32, before the control plane goes on to 1.33)",
		"4. UpdateClusterVersion (to 1.33)",
		"5. UpdateClusterConfig (logging)",
		"  - aws_eks_fargate_profile \"cluster.demo.fargate_profile.system\"",
		"will be destroyed (not in the configuration)",
		"  + aws_eks_node_group \"cluster.demo.node_group.gpu\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text plan lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	if err := RenderText(&b, plans["replace"], false); err != nil {
		t.Fatal(err)
	}
	out = b.String()
	for _, want := range []string{
		"-/+ destroy and then create replacement\n+/- create replacement and then destroy\n",
		"-/+ aws_eks_fargate_profile \"cluster.demo.fargate_profile.system\"",
		"+/- aws_eks_node_group \"cluster.demo.node_group.general\"",
		// Maps diff per key, unchanged keys hidden and counted.
		"      ~ tags            = {\n" +
			"          + \"new\"  = \"x\"\n" +
			"          - \"old\"  = \"y\"\n" +
			"          ~ \"team\" = \"platform\" -> \"platform-eng\"\n" +
			"            # (5 unchanged elements hidden)\n" +
			"        }\n",
		"      ~ labels          = {\n" +
			"          + \"tier\" = \"web\"\n" +
			"            # (1 unchanged element hidden)\n" +
			"        }\n",
		// Sets show the elements removed and added.
		"      ~ instance_types  = [ # forces replacement\n" +
			"          - \"t3.medium\",\n" +
			"          + \"m6a.large\",\n" +
			"          + \"m6i.large\",\n" +
			"        ]\n",
		// Structured elements are objects, attribute by attribute.
		"      ~ taints          = [\n" +
			"          - {\n" +
			"              - key    = \"b\"\n" +
			"              - effect = \"NO_EXECUTE\"\n" +
			"            },\n" +
			"          + {\n" +
			"              + key    = \"c\"\n" +
			"              + value  = \"gpu\"\n" +
			"              + effect = \"PREFER_NO_SCHEDULE\"\n" +
			"            },\n" +
			"            # (1 unchanged element hidden)\n" +
			"        ]\n",
		"      ~ selectors = [ # forces replacement\n" +
			"          + {\n" +
			"              + namespace = \"apps\"\n" +
			"              + labels    = {\n" +
			"                  + \"tier\" = \"web\"\n" +
			"                }\n" +
			"            },\n" +
			"            # (1 unchanged element hidden)\n" +
			"        ]\n",
		"      ~ node_group_name = \"general\" -> \"general-",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text plan lacks %q:\n%s", want, out)
		}
	}
	// Never a whole map on one line, not even in created resources.
	for _, name := range []string{"create", "mixed", "replace", "destroy"} {
		b.Reset()
		if err := RenderText(&b, plans[name], false); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.Contains(l, "= { \"") || strings.Contains(l, "= [\"") || strings.Contains(l, "[{") {
				t.Errorf("%s: a whole collection on one line: %q", name, l)
			}
		}
	}

	b.Reset()
	if err := RenderText(&b, plans["nochange"], false); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "No changes. Your infrastructure matches the configuration.") {
		t.Errorf("no-change plan says:\n%s", b.String())
	}
}

// The JSON plan is what policy tools written for Terraform read.
func TestRenderJSONTerraformShape(t *testing.T) {
	var b bytes.Buffer
	if err := RenderJSON(&b, goldenPlans(t)["mixed"]); err != nil {
		t.Fatal(err)
	}
	var got struct {
		FormatVersion   string `json:"format_version"`
		ResourceChanges []struct {
			Address string `json:"address"`
			Type    string `json:"type"`
			Name    string `json:"name"`
			Change  struct {
				Actions      []string        `json:"actions"`
				Before       map[string]any  `json:"before"`
				After        map[string]any  `json:"after"`
				AfterUnknown map[string]bool `json:"after_unknown"`
				ReplacePaths [][]string      `json:"replace_paths"`
			} `json:"change"`
			ActionReason string `json:"action_reason"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.FormatVersion != FormatVersion {
		t.Errorf("format_version = %q", got.FormatVersion)
	}
	actions := map[string][]string{}
	for _, rc := range got.ResourceChanges {
		actions[rc.Address] = rc.Change.Actions
		if rc.Address == "cluster.demo.node_group.big" {
			if d := cmp.Diff([][]string{{"instance_types"}}, rc.Change.ReplacePaths); d != "" {
				t.Errorf("replace_paths (-want +got):\n%s", d)
			}
			if rc.ActionReason != "replace_because_cannot_update" || rc.Type != "aws_eks_node_group" || rc.Name != "big" {
				t.Errorf("big: reason %q type %q name %q", rc.ActionReason, rc.Type, rc.Name)
			}
		}
	}
	want := map[string][]string{
		"cluster.demo":                        {"update"},
		"cluster.demo.node_group.big":         {"create", "delete"},
		"cluster.demo.node_group.gpu":         {"create"},
		"cluster.demo.fargate_profile.system": {"delete"},
		"cluster.demo.node_role":              {"no-op"},
	}
	for addr, w := range want {
		if d := cmp.Diff(w, actions[addr]); d != "" {
			t.Errorf("%s actions (-want +got):\n%s", addr, d)
		}
	}

	// Node groups are replaced create-before-destroy, Fargate profiles
	// destroy-before-create.
	b.Reset()
	if err := RenderJSON(&b, goldenPlans(t)["replace"]); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	actions = map[string][]string{}
	for _, rc := range got.ResourceChanges {
		actions[rc.Address] = rc.Change.Actions
	}
	want = map[string][]string{
		"cluster.demo.node_group.general":     {"create", "delete"},
		"cluster.demo.fargate_profile.system": {"delete", "create"},
	}
	for addr, w := range want {
		if d := cmp.Diff(w, actions[addr]); d != "" {
			t.Errorf("%s actions (-want +got):\n%s", addr, d)
		}
	}

	b.Reset()
	if err := RenderJSON(&b, goldenPlans(t)["create"]); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, rc := range got.ResourceChanges {
		if rc.Address == "cluster.demo" {
			if !rc.Change.AfterUnknown["role_arn"] || rc.Change.After["role_arn"] != nil {
				t.Errorf("unknown role_arn: after %v after_unknown %v", rc.Change.After["role_arn"], rc.Change.AfterUnknown)
			}
		}
	}
}

func TestPlanFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for name, p := range goldenPlans(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".plan")
			if err := WritePlanFile(path, p); err != nil {
				t.Fatal(err)
			}
			got, err := ReadPlanFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Before and After come back as the kinds' structs; diffs'
			// values are plain JSON, so compare those through JSON.
			if d := cmp.Diff(p, got, cmp.Comparer(func(a, b AttrDiff) bool {
				x, _ := json.Marshal(a)
				y, _ := json.Marshal(b)
				return string(x) == string(y)
			})); d != "" {
				t.Errorf("round trip (-want +got):\n%s", d)
			}
			var t1, t2 bytes.Buffer
			_ = RenderText(&t1, p, false)
			_ = RenderText(&t2, got, false)
			if t1.String() != t2.String() {
				t.Error("a saved plan renders differently")
			}
		})
	}
	t.Run("not a plan", func(t *testing.T) {
		path := filepath.Join(dir, "main.hcl")
		os.WriteFile(path, []byte(`cluster "x" {}`), 0o644)
		if _, err := ReadPlanFile(path); err == nil || !strings.Contains(err.Error(), "not an eksctl-lite plan file") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("newer major format", func(t *testing.T) {
		path := filepath.Join(dir, "future.plan")
		os.WriteFile(path, []byte(`{"kind":"eksctl-lite plan","format_version":"2.0","resource_changes":[]}`), 0o644)
		if _, err := ReadPlanFile(path); err == nil || !strings.Contains(err.Error(), "format 2.0") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestFingerprints(t *testing.T) {
	cfg := testConfig(fullCluster("demo"))
	w := converged(t, cfg)
	c := fullCluster("demo")
	c.NodeGroups[0].Scaling.MaxSize = 4
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	ctx := context.Background()

	now, err := RefreshFingerprints(ctx, p, w.factory())
	if err != nil {
		t.Fatal(err)
	}
	if stale := StaleAddresses(p, now); len(stale) != 0 {
		t.Fatalf("nothing changed, yet stale: %v", stale)
	}

	// A node group scaled by its autoscaler is not a reason to refuse.
	w.nodegroup("demo", "general").ng.ScalingConfig.DesiredSize = int32Ptr(3)
	now, _ = RefreshFingerprints(ctx, p, w.factory())
	if stale := StaleAddresses(p, now); len(stale) != 0 {
		t.Errorf("desired size made the plan stale: %v", stale)
	}

	// Someone started an update of the group (EKS describes the old values
	// until it is done), or of the cluster, with the status still ACTIVE
	// (issue 8, item 9).
	w.updateInProgress("demo", "general", func() {})
	w.updateInProgress("demo", "", func() {})
	now, _ = RefreshFingerprints(ctx, p, w.factory())
	if d := cmp.Diff([]string{"cluster.demo", "cluster.demo.node_group.general"}, StaleAddresses(p, now)); d != "" {
		t.Errorf("an update in flight: stale (-want +got):\n%s", d)
	}
	w = converged(t, cfg)
	p = mustPlan(t, w, testConfig(c), PlanOptions{})

	// A resource settled at plan time is not any more.
	w.nodegroup("demo", "general").hold("UPDATING")
	w.fargateProfile("demo", "system").hold("DELETING")
	now, _ = RefreshFingerprints(ctx, p, w.factory())
	if d := cmp.Diff([]string{"cluster.demo.fargate_profile.system", "cluster.demo.node_group.general"}, StaleAddresses(p, now)); d != "" {
		t.Errorf("status changed since the plan: stale (-want +got):\n%s", d)
	}
	w.nodegroup("demo", "general").hold("ACTIVE")
	w.fargateProfile("demo", "system").hold("ACTIVE")

	// Someone changed the group's labels and an irsa role's policies.
	w.nodegroup("demo", "general").ng.Labels = map[string]string{"x": "y"}
	w.roles["demo-s3-reader"].attached = nil
	now, _ = RefreshFingerprints(ctx, p, w.factory())
	want := []string{"cluster.demo.irsa.s3-reader", "cluster.demo.node_group.general"}
	if d := cmp.Diff(want, StaleAddresses(p, now)); d != "" {
		t.Errorf("stale (-want +got):\n%s", d)
	}

	// A resource the plan creates was created by someone else meanwhile.
	p = mustPlan(t, newFakeAccount(), cfg, PlanOptions{})
	w2 := converged(t, cfg)
	now, _ = RefreshFingerprints(ctx, p, w2.factory())
	if stale := StaleAddresses(p, now); len(stale) != len(p.Changes) {
		t.Errorf("every planned create now exists; stale = %v", stale)
	}
}

func int32Ptr(i int32) *int32 { return &i }

var _ = spec.Config{}

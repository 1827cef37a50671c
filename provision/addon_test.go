package provision

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

const cniPolicy = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"

// testAddon adds an addon block, defaulted as spec.Load does; its
// attributes are written at lines 50 (version) and 51
// (configuration_values).
func testAddon(c *spec.Cluster, name, version string) *spec.Addon {
	a := &spec.Addon{Name: name, Version: version, ResolveConflicts: "OVERWRITE", DeclRange: testRange(49),
		Ranges: map[string]hcl.Range{"version": testRange(50), "configuration_values": testRange(51)}}
	c.Addons = append(c.Addons, a)
	return a
}

// addonCluster has three add-ons: vpc-cni at the default version with
// configuration values and a managed Pod Identity role, coredns latest,
// kube-proxy pinned.
func addonCluster() *spec.Cluster {
	c := testCluster("demo")
	cni := testAddon(c, "vpc-cni", "default")
	cni.ConfigurationValues = `{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}`
	cni.PodIdentities = []*spec.AddonPodIdentity{{ServiceAccount: "aws-node", RoleName: spec.AddonPodIdentityRoleName("demo", "vpc-cni", "aws-node"),
		PolicyARNs: []string{cniPolicy}, DeclRange: testRange(52)}}
	testAddon(c, "coredns", "latest")
	testAddon(c, "kube-proxy", "v1.31.0-eksbuild.1")
	return c
}

func addonChange(t *testing.T, p *Plan, name string) (*ResourceChange, *AddonAttrs) {
	t.Helper()
	ch := changeOf(t, p, AddonAddress("demo", name))
	a, _ := ch.After.(*AddonAttrs)
	return ch, a
}

func TestAddonCreatesResolvedVersionsAndConverges(t *testing.T) {
	w := newFakeAccount()
	p := mustPlan(t, w, testConfig(addonCluster()), PlanOptions{})
	for name, want := range map[string]string{
		"vpc-cni":    "v1.19.2-eksbuild.1", // the default for 1.31, not the newest
		"coredns":    "v1.11.3-eksbuild.1", // the newest compatible with 1.31
		"kube-proxy": "v1.31.0-eksbuild.1", // as pinned (not the default)
	} {
		ch, a := addonChange(t, p, name)
		if ch.Action != Create || a.Version != want {
			t.Errorf("%s: %s %s, want create at %s", name, ch.Action, a.Version, want)
		}
		if !slices.Contains(ch.DependsOn, "cluster.demo") {
			t.Errorf("%s depends on %v, want the cluster", name, ch.DependsOn)
		}
	}
	cni, a := addonChange(t, p, "vpc-cni")
	roleAddr := AddonPodIdentityRoleAddress("demo", "vpc-cni", "aws-node")
	if !slices.Contains(cni.DependsOn, roleAddr) || cni.Refs[addonRoleRef("aws-node")] != roleAddr || a.PodIdentities[0].RoleARN != KnownAfterApply {
		t.Errorf("vpc-cni: depends on %v, refs %v, associations %+v; want its managed role, known after apply", cni.DependsOn, cni.Refs, a.PodIdentities)
	}
	if ch := changeOf(t, p, roleAddr); ch.Action != Create || ch.After.(*RoleAttrs).AssumeRolePolicy != PodIdentityTrustPolicy() {
		t.Errorf("role: %s, want a create trusted by EKS Pod Identity", ch.Action)
	}
	w.apply(t, p)

	role := w.roles[spec.AddonPodIdentityRoleName("demo", "vpc-cni", "aws-node")]
	if role == nil {
		t.Fatal("no managed role for aws-node")
	}
	got := w.addonOf("demo", "vpc-cni")
	if got == nil || aws.ToString(got.AddonVersion) != "v1.19.2-eksbuild.1" || len(got.PodIdentityAssociations) != 1 || owner(got.Tags) != "demo" {
		t.Fatalf("vpc-cni in EKS: %+v", got)
	}
	if pia := w.podIdentity("demo", "kube-system/aws-node"); pia == nil || pia.RoleARN != role.arn || pia.OwnerARN != aws.ToString(got.AddonArn) {
		t.Errorf("aws-node association %+v, want the managed role, owned by the add-on", pia)
	}
	if p := mustPlan(t, w, testConfig(addonCluster()), PlanOptions{}); p.HasChanges() {
		t.Errorf("second plan has changes: %v", changesExcept(p, NoOp))
	}
}

// Each attribute but the name changes in place; the name is the add-on.
func TestAddonSchemaAttributeByAttribute(t *testing.T) {
	base := func() *AddonAttrs {
		return &AddonAttrs{Name: "vpc-cni", Version: "v1.19.2-eksbuild.1", ConfigurationValues: `{"a":1}`, ServiceAccountRoleARN: "arn:aws:iam::1:role/x",
			PodIdentities: []AddonPodIdentityAttrs{{"aws-node", "arn:aws:iam::1:role/a"}, {"other", "arn:aws:iam::1:role/b"}}, Tags: map[string]string{"k": "v"}}
	}
	tests := map[string]struct {
		change func(a *AddonAttrs)
		want   Action
		steps  []string
	}{
		"name":                  {func(a *AddonAttrs) { a.Name = "cni" }, Replace, nil},
		"version":               {func(a *AddonAttrs) { a.Version = "v1.20.4-eksbuild.2" }, Update, []string{"UpdateAddon"}},
		"configuration":         {func(a *AddonAttrs) { a.ConfigurationValues = `{"a":2}` }, Update, []string{"UpdateAddon"}},
		"configuration as JSON": {func(a *AddonAttrs) { a.ConfigurationValues = "{ \"a\" : 1 }" }, NoOp, nil},
		"role":                  {func(a *AddonAttrs) { a.ServiceAccountRoleARN = "" }, Update, []string{"UpdateAddon"}},
		"pod identity role":     {func(a *AddonAttrs) { a.PodIdentities[0].RoleARN = "arn:aws:iam::1:role/c" }, Update, []string{"UpdateAddon"}},
		"pod identity order": {func(a *AddonAttrs) {
			a.PodIdentities[0], a.PodIdentities[1] = a.PodIdentities[1], a.PodIdentities[0]
		}, NoOp, nil},
		"pod identity removed": {func(a *AddonAttrs) { a.PodIdentities = nil }, Update, []string{"UpdateAddon"}},
		"tags":                 {func(a *AddonAttrs) { a.Tags = map[string]string{"k": "w", "n": "1"} }, Update, []string{"TagResource"}},
		"tag removed":          {func(a *AddonAttrs) { a.Tags = nil }, Update, []string{"UntagResource"}},
		"resolve conflicts":    {func(a *AddonAttrs) { a.ResolveConflicts = "PRESERVE" }, NoOp, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before, after := base(), base()
			tc.change(after)
			diffs := diffAddon(before, after, nil)
			if got := actionOf(diffs); got != tc.want {
				t.Fatalf("action %s, want %s (diffs %+v)", got, tc.want, diffs)
			}
			var calls []string
			for _, s := range addonSteps(before, after, diffs) {
				calls = append(calls, s.Call)
			}
			if tc.want != Replace {
				if d := cmp.Diff(tc.steps, calls); d != "" {
					t.Errorf("steps (-want +got):\n%s", d)
				}
			}
		})
	}
}

func TestResolveAddonVersion(t *testing.T) {
	vs, err := readAddonVersions(context.Background(), newObserver(1), newFakeAccount().fakeEKS("eu-west-1"), "vpc-cni")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		want, k8s string
		version   string
		err       string
	}{
		"default":              {"default", "1.31", "v1.19.2-eksbuild.1", ""},
		"default, other k8s":   {"default", "1.35", "v1.20.4-eksbuild.2", ""},
		"latest":               {"latest", "1.31", "v1.20.4-eksbuild.2", ""},
		"latest, older k8s":    {"latest", "1.29", "v1.18.6-eksbuild.1", ""},
		"pinned":               {"v1.18.6-eksbuild.1", "1.31", "v1.18.6-eksbuild.1", ""},
		"nonexistent":          {"v9.9.9-eksbuild.1", "1.31", "", "no version v9.9.9-eksbuild.1 of this add-on; the versions compatible with Kubernetes 1.31 are v1.20.4-eksbuild.2, v1.19.2-eksbuild.1, v1.18.6-eksbuild.1"},
		"incompatible":         {"v1.18.6-eksbuild.1", "1.35", "", "not compatible with Kubernetes 1.35; the versions compatible with Kubernetes 1.35 are v1.20.4-eksbuild.2"},
		"no compatible at all": {"latest", "1.99", "", "no version of this add-on is compatible with Kubernetes 1.99"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := resolveAddonVersion(vs, tc.want, tc.k8s)
			if got != tc.version || (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("= %q, %v; want %q, an error with %q", got, err, tc.version, tc.err)
			}
		})
	}
	if _, err := resolveAddonVersion(nil, "default", "1.31"); err == nil || !strings.Contains(err.Error(), "not an add-on of the EKS catalogue") {
		t.Errorf("unknown add-on: %v", err)
	}
}

// A version that cannot be had, and configuration values the schema
// refuses, are errors at the attribute, at plan time.
func TestAddonPlanRefusesBadVersionAndConfiguration(t *testing.T) {
	tests := map[string]struct {
		give    func(c *spec.Cluster)
		line    int
		summary string
		detail  []string
	}{
		"incompatible version": {
			give: func(c *spec.Cluster) { c.Addons[2].Version = "v1.30.2-eksbuild.3" },
			line: 50, summary: `No version "v1.30.2-eksbuild.3" of add-on "kube-proxy" for Kubernetes 1.31`,
			detail: []string{"not compatible with Kubernetes 1.31", "v1.31.2-eksbuild.3, v1.31.0-eksbuild.1"},
		},
		"nonexistent version": {
			give:    func(c *spec.Cluster) { c.Addons[1].Version = "v0.0.1-eksbuild.1" },
			line:    50,
			summary: `No version "v0.0.1-eksbuild.1" of add-on "coredns"`, detail: []string{"EKS has no version v0.0.1-eksbuild.1"},
		},
		"unknown add-on": {
			give:    func(c *spec.Cluster) { testAddon(c, "not-an-addon", "default") },
			line:    50,
			summary: `add-on "not-an-addon"`, detail: []string{"not an add-on of the EKS catalogue"},
		},
		"value of the wrong type": {
			give:    func(c *spec.Cluster) { c.Addons[1].ConfigurationValues = `{"replicaCount":"two"}` },
			line:    51,
			summary: `Invalid configuration values for add-on "coredns" v1.11.3-eksbuild.1`,
			detail:  []string{"$.replicaCount: string found, integer expected"},
		},
		"unknown key": {
			give:    func(c *spec.Cluster) { c.Addons[0].ConfigurationValues = `{"env":{"A":"1"},"nope":true}` },
			line:    51,
			summary: `Invalid configuration values for add-on "vpc-cni"`,
			detail:  []string{"$.nope: is not defined in the schema and the schema does not allow additional properties"},
		},
		"value not in the enum": {
			give:   func(c *spec.Cluster) { c.Addons[0].ConfigurationValues = `{"enableNetworkPolicy":"yes"}` },
			line:   51,
			detail: []string{`$.enableNetworkPolicy: "yes" is not one of "true", "false"`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			w := newFakeAccount()
			c := addonCluster()
			tc.give(c)
			_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			d := diags[0]
			if d.Subject == nil || d.Subject.Start.Line != tc.line || !strings.Contains(d.Summary, tc.summary) {
				t.Errorf("diag %q at %v, want %q at line %d", d.Summary, d.Subject, tc.summary, tc.line)
			}
			for _, s := range tc.detail {
				if !strings.Contains(d.Detail, s) {
					t.Errorf("detail %q lacks %q", d.Detail, s)
				}
			}
		})
	}
}

func TestAddonSchemaValidator(t *testing.T) {
	schema := `{"type":"object","additionalProperties":false,"required":["mode"],"properties":{
		"mode":{"type":"string","enum":["a","b"]},
		"n":{"type":"integer","minimum":1,"maximum":3},
		"list":{"type":"array","items":{"type":"string","pattern":"^x"}},
		"free":{"type":"object"},
		"typed":{"type":"object","additionalProperties":{"type":"boolean"}},
		"either":{"type":["string","null"]}}}`
	tests := map[string]struct {
		doc  string
		want []string
	}{
		"valid":             {`{"mode":"a","n":2,"list":["xy"],"free":{"any":[1]},"typed":{"k":true},"either":null}`, nil},
		"integer as 2.0":    {`{"mode":"a","n":2.0}`, nil},
		"missing required":  {`{}`, []string{"$: mode is required"}},
		"enum":              {`{"mode":"c"}`, []string{`$.mode: "c" is not one of "a", "b"`}},
		"range":             {`{"mode":"a","n":4}`, []string{"$.n: 4 is more than the maximum 3"}},
		"not integer":       {`{"mode":"a","n":1.5}`, []string{"$.n: number found, integer expected"}},
		"items and pattern": {`{"mode":"a","list":["xa","y"]}`, []string{`$.list[1]: "y" does not match the pattern ^x`}},
		"additional":        {`{"mode":"a","other":1}`, []string{"$.other: is not defined in the schema and the schema does not allow additional properties"}},
		"additional schema": {`{"mode":"a","typed":{"k":"yes"}}`, []string{"$.typed.k: string found, boolean expected"}},
		"type list":         {`{"mode":"a","either":1}`, []string{"$.either: integer found, string or null expected"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := schemaErrors(schema, tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
		})
	}
}

// Configuration values are compared as JSON: EKS giving them back
// formatted otherwise, or the block writing the keys in another order, is
// no change.
func TestAddonConfigurationComparedAsJSON(t *testing.T) {
	w := converged(t, testConfig(addonCluster()))
	w.mu.Lock()
	w.in("").addon("demo", "vpc-cni").addon.ConfigurationValues = aws.String("{\n  \"env\": {\n    \"ENABLE_PREFIX_DELEGATION\": \"true\"\n  }\n}")
	w.mu.Unlock()
	c := addonCluster()
	c.Addons[0].ConfigurationValues = `{ "env" : { "ENABLE_PREFIX_DELEGATION" : "true" } }`
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan has changes: %v", changesExcept(p, NoOp))
	}
	// A real change is one UpdateAddon, waited for.
	c.Addons[0].ConfigurationValues = `{"env":{"ENABLE_PREFIX_DELEGATION":"false","WARM_IP_TARGET":"2"}}`
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	if d := cmp.Diff([]string{"cluster.demo.addon.vpc-cni update"}, changesExcept(p, NoOp)); d != "" {
		t.Fatalf("changes (-want +got):\n%s", d)
	}
	w.apply(t, p)
	got := w.addonOf("demo", "vpc-cni")
	if !jsonEqual(aws.ToString(got.ConfigurationValues), c.Addons[0].ConfigurationValues) {
		t.Errorf("configuration values in EKS %s", aws.ToString(got.ConfigurationValues))
	}
	if w.lastUpdateAddon.AddonVersion != nil || w.lastUpdateAddon.PodIdentityAssociations != nil {
		t.Errorf("UpdateAddon sent %+v, want only the configuration values", w.lastUpdateAddon)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the update has changes: %v", changesExcept(p, NoOp))
	}
}

// PRESERVE, which EKS refuses at creation, is sent as NONE there, and as
// written on updates.
func TestAddonResolveConflicts(t *testing.T) {
	for give, want := range map[string]string{"OVERWRITE": "OVERWRITE", "NONE": "NONE", "PRESERVE": "NONE"} {
		if got := createResolveConflicts(give); got != want {
			t.Errorf("createResolveConflicts(%s) = %s, want %s", give, got, want)
		}
	}
	c := addonCluster()
	c.Addons[1].ResolveConflicts = "PRESERVE"
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{})) // the fake refuses PRESERVE at creation
	c.Addons[1].ConfigurationValues = `{"replicaCount":3}`
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
	if got := w.lastUpdateAddon; got == nil || got.ResolveConflicts != ekstypes.ResolveConflictsPreserve {
		t.Errorf("UpdateAddon %+v, want resolveConflicts PRESERVE", got)
	}
}

func TestAddonOwnership(t *testing.T) {
	t.Run("made outside eksctl-lite", func(t *testing.T) {
		w := converged(t, testConfig(testCluster("demo")))
		w.putAddon("demo", "coredns", "v1.11.3-eksbuild.1", map[string]string{"team": "x"})
		// Not declared: left alone, by a plan and by a destroy, and said.
		for destroy, warning := range map[bool]string{
			false: `Cluster "demo" has add-ons eksctl-lite does not manage: coredns`,
			true:  `Deleting cluster "demo" deletes add-ons eksctl-lite did not create: coredns`,
		} {
			p, diags := MakePlan(context.Background(), testConfig(testCluster("demo")), w.factory(), PlanOptions{Destroy: destroy})
			if diags.HasErrors() {
				t.Fatal(diagsText(diags))
			}
			for _, ch := range p.Changes {
				if ch.Type == TypeAddon {
					t.Errorf("destroy=%v: %s %s of an add-on eksctl-lite does not own", destroy, ch.Address, ch.Action)
				}
			}
			if got := warningsOf(diags); !slices.Contains(got, warning) {
				t.Errorf("destroy=%v: warnings %v, want %q", destroy, got, warning)
			}
		}
		// Declared: refused at the block, unless --adopt.
		_, diags := MakePlan(context.Background(), testConfig(addonCluster()), w.factory(), PlanOptions{})
		if !diags.HasErrors() || !strings.Contains(diagsText(diags), `Add-on "coredns" exists but is not managed by eksctl-lite`) || diags[0].Subject.Start.Line != 49 {
			t.Fatalf("diags = %v, want a refusal at the block", diags)
		}
		p := mustPlan(t, w, testConfig(addonCluster()), PlanOptions{Adopt: true})
		ch, _ := addonChange(t, p, "coredns")
		if ch.Action != Update || !strings.Contains(ch.Reason, "adopting") {
			t.Fatalf("coredns with --adopt: %s (%s)", ch.Action, ch.Reason)
		}
		w.apply(t, p)
		// Its tags are the block's: the ownership tags added, the others removed.
		if got := w.addonOf("demo", "coredns"); owner(got.Tags) != "demo" || got.Tags["team"] != "" {
			t.Errorf("adopted add-on tags %v", got.Tags)
		}
	})
	t.Run("block removed", func(t *testing.T) {
		w := converged(t, testConfig(addonCluster()))
		c := addonCluster()
		c.Addons = c.Addons[1:]
		p := mustPlan(t, w, testConfig(c), PlanOptions{})
		want := []string{"cluster.demo.addon.vpc-cni delete", "cluster.demo.addon.vpc-cni.pod_identity.aws-node.role delete"}
		if d := cmp.Diff(want, changesExcept(p, NoOp)); d != "" {
			t.Fatalf("changes (-want +got):\n%s", d)
		}
		w.apply(t, p)
		if w.addonOf("demo", "vpc-cni") != nil || w.podIdentity("demo", "kube-system/aws-node") != nil {
			t.Error("vpc-cni or its association still there")
		}
		if d := cmp.Diff([]string{"DeleteAddon demo/vpc-cni preserve=false"}, w.logged("DeleteAddon")); d != "" {
			t.Errorf("calls (-want +got):\n%s", d)
		}
	})
}

// destroy deletes the owned add-ons before the cluster, with preserve when
// the block says so.
func TestAddonDestroy(t *testing.T) {
	c := addonCluster()
	c.Addons[1].PreserveOnDelete = true
	w := converged(t, testConfig(c))
	w.failOn("DescribeAddonVersions", invalid("the catalogue is not read by a destroy"))
	p := mustPlan(t, w, testConfig(c), PlanOptions{Destroy: true})
	w.hook = nil
	for _, name := range []string{"vpc-cni", "coredns", "kube-proxy"} {
		ch := changeOf(t, p, AddonAddress("demo", name))
		if ch.Action != Delete || !slices.Contains(ch.DependsOn, "cluster.demo") {
			t.Errorf("%s: %s depending on %v, want a delete before the cluster's", name, ch.Action, ch.DependsOn)
		}
	}
	w.apply(t, p)
	want := []string{"DeleteAddon demo/coredns preserve=true", "DeleteAddon demo/kube-proxy preserve=false", "DeleteAddon demo/vpc-cni preserve=false"}
	got := w.logged("DeleteAddon")
	slices.Sort(got)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	del := w.logIndex("DeleteCluster demo")
	for _, e := range want {
		if i := w.logIndex(e); i < 0 || i > del {
			t.Errorf("%s at %d, DeleteCluster at %d: want the add-on first", e, i, del)
		}
	}
	if s := w.state(); len(s) != 0 {
		t.Errorf("left after destroy: %v", s)
	}
}

// An add-on that is DEGRADED is not converged: the plan waits for it, and
// apply fails with its health issues, naming it.
func TestAddonDegradedFails(t *testing.T) {
	w := converged(t, testConfig(addonCluster()))
	w.mu.Lock()
	w.in("").addon("demo", "coredns").hold("DEGRADED")
	w.mu.Unlock()
	p := mustPlan(t, w, testConfig(addonCluster()), PlanOptions{})
	ch, _ := addonChange(t, p, "coredns")
	if ch.Action != Wait {
		t.Fatalf("coredns: %s, want wait", ch.Action)
	}
	var out bytes.Buffer
	_, err := Apply(context.Background(), p, w.factory(), fastOptions(&out))
	if err == nil || !strings.Contains(out.String()+err.Error(), "add-on coredns of cluster demo: add-on coredns is DEGRADED: InsufficientNumberOfReplicas") {
		t.Errorf("apply: %v\n%s", err, out.String())
	}
}

// The Pod Identity agent warning is quiet when the agent add-on runs, in
// the configuration or only live.
func TestPodIdentityAgentWarningSeesLiveAddon(t *testing.T) {
	c := podCluster()
	c.Addons = nil
	w := newFakeAccount()
	_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
	if got := warningsOf(diags); len(got) != 1 || !strings.Contains(got[0], podIdentityAgent) {
		t.Fatalf("warnings %v, want the agent's", got)
	}
	w = converged(t, testConfig(testCluster("demo")))
	w.putAddon("demo", podIdentityAgent, "v1.3.4-eksbuild.1", nil)
	_, diags = MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
	for _, got := range warningsOf(diags) {
		if strings.Contains(got, "pod_identity blocks but no") {
			t.Errorf("warning %q with the agent add-on live", got)
		}
	}
}

// An upgrade of two minor versions takes the add-ons that follow
// "default" or "latest" to each version's, after each control plane step
// and before the node groups; a pinned add-on that cannot run on a version
// the control plane goes through stops the plan, naming it.
func TestAddonUpgradeFollowsTheControlPlane(t *testing.T) {
	cluster := func(version string) *spec.Cluster {
		c := testCluster("demo")
		c.Version = version
		testNodeGroup(c, "general")
		testAddon(c, "vpc-cni", "default")
		testAddon(c, "coredns", "latest")
		testAddon(c, "kube-proxy", "default")
		return c
	}
	w := converged(t, testConfig(cluster("1.33")))
	w.log = nil
	p := mustPlan(t, w, testConfig(cluster("1.35")), PlanOptions{})
	want := []string{
		"cluster.demo update UpdateClusterVersion:1.34 UpdateAddon:v1.20.4-eksbuild.2 UpdateAddon:v1.12.4-eksbuild.1 UpdateAddon:v1.34.2-eksbuild.3 UpdateNodegroupVersion:1.34 UpdateClusterVersion:1.35",
		"cluster.demo.addon.coredns update UpdateAddon:v1.12.4-eksbuild.1",
		"cluster.demo.addon.kube-proxy update UpdateAddon:v1.35.2-eksbuild.3",
		"cluster.demo.addon.vpc-cni update UpdateAddon:v1.20.4-eksbuild.2",
		"cluster.demo.node_group.general update UpdateNodegroupVersion:1.35",
	}
	if d := cmp.Diff(want, summaryOfChanges(p)); d != "" {
		t.Fatalf("plan (-want +got):\n%s", d)
	}
	if ng := changeOf(t, p, "cluster.demo.node_group.general"); !slices.Contains(ng.DependsOn, "cluster.demo.addon.kube-proxy") {
		t.Errorf("node group depends on %v, want the add-ons that move", ng.DependsOn)
	}
	w.apply(t, p)
	order := []string{
		"UpdateClusterVersion demo 1.34",
		"UpdateAddon demo/kube-proxy v1.34.2-eksbuild.3",
		"UpdateNodegroupVersion demo/general 1.34",
		"UpdateClusterVersion demo 1.35",
		"UpdateAddon demo/kube-proxy v1.35.2-eksbuild.3",
		"UpdateNodegroupVersion demo/general 1.35",
	}
	for i := 1; i < len(order); i++ {
		if a, b := w.logIndex(order[i-1]), w.logIndex(order[i]); a < 0 || b < 0 || a > b {
			t.Errorf("%q at %d, %q at %d: want that order\n%s", order[i-1], a, order[i], b, strings.Join(w.log, "\n"))
		}
	}
	// coredns and vpc-cni reached their 1.35 versions at 1.34: not sent again.
	if got := w.logged("UpdateAddon demo/coredns"); len(got) != 1 {
		t.Errorf("coredns updates %v, want one", got)
	}
	if p := mustPlan(t, w, testConfig(cluster("1.35")), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the upgrade has changes: %v", changesExcept(p, NoOp))
	}

	t.Run("pinned", func(t *testing.T) {
		w := converged(t, testConfig(cluster("1.33")))
		c := cluster("1.35")
		c.Addons[2].Version = "v1.35.2-eksbuild.3" // not on 1.34, which the cluster goes through
		_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
		if !diags.HasErrors() || diags[0].Summary != `Add-on "kube-proxy" blocks the upgrade of cluster "demo"` || diags[0].Subject.Start.Line != 50 ||
			!strings.Contains(diags[0].Detail, "not compatible with Kubernetes 1.34") {
			t.Errorf("diags = %s, want the pinned add-on blocking, at its version", diagsText(diags))
		}
		c.Addons[2].Version = "v1.33.2-eksbuild.3" // left where it is: not on 1.35
		_, diags = MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
		if !diags.HasErrors() || !strings.Contains(diagsText(diags), `add-on "kube-proxy" for Kubernetes 1.35`) {
			t.Errorf("diags = %s, want the pinned add-on refused for 1.35", diagsText(diags))
		}
	})
}

// A saved plan's add-ons keep their fingerprints until someone changes
// them: a change made since (configuration values, an association's role)
// makes the plan stale.
func TestAddonFingerprints(t *testing.T) {
	w := converged(t, testConfig(addonCluster()))
	c := addonCluster()
	c.Addons[1].ConfigurationValues = `{"replicaCount":2}`
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	now, err := RefreshFingerprints(context.Background(), p, w.factory())
	if err != nil {
		t.Fatal(err)
	}
	if stale := StaleAddresses(p, now); len(stale) != 0 {
		t.Fatalf("stale right after the plan: %v", stale)
	}
	w.mu.Lock()
	w.in("").addon("demo", "coredns").addon.ConfigurationValues = aws.String(`{"replicaCount":5}`)
	for _, o := range w.in("").pods {
		o.pia.RoleArn = aws.String("arn:aws:iam::111122223333:role/changed")
	}
	w.mu.Unlock()
	now, err = RefreshFingerprints(context.Background(), p, w.factory())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"cluster.demo.addon.coredns", "cluster.demo.addon.vpc-cni"}
	if d := cmp.Diff(want, StaleAddresses(p, now)); d != "" {
		t.Errorf("stale (-want +got):\n%s", d)
	}

	// An update made since the plan, done already, makes it stale too.
	p = mustPlan(t, w, testConfig(addonCluster()), PlanOptions{})
	cl, _ := w.factory()("")
	if _, err := cl.EKS.UpdateAddon(context.Background(), &eks.UpdateAddonInput{ClusterName: aws.String("demo"), AddonName: aws.String("kube-proxy"), AddonVersion: aws.String("v1.31.2-eksbuild.3")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.EKS.UpdateAddon(context.Background(), &eks.UpdateAddonInput{ClusterName: aws.String("demo"), AddonName: aws.String("kube-proxy"), AddonVersion: aws.String("v1.31.0-eksbuild.1")}); err != nil {
		t.Fatal(err)
	}
	if now, err = RefreshFingerprints(context.Background(), p, w.factory()); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"cluster.demo.addon.kube-proxy"}, StaleAddresses(p, now)); d != "" {
		t.Errorf("stale after an update (-want +got):\n%s", d)
	}
}

// An add-on an interrupted apply created is carried on with (its tags say
// it is this change's), and finished as the plan wants; one someone else
// created meanwhile is not.
func TestAddonCreateAdoptsOnlyItsOwn(t *testing.T) {
	w := converged(t, testConfig(testCluster("demo")))
	c := testCluster("demo")
	testAddon(c, "coredns", "default").ConfigurationValues = `{"replicaCount":2}`
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	w.putAddon("demo", "coredns", "v1.11.3-eksbuild.1", map[string]string{TagCluster: "demo", TagAddress: "cluster.demo.addon.coredns", TagRegion: "eu-west-1"})
	w.apply(t, p)
	if got := w.addonOf("demo", "coredns"); !jsonEqual(aws.ToString(got.ConfigurationValues), `{"replicaCount":2}`) {
		t.Errorf("adopted add-on's configuration values %q, want the plan's", aws.ToString(got.ConfigurationValues))
	}

	w = converged(t, testConfig(testCluster("demo")))
	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	w.putAddon("demo", "coredns", "v1.11.3-eksbuild.1", nil)
	var out bytes.Buffer
	if _, err := Apply(context.Background(), p, w.factory(), fastOptions(&out)); err == nil || !strings.Contains(err.Error()+out.String(), "eksctl-lite does not own it") {
		t.Errorf("apply over a foreign add-on: %v\n%s", err, out.String())
	}
	if n := len(w.logged("UpdateAddon")); n != 0 {
		t.Errorf("%d UpdateAddon calls on a foreign add-on", n)
	}
}

// A plan that takes an add-on back to an older version says so; one whose
// add-on is being deleted makes it again.
func TestAddonDowngradeWarnsAndDeletingIsRecreated(t *testing.T) {
	c := addonCluster()
	c.Addons[0].Version = "latest"
	w := converged(t, testConfig(c))
	_, diags := MakePlan(context.Background(), testConfig(addonCluster()), w.factory(), PlanOptions{})
	if got := warningsOf(diags); len(got) != 1 || got[0] != `Add-on "vpc-cni" goes back from v1.20.4-eksbuild.2 to v1.19.2-eksbuild.1` {
		t.Errorf("warnings %v, want the downgrade's", got)
	}

	w = converged(t, testConfig(addonCluster()))
	w.life.addon = 20 * time.Millisecond
	w.mu.Lock()
	w.in("").addon("demo", "coredns").status, w.in("").addon("demo", "coredns").until = "DELETING", time.Now().Add(20*time.Millisecond)
	w.mu.Unlock()
	p := mustPlan(t, w, testConfig(addonCluster()), PlanOptions{})
	if ch, _ := addonChange(t, p, "coredns"); ch.Action != Wait {
		t.Fatalf("coredns: %s, want wait", ch.Action)
	}
	w.apply(t, p)
	if got := w.addonOf("demo", "coredns"); got == nil || got.Status != ekstypes.AddonStatusActive {
		t.Errorf("coredns after apply: %+v, want it made again", got)
	}
	if p := mustPlan(t, w, testConfig(addonCluster()), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the apply has changes: %v", changesExcept(p, NoOp))
	}
}

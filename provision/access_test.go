package provision

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

const (
	ciRole  = "arn:aws:iam::111122223333:role/ci-deployer"
	devUser = "arn:aws:iam::111122223333:user/dev"
)

// testAccessEntry adds a STANDARD access_entry block (declared at line 50).
func testAccessEntry(c *spec.Cluster, label, principal string, groups ...string) *spec.AccessEntry {
	e := &spec.AccessEntry{Name: label, PrincipalARN: principal, Type: "STANDARD", KubernetesGroups: groups, DeclRange: testRange(50)}
	c.AccessEntries = append(c.AccessEntries, e)
	return e
}

// testAccessPolicy adds a policy block (declared at line 55): the cluster
// scope without namespaces, else a namespace scope.
func testAccessPolicy(e *spec.AccessEntry, name string, namespaces ...string) *spec.AccessPolicy {
	p := &spec.AccessPolicy{Name: name, ARN: testPolicyARN(name), Scope: "cluster", DeclRange: testRange(55)}
	if len(namespaces) > 0 {
		p.Scope, p.Namespaces = "namespace", slices.Sorted(slices.Values(namespaces))
	}
	e.Policies = append(e.Policies, p)
	return p
}

// accessCluster has a node group (EKS makes an entry for its role), a CI
// role with a cluster-wide and a namespace-scoped policy, and a user with
// a view policy.
func accessCluster() *spec.Cluster {
	c := testCluster("demo")
	testNodeGroup(c, "general")
	ci := testAccessEntry(c, "ci", ciRole, "deployers")
	testAccessPolicy(ci, "AmazonEKSViewPolicy")
	testAccessPolicy(ci, "AmazonEKSEditPolicy", "apps", "batch")
	dev := testAccessEntry(c, "dev", devUser)
	dev.Username = "dev"
	testAccessPolicy(dev, "AmazonEKSAdminViewPolicy")
	return c
}

// accessChanges is the summary of the plan's access entry and policy
// changes that do something.
func accessChanges(p *Plan) []string {
	var out []string
	for _, s := range summary(p) {
		if strings.Contains(s, ".access_entry.") && !strings.HasSuffix(s, " no-op") {
			out = append(out, s)
		}
	}
	return out
}

func TestAccessEntriesCreateAndConverge(t *testing.T) {
	w := newFakeAccount()
	p := mustPlan(t, w, testConfig(accessCluster()), PlanOptions{})
	want := []string{
		"cluster.demo.access_entry.ci create",
		"cluster.demo.access_entry.ci.policy.AmazonEKSEditPolicy create",
		"cluster.demo.access_entry.ci.policy.AmazonEKSViewPolicy create",
		"cluster.demo.access_entry.dev create",
		"cluster.demo.access_entry.dev.policy.AmazonEKSAdminViewPolicy create",
	}
	if d := cmp.Diff(want, accessChanges(p)); d != "" {
		t.Fatalf("plan (-want +got):\n%s", d)
	}
	pol := changeOf(t, p, "cluster.demo.access_entry.ci.policy.AmazonEKSEditPolicy")
	if !slices.Equal(pol.DependsOn, []string{"cluster.demo.access_entry.ci"}) {
		t.Errorf("policy depends on %v, want its entry", pol.DependsOn)
	}
	if e := changeOf(t, p, "cluster.demo.access_entry.ci"); !slices.Contains(e.DependsOn, "cluster.demo") {
		t.Errorf("entry depends on %v, want the cluster", e.DependsOn)
	}
	w.apply(t, p)

	ci, pols := w.accessEntry("demo", ciRole)
	if ci == nil || !slices.Equal(ci.KubernetesGroups, []string{"deployers"}) || owner(ci.Tags) != "demo" || ci.Tags[TagAddress] != "cluster.demo.access_entry.ci" {
		t.Fatalf("ci entry %+v", ci)
	}
	if d := cmp.Diff(map[string]string{"AmazonEKSViewPolicy": "cluster", "AmazonEKSEditPolicy": "namespace:apps,batch"}, pols); d != "" {
		t.Errorf("ci policies (-want +got):\n%s", d)
	}
	if dev, _ := w.accessEntry("demo", devUser); dev == nil || dev.Username != "dev" {
		t.Errorf("dev entry %+v, want username dev", dev)
	}
	// EKS made the creator's entry and the node role's; they are there,
	// untouched, and never in a plan.
	nodeRole := rootRoleARNOf(NodeRoleName("demo", "eu-west-1"))
	if got := w.accessPrincipals("demo"); !slices.Equal(got, []string{ciRole, nodeRole, testCreator, devUser}) {
		t.Errorf("entries %v", got)
	}
	p = mustPlan(t, w, testConfig(accessCluster()), PlanOptions{})
	if p.HasChanges() {
		t.Errorf("second plan has changes: %v", changesExcept(p, NoOp))
	}
	for _, ch := range p.Changes {
		if b, ok := ch.Before.(*AccessEntryAttrs); ok && (b.PrincipalARN == nodeRole || b.PrincipalARN == testCreator) {
			t.Errorf("EKS's own entry %s is in the plan at %s", b.PrincipalARN, ch.Address)
		}
		if b, ok := ch.Before.(*AccessPolicyAttrs); ok && b.PrincipalARN == testCreator {
			t.Errorf("the creator's policy is in the plan at %s", ch.Address)
		}
	}
}

// Each attribute of an entry, changed alone: the action and the calls.
func TestAccessEntrySchema(t *testing.T) {
	tests := map[string]struct {
		change func(e *spec.AccessEntry)
		want   []string // the entry's summary; "" for no change
	}{
		"principal_arn": {func(e *spec.AccessEntry) { e.PrincipalARN = "arn:aws:iam::111122223333:role/ci-2" }, []string{"cluster.demo.access_entry.ci replace"}},
		"type":          {func(e *spec.AccessEntry) { e.Type, e.KubernetesGroups = "FARGATE_LINUX", nil }, []string{"cluster.demo.access_entry.ci replace"}},
		"kubernetes_groups": {func(e *spec.AccessEntry) { e.KubernetesGroups = []string{"admins", "deployers"} },
			[]string{"cluster.demo.access_entry.ci update UpdateAccessEntry"}},
		"kubernetes_groups removed": {func(e *spec.AccessEntry) { e.KubernetesGroups = nil },
			[]string{"cluster.demo.access_entry.ci update UpdateAccessEntry"}},
		"kubernetes_groups in another order": {func(e *spec.AccessEntry) { e.KubernetesGroups = []string{"deployers", "deployers"} }, nil},
		"user_name":                          {func(e *spec.AccessEntry) { e.Username = "ci-bot" }, []string{"cluster.demo.access_entry.ci update UpdateAccessEntry"}},
		// Left out: EKS's choice stands, whatever it is.
		"user_name left out": {func(e *spec.AccessEntry) { e.Username = "" }, nil},
		"tags":               {func(e *spec.AccessEntry) { e.Tags = map[string]string{"team": "ci"} }, []string{"cluster.demo.access_entry.ci update TagResource"}},
	}
	w := converged(t, testConfig(accessCluster()))
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c := accessCluster()
			tt.change(c.AccessEntries[0])
			var got []string
			for _, s := range accessChanges(mustPlan(t, w, testConfig(c), PlanOptions{})) {
				if strings.HasPrefix(s, "cluster.demo.access_entry.ci ") {
					got = append(got, s)
				}
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// The groups and the username change in place, with one UpdateAccessEntry
// that keeps the entry (its ARN) and its policies.
func TestAccessEntryUpdatesInPlace(t *testing.T) {
	w := converged(t, testConfig(accessCluster()))
	before, _ := w.accessEntry("demo", ciRole)
	c := accessCluster()
	c.AccessEntries[0].KubernetesGroups = []string{"admins"}
	c.AccessEntries[0].Username = "ci-bot"
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
	got, pols := w.accessEntry("demo", ciRole)
	if got.ARN != before.ARN || !slices.Equal(got.KubernetesGroups, []string{"admins"}) || got.Username != "ci-bot" || len(pols) != 2 {
		t.Errorf("after the update: %+v %v (before %+v)", got, pols, before)
	}
	if n := len(w.logged("UpdateAccessEntry")); n != 1 {
		t.Errorf("%d UpdateAccessEntry calls, want 1", n)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the update has changes: %v", changesExcept(p, NoOp))
	}
}

// A new principal or type replaces the entry, the old one deleted first
// (EKS keeps one per principal), and its policies associated again with
// the new entry once it exists.
func TestAccessEntryReplacementDeletesFirst(t *testing.T) {
	for name, change := range map[string]func(e *spec.AccessEntry){
		"principal_arn": func(e *spec.AccessEntry) { e.PrincipalARN = "arn:aws:iam::111122223333:role/ci-2" },
		"type":          func(e *spec.AccessEntry) { e.Type = "HYBRID_LINUX" },
	} {
		t.Run(name, func(t *testing.T) {
			w := converged(t, testConfig(accessCluster()))
			c := accessCluster()
			change(c.AccessEntries[0])
			c.AccessEntries[0].KubernetesGroups = []string{"deployers"}
			p := mustPlan(t, w, testConfig(c), PlanOptions{})
			ch := changeOf(t, p, "cluster.demo.access_entry.ci")
			if ch.Action != Replace || !slices.Equal(ch.ReplacePaths, []string{name}) || replaceOrderOf(ch.Type) != DeleteThenCreate {
				t.Fatalf("ci: %s %v, want a delete-then-create replacement forced by %s", ch.Action, ch.ReplacePaths, name)
			}
			for _, pol := range []string{"AmazonEKSViewPolicy", "AmazonEKSEditPolicy"} {
				if pc := changeOf(t, p, "cluster.demo.access_entry.ci.policy."+pol); pc.Action != Replace {
					t.Errorf("%s: %s, want it associated again (EKS deletes it with the entry)", pol, pc.Action)
				}
			}
			w.apply(t, p)
			principal := c.AccessEntries[0].PrincipalARN
			all := w.logged("")
			last := func(entry string) int { return len(all) - 1 - slices.Index(reversed(all), entry) }
			del := slices.Index(all, "DeleteAccessEntry demo/"+ciRole)
			create := last("CreateAccessEntry demo/" + principal + " " + c.AccessEntries[0].Type)
			assoc := last("AssociateAccessPolicy demo/" + principal + "/AmazonEKSEditPolicy namespace apps,batch")
			if del < 0 || create < del || assoc < create {
				t.Errorf("log %v: want the old entry deleted, then the new one created, then its policies associated", w.logged(""))
			}
			if _, pols := w.accessEntry("demo", principal); len(pols) != 2 {
				t.Errorf("new entry's policies %v, want both", pols)
			}
			if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
				t.Errorf("plan after the replacement has changes: %v", changesExcept(p, NoOp))
			}
		})
	}
}

// Policies are added, removed and rescoped one by one; namespaces are a
// set.
func TestAccessPolicyDiff(t *testing.T) {
	tests := map[string]struct {
		change func(e *spec.AccessEntry)
		want   []string
		live   map[string]string // the ci entry's policies after apply
	}{
		"added": {
			change: func(e *spec.AccessEntry) { testAccessPolicy(e, "AmazonEKSAdminPolicy", "ops") },
			want:   []string{"cluster.demo.access_entry.ci.policy.AmazonEKSAdminPolicy create"},
			live:   map[string]string{"AmazonEKSViewPolicy": "cluster", "AmazonEKSEditPolicy": "namespace:apps,batch", "AmazonEKSAdminPolicy": "namespace:ops"},
		},
		"removed": {
			change: func(e *spec.AccessEntry) { e.Policies = e.Policies[1:] },
			want:   []string{"cluster.demo.access_entry.ci.policy.AmazonEKSViewPolicy delete"},
			live:   map[string]string{"AmazonEKSEditPolicy": "namespace:apps,batch"},
		},
		"scope to namespace": {
			change: func(e *spec.AccessEntry) {
				e.Policies[0].Scope, e.Policies[0].Namespaces = "namespace", []string{"apps"}
			},
			want: []string{"cluster.demo.access_entry.ci.policy.AmazonEKSViewPolicy update AssociateAccessPolicy"},
			live: map[string]string{"AmazonEKSViewPolicy": "namespace:apps", "AmazonEKSEditPolicy": "namespace:apps,batch"},
		},
		"scope to cluster": {
			change: func(e *spec.AccessEntry) { e.Policies[1].Scope, e.Policies[1].Namespaces = "cluster", nil },
			want:   []string{"cluster.demo.access_entry.ci.policy.AmazonEKSEditPolicy update AssociateAccessPolicy"},
			live:   map[string]string{"AmazonEKSViewPolicy": "cluster", "AmazonEKSEditPolicy": "cluster"},
		},
		"another namespace": {
			change: func(e *spec.AccessEntry) { e.Policies[1].Namespaces = []string{"apps", "web"} },
			want:   []string{"cluster.demo.access_entry.ci.policy.AmazonEKSEditPolicy update AssociateAccessPolicy"},
			live:   map[string]string{"AmazonEKSViewPolicy": "cluster", "AmazonEKSEditPolicy": "namespace:apps,web"},
		},
		"namespaces in another order": {
			change: func(e *spec.AccessEntry) { e.Policies[1].Namespaces = []string{"batch", "apps"} },
			live:   map[string]string{"AmazonEKSViewPolicy": "cluster", "AmazonEKSEditPolicy": "namespace:apps,batch"},
		},
		"policy by its ARN": {
			change: func(e *spec.AccessEntry) { e.Policies[0].Name = e.Policies[0].ARN },
			live:   map[string]string{"AmazonEKSViewPolicy": "cluster", "AmazonEKSEditPolicy": "namespace:apps,batch"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := converged(t, testConfig(accessCluster()))
			c := accessCluster()
			tt.change(c.AccessEntries[0])
			p := mustPlan(t, w, testConfig(c), PlanOptions{})
			if d := cmp.Diff(tt.want, accessChanges(p)); d != "" {
				t.Fatalf("plan (-want +got):\n%s", d)
			}
			w.apply(t, p)
			if _, pols := w.accessEntry("demo", ciRole); !cmp.Equal(pols, tt.live) {
				t.Errorf("live policies %v, want %v", pols, tt.live)
			}
			if n := len(w.logged("CreateAccessEntry")) + len(w.logged("DeleteAccessEntry")) + len(w.logged("UpdateAccessEntry")); n != 2 {
				t.Errorf("entry calls %v: want only the first apply's creates", w.logged(""))
			}
			if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
				t.Errorf("plan after apply has changes: %v", changesExcept(p, NoOp))
			}
		})
	}
}

func TestUnknownAccessPolicyRefusedAtTheBlock(t *testing.T) {
	c := accessCluster()
	p := testAccessPolicy(c.AccessEntries[1], "AmazonEKSNopePolicy")
	p.DeclRange = testRange(77)
	// The live cluster's catalog (ListAccessPolicies): an error.
	w := converged(t, testConfig(testCluster("demo")))
	_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
	if !diags.HasErrors() || diags[0].Subject == nil || diags[0].Subject.Start.Line != 77 ||
		!strings.Contains(diags[0].Summary, "AmazonEKSNopePolicy") || !strings.Contains(diags[0].Detail, "AmazonEKSViewPolicy") {
		t.Fatalf("diags = %v, want a refusal at the policy block listing the policies", diags)
	}
	// A policy the fake account lacks but EKS documents is refused too.
	c = accessCluster()
	testAccessPolicy(c.AccessEntries[1], "AmazonEKSAutoNodePolicy")
	if _, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{}); !diags.HasErrors() {
		t.Errorf("a policy ListAccessPolicies does not list was accepted")
	}
	// A cluster to create: the documented ones, and a warning only.
	c = accessCluster()
	testAccessPolicy(c.AccessEntries[1], "AmazonEKSNopePolicy").DeclRange = testRange(77)
	_, diags = MakePlan(context.Background(), testConfig(c), newFakeAccount().factory(), PlanOptions{})
	if diags.HasErrors() || len(diags) != 1 || diags[0].Subject.Start.Line != 77 || !strings.Contains(diags[0].Detail, "AmazonEKSAutoNodePolicy") {
		t.Errorf("new cluster: diags = %v, want one warning at the block", diags)
	}
}

// Entries nobody owns are refused when declared (--adopt takes them, with
// every difference of their policies), and otherwise left alone: never
// planned, deleted or destroyed. EKS's own entries are among them.
func TestAccessEntryOwnership(t *testing.T) {
	t.Run("refused, then adopted", func(t *testing.T) {
		w := converged(t, testConfig(testCluster("demo")))
		w.putAccessEntry("demo", ciRole, "STANDARD", []string{"old"}, map[string]string{"team": "ci"},
			map[string][]string{testPolicyARN("AmazonEKSViewPolicy"): nil, testPolicyARN("AmazonEKSClusterAdminPolicy"): nil})
		c := testCluster("demo")
		testAccessPolicy(testAccessEntry(c, "ci", ciRole, "deployers"), "AmazonEKSViewPolicy", "apps")
		_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
		if !diags.HasErrors() || !strings.Contains(diagsText(diags), "does not manage") || diags[0].Subject.Start.Line != 50 {
			t.Fatalf("diags = %v, want a refusal at the block", diags)
		}
		p := mustPlan(t, w, testConfig(c), PlanOptions{Adopt: true})
		want := []string{
			"cluster.demo.access_entry.ci update TagResource UntagResource UpdateAccessEntry",
			"cluster.demo.access_entry.ci.policy.AmazonEKSClusterAdminPolicy delete",
			"cluster.demo.access_entry.ci.policy.AmazonEKSViewPolicy update AssociateAccessPolicy",
		}
		if d := cmp.Diff(want, accessChanges(p)); d != "" {
			t.Fatalf("--adopt plan (-want +got):\n%s", d)
		}
		if ch := changeOf(t, p, "cluster.demo.access_entry.ci"); !strings.Contains(ch.Reason, "adopting") {
			t.Errorf("reason %q", ch.Reason)
		}
		w.apply(t, p)
		got, pols := w.accessEntry("demo", ciRole)
		if owner(got.Tags) != "demo" || !slices.Equal(got.KubernetesGroups, []string{"deployers"}) || !cmp.Equal(pols, map[string]string{"AmazonEKSViewPolicy": "namespace:apps"}) {
			t.Errorf("adopted entry %+v %v", got, pols)
		}
		if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
			t.Errorf("plan after the adoption has changes: %v", changesExcept(p, NoOp))
		}
	})
	t.Run("EKS's own, declared", func(t *testing.T) {
		c := testCluster("demo")
		testNodeGroup(c, "general")
		w := converged(t, testConfig(c))
		testAccessEntry(c, "creator", testCreator)
		_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
		if !diags.HasErrors() || !strings.Contains(diagsText(diags), "does not manage") {
			t.Fatalf("diags = %v, want the creator's entry refused", diags)
		}
	})
	t.Run("left alone", func(t *testing.T) {
		c := testCluster("demo")
		testNodeGroup(c, "general")
		testFargate(c, "system")
		w := converged(t, testConfig(c))
		w.putAccessEntry("demo", devUser, "STANDARD", nil, nil, map[string][]string{testPolicyARN("AmazonEKSViewPolicy"): nil})
		// Tagged for another cluster block: not this one's either.
		w.putAccessEntry("demo", ciRole, "STANDARD", nil, map[string]string{TagCluster: "other", TagAddress: "cluster.other.access_entry.ci"}, nil)
		principals := w.accessPrincipals("demo")
		if len(principals) != 5 {
			t.Fatalf("entries %v, want the creator's, the node role's, the pod execution role's and two made by hand", principals)
		}
		for _, destroy := range []bool{false, true} {
			p := mustPlan(t, w, testConfig(c), PlanOptions{Destroy: destroy})
			for _, ch := range p.Changes {
				if ch.Type == TypeAccessEntry || ch.Type == TypeAccessPolicy {
					t.Errorf("destroy=%v: %s %s of an entry that is not ours", destroy, ch.Address, ch.Action)
				}
			}
		}
		w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{Destroy: true}))
		if n := len(w.logged("DeleteAccessEntry")) + len(w.logged("DisassociateAccessPolicy")); n != 0 {
			t.Errorf("destroy touched entries: %v", w.logged(""))
		}
	})
}

// A removed block's entry is deleted after its policies; destroy deletes
// every owned entry, policies first, before the cluster.
func TestAccessEntryRemovedAndDestroyed(t *testing.T) {
	w := converged(t, testConfig(accessCluster()))
	c := accessCluster()
	c.AccessEntries = c.AccessEntries[1:]
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	want := []string{
		"cluster.demo.access_entry.ci delete",
		"cluster.demo.access_entry.ci.policy.AmazonEKSEditPolicy delete",
		"cluster.demo.access_entry.ci.policy.AmazonEKSViewPolicy delete",
	}
	if d := cmp.Diff(want, accessChanges(p)); d != "" {
		t.Fatalf("changes (-want +got):\n%s", d)
	}
	w.apply(t, p)
	if e, _ := w.accessEntry("demo", ciRole); e != nil {
		t.Errorf("ci entry still there: %+v", e)
	}
	if del, dis := w.logIndex("DeleteAccessEntry demo/"+ciRole), w.logIndex("DisassociateAccessPolicy demo/"+ciRole+"/AmazonEKSEditPolicy"); del < 0 || dis < 0 || dis > del {
		t.Errorf("log %v: want the policies disassociated before the entry is deleted", w.logged(""))
	}

	p = mustPlan(t, w, testConfig(c), PlanOptions{Destroy: true})
	want = []string{"cluster.demo.access_entry.dev delete", "cluster.demo.access_entry.dev.policy.AmazonEKSAdminViewPolicy delete"}
	if d := cmp.Diff(want, accessChanges(p)); d != "" {
		t.Fatalf("destroy (-want +got):\n%s", d)
	}
	w.apply(t, p)
	all := w.logged("")
	dis := slices.Index(all, "DisassociateAccessPolicy demo/"+devUser+"/AmazonEKSAdminViewPolicy")
	del := slices.Index(all, "DeleteAccessEntry demo/"+devUser)
	cluster := slices.Index(all, "DeleteCluster demo")
	if dis < 0 || del < dis || cluster < del {
		t.Errorf("log %v: want the policy, then the entry, then the cluster deleted", all)
	}
}

// Access entries need a cluster that reads them: a live CONFIG_MAP
// cluster is refused at the first block, unless the access block moves it
// on, which happens before the entries are created.
func TestAccessEntriesNeedTheAPIMode(t *testing.T) {
	w := converged(t, testConfig(withAccessBlock(testCluster("demo"), "CONFIG_MAP", nil)))
	c := accessCluster()
	c.AccessEntries[0].DeclRange = testRange(61)
	_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
	if !diags.HasErrors() || diags[0].Subject.Start.Line != 61 || !strings.Contains(diags[0].Detail, `authentication_mode = "API_AND_CONFIG_MAP"`) {
		t.Fatalf("diags = %v, want a refusal at the first access_entry block naming the mode to set", diags)
	}
	withAccessBlock(c, "API_AND_CONFIG_MAP", nil)
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	w.apply(t, p)
	all := w.logged("")
	mode := slices.IndexFunc(all, func(l string) bool {
		return strings.HasPrefix(l, "UpdateClusterConfig demo") && strings.Contains(l, "authentication mode API_AND_CONFIG_MAP")
	})
	create := slices.Index(all, "CreateAccessEntry demo/"+ciRole+" STANDARD")
	if mode < 0 || create < mode {
		t.Errorf("log %v: want the mode changed before the entries are created", w.logged(""))
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after apply has changes: %v", changesExcept(p, NoOp))
	}
}

// An apply interrupted after CreateAccessEntry is finished by the next
// one, which adopts the entry it made.
func TestAccessEntryInterruptedCreateIsAdopted(t *testing.T) {
	w := converged(t, testConfig(testCluster("demo")))
	p := mustPlan(t, w, testConfig(accessCluster()), PlanOptions{})
	w.putAccessEntry("demo", ciRole, "STANDARD", nil, changeOf(t, p, "cluster.demo.access_entry.ci").After.(*AccessEntryAttrs).Tags, nil)
	w.apply(t, p)
	if got := w.logged("CreateAccessEntry demo/" + ciRole); len(got) != 0 {
		t.Errorf("created again: %v", got)
	}
	if p := mustPlan(t, w, testConfig(accessCluster()), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the adoption has changes: %v", changesExcept(p, NoOp))
	}
	// One made by someone else meanwhile is not taken over.
	w = converged(t, testConfig(testCluster("demo")))
	p = mustPlan(t, w, testConfig(accessCluster()), PlanOptions{})
	w.putAccessEntry("demo", ciRole, "STANDARD", nil, nil, nil)
	res, _ := Apply(context.Background(), p, w.factory(), fastOptions(&bytes.Buffer{}))
	for _, r := range res.Resources {
		if r.Address == "cluster.demo.access_entry.ci" && (r.Err == nil || !strings.Contains(r.Err.Error(), "did not create")) {
			t.Errorf("ci: %s %v, want a refusal of the entry made meanwhile", r.Outcome, r.Err)
		}
	}
	if e, _ := w.accessEntry("demo", ciRole); owner(e.Tags) != "" || len(w.logged("AssociateAccessPolicy demo/"+ciRole)) != 0 {
		t.Errorf("the entry made meanwhile was changed: %+v %v", e, w.logged(""))
	}
}

// reversed is a reversed copy of s.
func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// A saved plan goes stale when an entry or a policy it changes is changed
// by someone else, and only then.
func TestAccessSavedPlanFingerprints(t *testing.T) {
	w := converged(t, testConfig(accessCluster()))
	c := accessCluster()
	c.AccessEntries[0].KubernetesGroups = []string{"admins"}
	c.AccessEntries[0].Policies[1].Namespaces = []string{"apps"}
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	stale := func() []string {
		t.Helper()
		now, err := RefreshFingerprints(context.Background(), p, w.factory())
		if err != nil {
			t.Fatal(err)
		}
		return StaleAddresses(p, now)
	}
	if s := stale(); len(s) != 0 {
		t.Fatalf("stale right after plan: %v", s)
	}
	w.mu.Lock()
	o := w.in("").accessEntryObj("demo", ciRole)
	o.entry.e.KubernetesGroups = []string{"someone-else"}
	arn := testPolicyARN("AmazonEKSEditPolicy")
	pol := o.entry.policies[arn]
	pol.AccessScope = &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace, Namespaces: []string{"other"}}
	o.entry.policies[arn] = pol
	w.mu.Unlock()
	if d := cmp.Diff([]string{"cluster.demo.access_entry.ci", "cluster.demo.access_entry.ci.policy.AmazonEKSEditPolicy"}, stale()); d != "" {
		t.Errorf("stale (-want +got):\n%s", d)
	}
}

// Apply re-reads an entry before it changes its policies: one no longer
// this configuration's (its tags taken off meanwhile) is left alone.
func TestAccessPolicyApplyRechecksTheEntry(t *testing.T) {
	w := converged(t, testConfig(accessCluster()))
	c := accessCluster()
	c.AccessEntries[0].Policies[1].Namespaces = []string{"apps"}
	c.AccessEntries[0].Policies = c.AccessEntries[0].Policies[1:]
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	w.mu.Lock()
	o := w.in("").accessEntryObj("demo", ciRole)
	o.tags = map[string]string{"team": "someone-else"}
	w.mu.Unlock()
	res, _ := Apply(context.Background(), p, w.factory(), fastOptions(&bytes.Buffer{}))
	failed := 0
	for _, r := range res.Resources {
		if strings.Contains(r.Address, ".policy.") && r.Outcome == OutcomeFailed && strings.Contains(r.Err.Error(), "no longer this configuration's") {
			failed++
		}
	}
	if failed != 2 {
		t.Errorf("%d policy changes refused, want 2: %v", failed, outcomes(res))
	}
	if got := append(w.logged("AssociateAccessPolicy demo/"+ciRole), w.logged("DisassociateAccessPolicy demo/"+ciRole)...); len(got) != 2 {
		t.Errorf("policy calls %v, want only the first apply's associations", got)
	}
}

// A block for the cluster's creator, on a cluster to create: EKS makes the
// creator's entry with the cluster, so the create is refused, saying how
// to take it over, and plan --adopt does.
func TestAccessEntryForTheCreator(t *testing.T) {
	w := newFakeAccount()
	c := testCluster("demo")
	testAccessPolicy(testAccessEntry(c, "admin", testCreator), "AmazonEKSClusterAdminPolicy")
	res, _ := Apply(context.Background(), mustPlan(t, w, testConfig(c), PlanOptions{}), w.factory(), fastOptions(&bytes.Buffer{}))
	for _, r := range res.Resources {
		if r.Address == "cluster.demo.access_entry.admin" && (r.Err == nil || !strings.Contains(r.Err.Error(), "--adopt")) {
			t.Errorf("admin: %s %v, want a refusal naming --adopt", r.Outcome, r.Err)
		}
	}
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{Adopt: true}))
	if e, pols := w.accessEntry("demo", testCreator); owner(e.Tags) != "demo" || !cmp.Equal(pols, map[string]string{"AmazonEKSClusterAdminPolicy": "cluster"}) {
		t.Errorf("creator entry %+v %v, want it adopted with its policy", e, pols)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the adoption has changes: %v", changesExcept(p, NoOp))
	}
}

// Entries are listed per cluster whatever the configuration declares: with
// every access_entry block removed, the owned entries are deleted; and
// every list is followed page by page.
func TestAccessEntriesListedAlways(t *testing.T) {
	w := newFakeAccount()
	w.pageSize = 1
	w.apply(t, mustPlan(t, w, testConfig(accessCluster()), PlanOptions{}))
	if p := mustPlan(t, w, testConfig(accessCluster()), PlanOptions{}); p.HasChanges() {
		t.Errorf("re-plan with one-item pages has changes: %v", changesExcept(p, NoOp))
	}
	c := accessCluster()
	c.AccessEntries = nil
	want := []string{
		"cluster.demo.access_entry.ci delete",
		"cluster.demo.access_entry.ci.policy.AmazonEKSEditPolicy delete",
		"cluster.demo.access_entry.ci.policy.AmazonEKSViewPolicy delete",
		"cluster.demo.access_entry.dev delete",
		"cluster.demo.access_entry.dev.policy.AmazonEKSAdminViewPolicy delete",
	}
	if d := cmp.Diff(want, accessChanges(mustPlan(t, w, testConfig(c), PlanOptions{}))); d != "" {
		t.Errorf("no access_entry blocks (-want +got):\n%s", d)
	}
}

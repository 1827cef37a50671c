package provision

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

const givenPodRole = "arn:aws:iam::111122223333:role/given-s3"

// testPodIdentity adds a pod_identity block: a managed role with a policy
// when role is "", else the given role.
func testPodIdentity(c *spec.Cluster, label, namespace, sa, role string) *spec.PodIdentity {
	p := &spec.PodIdentity{Name: label, Namespace: namespace, ServiceAccount: sa, RoleARN: role, DeclRange: testRange(40)}
	if role == "" {
		p.RoleName = spec.PodIdentityRoleName(c.Name, label)
		p.PolicyARNs = []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}
	}
	c.PodIdentities = append(c.PodIdentities, p)
	return p
}

// podCluster has a managed-role and a given-role pod identity, and the
// agent add-on (so no warning).
func podCluster() *spec.Cluster {
	c := testCluster("demo")
	testNodeGroup(c, "general")
	testPodIdentity(c, "reader", "apps", "reader", "")
	testPodIdentity(c, "writer", "apps", "writer", givenPodRole)
	c.Addons = []*spec.Addon{{Name: podIdentityAgent, Version: "default"}}
	return c
}

func TestPodIdentityCreatesAndConverges(t *testing.T) {
	w := newFakeAccount()
	p := mustPlan(t, w, testConfig(podCluster()), PlanOptions{})
	var got []string
	for _, s := range summary(p) {
		if strings.Contains(s, "pod_identity") {
			got = append(got, s)
		}
	}
	want := []string{"cluster.demo.pod_identity.reader create", "cluster.demo.pod_identity.reader.role create", "cluster.demo.pod_identity.writer create"}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("plan (-want +got):\n%s", d)
	}
	reader := changeOf(t, p, "cluster.demo.pod_identity.reader")
	if a := reader.After.(*PodIdentityAttrs); a.RoleARN != KnownAfterApply || reader.Refs["role_arn"] != "cluster.demo.pod_identity.reader.role" {
		t.Errorf("reader: role %q refs %v, want the managed role's ARN known after apply", a.RoleARN, reader.Refs)
	}
	if !slices.Contains(reader.DependsOn, "cluster.demo.pod_identity.reader.role") {
		t.Errorf("reader depends on %v, want its role", reader.DependsOn)
	}
	w.apply(t, p)

	// The managed role is trusted by EKS Pod Identity alone: exactly
	// AssumeRole and TagSession, no condition.
	role := w.roles[spec.PodIdentityRoleName("demo", "reader")]
	if role == nil {
		t.Fatal("no managed role")
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(role.trust), &doc); err != nil {
		t.Fatal(err)
	}
	st := doc["Statement"].([]any)
	if len(st) != 1 {
		t.Fatalf("trust policy %s: want one statement", role.trust)
	}
	s := st[0].(map[string]any)
	// (Policies are kept canonical: one-element values as lists.)
	if d := cmp.Diff(map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": []any{"pods.eks.amazonaws.com"}}, "Action": []any{"sts:AssumeRole", "sts:TagSession"}}, s); d != "" {
		t.Errorf("trust statement (-want +got):\n%s", d)
	}
	if got := w.podIdentity("demo", "apps/reader"); got == nil || got.RoleARN != role.arn {
		t.Errorf("reader association %+v, want role %s", got, role.arn)
	}
	if got := w.podIdentity("demo", "apps/writer"); got == nil || got.RoleARN != givenPodRole || owner(got.Tags) != "demo" {
		t.Errorf("writer association %+v, want the given role and our tags", got)
	}
	if p := mustPlan(t, w, testConfig(podCluster()), PlanOptions{}); p.HasChanges() {
		t.Errorf("second plan has changes: %v", changesExcept(p, NoOp))
	}
}

func TestPodIdentityUpdatesInPlace(t *testing.T) {
	w := converged(t, testConfig(podCluster()))
	c := podCluster()
	c.PodIdentities[1].RoleARN = "arn:aws:iam::111122223333:role/other"
	c.PodIdentities[1].TargetRoleARN = "arn:aws:iam::444455556666:role/target"
	c.PodIdentities[1].DisableSessionTags = true
	c.PodIdentities[1].Tags = map[string]string{"tier": "web"}
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	if d := cmp.Diff([]string{"cluster.demo.pod_identity.writer update"}, changesExcept(p, NoOp)); d != "" {
		t.Fatalf("changes (-want +got):\n%s", d)
	}
	var calls []string
	for _, s := range changeOf(t, p, "cluster.demo.pod_identity.writer").Steps {
		calls = append(calls, s.Call)
	}
	if d := cmp.Diff([]string{"TagResource", "UpdatePodIdentityAssociation"}, calls); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}
	before := w.podIdentity("demo", "apps/writer")
	w.apply(t, p)
	got := w.podIdentity("demo", "apps/writer")
	if got.AssociationID != before.AssociationID || got.RoleARN != c.PodIdentities[1].RoleARN || got.TargetRoleARN != c.PodIdentities[1].TargetRoleARN || !got.DisableSessionTags || got.Tags["tier"] != "web" {
		t.Errorf("after update: %+v (before %+v)", got, before)
	}
	if n := len(w.logged("UpdatePodIdentityAssociation")); n != 1 {
		t.Errorf("%d UpdatePodIdentityAssociation calls, want 1", n)
	}
	// Role chaining removed again: the target is cleared, the role kept.
	c.PodIdentities[1].TargetRoleARN = ""
	w.apply(t, mustPlan(t, w, testConfig(c), PlanOptions{}))
	if got := w.podIdentity("demo", "apps/writer"); got.TargetRoleARN != "" || got.RoleARN != c.PodIdentities[1].RoleARN {
		t.Errorf("after clearing the target: %+v", got)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the updates has changes: %v", changesExcept(p, NoOp))
	}
}

// A block that moves to another service account is replaced, the new
// association first; swapping two blocks' service accounts only updates.
func TestPodIdentityNewServiceAccountReplacesNewFirst(t *testing.T) {
	w := converged(t, testConfig(podCluster()))
	c := podCluster()
	c.PodIdentities[1].Namespace = "batch"
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	ch := changeOf(t, p, "cluster.demo.pod_identity.writer")
	if ch.Action != Replace || !slices.Equal(ch.ReplacePaths, []string{"namespace"}) {
		t.Fatalf("writer: %s %v, want a replacement forced by namespace", ch.Action, ch.ReplacePaths)
	}
	w.apply(t, p)
	log := append(w.logged("CreatePodIdentityAssociation demo/batch/writer"), w.logged("DeletePodIdentityAssociation")...)
	all := w.logged("")
	if len(log) != 2 || slices.Index(all, log[0]) > slices.Index(all, log[1]) {
		t.Errorf("log %v: want the new association created before the old one is deleted", all)
	}
	if w.podIdentity("demo", "apps/writer") != nil || w.podIdentity("demo", "batch/writer") == nil {
		t.Error("the association did not move to batch/writer")
	}

	swapped := podCluster()
	swapped.PodIdentities[0].ServiceAccount, swapped.PodIdentities[1].ServiceAccount = "writer", "reader"
	w = converged(t, testConfig(podCluster()))
	p = mustPlan(t, w, testConfig(swapped), PlanOptions{})
	for _, ch := range p.Changes {
		if ch.Type == TypePodIdentity && ch.Action != Update {
			t.Errorf("swap: %s %s, want an update of the association already there", ch.Address, ch.Action)
		}
	}
	w.apply(t, p)
	if p := mustPlan(t, w, testConfig(swapped), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the swap has changes: %v", changesExcept(p, NoOp))
	}
}

func TestPodIdentityRefusesWhatIsNotOurs(t *testing.T) {
	t.Run("made outside eksctl-lite", func(t *testing.T) {
		w := converged(t, testConfig(testCluster("demo")))
		w.putPodIdentity("demo", "apps", "writer", "arn:aws:iam::111122223333:role/theirs", "", map[string]string{"team": "data"})
		_, diags := MakePlan(context.Background(), testConfig(podCluster()), w.factory(), PlanOptions{})
		if !diags.HasErrors() || !strings.Contains(diagsText(diags), "does not manage") || diags[0].Subject.Start.Line != 40 {
			t.Fatalf("diags = %v, want a refusal at the block", diags)
		}
		// --adopt takes it: its tags and role change in place.
		p := mustPlan(t, w, testConfig(podCluster()), PlanOptions{Adopt: true})
		ch := changeOf(t, p, "cluster.demo.pod_identity.writer")
		if ch.Action != Update || !strings.Contains(ch.Reason, "adopting") {
			t.Fatalf("writer with --adopt: %s (%s)", ch.Action, ch.Reason)
		}
		w.apply(t, p)
		if got := w.podIdentity("demo", "apps/writer"); owner(got.Tags) != "demo" || got.RoleARN != givenPodRole {
			t.Errorf("adopted association %+v", got)
		}
	})
	t.Run("an add-on's", func(t *testing.T) {
		w := converged(t, testConfig(testCluster("demo")))
		w.putPodIdentity("demo", "apps", "writer", "arn:aws:iam::111122223333:role/cni", "arn:aws:eks:eu-west-1:111122223333:addon/demo/vpc-cni/x", nil)
		for _, adopt := range []bool{false, true} {
			_, diags := MakePlan(context.Background(), testConfig(podCluster()), w.factory(), PlanOptions{Adopt: adopt})
			if !diags.HasErrors() || !strings.Contains(diagsText(diags), "add-on") {
				t.Errorf("adopt=%v: diags = %v, want a refusal naming the add-on", adopt, diags)
			}
		}
		// Never deleted either, by a plan or a destroy.
		for _, destroy := range []bool{false, true} {
			p := mustPlan(t, w, testConfig(testCluster("demo")), PlanOptions{Destroy: destroy})
			for _, ch := range p.Changes {
				if ch.Type == TypePodIdentity {
					t.Errorf("destroy=%v: %s %s of an add-on's association", destroy, ch.Address, ch.Action)
				}
			}
		}
	})
}

// A removed block's association is deleted before its managed role, and
// destroy does the same for all.
func TestPodIdentityRemovedAndDestroyed(t *testing.T) {
	w := converged(t, testConfig(podCluster()))
	c := podCluster()
	c.PodIdentities = c.PodIdentities[1:]
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	want := []string{"cluster.demo.pod_identity.reader delete", "cluster.demo.pod_identity.reader.role delete"}
	if d := cmp.Diff(want, changesExcept(p, NoOp)); d != "" {
		t.Fatalf("changes (-want +got):\n%s", d)
	}
	w.apply(t, p)
	all := w.logged("")
	assoc, role := -1, -1
	for i, l := range all {
		if strings.HasPrefix(l, "DeletePodIdentityAssociation") {
			assoc = i
		}
		if strings.HasPrefix(l, "DeleteRole ") {
			role = i
		}
	}
	if assoc < 0 || role < 0 || assoc > role {
		t.Errorf("log %v: want the association deleted before its role", all)
	}

	p = mustPlan(t, w, testConfig(c), PlanOptions{Destroy: true})
	if ch := changeOf(t, p, "cluster.demo.pod_identity.writer"); ch.Action != Delete {
		t.Errorf("destroy: writer %s", ch.Action)
	}
	w.apply(t, p)
	if got := w.podIdentity("demo", "apps/writer"); got != nil {
		t.Errorf("after destroy: %+v", got)
	}
}

// The role a live association uses is never deleted while it does.
func TestPodIdentityKeepsRoleInUse(t *testing.T) {
	w := converged(t, testConfig(podCluster()))
	roleARN := w.podIdentity("demo", "apps/reader").RoleARN
	c := podCluster()
	c.PodIdentities[0].RoleARN = roleARN // the managed role, now given
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	if p.HasChanges() {
		t.Errorf("changes: %v (the role is given explicitly now; it stays)", changesExcept(p, NoOp))
	}
}

func TestPodIdentityWarnsWithoutTheAgent(t *testing.T) {
	c := podCluster()
	c.Addons = nil
	_, diags := MakePlan(context.Background(), testConfig(c), newFakeAccount().factory(), PlanOptions{})
	var warned *hcl.Diagnostic
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning && strings.Contains(d.Summary, podIdentityAgent) {
			warned = d
		}
	}
	if warned == nil || !strings.Contains(warned.Detail, `addon "eks-pod-identity-agent"`) {
		t.Fatalf("diags = %v, want a warning naming the add-on to add", diags)
	}
	_, diags = MakePlan(context.Background(), testConfig(podCluster()), newFakeAccount().factory(), PlanOptions{})
	for _, d := range diags {
		if strings.Contains(d.Summary, podIdentityAgent) {
			t.Errorf("warned with the add-on configured: %v", d)
		}
	}
}

// An apply interrupted after CreatePodIdentityAssociation is finished by
// the next one, which adopts what it made.
func TestPodIdentityInterruptedCreateIsAdopted(t *testing.T) {
	w := converged(t, testConfig(testCluster("demo")))
	p := mustPlan(t, w, testConfig(podCluster()), PlanOptions{})
	// The association appears (an earlier apply) after the plan was made.
	w.putPodIdentity("demo", "apps", "writer", givenPodRole, "", changeOf(t, p, "cluster.demo.pod_identity.writer").After.(*PodIdentityAttrs).Tags)
	w.apply(t, p)
	if n := len(w.logged("CreatePodIdentityAssociation")); n != 1 {
		t.Errorf("%d creates, want 1 (reader's)", n)
	}
	if p := mustPlan(t, w, testConfig(podCluster()), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the adoption has changes: %v", changesExcept(p, NoOp))
	}
}

package provision

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Tools written for Terraform parse its summary lines; a replacement is one
// add and one destroy there, so it is here.
func TestPlanSummaryLineIsTerraforms(t *testing.T) {
	plan := func(actions ...Action) *Plan {
		p := &Plan{}
		for _, a := range actions {
			p.Changes = append(p.Changes, &ResourceChange{Address: "cluster.x." + string(a), Type: TypeRole, Action: a,
				Before: &RoleAttrs{Name: "r"}, After: &RoleAttrs{Name: "r"}})
		}
		return p
	}
	tests := map[string]struct {
		give *Plan
		want string
	}{
		"one of each": {plan(Create, Update, Replace, Delete, NoOp),
			"\nPlan: 2 to add, 1 to change, 2 to destroy.\n(1 of them is a replacement)\n"},
		"two replacements": {plan(Replace, Replace, Update),
			"\nPlan: 2 to add, 1 to change, 2 to destroy.\n(2 of them are replacements)\n"},
		"no replacement": {plan(Create, Create, Delete),
			"\nPlan: 2 to add, 0 to change, 1 to destroy.\n"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := RenderText(&b, tt.give, false); err != nil {
				t.Fatal(err)
			}
			_, tail, _ := strings.Cut(b.String(), "\n\nPlan:")
			if d := cmp.Diff(tt.want, "\nPlan:"+tail); d != "" {
				t.Errorf("summary (-want +got):\n%s", d)
			}
		})
	}
}

func TestNoChangesIsTerraforms(t *testing.T) {
	for name, tt := range map[string]struct {
		destroy bool
		want    string
	}{
		"plan":    {false, "No changes. Your infrastructure matches the configuration.\n\n"},
		"destroy": {true, "No changes. No objects need to be destroyed.\n\n"},
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := RenderText(&b, &Plan{Destroy: tt.destroy, Changes: []*ResourceChange{{Address: "cluster.x", Action: NoOp}}}, false); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(b.String(), tt.want) {
				t.Errorf("got %q, want it to start with %q", b.String(), tt.want)
			}
		})
	}
}

func TestApplySummaryLineIsTerraforms(t *testing.T) {
	done := func(n int) []ResourceResult {
		var rr []ResourceResult
		for i := 0; i < n; i++ {
			rr = append(rr, ResourceResult{Outcome: OutcomeDone})
		}
		return rr
	}
	tests := map[string]struct {
		give    *ApplyResult
		destroy bool
		want    string
	}{
		"apply with a replacement": {&ApplyResult{Resources: done(4), Added: 1, Changed: 1, Replaced: 1, Destroyed: 1}, false,
			"\nApply complete! Resources: 2 added, 1 changed, 2 destroyed.\n(1 of them was a replacement)\n"},
		"apply with replacements": {&ApplyResult{Resources: done(2), Replaced: 2}, false,
			"\nApply complete! Resources: 2 added, 0 changed, 2 destroyed.\n(2 of them were replacements)\n"},
		"apply": {&ApplyResult{Resources: done(3), Added: 3}, false,
			"\nApply complete! Resources: 3 added, 0 changed, 0 destroyed.\n"},
		"destroy": {&ApplyResult{Resources: done(3), Destroyed: 3}, true,
			"\nDestroy complete! Resources: 3 destroyed.\n"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			NewProgress(&b, 0).summary(tt.give, tt.destroy)
			if d := cmp.Diff(tt.want, b.String()); d != "" {
				t.Errorf("summary (-want +got):\n%s", d)
			}
		})
	}
	var b bytes.Buffer
	NewProgress(&b, 0).summary(&ApplyResult{Resources: []ResourceResult{{Outcome: OutcomeDone}, {Outcome: OutcomeFailed}}, Replaced: 1}, false)
	if !strings.HasPrefix(b.String(), "\nApply failed. Resources: 1 added, 0 changed, 1 destroyed.\n(1 of them was a replacement)\n") {
		t.Errorf("failed apply summary:\n%s", b.String())
	}
}

package provision

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A profile an interrupted run left DELETING is only waited for: EKS
// refuses DeleteFargateProfile on it (the account records the call as a
// violation and answers ResourceInUseException). A replace then creates the
// new profile once the old one is gone; a delete of a profile already gone
// is done.
func TestApplyFargateDeleteOfProfileAlreadyDeleting(t *testing.T) {
	addr := FargateProfileAddress("demo", "system")
	tests := map[string]struct {
		action    Action
		status    string // of the live profile; "" for none
		wantLog   []string
		wantState []string
		wantNote  string
	}{
		"replace while DELETING": {action: Replace, status: "DELETING", wantLog: []string{"CreateFargateProfile demo/system"},
			wantState: []string{"cluster demo 1.30", "fargate demo/system"}, wantNote: "Fargate profile system is already being deleted (an earlier run)"},
		"delete while DELETING": {action: Delete, status: "DELETING",
			wantState: []string{"cluster demo 1.30"}, wantNote: "Fargate profile system is already being deleted (an earlier run)"},
		"delete of a profile already gone": {action: Delete, wantState: []string{"cluster demo 1.30"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := applyAccount(lifecycle{fargate: 5 * time.Millisecond})
			seedCluster(s, "demo", "1.30", "arn:role", ownedTags(nil, "demo", "cluster.demo"))
			old := desiredFargate("demo", "system")
			if tt.status != "" {
				old = seedFargate(s, "demo", "system", "arn:aws:iam::111122223333:role/fargate", ownedTags(nil, "demo", addr))
				s.mu.Lock()
				o := s.fargateProfile("demo", "system")
				o.status, o.until = tt.status, time.Now().Add(30*time.Millisecond)
				s.mu.Unlock()
				old.Status = tt.status
			}
			var after any
			if tt.action == Replace {
				want := desiredFargate("demo", "system")
				want.Selectors = []SelectorAttrs{{Namespace: "kube-system"}, {Namespace: "default"}}
				after = want
			}
			p := planOf(tt.action == Delete, []*ResourceChange{change("demo", addr, TypeFargateProfile, tt.action, old, after)})
			var out bytes.Buffer
			res, err := Apply(context.Background(), p, s.factory(), fastOptions(&out))
			if err != nil {
				t.Fatalf("Apply: %v\n%s", err, out.String())
			}
			requireNoViolations(t, s)
			state := s.state()
			s.mu.Lock()
			defer s.mu.Unlock()
			if n := s.calls["DeleteFargateProfile"]; n != 0 {
				t.Errorf("DeleteFargateProfile sent %d times, want none", n)
			}
			if diff := cmp.Diff(tt.wantLog, s.log); diff != "" {
				t.Errorf("accepted calls (-want +got):\n%s", diff)
			}
			if got := outcomes(res)[addr]; got != "done" {
				t.Errorf("outcome %q, want done", got)
			}
			if !strings.Contains(out.String(), tt.wantNote) {
				t.Errorf("progress lacks %q:\n%s", tt.wantNote, out.String())
			}
			if diff := cmp.Diff(tt.wantState, state); diff != "" {
				t.Errorf("state (-want +got):\n%s", diff)
			}
			if tt.action == Replace {
				o := s.fargateProfile("demo", "system")
				if o == nil || o.status != "ACTIVE" || len(o.fp.Selectors) != 2 {
					t.Errorf("new profile: %+v, want ACTIVE with 2 selectors", o)
				}
			}
		})
	}
}

// Package policy tests budget.rego, the example OPA policy over
// eksctl-lite's JSON plan, with OPA's Go library in place of the opa CLI.
package policy

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/util"
)

// TestBudget evaluates the policy over each plan in testdata, as
// `opa eval -d budget.rego -i PLAN 'data.eksctl_lite.budget'` would, and
// checks every deny and warn message.
func TestBudget(t *testing.T) {
	const (
		fargate = "cluster.demo.fargate_profile.system: Fargate bills each pod, by its size, for as long as it runs; eksctl-lite does not know the pods, so the profile is not in the totals."
		batch   = "cluster.demo.node_group.batch costs $0.00 to $1772.72 a month depending on its scaling; the budget counts $1772.72"
		general = "cluster.demo.node_group.general costs $31.97 to $95.90 a month depending on its scaling; the budget counts $95.90"
		biggest = "the biggest increases: cluster.demo.node_group.batch +$1772.72, cluster.demo.node_group.gpu +$735.98, cluster.demo.node_group.big +$281.92"
	)
	tests := map[string]struct {
		give     string         // plan under testdata/, or the plan itself when it starts with "{"
		data     map[string]any // data documents, as opa eval -d budget.json reads them
		wantDeny []string
		wantWarn []string
	}{
		"within budget": {
			give:     "within-budget.json",
			wantWarn: []string{fargate},
		},
		"over budget": {
			give:     "over-budget.json",
			wantDeny: []string{"The plan raises the monthly cost by up to $2959.52, over the budget of $500.00; " + biggest},
			wantWarn: []string{batch, general},
		},
		"over budget only at the upper end": {
			give:     "over-budget.json",
			data:     budgetData(1500),
			wantDeny: []string{"The plan raises the monthly cost by up to $2959.52, over the budget of $1500.00; " + biggest},
			wantWarn: []string{batch, general},
		},
		"a larger budget from data": {
			give:     "over-budget.json",
			data:     budgetData(3000),
			wantWarn: []string{batch, general},
		},
		"a smaller budget from data": {
			give:     "within-budget.json",
			data:     budgetData(99.5),
			wantDeny: []string{"The plan raises the monthly cost by up to $136.94, over the budget of $99.50; the biggest increases: cluster.demo +$73.00, cluster.demo.node_group.general +$63.94"},
			wantWarn: []string{fargate},
		},
		"partial": {
			give:     "partial.json",
			wantDeny: []string{`The cost of cluster "edge" (eu-west-1) is partial: no price for x9z.large in eu-west-1, x9z.metal in eu-west-1, so the budget leaves it out`},
		},
		"extended support": {
			give: "extended-support.json",
			wantDeny: []string{
				`Cluster "demo" runs Kubernetes 1.33 in extended support (main.hcl:1): Kubernetes 1.33 left standard support on 2026-07-29. In extended support EKS charges $0.60 per cluster-hour instead of $0.10, $365.00 a month more (730 hours). Extended support ends on 2027-07-29, when EKS upgrades the cluster. Upgrade to 1.35 to return to standard support.`,
			},
		},
		"no prices": {
			give: `{"resource_changes": [], "eksctl_lite": {"warnings": [], "cost_summary": {"currency": "USD", "before": 0, "before_max": 0, "after": 0, "after_max": 0, "change": 0, "change_max": 0, "partial": true, "unknown": [],
				"clusters": [{"cluster": "demo", "region": "us-east-1", "before": 0, "before_max": 0, "after": 0, "after_max": 0, "change": 0, "change_max": 0, "partial": true}],
				"error": "reading the price table: open prices.json: no such file or directory"}}}`,
			wantDeny: []string{"The plan has no cost estimate, so the budget cannot be checked: reading the price table: open prices.json: no such file or directory"},
		},
		"a plan without costs": {
			give:     `{"format_version": "1.0", "resource_changes": [], "eksctl_lite": {"summary": {"add": 0, "change": 0, "replace": 0, "destroy": 0}, "warnings": []}}`,
			wantDeny: []string{"The plan has no eksctl_lite.cost_summary: make it with a version of eksctl-lite plan --json that estimates costs"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			deny, warn := evalBudget(t, tt.give, tt.data)
			if d := cmp.Diff(tt.wantDeny, deny); d != "" {
				t.Errorf("deny (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.wantWarn, warn); d != "" {
				t.Errorf("warn (-want +got):\n%s", d)
			}
		})
	}
}

// budgetData is the data document that sets the budget to usd a month.
func budgetData(usd float64) map[string]any {
	return map[string]any{"budget": map[string]any{"monthly_increase_usd": usd}}
}

// evalBudget evaluates budget.rego over the plan give with data and
// returns its deny and warn messages, sorted (they are sets).
func evalBudget(t *testing.T, give string, data map[string]any) (deny, warn []string) {
	t.Helper()
	policy, err := os.ReadFile("budget.rego")
	if err != nil {
		t.Fatal(err)
	}
	plan := []byte(give)
	if give[0] != '{' {
		if plan, err = os.ReadFile(filepath.Join("testdata", give)); err != nil {
			t.Fatal(err)
		}
	}
	var input any
	if err := util.UnmarshalJSON(plan, &input); err != nil {
		t.Fatalf("%s: %v", give, err)
	}
	if data == nil {
		data = map[string]any{}
	}
	r := rego.New(
		rego.Query("data.eksctl_lite.budget"),
		rego.Module("budget.rego", string(policy)),
		rego.Store(inmem.NewFromObject(data)),
		rego.Input(input),
		rego.Strict(true),
		rego.StrictBuiltinErrors(true),
	)
	rs, err := r.Eval(context.Background())
	if err != nil {
		t.Fatalf("evaluating budget.rego over %s: %v", give, err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		t.Fatalf("data.eksctl_lite.budget over %s: %d results, want 1", give, len(rs))
	}
	doc, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		t.Fatalf("data.eksctl_lite.budget is %T, want an object", rs[0].Expressions[0].Value)
	}
	return messages(t, doc, "deny"), messages(t, doc, "warn")
}

// messages are the strings in the set rule of doc, nil when it is empty.
func messages(t *testing.T, doc map[string]any, rule string) []string {
	t.Helper()
	set, ok := doc[rule].([]any)
	if !ok {
		t.Fatalf("%s is %T, want a set of messages", rule, doc[rule])
	}
	var out []string
	for _, m := range set {
		s, ok := m.(string)
		if !ok {
			t.Fatalf("%s holds %v (%T), want strings", rule, m, m)
		}
		out = append(out, s)
	}
	return out
}

package provision

import (
	"encoding/json"
	"io"
)

// RenderJSON writes the machine-readable plan. Its shape follows
// Terraform's JSON plan (format_version, resource_changes[] with address,
// type, name, change.actions/before/after/after_unknown/replace_paths,
// action_reason), so that policy tools written for Terraform plans (OPA,
// conftest) read it unchanged; what Terraform has no field for is under
// "eksctl_lite" keys. The format only grows compatibly.
func RenderJSON(w io.Writer, p *Plan) error {
	add, change, replace, destroy := p.Counts()
	out := jsonPlan{
		FormatVersion: p.FormatVersion,
		Applyable:     p.HasChanges(),
		Complete:      true,
		Errored:       false,
		EksctlLite: jsonPlanExtras{
			Destroy:           p.Destroy,
			InputsFingerprint: p.InputsFingerprint,
			Summary:           jsonSummary{Add: add, Change: change, Replace: replace, Destroy: destroy},
			Warnings:          p.Warnings,
			CostSummary:       p.CostSummary,
			Instructions:      p.ResolvedInstructions(),
		},
		ResourceChanges: []jsonResourceChange{},
	}
	if out.FormatVersion == "" {
		out.FormatVersion = FormatVersion
	}
	if out.EksctlLite.Instructions == nil {
		out.EksctlLite.Instructions = []ResolvedInstruction{}
	}
	if out.EksctlLite.Warnings == nil {
		out.EksctlLite.Warnings = []PlanWarning{}
	}
	if out.EksctlLite.CostSummary == nil {
		out.EksctlLite.CostSummary = &CostSummary{Currency: "USD", Unknown: []string{}, Clusters: []ClusterCost{}, Error: "the plan has no cost estimate (it was made by an older eksctl-lite)"}
	}
	for _, ch := range p.Changes {
		after, unknown := splitUnknown(ch.After)
		rc := jsonResourceChange{
			Address: ch.Address,
			Mode:    "managed",
			Type:    ch.Type,
			Name:    addressLabel(ch.Address),
			Change: jsonChange{
				Actions:      terraformActions(ch),
				Before:       ch.Before,
				After:        after,
				AfterUnknown: unknown,
			},
			ActionReason: terraformReason(ch),
			EksctlLite: jsonChangeExtras{
				Cluster: ch.Cluster, Region: ch.Region, Action: ch.Action, Reason: ch.Reason,
				Diffs: ch.Diffs, Steps: ch.Steps, DependsOn: ch.DependsOn, Refs: ch.Refs,
				Fingerprint: ch.Fingerprint, Cost: ch.Cost,
			},
		}
		for _, path := range ch.ReplacePaths {
			rc.Change.ReplacePaths = append(rc.Change.ReplacePaths, []string{path})
		}
		out.ResourceChanges = append(out.ResourceChanges, rc)
	}
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	e.SetEscapeHTML(false)
	return e.Encode(out)
}

type jsonPlan struct {
	FormatVersion   string               `json:"format_version"`
	Applyable       bool                 `json:"applyable"`
	Complete        bool                 `json:"complete"`
	Errored         bool                 `json:"errored"`
	ResourceChanges []jsonResourceChange `json:"resource_changes"`
	EksctlLite      jsonPlanExtras       `json:"eksctl_lite"`
}

type jsonPlanExtras struct {
	Destroy           bool        `json:"destroy"`
	InputsFingerprint string      `json:"inputs_fingerprint,omitempty"`
	Summary           jsonSummary `json:"summary"`
	// Warnings are always present, empty when there are none, so that a
	// policy can require none.
	Warnings []PlanWarning `json:"warnings"`
	// CostSummary is always present: a policy can budget on it.
	CostSummary *CostSummary `json:"cost_summary"`
	// Instructions are what the user does after apply (the helm install
	// of the AWS Load Balancer Controller), always present.
	Instructions []ResolvedInstruction `json:"instructions"`
}

type jsonSummary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Replace int `json:"replace"`
	Destroy int `json:"destroy"`
}

type jsonResourceChange struct {
	Address      string           `json:"address"`
	Mode         string           `json:"mode"`
	Type         Type             `json:"type"`
	Name         string           `json:"name"`
	Change       jsonChange       `json:"change"`
	ActionReason string           `json:"action_reason,omitempty"`
	EksctlLite   jsonChangeExtras `json:"eksctl_lite"`
}

type jsonChange struct {
	Actions      []string        `json:"actions"`
	Before       any             `json:"before"`
	After        any             `json:"after"`
	AfterUnknown map[string]bool `json:"after_unknown"`
	ReplacePaths [][]string      `json:"replace_paths,omitempty"`
}

type jsonChangeExtras struct {
	Cluster     string            `json:"cluster"`
	Region      string            `json:"region"`
	Action      Action            `json:"action"`
	Reason      string            `json:"reason,omitempty"`
	Diffs       []AttrDiff        `json:"diffs,omitempty"`
	Steps       []Step            `json:"steps,omitempty"`
	DependsOn   []string          `json:"depends_on,omitempty"`
	Refs        map[string]string `json:"refs,omitempty"`
	Fingerprint string            `json:"fingerprint,omitempty"`
	Cost        *Cost             `json:"cost,omitempty"`
}

// terraformActions spells an action as Terraform's JSON plan does; a
// replacement's two actions are in its kind's ReplaceOrder.
func terraformActions(ch *ResourceChange) []string {
	switch ch.Action {
	case Replace:
		return replaceOrderOf(ch.Type).Actions()
	case "", Wait:
		return []string{string(NoOp)}
	}
	return []string{string(ch.Action)}
}

// terraformReason maps our reasons to Terraform's action_reason values
// where one fits.
func terraformReason(ch *ResourceChange) string {
	switch {
	case ch.Action == Replace:
		return "replace_because_cannot_update"
	case ch.Action == Delete && ch.Reason == "not in the configuration":
		return "delete_because_no_resource_config"
	}
	return ""
}

// splitUnknown returns after as a JSON object with KnownAfterApply values
// replaced by null, and the map of those keys, as Terraform's after_unknown.
func splitUnknown(after any) (any, map[string]bool) {
	fields := jsonFields(after)
	unknown := map[string]bool{}
	if fields == nil {
		return nil, unknown
	}
	for k, v := range fields {
		if v == KnownAfterApply {
			fields[k] = nil
			unknown[k] = true
		}
	}
	return fields, unknown
}

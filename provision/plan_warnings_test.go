package provision

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// The plan's warnings are in the plan itself and in the JSON plan
// (eksctl_lite.warnings, always present), with where they point, so that
// a policy over the JSON can fail CI on them.
func TestPlanCarriesItsWarnings(t *testing.T) {
	c := podCluster()
	c.Addons = nil // no eks-pod-identity-agent: plan warns
	p := mustPlan(t, newFakeAccount(), testConfig(c), PlanOptions{})
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0].Summary, "eks-pod-identity-agent") || p.Warnings[0].Line == 0 {
		t.Fatalf("plan warnings %+v; want the missing agent add-on's, with its line", p.Warnings)
	}
	var b bytes.Buffer
	if err := RenderJSON(&b, p); err != nil {
		t.Fatal(err)
	}
	var out struct {
		EksctlLite struct {
			Warnings []PlanWarning `json:"warnings"`
		} `json:"eksctl_lite"`
	}
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.EksctlLite.Warnings) != 1 || out.EksctlLite.Warnings[0] != p.Warnings[0] {
		t.Errorf("JSON eksctl_lite.warnings = %+v, want %+v", out.EksctlLite.Warnings, p.Warnings)
	}

	// None: an empty list, not a missing key.
	b.Reset()
	if err := RenderJSON(&b, mustPlan(t, newFakeAccount(), testConfig(podCluster()), PlanOptions{})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"warnings": []`) {
		t.Errorf("a plan without warnings has no empty eksctl_lite.warnings:\n%s", b.String())
	}
}

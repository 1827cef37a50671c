package integration

// The support calendar through the binary: a cluster on a version in
// extended support is warned about, in the text plan and in the JSON
// plan's eksctl_lite.warnings, from EKS's own DescribeClusterVersions.

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExtendedSupportWarning(t *testing.T) {
	e := newEnv(t)
	e.setToday(t, "2026-12-03")
	name := e.uniqueName("extended")
	dir := copyExample(t, e, "minimal", name)
	edit(t, dir, `  region = "us-east-1"`, `  region  = "us-east-1"
  version = "1.33"`)
	r := e.run(t, dir, "plan")
	if r.code != 0 {
		t.Fatalf("plan exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	out := r.stdout + r.stderr
	for _, s := range []string{"runs Kubernetes 1.33 in extended support", "2026-07-29", "$365.00 a month more", "Upgrade to 1.35"} {
		if !strings.Contains(out, s) {
			t.Errorf("plan output lacks %q:\n%s", s, out)
		}
	}
	r = e.run(t, dir, "plan", "--json")
	if r.code != 0 {
		t.Fatalf("plan --json exited %d\n%s", r.code, r.stderr)
	}
	var plan struct {
		EksctlLite struct {
			Warnings []struct {
				Summary, Detail, File string
				Line                  int
			} `json:"warnings"`
		} `json:"eksctl_lite"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, r.stdout)
	}
	found := false
	for _, w := range plan.EksctlLite.Warnings {
		found = found || (strings.Contains(w.Summary, "extended support") && w.Line > 0)
	}
	if !found {
		t.Errorf("eksctl_lite.warnings %+v lack the extended support warning (with its line)", plan.EksctlLite.Warnings)
	}

	// On 1.35, in standard support for months: no support warning.
	edit(t, dir, `version = "1.33"`, `version = "1.35"`)
	r = e.run(t, dir, "plan")
	if strings.Contains(r.stderr, "support") || strings.Contains(r.stdout, "extended support") {
		t.Errorf("a plan on 1.35 warns about support:\n%s\n%s", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "Kubernetes 1.35 in standard support at $0.10/h") {
		t.Errorf("the cost block lacks the standard rate:\n%s", r.stdout)
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// On GitHub Actions every diagnostic is also a workflow annotation on the
// file, line and column, escaped as the Actions toolkit escapes.
func TestValidateAnnotatesOnGitHub(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte("cluster \"demo\" {\n  version = \"1.3\"\n  vpc { subnet_ids = [\"subnet-00000001\", \"subnet-00000002\"] }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_ACTIONS", "true")
	t.Setenv("GITHUB_WORKSPACE", dir)
	stdout, stderr, code := runPlanCLI(t, "validate", dir)
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := "::error file=main.hcl,line=2,endLine=2,col=13,endColumn=18,title=Invalid Kubernetes version::"
	if !strings.Contains(stdout, want) {
		t.Errorf("stdout lacks %q:\n%s", want, stdout)
	}
	if !strings.Contains(stderr, "Invalid Kubernetes version") {
		t.Errorf("the usual diagnostic is gone from stderr:\n%s", stderr)
	}

	t.Setenv("GITHUB_ACTIONS", "")
	if stdout, _, _ := runPlanCLI(t, "validate", dir); strings.Contains(stdout, "::error") {
		t.Errorf("annotations outside GitHub Actions:\n%s", stdout)
	}
}

func TestAnnotationEscaping(t *testing.T) {
	var b strings.Builder
	writeAnnotations(&b, hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "a: b, c", Detail: "100% sure\nnext line",
		Subject: &hcl.Range{Filename: "x,y.hcl", Start: hcl.Pos{Line: 1, Column: 2}, End: hcl.Pos{Line: 3, Column: 4}}}}, "")
	want := "::warning file=x%2Cy.hcl,line=1,endLine=3,col=2,endColumn=4,title=a%3A b%2C c::100%25 sure%0Anext line\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}

// On GitHub Actions the plan is appended to the step summary as markdown;
// --format markdown prints it; elsewhere no summary is written.
func TestPlanMarkdownAndStepSummary(t *testing.T) {
	fakeAWS(t)
	summary := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(summary, []byte("# earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_ACTIONS", "true")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	if _, stderr, code := runPlanCLI(t, "plan", "../../examples/minimal"); code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	b, _ := os.ReadFile(summary)
	if !strings.HasPrefix(string(b), "# earlier step\n") || !strings.Contains(string(b), "## eksctl-lite plan") || !strings.Contains(string(b), "| Address | Type | Action | Reason |") {
		t.Errorf("step summary:\n%s", b)
	}
	t.Setenv("GITHUB_ACTIONS", "")
	if err := os.WriteFile(summary, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runPlanCLI(t, "plan", "--format", "markdown", "../../examples/minimal")
	if code != 0 || !strings.HasPrefix(stdout, "## eksctl-lite plan") || strings.Contains(stdout, "Saved the plan") {
		t.Errorf("plan --format markdown: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(summary); len(b) != 0 {
		t.Errorf("a step summary outside GitHub Actions:\n%s", b)
	}
	if _, stderr, code := runPlanCLI(t, "plan", "--format", "yaml", "../../examples/minimal"); code != 1 || !strings.Contains(stderr, `--format "yaml" is not a format this command has`) {
		t.Errorf("--format yaml: exit %d\n%s", code, stderr)
	}
}

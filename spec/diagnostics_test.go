package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

func TestDiagnosticsJSON(t *testing.T) {
	_, diags := load(t, inCluster(`  version = "1.2"`), []VarArg{{Name: "nope", Value: "1"}}, nil)
	got := DiagnosticsJSON(diags)
	want := []JSONDiagnostic{
		{
			Severity: "error",
			Summary:  "Value for undeclared variable",
			Detail:   `--var sets "nope", but the configuration declares no variable "nope". Declare it with a block variable "nope" {}, or fix the name.`,
		},
		{
			Severity: "error", Summary: "Invalid Kubernetes version",
			Detail: `"1.2" is not a Kubernetes version EKS could offer: write 1.NN (major.minor, the minor at least two digits) in quotes, e.g. "1.35". Which versions EKS offers is checked by plan, against EKS itself. If you meant 1.20, it was written as a number somewhere (a variable, a local, a var file), which drops the trailing zero: write "1.20" in quotes there.`,
			File:   "main.hcl", Line: 3, Column: 13, EndLine: 3, EndColumn: 18,
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DiagnosticsJSON (-want +got):\n%s", diff)
	}
	if DiagnosticsJSON(nil) == nil {
		t.Error("DiagnosticsJSON(nil) is nil; it must encode as [] in JSON")
	}
	warn := DiagnosticsJSON(hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "w"}})
	if warn[0].Severity != "warning" {
		t.Errorf("severity = %q, want warning", warn[0].Severity)
	}
}

func TestWriteDiagnostics(t *testing.T) {
	cfg, diags := load(t, inCluster(`  version = "1.2"`), nil, nil)
	tests := map[string]struct {
		color bool
		want  []string
		not   []string
	}{
		"plain": {
			want: []string{"Error: Invalid Kubernetes version", "on main.hcl:3:13, in cluster \"demo\":", `3:   version = "1.2"`},
			not:  []string{"\x1b["},
		},
		"colour": {
			color: true,
			want:  []string{"\x1b[31mError\x1b[0m: Invalid Kubernetes version", "main.hcl:3:13"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var buf strings.Builder
			if err := WriteDiagnostics(&buf, cfg.Files, diags, tt.color); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, buf.String())
				}
			}
			for _, n := range tt.not {
				if strings.Contains(buf.String(), n) {
					t.Errorf("output has %q:\n%s", n, buf.String())
				}
			}
		})
	}
}

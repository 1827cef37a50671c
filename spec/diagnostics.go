package spec

import (
	"bytes"
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"
)

// diagnosticWidth is the column at which printed diagnostics wrap.
const diagnosticWidth = 78

// WriteDiagnostics prints diags for a person at a terminal: each with its
// file:line:column, the source lines it points at (from files, usually
// Config.Files) and an explanation, in colour when color is true.
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) error {
	var buf bytes.Buffer
	tw := hcl.NewDiagnosticTextWriter(&buf, files, diagnosticWidth, color)
	for _, d := range diags {
		buf.Reset()
		if err := tw.WriteDiagnostic(d); err != nil {
			return err
		}
		out := buf.Bytes()
		if s := d.Subject; s != nil {
			// HCL names only the line ("on main.hcl line 3"); editors and
			// people want the column too, spelled file:line:column.
			hclStyle := fmt.Sprintf("  on %s line %d", s.Filename, s.Start.Line)
			ours := fmt.Sprintf("  on %s:%d:%d", s.Filename, s.Start.Line, s.Start.Column)
			out = bytes.Replace(out, []byte(hclStyle), []byte(ours), 1)
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	return nil
}

// JSONDiagnostic is one diagnostic in machine-readable form, for editors and
// CI annotations. Positions are 1-based; File and the positions are empty
// for a diagnostic about no particular place (e.g. a --var flag).
type JSONDiagnostic struct {
	// Severity is "error" or "warning".
	Severity  string `json:"severity"`
	Summary   string `json:"summary"`
	Detail    string `json:"detail,omitempty"`
	File      string `json:"file,omitempty"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
	EndLine   int    `json:"end_line,omitempty"`
	EndColumn int    `json:"end_column,omitempty"`
}

// DiagnosticsJSON converts diags for JSON output, in the same order. It
// never returns nil, so that an empty list encodes as [].
func DiagnosticsJSON(diags hcl.Diagnostics) []JSONDiagnostic {
	out := make([]JSONDiagnostic, 0, len(diags))
	for _, d := range diags {
		jd := JSONDiagnostic{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			jd.Severity = "warning"
		}
		if s := d.Subject; s != nil {
			jd.File = s.Filename
			jd.Line, jd.Column = s.Start.Line, s.Start.Column
			jd.EndLine, jd.EndColumn = s.End.Line, s.End.Column
		}
		out = append(out, jd)
	}
	return out
}

package spec

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/google/go-cmp/cmp"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// update rewrites golden files: go test ./spec -update.
var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// load loads src as a one-file configuration named main.hcl.
func load(t *testing.T, src string, vars []VarArg, environ []string) (*Config, hcl.Diagnostics) {
	t.Helper()
	return loadSources([]source{{name: "main.hcl", src: []byte(src)}}, vars, environ)
}

// brief describes each diagnostic as "file:line,col: Summary", the part a
// test pins down; the wording of details is covered by the golden files.
func brief(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		s := d.Summary
		if d.Severity == hcl.DiagWarning {
			s = "warning: " + s
		}
		if d.Subject != nil {
			s = fmt.Sprintf("%s:%d,%d: %s", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, s)
		}
		out = append(out, s)
	}
	return out
}

// jsonUnmarshal decodes a JSON string.
func jsonUnmarshal(s string, v any) error {
	return json.Unmarshal([]byte(s), v)
}

// bytesBuffer is a bytes.Buffer, named so that test files need not import bytes.
type bytesBuffer = bytes.Buffer

// blockCase is one case of a block's table test: the source, and either
// the diagnostics it gives (brief) or what the model holds.
type blockCase[T any] struct {
	give string
	want T
	diag []string
}

// runBlockCases loads each case and compares its diagnostics, and, when
// it has none, what got reads from the configuration with want, ignoring
// source ranges (fields named Ranges and DeclRange).
func runBlockCases[T any](t *testing.T, tests map[string]blockCase[T], got func(*Config) T) {
	t.Helper()
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, diags := load(t, tt.give, nil, nil)
			if d := cmp.Diff(tt.diag, brief(diags)); d != "" {
				t.Fatalf("diagnostics (-want +got):\n%s", d)
			}
			if tt.diag != nil {
				return
			}
			ignoreRanges := cmp.FilterPath(func(p cmp.Path) bool {
				f, ok := p.Last().(cmp.StructField)
				return ok && (f.Name() == "Ranges" || f.Name() == "DeclRange")
			}, cmp.Ignore())
			if d := cmp.Diff(tt.want, got(cfg), ignoreRanges); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

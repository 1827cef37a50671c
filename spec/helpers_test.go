package spec

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
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

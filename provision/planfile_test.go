package provision

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A saved plan is applied exactly as it was made: any change to its
// content, or damage, is refused with ErrPlanFileModified; what is not a
// plan at all is ErrNotPlanFile; re-indenting changes nothing.
func TestPlanFileChecksum(t *testing.T) {
	dir := t.TempDir()
	orig := filepath.Join(dir, "demo.plan")
	if err := WritePlanFile(orig, goldenPlans(t)["create"]); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(orig)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"checksum": "sha256:`)) {
		t.Fatalf("no checksum in the plan file:\n%.300s", b)
	}
	replaceOnce := func(old, new string) func([]byte) []byte {
		return func(b []byte) []byte {
			if !bytes.Contains(b, []byte(old)) {
				t.Fatalf("the plan file has no %q", old)
			}
			return bytes.Replace(b, []byte(old), []byte(new), 1)
		}
	}
	tests := map[string]struct {
		edit func([]byte) []byte
		want error // nil: read as it is
	}{
		"as written": {edit: func(b []byte) []byte { return b }},
		"re-indented": {edit: func(b []byte) []byte {
			var out bytes.Buffer
			if err := json.Indent(&out, b, "", "\t"); err != nil {
				t.Fatal(err)
			}
			return out.Bytes()
		}},
		"compacted": {edit: func(b []byte) []byte {
			var out bytes.Buffer
			if err := json.Compact(&out, b); err != nil {
				t.Fatal(err)
			}
			return out.Bytes()
		}},
		"a value edited":       {edit: replaceOnce(`"t3.medium"`, `"t3.large"`), want: ErrPlanFileModified},
		"an action edited":     {edit: replaceOnce(`"create"`, `"delete"`), want: ErrPlanFileModified},
		"a member added":       {edit: replaceOnce(`"kind":`, `"Resource_Changes": [], "kind":`), want: ErrPlanFileModified},
		"the checksum edited":  {edit: replaceOnce(`"sha256:`, `"sha256:0`), want: ErrPlanFileModified},
		"the checksum removed": {edit: func(b []byte) []byte { return removeMember(t, b, "checksum") }, want: ErrPlanFileModified},
		"truncated":            {edit: func(b []byte) []byte { return b[:len(b)/2] }, want: ErrPlanFileModified},
		"other JSON":           {edit: func([]byte) []byte { return []byte(`{"kind": "something else"}`) }, want: ErrNotPlanFile},
		"not JSON":             {edit: func([]byte) []byte { return []byte(`cluster "x" {}`) }, want: ErrNotPlanFile},
		"empty":                {edit: func([]byte) []byte { return nil }, want: ErrNotPlanFile},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".plan")
			if err := os.WriteFile(path, tt.edit(bytes.Clone(b)), 0o600); err != nil {
				t.Fatal(err)
			}
			p, err := ReadPlanFile(path)
			if tt.want == nil {
				if err != nil || len(p.Changes) == 0 {
					t.Fatalf("ReadPlanFile: %v (changes %v)", err, p)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("the error does not name the file: %v", err)
			}
			if tt.want == ErrPlanFileModified && !strings.Contains(err.Error(), "the plan file was modified or is corrupt") {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func removeMember(t *testing.T, b []byte, name string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, name)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCheckPlanFileWritable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		path string
		want string // "" is fine
	}{
		"new file":          {path: filepath.Join(dir, "demo.plan")},
		"existing file":     {path: file},
		"missing directory": {path: filepath.Join(dir, "nope", "demo.plan"), want: "cannot save the plan to " + filepath.Join(dir, "nope", "demo.plan") + ": the directory " + filepath.Join(dir, "nope") + " does not exist"},
		"a directory":       {path: dir, want: dir + " is a directory; give a file name"},
		"under a file":      {path: filepath.Join(file, "demo.plan"), want: file + " is not a directory"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckPlanFileWritable(tt.path)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckPlanFileWritable: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left files behind: %v", entries)
	}
}

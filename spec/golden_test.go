package spec

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestInvalidGolden loads each directory under testdata/invalid, which must
// fail, and compares the printed diagnostics with its want.txt. Refresh
// with go test ./spec -update and review the diff like code.
func TestInvalidGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "invalid", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no cases under testdata/invalid")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cfg, diags := Load(LoadOptions{Paths: []string{dir}})
			if !diags.HasErrors() {
				t.Fatalf("%s loaded without errors; every case under testdata/invalid must fail", dir)
			}
			for _, d := range diags {
				if d.Subject == nil {
					t.Errorf("diagnostic %q has no source range", d.Summary)
				}
			}
			var buf bytes.Buffer
			if err := WriteDiagnostics(&buf, cfg.Files, diags, false); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./spec -update to create it)", err)
			}
			if !bytes.Equal(want, buf.Bytes()) {
				t.Errorf("diagnostics differ from %s (go test ./spec -update rewrites it):\n--- got\n%s", golden, buf.String())
			}
		})
	}
}

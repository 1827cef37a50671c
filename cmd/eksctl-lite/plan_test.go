package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the root command in-process and returns stdout, stderr and
// the exit code run would return.
func runPlanCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	root := newRootCommand()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err := root.Execute()
	code := 0
	if err != nil {
		code = 1
		if ee, ok := err.(*exitError); ok {
			code = ee.code
		}
		if err.Error() != "" {
			errb.WriteString(err.Error())
		}
	}
	return out.String(), errb.String(), code
}

func TestPlanRefusesBadParallelism(t *testing.T) {
	_, stderr, code := runPlanCLI(t, "plan", "--parallelism", "0", t.TempDir())
	if code != 1 || !strings.Contains(stderr, "--parallelism must be at least 1") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestPlanInvalidSpecPrintsDiagnosticsWithoutAWS(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte("cluster \"x\" {\n  bogus = 1\n}\n"), 0o644)
	// No AWS configuration at all: the spec error must come first.
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	_, stderr, code := runPlanCLI(t, "plan", dir)
	if code != 1 || !strings.Contains(stderr, "main.hcl") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

func TestShowRejectsWhatIsNotAPlan(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "main.hcl")
	os.WriteFile(path, []byte(`cluster "x" {}`), 0o644)
	_, stderr, code := runPlanCLI(t, "show", path)
	if code != 1 || !strings.Contains(stderr, "not an eksctl-lite plan file") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// plan --out to a place the plan cannot be saved is refused before AWS
// is read.
func TestPlanOutUnwritableIsRefusedBeforeAWS(t *testing.T) {
	offlineAWS(t)
	noAWSCalls(t)
	dir := t.TempDir()
	tests := map[string]struct {
		out  string
		want string
	}{
		"missing directory": {out: filepath.Join(dir, "nope", "demo.plan"), want: "Error: cannot save the plan to " + filepath.Join(dir, "nope", "demo.plan") + ": the directory " + filepath.Join(dir, "nope") + " does not exist"},
		"a directory":       {out: dir, want: "Error: " + dir + " is a directory; give a file name"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", "plan", "--out", tt.out, "../../examples/minimal")
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// execOffline runs the CLI in-process with args and stdin, and returns the
// exit status run would return with what went to stdout and stderr.
func execOffline(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	root := newRootCommand()
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	err := root.Execute()
	var ee *exitError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &ee):
		code = ee.code
		if ee.err != nil {
			errOut.WriteString("Error: " + ee.err.Error() + "\n")
		}
	default:
		code = 1
		errOut.WriteString("Error: " + err.Error() + "\n")
	}
	return code, out.String(), errOut.String()
}

// noAWS makes any attempt to load AWS configuration fail loudly, so that a
// command passing under it provably needs no AWS access.
func noAWS(t *testing.T) {
	t.Setenv("AWS_PROFILE", "eksctl-lite-test-profile-that-does-not-exist")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "missing-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "missing-credentials"))
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
}

func TestValidateExamples(t *testing.T) {
	noAWS(t)
	tests := map[string]struct {
		args    []string
		summary string
	}{
		"minimal":       {args: []string{"../../examples/minimal"}, summary: "1 cluster, 1 node group, 0 Fargate profiles, 0 IRSA roles."},
		"full":          {args: []string{"../../examples/full"}, summary: "1 cluster, 2 node groups, 2 Fargate profiles, 2 IRSA roles, 1 access entry, 2 add-ons, 1 Pod Identity association."},
		"multi-cluster": {args: []string{"../../examples/multi-cluster"}, summary: "2 clusters, 2 node groups, 0 Fargate profiles, 0 IRSA roles."},
		"gpu":           {args: []string{"../../examples/gpu"}, summary: "1 cluster, 1 node group, 1 self-managed node group, 0 Fargate profiles, 0 IRSA roles."},
		"multi-cluster with a var file and a var": {
			args:    []string{"../../examples/multi-cluster", "--var-file", "../../examples/multi-cluster/example.vars", "--var", "env=qa"},
			summary: "2 clusters, 2 node groups, 0 Fargate profiles, 0 IRSA roles.",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := execOffline(t, "", append([]string{"validate"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			want := "Success! The configuration is valid.\n" + tt.summary + "\n"
			if diff := cmp.Diff(want, stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if stderr != "" {
				t.Errorf("stderr is not empty:\n%s", stderr)
			}
		})
	}
}

func TestValidateInvalid(t *testing.T) {
	noAWS(t)
	dirs, err := filepath.Glob("../../spec/testdata/invalid/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no broken specs found: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			code, stdout, stderr := execOffline(t, "", "validate", dir)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if stdout != "" {
				t.Errorf("stdout should be empty, got:\n%s", stdout)
			}
			if !strings.Contains(stderr, "Error: ") {
				t.Errorf("stderr has no error:\n%s", stderr)
			}
			if filepath.Base(dir) != "no-cluster" && !strings.Contains(stderr, "on "+dir) {
				t.Errorf("stderr names no file:line:column in %s:\n%s", dir, stderr)
			}
		})
	}
}

func TestValidateJSON(t *testing.T) {
	noAWS(t)
	type result struct {
		Valid        bool `json:"valid"`
		ErrorCount   int  `json:"error_count"`
		WarningCount int  `json:"warning_count"`
		Diagnostics  []struct {
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			File     string `json:"file"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
		} `json:"diagnostics"`
	}

	code, stdout, stderr := execOffline(t, "", "validate", "--json", "../../spec/testdata/invalid/vpc")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if stderr != "" {
		t.Errorf("with --json, stderr should be empty, got:\n%s", stderr)
	}
	var got result
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if got.Valid || got.ErrorCount != 7 || got.WarningCount != 1 || len(got.Diagnostics) != 8 {
		t.Errorf("valid=%v errors=%d warnings=%d diagnostics=%d, want false 7 1 8", got.Valid, got.ErrorCount, got.WarningCount, len(got.Diagnostics))
	}
	first := got.Diagnostics[0]
	if first.Severity != "error" || first.Summary != "Invalid log type" || first.Line != 3 || first.Column != 21 ||
		!strings.HasSuffix(first.File, "vpc/main.hcl") {
		t.Errorf("first diagnostic = %+v", first)
	}

	code, stdout, _ = execOffline(t, "", "validate", "--json", "../../examples/minimal")
	if code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	want := "{\n  \"valid\": true,\n  \"error_count\": 0,\n  \"warning_count\": 0,\n  \"diagnostics\": []\n}\n"
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
}

func TestValidateVariables(t *testing.T) {
	noAWS(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(`variable "subnets" { type = list(string) }
cluster "demo" {
  vpc { subnet_ids = var.subnets }
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := filepath.Join(dir, "dev.vars")
	if err := os.WriteFile(vars, []byte(`subnets = ["subnet-00000001", "subnet-00000002"]`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args   []string
		env    string
		code   int
		stderr string
	}{
		"required variable missing": {code: 1, stderr: "No value for required variable"},
		"--var":                     {args: []string{"--var", `subnets=["subnet-00000001","subnet-00000002"]`}},
		"--var-file of any name":    {args: []string{"--var-file", vars}},
		"environment":               {env: `["subnet-00000001","subnet-00000002"]`},
		"undeclared --var":          {args: []string{"--var-file", vars, "--var", "subnet=x"}, code: 1, stderr: `--var sets "subnet"`},
		"malformed --var":           {args: []string{"--var", "subnets"}, code: 1, stderr: "want name=value"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Setenv("EKSCTL_LITE_VAR_subnets", tt.env)
			if tt.env == "" {
				os.Unsetenv("EKSCTL_LITE_VAR_subnets")
			}
			code, _, stderr := execOffline(t, "", append([]string{"validate", dir}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
		})
	}
}

func TestValidateWarningsStillPass(t *testing.T) {
	noAWS(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(`cluster "demo" {
  vpc {
    subnet_ids              = ["subnet-00000001", "subnet-00000002"]
    endpoint_public_access  = false
    endpoint_private_access = true
    public_access_cidrs     = ["10.0.0.0/8"]
  }
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := execOffline(t, "", "validate", dir)
	if code != 0 {
		t.Errorf("exit %d, want 0 for warnings only", code)
	}
	if !strings.HasPrefix(stdout, "Success! The configuration is valid.") {
		t.Errorf("stdout = %q", stdout)
	}
	if !strings.Contains(stderr, "Warning: Public access CIDRs without a public endpoint") {
		t.Errorf("stderr lacks the warning:\n%s", stderr)
	}
	code, stdout, _ = execOffline(t, "", "validate", "--json", dir)
	if code != 0 || !strings.Contains(stdout, `"valid": true`) || !strings.Contains(stdout, `"warning_count": 1`) {
		t.Errorf("--json: exit %d, stdout:\n%s", code, stdout)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := execOffline(t, "", "version")
	if code != 0 || !strings.HasPrefix(stdout, "eksctl-lite dev\ngo1.") {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	old := version
	version = "v1.2.3"
	t.Cleanup(func() { version = old })
	if _, stdout, _ := execOffline(t, "", "version"); !strings.HasPrefix(stdout, "eksctl-lite v1.2.3\n") {
		t.Errorf("with -X main.version=v1.2.3, stdout %q", stdout)
	}
}

// Every command's --help must show a real example of running it (issue 2).
// The list is taken from the root command, so a new command is covered too.
func TestEveryCommandHasAnExample(t *testing.T) {
	root := newRootCommand()
	want := map[string]bool{"validate": true, "fmt": true, "version": true, "plan": true, "show": true, "apply": true, "destroy": true}
	for _, cmd := range root.Commands() {
		name := cmd.Name()
		if name == "help" || name == "completion" { // cobra's own
			continue
		}
		delete(want, name)
		if !strings.Contains(cmd.Example, "eksctl-lite "+name) {
			t.Errorf("%s --help shows no example running it: %q", name, cmd.Example)
		}
	}
	for name := range want {
		t.Errorf("command %q is not registered", name)
	}
}

// TestValidateJSONFlagErrors checks that with --json a bad flag still gives
// the JSON document on stdout, wherever --json is on the command line.
func TestValidateJSONFlagErrors(t *testing.T) {
	noAWS(t)
	tests := map[string]struct {
		args   []string
		json   bool
		detail string
	}{
		"unknown flag after --json":   {args: []string{"--json", "--bogus"}, json: true, detail: "unknown flag --bogus for eksctl-lite validate; eksctl-lite validate --help lists its flags."},
		"unknown flag before --json":  {args: []string{"--bogus", "--json"}, json: true, detail: "unknown flag --bogus"},
		"--var without = after json":  {args: []string{"--json", "--var", "x"}, json: true, detail: `--var "x": want name=value`},
		"--var without = before json": {args: []string{"--var", "x", "--json=true"}, json: true, detail: `--var "x": want name=value`},
		"one-dash long flag":          {args: []string{"--json", "-var", "x=1"}, json: true, detail: "did you mean --var? Run eksctl-lite validate --help"},
		"--json=false":                {args: []string{"--bogus", "--json=false"}},
		"--json only after --":        {args: []string{"--bogus", "--", "--json"}},
		"without --json":              {args: []string{"--bogus"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"validate", "../../examples/minimal"}, tt.args...)
			saved := commandLine
			commandLine = func() []string { return args }
			defer func() { commandLine = saved }()

			code, stdout, stderr := execOffline(t, "", args...)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !tt.json {
				if stdout != "" || !strings.Contains(stderr, "unknown flag --bogus for eksctl-lite validate") {
					t.Errorf("without --json: stdout %q, stderr %q; want the plain error on stderr only", stdout, stderr)
				}
				return
			}
			if stderr != "" {
				t.Errorf("with --json, stderr should be empty, got:\n%s", stderr)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
			}
			diags, _ := got["diagnostics"].([]any)
			if got["valid"] != false || got["error_count"] != 1.0 || got["warning_count"] != 0.0 || len(diags) != 1 {
				t.Fatalf("document = %v, want valid=false, 1 error, 0 warnings, 1 diagnostic", got)
			}
			d := diags[0].(map[string]any)
			if d["severity"] != "error" || d["summary"] != "Invalid command-line flag" ||
				!strings.Contains(d["detail"].(string), tt.detail) {
				t.Errorf("diagnostic = %v, want an error whose detail holds %q", d, tt.detail)
			}
			for _, k := range []string{"file", "line", "column", "end_line", "end_column"} {
				if _, ok := d[k]; ok {
					t.Errorf("diagnostic has %q; a flag error has no range", k)
				}
			}
		})
	}
}

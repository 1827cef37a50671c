package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	unformatted = "cluster \"a\" {\nvpc {\nsubnet_ids = [\"subnet-1\",\"subnet-2\"]\nendpoint_public_access=true\n}\n}\n"
	formatted   = "cluster \"a\" {\n  vpc {\n    subnet_ids             = [\"subnet-1\", \"subnet-2\"]\n    endpoint_public_access = true\n  }\n}\n"
)

func TestFmt(t *testing.T) {
	tests := map[string]struct {
		files     map[string]string // in a fresh directory
		args      []string          // paths relative to that directory are rewritten
		stdin     string
		code      int
		stdout    string
		stderr    string
		wantFiles map[string]string
		quiet     bool // stderr must be empty
	}{
		"rewrites and lists changed files": {
			files:     map[string]string{"a.hcl": unformatted, "b.hcl": formatted},
			args:      []string{"DIR"},
			stdout:    "DIR/a.hcl\n",
			wantFiles: map[string]string{"a.hcl": formatted, "b.hcl": formatted},
		},
		"check lists and changes nothing": {
			files:     map[string]string{"a.hcl": unformatted, "b.hcl": formatted},
			args:      []string{"--check", "DIR"},
			code:      3,
			stdout:    "DIR/a.hcl\n",
			stderr:    "1 file is not formatted",
			wantFiles: map[string]string{"a.hcl": unformatted, "b.hcl": formatted},
		},
		"check passes on formatted files": {
			files:     map[string]string{"b.hcl": formatted},
			args:      []string{"--check", "DIR"},
			wantFiles: map[string]string{"b.hcl": formatted},
		},
		"check and diff": {
			files: map[string]string{"a.hcl": unformatted},
			args:  []string{"--check", "--diff", "DIR"},
			code:  3,
			stdout: "DIR/a.hcl\n--- DIR/a.hcl\n+++ DIR/a.hcl (formatted)\n@@ -1,6 +1,6 @@\n cluster \"a\" {\n" +
				"-vpc {\n-subnet_ids = [\"subnet-1\",\"subnet-2\"]\n-endpoint_public_access=true\n-}\n" +
				"+  vpc {\n+    subnet_ids             = [\"subnet-1\", \"subnet-2\"]\n+    endpoint_public_access = true\n+  }\n }\n",
			wantFiles: map[string]string{"a.hcl": unformatted},
		},
		"only .hcl files of a directory": {
			files:     map[string]string{"a.hcl": formatted, "dev.vars": "x=1\n", "notes.txt": "a=1\n"},
			args:      []string{"DIR"},
			wantFiles: map[string]string{"dev.vars": "x=1\n", "notes.txt": "a=1\n"},
		},
		"a file of any name": {
			files:     map[string]string{"dev.vars": "x=1\nlonger_name=2\n"},
			args:      []string{"DIR/dev.vars"},
			stdout:    "DIR/dev.vars\n",
			wantFiles: map[string]string{"dev.vars": "x           = 1\nlonger_name = 2\n"},
		},
		"syntax error changes nothing": {
			files:     map[string]string{"a.hcl": unformatted, "b.hcl": "cluster \"b\" {\n"},
			args:      []string{"DIR"},
			code:      1,
			stderr:    "on DIR/b.hcl:1:13",
			wantFiles: map[string]string{"a.hcl": unformatted},
		},
		"standard input": {
			args:   []string{"-"},
			stdin:  unformatted,
			stdout: formatted,
		},
		"standard input check": {
			args:  []string{"--check", "-"},
			stdin: unformatted,
			code:  3,
		},
		"a directory is not recursive by default": {
			files:     map[string]string{"a.hcl": unformatted, "sub/b.hcl": unformatted},
			args:      []string{"--check", "DIR"},
			code:      3,
			stdout:    "DIR/a.hcl\n",
			wantFiles: map[string]string{"sub/b.hcl": unformatted},
		},
		"recursive": {
			files: map[string]string{
				"a.hcl": unformatted, "sub/b.hcl": unformatted, "sub/deeper/c.hcl": unformatted,
				"sub/ok.hcl": formatted, "sub/.hidden.hcl": unformatted, ".git/d.hcl": unformatted,
				"sub/dev.vars": "x=1\n",
			},
			args:   []string{"--recursive", "DIR"},
			stdout: "DIR/a.hcl\nDIR/sub/b.hcl\nDIR/sub/deeper/c.hcl\n",
			quiet:  true,
			wantFiles: map[string]string{
				"a.hcl": formatted, "sub/b.hcl": formatted, "sub/deeper/c.hcl": formatted,
				"sub/.hidden.hcl": unformatted, ".git/d.hcl": unformatted, "sub/dev.vars": "x=1\n",
			},
		},
		"recursive check": {
			files:  map[string]string{"sub/b.hcl": unformatted, "other/c.hcl": formatted},
			args:   []string{"--check", "--recursive", "DIR"},
			code:   3,
			stdout: "DIR/sub/b.hcl\n",
		},
		"a file reached twice is formatted once": {
			files:  map[string]string{"sub/b.hcl": unformatted},
			args:   []string{"--check", "--recursive", "DIR", "DIR/sub", "DIR/sub/b.hcl"},
			code:   3,
			stdout: "DIR/sub/b.hcl\n",
		},
		"no .hcl file in a directory": {
			files:  map[string]string{"sub/b.hcl": unformatted, "dev.vars": "x=1\n"},
			args:   []string{"--check", "DIR"},
			stderr: "Warning: no .hcl files in DIR; use --recursive to format subdirectories\n",
		},
		"no .hcl file in a directory tree": {
			files:  map[string]string{"sub/dev.vars": "x=1\n"},
			args:   []string{"--check", "--recursive", "DIR"},
			stderr: "Warning: no .hcl files in DIR or its subdirectories\n",
		},
		"missing path": {
			args:   []string{"DIR/nope.hcl"},
			code:   1,
			stderr: "cannot format DIR/nope.hcl",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for n, content := range tt.files {
				name := filepath.Join(dir, filepath.FromSlash(n))
				if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args := []string{"fmt"}
			for _, a := range tt.args {
				args = append(args, strings.ReplaceAll(a, "DIR", dir))
			}
			code, stdout, stderr := execOffline(t, tt.stdin, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if diff := cmp.Diff(strings.ReplaceAll(tt.stdout, "DIR", dir), stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if want := strings.ReplaceAll(tt.stderr, "DIR", dir); !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
			if tt.quiet && stderr != "" {
				t.Errorf("stderr is not empty:\n%s", stderr)
			}
			for n, want := range tt.wantFiles {
				got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n)))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, string(got)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", n, diff)
				}
			}
		})
	}
}

func TestFmtKeepsFileMode(t *testing.T) {
	name := filepath.Join(t.TempDir(), "a.hcl")
	if err := os.WriteFile(name, []byte(unformatted), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := execOffline(t, "", "fmt", name); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	info, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", info.Mode().Perm())
	}
}

func TestExamplesAreFormattedRecursive(t *testing.T) {
	code, stdout, stderr := execOffline(t, "", "fmt", "--check", "--diff", "--recursive", "../../examples")
	if code != 0 || stdout != "" || stderr != "" {
		t.Errorf("fmt --check --diff --recursive examples: exit %d, want 0 and no output\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestExamplesAreFormatted(t *testing.T) {
	dirs, err := filepath.Glob("../../examples/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	vars, _ := filepath.Glob("../../examples/*/*.vars")
	args := append(append([]string{"fmt", "--check", "--diff"}, dirs...), vars...)
	if code, stdout, _ := execOffline(t, "", args...); code != 0 {
		t.Errorf("examples are not in canonical format (run eksctl-lite fmt on them):\n%s", stdout)
	}
}

func TestUnifiedDiff(t *testing.T) {
	lines := func(n int, prefix string) string {
		var sb strings.Builder
		for i := 1; i <= n; i++ {
			sb.WriteString(prefix)
			sb.WriteString(string(rune('a' + i - 1)))
			sb.WriteString("\n")
		}
		return sb.String()
	}
	base := lines(20, "")
	twoChanges := strings.Replace(strings.Replace(base, "b\n", "B\n", 1), "s\n", "S\n", 1)
	tests := map[string]struct {
		a, b string
		want string
	}{
		"equal": {a: base, b: base, want: ""},
		"two hunks far apart": {
			a: base, b: twoChanges,
			want: "--- f\n+++ f (formatted)\n" +
				"@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n" +
				"@@ -16,5 +16,5 @@\n p\n q\n r\n-s\n+S\n t\n",
		},
		"changes close together share a hunk": {
			a: "a\nb\nc\nd\ne\n", b: "A\nb\nc\nd\nE\n",
			want: "--- f\n+++ f (formatted)\n@@ -1,5 +1,5 @@\n-a\n+A\n b\n c\n d\n-e\n+E\n",
		},
		"insertion into empty": {
			a: "", b: "a\n",
			want: "--- f\n+++ f (formatted)\n@@ -0,0 +1 @@\n+a\n",
		},
		"missing final newline": {
			a: "a\nb", b: "a\nb\n",
			want: "--- f\n+++ f (formatted)\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := unifiedDiff("f", []byte(tt.a), []byte(tt.b))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("unifiedDiff (-want +got):\n%s", diff)
			}
		})
	}
}

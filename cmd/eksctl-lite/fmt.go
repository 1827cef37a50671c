package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

func init() { commands = append(commands, newFmtCommand) }

// fmtCheckFailed is fmt --check's exit status when a file is not formatted.
const fmtCheckFailed = 3

func newFmtCommand(g *globalOptions) *cobra.Command {
	var check, diff, recursive bool
	cmd := &cobra.Command{
		Use:   "fmt [--check] [--diff] [--recursive] [PATH...]",
		Short: "Rewrite cluster spec files in canonical format",
		Long: `Fmt rewrites .hcl files in the canonical HCL style: indentation, aligned
equals signs, spacing. A directory means every *.hcl file in it, and with
--recursive in its subdirectories too (skipping those whose name starts with
a dot); the default is the current directory. A directory without any .hcl
file is a warning. A file is formatted whatever its name, so variables files
(e.g. dev.vars) can be given too. "-" formats standard input to standard
output.

Fmt prints the name of each file it changes. With --check it changes
nothing and exits 3 when any file would change; with --diff it also prints
the changes as a unified diff. A file with a syntax error is reported and
nothing is written; the exit status is then 1.`,
		Example: `  # Format every *.hcl file in the current directory
  eksctl-lite fmt

  # In CI: fail (exit 3) and show what is not formatted
  eksctl-lite fmt --check --diff examples/full

  # Every *.hcl file under a directory tree
  eksctl-lite fmt --recursive examples

  # Format one variables file
  eksctl-lite fmt examples/multi-cluster/example.vars`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFmt(cmd, g, args, check, diff, recursive)
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "change nothing; list the files that are not formatted and exit 3 if there are any")
	cmd.Flags().BoolVar(&diff, "diff", false, "print the formatting changes as a unified diff")
	cmd.Flags().BoolVar(&recursive, "recursive", false, "also format the *.hcl files in subdirectories of the directories given")
	return cmd
}

// fmtFile is one file to format.
type fmtFile struct {
	name string
	src  []byte
	mode os.FileMode
}

func runFmt(cmd *cobra.Command, g *globalOptions, args []string, check, diff, recursive bool) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if len(args) == 0 {
		args = []string{"."}
	}
	var files []fmtFile
	seen := map[string]bool{}
	for _, p := range args {
		if p == "-" {
			src, err := io.ReadAll(cmd.InOrStdin())
			if err != nil {
				return fmt.Errorf("reading standard input: %w", err)
			}
			files = append(files, fmtFile{name: "-", src: src})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("cannot format %s: %w", p, err)
		}
		names := []string{p}
		if info.IsDir() {
			if names, err = fmtDirFiles(p, recursive); err != nil {
				return fmt.Errorf("cannot list %s: %w", p, err)
			}
			switch {
			case len(names) > 0:
			case recursive:
				fmt.Fprintf(stderr, "Warning: no .hcl files in %s or its subdirectories\n", p)
			default:
				fmt.Fprintf(stderr, "Warning: no .hcl files in %s; use --recursive to format subdirectories\n", p)
			}
		}
		for _, name := range names {
			if seen[filepath.Clean(name)] {
				continue // named twice, e.g. a directory and a subdirectory of it
			}
			seen[filepath.Clean(name)] = true
			src, err := os.ReadFile(name)
			if err != nil {
				return fmt.Errorf("cannot format %s: %w", name, err)
			}
			fi, err := os.Stat(name)
			if err != nil {
				return fmt.Errorf("cannot format %s: %w", name, err)
			}
			files = append(files, fmtFile{name: name, src: src, mode: fi.Mode().Perm()})
		}
	}

	// hclwrite formats tokens without checking the syntax; a file that does
	// not parse could come out mangled, so nothing is written if one fails.
	var diags hcl.Diagnostics
	parsed := map[string]*hcl.File{}
	for _, f := range files {
		file, d := hclsyntax.ParseConfig(f.src, f.name, hcl.InitialPos)
		parsed[f.name] = file
		diags = append(diags, d...)
	}
	if diags.HasErrors() {
		if err := spec.WriteDiagnostics(stderr, parsed, diags, colorFor(g, stderr)); err != nil {
			return err
		}
		return &exitError{code: 1, err: fmt.Errorf("no file was formatted: fix the syntax errors above first")}
	}

	changed := 0
	for _, f := range files {
		out := hclwrite.Format(f.src)
		if f.name == "-" {
			if !bytes.Equal(out, f.src) {
				changed++
			}
			switch {
			case diff:
				fmt.Fprint(stdout, unifiedDiff(f.name, f.src, out))
			case !check:
				if _, err := stdout.Write(out); err != nil {
					return err
				}
			}
			continue
		}
		if bytes.Equal(out, f.src) {
			continue
		}
		changed++
		fmt.Fprintln(stdout, f.name)
		if diff {
			fmt.Fprint(stdout, unifiedDiff(f.name, f.src, out))
		}
		if !check {
			if err := os.WriteFile(f.name, out, f.mode); err != nil {
				return fmt.Errorf("cannot write the formatted %s: %w", f.name, err)
			}
		}
	}
	if check && changed > 0 {
		return &exitError{code: fmtCheckFailed, err: fmt.Errorf(
			"%s not formatted; run eksctl-lite fmt to fix", plural(changed, "file is", "files are"))}
	}
	return nil
}

// fmtDirFiles lists the files fmt formats in directory dir: its
// configuration files (spec.ConfigFiles), and with recursive those of every
// subdirectory whose name does not start with a dot, in lexical order.
func fmtDirFiles(dir string, recursive bool) ([]string, error) {
	if !recursive {
		return spec.ConfigFiles(dir)
	}
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir // .git, .terraform and the like
		}
		files, err := spec.ConfigFiles(path)
		names = append(names, files...)
		return err
	})
	return names, err
}

// diffContext is the number of unchanged lines shown around each change.
const diffContext = 3

// maxDiffCells bounds the line-matching table; beyond it the diff shows
// the whole file replaced, which is still correct, only less helpful.
const maxDiffCells = 16 << 20

// unifiedDiff returns the changes from a to b as a unified diff of lines,
// "" when they are equal.
func unifiedDiff(name string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	x, y := splitLines(a), splitLines(b)
	ops := diffLines(x, y)

	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s (formatted)\n", name, name)
	// Group the edit script into hunks: runs of changes with up to
	// 2*diffContext unchanged lines between them.
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-diffContext, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*diffContext {
				end = min(end+diffContext, len(ops))
				break
			}
			end = run
		}
		writeHunk(&sb, ops[start:end])
		i = end
	}
	return sb.String()
}

// diffOp is one line of an edit script: ' ' kept, '-' removed, '+' added.
type diffOp struct {
	kind       byte
	line       string
	aLine, bLn int // 1-based line numbers in a and b before this op
}

// writeHunk writes one @@ hunk.
func writeHunk(sb *strings.Builder, ops []diffOp) {
	aStart, bStart := ops[0].aLine, ops[0].bLn
	var aCount, bCount int
	for _, op := range ops {
		if op.kind != '+' {
			aCount++
		}
		if op.kind != '-' {
			bCount++
		}
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", hunkRange(aStart, aCount), hunkRange(bStart, bCount))
	for _, op := range ops {
		sb.WriteByte(op.kind)
		sb.WriteString(op.line)
		if !strings.HasSuffix(op.line, "\n") {
			sb.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats a hunk's start,count; an empty range names the line
// before it, as diff does.
func hunkRange(start, count int) string {
	if count == 0 {
		return fmt.Sprintf("%d,0", start-1)
	}
	if count == 1 {
		return fmt.Sprintf("%d", start)
	}
	return fmt.Sprintf("%d,%d", start, count)
}

// splitLines splits s into lines that keep their "\n".
func splitLines(s []byte) []string {
	var lines []string
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, string(s))
			break
		}
		lines = append(lines, string(s[:i+1]))
		s = s[i+1:]
	}
	return lines
}

// diffLines computes an edit script from x to y through their longest
// common subsequence of lines.
func diffLines(x, y []string) []diffOp {
	// Common prefix and suffix are kept as they are, so that the table
	// below only covers the part that changed.
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	mx, my := x[pre:len(x)-suf], y[pre:len(y)-suf]

	var ops []diffOp
	ai, bi := 1, 1
	emit := func(kind byte, line string) {
		ops = append(ops, diffOp{kind: kind, line: line, aLine: ai, bLn: bi})
		if kind != '+' {
			ai++
		}
		if kind != '-' {
			bi++
		}
	}
	for _, l := range x[:pre] {
		emit(' ', l)
	}
	n, m := len(mx), len(my)
	if (n+1)*(m+1) > maxDiffCells {
		for _, l := range mx {
			emit('-', l)
		}
		for _, l := range my {
			emit('+', l)
		}
	} else {
		// lcs[i][j] is the LCS length of mx[i:] and my[j:].
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if mx[i] == my[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && mx[i] == my[j]:
				emit(' ', mx[i])
				i++
				j++
			case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
				// Removals before additions, as diff prints them.
				emit('-', mx[i])
				i++
			default:
				emit('+', my[j])
				j++
			}
		}
	}
	for _, l := range x[len(x)-suf:] {
		emit(' ', l)
	}
	return ops
}

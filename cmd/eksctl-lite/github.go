package main

// GitHub Actions: every diagnostic of validate and plan is also printed as
// a workflow command (::error file=...,line=...,col=...::), so that it
// shows on the pull request's diff, when GITHUB_ACTIONS=true or with
// --format github.

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/provision"
	"github.com/eksctl-lite/eksctl-lite/spec"
)

// onGitHub reports whether the run is a GitHub Actions step (or was told
// to behave as one).
func (g *globalOptions) onGitHub() bool {
	return g.github || os.Getenv("GITHUB_ACTIONS") == "true"
}

// writeDiagnostics prints diags as every command does, and, on GitHub
// Actions, as workflow annotations on standard output too.
func (g *globalOptions) writeDiagnostics(cmd *cobra.Command, files map[string]*hcl.File, diags hcl.Diagnostics) error {
	if g.events != nil {
		g.events.Diagnostics(diags)
		return nil
	}
	stderr := cmd.ErrOrStderr()
	err := spec.WriteDiagnostics(stderr, files, diags, colorFor(g, stderr))
	if g.onGitHub() {
		writeAnnotations(cmd.OutOrStdout(), diags, os.Getenv("GITHUB_WORKSPACE"))
	}
	return err
}

// stepSummary appends the plan, as markdown, to the job's step summary
// ($GITHUB_STEP_SUMMARY) on GitHub Actions; nothing elsewhere.
func (g *globalOptions) stepSummary(p *provision.Plan) error {
	path := os.Getenv("GITHUB_STEP_SUMMARY")
	if !g.onGitHub() || path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("writing the step summary ($GITHUB_STEP_SUMMARY): %w", err)
	}
	werr := provision.RenderMarkdown(f, p)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("writing the step summary ($GITHUB_STEP_SUMMARY): %w", werr)
	}
	return nil
}

// writeAnnotations prints one workflow command per diagnostic: ::error or
// ::warning, with the file (relative to workspace when under it), the
// range and the summary as its title, the detail as its message.
func writeAnnotations(w io.Writer, diags hcl.Diagnostics, workspace string) {
	for _, d := range diags {
		level := "error"
		if d.Severity == hcl.DiagWarning {
			level = "warning"
		}
		var props []string
		if r := d.Subject; r != nil && r.Filename != "" {
			props = append(props,
				"file="+escapeProperty(workspaceRelative(r.Filename, workspace)),
				fmt.Sprintf("line=%d", r.Start.Line), fmt.Sprintf("endLine=%d", r.End.Line),
				fmt.Sprintf("col=%d", r.Start.Column), fmt.Sprintf("endColumn=%d", r.End.Column))
		}
		props = append(props, "title="+escapeProperty(d.Summary))
		msg := d.Summary
		if d.Detail != "" {
			msg = d.Detail
		}
		fmt.Fprintf(w, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(msg))
	}
}

// workspaceRelative is name relative to the workspace when it is inside
// it, as GitHub expects annotation paths.
func workspaceRelative(name, workspace string) string {
	if workspace == "" {
		return filepath.ToSlash(name)
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return filepath.ToSlash(name)
	}
	if rel, err := filepath.Rel(workspace, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(name)
}

// escapeData and escapeProperty escape a workflow command's message and
// properties, as the Actions toolkit does.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

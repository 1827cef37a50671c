package main

// --format: how plan, apply and destroy print. text (the default), json
// (plan: the JSON plan, as --json), json-lines (events, one JSON object a
// line, for pipeline dashboards), github (text, and GitHub Actions'
// annotations and step summary, as on GITHUB_ACTIONS=true), markdown
// (plan and show: a pull-request comment).

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

type formatFlag struct {
	value   string
	allowed []string
}

func (f *formatFlag) add(cmd *cobra.Command, allowed ...string) {
	f.allowed = allowed
	cmd.Flags().StringVar(&f.value, "format", "text", "output format: "+strings.Join(allowed, ", "))
}

// check refuses a format the command does not have, before AWS is read.
func (f *formatFlag) check() error {
	if !slices.Contains(f.allowed, f.value) {
		return fmt.Errorf("--format %q is not a format this command has: use %s", f.value, strings.Join(f.allowed, ", "))
	}
	return nil
}

// apply sets the run's global options for the format: events for
// json-lines (starting with the version event), GitHub output for github.
func (f *formatFlag) apply(cmd *cobra.Command, g *globalOptions) {
	switch f.value {
	case "json-lines":
		g.events = provision.NewEvents(cmd.OutOrStdout())
		g.events.Version(buildVersion())
	case "github":
		g.github = true
	}
}

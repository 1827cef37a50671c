package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

func init() { commands = append(commands, newShowCommand) }

func newShowCommand(g *globalOptions) *cobra.Command {
	var asJSON bool
	var format formatFlag
	cmd := &cobra.Command{
		Use:   "show FILE",
		Short: "Show a plan saved with plan --out",
		Long: `Show renders a plan saved with "eksctl-lite plan --out FILE", as text or,
with --json, in the same JSON shape as "plan --json", or, with --format
markdown, as a pull-request comment (a summary, a table of resources and
actions, replacements and deletions called out first, the diff of each
resource in a collapsed section, warnings, costs). It reads only the
file: no AWS call, no credentials.`,
		Example: `  eksctl-lite plan --out demo.plan
  eksctl-lite show demo.plan
  eksctl-lite show --json demo.plan | jq '.resource_changes[].change.actions'
  eksctl-lite show --format markdown demo.plan > comment.md`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch len(args) {
			case 1:
				return nil
			case 0:
				return errors.New("show needs the plan file to show: eksctl-lite show FILE, for a plan saved with eksctl-lite plan --out FILE")
			}
			return fmt.Errorf("show shows one plan file, got %d: %s", len(args), strings.Join(args, " "))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := format.check(); err != nil {
				return err
			}
			plan, err := readPlanForShow(args[0])
			if err != nil {
				return err
			}
			stdout := cmd.OutOrStdout()
			switch {
			case asJSON || format.value == "json":
				return provision.RenderJSON(stdout, plan)
			case format.value == "markdown":
				return provision.RenderMarkdown(stdout, plan)
			}
			return provision.RenderText(stdout, plan, colorFor(g, stdout))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON")
	format.add(cmd, "text", "json", "markdown")
	return cmd
}

// readPlanForShow reads a saved plan, saying what show expects when given
// something else: a directory of configuration, or plan --json output.
func readPlanForShow(path string) (*provision.Plan, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory, but show expects a plan file saved with eksctl-lite plan --out FILE; to see what the configuration in %s would change, run eksctl-lite plan %s", path, path, path)
	}
	if planFileKind(path) == jsonPlanFile {
		return nil, fmt.Errorf("%s is already the JSON output of plan --json: read it as it is; show expects a plan file saved with eksctl-lite plan --out FILE", path)
	}
	return provision.ReadPlanFile(path)
}

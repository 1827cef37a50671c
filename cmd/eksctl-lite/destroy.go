package main

import (
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newDestroyCommand) }

func newDestroyCommand(g *globalOptions) *cobra.Command {
	var f applyFlags
	cmd := &cobra.Command{
		Use:   "destroy [PATH...]",
		Short: "Delete everything the configuration owns",
		Long: `Destroy plans the deletion of every resource the configuration owns (as
"eksctl-lite plan --destroy" shows it), asks for confirmation, and deletes
them: node groups and Fargate profiles before their cluster, irsa roles
before the OIDC provider, roles after whatever uses them. Resources
eksctl-lite did not create (no eksctl-lite/cluster tag) are never touched,
not even a node group created by hand inside an owned cluster, in which
case the cluster cannot be deleted and destroy says so.

Confirmation works as for apply: on a terminal only "yes" proceeds;
without one, --auto-approve is required.` + applyEnvHelp + exitHelp("destroyed"),
		Example: `  eksctl-lite destroy
  eksctl-lite destroy --auto-approve examples/full`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApply(cmd, g, &f, args, true)
		},
	}
	f.add(cmd)
	return cmd
}

package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

func init() { commands = append(commands, newExportCommand) }

func newExportCommand(g *globalOptions) *cobra.Command {
	var cluster, out string
	cmd := &cobra.Command{
		Use:   "export --cluster NAME [--out FILE]",
		Short: "Write the HCL of a live cluster, to bring it in with plan --adopt",
		Long: `Export reads a live EKS cluster (made by the console, eksctl, Terraform or
the SDK) and writes the configuration that describes it: the cluster, its
managed node groups, Fargate profiles and add-ons, with the roles they use
named explicitly, formatted as fmt formats it. What the plan leaves as it
is when a block omits it (the Kubernetes version, the authentication mode,
the upgrade policy, Auto Mode, a node group's desired size and AMI release)
is left out. What export cannot write (a node group with its own launch
template, an add-on with Pod Identity associations) is named in a comment.

Then "eksctl-lite plan --adopt" on it shows only the ownership tags being
added, and "eksctl-lite apply --adopt" makes the cluster this
configuration's. Reads only.

Exit status: 0 on success, 1 on error.`,
		Example: `  # Bring in a cluster made with eksctl
  mkdir platform && eksctl-lite export --cluster prod --region eu-west-1 --out platform/main.hcl
  eksctl-lite plan --adopt platform
  eksctl-lite apply --adopt platform`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cluster == "" {
				return fmt.Errorf("--cluster is required: the name of the EKS cluster to export")
			}
			if err := g.checkAWSEnv(); err != nil {
				return err
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			clients, err := newClientsFactory(ctx, g.awsOptions())
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			readCtx, cancel := context.WithTimeout(ctx, g.timeouts.Plan)
			defer cancel()
			src, err := provision.Export(readCtx, clients, g.region, cluster, time.Now())
			if err != nil {
				return &exitError{code: 1, err: fmt.Errorf("exporting cluster %s: %w", cluster, err)}
			}
			if out == "" {
				_, err = cmd.OutOrStdout().Write(src)
				return err
			}
			if _, err := os.Stat(out); err == nil {
				return fmt.Errorf("%s exists: export never overwrites a file; give another --out, or remove it first", out)
			}
			if err := os.WriteFile(out, src, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Wrote %s. Next: eksctl-lite plan --adopt (it should add only the ownership tags).\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&cluster, "cluster", "", "the EKS cluster to export (required)")
	cmd.Flags().StringVar(&out, "out", "", "write to `FILE` (never overwritten) instead of standard output")
	return cmd
}

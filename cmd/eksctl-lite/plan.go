package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

func init() { commands = append(commands, newPlanCommand) }

func newPlanCommand(g *globalOptions) *cobra.Command {
	var (
		vars             varFlags
		asJSON           bool
		out              string
		detailedExitcode bool
		opts             provision.PlanOptions
		cost             costFlags
		lock             lockFlags
		format           formatFlag
	)
	cmd := &cobra.Command{
		Use:   "plan [PATH...]",
		Short: "Show what apply would change in EKS and IAM, changing nothing",
		Long: `Plan loads the cluster spec, reads the live clusters, node groups, Fargate
profiles, OIDC providers and IAM roles it describes, and shows what apply
would do to make them match: + create, ~ update in-place, - destroy,
+/- or -/+ replace (create or destroy first), with every attribute that
changes and the AWS calls of each update. Plan never changes anything in AWS. There is no state file: live
AWS is the only truth, and resources eksctl-lite did not create (no
eksctl-lite/cluster tag) are never changed or deleted.

Every plan ends with its estimated monthly cost (730 hours): per cluster,
before and after, and per resource (control plane, node groups, Fargate
rates per pod), from the prices --pricing names.

Exit status: 0 on success, 1 on error or when the plan raises the monthly
cost above --cost-threshold. With --detailed-exitcode: 0 when there are no
changes, 1 on error, 2 when there are changes; 130 (SIGINT) or 143
(SIGTERM) when interrupted.

Environment:` + awsEnvHelp,
		Example: `  # Plan the spec in the current directory
  eksctl-lite plan

  # Save the plan and apply exactly that later
  eksctl-lite plan --out demo.plan && eksctl-lite apply demo.plan

  # Machine-readable plan for policy checks (Terraform JSON plan shape)
  eksctl-lite plan --json examples/full > plan.json

  # In CI: fail the job when the live infrastructure drifted
  eksctl-lite plan --detailed-exitcode

  # What would destroy delete?
  eksctl-lite plan --destroy

  # A CI budget guard: fail when the plan adds more than $500 a month
  eksctl-lite plan --cost-threshold 500

  # Costs at today's AWS prices, or at your own (negotiated) ones
  eksctl-lite plan --pricing aws
  eksctl-lite plan --pricing prices.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := parallelismFlag(opts.Parallelism); err != nil {
				return err
			}
			if err := format.check(); err != nil {
				return err
			}
			if format.value == "json" {
				asJSON = true
			}
			format.apply(cmd, g)
			if err := cost.checkFlags(false); err != nil {
				return err
			}
			prices, err := cost.source()
			if err != nil {
				return err
			}
			opts.Prices = prices
			// Before AWS is read: a plan that took minutes to make must
			// not be lost for want of a place to save it.
			if out != "" {
				if err := provision.CheckPlanFileWritable(out); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, sig := handleInterrupts(ctx, cmd.ErrOrStderr(), "plan")
			defer sig.release()
			rl := newRunLock(lock, "plan", cmd.ErrOrStderr(), sig)
			defer rl.release(ctx)
			plan, _, err := loadAndPlan(ctx, cmd, g, &vars, args, opts, sig, rl)
			if err != nil {
				return err
			}
			if ierr := sig.interrupted(); ierr != nil {
				return ierr // the plan was made, but nobody waits for it
			}
			stdout := cmd.OutOrStdout()
			switch {
			case g.events != nil:
				g.events.Plan(plan)
			case asJSON:
				err = provision.RenderJSON(stdout, plan)
			case format.value == "markdown":
				err = provision.RenderMarkdown(stdout, plan)
			default:
				err = provision.RenderText(stdout, plan, colorFor(g, stdout))
			}
			if err != nil {
				return err
			}
			if err := g.stepSummary(plan); err != nil {
				return err
			}
			if out != "" {
				if err := provision.WritePlanFile(out, plan); err != nil {
					return err
				}
				if !asJSON && g.events == nil && format.value != "markdown" {
					fmt.Fprintf(stdout, "\nSaved the plan to: %s\n\nTo perform exactly these actions, run:\n  eksctl-lite apply %s\n", out, out)
				}
			}
			if err := cost.check(plan); err != nil {
				return err
			}
			if detailedExitcode && plan.HasChanges() {
				return &exitError{code: 2}
			}
			return nil
		},
	}
	vars.add(cmd)
	cost.add(cmd)
	lock.add(cmd, false)
	format.add(cmd, "text", "json", "json-lines", "markdown", "github")
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print the plan as JSON (Terraform JSON plan shape) instead of text")
	f.StringVar(&out, "out", "", "save the plan to `FILE`, for eksctl-lite apply FILE and eksctl-lite show FILE")
	f.BoolVar(&detailedExitcode, "detailed-exitcode", false, "exit 0 when there are no changes, 1 on error, 2 when there are changes")
	f.BoolVar(&opts.Destroy, "destroy", false, "plan the deletion of everything the configuration owns")
	f.BoolVar(&opts.Adopt, "adopt", false, "take ownership of existing clusters eksctl-lite did not create, by tagging them")
	f.IntVar(&opts.Parallelism, "parallelism", provision.DefaultReadParallelism, "at most N concurrent reads per AWS service: N EKS reads and N IAM reads at once (throttled reads are retried with backoff)")
	return cmd
}

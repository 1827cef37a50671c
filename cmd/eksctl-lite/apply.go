package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/eksctl-lite/eksctl-lite/provision"
	"github.com/eksctl-lite/eksctl-lite/spec"
)

func init() { commands = append(commands, newApplyCommand) }

// applyFlags are the flags apply and destroy share.
type applyFlags struct {
	vars        varFlags
	autoApprove bool
	parallelism int
	adopt       bool
	// allowClusterDeletion lets apply and destroy delete the clusters whose
	// blocks were removed, and what eksctl-lite created in them.
	allowClusterDeletion bool
	cost                 costFlags
	lock                 lockFlags
	format               formatFlag
}

func (f *applyFlags) add(cmd *cobra.Command) {
	f.vars.add(cmd)
	cmd.Flags().BoolVar(&f.autoApprove, "auto-approve", false, "apply without asking for confirmation (required without a terminal, e.g. in CI)")
	cmd.Flags().IntVar(&f.parallelism, "parallelism", 10, "at most N resource actions at once")
	cmd.Flags().BoolVar(&f.allowClusterDeletion, "allow-cluster-deletion", false, "let the run delete the clusters this configuration owns but no longer declares (a removed cluster block), and what eksctl-lite created in them")
	f.cost.add(cmd)
	f.lock.add(cmd, true)
	f.format.add(cmd, "text", "json-lines", "github")
}

const applyEnvHelp = `

Environment:
  EKSCTL_LITE_POLL_INTERVAL          first pause between polls of a resource (default 15s,
                                     growing to twice that)
  EKSCTL_LITE_PROGRESS_INTERVAL      how often "Still creating..." is printed (default 30s)
  EKSCTL_LITE_TIMEOUT_CLUSTER_CREATE default 40m    EKSCTL_LITE_TIMEOUT_NODE_GROUP      default 60m
  EKSCTL_LITE_TIMEOUT_CLUSTER_UPDATE default 60m    EKSCTL_LITE_TIMEOUT_FARGATE_PROFILE default 10m
  EKSCTL_LITE_TIMEOUT_CLUSTER_DELETE default 30m    EKSCTL_LITE_TIMEOUT_IAM             default 2m
  EKSCTL_LITE_TIMEOUT_ADDON          default 20m
  A timeout bounds one wait; what timed out carries on in AWS and the next
  apply picks it up.` + awsEnvHelp

// awsEnvHelp documents the bounds of AWS calls, for every command that
// makes them.
const awsEnvHelp = `
  EKSCTL_LITE_TIMEOUT_AWS_CALL       one attempt of one AWS call (default 60s); a call
                                     that gets no answer is tried twice, then fails
  EKSCTL_LITE_TIMEOUT_PLAN           all the reading of AWS for a plan (default 15m)`

// exitHelp is the exit status paragraph of apply ("applied") and destroy
// ("destroyed").
func exitHelp(done string) string {
	return fmt.Sprintf(`

Exit status: 0 when everything was %s (or nothing needed to be),
1 on any error or failed resource, 130 (SIGINT) or 143 (SIGTERM) when
interrupted.`, done)
}

func newApplyCommand(g *globalOptions) *cobra.Command {
	var f applyFlags
	cmd := &cobra.Command{
		Use:   "apply [PATH...|PLANFILE]",
		Short: "Make EKS and IAM match the configuration",
		Long: `Apply makes a plan (exactly as "eksctl-lite plan" does), shows it, asks for
confirmation, and carries it out: IAM roles before the clusters that use
them, clusters before their node groups, Fargate profiles and OIDC
provider, in parallel where nothing orders them. It waits for every
resource to be ACTIVE (or gone) and prints progress as it goes.

Confirmation: on a terminal apply asks and only "yes" proceeds. Without a
terminal it refuses unless --auto-approve is given, so CI must say so.

Saved plans: "eksctl-lite apply PLANFILE" applies a plan saved with
"plan --out" without asking, after re-reading every resource the plan
touches; if any changed since the plan was made, it refuses ("saved plan
is stale") and changes nothing.

Failures: a resource that fails stops only what depends on it; the rest
carries on. Interrupt (Ctrl-C, SIGTERM): no new action starts, calls in
flight return, what was in progress is listed; a second interrupt exits at
once. In every case running apply again continues where it stopped.` + applyEnvHelp + exitHelp("applied"),
		Example: `  # Plan, confirm, apply the spec in the current directory
  eksctl-lite apply

  # In CI
  eksctl-lite apply --auto-approve examples/full

  # Apply exactly a reviewed plan
  eksctl-lite plan --out demo.plan && eksctl-lite apply demo.plan`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApply(cmd, g, &f, args, false)
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&f.adopt, "adopt", false, "take ownership of existing clusters eksctl-lite did not create, by tagging them")
	return cmd
}

// stdinIsTerminal reports whether apply may ask a question; tests replace it.
var stdinIsTerminal = func(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// runApply is apply and destroy: plan (or read a saved plan), confirm,
// apply with interrupt handling, and map the outcome to an exit status.
func runApply(cmd *cobra.Command, g *globalOptions, f *applyFlags, args []string, destroy bool) error {
	if err := parallelismFlag(f.parallelism); err != nil {
		return err
	}
	if err := f.format.check(); err != nil {
		return err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	verb := "apply"
	if destroy {
		verb = "destroy"
	}

	// Everything that can be refused without AWS is refused before any AWS
	// call, and before a plan is printed that could not be carried out.
	if err := g.checkAWSEnv(); err != nil {
		return err
	}
	opts, err := provision.ApplyOptionsFromEnv(os.Environ())
	if err != nil {
		return err
	}
	plan, err := savedPlan(args, destroy)
	if err != nil {
		return err
	}
	// Events leave no room for a question: like Terraform's -json, they
	// need --auto-approve (or a saved plan).
	if f.format.value == "json-lines" && plan == nil && !f.autoApprove {
		return fmt.Errorf("--format json-lines needs --auto-approve (or a saved plan): the run cannot ask for confirmation between JSON events")
	}
	f.format.apply(cmd, g)
	// Without a terminal nobody can approve; apply still reads AWS, because
	// a run with nothing to change needs no approval and succeeds (CI may
	// check convergence so), but it refuses before printing a plan that
	// nobody can approve.
	noTerminal := plan == nil && !f.autoApprove && !stdinIsTerminal(cmd.InOrStdin())
	if plan == nil {
		if err := checkConfigPaths(args); err != nil {
			return err
		}
	}
	if plan != nil && (len(f.vars.args) > 0 || f.adopt) {
		return errors.New("--var, --var-file and --adopt cannot be used with a saved plan: their effect was fixed when the plan was made")
	}
	if err := f.cost.checkFlags(plan != nil); err != nil {
		return err
	}
	prices, err := f.cost.source()
	if err != nil {
		return err
	}

	// From here on an interrupt stops the run: before the apply starts,
	// with nothing changed.
	runCtx, sig := handleInterrupts(ctx, stderr, verb)
	defer sig.release()
	// The locks are released at the end, whatever happens (also after an
	// interrupt: release ignores the run's cancelled context).
	lock := newRunLock(f.lock, verb, stderr, sig)
	defer lock.release(ctx)

	var clients provision.ClientsFactory
	if plan != nil {
		if clients, err = newClientsFactory(runCtx, g.awsOptions()); err != nil {
			return err
		}
		// Locked, then re-read: a plan made before another run changed
		// the clusters is stale, and refused.
		if err := lock.acquire(runCtx, plan.Lock, clients, plan.LockKeys()); err != nil {
			return g.lockError(cmd, sig, runCtx, err)
		}
		lock.annotate(runCtx, plan)
		if err := refreshSavedPlan(runCtx, cmd, g, plan, clients, args[0], sig); err != nil {
			return err
		}
		if !plan.HasChanges() {
			return renderPlan(stdout, g, plan)
		}
		if err := checkClusterDeletions(plan, f); err != nil {
			return err
		}
		if err := f.cost.check(plan); err != nil {
			return err
		}
	} else {
		plan, clients, err = loadAndPlan(runCtx, cmd, g, &f.vars, args, provision.PlanOptions{Adopt: f.adopt, Destroy: destroy, Prices: prices}, sig, lock)
		if err != nil {
			return err
		}
		lock.annotate(runCtx, plan)
		if noTerminal && plan.HasChanges() {
			return noTerminalError(verb)
		}
		if err := renderPlan(stdout, g, plan); err != nil {
			return err
		}
		if err := g.stepSummary(plan); err != nil {
			return err
		}
		if !plan.HasChanges() {
			return nil
		}
		if err := checkClusterDeletions(plan, f); err != nil {
			return err
		}
		if err := f.cost.check(plan); err != nil {
			return err
		}
		if !f.autoApprove {
			if err := confirm(runCtx, cmd.InOrStdin(), stdout, destroy); err != nil {
				if ierr := sig.interrupted(); ierr != nil {
					return ierr
				}
				return err
			}
		}
	}

	opts.Parallelism = f.parallelism
	opts.Progress = stdout
	if g.events != nil {
		opts.Events = g.events
	} else {
		fmt.Fprintln(stdout)
	}

	sig.startApplying()
	if ierr := sig.interrupted(); ierr != nil {
		return ierr // interrupted before the first action: nothing was changed
	}
	res, err := provision.Apply(runCtx, plan, clients, opts)
	if err == nil {
		if g.events != nil {
			return nil
		}
		return provision.WriteInstructions(stdout, res.Instructions, colorFor(g, stdout))
	}
	if res == nil {
		return err // the run could not start; nothing was changed
	}
	code := 1
	if c := sig.exitCode(); c != 0 {
		code = c
	}
	return &exitError{code: code} // the summary said what failed and why
}

// refreshSavedPlan re-reads every resource plan touches and refuses the
// plan (saved in path) when any changed since it was made.
func refreshSavedPlan(ctx context.Context, cmd *cobra.Command, g *globalOptions, plan *provision.Plan, clients provision.ClientsFactory, path string, sig *interrupts) error {
	readCtx, cancel := context.WithTimeout(ctx, g.timeouts.Plan)
	defer cancel()
	now, err := provision.RefreshFingerprints(readCtx, plan, clients)
	if ierr := sig.interrupted(); ierr != nil {
		return ierr
	}
	if err != nil {
		d := &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Cannot check whether the saved plan %s is still current", path),
			Detail:   err.Error(),
			Extra:    err,
		}
		diags := g.planDiags(ctx, readCtx, hcl.Diagnostics{d})
		if len(diags) == 1 && diags[0] == d { // not one of the causes said in one sentence
			return fmt.Errorf("checking whether the saved plan %s is still current: %w", path, err)
		}
		stderr := cmd.ErrOrStderr()
		_ = spec.WriteDiagnostics(stderr, nil, diags, colorFor(g, stderr))
		return &exitError{code: 1}
	}
	if stale := provision.StaleAddresses(plan, now); len(stale) > 0 {
		return fmt.Errorf("saved plan is stale: %s changed since it was made; run eksctl-lite plan again", strings.Join(stale, ", "))
	}
	return nil
}

// savedPlan returns the plan when args is one saved plan file, nil when
// args name configuration.
func savedPlan(args []string, destroy bool) (*provision.Plan, error) {
	if destroy || len(args) != 1 {
		return nil, nil
	}
	if st, err := os.Stat(args[0]); err != nil || st.IsDir() {
		return nil, nil
	}
	p, err := provision.ReadPlanFile(args[0])
	if errors.Is(err, provision.ErrNotPlanFile) {
		// A lone file that is not named like configuration was meant to
		// be a saved plan: say it is not one rather than let the HCL
		// parser complain about its first line. JSON is checkConfigPaths'.
		if planFileKind(args[0]) == otherFile && !strings.HasSuffix(args[0], ".hcl") {
			return nil, fmt.Errorf("%s is not an eksctl-lite plan file (save one with eksctl-lite plan --out FILE), nor configuration, which is *.hcl files or a directory of them", args[0])
		}
		return nil, nil
	}
	return p, err
}

// checkClusterDeletions refuses, before anything changes, a plan that
// deletes clusters whose blocks were removed unless --allow-cluster-deletion
// says so: a cluster is never deleted by accident (a block lost in a merge,
// a file left out of the paths).
func checkClusterDeletions(p *provision.Plan, f *applyFlags) error {
	dels := p.ClusterDeletions()
	if len(dels) == 0 || f.allowClusterDeletion {
		return nil
	}
	return fmt.Errorf("this plan deletes the cluster %s, which the configuration owns but no longer declares, or what eksctl-lite created in it; nothing was changed. Run eksctl-lite %s --allow-cluster-deletion to do that, or put its cluster block back to keep it", strings.Join(dels, " and the cluster "), verbOf(p))
}

// verbOf is the command that carries p out.
func verbOf(p *provision.Plan) string {
	if p.Destroy {
		return "destroy"
	}
	return "apply"
}

// noTerminalError is the refusal to apply or destroy without a terminal to
// ask on and without --auto-approve.
func noTerminalError(verb string) error {
	return fmt.Errorf("eksctl-lite %s asks for confirmation, but standard input is not a terminal; run it with --auto-approve to %s without asking (as CI must), or from a terminal", verb, verb)
}

// confirm asks on a terminal and accepts only "yes"; without a terminal it
// refuses, since nobody can answer. The end of ctx (an interrupt) stops the
// question.
func confirm(ctx context.Context, in io.Reader, out io.Writer, destroy bool) error {
	what := "apply"
	if destroy {
		what = "destroy"
	}
	if !stdinIsTerminal(in) {
		return noTerminalError(what)
	}
	question := "Apply these changes?"
	if destroy {
		question = "Destroy all these resources?"
	}
	fmt.Fprintf(out, "\n%s Only 'yes' will be accepted.\n  Enter a value: ", question)
	type answer struct {
		line string
		err  error
	}
	answered := make(chan answer, 1)
	go func() { // the read cannot be cancelled; the process ends soon after
		line, err := bufio.NewReader(in).ReadString('\n')
		answered <- answer{line, err}
	}()
	var a answer
	select {
	case a = <-answered:
	case <-ctx.Done():
		fmt.Fprintln(out)
		return fmt.Errorf("%s cancelled: nothing was changed", what)
	}
	if a.err != nil && a.line == "" {
		fmt.Fprintln(out)
	}
	if strings.TrimSpace(a.line) != "yes" {
		return &exitError{code: 1, err: fmt.Errorf("%s cancelled: nothing was changed", what)}
	}
	return nil
}

// renderPlan prints the plan apply is about to carry out: text, or, with
// --format json-lines, its events.
func renderPlan(w io.Writer, g *globalOptions, p *provision.Plan) error {
	if g.events != nil {
		g.events.Plan(p)
		return nil
	}
	return provision.RenderText(w, p, colorFor(g, w))
}

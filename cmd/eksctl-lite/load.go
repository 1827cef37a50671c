package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/provision"
	"github.com/eksctl-lite/eksctl-lite/spec"
)

// loadAndPlan is the shared front half of plan, apply and destroy: it loads
// the configuration at paths (with the --var and --var-file flags in vars),
// prints every diagnostic (warnings too) to stderr, builds the AWS clients
// from the global flags, and makes the plan with opts.
//
// On any error it has already told the user everything and returns an
// *exitError with code 1 (err == nil, so main prints nothing more): callers
// just return it from RunE. The ClientsFactory is returned so that apply
// can use the same clients.
func loadAndPlan(cmd *cobra.Command, g *globalOptions, vars *varFlags, paths []string, opts provision.PlanOptions) (*provision.Plan, provision.ClientsFactory, error) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	stderr := cmd.ErrOrStderr()
	color := colorFor(g, stderr)

	cfg, diags := spec.Load(vars.loadOptions(paths))
	files := map[string]*hcl.File{}
	if cfg != nil {
		files = cfg.Files
	}
	if diags.HasErrors() || cfg == nil {
		_ = spec.WriteDiagnostics(stderr, files, diags, color)
		return nil, nil, &exitError{code: 1}
	}

	clients, err := provision.NewClientsFactory(ctx, g.awsOptions())
	if err != nil {
		_ = spec.WriteDiagnostics(stderr, files, diags, color)
		return nil, nil, &exitError{code: 1, err: err}
	}
	plan, planDiags := provision.MakePlan(ctx, cfg, clients, opts)
	diags = append(diags, planDiags...)
	if len(diags) > 0 {
		_ = spec.WriteDiagnostics(stderr, files, diags, color)
	}
	if diags.HasErrors() || plan == nil {
		return nil, nil, &exitError{code: 1}
	}
	return plan, clients, nil
}

// awsOptions are the global flags that configure AWS access.
func (g *globalOptions) awsOptions() provision.AWSOptions {
	return provision.AWSOptions{Region: g.region, Profile: g.profile, EndpointURL: g.endpointURL}
}

// parallelismFlag validates --parallelism.
func parallelismFlag(n int) error {
	if n < 1 {
		return fmt.Errorf("--parallelism must be at least 1, got %d", n)
	}
	return nil
}

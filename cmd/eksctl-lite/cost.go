package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/provision"
	"github.com/eksctl-lite/eksctl-lite/provision/pricing"
)

// costFlags are the cost estimate's flags, of plan, apply and destroy.
type costFlags struct {
	pricing   string
	threshold float64
	cmd       *cobra.Command
}

func (f *costFlags) add(cmd *cobra.Command) {
	f.cmd = cmd
	cmd.Flags().StringVar(&f.pricing, "pricing", "embedded", "where the cost estimate's prices come from: embedded (the dated table built in; no network), aws (the AWS Price List API, read for this run), or a `FILE` in the embedded table's JSON format (negotiated rates)")
	cmd.Flags().Float64Var(&f.threshold, "cost-threshold", 0, "exit 1, before any change, when the plan raises the estimated monthly cost (USD) by more than `N`")
}

// source is the PriceSource --pricing names; a file is read and checked
// here, before any AWS call.
func (f *costFlags) source() (provision.PriceSource, error) {
	switch f.pricing {
	case "", "embedded":
		return nil, nil
	case "aws":
		return provision.PriceListPrices{}, nil
	}
	t, err := pricing.Load(f.pricing)
	if err != nil {
		return nil, fmt.Errorf("--pricing %s: %w", f.pricing, err)
	}
	return provision.StaticPrices{Prices: t, From: f.pricing}, nil
}

// given says whether --cost-threshold was set (0 is a threshold: no
// increase at all).
func (f *costFlags) given() bool {
	return f.cmd != nil && f.cmd.Flags().Changed("cost-threshold")
}

// check refuses a plan above --cost-threshold, changing nothing; a saved
// plan is checked against the estimate it was made with.
func (f *costFlags) check(p *provision.Plan) error {
	if !f.given() {
		return nil
	}
	if msg := p.CostThreshold(f.threshold); msg != "" {
		return fmt.Errorf("cost threshold: %s; nothing was changed", msg)
	}
	return nil
}

// checkFlags refuses a negative threshold, and --pricing with a saved
// plan, whose estimate was fixed when it was made.
func (f *costFlags) checkFlags(saved bool) error {
	if f.given() && f.threshold < 0 {
		return fmt.Errorf("--cost-threshold %g: the threshold is the most the monthly cost may rise, in USD: 0 or more", f.threshold)
	}
	if saved && f.cmd.Flags().Changed("pricing") {
		return errors.New("--pricing cannot be used with a saved plan: its cost estimate was made with the plan")
	}
	return nil
}

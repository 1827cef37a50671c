package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// globalOptions are the flags every command accepts.
type globalOptions struct {
	region      string
	profile     string
	endpointURL string
	noColor     bool
}

// color reports whether output to f may use ANSI colour: not with
// --no-color, not when NO_COLOR is set (https://no-color.org), not when piped.
func (g *globalOptions) color(f *os.File) bool {
	if g.noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

func newRootCommand() *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "eksctl-lite",
		Short: "Plan and apply Amazon EKS clusters from an HCL spec",
		Long: `eksctl-lite provisions Amazon EKS clusters, managed node groups, Fargate
profiles and IAM roles for service accounts from HCL files. "plan" diffs the
files against live EKS and IAM and shows what would change; "apply" makes it so.
There is no state file: live AWS is the only truth.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.region, "region", "", "AWS region for clusters that set none (default: the AWS config chain, e.g. AWS_REGION)")
	pf.StringVar(&g.profile, "profile", "", "AWS shared config profile (default: AWS_PROFILE or \"default\")")
	pf.StringVar(&g.endpointURL, "endpoint-url", "", "send every AWS call to this endpoint, e.g. a local emulator (AWS_ENDPOINT_URL works too)")
	pf.BoolVar(&g.noColor, "no-color", false, "never colour output (NO_COLOR works too)")

	for _, add := range commands {
		root.AddCommand(add(g))
	}
	return root
}

// commands are the subcommand constructors; each command's file registers
// its own in an init function, so adding a command touches one file.
var commands []func(*globalOptions) *cobra.Command

// varFlags are --var and --var-file, kept in command-line order because the
// later flag wins.
type varFlags struct {
	args []spec.VarArg
}

// add registers --var and --var-file on cmd.
func (v *varFlags) add(cmd *cobra.Command) {
	cmd.Flags().Var(&varValue{v}, "var", "set a variable: --var 'name=value' (repeatable)")
	cmd.Flags().Var(&varFileValue{v}, "var-file", "read variables from an HCL file of name = value lines (repeatable)")
}

// loadOptions builds spec.LoadOptions for the given paths.
func (v *varFlags) loadOptions(paths []string) spec.LoadOptions {
	return spec.LoadOptions{Paths: paths, Vars: v.args, Environ: os.Environ()}
}

type varValue struct{ v *varFlags }

func (x *varValue) String() string { return "" }
func (x *varValue) Type() string   { return "name=value" }
func (x *varValue) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("--var %q: want name=value, e.g. --var 'region=eu-west-1'", s)
	}
	x.v.args = append(x.v.args, spec.VarArg{Name: strings.TrimSpace(name), Value: value})
	return nil
}

type varFileValue struct{ v *varFlags }

func (x *varFileValue) String() string { return "" }
func (x *varFileValue) Type() string   { return "file" }
func (x *varFileValue) Set(s string) error {
	x.v.args = append(x.v.args, spec.VarArg{File: s})
	return nil
}

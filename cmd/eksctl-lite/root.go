package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/eksctl-lite/eksctl-lite/provision"
	"github.com/eksctl-lite/eksctl-lite/spec"
)

// globalOptions are the flags every command accepts.
type globalOptions struct {
	region      string
	profile     string
	endpointURL string
	noColor     bool

	// timeouts come from the environment (checkAWSEnv).
	timeouts provision.AWSTimeouts
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
		Example: `  # Check a spec offline, then see what would change in AWS
  eksctl-lite validate examples/minimal
  eksctl-lite plan examples/minimal

  # Apply it (asks for confirmation), later delete everything it owns
  eksctl-lite apply examples/minimal
  eksctl-lite destroy examples/minimal

  # Against a local emulator instead of AWS
  eksctl-lite plan --endpoint-url http://127.0.0.1:4566 examples/full`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// The default for every command; a command may set its own.
	root.SetFlagErrorFunc(flagError)
	pf := root.PersistentFlags()
	pf.StringVar(&g.region, "region", "", "AWS region for clusters that set none (default: the AWS config chain, e.g. AWS_REGION)")
	pf.StringVar(&g.profile, "profile", "", "AWS shared config profile (default: AWS_PROFILE or \"default\")")
	pf.StringVar(&g.endpointURL, "endpoint-url", "", "send every AWS call to this endpoint, e.g. a local emulator (AWS_ENDPOINT_URL works too)")
	pf.BoolVar(&g.noColor, "no-color", false, "never colour output (NO_COLOR works too)")

	for _, add := range commands {
		root.AddCommand(add(g))
	}
	// cobra adds "completion" when it runs; adding it now lets it have an
	// example like every other command.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Example = `  # Bash, for this shell
  source <(eksctl-lite completion bash)

  # Zsh, for every new shell
  eksctl-lite completion zsh > "${fpath[1]}/_eksctl-lite"`
		}
	}
	return root
}

// flagError turns pflag's puzzling answer to a Terraform habit, a long flag
// with one dash ("unknown shorthand flag: 'v' in -var"), into a suggestion
// of the flag with two dashes, when the command has that flag.
func flagError(cmd *cobra.Command, err error) error {
	var ne interface{ GetSpecifiedShortnames() string } // *pflag.NotExistError
	if !errors.As(err, &ne) {
		return err
	}
	group := ne.GetSpecifiedShortnames() // "var", "out=x", "auto-approve"
	if len(group) < 2 {
		return err
	}
	name, _, _ := strings.Cut(group, "=")
	if cmd.Flags().Lookup(name) == nil {
		return err
	}
	return fmt.Errorf("unknown flag -%s: eksctl-lite flags take two dashes; did you mean --%s?", group, group)
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

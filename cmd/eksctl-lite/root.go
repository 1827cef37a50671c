package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
	// github forces GitHub Actions output (--format github); events
	// replaces text output with JSON lines (--format json-lines).
	github bool
	events *provision.Events

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
		Args:          unknownCommand,
		// cobra's default, which SuggestionsFor does not apply itself.
		SuggestionsMinimumDistance: 2,
		// Runnable, so that a word that is no command reaches
		// unknownCommand instead of printing the help.
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
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
			// "completion nosh" printed the help and exited 0.
			c.Args = func(cmd *cobra.Command, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("%q is not a shell eksctl-lite completion knows: use bash, zsh, fish or powershell", args[0])
				}
				return nil
			}
			c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
			c.Example = `  # Bash, for this shell
  source <(eksctl-lite completion bash)

  # Zsh, for every new shell
  eksctl-lite completion zsh > "${fpath[1]}/_eksctl-lite"`
		}
	}
	return root
}

// flagError says what is wrong with a flag in the tool's words, not
// pflag's and strconv's ("invalid argument "abc" for "--parallelism" flag:
// strconv.ParseInt: parsing "abc": invalid syntax"), with the fix. A
// Terraform habit, a long flag with one dash ("unknown shorthand flag: 'v'
// in -var"), gets the flag with two dashes suggested when the command has
// it.
func flagError(cmd *cobra.Command, err error) error {
	var (
		notExist *pflag.NotExistError
		required *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &notExist):
		group := notExist.GetSpecifiedShortnames() // "var", "out=x", "auto-approve"
		name, _, _ := strings.Cut(group, "=")
		if len(name) >= 2 && cmd.Flags().Lookup(name) != nil {
			return fmt.Errorf("unknown flag -%s: eksctl-lite flags take two dashes; did you mean --%s?", group, group)
		}
		spelled := "--" + notExist.GetSpecifiedName()
		if group != "" {
			spelled = "-" + group
		}
		return fmt.Errorf("unknown flag %s for %s; %s --help lists its flags", spelled, cmd.CommandPath(), cmd.CommandPath())
	case errors.As(err, &required):
		f := required.GetFlag()
		return fmt.Errorf("--%s needs a value: --%s %s", f.Name, f.Name, flagPlaceholder(f))
	case errors.As(err, &invalid):
		f, value := invalid.GetFlag(), invalid.GetValue()
		switch f.Value.Type() {
		case "int", "int64", "uint", "uint64":
			return fmt.Errorf("--%s wants a whole number, e.g. --%s %s; got %q", f.Name, f.Name, f.DefValue, value)
		case "bool":
			return fmt.Errorf("--%s is a switch: give it alone (--%s) or as --%s=true or --%s=false; got %q", f.Name, f.Name, f.Name, f.Name, value)
		case "duration":
			return fmt.Errorf("--%s wants a duration such as 30s or 5m; got %q", f.Name, value)
		}
		if cause := errors.Unwrap(invalid); cause != nil {
			return cause // our own flag types say it in full
		}
		return err
	case errors.As(err, &syntax):
		return fmt.Errorf("%s is not a flag: flags are --name or --name=value (see %s --help)", syntax.GetSpecifiedFlag(), cmd.CommandPath())
	}
	return err
}

// flagPlaceholder is what a flag's value looks like in a message: the
// back-quoted name in its usage, or its type.
func flagPlaceholder(f *pflag.Flag) string {
	name, _ := pflag.UnquoteUsage(f)
	switch name {
	case "", "string":
		return "VALUE"
	case "int":
		return "N"
	}
	return strings.ToUpper(name)
}

// noArgs is cobra.NoArgs in the tool's words.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%s takes no arguments, got %q; see %s --help", cmd.CommandPath(), strings.Join(args, " "), cmd.CommandPath())
	}
	return nil
}

// unknownCommand is the root's argument check: a word that is no command,
// with the nearest command suggested, as cobra does, in the tool's words.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%q is not an eksctl-lite command", args[0])
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean eksctl-lite %s?", s[0])
	} else {
		msg += "; eksctl-lite --help lists the commands"
	}
	return errors.New(msg)
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

package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Terraform habits (-var, -out=x, -auto-approve, -json) get the flag with
// two dashes suggested, on every command that has it.
func TestSingleDashLongFlags(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"-var":                  {args: []string{"plan", "-var", "env=x"}, want: "unknown flag -var: eksctl-lite flags take two dashes; did you mean --var?"},
		"-out=x":                {args: []string{"plan", "-out=x"}, want: "did you mean --out=x?"},
		"-auto-approve":         {args: []string{"apply", "-auto-approve"}, want: "did you mean --auto-approve?"},
		"-auto-approve destroy": {args: []string{"destroy", "-auto-approve"}, want: "did you mean --auto-approve?"},
		"-json":                 {args: []string{"plan", "-json"}, want: "did you mean --json?"},
		"global -region":        {args: []string{"plan", "-region", "eu-west-1"}, want: "did you mean --region?"},
		"-json on show":         {args: []string{"show", "-json", "x"}, want: "did you mean --json?"},
		"not a flag of plan":    {args: []string{"plan", "-auto-approve"}, want: "unknown flag -auto-approve for eksctl-lite plan; eksctl-lite plan --help lists its flags"},
		"one letter":            {args: []string{"plan", "-x"}, want: "unknown flag -x for eksctl-lite plan"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, stderr, code := runPlanCLI(t, tt.args...)
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tt.want)
			}
		})
	}
}

func TestHelpTexts(t *testing.T) {
	tests := map[string]struct {
		args    []string
		want    []string
		notWant []string
	}{
		"root shows an example":       {args: []string{"--help"}, want: []string{"Examples:", "eksctl-lite plan examples/minimal"}},
		"completion shows an example": {args: []string{"completion", "--help"}, want: []string{"Examples:", "eksctl-lite completion bash"}},
		"destroy says destroyed":      {args: []string{"destroy", "--help"}, want: []string{"Exit status: 0 when everything was destroyed"}, notWant: []string{"applied"}},
		"apply says applied":          {args: []string{"apply", "--help"}, want: []string{"Exit status: 0 when everything was applied"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, code := runPlanCLI(t, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, s := range tt.want {
				if !strings.Contains(stdout, s) {
					t.Errorf("help lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(stdout, s) {
					t.Errorf("help says %q:\n%s", s, stdout)
				}
			}
		})
	}
}

// Every command's flags and arguments are refused in the tool's words:
// no strconv, pflag or cobra phrasing reaches the user.
func TestFlagAndArgumentErrorsInOwnWords(t *testing.T) {
	offlineAWS(t)
	noAWSCalls(t)
	leaks := []string{"strconv", "invalid argument", "flag needs an argument", "arg(s)", "unknown command", "unknown shorthand", "invalid syntax", "bad flag syntax", "unknown flag:"}
	type run struct {
		args []string
		want string
	}
	runs := []run{
		{[]string{"plan", "--parallelism", "abc"}, `--parallelism wants a whole number, e.g. --parallelism 32; got "abc"`},
		{[]string{"apply", "--parallelism", "1.5"}, `--parallelism wants a whole number, e.g. --parallelism 10; got "1.5"`},
		{[]string{"show"}, "show needs the plan file to show: eksctl-lite show FILE"},
		{[]string{"show", "a", "b"}, "show shows one plan file, got 2: a b"},
		{[]string{"version", "x"}, `eksctl-lite version takes no arguments, got "x"`},
		{[]string{"plna"}, `"plna" is not an eksctl-lite command; did you mean eksctl-lite plan?`},
		{[]string{"completion", "nosh"}, `"nosh" is not a shell eksctl-lite completion knows`},
		{[]string{"plan", "--out"}, "--out needs a value: --out FILE"},
		{[]string{"plan", "--json=maybe"}, `--json is a switch: give it alone (--json) or as --json=true or --json=false; got "maybe"`},
		{[]string{"plan", "---x"}, "---x is not a flag"},
		{[]string{"plan", "--bogus"}, "unknown flag --bogus for eksctl-lite plan"},
	}
	// And every flag of every command, given a value of the wrong kind or
	// none at all.
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		flags := c.LocalNonPersistentFlags()
		if !c.HasParent() {
			path = []string{"plan"} // the global flags, on one command
			flags = c.PersistentFlags()
		}
		flags.VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" {
				return
			}
			args := append(append([]string{}, path...), "--"+f.Name)
			switch f.Value.Type() {
			case "bool":
				args[len(args)-1] += "=maybe"
			case "int":
				args = append(args, "abc")
			}
			runs = append(runs, run{args, "--" + f.Name})
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCommand())
	for _, r := range runs {
		t.Run(strings.Join(r.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", r.args...)
			if code != 1 || !strings.Contains(stderr, r.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, r.want)
			}
			for _, leak := range leaks {
				if strings.Contains(stderr, leak) {
					t.Errorf("stderr says %q: %q", leak, stderr)
				}
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

package main

import (
	"strings"
	"testing"
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
		"not a flag of plan":    {args: []string{"plan", "-auto-approve"}, want: "unknown shorthand flag: 'a' in -auto-approve"},
		"one letter":            {args: []string{"plan", "-x"}, want: "unknown shorthand flag: 'x' in -x"},
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

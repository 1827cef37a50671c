package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

func TestConfirm(t *testing.T) {
	tests := map[string]struct {
		terminal bool
		input    string
		destroy  bool
		wantErr  string // "" means approved
		wantOut  string
	}{
		"yes":              {terminal: true, input: "yes\n", wantOut: "Do you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: "},
		"yes with spaces":  {terminal: true, input: "  yes  \n"},
		"no":               {terminal: true, input: "no\n", wantErr: "apply cancelled: nothing was changed"},
		"Yes is not yes":   {terminal: true, input: "Yes\n", wantErr: "apply cancelled: nothing was changed"},
		"end of input":     {terminal: true, input: "", wantErr: "apply cancelled: nothing was changed"},
		"destroy question": {terminal: true, input: "yes\n", destroy: true, wantOut: "Do you really want to destroy all resources shown above?\n"},
		"not a terminal":   {terminal: false, input: "yes\n", wantErr: "eksctl-lite apply asks for confirmation, but standard input is not a terminal; run it with --auto-approve"},
		"destroy, not a terminal": {terminal: false, input: "yes\n", destroy: true,
			wantErr: "eksctl-lite destroy asks for confirmation, but standard input is not a terminal; run it with --auto-approve to destroy"},
	}
	defer func(f func(io.Reader) bool) { stdinIsTerminal = f }(stdinIsTerminal)
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			stdinIsTerminal = func(io.Reader) bool { return tt.terminal }
			var out bytes.Buffer
			err := confirm(strings.NewReader(tt.input), &out, tt.destroy)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("confirm: %v, want approval", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("confirm: %v, want %q", err, tt.wantErr)
			}
			var ee *exitError
			if tt.wantErr != "" && tt.terminal && (!errors.As(err, &ee) || ee.code != 1) {
				t.Errorf("a refusal must exit 1: %#v", err)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output %q lacks %q", out.String(), tt.wantOut)
			}
			if !tt.terminal && out.Len() != 0 {
				t.Errorf("asked without a terminal: %q", out.String())
			}
		})
	}
}

func TestSavedPlanDetection(t *testing.T) {
	dir := t.TempDir()
	planFile := filepath.Join(dir, "demo.plan")
	if err := provision.WritePlanFile(planFile, &provision.Plan{FormatVersion: provision.FormatVersion}); err != nil {
		t.Fatal(err)
	}
	hcl := filepath.Join(dir, "main.hcl")
	if err := os.WriteFile(hcl, []byte(`cluster "x" {}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args    []string
		destroy bool
		want    bool
	}{
		"plan file":              {args: []string{planFile}, want: true},
		"configuration file":     {args: []string{hcl}},
		"directory":              {args: []string{dir}},
		"two files":              {args: []string{planFile, hcl}},
		"destroy never uses one": {args: []string{planFile}, destroy: true},
		"missing":                {args: []string{filepath.Join(dir, "nope")}},
		"no args":                {},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := savedPlan(tt.args, tt.destroy)
			if err != nil {
				t.Fatal(err)
			}
			if got := p != nil; got != tt.want {
				t.Errorf("savedPlan(%v) = %v, want a plan: %v", tt.args, p, tt.want)
			}
		})
	}
}

func TestApplyRefusesBadFlags(t *testing.T) {
	dir := t.TempDir()
	planFile := filepath.Join(dir, "demo.plan")
	if err := provision.WritePlanFile(planFile, &provision.Plan{FormatVersion: provision.FormatVersion}); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args []string
		want string
	}{
		"parallelism":         {args: []string{"apply", "--parallelism", "0"}, want: "--parallelism must be at least 1"},
		"vars with a plan":    {args: []string{"apply", "--var", "a=b", planFile}, want: "cannot be used with a saved plan"},
		"adopt with a plan":   {args: []string{"apply", "--adopt", planFile}, want: "cannot be used with a saved plan"},
		"destroy parallelism": {args: []string{"destroy", "--parallelism", "-1"}, want: "--parallelism must be at least 1"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			root := newRootCommand()
			root.SetArgs(tt.args)
			root.SetOut(io.Discard)
			root.SetErr(io.Discard)
			err := root.Execute()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

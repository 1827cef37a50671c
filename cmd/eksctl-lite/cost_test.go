package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

// The cost flags are refused, before any AWS call, when they cannot work:
// a negative threshold, a price file that is not one (named, with what is
// wrong), --pricing with a saved plan.
func TestCostFlagsRefused(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "prices.json")
	if err := os.WriteFile(bad, []byte(`{"currency": "USD", "date": "2025-11-20", "source": "x", "regions": {"us-east-1": {"ec2": {"m6i.large": -1}}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	example := filepath.Join("..", "..", "examples", "minimal")
	saved := filepath.Join(dir, "demo.plan")
	if err := provision.WritePlanFile(saved, &provision.Plan{FormatVersion: provision.FormatVersion}); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args []string
		want []string
	}{
		"negative threshold": {args: []string{"plan", "--cost-threshold", "-5", example}, want: []string{"--cost-threshold -5", "0 or more"}},
		"missing file":       {args: []string{"plan", "--pricing", filepath.Join(dir, "none.json"), example}, want: []string{"--pricing " + filepath.Join(dir, "none.json"), "none.json"}},
		"bad price":          {args: []string{"plan", "--pricing", bad, example}, want: []string{"--pricing " + bad, "m6i.large"}},
		"apply, bad price":   {args: []string{"apply", "--pricing", bad, example}, want: []string{"m6i.large"}},
		"saved plan":         {args: []string{"apply", "--pricing", "aws", saved}, want: []string{"--pricing cannot be used with a saved plan"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			old := newClientsFactory
			t.Cleanup(func() { newClientsFactory = old })
			newClientsFactory = func(context.Context, provision.AWSOptions) (provision.ClientsFactory, error) {
				t.Error("the AWS clients were made: the flags must be refused first")
				return nil, errors.New("no AWS in this test")
			}
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
			}
			for _, s := range tt.want {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if stdout != "" {
				t.Errorf("stdout %q: nothing may be planned", stdout)
			}
		})
	}
}

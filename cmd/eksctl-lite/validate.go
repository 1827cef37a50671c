package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

func init() { commands = append(commands, newValidateCommand) }

// validateResult is what validate --json prints on stdout.
type validateResult struct {
	Valid        bool                  `json:"valid"`
	ErrorCount   int                   `json:"error_count"`
	WarningCount int                   `json:"warning_count"`
	Diagnostics  []spec.JSONDiagnostic `json:"diagnostics"`
}

func newValidateCommand(g *globalOptions) *cobra.Command {
	var (
		vars   varFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "validate [PATH...]",
		Short: "Check a cluster spec for errors, offline",
		Long: `Validate loads the cluster spec (every *.hcl file in the directory given,
default the current one, or the files given), applies defaults and checks
every rule of the spec language. It makes no AWS call and needs no
credentials, so it suits editors, pre-commit hooks and CI.

Exit status: 0 when the configuration is valid (warnings allowed), 1 when it
is not; the diagnostics go to stderr, or to stdout as JSON with --json.`,
		Example: `  # Validate the spec in the current directory
  eksctl-lite validate

  # Validate an example, setting a variable
  eksctl-lite validate examples/multi-cluster --var env=prod

  # Machine-readable diagnostics for CI annotations
  eksctl-lite validate --json examples/full`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var (
				cfg   *spec.Config
				diags hcl.Diagnostics
			)
			if err := checkConfigPaths(args); err != nil {
				// A plan file is no HCL: say what it is, not what the HCL
				// parser makes of its first line.
				cfg = &spec.Config{Files: map[string]*hcl.File{}}
				diags = hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Not configuration", Detail: sentence(err.Error())}}
			} else {
				cfg, diags = spec.Load(vars.loadOptions(args))
			}
			errs, warns := countDiagnostics(diags)
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				err := enc.Encode(validateResult{
					Valid:        errs == 0,
					ErrorCount:   errs,
					WarningCount: warns,
					Diagnostics:  spec.DiagnosticsJSON(diags),
				})
				if err != nil {
					return err
				}
			} else {
				if err := g.writeDiagnostics(cmd, cfg.Files, diags); err != nil {
					return err
				}
				if errs == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "Success! The configuration is valid.")
					fmt.Fprintln(cmd.OutOrStdout(), configSummary(cfg))
				}
			}
			if errs > 0 {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	vars.add(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"valid", "error_count", "warning_count", "diagnostics"} as JSON on stdout`)
	// A CI job that asked for JSON parses stdout whatever went wrong, also
	// when a flag is wrong (--var without =, an unknown flag).
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if p := c.Parent(); p != nil {
			err = p.FlagErrorFunc()(c, err) // the root's wording of flag errors
		}
		if !asJSON && !askedForJSON(commandLine()) {
			return err
		}
		enc := json.NewEncoder(c.OutOrStdout())
		enc.SetIndent("", "  ")
		if werr := enc.Encode(validateResult{
			ErrorCount: 1,
			Diagnostics: []spec.JSONDiagnostic{{
				Severity: "error",
				Summary:  "Invalid command-line flag",
				Detail:   flagErrorDetail(err),
			}},
		}); werr != nil {
			return werr
		}
		return &exitError{code: 1}
	})
	return cmd
}

// flagErrorDetail is a flag error as a diagnostic's detail, pointing at
// --help unless it does already.
func flagErrorDetail(err error) string {
	if strings.Contains(err.Error(), "--help") {
		return sentence(err.Error())
	}
	return sentence(err.Error()) + " Run eksctl-lite validate --help for the flags it accepts."
}

// sentence ends s with a full stop unless it ends a sentence already.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

// commandLine returns the process's arguments. pflag stops at the first
// bad flag, so a --json after it is never parsed; the flag error handler
// looks for it here. Tests replace it.
var commandLine = func() []string { return os.Args[1:] }

// askedForJSON reports whether args hold --json (or --json=true) before
// any "--" that ends the flags.
func askedForJSON(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--json" {
			return true
		}
		if v, ok := strings.CutPrefix(a, "--json="); ok {
			b, err := strconv.ParseBool(v)
			return err == nil && b
		}
	}
	return false
}

// colorFor reports whether output to w may be coloured: only when w is a
// terminal and colour is not turned off.
func colorFor(g *globalOptions, w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && g.color(f)
}

// countDiagnostics counts errors and warnings.
func countDiagnostics(diags hcl.Diagnostics) (errs, warns int) {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

// configSummary is one line counting what a configuration declares, e.g.
// "1 cluster, 2 node groups, 1 Fargate profile, 0 IRSA roles.", with the
// self-managed node groups (after the node groups), access entries,
// add-ons, Pod Identity associations and connected clusters when there
// are any.
func configSummary(cfg *spec.Config) string {
	var ngs, smngs, fps, irsa, entries, addons, pods int
	for _, c := range cfg.Clusters {
		ngs += len(c.NodeGroups)
		smngs += len(c.SelfManagedNodeGroups)
		fps += len(c.FargateProfiles)
		irsa += len(c.IRSA)
		entries += len(c.AccessEntries)
		addons += len(c.Addons)
		pods += len(c.PodIdentities)
	}
	parts := []string{
		plural(len(cfg.Clusters), "cluster", "clusters"),
		plural(ngs, "node group", "node groups"),
	}
	if smngs > 0 {
		parts = append(parts, plural(smngs, "self-managed node group", "self-managed node groups"))
	}
	parts = append(parts,
		plural(fps, "Fargate profile", "Fargate profiles"),
		plural(irsa, "IRSA role", "IRSA roles"),
	)
	for _, p := range []struct {
		n         int
		one, many string
	}{{entries, "access entry", "access entries"}, {addons, "add-on", "add-ons"}, {pods, "Pod Identity association", "Pod Identity associations"},
		{len(cfg.ConnectedClusters), "connected cluster", "connected clusters"}} {
		if p.n > 0 {
			parts = append(parts, plural(p.n, p.one, p.many))
		}
	}
	return strings.Join(parts, ", ") + "."
}

// plural spells n things.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/provision"
	"github.com/eksctl-lite/eksctl-lite/spec"
)

// loadAndPlan is the shared front half of plan, apply and destroy: it loads
// the configuration at paths (with the --var and --var-file flags in vars),
// prints every diagnostic (warnings too) to stderr, builds the AWS clients
// from the global flags, and makes the plan with opts. ctx is the run's
// context, cancelled by the first interrupt sig handles; the reading of
// AWS is bounded by EKSCTL_LITE_TIMEOUT_PLAN.
//
// On any error it has already told the user everything and returns an
// *exitError with code 1 (err == nil, so main prints nothing more), or 130
// or 143 when interrupted: callers just return it from RunE. The
// ClientsFactory is returned so that apply can use the same clients.
func loadAndPlan(ctx context.Context, cmd *cobra.Command, g *globalOptions, vars *varFlags, paths []string, opts provision.PlanOptions, sig *interrupts, lock *runLock) (*provision.Plan, provision.ClientsFactory, error) {
	cfg, diags, clients, err := loadSpec(ctx, cmd, g, vars, paths)
	if err != nil {
		return nil, nil, err
	}
	files := cfg.Files
	// The locks of the declared clusters, before anything is read: a run
	// that waited for them plans from what the other run left.
	if lock != nil {
		keys, err := provision.ConfigLockKeys(cfg, clients)
		if err == nil {
			err = lock.acquire(ctx, provision.LockSettingsOf(cfg.Lock), clients, keys)
		}
		if err != nil {
			_ = g.writeDiagnostics(cmd, files, diags)
			return nil, nil, g.lockError(cmd, sig, ctx, err)
		}
	}
	for {
		readCtx, cancel := context.WithTimeout(ctx, g.timeouts.Plan)
		plan, planDiags := provision.MakePlan(readCtx, cfg, clients, opts)
		if ierr := sig.interrupted(); ierr != nil {
			cancel()
			return nil, nil, ierr // the handler said so; what failed since is its doing
		}
		planDiags = g.planDiags(ctx, readCtx, planDiags)
		cancel()
		// A plan that changes clusters the configuration does not declare
		// (removed blocks) takes their locks too, and is made again under
		// them.
		if lock != nil && plan != nil && !planDiags.HasErrors() && !lock.holdsAll(plan.LockKeys()) {
			if err := lock.acquire(ctx, plan.Lock, clients, plan.LockKeys()); err != nil {
				_ = g.writeDiagnostics(cmd, files, diags)
				return nil, nil, g.lockError(cmd, sig, ctx, err)
			}
			continue
		}
		diags = append(diags, planDiags...)
		if len(diags) > 0 {
			_ = g.writeDiagnostics(cmd, files, diags)
		}
		if diags.HasErrors() || plan == nil {
			return nil, nil, &exitError{code: 1}
		}
		return plan, clients, nil
	}
}

// loadSpec loads the configuration and makes its AWS clients; on an error
// it has printed the diagnostics. Warnings are returned, to print with the
// plan's.
func loadSpec(ctx context.Context, cmd *cobra.Command, g *globalOptions, vars *varFlags, paths []string) (*spec.Config, hcl.Diagnostics, provision.ClientsFactory, error) {
	if err := g.checkAWSEnv(); err != nil {
		return nil, nil, nil, err
	}
	if err := checkConfigPaths(paths); err != nil {
		return nil, nil, nil, err
	}
	cfg, diags := spec.Load(vars.loadOptions(paths))
	files := map[string]*hcl.File{}
	if cfg != nil {
		files = cfg.Files
	}
	if diags.HasErrors() || cfg == nil {
		_ = g.writeDiagnostics(cmd, files, diags)
		return nil, nil, nil, &exitError{code: 1}
	}
	clients, err := newClientsFactory(ctx, g.awsOptions())
	if err != nil {
		_ = g.writeDiagnostics(cmd, files, diags)
		return nil, nil, nil, &exitError{code: 1, err: err}
	}
	return cfg, diags, clients, nil
}

// loadConfig is loadSpec for commands that plan nothing (force-unlock):
// warnings are printed at once.
func loadConfig(ctx context.Context, cmd *cobra.Command, g *globalOptions, vars *varFlags, paths []string) (*spec.Config, provision.ClientsFactory, error) {
	cfg, diags, clients, err := loadSpec(ctx, cmd, g, vars, paths)
	if err != nil {
		return nil, nil, err
	}
	if len(diags) > 0 {
		_ = g.writeDiagnostics(cmd, cfg.Files, diags)
	}
	return cfg, clients, nil
}

// planDiags turns the diagnostics of reading AWS under readCtx (derived
// from the run's ctx) into what the user needs: the reads that failed for
// one cause said once, with the fix, and the end of EKSCTL_LITE_TIMEOUT_PLAN
// said once instead of every read it cut short.
func (g *globalOptions) planDiags(ctx, readCtx context.Context, diags hcl.Diagnostics) hcl.Diagnostics {
	if ctx.Err() == nil && errors.Is(readCtx.Err(), context.DeadlineExceeded) && diags.HasErrors() {
		kept := hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Reading AWS did not finish within %v (%s)", g.timeouts.Plan, provision.EnvPlanTimeout),
			Detail:   fmt.Sprintf("Every AWS call still unanswered was stopped; nothing was changed. %s: run the command again, or raise %s.", tooSlow(g.endpoint()), provision.EnvPlanTimeout),
		}}
		for _, d := range diags {
			if err, ok := d.Extra.(error); ok && d.Severity == hcl.DiagError && errors.Is(err, context.DeadlineExceeded) {
				continue
			}
			kept = append(kept, d)
		}
		diags = kept
	}
	return collapseAWSDiags(diags, g.endpoint(), g.timeouts.Call)
}

// tooSlow says who answered too slowly: AWS, or the endpoint set instead.
func tooSlow(endpoint string) string {
	if endpoint == "" {
		return "AWS, or the network to it, answers too slowly"
	}
	return fmt.Sprintf("The endpoint %s answers too slowly", endpoint)
}

// newClientsFactory builds the AWS clients; tests replace it with fakes.
var newClientsFactory = provision.NewClientsFactory

// awsOptions are the global flags that configure AWS access.
func (g *globalOptions) awsOptions() provision.AWSOptions {
	return provision.AWSOptions{Region: g.region, Profile: g.profile, EndpointURL: g.endpointURL, CallTimeout: g.timeouts.Call}
}

// checkAWSEnv refuses, before any AWS call, an endpoint URL no call could
// use and an EKSCTL_LITE_TIMEOUT_AWS_CALL or EKSCTL_LITE_TIMEOUT_PLAN that
// is not a duration; it keeps the timeouts for awsOptions.
func (g *globalOptions) checkAWSEnv() error {
	if err := g.checkEndpoint(); err != nil {
		return err
	}
	t, err := provision.AWSTimeoutsFromEnv(os.Environ())
	if err != nil {
		return err
	}
	g.timeouts = t
	return nil
}

// endpoint is the endpoint every AWS call goes to when one is set
// (--endpoint-url, else AWS_ENDPOINT_URL), "" for AWS itself.
func (g *globalOptions) endpoint() string {
	if g.endpointURL != "" {
		return g.endpointURL
	}
	return os.Getenv("AWS_ENDPOINT_URL")
}

// checkEndpoint refuses an endpoint URL that no AWS call could use, before
// any is made: without it the SDK would retry a request it cannot even send.
func (g *globalOptions) checkEndpoint() error {
	if err := checkEndpointURL("--endpoint-url", g.endpointURL); err != nil {
		return err
	}
	for _, env := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EKS", "AWS_ENDPOINT_URL_IAM"} {
		if err := checkEndpointURL(env, os.Getenv(env)); err != nil {
			return err
		}
	}
	return nil
}

// checkEndpointURL checks that s ("" is fine: not set) is an absolute http
// or https URL; name is the flag or variable it came from.
func checkEndpointURL(name, s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return nil
	}
	hint := "e.g. http://127.0.0.1:4566 for a local emulator"
	if !strings.Contains(s, "://") {
		hint = fmt.Sprintf("did you mean http://%s?", s)
	}
	return fmt.Errorf("%s %q is not an absolute http:// or https:// URL; %s", name, s, hint)
}

// parallelismFlag validates --parallelism.
func parallelismFlag(n int) error {
	if n < 1 {
		return fmt.Errorf("--parallelism must be at least 1, got %d", n)
	}
	return nil
}

// checkConfigPaths refuses a saved plan (plan --out) or a JSON plan (plan
// --json) among paths that must name configuration: the HCL parser would
// only say "Argument or block definition required" about its first line.
// "apply PLANFILE" never gets here: apply takes a lone saved plan first.
func checkConfigPaths(paths []string) error {
	for _, p := range paths {
		switch planFileKind(p) {
		case savedPlanFile:
			also := ""
			if len(paths) > 1 {
				also = "; it cannot be combined with other paths"
			}
			return fmt.Errorf("%s is a saved plan, not configuration: run eksctl-lite apply %s or eksctl-lite show %s%s", p, p, p, also)
		case jsonPlanFile:
			return fmt.Errorf("%s is the output of plan --json, which is for reading, not configuration, and cannot be applied: to apply a reviewed plan, save it with eksctl-lite plan --out FILE and run eksctl-lite apply FILE", p)
		case otherJSONFile:
			return fmt.Errorf("%s is JSON, but neither configuration (HCL, *.hcl) nor an eksctl-lite plan file (save one with eksctl-lite plan --out FILE)", p)
		}
	}
	return nil
}

type fileKind int

const (
	otherFile     fileKind = iota // configuration, a directory, missing: spec.Load decides
	savedPlanFile                 // written by plan --out
	jsonPlanFile                  // printed by plan --json or show --json
	otherJSONFile                 // any other JSON: neither HCL nor a plan
)

// planFileKind tells a plan file from configuration by its content. A JSON
// object cannot be native HCL syntax, the only syntax spec.Load reads, so
// looking is safe.
func planFileKind(path string) fileKind {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return otherFile
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		return otherFile
	}
	if _, err := provision.ReadPlanFile(path); err == nil || !errors.Is(err, provision.ErrNotPlanFile) {
		return savedPlanFile // a modified, damaged or too new plan file is still a plan file
	}
	var jp struct {
		FormatVersion   *string          `json:"format_version"`
		ResourceChanges *json.RawMessage `json:"resource_changes"`
	}
	if json.Unmarshal(b, &jp) == nil && jp.FormatVersion != nil && jp.ResourceChanges != nil {
		return jsonPlanFile
	}
	return otherJSONFile
}

// Plan diagnostics from AWS read failures carry the SDK's error text, one
// line per failed call. When many calls fail for one reason (nothing
// listens at the endpoint, no credentials), the reason is what the user
// needs, once, with the fix for it, not the same transport error for every
// cluster, node group and role. provision.ClassifyAWSErrors says why each
// call failed, from the error the diagnostic carries in Extra.

// saidOnce are the causes whose diagnostics become one; the others
// (access denied, throttled, ...) name the resource whose read failed,
// so each stays as it is.
var saidOnce = map[provision.CauseKind]bool{
	provision.CannotConnect: true,
	provision.NoAnswer:      true,
	provision.NoCredentials: true,
}

// classifyAWSDiag returns the cause of an error diagnostic whose every
// failed call failed for the same one of saidOnce, with the causes' details
// and endpoints; 0 when they differ or it is not an AWS read failure.
func classifyAWSDiag(d *hcl.Diagnostic) (provision.CauseKind, []string, []string) {
	err, ok := d.Extra.(error) // the planner attaches the error
	if d.Severity != hcl.DiagError || !ok {
		return 0, nil, nil
	}
	causes, ok := provision.ClassifyAWSErrors(err)
	if !ok {
		return 0, nil, nil
	}
	var kind provision.CauseKind
	var details, endpoints []string
	for _, c := range causes {
		if !saidOnce[c.Kind] || (kind != 0 && c.Kind != kind) {
			return 0, nil, nil
		}
		kind = c.Kind
		if c.Detail != "" {
			details = appendNew(details, c.Detail)
		}
		if c.Endpoint != "" {
			endpoints = appendNew(endpoints, c.Endpoint)
		}
	}
	return kind, details, endpoints
}

// collapseAWSDiags replaces the error diagnostics that failed for the same
// root cause with one diagnostic that says the cause and the fix, in the
// place of the first; every other diagnostic is kept as it is. endpoint is
// --endpoint-url or AWS_ENDPOINT_URL ("" when calls go to AWS); callTimeout
// is the per-attempt timeout, for the fix of calls that got no answer.
func collapseAWSDiags(diags hcl.Diagnostics, endpoint string, callTimeout time.Duration) hcl.Diagnostics {
	type group struct {
		at                int
		n                 int
		subject           *hcl.Range
		causes, endpoints []string
	}
	groups := map[provision.CauseKind]*group{}
	var out hcl.Diagnostics
	for _, d := range diags {
		class, causes, endpoints := classifyAWSDiag(d)
		if class == 0 {
			out = append(out, d)
			continue
		}
		gr := groups[class]
		if gr == nil {
			gr = &group{at: len(out), subject: d.Subject}
			groups[class] = gr
			out = append(out, nil) // filled in below
		}
		gr.n++
		for _, c := range causes {
			gr.causes = appendNew(gr.causes, c)
		}
		for _, e := range endpoints {
			gr.endpoints = appendNew(gr.endpoints, e)
		}
	}
	for class, gr := range groups {
		d := &hcl.Diagnostic{Severity: hcl.DiagError}
		if gr.n == 1 {
			d.Subject = gr.subject
		}
		causes := gr.causes
		if len(causes) > 3 {
			causes = append(causes[:3:3], "...")
		}
		where := strings.Join(gr.endpoints, " and ")
		if endpoint != "" {
			where = endpoint
		}
		switch class {
		case provision.CannotConnect:
			d.Summary = "Cannot connect to AWS"
			if where != "" {
				d.Summary += " at " + where
			}
			fix := "Check your network connection, proxy and DNS settings, and the region, then run the command again."
			if endpoint != "" {
				fix = fmt.Sprintf("Is the endpoint running? Check --endpoint-url and AWS_ENDPOINT_URL (now %s), then run the command again.", endpoint)
			}
			d.Detail = fmt.Sprintf("No AWS call reached it: %s\n\n%s", strings.Join(causes, "\n"), fix)
		case provision.NoAnswer:
			d.Summary = "No answer from AWS"
			if where != "" {
				d.Summary += " at " + where
			}
			fix := "Check your network connection and proxy settings, then run the command again."
			if endpoint != "" {
				fix = fmt.Sprintf("Is the endpoint healthy? It accepts connections but answers nothing. Check --endpoint-url and AWS_ENDPOINT_URL (now %s), then run the command again.", endpoint)
			}
			d.Detail = fmt.Sprintf("No AWS call was answered within %v (%s), each tried %d times.\n\n%s On a network that slow, raise %s.",
				callTimeout, provision.EnvCallTimeout, provision.NoAnswerMaxAttempts, fix, provision.EnvCallTimeout)
		case provision.NoCredentials:
			d.Summary = "No AWS credentials found"
			d.Detail = fmt.Sprintf("No AWS call could be signed: %s\n\nNo AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login, then run the command again.", strings.Join(causes, "\n"))
		}
		out[gr.at] = d
	}
	return out
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

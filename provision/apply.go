package provision

// This file is the executor: it turns a Plan into one graph task per
// resource change (graph.go), runs them, and reports what happened. What
// each kind does to AWS lives in <kind>_apply.go; filling in values that
// were unknown at plan time in resolve.go; waiting in wait.go.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Timeouts bound how long apply waits for one resource operation (and for
// a busy resource to accept a call) before giving up on it. A timed-out
// operation carries on in AWS; the next apply picks it up.
type Timeouts struct {
	ClusterCreate  time.Duration // EKSCTL_LITE_TIMEOUT_CLUSTER_CREATE, default 40m
	ClusterUpdate  time.Duration // EKSCTL_LITE_TIMEOUT_CLUSTER_UPDATE, default 60m (per update)
	ClusterDelete  time.Duration // EKSCTL_LITE_TIMEOUT_CLUSTER_DELETE, default 30m
	NodeGroup      time.Duration // EKSCTL_LITE_TIMEOUT_NODE_GROUP, default 60m
	FargateProfile time.Duration // EKSCTL_LITE_TIMEOUT_FARGATE_PROFILE, default 10m
	IAM            time.Duration // EKSCTL_LITE_TIMEOUT_IAM, default 2m
	Addon          time.Duration // EKSCTL_LITE_TIMEOUT_ADDON, default 20m
}

// DefaultTimeouts suit real AWS: EKS documents cluster creation and
// deletion as taking 10-15 minutes and version updates up to an hour.
var DefaultTimeouts = Timeouts{
	ClusterCreate:  40 * time.Minute,
	ClusterUpdate:  60 * time.Minute,
	ClusterDelete:  30 * time.Minute,
	NodeGroup:      60 * time.Minute,
	FargateProfile: 10 * time.Minute,
	IAM:            2 * time.Minute,
	Addon:          20 * time.Minute,
}

// Environment variables that tune apply; each holds a Go duration ("5s", "2m").
const (
	// EnvPollInterval is the first pause between two polls of a resource
	// (default 15s; the pause grows up to twice that).
	EnvPollInterval = "EKSCTL_LITE_POLL_INTERVAL"
	// EnvProgressInterval is how often a "Still creating..." line is
	// printed for a running action (default 30s).
	EnvProgressInterval = "EKSCTL_LITE_PROGRESS_INTERVAL"
	envTimeoutPrefix    = "EKSCTL_LITE_TIMEOUT_"
)

// ApplyOptions tune Apply. Zero fields take their defaults.
type ApplyOptions struct {
	// Parallelism is how many resource actions run at once (default 10).
	Parallelism int
	// Progress receives the progress lines and the closing summary.
	Progress io.Writer
	// Events, when set, receives JSON-lines events instead of Progress's
	// lines (events.go).
	Events *Events
	// PollInterval is the first pause between polls (default 15s); pauses
	// grow by half each time up to MaxPollInterval (default twice PollInterval).
	PollInterval    time.Duration
	MaxPollInterval time.Duration
	// StillEvery is how often a running action prints a "Still ..." line
	// (default 30s; negative never).
	StillEvery time.Duration
	// Timeouts per kind; zero fields take DefaultTimeouts'.
	Timeouts Timeouts
}

// ApplyOptionsFromEnv returns ApplyOptions whose poll interval, progress
// interval and timeouts come from the environment (EKSCTL_LITE_POLL_INTERVAL,
// EKSCTL_LITE_PROGRESS_INTERVAL, EKSCTL_LITE_TIMEOUT_<KIND>) where set.
func ApplyOptionsFromEnv(environ []string) (ApplyOptions, error) {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	var o ApplyOptions
	var errs []error
	parse := func(name string, dst *time.Duration) {
		v, ok := env[name]
		if !ok || v == "" {
			return
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s=%q is not a positive duration such as 30s or 5m", name, v))
			return
		}
		*dst = d
	}
	parse(EnvPollInterval, &o.PollInterval)
	parse(EnvProgressInterval, &o.StillEvery)
	for name, dst := range o.Timeouts.fields() {
		parse(envTimeoutPrefix+name, dst)
	}
	return o, errors.Join(errs...)
}

// fields maps each timeout's environment variable suffix to the field.
func (t *Timeouts) fields() map[string]*time.Duration {
	return map[string]*time.Duration{
		"CLUSTER_CREATE":  &t.ClusterCreate,
		"CLUSTER_UPDATE":  &t.ClusterUpdate,
		"CLUSTER_DELETE":  &t.ClusterDelete,
		"NODE_GROUP":      &t.NodeGroup,
		"FARGATE_PROFILE": &t.FargateProfile,
		"IAM":             &t.IAM,
		"ADDON":           &t.Addon,
	}
}

func (o ApplyOptions) withDefaults() ApplyOptions {
	if o.Parallelism <= 0 {
		o.Parallelism = 10
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 15 * time.Second
	}
	if o.MaxPollInterval < o.PollInterval {
		o.MaxPollInterval = 2 * o.PollInterval
	}
	if o.StillEvery == 0 {
		o.StillEvery = 30 * time.Second
	}
	defaults := DefaultTimeouts
	got, def := o.Timeouts.fields(), defaults.fields()
	for k, p := range got {
		if *p <= 0 {
			*p = *def[k]
		}
	}
	return o
}

// waiter returns the waiter for one kind of operation.
func (o ApplyOptions) waiter(timeout time.Duration, envSuffix string) waiter {
	return waiter{Interval: o.PollInterval, MaxInterval: o.MaxPollInterval, Timeout: timeout, TimeoutEnv: envTimeoutPrefix + envSuffix}
}

// Outcome is how one resource change ended.
type Outcome string

// The outcomes of a resource change.
const (
	OutcomeDone        Outcome = "done"
	OutcomeFailed      Outcome = "failed"
	OutcomeSkipped     Outcome = "skipped"
	OutcomeInterrupted Outcome = "interrupted"
	OutcomeNotStarted  Outcome = "not started"
)

// ResourceResult is what apply did with one resource change.
type ResourceResult struct {
	Address string
	Type    Type
	Action  Action
	Outcome Outcome
	// Err says why for failed ("creating node group ...: ..."), skipped
	// ("upstream failed: cluster.demo") and interrupted outcomes.
	Err error
	// Elapsed is how long the action ran (zero when it did not).
	Elapsed time.Duration
}

// ApplyResult is what one apply did.
type ApplyResult struct {
	// Resources has one entry per change of the plan, in plan order.
	Resources []ResourceResult
	// Counts of the changes that completed.
	Added, Changed, Replaced, Destroyed int
	// Interrupted is true when the run was stopped before the end.
	Interrupted bool
	// Instructions are the plan's, filled in from what apply made; only
	// when every change completed.
	Instructions []ResolvedInstruction
}

// OK reports whether every change completed.
func (r *ApplyResult) OK() bool {
	for _, rr := range r.Resources {
		if rr.Outcome != OutcomeDone {
			return false
		}
	}
	return true
}

// Count returns how many resource changes ended with outcome o.
func (r *ApplyResult) Count(o Outcome) int {
	n := 0
	for _, rr := range r.Resources {
		if rr.Outcome == o {
			n++
		}
	}
	return n
}

// err summarises an incomplete run.
func (r *ApplyResult) err() error {
	if r.OK() {
		return nil
	}
	var parts []string
	for _, o := range []Outcome{OutcomeFailed, OutcomeInterrupted, OutcomeSkipped, OutcomeNotStarted} {
		if n := r.Count(o); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	what := "apply did not complete"
	if r.Interrupted {
		what = "apply was interrupted"
	}
	return fmt.Errorf("%s: %s", what, strings.Join(parts, ", "))
}

// Apply carries out the plan: every change runs as soon as the changes it
// depends on are done, at most opts.Parallelism at once. When ctx is
// cancelled (an interrupt) no new action starts; calls in flight return and
// waits stop. A change failing skips only what depends on it. Apply prints
// progress and a closing summary to opts.Progress and returns an error when
// any change did not complete; the result says which and why.
func Apply(ctx context.Context, p *Plan, clients ClientsFactory, opts ApplyOptions) (*ApplyResult, error) {
	opts = opts.withDefaults()
	e := &executor{
		plan:     p,
		clients:  clients,
		opts:     opts,
		progress: newProgressFor(opts),
		live:     map[string]any{},
		created:  map[string]time.Time{},
	}
	g, err := e.graph()
	if err != nil {
		return nil, err
	}
	results := g.Run(ctx, opts.Parallelism)
	res := &ApplyResult{Interrupted: ctx.Err() != nil}
	for i, tr := range results {
		c := p.Changes[i]
		rr := ResourceResult{Address: c.Address, Type: c.Type, Action: c.Action, Err: tr.Err}
		if !tr.Start.IsZero() {
			rr.Elapsed = tr.End.Sub(tr.Start)
		}
		switch tr.State {
		case TaskDone:
			rr.Outcome = OutcomeDone
			switch c.Action {
			case Create:
				res.Added++
			case Update:
				res.Changed++
			case Replace:
				res.Replaced++
			case Delete:
				res.Destroyed++
			}
		case TaskFailed:
			rr.Outcome = OutcomeFailed
		case TaskSkipped:
			rr.Outcome = OutcomeSkipped
		case TaskInterrupted:
			rr.Outcome = OutcomeInterrupted
		default:
			rr.Outcome = OutcomeNotStarted
		}
		res.Resources = append(res.Resources, rr)
	}
	e.progress.summary(res, p.Destroy)
	if res.OK() {
		for _, in := range p.Instructions {
			res.Instructions = append(res.Instructions, in.Resolve(func(addr string) any {
				e.mu.Lock()
				defer e.mu.Unlock()
				if v := e.live[addr]; v != nil {
					return v
				}
				return p.planObject(addr)
			}))
		}
	}
	return res, res.err()
}

// executor is one Apply run.
type executor struct {
	plan     *Plan
	clients  ClientsFactory
	opts     ApplyOptions
	progress *Progress

	mu sync.Mutex
	// live holds each finished resource's live attributes (*ClusterAttrs,
	// ...), from which resolve.go fills in values known after apply.
	live map[string]any
	// created records when this run created each IAM role (by ARN): EKS
	// may not see a brand-new role for a few seconds (IAM is eventually
	// consistent), and calls naming it are retried meanwhile.
	created map[string]time.Time
}

// graph builds one task per change. Ordering, general over kinds:
//   - a create, update, replace or no-op of R waits for the non-delete
//     changes of R.DependsOn (the role before the cluster, the cluster
//     before its node groups, the OIDC provider before irsa roles);
//   - a delete of X waits for every other change R that uses X, that is,
//     whose DependsOn names X or whose live attributes (Before) mention X's
//     ARN: children are deleted before parents, and a role is deleted only
//     after the replacement that stops using it is done.
//
// Fargate creates and deletes take the lock fargate:<region>/<cluster>
// because EKS allows one Fargate profile in CREATING or DELETING per
// cluster (EKS API reference, CreateFargateProfile). So does the no-op of a
// profile an interrupted run left CREATING or DELETING, while it waits for
// it: EKS holds that lock already, and the task resumes (Task.Resumes), so
// no other profile of the cluster is sent to be refused meanwhile.
func (e *executor) graph() (*Graph, error) {
	byAddr := map[string]*ResourceChange{}
	for _, c := range e.plan.Changes {
		if byAddr[c.Address] != nil {
			return nil, fmt.Errorf("the plan has two changes for %s", c.Address)
		}
		byAddr[c.Address] = c
	}
	beforeJSON := map[string]string{}
	for _, c := range e.plan.Changes {
		if c.Before != nil {
			b, err := json.Marshal(c.Before)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.Address, err)
			}
			beforeJSON[c.Address] = string(b)
		}
	}
	g := NewGraph()
	for _, c := range e.plan.Changes {
		var deps []string
		if c.Action != Delete {
			for _, d := range c.DependsOn {
				if dc := byAddr[d]; dc != nil && dc.Action != Delete {
					deps = append(deps, d)
				}
			}
		} else {
			arn := liveARN(c.Before)
			for _, r := range e.plan.Changes {
				if r == c {
					continue
				}
				uses := false
				for _, d := range r.DependsOn {
					uses = uses || d == c.Address
				}
				if arn != "" && strings.Contains(beforeJSON[r.Address], arn) {
					uses = true
				}
				if uses {
					deps = append(deps, r.Address)
				}
			}
		}
		k, err := kindOf(c.Type)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Address, err)
		}
		var locks []string
		resumes := false
		if k.locks != nil {
			before, err := typedAttrs(c.Type, c.Before)
			if err != nil {
				return nil, fmt.Errorf("%s: reading the live attributes in the plan: %w", c.Address, err)
			}
			locks, resumes = k.locks(c, before)
		}
		weight := k.weight
		if c.Action == NoOp {
			weight = 0
		}
		if err := g.Add(Task{Key: c.Address, Deps: deps, Locks: locks, Resumes: resumes, Weight: weight, Run: func(ctx context.Context) error {
			return e.run(ctx, c)
		}}); err != nil {
			return nil, err
		}
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("the plan's dependencies are inconsistent (%w); run eksctl-lite plan again and report this if it persists", err)
	}
	return g, nil
}

// liveARN is the ARN of a live resource's attributes, "" if none.
func liveARN(attrs any) string {
	v := reflect.ValueOf(attrs)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	f := v.FieldByName("ARN")
	if !f.IsValid() || f.Kind() != reflect.String {
		return ""
	}
	return f.String()
}

// execution is one resource change being carried out.
type execution struct {
	c       *ResourceChange
	before  any // a copy of c.Before as its kind's *XxxAttrs, nil if absent
	after   any // a copy of c.After with every ref resolved, nil for delete
	eks     EKSAPI
	iam     IAMAPI
	ec2     EC2API
	as      AutoScalingAPI
	opts    ApplyOptions
	act     *activity
	e       *executor
	cluster string
}

// applyFunc carries out one change of a kind and returns the resource's
// live attributes afterwards (nil after a delete) and its id for humans.
type applyFunc func(ctx context.Context, x *execution) (live any, id string, err error)

// run carries out one change.
func (e *executor) run(ctx context.Context, c *ResourceChange) error {
	k, err := kindOf(c.Type)
	if err != nil {
		return fmt.Errorf("%s: eksctl-lite cannot apply it: %w", c.Address, err)
	}
	fn := k.apply
	before, err := typedAttrs(c.Type, c.Before)
	if err != nil {
		return fmt.Errorf("%s: reading the live attributes in the plan: %w", c.Address, err)
	}
	if c.Action == NoOp && !transitional(before) {
		e.record(c.Address, before)
		return nil
	}
	var after any
	if c.Action != Delete && c.After != nil {
		if after, err = typedAttrs(c.Type, c.After); err != nil {
			return fmt.Errorf("%s: reading the desired attributes in the plan: %w", c.Address, err)
		}
		if err := e.resolve(c, after); err != nil {
			return fmt.Errorf("%s: %w", c.Address, err)
		}
	}
	cl, err := e.clients(c.Region)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Address, err)
	}
	x := &execution{c: c, before: before, after: after, eks: cl.EKS, iam: cl.IAM, ec2: cl.EC2, as: cl.AutoScaling, opts: e.opts, e: e, cluster: c.Cluster}
	x.act = e.progress.begin(c, actionDetail(c, k))
	defer x.act.end() // stops the "Still ..." ticker even if fn panics
	live, id, err := fn(x.act.watch(ctx), x)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			x.act.interrupted()
		} else {
			x.act.fail(err)
		}
		return err
	}
	x.act.finish(id)
	if live == nil && c.Action != Delete {
		live = after
	}
	e.record(c.Address, live)
	return nil
}

// actionDetail says more about an action on its "Replacing..." line.
func actionDetail(c *ResourceChange, k *kind) string {
	if c.Action == Replace {
		return k.replaceDetail
	}
	return ""
}

// record keeps a finished resource's live attributes for its dependants.
func (e *executor) record(addr string, live any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.live[addr] = live
}

// liveOf returns the live attributes recorded for addr.
func (e *executor) liveOf(addr string) (any, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.live[addr]
	return v, ok && v != nil
}

// roleCreated remembers that this run created the role arn just now.
func (e *executor) roleCreated(arn string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.created[arn] = time.Now()
}

// freshRole reports whether this run created the role arn within the IAM
// timeout: EKS may not see it yet.
func (e *executor) freshRole(arn string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.created[arn]
	return ok && time.Since(t) < e.opts.Timeouts.IAM
}

// transitional reports whether live attributes show an operation in
// progress (CREATING, UPDATING, DELETING): dependants must wait for it to end.
func transitional(attrs any) bool {
	return transitionalStatus(statusOf(attrs))
}

// transitionalStatus reports an EKS status that ends by itself: the
// resource is being created, updated or deleted.
func transitionalStatus(status string) bool {
	return status == "CREATING" || status == "UPDATING" || status == "PENDING" || status == "DELETING"
}

// typedAttrs returns a deep copy of attrs as its kind's attribute struct
// pointer; it accepts the struct, a pointer to it, or its decoded JSON
// (a plan read from a file). nil stays nil.
func typedAttrs(t Type, attrs any) (any, error) {
	if attrs == nil {
		return nil, nil
	}
	if v := reflect.ValueOf(attrs); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, nil
	}
	k, err := kindOf(t)
	if err != nil {
		return nil, err
	}
	dst := k.newAttrs()
	b, err := json.Marshal(attrs)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return nil, err
	}
	return dst, nil
}

// callCtx is the context for one AWS call: not cancelled by an interrupt,
// so that a call in flight completes and its outcome is known.
func callCtx(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// ownedHere reports whether tags mark a resource as this change's: created
// by eksctl-lite for the same address (an earlier, interrupted apply).
func ownedHere(tags map[string]string, c *ResourceChange) bool {
	return tags[TagAddress] == baseAddress(c.Address) && tags[TagCluster] != ""
}

// stillOwned checks, just before apply changes or deletes a live resource
// by name, that it is still the one the plan saw as this configuration's:
// its ownership tags (cluster, region) are those the plan read. The name
// may have been taken since by a resource eksctl-lite does not own (deleted
// and made again by hand, by another configuration, or by the same cluster
// name in another region, IAM being global), which must never be changed
// or deleted. what names the resource for the error.
func (x *execution) stillOwned(what string, tags map[string]string) error {
	var planned map[string]string
	if f, ok := jsonFields(x.before)["tags"].(map[string]any); ok {
		planned = map[string]string{}
		for k, v := range f {
			planned[k], _ = v.(string)
		}
	}
	if owner(tags) != "" && owner(tags) == owner(planned) && tags[TagRegion] == planned[TagRegion] {
		return nil
	}
	// An adoption (--adopt) changes a resource the plan read unowned; it
	// is still that when it is still unowned.
	if strings.HasPrefix(x.c.Reason, "adopting") && owner(planned) == "" && owner(tags) == "" {
		return nil
	}
	who := "it has no " + TagCluster + " tag"
	if o := owner(tags); o != "" {
		who = fmt.Sprintf("it carries %s = %q, %s = %q", TagCluster, o, TagRegion, tags[TagRegion])
	}
	return fmt.Errorf("%s is no longer the one this plan read as eksctl-lite's: %s, so it was replaced since the plan was made by a resource this configuration does not own, and eksctl-lite never changes or deletes that; run eksctl-lite plan again", what, who)
}

// baseAddress strips the "#name" of a deposed address (see address.go).
func baseAddress(addr string) string {
	a, _, _ := strings.Cut(addr, "#")
	return a
}

// tagChanges splits a tags diff into the tags to set and the keys to remove.
func tagChanges(before, after map[string]string) (set map[string]string, remove []string) {
	set = map[string]string{}
	for k, v := range after {
		if bv, ok := before[k]; !ok || bv != v {
			set[k] = v
		}
	}
	for _, k := range sortedKeys(before) {
		if _, ok := after[k]; !ok && !strings.HasPrefix(k, "aws:") {
			remove = append(remove, k)
		}
	}
	return set, remove
}

// unknownStep is the error for a step this engine cannot carry out.
func unknownStep(x *execution, s Step) error {
	return fmt.Errorf("eksctl-lite does not know how to carry out %s on %s; upgrade eksctl-lite or run eksctl-lite plan again", s.Call, x.c.Address)
}

// newProgressFor is the progress view opts ask for: lines, or events.
func newProgressFor(opts ApplyOptions) *Progress {
	p := NewProgress(opts.Progress, opts.StillEvery)
	p.events = opts.Events
	return p
}

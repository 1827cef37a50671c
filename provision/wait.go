package provision

// This file is waiting: polling EKS until a resource is ACTIVE or gone or an
// update has finished, and retrying mutating calls that EKS refuses because
// the resource is busy. Throttling is not handled here: the SDK's retryer
// (aws.go) does that on every call.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// waiter polls with backoff and gives up after a timeout.
type waiter struct {
	// Interval is the first pause between polls; each pause is 1.5 times
	// the last, up to MaxInterval.
	Interval, MaxInterval time.Duration
	// Timeout bounds one wait (and one retry loop).
	Timeout time.Duration
	// TimeoutEnv names the environment variable that raises Timeout, for
	// the error message.
	TimeoutEnv string
}

// TimeoutError says a resource did not reach the state apply waited for.
type TimeoutError struct {
	What   string // "cluster demo to become ACTIVE"
	Status string // the last status seen
	After  time.Duration
	Env    string
}

func (e *TimeoutError) Error() string {
	s := fmt.Sprintf("timed out after %s waiting for %s", e.After, e.What)
	if e.Status != "" {
		s += fmt.Sprintf(" (last status %s)", e.Status)
	}
	s += "; it may still finish in AWS: re-run eksctl-lite apply to continue"
	if e.Env != "" {
		s += ", or allow more time with " + e.Env
	}
	return s
}

// pause sleeps for d unless ctx ends first, and returns ctx's error then.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (w waiter) next(d time.Duration) time.Duration {
	d = d * 3 / 2
	if w.MaxInterval > 0 && d > w.MaxInterval {
		d = w.MaxInterval
	}
	return d
}

// poll calls check until it reports done or an error, the timeout passes
// or ctx is cancelled (the stop of an interrupted apply). check gets a
// context that is not cancelled by that stop, so a call in flight returns
// normally; the wait ends before the next one. what completes "waiting
// for ...", e.g. "cluster demo to become ACTIVE".
func (w waiter) poll(ctx context.Context, what string, check func(ctx context.Context) (done bool, status string, err error)) error {
	callCtx := context.WithoutCancel(ctx)
	start := time.Now()
	interval := w.Interval
	var status string
	for {
		done, st, err := check(callCtx)
		if err != nil || done {
			return err
		}
		status = st
		if w.Timeout > 0 && time.Since(start)+interval > w.Timeout {
			return &TimeoutError{What: what, Status: status, After: w.Timeout, Env: w.TimeoutEnv}
		}
		if err := pause(ctx, interval); err != nil {
			if status != "" {
				return fmt.Errorf("stopped waiting for %s (status %s): %w", what, status, err)
			}
			return fmt.Errorf("stopped waiting for %s: %w", what, err)
		}
		interval = w.next(interval)
	}
}

// retry calls call until it succeeds or fails with an error that busy does
// not recognise, pausing between attempts; EKS answers
// ResourceInUseException while a resource is being created, updated or
// deleted, which means "later", not "no".
func (w waiter) retry(ctx context.Context, what string, busy func(error) bool, call func(ctx context.Context) error) error {
	var last error
	err := w.poll(ctx, what, func(ctx context.Context) (bool, string, error) {
		err := call(ctx)
		if err != nil && busy(err) {
			last = err
			return false, "busy", nil
		}
		return true, "", err
	})
	var te *TimeoutError
	if errors.As(err, &te) && last != nil {
		hint := "re-run eksctl-lite apply to try again"
		if w.TimeoutEnv != "" {
			hint += ", or allow more time with " + w.TimeoutEnv
		}
		return fmt.Errorf("still refused after %s (%w); %s", w.Timeout, last, hint)
	}
	return err
}

// sendUnlessDone makes one update step's call, waiting out
// ResourceInUseException, and InvalidRequestException when a re-read shows
// the resource busy (EKS answers either to an update of a cluster or node
// group that is not ACTIVE); an InvalidRequestException on a resource that
// is not busy stands. Once EKS has refused the step as busy, the
// resource is re-read before every further attempt: the update it was busy
// with may have been this very change (an interrupted apply's), and EKS
// refuses an update that changes nothing ("No changes needed"). For the
// same reason, an error after such a refusal is forgiven when a re-read
// shows the step done: the busy update can finish between the re-read and
// the call. reread reports whether the resource is still busy and whether
// the step is done; skipped says the step turned out done.
func (w waiter) sendUnlessDone(ctx context.Context, what string, reread func(context.Context) (busy, done bool, err error), send func(context.Context) error) (skipped bool, err error) {
	var refused error // the last refusal as busy
	isRefusal := func(err error) bool { return isInUse(err) || (err != nil && err == refused) }
	err = w.retry(ctx, what, isRefusal, func(ctx context.Context) error {
		if refused != nil {
			busy, done, err := reread(ctx)
			switch {
			case err != nil:
				return err
			case busy:
				return refused // still busy: wait on
			case done:
				skipped = true
				return nil
			}
		}
		err := send(ctx)
		switch {
		case err == nil:
			return nil
		case isInUse(err):
			refused = err
		case isInvalidRequest(err):
			busy, done, rerr := reread(ctx)
			switch {
			case rerr != nil:
				// Cannot tell: the refusal stands.
			case busy:
				refused = err
			case done && refused != nil:
				skipped = true
				return nil
			}
		case refused != nil:
			if _, done, rerr := reread(ctx); rerr == nil && done {
				skipped = true
				return nil
			}
		}
		return err
	})
	return skipped, err
}

// runUpdateSteps carries out a change's update steps in order, one EKS
// update at a time, for a cluster (nodegroup "") or a node group, starting
// from the live resource cur: a step the live resource already satisfies is
// skipped (an interrupted apply may have made it), a call refused as busy is
// re-sent only while still needed (sendUnlessDone), and each update EKS
// returns is polled until it succeeds before the next step, as EKS allows
// one update in flight per resource. read describes the resource and says
// whether it is busy (CREATING or UPDATING); it runs again before each step
// after the first, so every step is judged against what the resource is now.
func runUpdateSteps[T any](ctx context.Context, x *execution, w waiter, what, nodegroup string, steps []Step, cur T,
	read func(context.Context) (T, bool, error),
	done func(Step, T) bool,
	send func(context.Context, Step, T, **ekstypes.Update) error,
) error {
	for i, s := range steps {
		if i > 0 {
			if ctx.Err() != nil {
				// Interrupted: start no further update.
				return fmt.Errorf("stopped before %s (%d of %d steps done): %w", s.Call, i, len(steps), ctx.Err())
			}
			// Read the resource again: the last step changed it, and so may
			// an update that was already in flight when this apply began
			// (EKS shows an update's values only once it completes); a step
			// judged against stale values could be sent for nothing, which
			// EKS refuses ("No changes were specified").
			live, busy, err := read(ctx)
			if err != nil {
				return err
			}
			if !busy {
				cur = live
			}
		}
		if done(s, cur) {
			x.act.note("%s: already done, skipped", strings.TrimSuffix(stepLine(s), "..."))
			continue
		}
		x.act.note("%s", stepLine(s))
		var update *ekstypes.Update
		reread := func(ctx context.Context) (bool, bool, error) {
			live, busy, err := read(ctx)
			if err != nil || busy {
				return busy, false, err
			}
			cur = live
			return false, done(s, cur), nil
		}
		skipped, err := w.sendUnlessDone(ctx, what+" to accept "+s.Call, reread,
			func(ctx context.Context) error { return send(ctx, s, cur, &update) })
		if err != nil {
			return fmt.Errorf("%s on %s: %w", s.Call, what, err)
		}
		if skipped {
			x.act.note("%s: done by the update EKS was busy with, skipped", strings.TrimSuffix(stepLine(s), "..."))
		}
		if update != nil && update.Id != nil {
			if err := updateSucceeded(ctx, x.eks, w, x.cluster, nodegroup, aws.ToString(update.Id)); err != nil {
				return err
			}
		}
	}
	return nil
}

// isInUse reports EKS's "the resource is busy" error.
func isInUse(err error) bool {
	var e *ekstypes.ResourceInUseException
	return errors.As(err, &e)
}

// isInvalidRequest reports EKS's InvalidRequestException, which EKS also
// answers to an update of a resource that is not ACTIVE.
func isInvalidRequest(err error) bool {
	var e *ekstypes.InvalidRequestException
	return errors.As(err, &e)
}

// isNotFound reports EKS's "no such resource" error.
func isNotFound(err error) bool {
	var e *ekstypes.ResourceNotFoundException
	return errors.As(err, &e)
}

// updateSucceeded polls DescribeUpdate until the update with id is
// Successful; Failed and Cancelled are errors carrying the update's errors.
// nodegroup is "" for cluster updates.
func updateSucceeded(ctx context.Context, api EKSAPI, w waiter, cluster, nodegroup, id string) error {
	in := &eks.DescribeUpdateInput{Name: aws.String(cluster), UpdateId: aws.String(id)}
	what := "update " + id + " of cluster " + cluster
	if nodegroup != "" {
		in.NodegroupName = aws.String(nodegroup)
		what = "update " + id + " of node group " + nodegroup
	}
	return w.poll(ctx, what+" to succeed", func(ctx context.Context) (bool, string, error) {
		out, err := api.DescribeUpdate(ctx, in)
		if err != nil {
			return false, "", fmt.Errorf("describing %s: %w", what, err)
		}
		if out.Update == nil {
			return false, "", fmt.Errorf("describing %s: EKS returned no update", what)
		}
		switch out.Update.Status {
		case ekstypes.UpdateStatusSuccessful:
			return true, "", nil
		case ekstypes.UpdateStatusFailed, ekstypes.UpdateStatusCancelled:
			return false, "", fmt.Errorf("%s %s: %s", what, strings.ToLower(string(out.Update.Status)), updateErrors(out.Update.Errors))
		}
		return false, string(out.Update.Status), nil
	})
}

func updateErrors(errs []ekstypes.ErrorDetail) string {
	if len(errs) == 0 {
		return "EKS gave no reason"
	}
	var parts []string
	for _, e := range errs {
		s := string(e.ErrorCode)
		if m := aws.ToString(e.ErrorMessage); m != "" {
			s += ": " + m
		}
		if len(e.ResourceIds) > 0 {
			s += " (" + strings.Join(e.ResourceIds, ", ") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// issue is one health issue of a cluster, node group or Fargate profile.
type issue struct {
	code, message string
	resources     []string
}

func formatIssues(issues []issue) string {
	if len(issues) == 0 {
		return "AWS reports no health issue"
	}
	var parts []string
	for _, i := range issues {
		s := i.code
		if i.message != "" {
			s += ": " + i.message
		}
		if len(i.resources) > 0 {
			s += " (" + strings.Join(i.resources, ", ") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// eksResource is what the shared mechanisms need of one kind of EKS
// resource: waiting for it (waitActive, waitGone), adopting it
// (eksAdoption), observing it (observeChildren). T is the SDK's type of it
// (*ekstypes.Cluster, *ekstypes.Nodegroup, *ekstypes.FargateProfile).
type eksResource[T any] struct {
	// noun names the kind in messages ("node group").
	noun string
	// child: the resource is named within its cluster (node groups and
	// Fargate profiles), and "disappeared" names the cluster too.
	child bool
	// describe reads the resource name of cluster (a cluster's describe
	// reads the cluster name, cluster is not used).
	describe func(ctx context.Context, api EKSAPI, cluster, name string) (T, error)
	status   func(T) string
	issues   func(T) []issue
	tags     func(T) map[string]string
	// failed are the statuses that will not become ACTIVE, but for
	// DELETING; deleteFailed is the one a deletion ends in when it fails.
	failed       []string
	deleteFailed string
}

var clusterResource = eksResource[*ekstypes.Cluster]{
	noun: "cluster",
	describe: func(ctx context.Context, api EKSAPI, _, name string) (*ekstypes.Cluster, error) {
		out, err := api.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
		if err != nil {
			return nil, err
		}
		return out.Cluster, nil
	},
	status:       func(c *ekstypes.Cluster) string { return string(c.Status) },
	issues:       clusterIssues,
	tags:         func(c *ekstypes.Cluster) map[string]string { return c.Tags },
	failed:       []string{string(ekstypes.ClusterStatusFailed)},
	deleteFailed: string(ekstypes.ClusterStatusFailed),
}

var nodegroupResource = eksResource[*ekstypes.Nodegroup]{
	noun: "node group", child: true,
	describe: func(ctx context.Context, api EKSAPI, cluster, name string) (*ekstypes.Nodegroup, error) {
		out, err := api.DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{ClusterName: aws.String(cluster), NodegroupName: aws.String(name)})
		if err != nil {
			return nil, err
		}
		return out.Nodegroup, nil
	},
	status:       func(ng *ekstypes.Nodegroup) string { return string(ng.Status) },
	issues:       nodegroupIssues,
	tags:         func(ng *ekstypes.Nodegroup) map[string]string { return ng.Tags },
	failed:       []string{string(ekstypes.NodegroupStatusCreateFailed), string(ekstypes.NodegroupStatusDegraded), string(ekstypes.NodegroupStatusDeleteFailed)},
	deleteFailed: string(ekstypes.NodegroupStatusDeleteFailed),
}

var fargateResource = eksResource[*ekstypes.FargateProfile]{
	noun: "Fargate profile", child: true,
	describe: func(ctx context.Context, api EKSAPI, cluster, name string) (*ekstypes.FargateProfile, error) {
		out, err := api.DescribeFargateProfile(ctx, &eks.DescribeFargateProfileInput{ClusterName: aws.String(cluster), FargateProfileName: aws.String(name)})
		if err != nil {
			return nil, err
		}
		return out.FargateProfile, nil
	},
	status:       func(fp *ekstypes.FargateProfile) string { return string(fp.Status) },
	issues:       fargateIssues,
	tags:         func(fp *ekstypes.FargateProfile) map[string]string { return fp.Tags },
	failed:       []string{string(ekstypes.FargateProfileStatusCreateFailed), string(ekstypes.FargateProfileStatusDeleteFailed)},
	deleteFailed: string(ekstypes.FargateProfileStatusDeleteFailed),
}

// waitActive polls the resource until it is ACTIVE and returns it (the
// last one read, on an error). The failed statuses are errors with the
// resource's health issues; a resource that is being deleted, or is gone,
// will not become ACTIVE.
func waitActive[T any](ctx context.Context, api EKSAPI, w waiter, r eksResource[T], cluster, name string) (T, error) {
	var v T
	err := w.poll(ctx, r.noun+" "+name+" to become ACTIVE", func(ctx context.Context) (bool, string, error) {
		got, err := r.describe(ctx, api, cluster, name)
		if isNotFound(err) {
			if r.child {
				return false, "", fmt.Errorf("%s %s of cluster %s disappeared while waiting for it to become ACTIVE", r.noun, name, cluster)
			}
			return false, "", fmt.Errorf("%s %s disappeared while waiting for it to become ACTIVE", r.noun, name)
		}
		if err != nil {
			return false, "", fmt.Errorf("describing %s %s: %w", r.noun, name, err)
		}
		v = got
		switch st := r.status(v); {
		case st == "ACTIVE":
			return true, "", nil
		case slices.Contains(r.failed, st):
			return false, "", fmt.Errorf("%s %s is %s: %s", r.noun, name, st, formatIssues(r.issues(v)))
		case st == "DELETING":
			return false, "", fmt.Errorf("%s %s is being deleted; wait for the deletion to finish and re-run eksctl-lite apply", r.noun, name)
		default:
			return false, st, nil
		}
	})
	return v, err
}

// waitGone polls the resource until EKS no longer knows it; its
// deleteFailed status is an error with its health issues.
func waitGone[T any](ctx context.Context, api EKSAPI, w waiter, r eksResource[T], cluster, name string) error {
	return w.poll(ctx, r.noun+" "+name+" to be deleted", func(ctx context.Context) (bool, string, error) {
		v, err := r.describe(ctx, api, cluster, name)
		if isNotFound(err) {
			return true, "", nil
		}
		if err != nil {
			return false, "", fmt.Errorf("describing %s %s: %w", r.noun, name, err)
		}
		st := r.status(v)
		if st == r.deleteFailed {
			return false, "", fmt.Errorf("deleting %s %s failed: %s", r.noun, name, formatIssues(r.issues(v)))
		}
		return false, st, nil
	})
}

// clusterActive waits for the cluster to be ACTIVE (waitActive).
func clusterActive(ctx context.Context, api EKSAPI, w waiter, name string) (*ekstypes.Cluster, error) {
	return waitActive(ctx, api, w, clusterResource, name, name)
}

// clusterGone waits until EKS no longer knows the cluster (waitGone).
func clusterGone(ctx context.Context, api EKSAPI, w waiter, name string) error {
	return waitGone(ctx, api, w, clusterResource, name, name)
}

// nodegroupActive waits for the node group to be ACTIVE (waitActive).
func nodegroupActive(ctx context.Context, api EKSAPI, w waiter, cluster, name string) (*ekstypes.Nodegroup, error) {
	return waitActive(ctx, api, w, nodegroupResource, cluster, name)
}

// nodegroupGone waits until the node group is gone (waitGone).
func nodegroupGone(ctx context.Context, api EKSAPI, w waiter, cluster, name string) error {
	return waitGone(ctx, api, w, nodegroupResource, cluster, name)
}

// fargateActive waits for the Fargate profile to be ACTIVE (waitActive).
func fargateActive(ctx context.Context, api EKSAPI, w waiter, cluster, name string) (*ekstypes.FargateProfile, error) {
	return waitActive(ctx, api, w, fargateResource, cluster, name)
}

// fargateGone waits until the Fargate profile is gone (waitGone).
func fargateGone(ctx context.Context, api EKSAPI, w waiter, cluster, name string) error {
	return waitGone(ctx, api, w, fargateResource, cluster, name)
}

// healthIssues converts the health issues of an EKS resource, whatever
// their type (ClusterIssue, Issue, ...): fields reads one's code, message
// and resource IDs.
func healthIssues[I any](items []I, fields func(I) (string, *string, []string)) []issue {
	var out []issue
	for _, i := range items {
		code, msg, ids := fields(i)
		out = append(out, issue{code, aws.ToString(msg), ids})
	}
	return out
}

func clusterIssues(c *ekstypes.Cluster) []issue {
	if c.Health == nil {
		return nil
	}
	return healthIssues(c.Health.Issues, func(i ekstypes.ClusterIssue) (string, *string, []string) {
		return string(i.Code), i.Message, i.ResourceIds
	})
}

func nodegroupIssues(ng *ekstypes.Nodegroup) []issue {
	if ng.Health == nil {
		return nil
	}
	return healthIssues(ng.Health.Issues, func(i ekstypes.Issue) (string, *string, []string) { return string(i.Code), i.Message, i.ResourceIds })
}

func fargateIssues(fp *ekstypes.FargateProfile) []issue {
	if fp.Health == nil {
		return nil
	}
	return healthIssues(fp.Health.Issues, func(i ekstypes.FargateProfileIssue) (string, *string, []string) {
		return string(i.Code), i.Message, i.ResourceIds
	})
}

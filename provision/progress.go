package provision

// This file is apply's progress view: plain lines, one per start and finish
// of each resource action and one now and then while a long one runs, so a
// CI log reads like a terminal. Every line is written whole under a mutex.

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Progress writes apply's progress lines; it is safe for concurrent use.
// A nil *Progress writes nothing.
type Progress struct {
	mu         sync.Mutex
	w          io.Writer
	stillEvery time.Duration
	// events, when set, receives JSON-lines events instead of the lines.
	events *Events
}

// NewProgress returns a Progress writing to w that prints a "Still ..."
// line every stillEvery while an action runs (never if stillEvery <= 0).
func NewProgress(w io.Writer, stillEvery time.Duration) *Progress {
	if w == nil {
		w = io.Discard
	}
	return &Progress{w: w, stillEvery: stillEvery}
}

// printf writes one line.
func (p *Progress) printf(format string, args ...any) {
	if p == nil {
		return
	}
	line := fmt.Sprintf(format, args...)
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.w, line+"\n")
}

// verbs are the words of one action's lines, as Terraform words them.
type verbs struct {
	start, still, done, failed string
}

var actionVerbs = map[Action]verbs{
	Create:  {"Creating...", "Still creating...", "Creation complete", "Creation failed"},
	Update:  {"Modifying...", "Still modifying...", "Modifications complete", "Modifications failed"},
	Replace: {"Replacing...", "Still replacing...", "Replacement complete", "Replacement failed"},
	Delete:  {"Destroying...", "Still destroying...", "Destruction complete", "Destruction failed"},
	NoOp:    {"Waiting for a change in progress in AWS to finish...", "Still waiting...", "Ready", "Waiting failed"},
	Wait:    {"Waiting for a change in progress in AWS to finish...", "Still waiting...", "Ready", "Waiting failed"},
}

// activity is one resource action being carried out.
type activity struct {
	p      *Progress
	c      *ResourceChange
	addr   string
	action Action
	verbs  verbs
	start  time.Time
	stop   chan struct{}
	once   sync.Once

	// retryMu guards the call being retried (see retry_notice.go).
	retryMu   sync.Mutex
	retryCall *retryCall
	retry     retryEvent
}

// begin prints "<addr>: Creating..." (or the action's verb; with the live
// resource's ARN for an existing one, "Destroying... [id=arn:...]") and
// starts the "Still creating... [1m30s elapsed]" ticker.
func (p *Progress) begin(c *ResourceChange, detail string) *activity {
	addr := c.Address
	act := &activity{p: p, c: c, addr: addr, action: c.Action, verbs: actionVerbs[c.Action], start: time.Now(), stop: make(chan struct{})}
	start := act.verbs.start
	if detail != "" {
		start = strings.TrimSuffix(start, "...") + " (" + detail + ")..."
	}
	arn, _ := jsonFields(c.Before)["arn"].(string)
	if arn != "" {
		start += " [id=" + arn + "]"
	}
	if p != nil && p.events != nil {
		p.events.applyStart(c, arn)
	} else {
		p.printf("%s: %s", addr, start)
	}
	if p != nil && p.stillEvery > 0 {
		go func() {
			t := time.NewTicker(p.stillEvery)
			defer t.Stop()
			for {
				select {
				case <-act.stop:
					return
				case <-t.C:
					if p.events != nil {
						p.events.applyProgress(c, act.start, strings.TrimPrefix(act.stillLine(), addr+": "))
						continue
					}
					p.printf("%s", act.stillLine())
				}
			}
		}()
	}
	return act
}

// stillLine is the periodic line: "<addr>: Still creating... [1m30s
// elapsed]", or, while an AWS call of the action is being retried by the
// SDK, "<addr>: retrying CreateNodegroup (HTTP 500, attempt 3 of 10)":
// AWS has not accepted the call yet, so nothing is being created.
func (a *activity) stillLine() string {
	a.retryMu.Lock()
	defer a.retryMu.Unlock()
	if a.retryCall != nil {
		return a.addr + ": " + a.retry.String()
	}
	return fmt.Sprintf("%s: %s [%s elapsed]", a.addr, a.verbs.still, elapsed(time.Since(a.start)))
}

// watch returns ctx whose AWS calls tell the activity about their retries.
func (a *activity) watch(ctx context.Context) context.Context {
	return withRetryListener(ctx, a)
}

func (a *activity) retrying(c *retryCall, e retryEvent) {
	a.retryMu.Lock()
	defer a.retryMu.Unlock()
	a.retryCall, a.retry = c, e
}

func (a *activity) callDone(c *retryCall) {
	a.retryMu.Lock()
	defer a.retryMu.Unlock()
	if a.retryCall == c {
		a.retryCall = nil
	}
}

// note prints one line about the action, e.g. the update step it starts.
func (a *activity) note(format string, args ...any) {
	if a.p != nil && a.p.events != nil {
		a.p.events.applyProgress(a.c, a.start, fmt.Sprintf(format, args...))
		return
	}
	a.p.printf("%s: %s", a.addr, fmt.Sprintf(format, args...))
}

func (a *activity) end() {
	a.once.Do(func() { close(a.stop) })
}

// finish prints "<addr>: Creation complete after 12m3s [id=<ARN>]"; a
// destruction, which named the ARN when it started, names nothing (as in
// Terraform): the resource is gone, and id is only the name it had.
func (a *activity) finish(id string) {
	a.end()
	if a.p != nil && a.p.events != nil {
		a.p.events.applyComplete(a.c, a.start, id)
		return
	}
	s := fmt.Sprintf("%s: %s after %s", a.addr, a.verbs.done, elapsed(time.Since(a.start)))
	if id != "" && a.action != Delete {
		s += " [id=" + id + "]"
	}
	a.p.printf("%s", s)
}

// fail prints "<addr>: Creation failed after 3s: <why>".
func (a *activity) fail(err error) {
	a.end()
	if a.p != nil && a.p.events != nil {
		a.p.events.applyErrored(a.c, a.start, err)
		return
	}
	a.p.printf("%s: %s after %s: %v", a.addr, a.verbs.failed, elapsed(time.Since(a.start)), err)
}

// interrupted prints that apply stopped waiting for the action.
func (a *activity) interrupted() {
	a.end()
	if a.p != nil && a.p.events != nil {
		a.p.events.applyErrored(a.c, a.start, fmt.Errorf("interrupted; the operation may still be running in AWS"))
		return
	}
	a.p.printf("%s: Interrupted after %s; the operation may still be running in AWS", a.addr, elapsed(time.Since(a.start)))
}

// elapsed formats a duration as Terraform does ("1m30s"), with
// milliseconds below a second so short test runs still say something.
func elapsed(d time.Duration) string {
	if d < time.Second {
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Truncate(time.Second).String()
}

// summary prints the closing lines of an apply or destroy.
func (p *Progress) summary(r *ApplyResult, destroy bool) {
	if p == nil {
		return
	}
	if p.events != nil {
		p.events.applySummary(r, destroy)
		return
	}
	var b strings.Builder
	b.WriteString("\n")
	counts, note := applySummary(r, destroy)
	command := "apply"
	if destroy {
		command = "destroy"
	}
	if r.OK() {
		if destroy {
			b.WriteString(withNote("Destroy complete! "+counts, note))
		} else {
			b.WriteString(withNote("Apply complete! "+counts, note))
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		io.WriteString(p.w, b.String())
		return
	}
	switch {
	case r.Interrupted:
		b.WriteString(withNote(fmt.Sprintf("Interrupted: %s stopped starting new actions. %s", command, counts), note))
	case destroy:
		b.WriteString(withNote("Destroy failed. "+counts, note))
	default:
		b.WriteString(withNote("Apply failed. "+counts, note))
	}
	groups := []struct {
		outcome Outcome
		title   string
	}{
		{OutcomeFailed, "Failed:"},
		{OutcomeInterrupted, "In progress when interrupted (AWS carries on with what it was doing):"},
		{OutcomeSkipped, "Skipped because something they need failed:"},
		{OutcomeNotStarted, "Not started:"},
	}
	for _, g := range groups {
		var lines []string
		for _, rr := range r.Resources {
			if rr.Outcome != g.outcome {
				continue
			}
			line := "  " + rr.Address
			if g.outcome == OutcomeNotStarted {
				line += " (" + string(rr.Action) + ")"
			} else if rr.Err != nil {
				line += ": " + rr.Err.Error()
			}
			lines = append(lines, line)
		}
		if len(lines) > 0 {
			fmt.Fprintf(&b, "\n%s\n%s\n", g.title, strings.Join(lines, "\n"))
		}
	}
	fmt.Fprintf(&b, "\nRe-run eksctl-lite %s to continue; it picks up where this run stopped.\n", command)
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.w, b.String())
}

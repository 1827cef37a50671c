package provision

// JSON lines: the machine-readable view of plan and apply, one event a
// line, in the shape of Terraform's -json UI output (@level, @message,
// @module, @timestamp, type and the type's fields), for pipeline
// dashboards: version, planned_change, change_summary, diagnostic,
// apply_start, apply_progress, apply_complete, apply_errored.

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// EventsUIVersion is the version of the JSON lines format: its major
// number changes only if a field changes meaning.
const EventsUIVersion = "1.0"

// Events writes JSON lines; safe for concurrent use.
type Events struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

// NewEvents returns an event writer to w.
func NewEvents(w io.Writer) *Events { return &Events{w: w, now: time.Now} }

// event is one line. Fields beyond the common ones depend on Type.
type event map[string]any

func (e *Events) emit(level, typ, message string, fields event) {
	if e == nil {
		return
	}
	ev := event{"@level": level, "@message": message, "@module": "eksctl-lite.ui",
		"@timestamp": e.now().Format("2006-01-02T15:04:05.000000Z07:00"), "type": typ}
	for k, v := range fields {
		ev[k] = v
	}
	b, _ := json.Marshal(ev)
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.w.Write(append(b, '\n'))
}

// Version is the first event of a run.
func (e *Events) Version(version string) {
	e.emit("info", "version", "eksctl-lite "+version, event{"eksctl_lite": version, "ui": EventsUIVersion})
}

// eventResource is how events name a resource.
func eventResource(c *ResourceChange) map[string]any {
	return map[string]any{"addr": c.Address, "resource_type": string(c.Type), "resource_name": addressLabel(c.Address), "cluster": c.Cluster, "region": c.Region}
}

// eventAction is Terraform's word for an action.
func eventAction(a Action) string {
	switch a {
	case Create:
		return "create"
	case Update:
		return "update"
	case Replace:
		return "replace"
	case Delete:
		return "delete"
	case Wait:
		return "read"
	}
	return "noop"
}

// Plan writes a plan's events: each change (planned_change), then the
// summary (change_summary, operation "plan").
func (e *Events) Plan(p *Plan) {
	if e == nil {
		return
	}
	for _, c := range p.Changes {
		if c.Action == NoOp {
			continue
		}
		fields := event{"change": map[string]any{"resource": eventResource(c), "action": eventAction(c.Action), "reason": c.Reason}}
		e.emit("info", "planned_change", fmt.Sprintf("%s: Plan to %s", c.Address, eventAction(c.Action)), fields)
	}
	add, change, replace, destroy := p.Counts()
	op := "plan"
	if p.Destroy {
		op = "destroy"
	}
	line, _ := planSummary(p)
	e.emit("info", "change_summary", line, event{"changes": map[string]any{"add": add + replace, "change": change, "remove": destroy + replace, "operation": op}})
}

// Diagnostics writes one diagnostic event per diagnostic.
func (e *Events) Diagnostics(diags hcl.Diagnostics) {
	for _, d := range diags {
		level := "error"
		if d.Severity == hcl.DiagWarning {
			level = "warn"
		}
		diag := map[string]any{"severity": map[bool]string{true: "warning", false: "error"}[d.Severity == hcl.DiagWarning], "summary": d.Summary, "detail": d.Detail}
		if r := d.Subject; r != nil && r.Filename != "" {
			diag["range"] = map[string]any{"filename": r.Filename,
				"start": map[string]int{"line": r.Start.Line, "column": r.Start.Column, "byte": r.Start.Byte},
				"end":   map[string]int{"line": r.End.Line, "column": r.End.Column, "byte": r.End.Byte}}
		}
		msg := d.Summary
		if level == "error" {
			msg = "Error: " + msg
		} else {
			msg = "Warning: " + msg
		}
		e.emit(level, "diagnostic", msg, event{"diagnostic": diag})
	}
}

// applyStart, applyProgress, applyComplete, applyErrored are the events of
// one resource action (progress.go sends them instead of its lines).
func (e *Events) applyStart(c *ResourceChange, id string) {
	hook := map[string]any{"resource": eventResource(c), "action": eventAction(c.Action)}
	if id != "" {
		hook["id_value"] = id
	}
	e.emit("info", "apply_start", fmt.Sprintf("%s: %s", c.Address, actionVerbs[c.Action].start), event{"hook": hook})
}

func (e *Events) applyProgress(c *ResourceChange, since time.Time, message string) {
	e.emit("info", "apply_progress", c.Address+": "+message, event{"hook": map[string]any{"resource": eventResource(c), "action": eventAction(c.Action), "elapsed_seconds": int(time.Since(since).Seconds())}})
}

func (e *Events) applyComplete(c *ResourceChange, since time.Time, id string) {
	hook := map[string]any{"resource": eventResource(c), "action": eventAction(c.Action), "elapsed_seconds": int(time.Since(since).Seconds())}
	if id != "" && c.Action != Delete {
		hook["id_value"] = id
	}
	e.emit("info", "apply_complete", fmt.Sprintf("%s: %s after %s", c.Address, actionVerbs[c.Action].done, elapsed(time.Since(since))), event{"hook": hook})
}

func (e *Events) applyErrored(c *ResourceChange, since time.Time, err error) {
	e.emit("error", "apply_errored", fmt.Sprintf("%s: %s after %s: %v", c.Address, actionVerbs[c.Action].failed, elapsed(time.Since(since)), err),
		event{"hook": map[string]any{"resource": eventResource(c), "action": eventAction(c.Action), "elapsed_seconds": int(time.Since(since).Seconds()), "error": err.Error()}})
}

// applySummary is the change_summary of an apply or destroy.
func (e *Events) applySummary(r *ApplyResult, destroy bool) {
	op := "apply"
	if destroy {
		op = "destroy"
	}
	counts, _ := applySummary(r, destroy)
	level, msg := "info", strings.ToUpper(op[:1])+op[1:]+" complete! "+counts
	if !r.OK() {
		level, msg = "error", strings.ToUpper(op[:1])+op[1:]+" failed. "+counts
	}
	e.emit(level, "change_summary", msg, event{"changes": map[string]any{"add": r.Added + r.Replaced, "change": r.Changed, "remove": r.Destroyed + r.Replaced, "operation": op}, "ok": r.OK(), "interrupted": r.Interrupted})
}

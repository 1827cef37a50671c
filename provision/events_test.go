package provision

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

func decodeEvents(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("not a JSON line: %q: %v", sc.Text(), err)
		}
		for _, k := range []string{"@level", "@message", "@module", "@timestamp", "type"} {
			if _, ok := ev[k]; !ok {
				t.Errorf("event %v lacks %s", ev, k)
			}
		}
		out = append(out, ev)
	}
	return out
}

// JSON lines: a plan's events are its changes and its summary; an
// apply's, each action's start and end (errors too) and the summary;
// diagnostics are events with their range.
func TestEvents(t *testing.T) {
	var b bytes.Buffer
	e := NewEvents(&b)
	e.now = func() time.Time { return time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) }
	e.Version("v1.2.3")
	w := newFakeAccount()
	p := mustPlan(t, w, testConfig(fullCluster("demo")), PlanOptions{})
	e.Plan(p)
	e.Diagnostics(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Bad", Detail: "d", Subject: &hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: 2, Column: 3}, End: hcl.Pos{Line: 2, Column: 9}}}})
	prog := &Progress{w: &b, events: e}
	a := prog.begin(p.Changes[0], "")
	a.finish("arn:x")
	prog.begin(p.Changes[1], "").fail(errors.New("boom"))
	prog.summary(&ApplyResult{Added: 1, Resources: []ResourceResult{{Outcome: OutcomeDone}, {Outcome: OutcomeFailed}}}, false)

	evs := decodeEvents(t, b.Bytes())
	var types []string
	for _, ev := range evs {
		types = append(types, ev["type"].(string))
	}
	got := strings.Join(types, " ")
	if !strings.HasPrefix(got, "version planned_change") || !strings.HasSuffix(got, "change_summary diagnostic apply_start apply_complete apply_start apply_errored change_summary") {
		t.Errorf("event types: %s", got)
	}
	if evs[0]["eksctl_lite"] != "v1.2.3" || evs[0]["@timestamp"] != "2026-12-03T12:00:00.000000Z" {
		t.Errorf("version event %v", evs[0])
	}
	planned := 0
	for _, ev := range evs {
		switch ev["type"] {
		case "planned_change":
			planned++
		case "diagnostic":
			d := ev["diagnostic"].(map[string]any)
			if d["severity"] != "error" || d["range"].(map[string]any)["filename"] != "main.hcl" || ev["@level"] != "error" {
				t.Errorf("diagnostic event %v", ev)
			}
		case "apply_errored":
			if h := ev["hook"].(map[string]any); h["error"] != "boom" || ev["@level"] != "error" {
				t.Errorf("errored event %v", ev)
			}
		case "apply_complete":
			if h := ev["hook"].(map[string]any); h["id_value"] != "arn:x" || h["resource"].(map[string]any)["addr"] != p.Changes[0].Address {
				t.Errorf("complete event %v", ev)
			}
		}
	}
	add, _, _, _ := p.Counts()
	if planned != add {
		t.Errorf("%d planned_change events, want %d", planned, add)
	}
	last := evs[len(evs)-1]
	if ch := last["changes"].(map[string]any); ch["operation"] != "apply" || last["ok"] != false || last["@level"] != "error" {
		t.Errorf("apply summary %v", last)
	}
}

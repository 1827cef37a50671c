package integration

// --format json-lines through the binary: every line of stdout is one
// event; apply's stream has the version, the plan's changes, each
// action's start and completion, and the summary; a converged plan's
// summary adds nothing; an invalid spec's diagnostics are events.

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
)

func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var evs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("stdout line is not JSON: %q", sc.Text())
		}
		evs = append(evs, ev)
	}
	return evs
}

func TestJSONLines(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("events")
	dir := copyExample(t, e, "minimal", name)
	if r := e.runWithEnv(t, dir, fastApply, "apply", "--format", "json-lines"); r.code != 1 || !strings.Contains(r.stderr, "needs --auto-approve") {
		t.Errorf("json-lines without --auto-approve: exit %d\n%s", r.code, r.stderr)
	}
	r := e.runWithEnv(t, dir, fastApply, "apply", "--auto-approve", "--format", "json-lines")
	if r.code != 0 {
		t.Fatalf("apply exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	evs := jsonLines(t, r.stdout)
	count := map[string]int{}
	for _, ev := range evs {
		count[ev["type"].(string)]++
	}
	if evs[0]["type"] != "version" || count["planned_change"] == 0 || count["apply_start"] != count["planned_change"] || count["apply_complete"] != count["planned_change"] || count["apply_errored"] != 0 {
		t.Errorf("event counts %v (first %v)", count, evs[0])
	}
	last := evs[len(evs)-1]
	if last["type"] != "change_summary" || last["changes"].(map[string]any)["operation"] != "apply" || last["ok"] != true {
		t.Errorf("last event %v", last)
	}
	p := e.run(t, dir, "plan", "--format", "json-lines")
	pe := jsonLines(t, p.stdout)
	if p.code != 0 || len(pe) < 2 || pe[len(pe)-1]["type"] != "change_summary" || pe[len(pe)-1]["changes"].(map[string]any)["add"] != 0.0 {
		t.Errorf("converged plan: exit %d, events %v", p.code, pe)
	}
	edit(t, dir, `min_size = 1`, `min_size = "one"`)
	bad := e.run(t, dir, "plan", "--format", "json-lines")
	be := jsonLines(t, bad.stdout)
	found := false
	for _, ev := range be {
		if ev["type"] == "diagnostic" && ev["@level"] == "error" {
			found = ev["diagnostic"].(map[string]any)["range"] != nil
		}
	}
	if bad.code != 1 || !found || bad.stderr != "" {
		t.Errorf("invalid spec: exit %d, events %v, stderr %q", bad.code, be, bad.stderr)
	}
	edit(t, dir, `min_size = "one"`, `min_size = 1`)
	if r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

package provision

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// recorder logs task starts and ends and tracks how many run at once, per
// lock as well as overall.
type recorder struct {
	mu          sync.Mutex
	events      []string
	running     int
	maxRunning  int
	lockRunning map[string]int
	lockMax     map[string]int
}

func newRecorder() *recorder {
	return &recorder{lockRunning: map[string]int{}, lockMax: map[string]int{}}
}

func (r *recorder) task(key string, deps []string, locks []string, body func(ctx context.Context) error) Task {
	return Task{Key: key, Deps: deps, Locks: locks, Weight: time.Second, Run: func(ctx context.Context) error {
		r.mu.Lock()
		r.events = append(r.events, "start "+key)
		r.running++
		r.maxRunning = max(r.maxRunning, r.running)
		for _, l := range locks {
			r.lockRunning[l]++
			r.lockMax[l] = max(r.lockMax[l], r.lockRunning[l])
		}
		r.mu.Unlock()
		var err error
		if body != nil {
			err = body(ctx)
		} else {
			time.Sleep(2 * time.Millisecond) // long enough for others to overlap
		}
		r.mu.Lock()
		r.events = append(r.events, "end "+key)
		r.running--
		for _, l := range locks {
			r.lockRunning[l]--
		}
		r.mu.Unlock()
		return err
	}}
}

func (r *recorder) index(event string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, e := range r.events {
		if e == event {
			return i
		}
	}
	return -1
}

func states(results []TaskResult) map[string]string {
	out := map[string]string{}
	for _, r := range results {
		s := string(r.State)
		if r.Err != nil {
			s += ": " + r.Err.Error()
		}
		out[r.Key] = s
	}
	return out
}

func mustGraph(t *testing.T, tasks ...Task) *Graph {
	t.Helper()
	g := NewGraph()
	for _, task := range tasks {
		if err := g.Add(task); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGraphRunsDependenciesFirst(t *testing.T) {
	r := newRecorder()
	// A diamond and a chain: role -> cluster -> {ng1, ng2} -> after.
	g := mustGraph(t,
		r.task("after", []string{"ng1", "ng2"}, nil, nil),
		r.task("ng1", []string{"cluster"}, nil, nil),
		r.task("ng2", []string{"cluster"}, nil, nil),
		r.task("cluster", []string{"role"}, nil, nil),
		r.task("role", nil, nil, nil),
	)
	results := g.Run(context.Background(), 10)
	for _, res := range results {
		if res.State != TaskDone {
			t.Errorf("%s: %s %v", res.Key, res.State, res.Err)
		}
	}
	for _, edge := range [][2]string{{"role", "cluster"}, {"cluster", "ng1"}, {"cluster", "ng2"}, {"ng1", "after"}, {"ng2", "after"}} {
		if end, start := r.index("end "+edge[0]), r.index("start "+edge[1]); end < 0 || start < end {
			t.Errorf("%s started before %s ended: %v", edge[1], edge[0], r.events)
		}
	}
	if r.maxRunning < 2 {
		t.Errorf("ng1 and ng2 never ran at once (max %d running): independent tasks must overlap", r.maxRunning)
	}
	// Results come back in the order tasks were added.
	var keys []string
	for _, res := range results {
		keys = append(keys, res.Key)
	}
	if diff := cmp.Diff([]string{"after", "ng1", "ng2", "cluster", "role"}, keys); diff != "" {
		t.Errorf("result order (-want +got):\n%s", diff)
	}
}

func TestGraphParallelismLimit(t *testing.T) {
	for _, p := range []int{1, 3, 10} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			r := newRecorder()
			var tasks []Task
			for i := range 30 {
				tasks = append(tasks, r.task(fmt.Sprintf("t%02d", i), nil, nil, nil))
			}
			results := mustGraph(t, tasks...).Run(context.Background(), p)
			for _, res := range results {
				if res.State != TaskDone {
					t.Fatalf("%s: %s", res.Key, res.State)
				}
			}
			if r.maxRunning > p {
				t.Errorf("%d tasks ran at once, parallelism is %d", r.maxRunning, p)
			}
			if p > 1 && r.maxRunning < 2 {
				t.Errorf("never more than one task at once with parallelism %d", p)
			}
		})
	}
}

func TestGraphLocksSerialise(t *testing.T) {
	r := newRecorder()
	var tasks []Task
	// Two clusters with 5 Fargate profiles each: one at a time per cluster,
	// but the clusters are independent of each other.
	for _, c := range []string{"a", "b"} {
		for i := range 5 {
			tasks = append(tasks, r.task(fmt.Sprintf("%s.fp%d", c, i), nil, []string{"fargate:" + c}, nil))
		}
	}
	results := mustGraph(t, tasks...).Run(context.Background(), 10)
	for _, res := range results {
		if res.State != TaskDone {
			t.Fatalf("%s: %s: a lock must serialise, never fail", res.Key, res.State)
		}
	}
	for _, c := range []string{"a", "b"} {
		if got := r.lockMax["fargate:"+c]; got != 1 {
			t.Errorf("cluster %s: %d Fargate tasks ran at once, want 1", c, got)
		}
	}
	if r.maxRunning < 2 {
		t.Errorf("the two clusters' Fargate tasks never overlapped")
	}
}

func TestGraphUpstreamFailedSkipsDependents(t *testing.T) {
	r := newRecorder()
	boom := errors.New("boom")
	g := mustGraph(t,
		r.task("role", nil, nil, nil),
		r.task("a", []string{"role"}, nil, func(context.Context) error { return boom }),
		r.task("a.ng", []string{"a"}, nil, nil),
		r.task("a.ng.child", []string{"a.ng", "role"}, nil, nil),
		r.task("b", []string{"role"}, nil, nil),
		r.task("b.ng", []string{"b"}, nil, nil),
	)
	got := states(g.Run(context.Background(), 2))
	want := map[string]string{
		"role":       "done",
		"a":          "failed: boom",
		"a.ng":       "skipped: upstream failed: a",
		"a.ng.child": "skipped: upstream failed: a",
		"b":          "done",
		"b.ng":       "done",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	if r.index("start a.ng") >= 0 || r.index("start a.ng.child") >= 0 {
		t.Errorf("a dependent of a failed task ran: %v", r.events)
	}
}

func TestGraphInterrupt(t *testing.T) {
	r := newRecorder()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	inFlight := make(chan struct{})
	// "slow" is in flight when the stop comes; it finishes its current call
	// (does not look at ctx) and succeeds. "waiter" is waiting when the stop
	// comes and returns the context's error. Nothing else may start.
	g := mustGraph(t,
		r.task("slow", nil, nil, func(ctx context.Context) error {
			inFlight <- struct{}{}
			<-ctx.Done()
			time.Sleep(5 * time.Millisecond)
			return nil
		}),
		r.task("waiter", nil, nil, func(ctx context.Context) error {
			inFlight <- struct{}{}
			<-ctx.Done()
			return fmt.Errorf("waiting for it: %w", ctx.Err())
		}),
		r.task("next", []string{"slow"}, nil, nil),
		r.task("queued1", nil, nil, nil),
		r.task("queued2", nil, nil, nil),
	)
	go func() {
		<-inFlight
		<-inFlight
		stop()
	}()
	// Weights are equal, so the first two added start first with parallelism 2.
	got := states(g.Run(ctx, 2))
	want := map[string]string{
		"slow":    "done",
		"waiter":  "interrupted: waiting for it: context canceled",
		"next":    "not started",
		"queued1": "not started",
		"queued2": "not started",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	for _, k := range []string{"next", "queued1", "queued2"} {
		if r.index("start "+k) >= 0 {
			t.Errorf("%s started after the stop: %v", k, r.events)
		}
	}
}

func TestGraphStartsLongestPathFirst(t *testing.T) {
	// With one slot the start order is the priority order: the chain behind
	// "cluster" is longest; then the serialised Fargate chain (3 x 2s = 6s
	// left) beats a 5s node group although each profile alone is shorter;
	// then the node group beats the 4s left of the chain, and so on.
	var mu sync.Mutex
	var order []string
	task := func(key string, w time.Duration, deps, locks []string) Task {
		return Task{Key: key, Deps: deps, Locks: locks, Weight: w, Run: func(context.Context) error {
			mu.Lock()
			order = append(order, key)
			mu.Unlock()
			return nil
		}}
	}
	g := mustGraph(t,
		task("small", 1*time.Second, nil, nil),
		task("ng", 5*time.Second, nil, nil),
		task("fp1", 2*time.Second, nil, []string{"fargate"}),
		task("fp2", 2*time.Second, nil, []string{"fargate"}),
		task("fp3", 2*time.Second, nil, []string{"fargate"}),
		task("role", 1*time.Second, nil, nil),
		task("cluster", 10*time.Second, []string{"role"}, nil),
	)
	g.Run(context.Background(), 1)
	want := []string{"role", "cluster", "fp1", "ng", "fp2", "fp3", "small"}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("start order (-want +got):\n%s", diff)
	}
}

func TestGraphValidate(t *testing.T) {
	tests := map[string]struct {
		give []Task
		want string
	}{
		"cycle": {
			give: []Task{{Key: "a", Deps: []string{"b"}}, {Key: "b", Deps: []string{"c"}}, {Key: "c", Deps: []string{"a"}}},
			want: "graph: dependency cycle: a -> b -> c -> a",
		},
		"unknown dep": {
			give: []Task{{Key: "a", Deps: []string{"nope"}}},
			want: "graph: a depends on nope, which is not in the graph",
		},
		"self": {
			give: []Task{{Key: "a", Deps: []string{"a"}}},
			want: "graph: a depends on itself",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := NewGraph()
			for _, task := range tt.give {
				if err := g.Add(task); err != nil {
					t.Fatal(err)
				}
			}
			err := g.Validate()
			if err == nil || err.Error() != tt.want {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
	g := NewGraph()
	_ = g.Add(Task{Key: "a"})
	if err := g.Add(Task{Key: "a"}); err == nil || !strings.Contains(err.Error(), "two tasks for a") {
		t.Errorf("duplicate key: %v", err)
	}
}

func TestGraphPanicIsAFailure(t *testing.T) {
	g := mustGraph(t,
		Task{Key: "bad", Run: func(context.Context) error { panic("oops") }},
		Task{Key: "child", Deps: []string{"bad"}, Run: func(context.Context) error { return nil }},
	)
	got := states(g.Run(context.Background(), 1))
	want := map[string]string{"bad": "failed: internal error in bad: oops", "child": "skipped: upstream failed: bad"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
}

func TestGraphResumingTaskTakesItsLocksFirst(t *testing.T) {
	// "resume" waits for an operation that already holds the lock outside
	// the graph. It waits for a dependency, and the others asking for the
	// lock have higher priority and come first in order: still none of
	// them starts before it has ended. A resuming task skipped because its
	// dependency failed releases the lock it reserved at once.
	r := newRecorder()
	resume := r.task("resume", []string{"dep"}, []string{"fargate:a"}, nil)
	resume.Resumes, resume.Weight = true, 0
	skipped := r.task("resume-b", []string{"bad"}, []string{"fargate:b"}, nil)
	skipped.Resumes = true
	g := mustGraph(t,
		r.task("create1", nil, []string{"fargate:a"}, nil),
		r.task("create2", nil, []string{"fargate:a"}, nil),
		r.task("other", nil, nil, func(context.Context) error { time.Sleep(30 * time.Millisecond); return nil }),
		r.task("dep", nil, nil, nil),
		resume,
		r.task("bad", nil, nil, func(context.Context) error { return errors.New("boom") }),
		skipped,
		r.task("create-b", nil, []string{"fargate:b"}, func(context.Context) error { time.Sleep(5 * time.Millisecond); return nil }),
	)
	got := states(g.Run(context.Background(), 10))
	want := map[string]string{
		"create1": "done", "create2": "done", "other": "done", "dep": "done", "resume": "done",
		"bad": "failed: boom", "resume-b": "skipped: upstream failed: bad", "create-b": "done",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	end := r.index("end resume")
	for _, k := range []string{"create1", "create2"} {
		if s := r.index("start " + k); s < end {
			t.Errorf("%s started (event %d) before the resuming task ended (event %d): %v", k, s, end, r.events)
		}
	}
	if s, e := r.index("start create-b"), r.index("end other"); s > e {
		t.Errorf("create-b waited for a resuming task that was skipped: %v", r.events)
	}
	if r.lockMax["fargate:a"] != 1 {
		t.Errorf("%d tasks held fargate:a at once", r.lockMax["fargate:a"])
	}
}

func TestGraphResumingTaskCannotStall(t *testing.T) {
	// A resuming task that depends on a task needing its own lock: the
	// reservation gives way rather than leave both not started.
	r := newRecorder()
	resume := r.task("resume", []string{"first"}, []string{"l"}, nil)
	resume.Resumes = true
	got := states(mustGraph(t, r.task("first", nil, []string{"l"}, nil), resume).Run(context.Background(), 10))
	if diff := cmp.Diff(map[string]string{"first": "done", "resume": "done"}, got); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
}

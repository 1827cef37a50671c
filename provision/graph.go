package provision

// This file is the scheduler: a small dependency graph that runs plain
// functions, knows nothing about AWS, and is tested with plain functions.
// Apply (apply.go) builds one Task per resource change and runs the graph.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Task is one vertex of a Graph.
type Task struct {
	// Key identifies the task; for apply it is the resource address.
	Key string
	// Deps are the keys that must finish successfully before this task starts.
	Deps []string
	// Locks are names held while the task runs: two tasks sharing a lock
	// never run at once (they are serialised, not failed). Apply uses
	// "fargate:<region>/<cluster>" because EKS allows one Fargate profile in
	// CREATING or DELETING per cluster.
	Locks []string
	// Resumes marks a task that waits for an operation already under way
	// outside the graph (started by an earlier, interrupted run) which holds
	// its Locks there: a Fargate profile left CREATING or DELETING holds its
	// cluster's Fargate lock in EKS. Until such a task has ended, no other
	// task takes those locks, whatever their priorities, so none is sent
	// to be refused.
	Resumes bool
	// Weight estimates how long the task takes. Among ready tasks the
	// scheduler starts the one with the longest estimated remaining path
	// first (critical-path list scheduling); weights never change what runs,
	// only in which order ready tasks get a slot.
	Weight time.Duration
	// Run does the work. Its context is cancelled when the graph is
	// stopped; a task should then finish its current call and return.
	Run func(ctx context.Context) error
}

// TaskState is how a task ended.
type TaskState string

// The states a task can end in.
const (
	// TaskDone means Run returned nil.
	TaskDone TaskState = "done"
	// TaskFailed means Run returned an error.
	TaskFailed TaskState = "failed"
	// TaskSkipped means a task it depends on, directly or not, failed.
	TaskSkipped TaskState = "skipped"
	// TaskInterrupted means Run was running when the graph was stopped and
	// returned an error wrapping the context's.
	TaskInterrupted TaskState = "interrupted"
	// TaskNotStarted means the graph was stopped before the task could start.
	TaskNotStarted TaskState = "not started"
)

// TaskResult is the outcome of one task.
type TaskResult struct {
	Key   string
	State TaskState
	// Err is Run's error for failed and interrupted tasks and an
	// *UpstreamFailedError for skipped ones.
	Err error
	// Start and End are zero for tasks that never ran.
	Start, End time.Time
}

// UpstreamFailedError is why a task was skipped.
type UpstreamFailedError struct {
	// Key is the task that failed (the first one found, not an intermediate
	// skipped task).
	Key string
}

func (e *UpstreamFailedError) Error() string { return "upstream failed: " + e.Key }

// Graph is a set of tasks with dependencies. Build it with Add, then Run it once.
type Graph struct {
	tasks map[string]*Task
	order []string
}

// NewGraph returns an empty graph.
func NewGraph() *Graph { return &Graph{tasks: map[string]*Task{}} }

// Add adds a task; keys must be unique.
func (g *Graph) Add(t Task) error {
	if t.Key == "" {
		return errors.New("graph: task with an empty key")
	}
	if _, dup := g.tasks[t.Key]; dup {
		return fmt.Errorf("graph: two tasks for %s", t.Key)
	}
	t.Deps = dedupe(t.Deps)
	g.tasks[t.Key] = &t
	g.order = append(g.order, t.Key)
	return nil
}

// Len is the number of tasks.
func (g *Graph) Len() int { return len(g.order) }

// Validate checks that every dependency exists and that there is no cycle.
func (g *Graph) Validate() error {
	for _, k := range g.order {
		for _, d := range g.tasks[k].Deps {
			if d == k {
				return fmt.Errorf("graph: %s depends on itself", k)
			}
			if _, ok := g.tasks[d]; !ok {
				return fmt.Errorf("graph: %s depends on %s, which is not in the graph", k, d)
			}
		}
	}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var path []string
	var visit func(k string) error
	visit = func(k string) error {
		switch color[k] {
		case grey:
			i := 0
			for path[i] != k {
				i++
			}
			return fmt.Errorf("graph: dependency cycle: %s -> %s", strings.Join(path[i:], " -> "), k)
		case black:
			return nil
		}
		color[k] = grey
		path = append(path, k)
		for _, d := range g.tasks[k].Deps {
			if err := visit(d); err != nil {
				return err
			}
		}
		path = path[:len(path)-1]
		color[k] = black
		return nil
	}
	for _, k := range g.order {
		if err := visit(k); err != nil {
			return err
		}
	}
	return nil
}

// bottomLevels returns, for each task, its weight plus the longest chain of
// weights of the tasks that (transitively) depend on it.
func (g *Graph) bottomLevels() map[string]time.Duration {
	dependents := map[string][]string{}
	for _, k := range g.order {
		for _, d := range g.tasks[k].Deps {
			dependents[d] = append(dependents[d], k)
		}
	}
	bl := map[string]time.Duration{}
	var visit func(k string) time.Duration
	visit = func(k string) time.Duration {
		if v, ok := bl[k]; ok {
			return v
		}
		var longest time.Duration
		for _, d := range dependents[k] {
			longest = max(longest, visit(d))
		}
		bl[k] = g.tasks[k].Weight + longest
		return bl[k]
	}
	for _, k := range g.order {
		visit(k)
	}
	return bl
}

// Run runs every task whose dependencies succeeded, at most parallelism at
// a time (1 if less), and returns one result per task in the order they
// were added. When ctx is cancelled no new task starts; running tasks see
// their context cancelled and Run waits for them to return. The graph must
// be valid (see Validate); Run panics otherwise.
func (g *Graph) Run(ctx context.Context, parallelism int) []TaskResult {
	if err := g.Validate(); err != nil {
		panic(err)
	}
	parallelism = max(parallelism, 1)

	index := map[string]int{}
	results := make([]TaskResult, len(g.order))
	waiting := map[string]int{} // unfinished deps
	dependents := map[string][]string{}
	for i, k := range g.order {
		index[k] = i
		results[i] = TaskResult{Key: k}
		waiting[k] = len(g.tasks[k].Deps)
		for _, d := range g.tasks[k].Deps {
			dependents[d] = append(dependents[d], k)
		}
	}
	bl := g.bottomLevels()
	// lockWork is the total weight of the not yet started tasks holding each
	// lock: a serialised chain is as long as its sum, so its tasks get a
	// priority of at least that (else they would be starved by wider work
	// and run last, one after another).
	lockWork := map[string]time.Duration{}
	for _, k := range g.order {
		for _, l := range g.tasks[k].Locks {
			lockWork[l] += g.tasks[k].Weight
		}
	}
	priority := func(k string) time.Duration {
		p := bl[k]
		for _, l := range g.tasks[k].Locks {
			p = max(p, lockWork[l]+bl[k]-g.tasks[k].Weight)
		}
		return p
	}

	var ready []string
	for _, k := range g.order {
		if waiting[k] == 0 {
			ready = append(ready, k)
		}
	}
	finished := map[string]bool{}
	held := map[string]bool{}
	// reserved counts, per lock, the Resumes tasks that have not ended.
	reserved := map[string]int{}
	release := func(k string) {
		if t := g.tasks[k]; t.Resumes {
			for _, l := range t.Locks {
				reserved[l]--
			}
		}
	}
	for _, k := range g.order {
		if t := g.tasks[k]; t.Resumes {
			for _, l := range t.Locks {
				reserved[l]++
			}
		}
	}
	running := 0
	type doneMsg struct {
		key string
		err error
		end time.Time
	}
	done := make(chan doneMsg)

	var skip func(k, cause string)
	skip = func(k, cause string) {
		for _, d := range dependents[k] {
			if finished[d] {
				continue
			}
			finished[d] = true
			release(d)
			results[index[d]].State = TaskSkipped
			results[index[d]].Err = &UpstreamFailedError{Key: cause}
			skip(d, cause)
		}
	}

	// start starts the ready tasks that may run, highest priority first.
	// With strict false it ignores reservations: only when nothing runs
	// and nothing else could start (a Resumes task waiting, directly or
	// not, for a task that needs its lock), so that the graph cannot stall.
	start := func(strict bool) {
		sort.SliceStable(ready, func(i, j int) bool {
			pi, pj := priority(ready[i]), priority(ready[j])
			if pi != pj {
				return pi > pj
			}
			return index[ready[i]] < index[ready[j]]
		})
		rest := ready[:0:0]
		for _, k := range ready {
			t := g.tasks[k]
			free := running < parallelism
			for _, l := range t.Locks {
				free = free && !held[l] && (t.Resumes || !strict || reserved[l] == 0)
			}
			if !free {
				rest = append(rest, k)
				continue
			}
			for _, l := range t.Locks {
				held[l] = true
				lockWork[l] -= t.Weight
			}
			running++
			results[index[k]].Start = time.Now()
			go func() {
				err := runTask(ctx, t)
				done <- doneMsg{key: t.Key, err: err, end: time.Now()}
			}()
		}
		ready = rest
	}

	for {
		if ctx.Err() == nil && len(ready) > 0 && running < parallelism {
			start(true)
			if running == 0 {
				start(false)
			}
		}
		if running == 0 {
			break
		}
		m := <-done
		running--
		t := g.tasks[m.key]
		for _, l := range t.Locks {
			delete(held, l)
		}
		release(m.key)
		finished[m.key] = true
		r := &results[index[m.key]]
		r.End, r.Err = m.end, m.err
		switch {
		case m.err == nil:
			r.State = TaskDone
			for _, d := range dependents[m.key] {
				waiting[d]--
				if waiting[d] == 0 && !finished[d] {
					ready = append(ready, d)
				}
			}
		case ctx.Err() != nil && errors.Is(m.err, ctx.Err()):
			r.State = TaskInterrupted
		default:
			r.State = TaskFailed
			skip(m.key, m.key)
		}
	}
	for i := range results {
		if results[i].State == "" {
			results[i].State = TaskNotStarted
		}
	}
	return results
}

// runTask runs t, turning a panic into an error so that one broken task
// cannot take the whole run down with it.
func runTask(ctx context.Context, t *Task) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error in %s: %v", t.Key, p)
		}
	}()
	return t.Run(ctx)
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

package provision

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// benchLatency is the time every fake AWS call takes in BenchmarkPlanLarge:
// large enough that the planner's own CPU time (the "no-latency" case shows
// it, as ms/op) does not dominate the round trip count.
const benchLatency = 20 * time.Millisecond

// benchConfig is one cluster with n node groups, n irsa roles and 0.4n
// Fargate profiles.
func benchConfig(n int) *spec.Config {
	c := testCluster("big")
	for i := 0; i < n; i++ {
		testNodeGroup(c, fmt.Sprintf("ng%03d", i))
		testIRSA(c, fmt.Sprintf("sa%03d", i))
	}
	for i := 0; i < n*4/10; i++ {
		testFargate(c, fmt.Sprintf("fp%03d", i))
	}
	return testConfig(c)
}

// BenchmarkPlanLarge plans a large cluster (n node groups, n irsa roles,
// 0.4n Fargate profiles, all existing: every read is needed) against fakes
// that take a fixed latency per call, with the default read parallelism.
// calls/op counts every AWS call of one plan; roundtrips/op is wall time
// divided by the latency: the critical path in calls, including queueing
// behind the read limits and the planner's own CPU time. depth is the same
// measure for one plan with unbounded parallelism: the dependency depth of
// the reads (a lower bound for roundtrips/op) plus CPU time.
func BenchmarkPlanLarge(b *testing.B) {
	for _, n := range []int{25, 100} {
		cfg := benchConfig(n)
		w := newFakeAccount()
		w.apply(b, mustPlan(b, w, cfg, PlanOptions{}))
		if p := mustPlan(b, w, cfg, PlanOptions{}); p.HasChanges() {
			b.Fatalf("converged account still has changes: %v", summary(p))
		}
		plan := func(b *testing.B, opts PlanOptions) {
			if _, diags := MakePlan(context.Background(), cfg, w.factory(), opts); diags.HasErrors() {
				b.Fatal(diags.Error())
			}
		}
		for _, latency := range []time.Duration{0, benchLatency} {
			name := fmt.Sprintf("n=%d/latency=%s", n, latency)
			if latency == 0 {
				name = fmt.Sprintf("n=%d/no-latency", n)
			}
			b.Run(name, func(b *testing.B) {
				w.latency = latency
				var depth time.Duration
				if latency > 0 {
					start := time.Now()
					plan(b, PlanOptions{Parallelism: 1 << 20})
					depth = time.Since(start)
				}
				w.calls = map[string]int{}
				b.ResetTimer()
				start := time.Now()
				for i := 0; i < b.N; i++ {
					plan(b, PlanOptions{})
				}
				wall := time.Since(start)
				b.ReportMetric(float64(w.totalCalls())/float64(b.N), "calls/op")
				if latency > 0 {
					b.ReportMetric(float64(wall)/float64(b.N)/float64(latency), "roundtrips/op")
					b.ReportMetric(float64(depth)/float64(latency), "depth")
				} else {
					b.ReportMetric(float64(wall)/float64(b.N)/float64(time.Millisecond), "ms/op")
				}
			})
		}
	}
}

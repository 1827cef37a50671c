package provision

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkPlanLarge plans a large cluster (25 node groups, 10 Fargate
// profiles, 25 irsa roles, all existing: every read is needed) against
// fakes that take a fixed latency per call, with the default read
// parallelism. calls/op counts every AWS call of one plan; roundtrips/op is
// wall time divided by the latency: the critical path in calls, including
// queueing behind the read semaphore and the planner's own CPU time (which
// the "no-latency" case shows on its own, as ms/op).
func BenchmarkPlanLarge(b *testing.B) {
	c := testCluster("big")
	for i := 0; i < 25; i++ {
		testNodeGroup(c, fmt.Sprintf("ng%02d", i))
		testIRSA(c, fmt.Sprintf("sa%02d", i))
	}
	for i := 0; i < 10; i++ {
		testFargate(c, fmt.Sprintf("fp%02d", i))
	}
	cfg := testConfig(c)
	w := newFakeAccount()
	w.apply(b, mustPlan(b, w, cfg, PlanOptions{}))
	if p := mustPlan(b, w, cfg, PlanOptions{}); p.HasChanges() {
		b.Fatalf("converged account still has changes: %v", summary(p))
	}
	for _, latency := range []time.Duration{0, 2 * time.Millisecond, 10 * time.Millisecond} {
		name := "latency=" + latency.String()
		if latency == 0 {
			name = "no-latency"
		}
		b.Run(name, func(b *testing.B) {
			w.latency = latency
			w.calls = map[string]int{}
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if _, diags := MakePlan(context.Background(), cfg, w.factory(), PlanOptions{}); diags.HasErrors() {
					b.Fatal(diags.Error())
				}
			}
			wall := time.Since(start)
			b.ReportMetric(float64(w.totalCalls())/float64(b.N), "calls/op")
			if latency > 0 {
				b.ReportMetric(float64(wall)/float64(b.N)/float64(latency), "roundtrips/op")
			} else {
				b.ReportMetric(float64(wall)/float64(b.N)/float64(time.Millisecond), "ms/op")
			}
		})
	}
}

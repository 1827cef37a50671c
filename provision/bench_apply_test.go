package provision

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"
)

// Simulated durations of the apply benchmark: AWS scaled down ~6000 times.
const (
	benchCluster   = 100 * time.Millisecond
	benchNodeGroup = 40 * time.Millisecond
	benchFargate   = 20 * time.Millisecond
	benchIAMCall   = 5 * time.Millisecond
)

// benchPlan is 3 clusters, each with its managed cluster and node roles,
// 20 node groups, 8 Fargate profiles, an OIDC provider and 10 irsa roles:
// 126 resources to create.
func benchPlan() *Plan {
	var all [][]*ResourceChange
	for c := range 3 {
		name := fmt.Sprintf("c%d", c)
		var ngs, fps, irsa []string
		for i := range 20 {
			ngs = append(ngs, fmt.Sprintf("ng%02d", i))
		}
		for i := range 8 {
			fps = append(fps, fmt.Sprintf("fp%d", i))
		}
		for i := range 10 {
			irsa = append(irsa, fmt.Sprintf("sa%d", i))
		}
		all = append(all, freshPlan(name, ngs, fps, irsa))
	}
	return planOf(false, all...)
}

// criticalPathBound is a lower bound of the benchmark plan's makespan:
// no child of a cluster can start before its cluster (after its role) is
// ACTIVE; from then on the children's work shares parallelism slots, a
// cluster's Fargate profiles run one after another, and an irsa role waits
// for its OIDC provider.
func criticalPathBound(parallelism int) time.Duration {
	clusterRole := 2 * benchIAMCall // CreateRole, 1 AttachRolePolicy
	irsaRole := 3 * benchIAMCall    // CreateRole, AttachRolePolicy, PutRolePolicy
	oidc := benchIAMCall
	start := clusterRole + benchCluster
	perCluster := 20*benchNodeGroup + 8*benchFargate + oidc + 10*irsaRole
	byWork := start + 3*perCluster/time.Duration(parallelism)
	byFargate := start + 8*benchFargate
	byIRSA := start + oidc + irsaRole
	return max(byWork, byFargate, byIRSA)
}

// BenchmarkApplyLarge applies benchPlan through the real Apply against a
// fake account whose operations take fixed durations, and reports the
// makespan divided by the critical-path lower bound (1.0 is perfect).
func BenchmarkApplyLarge(b *testing.B) {
	const parallelism = 10
	bound := criticalPathBound(parallelism)
	var total time.Duration
	for b.Loop() {
		s := applyAccount(lifecycle{cluster: benchCluster, nodeGroup: benchNodeGroup, fargate: benchFargate, iam: benchIAMCall, update: benchNodeGroup})
		p := benchPlan()
		opts := ApplyOptions{Parallelism: parallelism, Progress: io.Discard, PollInterval: time.Millisecond, MaxPollInterval: time.Millisecond, StillEvery: -1}
		start := time.Now()
		res, err := Apply(context.Background(), p, s.factory(), opts)
		total += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.violations) > 0 {
			b.Fatalf("EKS rules broken: %v", s.violations)
		}
		if res.Added != len(p.Changes) {
			b.Fatalf("added %d of %d", res.Added, len(p.Changes))
		}
	}
	makespan := total / time.Duration(b.N)
	b.ReportMetric(float64(makespan)/float64(bound), "makespan/critical-path")
	b.ReportMetric(float64(makespan.Milliseconds()), "makespan-ms")
	b.ReportMetric(float64(bound.Milliseconds()), "bound-ms")
}

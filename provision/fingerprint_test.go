package provision

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// A node group's desired size is fingerprinted only when the configuration
// sets it and the plan changes the group in place: a size left to
// autoscalers is never diffed, so autoscaler activity must not make a saved
// plan stale, whatever the plan does to the group.
func TestFingerprintDesiredSize(t *testing.T) {
	const addr = "cluster.demo.node_group.general"
	for _, tc := range []struct {
		name      string
		edit      func(e *ngEdit)
		wantStale bool
	}{
		{"left to autoscalers, updated in place", func(e *ngEdit) { e.maxSize = 4 }, false},
		{"left to autoscalers, unchanged", func(*ngEdit) {}, false},
		{"left to autoscalers, replaced", func(e *ngEdit) { e.instanceTypes = []string{"m6i.xlarge"} }, false},
		{"set, replaced", func(e *ngEdit) { e.instanceTypes, e.desired = []string{"m6i.xlarge"}, aws.Int(2) }, false},
		{"set, updated in place", func(e *ngEdit) { e.maxSize, e.desired = 4, aws.Int(2) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := converged(t, testConfig(fullCluster("demo")))
			c := fullCluster("demo")
			e := &ngEdit{maxSize: c.NodeGroups[0].Scaling.MaxSize}
			tc.edit(e)
			ng := c.NodeGroups[0]
			ng.Scaling.MaxSize, ng.Scaling.DesiredSize = e.maxSize, e.desired
			if e.instanceTypes != nil {
				ng.InstanceTypes = e.instanceTypes
			}
			p := mustPlan(t, w, testConfig(c), PlanOptions{})
			var ch *ResourceChange
			for _, x := range p.Changes {
				if x.Address == addr {
					ch = x
				}
			}
			if ch == nil || ch.Fingerprint == "" {
				t.Fatalf("no fingerprinted change for %s in the plan", addr)
			}

			// The autoscaler moves the group (the live group is named
			// after the block).
			live := w.nodegroup("demo", "general").ng.ScalingConfig
			live.DesiredSize = aws.Int32(aws.ToInt32(live.DesiredSize) + 1)
			now, err := RefreshFingerprints(context.Background(), p, w.factory())
			if err != nil {
				t.Fatal(err)
			}
			stale := false
			for _, s := range StaleAddresses(p, now) {
				stale = stale || s == addr
			}
			if stale != tc.wantStale {
				t.Errorf("%s (%s) stale after an autoscaler changed its desired size: %v, want %v", addr, ch.Action, stale, tc.wantStale)
			}
		})
	}
}

// ngEdit is what a case changes in the node group block.
type ngEdit struct {
	maxSize       int
	desired       *int
	instanceTypes []string
}

package provision

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// The plans examples/policy's budget test evaluates its Rego over are made
// here, by the planner and the JSON renderer, so that the policy example
// reads the JSON plan eksctl-lite really writes: go test ./provision
// -update rewrites them, and this test fails when they are stale.
func TestPolicyExampleFixtures(t *testing.T) {
	dir := filepath.Join("..", "examples", "policy", "testdata")
	group := func(c *spec.Cluster, name string, types []string, capacity string, min, max int, desired *int) {
		ng := testNodeGroup(c, name)
		ng.InstanceTypes, ng.CapacityType = types, capacity
		ng.Scaling = spec.Scaling{MinSize: min, MaxSize: max, DesiredSize: desired}
	}
	plans := map[string]*Plan{}

	// Within budget: a cluster, a node group of 2 t3.medium, a Fargate
	// profile.
	c := testCluster("demo")
	group(c, "general", []string{"t3.medium"}, "ON_DEMAND", 1, 3, intp(2))
	testFargate(c, "system")
	plans["within-budget.json"] = mustPlan(t, newFakeAccount(), testConfig(c), PlanOptions{})

	// Over budget: within it at the present sizes, over it at the
	// autoscaled groups' maximum ones.
	c = testCluster("demo")
	group(c, "general", []string{"t3.medium"}, "ON_DEMAND", 1, 3, nil)
	group(c, "big", []string{"m5.2xlarge"}, "ON_DEMAND", 1, 2, intp(1))
	group(c, "gpu", []string{"g5.xlarge"}, "ON_DEMAND", 1, 1, intp(1))
	group(c, "batch", []string{"g5.xlarge", "g5.2xlarge"}, "SPOT", 0, 2, nil)
	plans["over-budget.json"] = mustPlan(t, newFakeAccount(), testConfig(c), PlanOptions{})

	// Partial: two node groups of instance types no table prices.
	c = testCluster("edge")
	group(c, "general", []string{"t3.medium"}, "ON_DEMAND", 1, 3, intp(2))
	group(c, "odd", []string{"x9z.large"}, "ON_DEMAND", 1, 3, intp(1))
	group(c, "odder", []string{"x9z.metal"}, "ON_DEMAND", 1, 3, intp(1))
	plans["partial.json"] = mustPlan(t, newFakeAccount(), testConfig(c), PlanOptions{})

	// Extended support: a cluster made on 1.33 once it left standard
	// support.
	w := newFakeAccount()
	w.calendar = testCalendar("2026-12-02", "EXTENDED_SUPPORT")
	c = testCluster("demo")
	c.Version = "1.33"
	plans["extended-support.json"] = mustPlan(t, w, testConfig(c), PlanOptions{Today: day("2026-12-03")})

	for name, p := range plans {
		var b bytes.Buffer
		if err := RenderJSON(&b, p); err != nil {
			t.Fatal(err)
		}
		goldenAt(t, filepath.Join(dir, name), b.Bytes())
	}
}

package provision

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspricing "github.com/aws/aws-sdk-go-v2/service/pricing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/provision/pricing"
	"github.com/eksctl-lite/eksctl-lite/spec"
)

// testPrices are the fixed prices unit tests estimate with (us-east-1's
// on-demand Linux prices, the same in every test region), so that no
// test depends on the embedded table.
func testPrices() *pricing.Table {
	region := func() *pricing.Region {
		return &pricing.Region{
			EKS:     &pricing.ControlPlane{Standard: 0.10, Extended: 0.60},
			Fargate: &pricing.Fargate{VCPUHour: 0.04048, GBHour: 0.004445},
			EBS:     map[string]float64{"gp3": 0.08, "gp2": 0.10},
			EC2: map[string]float64{
				"t3.medium": 0.0416, "t3.large": 0.0832, "m5.large": 0.096, "m5.xlarge": 0.192, "m5.2xlarge": 0.384,
				"m6i.large": 0.096, "m6i.xlarge": 0.192, "m6a.large": 0.0864, "g5.xlarge": 1.006, "g5.2xlarge": 1.212,
			},
		}
	}
	return &pricing.Table{Currency: "USD", Date: "2025-11-20", Source: "test prices", Regions: map[string]*pricing.Region{
		"us-east-1": region(), "us-west-2": region(), "eu-west-1": region(),
	}}
}

func intp(n int) *int { return &n }

// Each node formula against fixed prices: instances at 730 hours times the
// size (a range from min to max when autoscalers set it), plus each
// node's root volume; spot is up to the dearest type's on-demand price;
// an unknown price is unknown, never a guess.
func TestNodeCost(t *testing.T) {
	tests := map[string]struct {
		types    []string
		capacity string
		min, max int
		desired  *int
		disk     int
		volume   string
		lo, hi   float64
		basis    string
		upTo     bool
		unknown  []string
	}{
		"on-demand, desired": {types: []string{"m6i.large"}, capacity: "ON_DEMAND", min: 1, max: 4, desired: intp(2), disk: 20, volume: "gp3",
			lo: 143.36, hi: 143.36, basis: "2 x m6i.large on-demand at $0.096/h + 2 x 20 GiB gp3 at $0.08/GB-mo"},
		"doubled instance": {types: []string{"m6i.xlarge"}, capacity: "ON_DEMAND", min: 1, max: 4, desired: intp(2),
			lo: 280.32, hi: 280.32, basis: "2 x m6i.xlarge on-demand at $0.192/h"},
		"left to autoscalers": {types: []string{"m6i.large"}, capacity: "ON_DEMAND", min: 1, max: 4, disk: 20,
			lo: 71.68, hi: 286.72, basis: "1-4 x m6i.large on-demand at $0.096/h + 1-4 x 20 GiB gp3 at $0.08/GB-mo"},
		"first of several types": {types: []string{"m5.large", "m5.xlarge"}, capacity: "ON_DEMAND", desired: intp(1),
			lo: 70.08, hi: 70.08, basis: "1 x m5.large (the first of 2 types) on-demand at $0.096/h"},
		"spot is up to the dearest": {types: []string{"m5.large", "m5.xlarge"}, capacity: "SPOT", desired: intp(1),
			lo: 140.16, hi: 140.16, upTo: true, basis: "1 x m5.xlarge spot, up to the on-demand price at $0.192/h"},
		"gp2 volumes": {types: []string{"t3.medium"}, capacity: "ON_DEMAND", desired: intp(3), disk: 50, volume: "gp2",
			lo: 3 * (0.0416*730 + 50*0.10), hi: 3 * (0.0416*730 + 50*0.10), basis: "3 x t3.medium on-demand at $0.0416/h + 3 x 50 GiB gp2 at $0.10/GB-mo"},
		"unknown instance": {types: []string{"x9z.large"}, capacity: "ON_DEMAND", desired: intp(1), unknown: []string{"x9z.large in us-east-1"}, basis: "1 x x9z.large on-demand at a price not known"},
		"unknown volume":   {types: []string{"m6i.large"}, capacity: "ON_DEMAND", desired: intp(1), disk: 20, volume: "io2", unknown: []string{"io2 volumes in us-east-1"}, lo: 70.08, hi: 70.08, basis: "1 x m6i.large on-demand at $0.096/h"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := &costEnv{region: "us-east-1", prices: testPrices(), change: &ResourceChange{}}
			got := nodeCost(e, tt.types, tt.capacity, tt.min, tt.max, tt.desired, tt.disk, tt.volume)
			if cents(got.min) != cents(tt.lo) || cents(got.max) != cents(tt.hi) {
				t.Errorf("cost %.2f-%.2f, want %.2f-%.2f", got.min, got.max, tt.lo, tt.hi)
			}
			if got.basis != tt.basis {
				t.Errorf("basis %q, want %q", got.basis, tt.basis)
			}
			if got.upTo != tt.upTo {
				t.Errorf("up to = %v, want %v", got.upTo, tt.upTo)
			}
			if diff := cmp.Diff(tt.unknown, got.unknown); diff != "" {
				t.Errorf("unknown (-want +got):\n%s", diff)
			}
		})
	}
}

// The control plane: $0.10 an hour in standard support, $0.60 in extended
// support (and once unsupported, until EKS upgrades it), by EKS's calendar.
func TestClusterCost(t *testing.T) {
	vs := clusterVersions{
		"1.35": {Status: "STANDARD_SUPPORT"}, "1.33": {Status: "EXTENDED_SUPPORT"}, "1.31": {Status: "UNSUPPORTED"},
	}
	for version, want := range map[string]struct {
		monthly float64
		basis   string
	}{
		"1.35": {73, "control plane, Kubernetes 1.35 in standard support at $0.10/h"},
		"1.33": {438, "control plane, Kubernetes 1.33 in extended support at $0.60/h"},
		"1.31": {438, "control plane, Kubernetes 1.31 in extended support (no longer supported: EKS will upgrade it) at $0.60/h"},
	} {
		e := &costEnv{region: "us-east-1", prices: testPrices(), versions: vs}
		got := clusterCost(e, &ClusterAttrs{Version: version})
		if cents(got.min) != want.monthly || got.max != got.min || got.basis != want.basis || got.unknown != nil {
			t.Errorf("%s: %+v, want %.2f %q", version, got, want.monthly, want.basis)
		}
	}
	e := &costEnv{region: "us-east-1", prices: testPrices(), versions: vs}
	if got := clusterCost(e, &ClusterAttrs{Version: "1.99"}); len(got.unknown) != 1 {
		t.Errorf("a version EKS does not list: %+v, want its cost unknown", got)
	}
	e.region = "xx-nowhere-1"
	if got := clusterCost(e, &ClusterAttrs{Version: "1.35"}); len(got.unknown) != 1 {
		t.Errorf("a region with no rates: %+v, want unknown", got)
	}
}

// Fargate has no figure of its own, only what a pod of each common size
// costs a month.
func TestFargateCost(t *testing.T) {
	e := &costEnv{region: "us-east-1", prices: testPrices()}
	got := fargateCost(e, &FargateProfileAttrs{})
	if !got.perPod || len(got.podRates) != len(fargatePodSizes) {
		t.Fatalf("%+v", got)
	}
	// 0.25 vCPU and 0.5 GB for 730 hours: (0.25*0.04048 + 0.5*0.004445) * 730.
	if r := got.podRates[0]; r.VCPU != 0.25 || r.GB != 0.5 || r.Monthly != 9.01 {
		t.Errorf("smallest pod: %+v, want 0.25 vCPU/0.5 GB at $9.01", r)
	}
	if !strings.Contains(got.note, "does not know the pods") || !strings.Contains(got.basis, "0.25 vCPU/0.5 GB $9.01") {
		t.Errorf("note %q", got.note)
	}
}

// costNodeGroup is a cluster with one managed node group of typ.
func costNodeGroup(typ string, desired int) *spec.Cluster {
	c := testCluster("demo")
	ng := testNodeGroup(c, "general")
	ng.InstanceTypes = []string{typ}
	ng.Scaling = spec.Scaling{MinSize: 1, MaxSize: 4, DesiredSize: &desired}
	return c
}

// A plan's costs through the planner: a new cluster costs its control
// plane and nodes; once applied the same plan costs the same before and
// after; m6i.large -> m6i.xlarge doubles the node cost; the summary adds
// it up, per cluster and in all.
func TestPlanCosts(t *testing.T) {
	w := newFakeAccount()
	c := costNodeGroup("m6i.large", 2)
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	ng := p.Changes[indexOf(t, p, NodeGroupAddress("demo", c.NodeGroups[0].Name))]
	if ng.Cost == nil || ng.Cost.Before != nil || *ng.Cost.After != 143.36 {
		t.Fatalf("new node group cost %+v, want none before and $143.36 after", ng.Cost)
	}
	cl := changeOf(t, p, ClusterAddress("demo"))
	if cl.Cost == nil || *cl.Cost.After != 73 {
		t.Fatalf("new cluster cost %+v, want $73.00", cl.Cost)
	}
	s := p.CostSummary
	if s.Before != 0 || s.After != 216.36 || s.Change != 216.36 || s.Partial || len(s.Clusters) != 1 {
		t.Errorf("summary %+v, want 0 -> 216.36", s.CostTotals)
	}
	for _, ch := range p.Changes {
		if ch.Cost != nil && ch.Type != TypeCluster && ch.Type != TypeNodeGroup {
			t.Errorf("%s (%s) has a cost: %+v", ch.Address, ch.Type, ch.Cost)
		}
	}
	w.apply(t, p)

	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	if s := p.CostSummary; s.Before != 216.36 || s.After != 216.36 || s.Change != 0 {
		t.Errorf("after apply: summary %+v, want 216.36 both sides", s.CostTotals)
	}

	p = mustPlan(t, w, testConfig(costNodeGroup("m6i.xlarge", 2)), PlanOptions{})
	ng = p.Changes[indexOf(t, p, NodeGroupAddress("demo", c.NodeGroups[0].Name))]
	if ng.Cost == nil || ng.Cost.Before == nil || ng.Cost.After == nil || *ng.Cost.Before != 143.36 || *ng.Cost.After != 283.52 {
		t.Errorf("m6i.large -> m6i.xlarge: node group cost %+v, want 143.36 -> 283.52 (the instances' share doubled)", ng.Cost)
	}
	if s := p.CostSummary; s.Before != 216.36 || s.After != 356.52 || s.Change != 140.16 {
		t.Errorf("m6i.large -> m6i.xlarge: summary %+v, want 216.36 -> 356.52", s.CostTotals)
	}
}

func indexOf(t *testing.T, p *Plan, address string) int {
	t.Helper()
	for i, ch := range p.Changes {
		if ch.Address == address {
			return i
		}
	}
	t.Fatalf("no change %s in %v", address, summary(p))
	return -1
}

// A price source that fails leaves the costs unknown, says why, and never
// fails the plan; the threshold then refuses, since it cannot check.
func TestPriceSourceFailure(t *testing.T) {
	w := newFakeAccount()
	p := mustPlan(t, w, testConfig(costNodeGroup("m6i.large", 2)), PlanOptions{Prices: failingPrices{}})
	if p.CostSummary.Error == "" || !strings.Contains(p.CostSummary.Error, "throttled") {
		t.Errorf("summary error %q, want the source's", p.CostSummary.Error)
	}
	if msg := p.CostThreshold(1000); !strings.Contains(msg, "could not be read") {
		t.Errorf("threshold with no prices: %q", msg)
	}
}

type failingPrices struct{}

func (failingPrices) Table(context.Context, map[string]pricing.Needs) (*pricing.Table, error) {
	return nil, errors.New("GetProducts: throttled")
}

// The source is asked, once, for exactly what the estimates look up.
func TestPriceSourceNeeds(t *testing.T) {
	w := newFakeAccount()
	c := costNodeGroup("m6i.large", 2)
	rec := &recordingPrices{}
	mustPlan(t, w, testConfig(c), PlanOptions{Prices: rec})
	region := p0Region(t, w, c)
	want := map[string]pricing.Needs{region: {InstanceTypes: []string{"m6i.large"}, VolumeTypes: []string{"gp3"}}}
	if rec.calls != 1 || !cmp.Equal(want, rec.needs) {
		t.Errorf("source called %d times with %+v, want once with %+v", rec.calls, rec.needs, want)
	}
}

func p0Region(t *testing.T, w *fakeAccount, c *spec.Cluster) string {
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	return p.Changes[0].Region
}

type recordingPrices struct {
	calls int
	needs map[string]pricing.Needs
}

func (r *recordingPrices) Table(_ context.Context, needs map[string]pricing.Needs) (*pricing.Table, error) {
	r.calls++
	r.needs = needs
	return testPrices(), nil
}

// --cost-threshold: within it nothing is said; above it the message says
// by how much; a range is checked at its upper end; a partial estimate
// cannot be checked.
func TestCostThreshold(t *testing.T) {
	p := &Plan{CostSummary: &CostSummary{CostTotals: CostTotals{Change: 216.36, ChangeMax: 216.36}}}
	if msg := p.CostThreshold(500); msg != "" {
		t.Errorf("216.36 against 500: %q, want nothing", msg)
	}
	if msg := p.CostThreshold(216.36); msg != "" {
		t.Errorf("216.36 against 216.36: %q, want nothing (not above)", msg)
	}
	if msg, want := p.CostThreshold(200), "the plan raises the monthly cost by $216.36, $16.36 more than --cost-threshold $200.00 allows"; msg != want {
		t.Errorf("216.36 against 200:\n got %q\nwant %q", msg, want)
	}
	p.CostSummary.ChangeMax = 1216.36
	if msg := p.CostThreshold(500); !strings.Contains(msg, "up to $1,216.36") || !strings.Contains(msg, "$216.36 at their present or minimum sizes") {
		t.Errorf("range: %q", msg)
	}
	p.CostSummary.Partial, p.CostSummary.Unknown = true, []string{"x9z.large in us-east-1"}
	if msg := p.CostThreshold(5000); !strings.Contains(msg, "partial") || !strings.Contains(msg, "x9z.large in us-east-1") {
		t.Errorf("partial: %q", msg)
	}
}

// pricingFunc is a function-field fake of the Price List API.
type pricingFunc func(context.Context, *awspricing.GetProductsInput) (*awspricing.GetProductsOutput, error)

func (f pricingFunc) GetProducts(ctx context.Context, in *awspricing.GetProductsInput, _ ...func(*awspricing.Options)) (*awspricing.GetProductsOutput, error) {
	return f(ctx, in)
}

// --pricing aws asks the Price List API through the plan's own clients
// (of PriceListRegion), for what the plan's estimates need; a product it
// does not list is unknown, and the totals say they are partial.
func TestPriceListThroughClients(t *testing.T) {
	w := newFakeAccount()
	var mu sync.Mutex
	asked := map[string]bool{}
	api := pricingFunc(func(_ context.Context, in *awspricing.GetProductsInput) (*awspricing.GetProductsOutput, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, f := range in.Filters {
			if aws.ToString(f.Field) == "instanceType" {
				asked[aws.ToString(f.Value)] = true
			}
		}
		return &awspricing.GetProductsOutput{}, nil
	})
	inner := w.factory()
	regions := map[string]bool{}
	clients := func(region string) (*Clients, error) {
		c, err := inner(region)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		regions[region] = true
		mu.Unlock()
		cc := *c
		cc.Pricing = api
		return &cc, nil
	}
	p, diags := MakePlan(t.Context(), testConfig(costNodeGroup("m6i.large", 2)), clients, PlanOptions{Prices: PriceListPrices{}})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if !asked["m6i.large"] || !regions[PriceListRegion] {
		t.Errorf("asked for %v through the clients of %v, want m6i.large through %s's", asked, regions, PriceListRegion)
	}
	if s := p.CostSummary; !s.Partial || s.From != "the AWS Price List API" || len(s.Unknown) == 0 {
		t.Errorf("summary %+v, want partial (nothing listed) from the Price List API", s)
	}
}

// A self-managed group's nodes cost its instances plus its launch
// template's root volumes, on each side of the change the template's own
// side.
func TestAutoScalingGroupCost(t *testing.T) {
	tmpl := &ResourceChange{Address: "t", Type: TypeLaunchTemplate, Cluster: "demo", Region: "us-east-1",
		Before: &LaunchTemplateAttrs{Name: "lt", RootVolumeSize: 20, RootVolumeType: "gp2"},
		After:  &LaunchTemplateAttrs{Name: "lt", RootVolumeSize: 100, RootVolumeType: "gp3"}}
	before := &AutoScalingGroupAttrs{Name: "g", InstanceTypes: []string{"m5.large"}, CapacityType: "ON_DEMAND", LaunchTemplateName: "lt", MinSize: 1, MaxSize: 3, DesiredSize: intp(2)}
	after := &AutoScalingGroupAttrs{Name: "g", InstanceTypes: []string{"m5.large"}, CapacityType: "ON_DEMAND", LaunchTemplateName: "lt", MinSize: 1, MaxSize: 3, DesiredSize: intp(2)}
	ch := &ResourceChange{Address: "g", Type: TypeAutoScalingGroup, Cluster: "demo", Region: "us-east-1", Before: before, After: after}
	p := &Plan{Changes: []*ResourceChange{tmpl, ch}}
	env := func(side bool) *costEnv {
		return &costEnv{region: "us-east-1", prices: testPrices(), plan: p, change: ch, before: side}
	}
	b, a := autoScalingGroupCost(env(true), before), autoScalingGroupCost(env(false), after)
	if want := 2 * (0.096*730 + 20*0.10); cents(b.min) != cents(want) || b.basis != "2 x m5.large on-demand at $0.096/h + 2 x 20 GiB gp2 at $0.10/GB-mo" {
		t.Errorf("before: %+v, want %.2f with the old template's gp2 volumes", b, want)
	}
	if want := 2 * (0.096*730 + 100*0.08); cents(a.min) != cents(want) {
		t.Errorf("after: %+v, want %.2f with the new template's 100 GiB gp3", a, want)
	}
	after.Autoscaled = true
	if a := autoScalingGroupCost(env(false), after); a.min == a.max {
		t.Errorf("an autoscaled group: %+v, want a range", a)
	}
}

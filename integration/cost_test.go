package integration

// The cost estimate through the binary (issue 12): the cost block of a
// plan recomputed from the embedded price table, a bigger instance type's
// doubled node cost, the extended support rate, --pricing aws against the
// emulator's Price List, and --cost-threshold refusing an apply.

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/eksctl-lite/eksctl-lite/provision"
	"github.com/eksctl-lite/eksctl-lite/provision/pricing"
)

// jsonCostPlan is what these tests read of a JSON plan.
type jsonCostPlan struct {
	ResourceChanges []struct {
		Address string `json:"address"`
		Type    string `json:"type"`
		Change  struct {
			After map[string]any `json:"after"`
		} `json:"change"`
		EksctlLite struct {
			Region string `json:"region"`
			Cost   *struct {
				Before    *float64 `json:"before"`
				BeforeMax *float64 `json:"before_max"`
				After     *float64 `json:"after"`
				AfterMax  *float64 `json:"after_max"`
				Basis     string   `json:"basis"`
				UpTo      bool     `json:"up_to"`
				Unknown   []string
				PodRates  []struct{ Monthly float64 } `json:"pod_rates"`
			} `json:"cost"`
		} `json:"eksctl_lite"`
	} `json:"resource_changes"`
	EksctlLite struct {
		CostSummary struct {
			Before    float64 `json:"before"`
			BeforeMax float64 `json:"before_max"`
			After     float64 `json:"after"`
			AfterMax  float64 `json:"after_max"`
			Change    float64 `json:"change"`
			ChangeMax float64 `json:"change_max"`
			Partial   bool    `json:"partial"`
			Unknown   []string
			Prices    string
		} `json:"cost_summary"`
	} `json:"eksctl_lite"`
}

func jsonPlanOf(t *testing.T, e *env, dir string, args ...string) *jsonCostPlan {
	t.Helper()
	r := e.run(t, dir, append([]string{"plan", "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("plan --json exited %d\n%s", r.code, r.stderr)
	}
	var p jsonCostPlan
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, r.stdout)
	}
	return &p
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.006 }

// money is the text plan's spelling of a monthly figure.
func money(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	whole, frac, _ := strings.Cut(s, ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return "$" + whole + "." + frac
}

// expectedNodeCost recomputes a managed node group's monthly cost from the
// price table and the group's planned attributes: the first instance
// type's on-demand price (spot: up to the dearest type's) x the size
// (min..max when the desired size is left to autoscalers: the plan's
// scaling.autoscaled; the desired size it sends is the minimum), plus disk_size
// GiB of gp3 per node.
func expectedNodeCost(t *testing.T, tab *pricing.Table, region string, after map[string]any) (lo, hi float64) {
	t.Helper()
	var types []string
	for _, v := range after["instance_types"].([]any) {
		types = append(types, v.(string))
	}
	price, ok := tab.Instance(region, types[0])
	if after["capacity_type"] == "SPOT" {
		price = 0
		for _, typ := range types {
			p, ok := tab.Instance(region, typ)
			if !ok {
				t.Fatalf("the table has no price for %s in %s", typ, region)
			}
			price = max(price, p)
		}
	} else if !ok {
		t.Fatalf("the table has no price for %s in %s", types[0], region)
	}
	gp3, ok := tab.Volume(region, "gp3")
	if !ok {
		t.Fatalf("the table has no gp3 price in %s", region)
	}
	perNode := price*pricing.HoursPerMonth + num(after["disk_size"])*gp3
	if d, ok := after["scaling.desired_size"].(float64); ok && after["scaling.autoscaled"] != true {
		return perNode * d, perNode * d
	}
	return perNode * num(after["scaling.min_size"]), perNode * num(after["scaling.max_size"])
}

// The plan of examples/full shows a cost block whose every figure this
// test recomputes from the embedded table: the control plane at the
// standard rate, each node group from its planned instance types, size
// and disks, Fargate's per-pod rates; the summary adds them up.
func TestCostBlockOfFullExample(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("cost")
	dir := copyExample(t, e, "full", name)
	tab := pricing.Embedded()
	p := jsonPlanOf(t, e, dir)
	var total, totalMax float64
	nodeGroups := 0
	text := e.run(t, dir, "plan")
	if text.code != 0 {
		t.Fatalf("plan exited %d\n%s", text.code, text.stderr)
	}
	for _, rc := range p.ResourceChanges {
		c, region := rc.EksctlLite.Cost, rc.EksctlLite.Region
		switch rc.Type {
		case "aws_eks_cluster":
			rates, ok := tab.ControlPlane(region)
			if !ok || c == nil || c.After == nil || !near(*c.After, rates.Standard*pricing.HoursPerMonth) {
				t.Errorf("%s: cost %+v, want the standard rate %v x 730", rc.Address, c, rates.Standard)
				continue
			}
			total, totalMax = total+*c.After, totalMax+*c.AfterMax
		case "aws_eks_node_group":
			nodeGroups++
			lo, hi := expectedNodeCost(t, tab, region, rc.Change.After)
			if c == nil || c.After == nil || !near(*c.After, lo) || !near(*c.AfterMax, hi) {
				t.Errorf("%s: cost %+v, want %.2f-%.2f from the table", rc.Address, c, lo, hi)
				continue
			}
			want := "+ " + money(lo)
			if hi != lo {
				want += "-" + money(hi)
			}
			if c.UpTo {
				want = "+ up to " + strings.TrimPrefix(want, "+ ")
			}
			if !strings.Contains(text.stdout, want+"/mo") {
				t.Errorf("text plan lacks %q for %s:\n%s", want+"/mo", rc.Address, text.stdout)
			}
			total, totalMax = total+*c.After, totalMax+*c.AfterMax
		case "aws_eks_fargate_profile":
			f, ok := tab.FargateRates(region)
			if !ok || c == nil || len(c.PodRates) == 0 || c.After != nil || !near(c.PodRates[0].Monthly, (0.25*f.VCPUHour+0.5*f.GBHour)*pricing.HoursPerMonth) {
				t.Errorf("%s: cost %+v, want per-pod rates only", rc.Address, c)
			}
		default:
			if c != nil {
				t.Errorf("%s (%s) has a cost %+v: only the control plane, nodes and Fargate cost money", rc.Address, rc.Type, c)
			}
		}
	}
	if nodeGroups == 0 {
		t.Fatal("the plan has no node group")
	}
	s := p.EksctlLite.CostSummary
	if s.Partial || !near(s.After, total) || !near(s.AfterMax, totalMax) || s.Before != 0 || !near(s.Change, total) {
		t.Errorf("cost summary %+v, want 0 -> %.2f-%.2f", s, total, totalMax)
	}
	for _, want := range []string{"Estimated monthly cost (USD, 730 hours a month", fmt.Sprintf("cluster %q in us-east-1: $0.00 -> %s-%s/mo", name, money(total), money(totalMax)), "Fargate pods are not in the totals"} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("text plan lacks %q:\n%s", want, text.stdout)
		}
	}
}

// m6i.large -> m6i.xlarge: the node group's line shows the instances'
// share of its cost doubled (the disks stay); a cluster on a version in
// extended support is charged the extended rate, and warned about.
func TestCostOfAChange(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("costchange")
	dir := copyExample(t, e, "minimal", name)
	edit(t, dir, `    scaling {
      min_size = 1`, `    instance_types = ["m6i.large"]
    scaling {
      desired_size = 2
      min_size = 1`)
	mustApply(t, e, dir)
	tab := pricing.Embedded()
	large, _ := tab.Instance("us-east-1", "m6i.large")
	gp3, _ := tab.Volume("us-east-1", "gp3")
	disks := 2 * 20 * gp3
	before := 2*large*pricing.HoursPerMonth + disks

	edit(t, dir, `instance_types = ["m6i.large"]`, `instance_types = ["m6i.xlarge"]`)
	p := jsonPlanOf(t, e, dir)
	found := false
	for _, rc := range p.ResourceChanges {
		if rc.Type != "aws_eks_node_group" {
			continue
		}
		c := rc.EksctlLite.Cost
		if c == nil || c.Before == nil || c.After == nil {
			t.Fatalf("%s: cost %+v, want before and after", rc.Address, c)
		}
		found = true
		if !near(*c.Before, before) || !near(*c.After-disks, 2*(*c.Before-disks)) {
			t.Errorf("m6i.large -> m6i.xlarge: %.2f -> %.2f, want %.2f -> the instances' %.2f doubled plus %.2f of disks", *c.Before, *c.After, before, before-disks, disks)
		}
		r := e.run(t, dir, "plan")
		if want := fmt.Sprintf("~ %s -> %s/mo", money(*c.Before), money(*c.After)); !strings.Contains(r.stdout, want) {
			t.Errorf("text plan lacks %q:\n%s", want, r.stdout)
		}
	}
	if !found {
		t.Fatal("no node group change")
	}

	// On the harness's day 1.31 is in extended support.
	other := configDir(t)
	writeHCL(t, other, fmt.Sprintf(`cluster %q {
  region  = "us-east-1"
  version = "1.31"
  vpc { subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"] }
}
`, e.uniqueName("extended")))
	r := e.run(t, other, "plan")
	if r.code != 0 {
		t.Fatalf("plan exited %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"+ $438.00/mo", "Kubernetes 1.31 in extended support at $0.60/h", "in extended support"} {
		if !strings.Contains(r.stdout+r.stderr, want) {
			t.Errorf("plan of a 1.31 cluster lacks %q:\n%s\n%s", want, r.stdout, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, "$365.00 a month more") {
		t.Errorf("no extended support warning on stderr:\n%s", r.stderr)
	}
}

// --pricing aws reads the emulator's Price List; serving the embedded
// table's prices, it gives the embedded table's totals, change by change.
func TestPricingFromAWSMatchesTable(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	name := e.uniqueName("pricelist")
	dir := copyExample(t, e, "full", name)
	embedded := jsonPlanOf(t, e, dir)

	tab := pricing.Embedded()
	region := "us-east-1"
	for _, rc := range embedded.ResourceChanges {
		if rc.Type != "aws_eks_node_group" {
			continue
		}
		for _, v := range rc.Change.After["instance_types"].([]any) {
			p, _ := tab.Instance(region, v.(string))
			e.setPrice(t, map[string]any{"instanceType": v, "regionCode": region, "usd": fmt.Sprint(p)})
		}
	}
	gp3, _ := tab.Volume(region, "gp3")
	e.setPrice(t, map[string]any{"volumeApiName": "gp3", "regionCode": region, "usd": fmt.Sprint(gp3)})
	f, _ := tab.FargateRates(region)
	e.setPrice(t, map[string]any{"fargate": "vCPU", "regionCode": region, "usd": fmt.Sprint(f.VCPUHour)})
	e.setPrice(t, map[string]any{"fargate": "GB", "regionCode": region, "usd": fmt.Sprint(f.GBHour)})

	e.clearCalls(t)
	fromAWS := jsonPlanOf(t, e, dir, "--pricing", "aws")
	got, want := fromAWS.EksctlLite.CostSummary, embedded.EksctlLite.CostSummary
	if got.Partial || !near(got.After, want.After) || !near(got.AfterMax, want.AfterMax) || !near(got.Change, want.Change) {
		t.Errorf("--pricing aws summary %+v, want the embedded table's %+v", got, want)
	}
	if !strings.Contains(got.Prices, "Price List") {
		t.Errorf("prices %q, want the Price List named", got.Prices)
	}
	for i, rc := range fromAWS.ResourceChanges {
		a, b := rc.EksctlLite.Cost, embedded.ResourceChanges[i].EksctlLite.Cost
		if (a == nil) != (b == nil) || (a != nil && a.After != nil && (b.After == nil || !near(*a.After, *b.After))) {
			t.Errorf("%s: --pricing aws %+v, embedded %+v", rc.Address, a, b)
		}
	}
	products := 0
	for _, c := range e.calls(t) {
		if c.Operation == "GetProducts" {
			products++
		}
	}
	if products == 0 {
		t.Error("--pricing aws made no GetProducts call")
	}
}

// --cost-threshold refuses an apply that would raise the monthly cost
// above it, before any change; below it, the plan passes.
func TestCostThresholdRefusesApply(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("budget")
	dir := copyExample(t, e, "minimal", name)
	e.clearCalls(t)
	r := e.runWithEnv(t, dir, fastApply, "apply", "--auto-approve", "--cost-threshold", "50")
	if r.code != 1 || !strings.Contains(r.stderr, "cost threshold") || !strings.Contains(r.stderr, "more than --cost-threshold $50.00 allows") || !strings.Contains(r.stderr, "nothing was changed") {
		t.Fatalf("apply over the threshold: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, c := range e.calls(t) {
		// The run's lock (an SSM parameter taken before the plan, removed
		// at the end) is no change to the configuration's resources.
		if !readOnlyCall(c.Operation) && !(c.Service == "ssm" && (c.Operation == "PutParameter" || c.Operation == "DeleteParameter")) {
			t.Errorf("apply over the threshold called %s %s", c.Service, c.Operation)
		}
	}
	{
		held := newClients11(e)
		if _, err := held.ssm.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String(provision.LockParameterName(provision.LockKey{Region: "us-east-1", Cluster: name}))}); err == nil {
			t.Error("the refused apply left its lock")
		}
	}
	if r := e.run(t, dir, "plan", "--cost-threshold", "5000"); r.code != 0 {
		t.Errorf("plan within the threshold exited %d\n%s", r.code, r.stderr)
	}
}

// readOnlyCall says an AWS operation changes nothing.
func readOnlyCall(op string) bool {
	for _, p := range []string{"Describe", "List", "Get"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

package provision

// The cost estimate every plan carries: what each resource that costs
// money costs a month (730 hours) before and after the plan, and the sum
// per cluster and for the whole plan. A kind with a cost says how to
// estimate one of its objects (kind.cost: the control plane in
// cluster.go, the nodes in nodegroup.go and selfmanaged.go, Fargate in
// fargate.go); this file runs them over the plan, with the prices of a
// PriceSource (the embedded table by default: provision/pricing), and
// adds them up. A price that is not known is never guessed: the resource
// says "unknown" and the totals say they are partial.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/eksctl-lite/eksctl-lite/provision/pricing"
)

// PriceSource is where a plan's cost estimate takes its prices from: the
// embedded table, a user's file (StaticPrices) or the AWS Price List API
// (*pricing.AWS). Table is called once per plan, with everything the
// plan's estimates look up, by region.
type PriceSource interface {
	Table(ctx context.Context, needs map[string]pricing.Needs) (*pricing.Table, error)
}

// PriceListPrices is the PriceSource of --pricing aws: the AWS Price List
// Query API (GetProducts), asked through the plan's clients, in parallel
// and each query once per plan.
type PriceListPrices struct{}

func (PriceListPrices) Table(context.Context, map[string]pricing.Needs) (*pricing.Table, error) {
	return nil, errors.New("PriceListPrices is resolved by MakePlan")
}

// priceSource is the source opts names, bound to clients.
func priceSource(src PriceSource, clients ClientsFactory) PriceSource {
	if _, ok := src.(PriceListPrices); !ok {
		return src
	}
	c, err := clients(PriceListRegion)
	if err != nil {
		return failedPrices{err}
	}
	return pricing.NewAWS(c.Pricing, DefaultReadParallelism)
}

type failedPrices struct{ err error }

func (f failedPrices) Table(context.Context, map[string]pricing.Needs) (*pricing.Table, error) {
	return nil, f.err
}

// StaticPrices is a PriceSource that is a table already in hand; From
// says where it came from for the plan ("prices.json"; "": the embedded
// table).
type StaticPrices struct {
	Prices *pricing.Table
	From   string
}

// origin says, for the text plan, where a source's prices come from.
func origin(src PriceSource) string {
	switch s := src.(type) {
	case StaticPrices:
		if s.From != "" {
			return s.From
		}
		return "the embedded table"
	case *pricing.AWS, PriceListPrices:
		return "the AWS Price List API"
	}
	return "the price source"
}

func (s StaticPrices) Table(context.Context, map[string]pricing.Needs) (*pricing.Table, error) {
	return s.Prices, nil
}

// Cost is what one resource costs a month, in Currency, before and after
// the plan: Before is nil when it does not exist yet, After nil when the
// plan deletes it; the _max values are the upper ends of a range (a node
// group whose size is left to autoscalers, from its minimum to its
// maximum size), equal to the others when there is none. Basis is the
// formula in words. Unknown lists what has no known price (then left out
// of the figures). A Fargate profile has no figures: PodRates says what
// its pods cost each, Note why.
type Cost struct {
	Currency    string    `json:"currency"`
	Before      *float64  `json:"before"`
	BeforeMax   *float64  `json:"before_max"`
	After       *float64  `json:"after"`
	AfterMax    *float64  `json:"after_max"`
	Basis       string    `json:"basis"`
	BeforeBasis string    `json:"before_basis,omitempty"`
	UpTo        bool      `json:"up_to,omitempty"`
	Unknown     []string  `json:"unknown,omitempty"`
	Note        string    `json:"note,omitempty"`
	PodRates    []PodRate `json:"pod_rates,omitempty"`
}

// PodRate is what one Fargate pod of a size costs a month.
type PodRate struct {
	VCPU    float64 `json:"vcpu"`
	GB      float64 `json:"memory_gb"`
	Monthly float64 `json:"monthly"`
}

// CostSummary adds up a plan's costs, per cluster and in all.
type CostSummary struct {
	Currency      string `json:"currency"`
	HoursPerMonth int    `json:"hours_per_month"`
	// Prices says where the prices come from and of which day; From is
	// the embedded table, the file or the AWS Price List API.
	Prices string `json:"prices"`
	From   string `json:"prices_from"`
	Date   string `json:"prices_date"`
	CostTotals
	// Unknown lists what had no known price, in all clusters.
	Unknown  []string      `json:"unknown"`
	Clusters []ClusterCost `json:"clusters"`
	// Error is why no price could be read at all ("" when they were).
	Error string `json:"error,omitempty"`
}

// CostTotals are monthly totals before and after a plan, and the change,
// each with its upper end.
type CostTotals struct {
	Before    float64 `json:"before"`
	BeforeMax float64 `json:"before_max"`
	After     float64 `json:"after"`
	AfterMax  float64 `json:"after_max"`
	Change    float64 `json:"change"`
	ChangeMax float64 `json:"change_max"`
	// Partial says some resource's price is unknown, so that the totals
	// leave it out.
	Partial bool `json:"partial"`
}

// ClusterCost is one cluster's totals.
type ClusterCost struct {
	Cluster string `json:"cluster"`
	Region  string `json:"region"`
	CostTotals
}

// estimate is what a kind's cost function says one object costs a month.
type estimate struct {
	min, max float64
	basis    string
	// unknown: what has no price (the object's figures are then unknown).
	unknown []string
	// upTo: the figures are an upper bound (spot).
	upTo bool
	// perPod: the object has no figures of its own (Fargate).
	perPod   bool
	note     string
	podRates []PodRate
}

// costEnv is what a kind's cost function looks prices up in, for one
// side (before or after) of one change.
type costEnv struct {
	region   string
	prices   *pricing.Table
	versions clusterVersions
	plan     *Plan
	change   *ResourceChange
	before   bool
	// needs, when set, only records what the estimate looks up (the
	// first pass, which tells a PriceSource what to read).
	needs *pricing.Needs
}

func (e *costEnv) instance(typ string) (float64, bool) {
	if e.needs != nil {
		e.needs.InstanceTypes = appendNew(e.needs.InstanceTypes, typ)
		return 0, false
	}
	return e.prices.Instance(e.region, typ)
}

func (e *costEnv) volume(typ string) (float64, bool) {
	if e.needs != nil {
		e.needs.VolumeTypes = appendNew(e.needs.VolumeTypes, typ)
		return 0, false
	}
	return e.prices.Volume(e.region, typ)
}

func (e *costEnv) controlPlane() (pricing.ControlPlane, bool) {
	if e.needs != nil {
		return pricing.ControlPlane{}, false
	}
	return e.prices.ControlPlane(e.region)
}

func (e *costEnv) fargate() (pricing.Fargate, bool) {
	if e.needs != nil {
		return pricing.Fargate{}, false
	}
	return e.prices.FargateRates(e.region)
}

// attrsNamed is the same side's attributes of the plan's object of kind
// typ in the same cluster whose physical name is name (a node group's
// launch template), nil when the plan has none.
func (e *costEnv) attrsNamed(typ Type, name string) any {
	for _, ch := range e.plan.Changes {
		if ch.Type != typ || ch.Cluster != e.change.Cluster || ch.Region != e.change.Region {
			continue
		}
		a := ch.After
		if e.before {
			a = ch.Before
		}
		if a != nil && physicalNameOf(a) == name {
			return a
		}
	}
	return nil
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// estimateCosts fills in the cost of every change of p whose kind has one
// and p's summary. The prices are read once, for everything the estimates
// look up (a first pass records it); a source that fails leaves every
// figure unknown and says why, it never fails the plan.
func estimateCosts(ctx context.Context, p *Plan, source PriceSource, versions map[string]clusterVersions) {
	if source == nil {
		source = StaticPrices{Prices: pricing.Embedded()}
	}
	env := func(ch *ResourceChange, before bool, prices *pricing.Table, needs *pricing.Needs) *costEnv {
		return &costEnv{region: ch.Region, prices: prices, versions: versions[ch.Region+"/"+ch.Cluster], plan: p, change: ch, before: before, needs: needs}
	}
	needs := map[string]pricing.Needs{}
	for _, ch := range p.Changes {
		k := kinds[ch.Type]
		if k == nil || k.cost == nil {
			continue
		}
		n := needs[ch.Region]
		for _, side := range []struct {
			attrs  any
			before bool
		}{{ch.Before, true}, {ch.After, false}} {
			if side.attrs != nil {
				k.cost(env(ch, side.before, nil, &n), side.attrs)
			}
		}
		needs[ch.Region] = n
	}
	summary := &CostSummary{Currency: "USD", HoursPerMonth: pricing.HoursPerMonth, Unknown: []string{}, Clusters: []ClusterCost{}}
	p.CostSummary = summary
	prices, err := source.Table(ctx, needs)
	if err != nil || prices == nil {
		if err == nil {
			err = fmt.Errorf("the price source gave no prices")
		}
		summary.Error = err.Error()
		prices = &pricing.Table{Currency: "USD"}
	}
	summary.Currency = prices.Currency
	summary.Prices = strings.TrimSpace(prices.Source + ", " + prices.Date)
	summary.From, summary.Date = origin(source), prices.Date
	clusters := map[string]*ClusterCost{}
	for _, ch := range p.Changes {
		k := kinds[ch.Type]
		if k == nil || k.cost == nil {
			continue
		}
		c := &Cost{Currency: prices.Currency}
		var beforeBasis string
		for _, side := range []struct {
			attrs      any
			before     bool
			lo, hi     **float64
			basisOfOne *string
		}{{ch.Before, true, &c.Before, &c.BeforeMax, &beforeBasis}, {ch.After, false, &c.After, &c.AfterMax, &c.Basis}} {
			if side.attrs == nil {
				continue
			}
			est := k.cost(env(ch, side.before, prices, nil), side.attrs)
			*side.basisOfOne = est.basis
			c.UpTo = c.UpTo || est.upTo
			if est.perPod {
				c.Note, c.PodRates = est.note, est.podRates
				continue
			}
			for _, u := range est.unknown {
				c.Unknown = appendNew(c.Unknown, u)
			}
			if len(est.unknown) == 0 {
				*side.lo, *side.hi = money(est.min), money(est.max)
			}
		}
		if c.Basis == "" {
			c.Basis = beforeBasis
		} else if beforeBasis != c.Basis {
			c.BeforeBasis = beforeBasis
		}
		ch.Cost = c
		key := ch.Region + "/" + ch.Cluster
		cc := clusters[key]
		if cc == nil {
			cc = &ClusterCost{Cluster: ch.Cluster, Region: ch.Region}
			clusters[key] = cc
		}
		cc.add(c)
		for _, u := range c.Unknown {
			summary.Unknown = appendNew(summary.Unknown, u)
		}
	}
	keys := make([]string, 0, len(clusters))
	for k := range clusters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		cc := clusters[k]
		cc.round()
		summary.Clusters = append(summary.Clusters, *cc)
		summary.CostTotals.sum(cc.CostTotals)
	}
	summary.CostTotals.round()
	slices.Sort(summary.Unknown)
}

// add counts c into t: an unknown side makes t partial.
func (t *CostTotals) add(c *Cost) {
	if len(c.Unknown) > 0 {
		t.Partial = true
	}
	if c.Before != nil {
		t.Before += *c.Before
		t.BeforeMax += *c.BeforeMax
	}
	if c.After != nil {
		t.After += *c.After
		t.AfterMax += *c.AfterMax
	}
}

func (t *CostTotals) sum(o CostTotals) {
	t.Before += o.Before
	t.BeforeMax += o.BeforeMax
	t.After += o.After
	t.AfterMax += o.AfterMax
	t.Partial = t.Partial || o.Partial
}

// round rounds t to cents and works out the change.
func (t *CostTotals) round() {
	for _, v := range []*float64{&t.Before, &t.BeforeMax, &t.After, &t.AfterMax} {
		*v = cents(*v)
	}
	t.Change, t.ChangeMax = cents(t.After-t.Before), cents(t.AfterMax-t.BeforeMax)
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }

func money(v float64) *float64 {
	v = cents(v)
	return &v
}

// CostThreshold checks the plan's monthly increase against limit: what
// is wrong, "" when the increase is within it. The increase checked is
// the upper end (a node group left to autoscalers at its maximum size,
// spot at the on-demand price): a budget guard must not let through what
// may cost more. An estimate that cannot be complete (an unknown price,
// prices that could not be read) cannot be checked, and says so.
func (p *Plan) CostThreshold(limit float64) string {
	s := p.CostSummary
	if s == nil {
		return "the plan has no cost estimate (it was made by an older eksctl-lite): make it again"
	}
	if s.Error != "" {
		return fmt.Sprintf("the prices could not be read (%s), so the cost cannot be checked against --cost-threshold %s", s.Error, dollars(limit))
	}
	if s.Partial {
		return fmt.Sprintf("the estimate is partial, so the cost cannot be checked against --cost-threshold %s: no price for %s. Give the prices with --pricing FILE, or use --pricing aws", dollars(limit), strings.Join(s.Unknown, ", "))
	}
	if s.ChangeMax <= limit {
		return ""
	}
	over := dollars(cents(s.ChangeMax - limit))
	if s.ChangeMax != s.Change {
		return fmt.Sprintf("the plan may raise the monthly cost by up to %s (node groups at their maximum sizes; %s at their present or minimum sizes), %s more than --cost-threshold %s allows", dollars(s.ChangeMax), dollars(s.Change), over, dollars(limit))
	}
	return fmt.Sprintf("the plan raises the monthly cost by %s, %s more than --cost-threshold %s allows", dollars(s.ChangeMax), over, dollars(limit))
}

// dollars formats a monthly figure: $1,234.50.
func dollars(v float64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatFloat(cents(v), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	if neg {
		return "-$" + whole + "." + frac
	}
	return "$" + whole + "." + frac
}

// rate formats a unit price as it is listed, cents at least ($0.10,
// $0.096, $0.004445).
func rate(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if _, frac, ok := strings.Cut(s, "."); !ok {
		s += ".00"
	} else if len(frac) == 1 {
		s += "0"
	}
	return "$" + s
}

// nodeCost is the estimate of a group of EC2 nodes: the hourly price of
// its instances times its size (desired when set; left to autoscalers: a
// range from min to max), plus each node's root volume. On-demand nodes
// are priced at the first instance type (EKS and Auto Scaling launch
// on-demand capacity in the order listed); spot at up to the dearest
// type's on-demand price.
func nodeCost(e *costEnv, types []string, capacity string, minSize, maxSize int, desired *int, diskGiB int, volumeType string) estimate {
	var est estimate
	if len(types) == 0 {
		est.unknown = []string{"the instance type (the launch template's)"}
		return est
	}
	typ, price := types[0], 0.0
	spot := capacity == "SPOT"
	if spot {
		for _, t := range types {
			p, ok := e.instance(t)
			if !ok {
				est.unknown = append(est.unknown, fmt.Sprintf("%s in %s", t, e.region))
			} else if p > price {
				typ, price = t, p
			}
		}
	} else {
		p, ok := e.instance(typ)
		if !ok {
			est.unknown = append(est.unknown, fmt.Sprintf("%s in %s", typ, e.region))
		}
		price = p
	}
	lo, hi := minSize, maxSize
	count := fmt.Sprintf("%d-%d", minSize, maxSize)
	if desired != nil {
		lo, hi, count = *desired, *desired, strconv.Itoa(*desired)
	}
	market := "on-demand"
	if spot {
		market, est.upTo = "spot, up to the on-demand price", true
	}
	at := "at " + rate(price) + "/h"
	if len(est.unknown) > 0 {
		at = "at a price not known"
	}
	est.basis = fmt.Sprintf("%s x %s %s %s", count, typ, market, at)
	if len(types) > 1 && !spot {
		est.basis = fmt.Sprintf("%s x %s (the first of %d types) on-demand %s", count, typ, len(types), at)
	}
	perNode := price * float64(pricing.HoursPerMonth)
	if diskGiB > 0 {
		if volumeType == "" {
			volumeType = "gp3"
		}
		if v, ok := e.volume(volumeType); ok {
			perNode += float64(diskGiB) * v
			est.basis += fmt.Sprintf(" + %s x %d GiB %s at %s/GB-mo", count, diskGiB, volumeType, rate(v))
		} else {
			est.unknown = append(est.unknown, fmt.Sprintf("%s volumes in %s", volumeType, e.region))
		}
	}
	est.min, est.max = perNode*float64(lo), perNode*float64(hi)
	return est
}

// costDesired is the desired size a group's estimate uses: its own, or
// none (a range from min to max) when the configuration leaves the size
// to autoscalers, on both sides of the change, so that a group nobody
// resizes costs the same before and after.
func costDesired(e *costEnv, desired *int) *int {
	if a, ok := e.change.After.(interface{ autoscaled() bool }); ok && a.autoscaled() {
		return nil
	}
	return desired
}

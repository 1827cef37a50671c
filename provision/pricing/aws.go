package pricing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspricing "github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/pricing/types"
)

// GetProductsAPI is what the AWS source calls (the real *pricing.Client
// satisfies it). The Price List Query API is served only in us-east-1,
// ap-south-1 and eu-central-1 (api.pricing.REGION.amazonaws.com), whatever
// region the prices are for: the client must be configured for one of them.
type GetProductsAPI interface {
	GetProducts(context.Context, *awspricing.GetProductsInput, ...func(*awspricing.Options)) (*awspricing.GetProductsOutput, error)
}

// Needs is what a plan needs priced in one region.
type Needs struct{ InstanceTypes, VolumeTypes []string }

// AWSSource is the Source text of a table read from AWS.
const AWSSource = "AWS Price List Query API (GetProducts)"

// AWS reads prices from the Price List Query API. It is safe for
// concurrent use; each distinct query that succeeded is made once per AWS.
type AWS struct {
	api GetProductsAPI
	sem chan struct{} // one token per GetProducts call in flight
	now func() time.Time

	mu    sync.Mutex
	cache map[string]*query
}

// query is one GetProducts query and its pages, made once.
type query struct {
	done chan struct{}
	docs []priceDocument
	err  error
}

// NewAWS returns a source that makes at most parallelism GetProducts calls
// at once (less than 1 is 1).
func NewAWS(api GetProductsAPI, parallelism int) *AWS {
	return &AWS{
		api:   api,
		sem:   make(chan struct{}, max(parallelism, 1)),
		now:   time.Now,
		cache: map[string]*query{},
	}
}

// Price List facts the queries rely on (AWS Price List Query API, "Using
// the Price List Query API"; the attribute values are those of the EC2 and
// EKS offer files):
const (
	ec2Service = "AmazonEC2"
	eksService = "AmazonEKS"
	// eksClusterUsage is in the usage type of both EKS cluster-hour
	// products: [prefix-]AmazonEKS-Hours:perCluster (standard support) and
	// [prefix-]AmazonEKS-Hours:extendedSupport (the surcharge of extended
	// support, billed for the same hours on top of perCluster: $0.10 +
	// $0.50 = the $0.60 of the EKS pricing page).
	eksClusterUsage = "AmazonEKS-Hours:"
	perCluster      = "AmazonEKS-Hours:perCluster"
	extendedSupport = "AmazonEKS-Hours:extendedSupport"
	// Fargate for EKS is priced under AmazonEKS as [prefix-]Fargate-vCPU-Hours:perCPU
	// and [prefix-]Fargate-GB-Hours (Linux, x86; EKS runs no other Fargate pods).
	fargateUsage = "Fargate-"
	fargateVCPU  = "Fargate-vCPU-Hours:perCPU"
	fargateGB    = "Fargate-GB-Hours"
)

func termMatch(field, value string) types.Filter {
	return types.Filter{Field: aws.String(field), Type: types.FilterTypeTermMatch, Value: aws.String(value)}
}

func instanceFilters(region, instanceType string) []types.Filter {
	return []types.Filter{
		termMatch("instanceType", instanceType),
		termMatch("regionCode", region),
		termMatch("operatingSystem", "Linux"),
		termMatch("tenancy", "Shared"),
		termMatch("preInstalledSw", "NA"),
		termMatch("capacitystatus", "Used"),
	}
}

func volumeFilters(region, volumeType string) []types.Filter {
	return []types.Filter{
		termMatch("productFamily", "Storage"),
		termMatch("volumeApiName", volumeType),
		termMatch("regionCode", region),
	}
}

func usageFilters(region, usage string) []types.Filter {
	return []types.Filter{
		termMatch("regionCode", region),
		{Field: aws.String("usagetype"), Type: types.FilterTypeContains, Value: aws.String(usage)},
	}
}

// Table reads, for every region of needs, the on-demand Linux price of each
// instance type, the per-GB-month price of each volume type, and the
// region's EKS control plane and Fargate rates. Every GetProducts call of
// the read runs in parallel (at most parallelism at once). A product AWS
// does not list is absent from the table (unknown); an API error, or a
// query that matches products with different prices, is an error.
func (a *AWS) Table(ctx context.Context, needs map[string]Needs) (*Table, error) {
	t := &Table{
		Currency: "USD",
		Date:     a.now().UTC().Format(time.DateOnly),
		Source:   AWSSource,
		Regions:  map[string]*Region{},
	}
	type job struct {
		what string // for errors: "m6i.large in us-east-1"
		run  func(docs []priceDocument) error
		svc  string
		f    []types.Filter
	}
	var jobs []job
	var mu sync.Mutex // guards t.Regions' contents while jobs run
	for _, region := range sortedKeys(needs) {
		r := &Region{}
		t.Regions[region] = r
		n := needs[region]
		for _, it := range dedupe(n.InstanceTypes) {
			jobs = append(jobs, job{
				what: fmt.Sprintf("instance type %s in %s", it, region), svc: ec2Service, f: instanceFilters(region, it),
				run: func(docs []priceDocument) error {
					p, ok, err := onePrice(docs, func(priceDocument) bool { return true })
					if ok {
						mu.Lock()
						if r.EC2 == nil {
							r.EC2 = map[string]float64{}
						}
						r.EC2[it] = p
						mu.Unlock()
					}
					return err
				},
			})
		}
		for _, vt := range dedupe(n.VolumeTypes) {
			jobs = append(jobs, job{
				what: fmt.Sprintf("EBS volume type %s in %s", vt, region), svc: ec2Service, f: volumeFilters(region, vt),
				run: func(docs []priceDocument) error {
					p, ok, err := onePrice(docs, func(priceDocument) bool { return true })
					if ok {
						mu.Lock()
						if r.EBS == nil {
							r.EBS = map[string]float64{}
						}
						r.EBS[vt] = p
						mu.Unlock()
					}
					return err
				},
			})
		}
		jobs = append(jobs, job{
			what: "EKS cluster hours in " + region, svc: eksService, f: usageFilters(region, eksClusterUsage),
			run: func(docs []priceDocument) error {
				std, okStd, err1 := onePrice(docs, usageIs(perCluster))
				ext, okExt, err2 := onePrice(docs, usageIs(extendedSupport))
				if okStd && okExt {
					mu.Lock()
					r.EKS = &ControlPlane{Standard: std, Extended: std + ext}
					mu.Unlock()
				}
				return errors.Join(err1, err2)
			},
		})
		jobs = append(jobs, job{
			what: "Fargate in " + region, svc: eksService, f: usageFilters(region, fargateUsage),
			run: func(docs []priceDocument) error {
				cpu, okCPU, err1 := onePrice(docs, usageIs(fargateVCPU))
				gb, okGB, err2 := onePrice(docs, usageIs(fargateGB))
				if okCPU && okGB {
					mu.Lock()
					r.Fargate = &Fargate{VCPUHour: cpu, GBHour: gb}
					mu.Unlock()
				}
				return errors.Join(err1, err2)
			},
		})
	}

	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			docs, err := a.products(ctx, j.svc, j.f)
			if err == nil {
				err = j.run(docs)
			}
			if err != nil {
				errs[i] = fmt.Errorf("pricing GetProducts (%s, %s): %w", j.svc, j.what, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// products returns every product of a query, following NextToken, making
// the query once per AWS (concurrent callers wait for the first).
func (a *AWS) products(ctx context.Context, service string, filters []types.Filter) ([]priceDocument, error) {
	key := queryKey(service, filters)
	a.mu.Lock()
	q, ok := a.cache[key]
	if !ok {
		q = &query{done: make(chan struct{})}
		a.cache[key] = q
	}
	a.mu.Unlock()
	if ok {
		select {
		case <-q.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if q.err != nil {
			return nil, q.err
		}
		return q.docs, nil
	}
	q.docs, q.err = a.fetch(ctx, service, filters)
	if q.err != nil {
		// A failed query is forgotten, so that a later read may try again.
		a.mu.Lock()
		delete(a.cache, key)
		a.mu.Unlock()
	}
	close(q.done)
	return q.docs, q.err
}

func (a *AWS) fetch(ctx context.Context, service string, filters []types.Filter) ([]priceDocument, error) {
	in := &awspricing.GetProductsInput{
		ServiceCode:   aws.String(service),
		Filters:       filters,
		FormatVersion: aws.String("aws_v1"),
		MaxResults:    aws.Int32(100),
	}
	var docs []priceDocument
	seen := map[string]bool{}
	for {
		select {
		case a.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		out, err := a.api.GetProducts(ctx, in)
		<-a.sem
		if err != nil {
			return nil, err
		}
		for _, raw := range out.PriceList {
			var d priceDocument
			if err := json.Unmarshal([]byte(raw), &d); err != nil {
				return nil, fmt.Errorf("a PriceList entry is not a price document: %w", err)
			}
			docs = append(docs, d)
		}
		next := aws.ToString(out.NextToken)
		if next == "" {
			return docs, nil
		}
		if seen[next] {
			return nil, fmt.Errorf("NextToken %q came back twice; stopping instead of looping", next)
		}
		seen[next] = true
		page := *in
		page.NextToken = aws.String(next)
		in = &page
	}
}

func queryKey(service string, filters []types.Filter) string {
	var b strings.Builder
	b.WriteString(service)
	for _, f := range filters {
		fmt.Fprintf(&b, "\x00%s\x00%s\x00%s", aws.ToString(f.Field), f.Type, aws.ToString(f.Value))
	}
	return b.String()
}

// priceDocument is the part of a Price List entry the estimate needs:
// {"product": {"attributes": {...}, "sku": ...}, "terms": {"OnDemand":
// {"SKU.TERM": {"priceDimensions": {"SKU.TERM.RATE": {"unit": ...,
// "pricePerUnit": {"USD": "0.0960000000"}}}}}}}.
type priceDocument struct {
	Product struct {
		ProductFamily string            `json:"productFamily"`
		Attributes    map[string]string `json:"attributes"`
		SKU           string            `json:"sku"`
	} `json:"product"`
	Terms struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]struct {
				Unit         string            `json:"unit"`
				PricePerUnit map[string]string `json:"pricePerUnit"`
			} `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

// onDemand returns the product's on-demand USD price; a product with none,
// or only a zero one, has no price (false).
func (d priceDocument) onDemand() (float64, bool, error) {
	var prices []float64
	for _, term := range d.Terms.OnDemand {
		for _, dim := range term.PriceDimensions {
			s, ok := dim.PricePerUnit["USD"]
			if !ok {
				continue
			}
			p, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return 0, false, fmt.Errorf("product %s: USD price %q is not a number", d.Product.SKU, s)
			}
			if p > 0 && !slices.Contains(prices, p) {
				prices = append(prices, p)
			}
		}
	}
	switch len(prices) {
	case 0:
		return 0, false, nil
	case 1:
		return prices[0], true, nil
	}
	slices.Sort(prices)
	return 0, false, fmt.Errorf("product %s has %d on-demand prices (%v); expected one", d.Product.SKU, len(prices), prices)
}

// onePrice is the price of the documents that match: none is unknown;
// several are one price if they agree, else an error (the query's filters
// are too loose).
func onePrice(docs []priceDocument, match func(priceDocument) bool) (float64, bool, error) {
	var price float64
	var skus []string
	found := false
	for _, d := range docs {
		if !match(d) {
			continue
		}
		p, ok, err := d.onDemand()
		if err != nil {
			return 0, false, err
		}
		if !ok {
			continue
		}
		skus = append(skus, d.Product.SKU)
		if found && p != price {
			return 0, false, fmt.Errorf("products %s match with different prices (%g and %g): the filters are too loose; report this as a bug", strings.Join(skus, ", "), price, p)
		}
		price, found = p, true
	}
	return price, found, nil
}

// usageIs matches a product whose usage type is usage, with or without a
// region prefix ("USE1-", "EU-", "APS3-"): us-east-1's EC2 usage types carry
// none (BoxUsage:m5.large), its EKS ones do (USE1-AmazonEKS-Hours:perCluster).
func usageIs(usage string) func(priceDocument) bool {
	return func(d priceDocument) bool {
		u := d.Product.Attributes["usagetype"]
		if u == usage {
			return true
		}
		prefix, ok := strings.CutSuffix(u, "-"+usage)
		if !ok || prefix == "" {
			return false
		}
		for _, c := range prefix {
			if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				return false
			}
		}
		return true
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// dedupe returns the distinct non-empty strings of s, sorted.
func dedupe(s []string) []string {
	out := slices.DeleteFunc(slices.Clone(s), func(v string) bool { return v == "" })
	slices.Sort(out)
	return slices.Compact(out)
}

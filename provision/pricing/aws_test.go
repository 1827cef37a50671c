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
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspricing "github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/pricing/types"
	"github.com/google/go-cmp/cmp"
)

// fakePricing is a function-field fake of GetProductsAPI.
type fakePricing struct {
	getProducts func(context.Context, *awspricing.GetProductsInput, ...func(*awspricing.Options)) (*awspricing.GetProductsOutput, error)
}

func (f *fakePricing) GetProducts(ctx context.Context, in *awspricing.GetProductsInput, opts ...func(*awspricing.Options)) (*awspricing.GetProductsOutput, error) {
	return f.getProducts(ctx, in, opts...)
}

// product is one entry of a fake price list.
type product struct {
	service string
	family  string
	attrs   map[string]string
	usd     string
}

// document is the product in AWS's price document shape.
func (p product) document() string {
	sku := fmt.Sprintf("SKU%08X", len(p.attrs)*7919+len(p.usd)*104729+int(crc(p.service+fmt.Sprint(p.attrs)+p.usd)))
	term := sku + ".JRTCKXETXF"
	rate := term + ".6YS6EN2CT7"
	attrs := map[string]string{"servicecode": p.service}
	for k, v := range p.attrs {
		attrs[k] = v
	}
	d := map[string]any{
		"product":     map[string]any{"productFamily": p.family, "attributes": attrs, "sku": sku},
		"serviceCode": p.service,
		"terms": map[string]any{
			"OnDemand": map[string]any{term: map[string]any{
				"offerTermCode": "JRTCKXETXF", "sku": sku,
				"priceDimensions": map[string]any{rate: map[string]any{
					"unit": "Hrs", "rateCode": rate, "pricePerUnit": map[string]string{"USD": p.usd},
				}},
			}},
			"Reserved": map[string]any{sku + ".4NA7Y494T4": map[string]any{
				"priceDimensions": map[string]any{sku + ".4NA7Y494T4.6YS6EN2CT7": map[string]any{
					"unit": "Hrs", "pricePerUnit": map[string]string{"USD": "0.0001"},
				}},
			}},
		},
		"version":         "20251120191838",
		"publicationDate": "2025-11-20T19:18:38Z",
	}
	b, err := json.Marshal(d)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func crc(s string) uint32 {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func (p product) value(field string) (string, bool) {
	if field == "productFamily" {
		return p.family, true
	}
	v, ok := p.attrs[field]
	return v, ok
}

func (p product) matches(in *awspricing.GetProductsInput) bool {
	if p.service != aws.ToString(in.ServiceCode) {
		return false
	}
	for _, f := range in.Filters {
		v, ok := p.value(aws.ToString(f.Field))
		want := aws.ToString(f.Value)
		switch f.Type {
		case types.FilterTypeTermMatch, types.FilterTypeEquals:
			if !ok || v != want {
				return false
			}
		case types.FilterTypeContains:
			if !ok || !strings.Contains(v, want) {
				return false
			}
		default:
			panic("fake: filter type " + string(f.Type))
		}
	}
	return true
}

// catalogue is a fake price list: it applies the filters and serves
// pageSize products a page, and records every call.
type catalogue struct {
	products []product
	pageSize int

	mu    sync.Mutex
	calls []*awspricing.GetProductsInput
}

func (c *catalogue) api() *fakePricing {
	return &fakePricing{getProducts: func(_ context.Context, in *awspricing.GetProductsInput, _ ...func(*awspricing.Options)) (*awspricing.GetProductsOutput, error) {
		c.mu.Lock()
		c.calls = append(c.calls, in)
		c.mu.Unlock()
		var docs []string
		for _, p := range c.products {
			if p.matches(in) {
				docs = append(docs, p.document())
			}
		}
		start := 0
		if in.NextToken != nil {
			start, _ = strconv.Atoi(strings.TrimPrefix(*in.NextToken, "page-"))
		}
		size := c.pageSize
		if size == 0 {
			size = int(aws.ToInt32(in.MaxResults))
		}
		end := min(start+size, len(docs))
		out := &awspricing.GetProductsOutput{FormatVersion: aws.String("aws_v1"), PriceList: docs[start:end]}
		if end < len(docs) {
			out.NextToken = aws.String(fmt.Sprintf("page-%d", end))
		}
		return out, nil
	}}
}

// describe is a call as "service filter=value ... [token]".
func describe(in *awspricing.GetProductsInput) string {
	parts := []string{aws.ToString(in.ServiceCode)}
	for _, f := range in.Filters {
		op := "="
		if f.Type == types.FilterTypeContains {
			op = "~"
		} else if f.Type != types.FilterTypeTermMatch {
			op = string(f.Type)
		}
		parts = append(parts, aws.ToString(f.Field)+op+aws.ToString(f.Value))
	}
	if in.NextToken != nil {
		parts = append(parts, "next="+*in.NextToken)
	}
	return strings.Join(parts, " ")
}

func (c *catalogue) described() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, in := range c.calls {
		out = append(out, describe(in))
	}
	slices.Sort(out)
	return out
}

func instance(region, it, usd string, overrides ...string) product {
	attrs := map[string]string{
		"instanceType": it, "regionCode": region, "operatingSystem": "Linux", "tenancy": "Shared",
		"preInstalledSw": "NA", "capacitystatus": "Used", "usagetype": "BoxUsage:" + it,
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		attrs[overrides[i]] = overrides[i+1]
	}
	return product{service: "AmazonEC2", family: "Compute Instance", attrs: attrs, usd: usd}
}

func volume(region, vt, usd string) product {
	return product{service: "AmazonEC2", family: "Storage", usd: usd, attrs: map[string]string{
		"volumeApiName": vt, "regionCode": region, "usagetype": "EBS:VolumeUsage." + vt,
	}}
}

func eksUsage(region, usage, usd string) product {
	return product{service: "AmazonEKS", family: "Compute", usd: usd, attrs: map[string]string{
		"regionCode": region, "usagetype": usage,
	}}
}

// listing is a price list in the shape of AWS's (and the emulator's):
// the variants a query must not pick are there too.
func listing() []product {
	return []product{
		instance("us-east-1", "m6i.large", "0.0960000000"),
		instance("us-east-1", "m6i.large", "0.1880000000", "operatingSystem", "Windows", "usagetype", "BoxUsage:m6i.large"),
		instance("us-east-1", "m6i.large", "0.1056000000", "tenancy", "Dedicated", "usagetype", "DedicatedUsage:m6i.large"),
		instance("us-east-1", "m6i.large", "0.1300000000", "preInstalledSw", "SQL Web"),
		instance("us-east-1", "m6i.large", "0.0000000000", "capacitystatus", "AllocatedCapacityReservation"),
		instance("us-east-1", "m6i.large", "0.0960000000", "capacitystatus", "UnusedCapacityReservation"),
		instance("eu-west-1", "m6i.large", "0.1070000000", "usagetype", "EU-BoxUsage:m6i.large"),
		instance("us-west-2", "m6i.large", "0.0960000000", "usagetype", "USW2-BoxUsage:m6i.large"),
		volume("us-east-1", "gp3", "0.0800000000"),
		volume("us-east-1", "gp2", "0.1000000000"),
		volume("eu-west-1", "gp3", "0.0880000000"),
		eksUsage("us-east-1", "USE1-AmazonEKS-Hours:perCluster", "0.1000000000"),
		eksUsage("us-east-1", "USE1-AmazonEKS-Hours:extendedSupport", "0.5000000000"),
		eksUsage("us-east-1", "USE1-AmazonEKS-Hours:perCluster-decoy", "9.0000000000"),
		eksUsage("us-east-1", "USE1-Fargate-vCPU-Hours:perCPU", "0.0404800000"),
		eksUsage("us-east-1", "USE1-Fargate-GB-Hours", "0.0044450000"),
		eksUsage("us-east-1", "USE1-Fargate-ARM-vCPU-Hours:perCPU", "0.0323800000"),
		eksUsage("us-east-1", "USE1-SpotUsage-Fargate-vCPU-Hours:perCPU", "0.0120000000"),
		eksUsage("eu-west-1", "EU-AmazonEKS-Hours:perCluster", "0.1000000000"),
		eksUsage("eu-west-1", "EU-AmazonEKS-Hours:extendedSupport", "0.5000000000"),
		eksUsage("eu-west-1", "EU-Fargate-vCPU-Hours:perCPU", "0.0404800000"),
		eksUsage("eu-west-1", "EU-Fargate-GB-Hours", "0.0044450000"),
		// ap-south-1: only the standard cluster hour is listed.
		eksUsage("ap-south-1", "APS3-AmazonEKS-Hours:perCluster", "0.1000000000"),
	}
}

func fixedAWS(api GetProductsAPI, parallelism int) *AWS {
	a := NewAWS(api, parallelism)
	a.now = func() time.Time { return time.Date(2025, 11, 20, 23, 30, 0, 0, time.UTC) }
	return a
}

func TestAWSTable(t *testing.T) {
	c := &catalogue{products: listing(), pageSize: 1}
	got, err := fixedAWS(c.api(), 4).Table(context.Background(), map[string]Needs{
		"us-east-1":  {InstanceTypes: []string{"m6i.large", "x9.huge", "m6i.large"}, VolumeTypes: []string{"gp3", "io2"}},
		"eu-west-1":  {InstanceTypes: []string{"m6i.large"}, VolumeTypes: []string{"gp3"}},
		"ap-south-1": {},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &Table{
		Currency: "USD",
		Date:     "2025-11-20",
		Source:   "AWS Price List Query API (GetProducts)",
		Regions: map[string]*Region{
			"us-east-1": {
				EKS:     &ControlPlane{Standard: 0.10, Extended: 0.60},
				Fargate: &Fargate{VCPUHour: 0.04048, GBHour: 0.004445},
				EBS:     map[string]float64{"gp3": 0.08}, // io2 is not listed: unknown
				EC2:     map[string]float64{"m6i.large": 0.096},
			},
			"eu-west-1": {
				EKS:     &ControlPlane{Standard: 0.10, Extended: 0.60},
				Fargate: &Fargate{VCPUHour: 0.04048, GBHour: 0.004445},
				EBS:     map[string]float64{"gp3": 0.088},
				EC2:     map[string]float64{"m6i.large": 0.107},
			},
			// Standard without extended is not a control plane price.
			"ap-south-1": {},
		},
	}
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return fmt.Sprintf("%.9f", a) == fmt.Sprintf("%.9f", b) })); d != "" {
		t.Errorf("Table (-want +got):\n%s", d)
	}
	if _, err := Parse("aws", mustJSON(t, got)); err != nil {
		t.Errorf("the table read from AWS does not parse: %v", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAWSFiltersAndPaging(t *testing.T) {
	c := &catalogue{products: listing(), pageSize: 1}
	_, err := fixedAWS(c.api(), 2).Table(context.Background(), map[string]Needs{
		"us-east-1": {InstanceTypes: []string{"m6i.large"}, VolumeTypes: []string{"gp3"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		// One product of the six m6i.large variants matches: one page.
		"AmazonEC2 instanceType=m6i.large regionCode=us-east-1 operatingSystem=Linux tenancy=Shared preInstalledSw=NA capacitystatus=Used",
		"AmazonEC2 productFamily=Storage volumeApiName=gp3 regionCode=us-east-1",
		// Three cluster-hour products, one a page: three calls.
		"AmazonEKS regionCode=us-east-1 usagetype~AmazonEKS-Hours:",
		"AmazonEKS regionCode=us-east-1 usagetype~AmazonEKS-Hours: next=page-1",
		"AmazonEKS regionCode=us-east-1 usagetype~AmazonEKS-Hours: next=page-2",
		"AmazonEKS regionCode=us-east-1 usagetype~Fargate-",
		"AmazonEKS regionCode=us-east-1 usagetype~Fargate- next=page-1",
		"AmazonEKS regionCode=us-east-1 usagetype~Fargate- next=page-2",
		"AmazonEKS regionCode=us-east-1 usagetype~Fargate- next=page-3",
	}
	slices.Sort(want)
	if d := cmp.Diff(want, c.described()); d != "" {
		t.Errorf("GetProducts calls (-want +got):\n%s", d)
	}
	for _, in := range c.calls {
		if aws.ToString(in.FormatVersion) != "aws_v1" || aws.ToInt32(in.MaxResults) != 100 {
			t.Errorf("%s: FormatVersion %q, MaxResults %d; want aws_v1, 100", describe(in), aws.ToString(in.FormatVersion), aws.ToInt32(in.MaxResults))
		}
	}
}

func TestAWSCache(t *testing.T) {
	c := &catalogue{products: listing()}
	a := fixedAWS(c.api(), 3)
	needs := map[string]Needs{"us-east-1": {InstanceTypes: []string{"m6i.large"}, VolumeTypes: []string{"gp3"}}}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := a.Table(context.Background(), needs); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// A second read that needs one more type makes one more query.
	tbl, err := a.Table(context.Background(), map[string]Needs{"us-east-1": {InstanceTypes: []string{"m6i.large", "x9.huge"}}})
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := tbl.Instance("us-east-1", "m6i.large"); !ok || p != 0.096 {
		t.Errorf("cached Instance(us-east-1, m6i.large) = %v, %v", p, ok)
	}
	want := []string{
		"AmazonEC2 instanceType=m6i.large regionCode=us-east-1 operatingSystem=Linux tenancy=Shared preInstalledSw=NA capacitystatus=Used",
		"AmazonEC2 instanceType=x9.huge regionCode=us-east-1 operatingSystem=Linux tenancy=Shared preInstalledSw=NA capacitystatus=Used",
		"AmazonEC2 productFamily=Storage volumeApiName=gp3 regionCode=us-east-1",
		"AmazonEKS regionCode=us-east-1 usagetype~AmazonEKS-Hours:",
		"AmazonEKS regionCode=us-east-1 usagetype~Fargate-",
	}
	if d := cmp.Diff(want, c.described()); d != "" {
		t.Errorf("GetProducts calls, each query once (-want +got):\n%s", d)
	}
}

func TestAWSParallelism(t *testing.T) {
	const parallelism = 3
	c := &catalogue{products: listing()}
	serve := c.api().getProducts
	var inflight, most atomic.Int32
	full := make(chan struct{}) // closed when parallelism calls are in flight at once
	var once sync.Once
	api := &fakePricing{getProducts: func(ctx context.Context, in *awspricing.GetProductsInput, opts ...func(*awspricing.Options)) (*awspricing.GetProductsOutput, error) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		if n == parallelism {
			once.Do(func() { close(full) })
		}
		// Hold every call until the bound is reached, so that a source
		// that ran fewer at once would never get there.
		select {
		case <-full:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return serve(ctx, in, opts...)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var its []string
	for i := range 10 {
		its = append(its, fmt.Sprintf("m6i.%dxlarge", i+2))
	}
	if _, err := fixedAWS(api, parallelism).Table(ctx, map[string]Needs{"us-east-1": {InstanceTypes: its}}); err != nil {
		t.Fatalf("Table: %v (the calls never ran %d at once)", err, parallelism)
	}
	if got := most.Load(); got != parallelism {
		t.Errorf("at most %d GetProducts calls in flight; want %d", got, parallelism)
	}
	if got := len(c.calls); got != 12 {
		t.Errorf("%d GetProducts calls; want 12 (10 instance types, EKS, Fargate)", got)
	}
}

func TestAWSErrors(t *testing.T) {
	throttled := errors.New("ThrottlingException: Rate exceeded")
	var calls atomic.Int32
	c := &catalogue{products: listing()}
	serve := c.api().getProducts
	fail := true
	api := &fakePricing{getProducts: func(ctx context.Context, in *awspricing.GetProductsInput, opts ...func(*awspricing.Options)) (*awspricing.GetProductsOutput, error) {
		if aws.ToString(in.ServiceCode) == "AmazonEC2" && len(in.Filters) > 0 && aws.ToString(in.Filters[0].Value) == "m6i.large" {
			calls.Add(1)
			if fail {
				return nil, throttled
			}
		}
		return serve(ctx, in, opts...)
	}}
	a := fixedAWS(api, 2)
	needs := map[string]Needs{"us-east-1": {InstanceTypes: []string{"m6i.large"}}}
	_, err := a.Table(context.Background(), needs)
	if !errors.Is(err, throttled) {
		t.Fatalf("Table error = %v; want the API's error", err)
	}
	want := "pricing GetProducts (AmazonEC2, instance type m6i.large in us-east-1): ThrottlingException: Rate exceeded"
	if err.Error() != want {
		t.Errorf("Table error = %q; want %q", err, want)
	}
	// A failed query is not cached: the next read asks again.
	fail = false
	if _, err := a.Table(context.Background(), needs); err != nil {
		t.Fatal(err)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("%d calls for m6i.large; want 2 (the failure is not cached)", got)
	}
}

func TestAWSAmbiguous(t *testing.T) {
	tests := map[string]struct {
		extra   product
		want    float64
		wantErr string
	}{
		"two products that agree": {
			extra: instance("us-east-1", "m6i.large", "0.096", "licenseModel", "No License required"),
			want:  0.096,
		},
		"two products with different prices": {
			extra:   instance("us-east-1", "m6i.large", "0.5", "licenseModel", "Bring your own license"),
			wantErr: "the filters are too loose",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c := &catalogue{products: append(listing(), tt.extra)}
			tbl, err := fixedAWS(c.api(), 2).Table(context.Background(), map[string]Needs{"us-east-1": {InstanceTypes: []string{"m6i.large"}}})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "m6i.large in us-east-1") {
					t.Fatalf("Table error = %v; want one saying %q for m6i.large in us-east-1", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p, ok := tbl.Instance("us-east-1", "m6i.large"); !ok || p != tt.want {
				t.Errorf("Instance = %v, %v; want %v", p, ok, tt.want)
			}
		})
	}
}

func TestAWSBadDocument(t *testing.T) {
	api := &fakePricing{getProducts: func(context.Context, *awspricing.GetProductsInput, ...func(*awspricing.Options)) (*awspricing.GetProductsOutput, error) {
		return &awspricing.GetProductsOutput{PriceList: []string{"not json"}}, nil
	}}
	_, err := fixedAWS(api, 1).Table(context.Background(), map[string]Needs{"us-east-1": {}})
	if err == nil || !strings.Contains(err.Error(), "not a price document") {
		t.Errorf("Table error = %v; want one saying the entry is not a price document", err)
	}
}

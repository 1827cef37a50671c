package integration

// Tests of the emulator's EKS release calendar (DescribeClusterVersions,
// emulator/eks_versions.py) and its AWS Price List (GetProducts,
// DescribeServices, GetAttributeValues, emulator/pricing.py); moto 5.2.1
// has neither. Through aws-sdk-go-v2, one test per behaviour, each failing
// with its patch switched off (EKSCTL_LITE_EMULATOR_DISABLE=<name>, listed in
// README.md).

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// setToday makes the emulator compute EKS version statuses for day
// ("2026-12-03"); newEnv returns it to harnessDay.
func (e *env) setToday(t *testing.T, day string) {
	t.Helper()
	e.requireMoto(t)
	e.control(t, http.MethodPost, "/_eksctl_lite/today", map[string]string{"date": day}, nil)
}

// setPrice overrides one on-demand price of the emulator's Price List
// (usd nil removes the product); newEnv's reset restores the table.
func (e *env) setPrice(t *testing.T, override map[string]any) {
	t.Helper()
	e.requireMoto(t)
	e.control(t, http.MethodPost, "/_eksctl_lite/prices", override, nil)
}

// pricingClient is a Price List client signing for region (the API's
// endpoints are in us-east-1, ap-south-1 and eu-central-1 only).
func (e *env) pricingClient(region string) *pricing.Client {
	return pricing.NewFromConfig(aws.Config{
		Region: region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test", Source: "integration"}, nil
		}),
		BaseEndpoint: aws.String(e.endpoint),
		Retryer:      func() aws.Retryer { return retry.NewStandard() },
	})
}

func noRetryPricing(o *pricing.Options) { o.Retryer = aws.NopRetryer{} }

// versionRow is what a test compares of a ClusterVersionInformation.
type versionRow struct {
	Version, Status, DeprecatedStatus string
	Default                           bool
}

// clusterVersions pages through DescribeClusterVersions two at a time.
func clusterVersions(t *testing.T, e *env, in *eks.DescribeClusterVersionsInput) ([]versionRow, []ekstypes.ClusterVersionInformation) {
	t.Helper()
	var rows []versionRow
	var all []ekstypes.ClusterVersionInformation
	in.MaxResults = aws.Int32(2)
	p := eks.NewDescribeClusterVersionsPaginator(e.eks, in)
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context(), noRetry)
		if err != nil {
			t.Fatalf("DescribeClusterVersions: %v", err)
		}
		for _, v := range out.ClusterVersions {
			rows = append(rows, versionRow{aws.ToString(v.ClusterVersion), string(v.VersionStatus), string(v.Status), v.DefaultVersion})
			all = append(all, v)
		}
	}
	return rows, all
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// The calendar: every version EKS has released by "today", newest first,
// with EKS's dates, its status on that day (standard support for 14 months,
// extended support for 12 more, then unsupported: listed only with
// includeAll) and one default, the newest, which is also what CreateCluster
// gives a cluster without a version.
func TestEmulatorClusterVersionsCalendar(t *testing.T) {
	e := newEnv(t)
	e.setToday(t, "2026-12-03")

	rows, all := clusterVersions(t, e, &eks.DescribeClusterVersionsInput{})
	want := []versionRow{
		{"1.35", "STANDARD_SUPPORT", "STANDARD_SUPPORT", true},
		// 1.34's standard support ended on 2026-12-02: extended support
		// begins at the start of that day (UTC).
		{"1.34", "EXTENDED_SUPPORT", "EXTENDED_SUPPORT", false},
		{"1.33", "EXTENDED_SUPPORT", "EXTENDED_SUPPORT", false},
		{"1.32", "EXTENDED_SUPPORT", "EXTENDED_SUPPORT", false},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("versions on 2026-12-03 (-want +got):\n%s", diff)
	}
	for _, v := range all {
		if aws.ToString(v.ClusterType) != "eks" || !strings.HasPrefix(aws.ToString(v.DefaultPlatformVersion), "eks.") ||
			!strings.HasPrefix(aws.ToString(v.KubernetesPatchVersion), aws.ToString(v.ClusterVersion)+".") {
			t.Errorf("%s: clusterType %q, defaultPlatformVersion %q, kubernetesPatchVersion %q; want eks, eks.N, %s.N",
				aws.ToString(v.ClusterVersion), aws.ToString(v.ClusterType), aws.ToString(v.DefaultPlatformVersion),
				aws.ToString(v.KubernetesPatchVersion), aws.ToString(v.ClusterVersion))
		}
		if aws.ToString(v.ClusterVersion) == "1.33" {
			got := []time.Time{aws.ToTime(v.ReleaseDate), aws.ToTime(v.EndOfStandardSupportDate), aws.ToTime(v.EndOfExtendedSupportDate)}
			if diff := cmp.Diff([]time.Time{day("2025-05-29"), day("2026-07-29"), day("2027-07-29")}, got,
				cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("1.33 release / end of standard / end of extended support (-want +got):\n%s", diff)
			}
		}
	}

	rows, _ = clusterVersions(t, e, &eks.DescribeClusterVersionsInput{IncludeAll: aws.Bool(true)})
	var unsupported []string
	for _, r := range rows {
		if r.Status == "UNSUPPORTED" {
			unsupported = append(unsupported, r.Version)
		}
	}
	if want := []string{"1.31", "1.30", "1.29", "1.28", "1.27", "1.26", "1.25", "1.24", "1.23"}; !slices.Equal(unsupported, want) {
		t.Errorf("includeAll: unsupported %v, want %v (1.31's extended support ended on 2026-11-26)", unsupported, want)
	}

	// Another day: 1.34 and 1.35 are not released yet, 1.33 is the default.
	e.setToday(t, "2025-06-01")
	rows, _ = clusterVersions(t, e, &eks.DescribeClusterVersionsInput{})
	want = []versionRow{
		{"1.33", "STANDARD_SUPPORT", "STANDARD_SUPPORT", true},
		{"1.32", "STANDARD_SUPPORT", "STANDARD_SUPPORT", false},
		{"1.31", "STANDARD_SUPPORT", "STANDARD_SUPPORT", false},
		{"1.30", "STANDARD_SUPPORT", "STANDARD_SUPPORT", false},
		{"1.29", "EXTENDED_SUPPORT", "EXTENDED_SUPPORT", false},
		{"1.28", "EXTENDED_SUPPORT", "EXTENDED_SUPPORT", false},
		{"1.27", "EXTENDED_SUPPORT", "EXTENDED_SUPPORT", false},
		{"1.26", "EXTENDED_SUPPORT", "EXTENDED_SUPPORT", false},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("versions on 2025-06-01 (-want +got):\n%s", diff)
	}
	out, err := e.eks.CreateCluster(t.Context(), &eks.CreateClusterInput{
		Name: aws.String("dflt"), RoleArn: aws.String(testClusterRole),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: testSubnets},
	}, noRetry)
	if err != nil {
		t.Fatalf("CreateCluster without a version: %v", err)
	}
	if v := aws.ToString(out.Cluster.Version); v != "1.33" {
		t.Errorf("CreateCluster without a version on 2025-06-01: %s, want the calendar's default 1.33", v)
	}

	// Back to the real date.
	e.control(t, http.MethodDelete, "/_eksctl_lite/today", nil, nil)
	var today struct {
		Date  string
		Fixed bool
	}
	e.control(t, http.MethodGet, "/_eksctl_lite/today", nil, &today)
	// Before or after the request, should it straddle midnight UTC.
	before, after := time.Now().UTC().Add(-time.Minute).Format(time.DateOnly), time.Now().UTC().Format(time.DateOnly)
	if today.Fixed || (today.Date != before && today.Date != after) {
		t.Errorf("today after DELETE: %+v, want the real date %s", today, after)
	}
}

// The request's filters: clusterVersions, versionStatus and the deprecated
// status (its own lowercase enum), defaultOnly, clusterType; values outside
// the model's enums, a bad maxResults and a made-up nextToken are
// InvalidParameterException.
func TestEmulatorClusterVersionsFilters(t *testing.T) {
	e := newEnv(t)
	e.setToday(t, "2026-12-03")
	names := func(in *eks.DescribeClusterVersionsInput) []string {
		t.Helper()
		rows, _ := clusterVersions(t, e, in)
		var out []string
		for _, r := range rows {
			out = append(out, r.Version)
		}
		return out
	}
	for what, tc := range map[string]struct {
		give *eks.DescribeClusterVersionsInput
		want []string
	}{
		"clusterVersions":                 {&eks.DescribeClusterVersionsInput{ClusterVersions: []string{"1.33", "1.35"}}, []string{"1.35", "1.33"}},
		"clusterVersions unsupported":     {&eks.DescribeClusterVersionsInput{ClusterVersions: []string{"1.29", "1.33"}}, []string{"1.33"}},
		"clusterVersions with includeAll": {&eks.DescribeClusterVersionsInput{ClusterVersions: []string{"1.29", "1.33"}, IncludeAll: aws.Bool(true)}, []string{"1.33", "1.29"}},
		"versionStatus":                   {&eks.DescribeClusterVersionsInput{VersionStatus: ekstypes.VersionStatusStandardSupport}, []string{"1.35"}},
		"versionStatus UNSUPPORTED":       {&eks.DescribeClusterVersionsInput{VersionStatus: ekstypes.VersionStatusUnsupported, ClusterVersions: []string{"1.23", "1.31", "1.32"}}, []string{"1.31", "1.23"}},
		"status (deprecated)":             {&eks.DescribeClusterVersionsInput{Status: ekstypes.ClusterVersionStatusExtendedSupport}, []string{"1.34", "1.33", "1.32"}},
		"defaultOnly":                     {&eks.DescribeClusterVersionsInput{DefaultOnly: aws.Bool(true)}, []string{"1.35"}},
		"clusterType eks":                 {&eks.DescribeClusterVersionsInput{ClusterType: aws.String("eks"), DefaultOnly: aws.Bool(true)}, []string{"1.35"}},
		"clusterType other":               {&eks.DescribeClusterVersionsInput{ClusterType: aws.String("eks-local-outposts")}, nil},
	} {
		if got := names(tc.give); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", what, got, tc.want)
		}
	}

	for what, in := range map[string]*eks.DescribeClusterVersionsInput{
		"versionStatus standard-support": {VersionStatus: "standard-support"},
		"status STANDARD_SUPPORT":        {Status: "STANDARD_SUPPORT"},
		"status and versionStatus apart": {Status: ekstypes.ClusterVersionStatusUnsupported, VersionStatus: ekstypes.VersionStatusStandardSupport},
		"clusterVersions 133":            {ClusterVersions: []string{"133"}},
		"maxResults 101":                 {MaxResults: aws.Int32(101)},
		"made-up nextToken":              {NextToken: aws.String("1.33")},
	} {
		_, err := e.eks.DescribeClusterVersions(t.Context(), in, noRetry)
		wantErr[*ekstypes.InvalidParameterException](t, "DescribeClusterVersions "+what, err)
	}
}

// priceDocument is the part of a Price List price document (AWS's JSON
// shape) the tests read.
type priceDocument struct {
	Product struct {
		ProductFamily string            `json:"productFamily"`
		Attributes    map[string]string `json:"attributes"`
		SKU           string            `json:"sku"`
	} `json:"product"`
	ServiceCode     string `json:"serviceCode"`
	Version         string `json:"version"`
	PublicationDate string `json:"publicationDate"`
	Terms           map[string]map[string]struct {
		SKU             string `json:"sku"`
		OfferTermCode   string `json:"offerTermCode"`
		EffectiveDate   string `json:"effectiveDate"`
		PriceDimensions map[string]struct {
			Unit         string            `json:"unit"`
			Description  string            `json:"description"`
			RateCode     string            `json:"rateCode"`
			BeginRange   string            `json:"beginRange"`
			EndRange     string            `json:"endRange"`
			PricePerUnit map[string]string `json:"pricePerUnit"`
		} `json:"priceDimensions"`
	} `json:"terms"`
}

// onDemand returns the document's one on-demand price and its unit.
func (d priceDocument) onDemand(t *testing.T) (usd, unit string) {
	t.Helper()
	terms := d.Terms["OnDemand"]
	if len(terms) != 1 {
		t.Fatalf("%s: %d OnDemand terms, want 1", d.Product.SKU, len(terms))
	}
	for key, term := range terms {
		if key != d.Product.SKU+"."+term.OfferTermCode || term.SKU != d.Product.SKU || len(term.PriceDimensions) != 1 {
			t.Fatalf("%s: OnDemand term %q (sku %q, %d dimensions), want SKU.offerTermCode, its SKU and one dimension",
				d.Product.SKU, key, term.SKU, len(term.PriceDimensions))
		}
		for code, dim := range term.PriceDimensions {
			if code != dim.RateCode || !strings.HasPrefix(code, key+".") {
				t.Fatalf("%s: rate code %q (rateCode %q), want %s.<code>", d.Product.SKU, code, dim.RateCode, key)
			}
			return dim.PricePerUnit["USD"], dim.Unit
		}
	}
	return "", ""
}

func termMatch(kv ...string) []pricingtypes.Filter {
	var out []pricingtypes.Filter
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, pricingtypes.Filter{Type: pricingtypes.FilterTypeTermMatch, Field: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

// getProducts pages through GetProducts and decodes every document.
func getProducts(t *testing.T, c *pricing.Client, service string, filters []pricingtypes.Filter) []priceDocument {
	t.Helper()
	var docs []priceDocument
	p := pricing.NewGetProductsPaginator(c, &pricing.GetProductsInput{ServiceCode: aws.String(service), Filters: filters, MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context(), noRetryPricing)
		if err != nil {
			t.Fatalf("GetProducts %s: %v", service, err)
		}
		if aws.ToString(out.FormatVersion) != "aws_v1" {
			t.Errorf("FormatVersion %q, want aws_v1", aws.ToString(out.FormatVersion))
		}
		for _, s := range out.PriceList {
			var d priceDocument
			if err := json.Unmarshal([]byte(s), &d); err != nil {
				t.Fatalf("PriceList entry is not a JSON price document: %v\n%s", err, s)
			}
			docs = append(docs, d)
		}
	}
	return docs
}

// instanceFilters are the filters that single out an instance type's
// on-demand Linux price in a region.
func instanceFilters(instanceType, region string) []pricingtypes.Filter {
	return termMatch("instanceType", instanceType, "regionCode", region, "operatingSystem", "Linux",
		"tenancy", "Shared", "preInstalledSw", "NA", "capacitystatus", "Used")
}

// GetProducts with the six filters of an on-demand Linux instance price
// returns exactly one price document, in AWS's JSON shape, with the region's
// price; without them there are Windows, Dedicated, SQL Web and capacity
// reservation variants too. EBS gp3 storage and the EKS cluster and Fargate
// prices are there as well.
func TestEmulatorPriceListGetProducts(t *testing.T) {
	e := newEnv(t)
	c := e.pricingClient("us-east-1")

	for _, tc := range []struct{ instanceType, region, usd, location string }{
		{"m6i.large", "us-east-1", "0.0960000000", "US East (N. Virginia)"},
		{"m6i.large", "eu-west-1", "0.1070000000", "EU (Ireland)"},
		{"t3.medium", "us-west-2", "0.0416000000", "US West (Oregon)"},
		{"g5.xlarge", "us-east-1", "1.0060000000", "US East (N. Virginia)"},
	} {
		docs := getProducts(t, c, "AmazonEC2", instanceFilters(tc.instanceType, tc.region))
		if len(docs) != 1 {
			t.Errorf("%s in %s: %d price documents, want 1", tc.instanceType, tc.region, len(docs))
			continue
		}
		d := docs[0]
		a := d.Product.Attributes
		if d.ServiceCode != "AmazonEC2" || d.Product.ProductFamily != "Compute Instance" || a["instanceType"] != tc.instanceType ||
			a["location"] != tc.location || a["servicecode"] != "AmazonEC2" || d.Version == "" || d.PublicationDate == "" {
			t.Errorf("%s in %s: %+v", tc.instanceType, tc.region, d)
		}
		if usd, unit := d.onDemand(t); usd != tc.usd || unit != "Hrs" {
			t.Errorf("%s in %s: %s USD per %s, want %s per Hrs", tc.instanceType, tc.region, usd, unit, tc.usd)
		}
	}

	all := getProducts(t, c, "AmazonEC2", termMatch("instanceType", "m6i.large", "regionCode", "us-east-1"))
	variants := map[string]bool{}
	for _, d := range all {
		a := d.Product.Attributes
		variants[a["operatingSystem"]+"/"+a["tenancy"]+"/"+a["preInstalledSw"]+"/"+a["capacitystatus"]] = true
	}
	if len(all) < 2 || !variants["Windows/Shared/NA/Used"] || !variants["Linux/Dedicated/NA/Used"] || !variants["Linux/Shared/NA/UnusedCapacityReservation"] {
		t.Errorf("m6i.large in us-east-1 without the other filters: %d documents %v; want Windows, Dedicated and capacity reservation variants", len(all), variants)
	}

	for _, tc := range []struct {
		what, service string
		filters       []pricingtypes.Filter
		family, unit  string
		usd           string
	}{
		{"gp3 in us-east-1", "AmazonEC2", termMatch("productFamily", "Storage", "volumeApiName", "gp3", "regionCode", "us-east-1"), "Storage", "GB-Mo", "0.0800000000"},
		{"gp3 in eu-west-1", "AmazonEC2", termMatch("volumeApiName", "gp3", "regionCode", "eu-west-1"), "Storage", "GB-Mo", "0.0880000000"},
		{"EKS cluster hour", "AmazonEKS", termMatch("usagetype", "USE1-AmazonEKS-Hours:perCluster"), "Compute", "Hours", "0.1000000000"},
		{"EKS extended support hour", "AmazonEKS", termMatch("usagetype", "EU-AmazonEKS-Hours:extendedSupport"), "Compute", "Hours", "0.5000000000"},
		{"Fargate vCPU hour", "AmazonEKS", termMatch("regionCode", "us-east-1", "cputype", "perCPU"), "Compute", "hours", "0.0404800000"},
		{"Fargate GB hour", "AmazonEKS", termMatch("regionCode", "us-east-1", "memorytype", "perGB"), "Compute", "hours", "0.0044450000"},
	} {
		docs := getProducts(t, c, tc.service, tc.filters)
		if len(docs) != 1 {
			t.Errorf("%s: %d price documents, want 1", tc.what, len(docs))
			continue
		}
		if usd, unit := docs[0].onDemand(t); docs[0].Product.ProductFamily != tc.family || usd != tc.usd || unit != tc.unit {
			t.Errorf("%s: %s, %s USD per %s; want %s, %s per %s", tc.what, docs[0].Product.ProductFamily, usd, unit, tc.family, tc.usd, tc.unit)
		}
	}
}

// GetProducts pages with an opaque NextToken: every document once; a token
// made up or from another request is InvalidNextTokenException; MaxResults
// outside 1-100, an unknown filter type or format version
// InvalidParameterException; an unknown service code NotFoundException.
func TestEmulatorPriceListPaging(t *testing.T) {
	e := newEnv(t)
	c := e.pricingClient("us-east-1")
	filters := termMatch("instanceType", "m6i.large")
	seen := map[string]bool{}
	pages := 0
	p := pricing.NewGetProductsPaginator(c, &pricing.GetProductsInput{ServiceCode: aws.String("AmazonEC2"), Filters: filters, MaxResults: aws.Int32(10)})
	var token *string
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context(), noRetryPricing)
		if err != nil {
			t.Fatalf("GetProducts page %d: %v", pages+1, err)
		}
		pages++
		if len(out.PriceList) > 10 {
			t.Errorf("page %d: %d documents, MaxResults 10", pages, len(out.PriceList))
		}
		if out.NextToken != nil {
			token = out.NextToken
		}
		for _, s := range out.PriceList {
			var d priceDocument
			if err := json.Unmarshal([]byte(s), &d); err != nil {
				t.Fatal(err)
			}
			if seen[d.Product.SKU] {
				t.Errorf("SKU %s on two pages", d.Product.SKU)
			}
			seen[d.Product.SKU] = true
		}
	}
	// 3 regions x 2 operating systems x 2 tenancies x 2 pre-installed
	// software x 3 capacity statuses.
	if len(seen) != 72 || pages != 8 {
		t.Errorf("m6i.large: %d documents on %d pages, want 72 on 8", len(seen), pages)
	}

	for what, in := range map[string]*pricing.GetProductsInput{
		"made-up NextToken":       {ServiceCode: aws.String("AmazonEC2"), NextToken: aws.String("bogus")},
		"another request's token": {ServiceCode: aws.String("AmazonEC2"), Filters: termMatch("instanceType", "t3.medium"), NextToken: token},
	} {
		_, err := c.GetProducts(t.Context(), in, noRetryPricing)
		var bad *pricingtypes.InvalidNextTokenException
		if !errors.As(err, &bad) {
			t.Errorf("GetProducts %s: %v, want InvalidNextTokenException", what, err)
		}
	}
	for what, in := range map[string]*pricing.GetProductsInput{
		"MaxResults 101":   {ServiceCode: aws.String("AmazonEC2"), MaxResults: aws.Int32(101)},
		"filter type LIKE": {ServiceCode: aws.String("AmazonEC2"), Filters: []pricingtypes.Filter{{Type: "LIKE", Field: aws.String("instanceType"), Value: aws.String("m6i")}}},
		"FormatVersion v2": {ServiceCode: aws.String("AmazonEC2"), FormatVersion: aws.String("aws_v2")},
	} {
		_, err := c.GetProducts(t.Context(), in, noRetryPricing)
		var bad *pricingtypes.InvalidParameterException
		if !errors.As(err, &bad) {
			t.Errorf("GetProducts %s: %v, want InvalidParameterException", what, err)
		}
	}
	_, err := c.GetProducts(t.Context(), &pricing.GetProductsInput{ServiceCode: aws.String("AmazonEC3")}, noRetryPricing)
	var nf *pricingtypes.NotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("GetProducts AmazonEC3: %v, want NotFoundException", err)
	}
}

// The Price List API answers only in us-east-1, ap-south-1 and
// eu-central-1: a request signed for another region is refused, as AWS
// refuses a credential scoped to a region the endpoint is not in.
func TestEmulatorPriceListRegions(t *testing.T) {
	e := newEnv(t)
	for _, region := range []string{"us-east-1", "ap-south-1", "eu-central-1"} {
		if docs := getProducts(t, e.pricingClient(region), "AmazonEC2", instanceFilters("m6i.large", "eu-west-1")); len(docs) != 1 {
			t.Errorf("signed for %s: %d documents, want 1", region, len(docs))
		}
	}
	_, err := e.pricingClient("eu-west-1").GetProducts(t.Context(), &pricing.GetProductsInput{
		ServiceCode: aws.String("AmazonEC2"), Filters: instanceFilters("m6i.large", "eu-west-1"),
	}, noRetryPricing)
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "InvalidSignatureException" {
		t.Errorf("GetProducts signed for eu-west-1: %v, want InvalidSignatureException", err)
	}
}

// DescribeServices lists the services and their attribute names;
// GetAttributeValues the values of one attribute.
func TestEmulatorPriceListAttributes(t *testing.T) {
	e := newEnv(t)
	c := e.pricingClient("us-east-1")
	out, err := c.DescribeServices(t.Context(), &pricing.DescribeServicesInput{ServiceCode: aws.String("AmazonEC2")}, noRetryPricing)
	if err != nil {
		t.Fatalf("DescribeServices: %v", err)
	}
	if len(out.Services) != 1 || aws.ToString(out.Services[0].ServiceCode) != "AmazonEC2" {
		t.Fatalf("DescribeServices AmazonEC2: %+v", out.Services)
	}
	for _, name := range []string{"instanceType", "regionCode", "operatingSystem", "tenancy", "preInstalledSw", "capacitystatus", "volumeApiName"} {
		if !slices.Contains(out.Services[0].AttributeNames, name) {
			t.Errorf("AmazonEC2 attribute names %v lack %s", out.Services[0].AttributeNames, name)
		}
	}
	all, err := c.DescribeServices(t.Context(), &pricing.DescribeServicesInput{}, noRetryPricing)
	if err != nil {
		t.Fatalf("DescribeServices: %v", err)
	}
	var codes []string
	for _, s := range all.Services {
		codes = append(codes, aws.ToString(s.ServiceCode))
	}
	if !slices.Contains(codes, "AmazonEC2") || !slices.Contains(codes, "AmazonEKS") {
		t.Errorf("DescribeServices: %v, want AmazonEC2 and AmazonEKS", codes)
	}

	values, err := c.GetAttributeValues(t.Context(), &pricing.GetAttributeValuesInput{
		ServiceCode: aws.String("AmazonEC2"), AttributeName: aws.String("capacitystatus"),
	}, noRetryPricing)
	if err != nil {
		t.Fatalf("GetAttributeValues: %v", err)
	}
	var got []string
	for _, v := range values.AttributeValues {
		got = append(got, aws.ToString(v.Value))
	}
	if want := []string{"AllocatedCapacityReservation", "UnusedCapacityReservation", "Used"}; !slices.Equal(got, want) {
		t.Errorf("capacitystatus values %v, want %v", got, want)
	}
	_, err = c.DescribeServices(t.Context(), &pricing.DescribeServicesInput{ServiceCode: aws.String("AmazonEC3")}, noRetryPricing)
	var nf *pricingtypes.NotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("DescribeServices AmazonEC3: %v, want NotFoundException", err)
	}
}

// A test can change a price or remove a product (POST
// /_eksctl_lite/prices); the variants follow the on-demand Linux price; a
// reset restores the table. Faults and the call log work for the Price List
// as for EKS.
func TestEmulatorPriceOverride(t *testing.T) {
	e := newEnv(t)
	c := e.pricingClient("us-east-1")
	price := func(instanceType, region string) []string {
		t.Helper()
		var out []string
		for _, d := range getProducts(t, c, "AmazonEC2", instanceFilters(instanceType, region)) {
			usd, _ := d.onDemand(t)
			out = append(out, usd)
		}
		return out
	}
	e.setPrice(t, map[string]any{"instanceType": "m6i.large", "regionCode": "us-east-1", "usd": "0.5"})
	if got := price("m6i.large", "us-east-1"); !slices.Equal(got, []string{"0.5000000000"}) {
		t.Errorf("m6i.large in us-east-1 after the override: %v, want [0.5000000000]", got)
	}
	if got := price("m6i.large", "eu-west-1"); !slices.Equal(got, []string{"0.1070000000"}) {
		t.Errorf("m6i.large in eu-west-1 (not overridden): %v, want [0.1070000000]", got)
	}
	e.setPrice(t, map[string]any{"instanceType": "c6i.xlarge", "regionCode": "eu-west-1", "usd": nil})
	if docs := getProducts(t, c, "AmazonEC2", termMatch("instanceType", "c6i.xlarge", "regionCode", "eu-west-1")); len(docs) != 0 {
		t.Errorf("c6i.xlarge in eu-west-1 after its removal: %d documents, want none", len(docs))
	}
	e.setPrice(t, map[string]any{"volumeApiName": "gp3", "regionCode": "us-east-1", "usd": "0.1"})
	docs := getProducts(t, c, "AmazonEC2", termMatch("volumeApiName", "gp3", "regionCode", "us-east-1"))
	if len(docs) != 1 {
		t.Fatalf("gp3: %d documents, want 1", len(docs))
	}
	if usd, _ := docs[0].onDemand(t); usd != "0.1000000000" {
		t.Errorf("gp3 after the override: %s, want 0.1000000000", usd)
	}

	e.injectFault(t, "pricing:GetProducts", "throttle", 1, 0)
	_, err := c.GetProducts(t.Context(), &pricing.GetProductsInput{ServiceCode: aws.String("AmazonEC2")}, noRetryPricing)
	var throttled *pricingtypes.ThrottlingException
	if !errors.As(err, &throttled) {
		t.Errorf("GetProducts with a throttle fault: %v, want ThrottlingException", err)
	}
	if calls := e.calls(t); !slices.Contains(calls, call{"pricing", "GetProducts", "throttle"}) || !slices.Contains(calls, call{"pricing", "GetProducts", "200"}) {
		t.Errorf("call log %v lacks pricing GetProducts 200 and throttle", calls)
	}

	newEnv(t) // reset
	if got := price("m6i.large", "us-east-1"); !slices.Equal(got, []string{"0.0960000000"}) {
		t.Errorf("m6i.large in us-east-1 after a reset: %v, want the table's [0.0960000000]", got)
	}
	if got := price("c6i.xlarge", "eu-west-1"); !slices.Equal(got, []string{"0.1920000000"}) {
		t.Errorf("c6i.xlarge in eu-west-1 after a reset: %v, want the table's [0.1920000000]", got)
	}
}

// Patch eks-upgrade-policy-at-create: CreateCluster keeps the upgrade
// policy it is given (EKS's default, EXTENDED, when none), and refuses one
// that is neither STANDARD nor EXTENDED.
func TestEmulatorUpgradePolicyAtCreate(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	create := func(name string, p *ekstypes.UpgradePolicyRequest) error {
		_, err := e.eks.CreateCluster(t.Context(), &eks.CreateClusterInput{Name: aws.String(name), RoleArn: aws.String("arn:aws:iam::123456789012:role/c"),
			ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-00000001", "subnet-00000002"}}, UpgradePolicy: p})
		return err
	}
	support := func(name string) ekstypes.SupportType {
		out, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Cluster.UpgradePolicy.SupportType
	}
	if err := create("std", &ekstypes.UpgradePolicyRequest{SupportType: ekstypes.SupportTypeStandard}); err != nil {
		t.Fatal(err)
	}
	if err := create("dflt", nil); err != nil {
		t.Fatal(err)
	}
	if got := support("std"); got != ekstypes.SupportTypeStandard {
		t.Errorf("created with STANDARD, described %s", got)
	}
	if got := support("dflt"); got != ekstypes.SupportTypeExtended {
		t.Errorf("created with none, described %s; want EKS's default EXTENDED", got)
	}
	var bad *ekstypes.InvalidParameterException
	if err := create("bad", &ekstypes.UpgradePolicyRequest{SupportType: "FOREVER"}); !errors.As(err, &bad) {
		t.Errorf("CreateCluster with support type FOREVER: %v, want InvalidParameterException", err)
	}
}

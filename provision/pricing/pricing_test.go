package pricing

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const validFile = `{
  "currency": "EUR",
  "date": "2025-11-20",
  "source": "negotiated rates, contract 2025-11",
  "regions": {
    "eu-west-1": {
      "eks": {"standard": 0.09, "extended": 0.5},
      "fargate": {"vcpu_hour": 0.04, "gb_hour": 0.004},
      "ebs_gb_month": {"gp3": 0.07},
      "ec2": {"m6i.large": 0.09, "m7i-flex.large": 0.08}
    },
    "us-east-1": {}
  }
}
`

func TestParseValid(t *testing.T) {
	got, err := Parse("mine.json", []byte(validFile))
	if err != nil {
		t.Fatal(err)
	}
	want := &Table{
		Currency: "EUR",
		Date:     "2025-11-20",
		Source:   "negotiated rates, contract 2025-11",
		Regions: map[string]*Region{
			"eu-west-1": {
				EKS:     &ControlPlane{Standard: 0.09, Extended: 0.5},
				Fargate: &Fargate{VCPUHour: 0.04, GBHour: 0.004},
				EBS:     map[string]float64{"gp3": 0.07},
				EC2:     map[string]float64{"m6i.large": 0.09, "m7i-flex.large": 0.08},
			},
			"us-east-1": {},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Parse (-want +got):\n%s", d)
	}
}

// header is a valid top of a file; tests append its regions.
func withRegions(regions string) string {
	return "{\n" +
		`"currency": "USD", "date": "2025-11-20", "source": "mine",` + "\n" +
		`"regions": ` + regions + "\n}\n"
}

func TestParseErrors(t *testing.T) {
	tests := map[string]struct {
		give string
		want string
	}{
		"syntax error, with its line": {
			give: "{\n\"currency\": \"USD\",\n\"date\": }\n",
			want: `mine.json:3: invalid JSON: invalid character '}' looking for beginning of value; fix the syntax (see the format in the package doc of provision/pricing)`,
		},
		"truncated file": {
			give: "{\n\"currency\": \"USD\",\n",
			want: `mine.json:3: invalid JSON: unexpected end of the file; fix the syntax (see the format in the package doc of provision/pricing)`,
		},
		"two values": {
			give: withRegions(`{"us-east-1": {}}`) + "{}\n",
			want: `mine.json:5: invalid JSON: more than one JSON value in the file; fix the syntax (see the format in the package doc of provision/pricing)`,
		},
		"not an object": {
			give: `[1, 2]`,
			want: `mine.json:1: must be an object, not an array`,
		},
		"unknown top-level key": {
			give: "{\n" + `"currency": "USD", "date": "2025-11-20", "source": "mine", "regions": {"us-east-1": {}},` + "\n" + `"curency": "EUR"}`,
			want: `mine.json:3: unknown key "curency"; the keys here are currency, date, regions, source`,
		},
		"unknown region key": {
			give: withRegions("{\"us-east-1\": {\n\"ec2\": {},\n\"ebs\": {\"gp3\": 0.08}}}"),
			want: `mine.json:5: regions["us-east-1"]: unknown key "ebs"; the keys here are ebs_gb_month, ec2, eks, fargate`,
		},
		"unknown eks key": {
			give: withRegions(`{"us-east-1": {"eks": {"standard": 0.1, "extended": 0.6, "provisioned": 1}}}`),
			want: `mine.json:3: regions["us-east-1"].eks: unknown key "provisioned"; the keys here are extended, standard`,
		},
		"missing currency, date, source": {
			give: `{"regions": {"us-east-1": {}}}`,
			want: strings.Join([]string{
				`mine.json:1: currency is missing; add "currency": "USD"`,
				`mine.json:1: date is missing; add the day the prices were read, e.g. "date": "2025-11-20"`,
				`mine.json:1: source is missing; add where the prices come from, e.g. "source": "negotiated rates, contract 2025-11"`,
			}, "\n"),
		},
		"empty source": {
			give: `{"currency": "USD", "date": "2025-11-20", "source": " ", "regions": {"us-east-1": {}}}`,
			want: `mine.json:1: source: is empty; add where the prices come from, e.g. "source": "negotiated rates, contract 2025-11"`,
		},
		"currency not a 3-letter code": {
			give: `{"currency": "usd", "date": "2025-11-20", "source": "mine", "regions": {"us-east-1": {}}}`,
			want: `mine.json:1: currency: "usd" is not a 3-letter ISO 4217 currency code such as "USD" or "EUR"; write the code in capitals`,
		},
		"currency a number": {
			give: `{"currency": 840, "date": "2025-11-20", "source": "mine", "regions": {"us-east-1": {}}}`,
			want: `mine.json:1: currency: must be a string, not a number`,
		},
		"bad date": {
			give: `{"currency": "USD", "date": "20/11/2025", "source": "mine", "regions": {"us-east-1": {}}}`,
			want: `mine.json:1: date: "20/11/2025" is not a date of the form 2025-11-20; write the day the prices were read`,
		},
		"missing regions": {
			give: `{"currency": "USD", "date": "2025-11-20", "source": "mine"}`,
			want: `mine.json:1: regions is missing; add "regions": {"us-east-1": {...}} with the regions you price`,
		},
		"no regions": {
			give: withRegions(`{}`),
			want: `mine.json:3: regions: is empty; add the regions you price, e.g. "us-east-1": {...}`,
		},
		"unknown region code": {
			give: withRegions("{\n\"us-east\": {}}"),
			want: `mine.json:4: regions: "us-east" is not an AWS region code such as "us-east-1"; check its spelling`,
		},
		"region given twice": {
			give: withRegions("{\"us-east-1\": {},\n\"us-east-1\": {}}"),
			want: `mine.json:4: regions: key "us-east-1" is given twice; keep one`,
		},
		"region null": {
			give: withRegions(`{"us-east-1": null}`),
			want: `mine.json:3: regions["us-east-1"]: must be an object, not null`,
		},
		"negative instance price": {
			give: withRegions("{\"us-east-1\": {\"ec2\": {\n\"m6i.large\": -0.096}}}"),
			want: `mine.json:4: regions["us-east-1"].ec2["m6i.large"]: price -0.096 is not more than 0; give the price, or remove the entry to make it unknown`,
		},
		"zero volume price": {
			give: withRegions(`{"us-east-1": {"ebs_gb_month": {"gp3": 0}}}`),
			want: `mine.json:3: regions["us-east-1"].ebs_gb_month["gp3"]: price 0 is not more than 0; give the price, or remove the entry to make it unknown`,
		},
		"price as a string": {
			give: withRegions(`{"us-east-1": {"ec2": {"m6i.large": "0.096"}}}`),
			want: `mine.json:3: regions["us-east-1"].ec2["m6i.large"]: must be a number (the price), not a string`,
		},
		"unknown volume type": {
			give: withRegions(`{"us-east-1": {"ebs_gb_month": {"gp4": 0.08}}}`),
			want: `mine.json:3: regions["us-east-1"].ebs_gb_month: unknown EBS volume type "gp4"; the types are gp2, gp3, io1, io2, sc1, st1, standard`,
		},
		"bad instance type": {
			give: withRegions(`{"us-east-1": {"ec2": {"m6i large": 0.096}}}`),
			want: `mine.json:3: regions["us-east-1"].ec2: "m6i large" is not an EC2 instance type such as "m6i.large"; check its spelling`,
		},
		"zero control plane rate": {
			give: withRegions(`{"us-east-1": {"eks": {"standard": 0.1, "extended": 0}}}`),
			want: `mine.json:3: regions["us-east-1"].eks.extended: price 0 is not more than 0; give the price, or remove the entry to make it unknown`,
		},
		"half the fargate rates": {
			give: withRegions(`{"us-east-1": {"fargate": {"vcpu_hour": 0.04}}}`),
			want: `mine.json:3: regions["us-east-1"].fargate: gb_hour is missing; give all of gb_hour, vcpu_hour, or leave out fargate to make these rates unknown`,
		},
		"every problem, in file order": {
			give: withRegions("{\"us-east-1\": {\"ec2\": {\n\"m6i.large\": 0,\n\"m5.large\": -1}},\n\"eu-west\": {}}"),
			want: strings.Join([]string{
				`mine.json:4: regions["us-east-1"].ec2["m6i.large"]: price 0 is not more than 0; give the price, or remove the entry to make it unknown`,
				`mine.json:5: regions["us-east-1"].ec2["m5.large"]: price -1 is not more than 0; give the price, or remove the entry to make it unknown`,
				`mine.json:6: regions: "eu-west" is not an AWS region code such as "us-east-1"; check its spelling`,
			}, "\n"),
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse("mine.json", []byte(tt.give))
			if err == nil {
				t.Fatalf("Parse succeeded (%+v); want error %q", got, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "mine.json" {
				t.Errorf("error %T %v is not a *ParseError of mine.json", err, err)
			}
			if d := cmp.Diff(tt.want, err.Error()); d != "" {
				t.Errorf("error (-want +got):\n%s", d)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "prices.json")
	if err := os.WriteFile(path, []byte(validFile), 0o600); err != nil {
		t.Fatal(err)
	}
	tbl, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := tbl.Instance("eu-west-1", "m6i.large"); !ok || p != 0.09 {
		t.Errorf("Instance(eu-west-1, m6i.large) = %v, %v; want 0.09, true", p, ok)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"currency": "USD"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.HasPrefix(err.Error(), bad+":1: ") {
		t.Errorf("Load(bad) error = %v; want one naming %s", err, bad)
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) error = %v; want os.ErrNotExist", err)
	}
}

func TestLookups(t *testing.T) {
	tbl, err := Parse("mine.json", []byte(validFile))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		Price float64
		OK    bool
	}
	tests := map[string]struct {
		give func() (float64, bool)
		want result
	}{
		"instance":                  {func() (float64, bool) { return tbl.Instance("eu-west-1", "m6i.large") }, result{0.09, true}},
		"instance of another type":  {func() (float64, bool) { return tbl.Instance("eu-west-1", "m6i.xlarge") }, result{}},
		"instance in a bare region": {func() (float64, bool) { return tbl.Instance("us-east-1", "m6i.large") }, result{}},
		"instance, region absent":   {func() (float64, bool) { return tbl.Instance("ap-south-1", "m6i.large") }, result{}},
		"volume":                    {func() (float64, bool) { return tbl.Volume("eu-west-1", "gp3") }, result{0.07, true}},
		"volume of another type":    {func() (float64, bool) { return tbl.Volume("eu-west-1", "gp2") }, result{}},
		"nil table":                 {func() (float64, bool) { return (*Table)(nil).Instance("eu-west-1", "m6i.large") }, result{}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p, ok := tt.give()
			if d := cmp.Diff(tt.want, result{p, ok}); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}

	if cp, ok := tbl.ControlPlane("eu-west-1"); !ok || cp != (ControlPlane{Standard: 0.09, Extended: 0.5}) {
		t.Errorf("ControlPlane(eu-west-1) = %+v, %v", cp, ok)
	}
	if cp, ok := tbl.ControlPlane("us-east-1"); ok {
		t.Errorf("ControlPlane(us-east-1) = %+v, true; want unknown", cp)
	}
	if f, ok := tbl.FargateRates("eu-west-1"); !ok || f != (Fargate{VCPUHour: 0.04, GBHour: 0.004}) {
		t.Errorf("FargateRates(eu-west-1) = %+v, %v", f, ok)
	}
	if f, ok := tbl.FargateRates("ap-south-1"); ok {
		t.Errorf("FargateRates(ap-south-1) = %+v, true; want unknown", f)
	}
}

// eksRegions are the commercial regions EKS runs in (the aws partition of
// the EKS endpoints in aws-sdk-go-v2/service/eks v1.105.6).
var eksRegions = []string{
	"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1",
	"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

func TestEmbedded(t *testing.T) {
	tbl := Embedded()
	if tbl.Currency != "USD" || tbl.Date == "" || !strings.Contains(tbl.Source, "karpenter-provider-aws") || !strings.Contains(tbl.Source, "yeo/ec2.shop") ||
		!strings.Contains(tbl.Source, "lamngockhuong/aws-price") {
		t.Errorf("embedded table is %q, %q, %q; want USD, a date and its sources", tbl.Currency, tbl.Date, tbl.Source)
	}
	got := sortedKeys(tbl.Regions)
	if d := cmp.Diff(eksRegions, got); d != "" {
		t.Errorf("embedded regions (-want +got):\n%s", d)
	}

	// Karpenter's zz_generated.pricing_aws.go at 6fc13b5 (2026-07-20) gives
	// m6i.large 0.096000 and m6i.metal 6.144000 in us-east-1.
	for it, want := range map[string]float64{"m6i.large": 0.096, "m6i.metal": 6.144, "t3.medium": 0.0416} {
		if p, ok := tbl.Instance("us-east-1", it); !ok || p != want {
			t.Errorf("Instance(us-east-1, %s) = %v, %v; want %v", it, p, ok, want)
		}
	}
	if p, ok := tbl.Instance("us-east-1", "m6in.large"); ok {
		t.Errorf("Instance(us-east-1, m6in.large) = %v; want unknown (not an EKS family of the table)", p)
	}
	// lamngockhuong/aws-price at 508fb45 holds AWS's ec2.json pricing-page
	// data as read by 2025-11-03: lib/data/pricing/ec2-transformed.json
	// gives m6i.large 0.1116000000 and t3.medium 0.0490000000 in
	// "asia-pacific-(taipei)" (ap-east-2), 0.1260000000 and 0.0554000000 in
	// "asia-pacific-(new-zealand)" (ap-southeast-6), P4d and P5 at their
	// June 2025 prices (us-west-2 p4d.24xlarge 21.9576400000, p5.48xlarge
	// 55.0400000000) and c7i.large 0.0957500000 in "eu-(spain)"
	// (eu-south-2), repriced since ec2.shop's 0.1008000000. yeo/ec2.shop at
	// 74c9fd8 (AWS's pricing-page data of 2025-04-04) agrees with it on
	// eu-west-1 m6i.large 0.1070000000 and t3.medium 0.0456000000,
	// ap-southeast-2 m6i.large 0.1200000000, and gives the sizes with a
	// dash that aws-price drops: eu-west-1 m7i.metal-48xl 10.7856000000.
	for _, c := range []struct {
		region, it string
		want       float64
	}{
		{"eu-west-1", "m6i.large", 0.107},
		{"eu-west-1", "t3.medium", 0.0456},
		{"ap-southeast-2", "m6i.large", 0.12},
		{"ap-east-2", "m6i.large", 0.1116},
		{"ap-east-2", "t3.medium", 0.049},
		{"ap-southeast-6", "m6i.large", 0.126},
		{"ap-southeast-6", "t3.medium", 0.0554},
		{"us-west-2", "p4d.24xlarge", 21.95764},
		{"us-west-2", "p5.48xlarge", 55.04},
		{"eu-south-2", "c7i.large", 0.09575},
		{"eu-west-1", "m7i.metal-48xl", 10.7856},
	} {
		if p, ok := tbl.Instance(c.region, c.it); !ok || p != c.want {
			t.Errorf("Instance(%s, %s) = %v, %v; want %v", c.region, c.it, p, ok, c.want)
		}
	}
	// ec2.shop's P4d and P5 are stale (Karpenter's us-east-1 reading
	// differs) and never used; eu-west-1 has no P5 in either file. A family
	// aws-price shows repriced since ec2.shop's data (C7i in eu-south-2)
	// takes no size from ec2.shop, so its dashed metal sizes are unknown.
	for _, c := range [][2]string{{"eu-west-1", "p5.48xlarge"}, {"eu-south-2", "c7i.metal-48xl"}, {"ap-east-2", "m7i.metal-48xl"}} {
		if p, ok := tbl.Instance(c[0], c[1]); ok {
			t.Errorf("Instance(%s, %s) = %v; want unknown", c[0], c[1], p)
		}
	}
	if p, ok := tbl.Instance("us-east-1", "p5.48xlarge"); !ok || p != 55.04 {
		t.Errorf("Instance(us-east-1, p5.48xlarge) = %v, %v; want Karpenter's 55.04", p, ok)
	}
	ec2Regions := 0
	for _, r := range tbl.Regions {
		if len(r.EC2) > 0 {
			ec2Regions++
		}
	}
	if ec2Regions != len(eksRegions) {
		t.Errorf("%d regions have EC2 prices; want all %d", ec2Regions, len(eksRegions))
	}

	// data/ebs/ebs.json there (AWS's EBS pricing-page data of 2024-07-18)
	// gives gp3 0.08 and gp2 0.10 in us-east-1, gp3 0.088 in eu-west-1, and
	// io2 storage ("Storage Provisioned IOPS io2 GB month") 0.125 in
	// us-east-1 and 0.138 in eu-west-1, but none in sa-east-1, and no
	// prices for regions opened after it.
	for _, c := range []struct {
		region, vt string
		want       float64
	}{
		{"us-east-1", "gp3", 0.08},
		{"us-east-1", "gp2", 0.10},
		{"us-east-1", "st1", 0.045},
		{"eu-west-1", "gp3", 0.088},
		{"eu-central-1", "gp2", 0.119},
		{"sa-east-1", "gp3", 0.152},
		{"us-east-1", "io2", 0.125},
		{"eu-west-1", "io2", 0.138},
	} {
		if p, ok := tbl.Volume(c.region, c.vt); !ok || p != c.want {
			t.Errorf("Volume(%s, %s) = %v, %v; want %v", c.region, c.vt, p, ok, c.want)
		}
	}
	for _, c := range [][2]string{{"sa-east-1", "io2"}, {"mx-central-1", "gp3"}, {"ap-east-2", "gp3"}, {"ap-southeast-5", "gp2"}, {"ap-southeast-6", "gp3"}, {"ap-southeast-7", "io1"}} {
		if p, ok := tbl.Volume(c[0], c[1]); ok {
			t.Errorf("Volume(%s, %s) = %v; want unknown", c[0], c[1], p)
		}
	}
	ebsRegions := 0
	for _, r := range tbl.Regions {
		if len(r.EBS) > 0 {
			ebsRegions++
		}
	}
	if ebsRegions != 29 {
		t.Errorf("%d regions have EBS prices; want 29", ebsRegions)
	}
	io2Regions := 0
	for _, r := range tbl.Regions {
		if _, ok := r.EBS["io2"]; ok {
			io2Regions++
		}
	}
	if io2Regions != 16 {
		t.Errorf("%d regions have an io2 price; want 16", io2Regions)
	}
	// Every family of the table has prices in us-east-1.
	families := map[string]bool{}
	for it := range tbl.Regions["us-east-1"].EC2 {
		f, _, _ := strings.Cut(it, ".")
		families[f] = true
	}
	for _, f := range []string{"m5", "m7i", "m8g", "c7g", "r8g", "t3", "t4g", "g4dn", "g6e", "p4d", "p5", "inf2", "trn1"} {
		if !families[f] {
			t.Errorf("no %s prices in us-east-1", f)
		}
	}

	for _, r := range eksRegions {
		if cp, ok := tbl.ControlPlane(r); !ok || cp != (ControlPlane{Standard: 0.10, Extended: 0.60}) {
			t.Errorf("ControlPlane(%s) = %+v, %v; want 0.10 and 0.60", r, cp, ok)
		}
	}
	// lib/data/pricing/eks.json in aws-price (AWS's EKS pricing-page data
	// of 2025-10-28) gives "Fargate perCPU per hours" and "Fargate perGB per
	// hours" for every EKS region: 0.0404800000 and 0.0044450000 in US East
	// (N. Virginia), 0.0534160000 and 0.0058520000 in Asia Pacific (New
	// Zealand), 0.0455040000 and 0.0049770000 in Asia Pacific (Taipei),
	// 0.0425040000 and 0.0046672500 in Mexico (Central).
	for r, want := range map[string]Fargate{
		"us-east-1":      {VCPUHour: 0.04048, GBHour: 0.004445},
		"ap-southeast-6": {VCPUHour: 0.053416, GBHour: 0.005852},
		"ap-east-2":      {VCPUHour: 0.045504, GBHour: 0.004977},
		"mx-central-1":   {VCPUHour: 0.042504, GBHour: 0.00466725},
	} {
		if f, ok := tbl.FargateRates(r); !ok || f != want {
			t.Errorf("FargateRates(%s) = %+v, %v; want %+v", r, f, ok, want)
		}
	}
	for _, r := range eksRegions {
		if _, ok := tbl.FargateRates(r); !ok {
			t.Errorf("FargateRates(%s) unknown; want eks.json's rates", r)
		}
	}

	// No price is zero or negative, anywhere.
	for code, r := range tbl.Regions {
		check := func(what string, p float64) {
			if p <= 0 {
				t.Errorf("%s %s: price %v", code, what, p)
			}
		}
		if r.EKS != nil {
			check("eks standard", r.EKS.Standard)
			check("eks extended", r.EKS.Extended)
		}
		if r.Fargate != nil {
			check("fargate vcpu", r.Fargate.VCPUHour)
			check("fargate gb", r.Fargate.GBHour)
		}
		for k, p := range r.EBS {
			check(k, p)
		}
		for k, p := range r.EC2 {
			check(k, p)
		}
	}
}

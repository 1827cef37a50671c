// Package pricing holds the prices a plan's monthly cost estimate is made
// of: the EKS control plane, EC2 on-demand instances, EBS volumes and
// Fargate, per region.
//
// Prices come from one of three places, all in the same Table shape:
//
//   - Embedded: a dated table built into the binary (prices.json), used by
//     default and without any network call;
//   - Load: a user's file in the same JSON format (for negotiated rates);
//   - AWS.Table: the AWS Price List Query API (pricing GetProducts).
//
// A price a table does not hold is unknown: lookups say so with their bool,
// and nothing falls back to another table or is guessed.
//
// # The embedded table
//
// prices.json is generated, never edited by hand. The generator reads pinned
// commits of its sources (see internal/gen for what each part comes from and
// what is left out) and writes the file with sorted keys:
//
//	go run ./provision/pricing/internal/gen \
//	    -karpenter $KARPENTER_GIT -fgcalc $FGCALC_GIT -ec2shop $EC2SHOP_GIT \
//	    -awsprice $AWSPRICE_GIT -o provision/pricing/prices.json
//
// run from the module root, where $KARPENTER_GIT, $FGCALC_GIT,
// $EC2SHOP_GIT and $AWSPRICE_GIT are git directories (a clone's .git, or a
// bare mirror) of github.com/aws/karpenter-provider-aws,
// github.com/theuves/fgcalc, github.com/yeo/ec2.shop and
// github.com/lamngockhuong/aws-price holding the pinned commits; the
// generator reads the files with git show. EC2 prices are Karpenter's in
// us-east-1 and, in the other regions, AWS's pricing-page data of late 2025
// as flattened in aws-price (sizes it drops from ec2.shop's 2025-04-04
// copy); Fargate prices are AWS's EKS pricing-page data of 2025-10-28 from
// aws-price; EBS prices are AWS's pricing-page data of 2024-07-18 from
// ec2.shop. The table's date is that of Karpenter's reading; the source
// string dates every part.
// The region list comes from the aws-sdk-go-v2/service/eks module of this
// module's go.sum. Running it twice gives the same file.
//
// # The file format
//
//	{
//	  "currency": "USD",
//	  "date": "2025-11-20",
//	  "source": "negotiated rates, contract 2025-11",
//	  "regions": {
//	    "us-east-1": {
//	      "eks": {"standard": 0.10, "extended": 0.60},
//	      "fargate": {"vcpu_hour": 0.04048, "gb_hour": 0.004445},
//	      "ebs_gb_month": {"gp3": 0.08},
//	      "ec2": {"m6i.large": 0.096}
//	    }
//	  }
//	}
//
// Every price is a positive number in the table's currency: EKS per
// cluster-hour (extended is the whole rate of a cluster in extended
// support, not the surcharge), Fargate per vCPU-hour and per GB-hour, EBS
// per GB-month of provisioned storage, EC2 per instance-hour (on-demand,
// Linux, shared tenancy).
package pricing

import (
	_ "embed"
	"fmt"
	"os"
	"sync"
)

// HoursPerMonth is the month every estimate uses.
const HoursPerMonth = 730

// Table is a set of prices, by region.
type Table struct {
	Currency string             `json:"currency"` // ISO 4217 code, "USD"
	Date     string             `json:"date"`     // "2025-11-20": the day the prices were read
	Source   string             `json:"source"`   // where they come from, in words
	Regions  map[string]*Region `json:"regions"`  // by region code
}

// Region is the prices of one region; a nil field or missing key is unknown.
type Region struct {
	EKS     *ControlPlane      `json:"eks,omitempty"`          // control plane rates
	Fargate *Fargate           `json:"fargate,omitempty"`      // Fargate rates
	EBS     map[string]float64 `json:"ebs_gb_month,omitempty"` // volume type -> per GB-month
	EC2     map[string]float64 `json:"ec2,omitempty"`          // instance type -> per hour (on-demand Linux, shared tenancy)
}

// ControlPlane is the hourly rate of one EKS cluster.
type ControlPlane struct {
	Standard float64 `json:"standard"` // per cluster-hour in standard support
	Extended float64 `json:"extended"` // per cluster-hour in extended support (the whole rate)
}

// Fargate is the rates of Fargate pods (Linux, x86).
type Fargate struct {
	VCPUHour float64 `json:"vcpu_hour"` // per vCPU-hour
	GBHour   float64 `json:"gb_hour"`   // per GB of memory per hour
}

// VolumeTypes are the EBS volume types a table may price.
var VolumeTypes = []string{"gp2", "gp3", "io1", "io2", "sc1", "st1", "standard"}

//go:embed prices.json
var embedded []byte

var embeddedTable = sync.OnceValue(func() *Table {
	t, err := Parse("prices.json", embedded)
	if err != nil {
		panic("pricing: the embedded table is invalid: " + err.Error())
	}
	return t
})

// Embedded returns the table built into the binary. Callers must not modify it.
func Embedded() *Table { return embeddedTable() }

// Load reads and parses a user's price file.
func Load(path string) (*Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the price table: %w", err)
	}
	return Parse(path, data)
}

// region is the prices of a region, or nil.
func (t *Table) region(code string) *Region {
	if t == nil {
		return nil
	}
	return t.Regions[code]
}

// Instance returns the on-demand hourly price of an instance type.
func (t *Table) Instance(region, instanceType string) (float64, bool) {
	r := t.region(region)
	if r == nil {
		return 0, false
	}
	p, ok := r.EC2[instanceType]
	return p, ok
}

// Volume returns the per-GB-month price of an EBS volume type.
func (t *Table) Volume(region, volumeType string) (float64, bool) {
	r := t.region(region)
	if r == nil {
		return 0, false
	}
	p, ok := r.EBS[volumeType]
	return p, ok
}

// ControlPlane returns the hourly rates of an EKS cluster.
func (t *Table) ControlPlane(region string) (ControlPlane, bool) {
	r := t.region(region)
	if r == nil || r.EKS == nil {
		return ControlPlane{}, false
	}
	return *r.EKS, true
}

// FargateRates returns the Fargate rates.
func (t *Table) FargateRates(region string) (Fargate, bool) {
	r := t.region(region)
	if r == nil || r.Fargate == nil {
		return Fargate{}, false
	}
	return *r.Fargate, true
}

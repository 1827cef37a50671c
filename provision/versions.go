package provision

// Kubernetes versions as EKS offers them (DescribeClusterVersions): the
// support calendar the plan warns from. A cluster whose version is in
// extended support costs six times as much an hour, silently; a plan says
// so, and says when standard support is about to end.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// versionsAPI is what the support calendar calls of EKS.
type versionsAPI interface {
	DescribeClusterVersions(context.Context, *eks.DescribeClusterVersionsInput, ...func(*eks.Options)) (*eks.DescribeClusterVersionsOutput, error)
}

// EKS's control plane rates per cluster-hour (Amazon EKS pricing, US East
// (N. Virginia), the same in every commercial region): standard support
// and extended support. hoursPerMonth is the month cost estimates use.
const (
	standardRate  = 0.10
	extendedRate  = 0.60
	hoursPerMonth = 730
	// warnDays is how long before standard support ends a plan warns.
	warnDays = 90
)

// versionInfo is one Kubernetes version as EKS describes it.
type versionInfo struct {
	Version                      string
	Status                       string // STANDARD_SUPPORT, EXTENDED_SUPPORT, UNSUPPORTED
	Default                      bool
	EndOfStandard, EndOfExtended time.Time
}

// clusterVersions are the versions EKS offers, by version.
type clusterVersions map[string]versionInfo

// readClusterVersions reads every version EKS knows (includeAll: also the
// unsupported ones, so that a cluster on one is told), once per cluster
// block, beside the other reads of its blocks.
func readClusterVersions(ctx context.Context, o *observer, cp *clusterPlan) (any, error) {
	out := clusterVersions{}
	in := &eks.DescribeClusterVersionsInput{IncludeAll: aws.Bool(true)}
	for {
		var page *eks.DescribeClusterVersionsOutput
		err := o.eks.call(ctx, func(ctx context.Context) (err error) {
			page, err = cp.clients.EKS.DescribeClusterVersions(ctx, in)
			return err
		})
		if err != nil {
			return out, err
		}
		for _, v := range page.ClusterVersions {
			out[aws.ToString(v.ClusterVersion)] = versionInfo{
				Version: aws.ToString(v.ClusterVersion), Status: string(v.VersionStatus), Default: v.DefaultVersion,
				EndOfStandard: aws.ToTime(v.EndOfStandardSupportDate), EndOfExtended: aws.ToTime(v.EndOfExtendedSupportDate),
			}
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// supportWarnings are the warnings about the support of version, the
// version cluster c will run once the plan is applied, on day today, with
// upgrade policy policy ("" for EKS's default, EXTENDED): in extended
// support (since when, what it costs more), no longer supported, or
// leaving standard support within warnDays days (when, and what the
// policy will then do).
func supportWarnings(cluster, version, policy string, vs clusterVersions, today time.Time, rng hcl.Range) hcl.Diagnostics {
	v, ok := vs[version]
	if !ok {
		return nil
	}
	extra := fmt.Sprintf("$%.2f", (extendedRate-standardRate)*hoursPerMonth)
	date := func(t time.Time) string { return t.UTC().Format("2006-01-02") }
	warn := func(summary, detail string) hcl.Diagnostics {
		return hcl.Diagnostics{{Severity: hcl.DiagWarning, Subject: rangePtr(rng), Summary: summary, Detail: detail}}
	}
	newest := newestVersion(vs)
	switch v.Status {
	case "EXTENDED_SUPPORT":
		return warn(fmt.Sprintf("Cluster %q runs Kubernetes %s in extended support", cluster, version),
			fmt.Sprintf("Kubernetes %s left standard support on %s. In extended support EKS charges $%.2f per cluster-hour instead of $%.2f, %s a month more (%d hours). Extended support ends on %s, when EKS upgrades the cluster. Upgrade to %s to return to standard support.",
				version, date(v.EndOfStandard), extendedRate, standardRate, extra, hoursPerMonth, date(v.EndOfExtended), newest))
	case "UNSUPPORTED":
		return warn(fmt.Sprintf("Cluster %q runs Kubernetes %s, which EKS no longer supports", cluster, version),
			fmt.Sprintf("Extended support for Kubernetes %s ended on %s; EKS upgrades such clusters on its own schedule. Upgrade to %s.", version, date(v.EndOfExtended), newest))
	case "STANDARD_SUPPORT":
		left := v.EndOfStandard.Sub(today)
		if v.EndOfStandard.IsZero() || left < 0 || left > warnDays*24*time.Hour {
			return nil
		}
		then := fmt.Sprintf("with upgrade_policy EXTENDED (EKS's default) the cluster then moves to extended support, at $%.2f per cluster-hour instead of $%.2f, %s a month more. Set upgrade_policy = \"STANDARD\" to have EKS upgrade it instead.", extendedRate, standardRate, extra)
		if policy == "STANDARD" {
			then = "with upgrade_policy STANDARD EKS then upgrades the cluster to the next version by itself, its node groups not included."
		}
		return warn(fmt.Sprintf("Kubernetes %s of cluster %q leaves standard support on %s", version, cluster, date(v.EndOfStandard)),
			fmt.Sprintf("Standard support for Kubernetes %s ends on %s, in %d days; %s Upgrade to %s before then.",
				version, date(v.EndOfStandard), int(left.Hours()/24), then, newest))
	}
	return nil
}

// newestVersion is the newest version in standard support.
func newestVersion(vs clusterVersions) string {
	best := ""
	for v, info := range vs {
		if info.Status == "STANDARD_SUPPORT" && (best == "" || compareVersions(v, best) > 0) {
			best = v
		}
	}
	return best
}

// defaultVersion is the version EKS gives a new cluster that names none
// ("" when the calendar is empty or names no default).
func (vs clusterVersions) defaultVersion() string {
	best := ""
	for v, info := range vs {
		if info.Default && (best == "" || compareVersions(v, best) > 0) {
			best = v
		}
	}
	return best
}

// offered says EKS creates clusters at version v and upgrades them to it:
// it is in standard or extended support.
func (vs clusterVersions) offered(v string) bool {
	switch vs[v].Status {
	case "STANDARD_SUPPORT", "EXTENDED_SUPPORT":
		return true
	}
	return false
}

// offeredList lists the versions EKS offers, oldest first, each with its
// support and the default marked: "1.32 (extended support), 1.33, 1.34
// (default)".
func (vs clusterVersions) offeredList() string {
	var list []string
	for v := range vs {
		if vs.offered(v) {
			list = append(list, v)
		}
	}
	slices.SortFunc(list, compareVersions)
	for i, v := range list {
		var notes []string
		if vs[v].Status == "EXTENDED_SUPPORT" {
			notes = append(notes, "extended support")
		}
		if vs[v].Default {
			notes = append(notes, "default")
		}
		if len(notes) > 0 {
			list[i] += " (" + strings.Join(notes, ", ") + ")"
		}
	}
	return strings.Join(list, ", ")
}

// checkOffered refuses a cluster block whose written version EKS does not
// offer, when the plan would create the cluster at it or upgrade it to it
// (a cluster already running a version EKS has since stopped supporting is
// only warned about: supportWarnings). An empty calendar checks nothing
// (the read failed and said so).
func checkOffered(c *spec.Cluster, region string, live *ClusterAttrs, vs clusterVersions) hcl.Diagnostics {
	if c.VersionDefaulted || len(vs) == 0 || vs.offered(c.Version) || (live != nil && live.Version == c.Version) {
		return nil
	}
	why := "EKS does not offer it"
	switch vs[c.Version].Status {
	case "UNSUPPORTED":
		why = fmt.Sprintf("its extended support ended on %s", vs[c.Version].EndOfExtended.UTC().Format("2006-01-02"))
	case "":
		why = "EKS does not list it (not released yet, or never offered)"
	}
	doing := "create the cluster"
	if live != nil {
		doing = fmt.Sprintf("upgrade the cluster from %s", live.Version)
	}
	return hcl.Diagnostics{errorDiag(c.AttrRange("version"), fmt.Sprintf("EKS does not offer Kubernetes %s", c.Version),
		fmt.Sprintf("Cluster %q asks for Kubernetes %s, but %s in %s, so EKS cannot %s at it. EKS offers: %s. Set version to one of them, or leave it out for EKS's default.",
			c.Name, c.Version, why, region, doing, vs.offeredList()))}
}

// clusterCost is the control plane's monthly cost: the standard support
// rate, or the extended support rate once the version has left standard
// support (by EKS's calendar on the day of the plan; an unsupported
// version is charged extended support until EKS upgrades it).
func clusterCost(e *costEnv, attrs any) estimate {
	c := attrs.(*ClusterAttrs)
	var est estimate
	rates, ok := e.controlPlane()
	if !ok {
		est.unknown = []string{"the EKS control plane in " + e.region}
		return est
	}
	support, r := "standard support", rates.Standard
	switch e.versions[c.Version].Status {
	case "EXTENDED_SUPPORT":
		support, r = "extended support", rates.Extended
	case "UNSUPPORTED":
		support, r = "extended support (no longer supported: EKS will upgrade it)", rates.Extended
	case "STANDARD_SUPPORT":
	default:
		est.unknown = []string{fmt.Sprintf("the support status of Kubernetes %s", c.Version)}
		return est
	}
	est.min = r * hoursPerMonth
	est.max = est.min
	est.basis = fmt.Sprintf("control plane, Kubernetes %s in %s at %s/h", c.Version, support, rate(r))
	return est
}

package provision

// The fake account's Kubernetes version calendar (DescribeClusterVersions).
// By default every version from 1.28 to 1.40 is in standard support for
// years to come, so that plans warn of nothing; a test sets its own.

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// fakeVersion is one row of the fake calendar.
type fakeVersion struct {
	version, status              string
	def                          bool
	endOfStandard, endOfExtended time.Time
}

func defaultFakeCalendar() []fakeVersion {
	var out []fakeVersion
	far := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	for m := 40; m >= 28; m-- {
		out = append(out, fakeVersion{version: fmt.Sprintf("1.%d", m), status: "STANDARD_SUPPORT", def: m == 35, endOfStandard: far, endOfExtended: far})
	}
	return out
}

// describeClusterVersions serves the calendar: every row with
// includeAll, else the supported ones (as EKS does).
func (a *fakeAccount) fakeVersionOps(f *fakeEKS) {
	f.describeClusterVersionsFn = func(_ context.Context, in *eks.DescribeClusterVersionsInput) (*eks.DescribeClusterVersionsOutput, error) {
		return eksCall(a, "DescribeClusterVersions", "", func() (*eks.DescribeClusterVersionsOutput, error) {
			cal := a.calendar
			if cal == nil {
				cal = defaultFakeCalendar()
			}
			out := &eks.DescribeClusterVersionsOutput{}
			for _, v := range cal {
				if v.status == "UNSUPPORTED" && !aws.ToBool(in.IncludeAll) {
					continue
				}
				out.ClusterVersions = append(out.ClusterVersions, ekstypes.ClusterVersionInformation{
					ClusterVersion: aws.String(v.version), VersionStatus: ekstypes.VersionStatus(v.status), DefaultVersion: v.def,
					EndOfStandardSupportDate: aws.Time(v.endOfStandard), EndOfExtendedSupportDate: aws.Time(v.endOfExtended),
				})
			}
			return out, nil
		})
	}
}

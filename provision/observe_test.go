package provision

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// gauge tracks how many calls of one service are in flight, and the most
// there ever were.
type gauge struct {
	mu       sync.Mutex
	now, max int
	total    *gauge // all services together; nil for the total itself
}

func (g *gauge) enter() {
	g.mu.Lock()
	g.now++
	g.max = max(g.max, g.now)
	g.mu.Unlock()
	if g.total != nil {
		g.total.enter()
	}
}

func (g *gauge) leave() {
	g.mu.Lock()
	g.now--
	g.mu.Unlock()
	if g.total != nil {
		g.total.leave()
	}
}

func (g *gauge) highest() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.max
}

func gauged[In, Out any](g *gauge, f func(context.Context, In) (Out, error)) func(context.Context, In) (Out, error) {
	return func(ctx context.Context, in In) (Out, error) {
		g.enter()
		defer g.leave()
		return f(ctx, in)
	}
}

// gaugedEKS counts the EKS reads of a plan in flight.
type gaugedEKS struct {
	EKSAPI
	g *gauge
}

func (e gaugedEKS) Options() eks.Options { return e.EKSAPI.(regioner).Options() }

func (e gaugedEKS) DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, o ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.DescribeClusterInput) (*eks.DescribeClusterOutput, error) {
		return e.EKSAPI.DescribeCluster(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) ListNodegroups(ctx context.Context, in *eks.ListNodegroupsInput, o ...func(*eks.Options)) (*eks.ListNodegroupsOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.ListNodegroupsInput) (*eks.ListNodegroupsOutput, error) {
		return e.EKSAPI.ListNodegroups(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) DescribeNodegroup(ctx context.Context, in *eks.DescribeNodegroupInput, o ...func(*eks.Options)) (*eks.DescribeNodegroupOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.DescribeNodegroupInput) (*eks.DescribeNodegroupOutput, error) {
		return e.EKSAPI.DescribeNodegroup(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) ListUpdates(ctx context.Context, in *eks.ListUpdatesInput, o ...func(*eks.Options)) (*eks.ListUpdatesOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.ListUpdatesInput) (*eks.ListUpdatesOutput, error) {
		return e.EKSAPI.ListUpdates(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) ListFargateProfiles(ctx context.Context, in *eks.ListFargateProfilesInput, o ...func(*eks.Options)) (*eks.ListFargateProfilesOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.ListFargateProfilesInput) (*eks.ListFargateProfilesOutput, error) {
		return e.EKSAPI.ListFargateProfiles(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) DescribeFargateProfile(ctx context.Context, in *eks.DescribeFargateProfileInput, o ...func(*eks.Options)) (*eks.DescribeFargateProfileOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.DescribeFargateProfileInput) (*eks.DescribeFargateProfileOutput, error) {
		return e.EKSAPI.DescribeFargateProfile(ctx, in, o...)
	})(ctx, in)
}

// The reads of the later kinds (Pod Identity, add-ons, access entries)
// hold read slots too, so they are gauged with the others.

func (e gaugedEKS) ListPodIdentityAssociations(ctx context.Context, in *eks.ListPodIdentityAssociationsInput, o ...func(*eks.Options)) (*eks.ListPodIdentityAssociationsOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.ListPodIdentityAssociationsInput) (*eks.ListPodIdentityAssociationsOutput, error) {
		return e.EKSAPI.ListPodIdentityAssociations(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) DescribePodIdentityAssociation(ctx context.Context, in *eks.DescribePodIdentityAssociationInput, o ...func(*eks.Options)) (*eks.DescribePodIdentityAssociationOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.DescribePodIdentityAssociationInput) (*eks.DescribePodIdentityAssociationOutput, error) {
		return e.EKSAPI.DescribePodIdentityAssociation(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) ListAddons(ctx context.Context, in *eks.ListAddonsInput, o ...func(*eks.Options)) (*eks.ListAddonsOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.ListAddonsInput) (*eks.ListAddonsOutput, error) {
		return e.EKSAPI.ListAddons(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) DescribeAddon(ctx context.Context, in *eks.DescribeAddonInput, o ...func(*eks.Options)) (*eks.DescribeAddonOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.DescribeAddonInput) (*eks.DescribeAddonOutput, error) {
		return e.EKSAPI.DescribeAddon(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) DescribeAddonVersions(ctx context.Context, in *eks.DescribeAddonVersionsInput, o ...func(*eks.Options)) (*eks.DescribeAddonVersionsOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.DescribeAddonVersionsInput) (*eks.DescribeAddonVersionsOutput, error) {
		return e.EKSAPI.DescribeAddonVersions(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) DescribeAddonConfiguration(ctx context.Context, in *eks.DescribeAddonConfigurationInput, o ...func(*eks.Options)) (*eks.DescribeAddonConfigurationOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.DescribeAddonConfigurationInput) (*eks.DescribeAddonConfigurationOutput, error) {
		return e.EKSAPI.DescribeAddonConfiguration(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) ListAccessEntries(ctx context.Context, in *eks.ListAccessEntriesInput, o ...func(*eks.Options)) (*eks.ListAccessEntriesOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.ListAccessEntriesInput) (*eks.ListAccessEntriesOutput, error) {
		return e.EKSAPI.ListAccessEntries(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) DescribeAccessEntry(ctx context.Context, in *eks.DescribeAccessEntryInput, o ...func(*eks.Options)) (*eks.DescribeAccessEntryOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.DescribeAccessEntryInput) (*eks.DescribeAccessEntryOutput, error) {
		return e.EKSAPI.DescribeAccessEntry(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) ListAssociatedAccessPolicies(ctx context.Context, in *eks.ListAssociatedAccessPoliciesInput, o ...func(*eks.Options)) (*eks.ListAssociatedAccessPoliciesOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.ListAssociatedAccessPoliciesInput) (*eks.ListAssociatedAccessPoliciesOutput, error) {
		return e.EKSAPI.ListAssociatedAccessPolicies(ctx, in, o...)
	})(ctx, in)
}

func (e gaugedEKS) ListAccessPolicies(ctx context.Context, in *eks.ListAccessPoliciesInput, o ...func(*eks.Options)) (*eks.ListAccessPoliciesOutput, error) {
	return gauged(e.g, func(ctx context.Context, in *eks.ListAccessPoliciesInput) (*eks.ListAccessPoliciesOutput, error) {
		return e.EKSAPI.ListAccessPolicies(ctx, in, o...)
	})(ctx, in)
}

// gaugedIAM counts the IAM reads of a plan in flight.
type gaugedIAM struct {
	IAMAPI
	g *gauge
}

func (a gaugedIAM) GetRole(ctx context.Context, in *iam.GetRoleInput, o ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return gauged(a.g, func(ctx context.Context, in *iam.GetRoleInput) (*iam.GetRoleOutput, error) {
		return a.IAMAPI.GetRole(ctx, in, o...)
	})(ctx, in)
}

func (a gaugedIAM) ListRoles(ctx context.Context, in *iam.ListRolesInput, o ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	return gauged(a.g, func(ctx context.Context, in *iam.ListRolesInput) (*iam.ListRolesOutput, error) {
		return a.IAMAPI.ListRoles(ctx, in, o...)
	})(ctx, in)
}

func (a gaugedIAM) ListRoleTags(ctx context.Context, in *iam.ListRoleTagsInput, o ...func(*iam.Options)) (*iam.ListRoleTagsOutput, error) {
	return gauged(a.g, func(ctx context.Context, in *iam.ListRoleTagsInput) (*iam.ListRoleTagsOutput, error) {
		return a.IAMAPI.ListRoleTags(ctx, in, o...)
	})(ctx, in)
}

func (a gaugedIAM) ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, o ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return gauged(a.g, func(ctx context.Context, in *iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error) {
		return a.IAMAPI.ListAttachedRolePolicies(ctx, in, o...)
	})(ctx, in)
}

func (a gaugedIAM) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, o ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return gauged(a.g, func(ctx context.Context, in *iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error) {
		return a.IAMAPI.GetRolePolicy(ctx, in, o...)
	})(ctx, in)
}

func (a gaugedIAM) ListOpenIDConnectProviders(ctx context.Context, in *iam.ListOpenIDConnectProvidersInput, o ...func(*iam.Options)) (*iam.ListOpenIDConnectProvidersOutput, error) {
	return gauged(a.g, func(ctx context.Context, in *iam.ListOpenIDConnectProvidersInput) (*iam.ListOpenIDConnectProvidersOutput, error) {
		return a.IAMAPI.ListOpenIDConnectProviders(ctx, in, o...)
	})(ctx, in)
}

func (a gaugedIAM) GetOpenIDConnectProvider(ctx context.Context, in *iam.GetOpenIDConnectProviderInput, o ...func(*iam.Options)) (*iam.GetOpenIDConnectProviderOutput, error) {
	return gauged(a.g, func(ctx context.Context, in *iam.GetOpenIDConnectProviderInput) (*iam.GetOpenIDConnectProviderOutput, error) {
		return a.IAMAPI.GetOpenIDConnectProvider(ctx, in, o...)
	})(ctx, in)
}

// TestPlanReadLimitsPerService: a plan reads EKS and IAM concurrently, each
// under its own limit (--parallelism, default DefaultReadParallelism): each
// service reaches the limit but never exceeds it, and one service's reads
// do not wait for the other's.
func TestPlanReadLimitsPerService(t *testing.T) {
	c := testCluster("wide")
	for i := 0; i < 40; i++ {
		testNodeGroup(c, fmt.Sprintf("ng%02d", i))
		testIRSA(c, fmt.Sprintf("sa%02d", i))
	}
	cfg := testConfig(c)
	w := newFakeAccount()
	w.apply(t, mustPlan(t, w, cfg, PlanOptions{}))
	w.latency = 10 * time.Millisecond // long enough for every ready read to start

	for _, tc := range []struct {
		parallelism, want int
	}{
		{0, DefaultReadParallelism},
		{4, 4},
	} {
		t.Run(fmt.Sprintf("parallelism=%d", tc.parallelism), func(t *testing.T) {
			total := &gauge{}
			eksG, iamG := &gauge{total: total}, &gauge{total: total}
			inner := w.factory()
			factory := func(region string) (*Clients, error) {
				c, err := inner(region)
				if err != nil {
					return nil, err
				}
				return &Clients{EKS: gaugedEKS{c.EKS, eksG}, IAM: gaugedIAM{c.IAM, iamG}, EC2: c.EC2, AutoScaling: c.AutoScaling, SSM: c.SSM}, nil
			}
			p, diags := MakePlan(context.Background(), cfg, factory, PlanOptions{Parallelism: tc.parallelism})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if p.HasChanges() {
				t.Fatalf("converged account has changes: %v", summary(p))
			}
			if got := eksG.highest(); got != tc.want {
				t.Errorf("at most %d EKS reads were in flight at once, want %d", got, tc.want)
			}
			if got := iamG.highest(); got != tc.want {
				t.Errorf("at most %d IAM reads were in flight at once, want %d", got, tc.want)
			}
			if got := total.highest(); got <= tc.want {
				t.Errorf("at most %d reads were in flight at once over both services: EKS and IAM reads share one limit of %d", got, tc.want)
			}
		})
	}
}

package provision

// The fake account's Fargate profiles.

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// fakeFargateOps serves the Fargate profile operations of region.
func (a *fakeAccount) fakeFargateOps(f *fakeEKS, region string) {
	r := func() *eksRegion { return a.in(region) }

	f.listFargateProfilesFn = func(_ context.Context, in *eks.ListFargateProfilesInput) (*eks.ListFargateProfilesOutput, error) {
		cluster := aws.ToString(in.ClusterName)
		return eksCall(a, "ListFargateProfiles", cluster, func() (*eks.ListFargateProfilesOutput, error) {
			if r().cluster(cluster) == nil {
				return nil, notFound("No cluster found for name: %s.", cluster)
			}
			page, next := a.page(r().children(r().fargate, cluster), in.NextToken)
			return &eks.ListFargateProfilesOutput{FargateProfileNames: page, NextToken: next}, nil
		})
	}
	f.createFargateProfileFn = func(_ context.Context, in *eks.CreateFargateProfileInput) (*eks.CreateFargateProfileOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.FargateProfileName)
		return eksCall(a, "CreateFargateProfile", name, func() (*eks.CreateFargateProfileOutput, error) {
			if c := r().cluster(cluster); c == nil || c.status != "ACTIVE" {
				a.violate("CreateFargateProfile %s before cluster %s is ACTIVE", name, cluster)
				return nil, notFound("No cluster found for name: %s.", cluster)
			}
			if r().fargateProfile(cluster, name) != nil {
				return nil, inUse("A Fargate Profile already exists with this name in this cluster.")
			}
			if busy := r().fargateBusy(cluster); busy != "" {
				a.violate("CreateFargateProfile %s while %s is creating or deleting", name, busy)
				return nil, inUse("Cannot create Fargate Profile %s because cluster %s currently has Fargate profile %s in status CREATING or DELETING", name, cluster, busy)
			}
			a.record("CreateFargateProfile %s/%s", cluster, name)
			o := &eksObject{name: name, cluster: cluster, arn: fargateARNOf(region, cluster, name), status: "CREATING", until: time.Now().Add(a.life.fargate), tags: copyTags(in.Tags)}
			o.fp = &ekstypes.FargateProfile{ClusterName: in.ClusterName, FargateProfileName: in.FargateProfileName, FargateProfileArn: aws.String(o.arn),
				PodExecutionRoleArn: in.PodExecutionRoleArn, Subnets: in.Subnets, Selectors: in.Selectors}
			r().fargate[cluster+"/"+name] = o
			return &eks.CreateFargateProfileOutput{FargateProfile: describeFargate(o)}, nil
		})
	}
	f.describeFargateProfileFn = func(_ context.Context, in *eks.DescribeFargateProfileInput) (*eks.DescribeFargateProfileOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.FargateProfileName)
		return eksCall(a, "DescribeFargateProfile", name, func() (*eks.DescribeFargateProfileOutput, error) {
			o := r().fargateProfile(cluster, name)
			if o == nil {
				return nil, notFound("No Fargate Profile found with name: %s.", name)
			}
			return &eks.DescribeFargateProfileOutput{FargateProfile: describeFargate(o)}, nil
		})
	}
	f.deleteFargateProfileFn = func(_ context.Context, in *eks.DeleteFargateProfileInput) (*eks.DeleteFargateProfileOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.FargateProfileName)
		return eksCall(a, "DeleteFargateProfile", name, func() (*eks.DeleteFargateProfileOutput, error) {
			o := r().fargateProfile(cluster, name)
			if o == nil {
				return nil, notFound("No Fargate Profile found with name: %s.", name)
			}
			if busy := r().fargateBusy(cluster); busy != "" {
				a.violate("DeleteFargateProfile %s while %s is creating or deleting", name, busy)
				return nil, inUse("cluster %s currently has Fargate profile %s in status CREATING or DELETING", cluster, busy)
			}
			a.record("DeleteFargateProfile %s/%s", cluster, name)
			o.status, o.until = "DELETING", time.Now().Add(a.life.fargate)
			return &eks.DeleteFargateProfileOutput{}, nil
		})
	}
}

func fargateARNOf(region, cluster, name string) string {
	return "arn:aws:eks:" + region + ":" + testAccount + ":fargateprofile/" + cluster + "/" + name + "/0000"
}

func describeFargate(o *eksObject) *ekstypes.FargateProfile {
	f := *o.fp
	f.Status, f.Tags = ekstypes.FargateProfileStatus(o.status), copyTags(o.tags)
	return &f
}

func (a *fakeAccount) putFargate(cluster string, fp *FargateProfileAttrs) *FargateProfileAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	arn := fargateARNOf(a.region, cluster, fp.Name)
	o := &eksObject{name: fp.Name, cluster: cluster, arn: arn, status: "ACTIVE", tags: copyTags(fp.Tags)}
	o.fp = &ekstypes.FargateProfile{ClusterName: aws.String(cluster), FargateProfileName: aws.String(fp.Name), FargateProfileArn: aws.String(arn),
		Subnets: fp.SubnetIDs, PodExecutionRoleArn: aws.String(fp.PodExecutionRoleARN)}
	for _, s := range fp.Selectors {
		o.fp.Selectors = append(o.fp.Selectors, ekstypes.FargateProfileSelector{Namespace: aws.String(s.Namespace), Labels: s.Labels})
	}
	a.in("").fargate[cluster+"/"+fp.Name] = o
	return fargateFromAWS(describeFargate(o))
}

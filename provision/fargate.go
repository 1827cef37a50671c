package provision

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// The plan half of a Fargate profile.

// fargateSchema: EKS has no update call for Fargate profiles; everything but
// tags forces a replacement (delete, then create under the same name).
var fargateSchema = Schema{
	"subnet_ids":             {Set: true, ForceNew: true},
	"pod_execution_role_arn": {ForceNew: true},
	"selectors":              {Set: true, ForceNew: true},
	"tags":                   {},
}

// fargateAttrs are the desired attributes of a fargate_profile block.
func fargateAttrs(c *spec.Cluster, fp *spec.FargateProfile, roleARN string) *FargateProfileAttrs {
	a := &FargateProfileAttrs{
		Name:                fp.Name,
		SubnetIDs:           fp.SubnetIDs,
		PodExecutionRoleARN: roleARN,
		Tags:                ownedTags(fp.Tags, c.Name, FargateProfileAddress(c.Name, fp.Name)),
	}
	for _, s := range fp.Selectors {
		a.Selectors = append(a.Selectors, SelectorAttrs{Namespace: s.Namespace, Labels: nilIfEmpty(s.Labels)})
	}
	return a
}

// fargateFromAWS converts DescribeFargateProfile's answer.
func fargateFromAWS(f *ekstypes.FargateProfile) *FargateProfileAttrs {
	a := &FargateProfileAttrs{
		Name:                aws.ToString(f.FargateProfileName),
		ARN:                 aws.ToString(f.FargateProfileArn),
		SubnetIDs:           f.Subnets,
		PodExecutionRoleARN: aws.ToString(f.PodExecutionRoleArn),
		Tags:                liveTags(f.Tags),
		Status:              string(f.Status),
	}
	for _, s := range f.Selectors {
		a.Selectors = append(a.Selectors, SelectorAttrs{Namespace: aws.ToString(s.Namespace), Labels: nilIfEmpty(s.Labels)})
	}
	return a
}

// fargateSteps: only tags change in place.
func fargateSteps(before, after *FargateProfileAttrs, diffs []AttrDiff) []Step {
	if !diffPaths(diffs)["tags"] {
		return nil
	}
	return tagSteps("TagResource", "UntagResource", before.Tags, after.Tags)
}

// nilIfEmpty makes an empty map nil, so that selectors compare equal as set
// elements whether or not their labels were spelled out.
func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

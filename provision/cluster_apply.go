package provision

// The apply half of the EKS cluster: create, the update steps the plan
// lists, delete. Each is idempotent: re-running after an interrupted apply
// finds the work done or in progress and waits for it.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

func applyCluster(ctx context.Context, x *execution) (any, string, error) {
	switch x.c.Action {
	case Create:
		return createCluster(ctx, x)
	case Update:
		return updateCluster(ctx, x)
	case Delete:
		return nil, x.cluster, deleteCluster(ctx, x)
	case NoOp:
		c, err := clusterActive(ctx, x.eks, x.opts.waiter(x.opts.Timeouts.ClusterUpdate, "CLUSTER_UPDATE"), x.cluster)
		if err != nil {
			return nil, "", err
		}
		return clusterFromAWS(c), aws.ToString(c.Arn), nil
	}
	return nil, "", fmt.Errorf("EKS clusters are never replaced (%s)", x.c.Address)
}

func createCluster(ctx context.Context, x *execution) (any, string, error) {
	a := x.after.(*ClusterAttrs)
	in := &eks.CreateClusterInput{
		Name:    aws.String(a.Name),
		Version: aws.String(a.Version),
		RoleArn: aws.String(a.RoleARN),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{
			SubnetIds:             a.SubnetIDs,
			SecurityGroupIds:      a.SecurityGroupIDs,
			EndpointPublicAccess:  aws.Bool(a.EndpointPublicAccess),
			EndpointPrivateAccess: aws.Bool(a.EndpointPrivateAccess),
		},
		Tags: ownedTags(a.Tags, x.cluster, x.c.Address),
	}
	if len(a.PublicAccessCIDRs) > 0 {
		in.ResourcesVpcConfig.PublicAccessCidrs = a.PublicAccessCIDRs
	}
	if len(a.Logging) > 0 {
		in.Logging = clusterLogging(nil, a.Logging)
	}
	if a.KMSKeyARN != "" {
		in.EncryptionConfig = encryptionConfig(a.KMSKeyARN)
	}
	w := x.opts.waiter(x.opts.Timeouts.ClusterCreate, "CLUSTER_CREATE")
	adopted := false
	err := w.retry(ctx, "EKS to accept cluster "+a.Name, x.e.busyFor(a.RoleARN), func(ctx context.Context) error {
		_, err := x.eks.CreateCluster(ctx, in)
		if !isInUse(err) {
			return err
		}
		// In use: the cluster exists. An earlier, interrupted apply may
		// have created it; anything else is not ours to take over.
		out, derr := x.eks.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: in.Name})
		if isNotFound(derr) {
			return err // gone meanwhile: try again
		}
		if derr != nil {
			return derr
		}
		if !ownedHere(out.Cluster.Tags, x.c) {
			return fmt.Errorf("a cluster named %s already exists and eksctl-lite does not own it; run eksctl-lite plan (with --adopt to take it over)", a.Name)
		}
		adopted = true
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("creating cluster %s: %w", a.Name, err)
	}
	if adopted {
		x.act.note("found the cluster created by an earlier apply; waiting for it")
	}
	c, err := clusterActive(ctx, x.eks, w, a.Name)
	if err != nil {
		return nil, "", err
	}
	return clusterFromAWS(c), aws.ToString(c.Arn), nil
}

// clusterLogging enables the log types in want and disables those in had
// that are no longer wanted (EKS keeps a type's setting until told).
func clusterLogging(had, want []string) *ekstypes.Logging {
	var on, off []ekstypes.LogType
	wanted := toSet(want)
	for _, t := range sortedCopy(want) {
		on = append(on, ekstypes.LogType(t))
	}
	for _, t := range sortedCopy(had) {
		if !wanted[t] {
			off = append(off, ekstypes.LogType(t))
		}
	}
	l := &ekstypes.Logging{}
	if len(on) > 0 {
		l.ClusterLogging = append(l.ClusterLogging, ekstypes.LogSetup{Enabled: aws.Bool(true), Types: on})
	}
	if len(off) > 0 {
		l.ClusterLogging = append(l.ClusterLogging, ekstypes.LogSetup{Enabled: aws.Bool(false), Types: off})
	}
	return l
}

func encryptionConfig(key string) []ekstypes.EncryptionConfig {
	return []ekstypes.EncryptionConfig{{Provider: &ekstypes.Provider{KeyArn: aws.String(key)}, Resources: []string{"secrets"}}}
}

// updateCluster carries out the plan's steps in order, one EKS update at a
// time: each update is polled with DescribeUpdate until it succeeds before
// the next call (EKS runs one update per cluster at a time and answers
// ResourceInUseException to a second one).
func updateCluster(ctx context.Context, x *execution) (any, string, error) {
	b, a := x.before.(*ClusterAttrs), x.after.(*ClusterAttrs)
	w := x.opts.waiter(x.opts.Timeouts.ClusterUpdate, "CLUSTER_UPDATE")
	arn := b.ARN
	for i, s := range x.c.Steps {
		if i > 0 && ctx.Err() != nil {
			// Interrupted: start no further update.
			return nil, "", fmt.Errorf("stopped before %s (%d of %d steps done): %w", s.Call, i, len(x.c.Steps), ctx.Err())
		}
		x.act.note("%s", stepLine(s))
		var update *ekstypes.Update
		call := func(ctx context.Context) error {
			switch s.Call {
			case "TagResource":
				set, _ := tagChanges(b.Tags, a.Tags)
				if len(set) == 0 {
					return nil
				}
				_, err := x.eks.TagResource(ctx, &eks.TagResourceInput{ResourceArn: aws.String(arn), Tags: set})
				return err
			case "UntagResource":
				_, remove := tagChanges(b.Tags, a.Tags)
				if len(remove) == 0 {
					return nil
				}
				_, err := x.eks.UntagResource(ctx, &eks.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: remove})
				return err
			case "UpdateClusterVersion":
				version := s.Target
				if version == "" {
					version = a.Version
				}
				out, err := x.eks.UpdateClusterVersion(ctx, &eks.UpdateClusterVersionInput{Name: aws.String(x.cluster), Version: aws.String(version)})
				if err == nil {
					update = out.Update
				}
				return err
			case "UpdateClusterConfig":
				in := &eks.UpdateClusterConfigInput{Name: aws.String(x.cluster)}
				paths := toSet(s.Paths)
				if paths["enabled_cluster_log_types"] {
					in.Logging = clusterLogging(b.Logging, a.Logging)
				} else {
					// Only the endpoint fields: EKS merges what is sent
					// into the VPC configuration (EMULATOR-GAPS 3).
					in.ResourcesVpcConfig = &ekstypes.VpcConfigRequest{
						EndpointPublicAccess:  aws.Bool(a.EndpointPublicAccess),
						EndpointPrivateAccess: aws.Bool(a.EndpointPrivateAccess),
					}
					if len(a.PublicAccessCIDRs) > 0 {
						in.ResourcesVpcConfig.PublicAccessCidrs = a.PublicAccessCIDRs
					}
				}
				out, err := x.eks.UpdateClusterConfig(ctx, in)
				if err == nil {
					update = out.Update
				}
				return err
			case "AssociateEncryptionConfig":
				out, err := x.eks.AssociateEncryptionConfig(ctx, &eks.AssociateEncryptionConfigInput{ClusterName: aws.String(x.cluster), EncryptionConfig: encryptionConfig(a.KMSKeyARN)})
				if err == nil {
					update = out.Update
				}
				return err
			}
			return unknownStep(x, s)
		}
		if err := w.retry(ctx, "cluster "+x.cluster+" to accept "+s.Call, isInUse, call); err != nil {
			return nil, "", fmt.Errorf("%s on cluster %s: %w", s.Call, x.cluster, err)
		}
		if update != nil && update.Id != nil {
			if err := updateSucceeded(ctx, x.eks, w, x.cluster, "", aws.ToString(update.Id)); err != nil {
				return nil, "", err
			}
		}
	}
	// Some calls return no update to poll (tags; UpdateClusterConfig on
	// some endpoints): the cluster being ACTIVE again is the sign of done.
	c, err := clusterActive(ctx, x.eks, w, x.cluster)
	if err != nil {
		return nil, "", err
	}
	return clusterFromAWS(c), aws.ToString(c.Arn), nil
}

// stepLine describes a step on its progress line.
func stepLine(s Step) string {
	if s.Detail != "" {
		return s.Call + " (" + s.Detail + ")..."
	}
	return s.Call + "..."
}

// deleteCluster deletes the cluster and waits until it is gone. The
// scheduler starts it only after the cluster's node groups and Fargate
// profiles are gone; EKS refuses (ResourceInUseException) while any
// remain, which is waited out, since one may be deleting out of band.
func deleteCluster(ctx context.Context, x *execution) error {
	w := x.opts.waiter(x.opts.Timeouts.ClusterDelete, "CLUSTER_DELETE")
	if err := noForeignChildren(callCtx(ctx), x); err != nil {
		return err
	}
	err := w.retry(ctx, "EKS to accept the deletion of cluster "+x.cluster, isInUse, func(ctx context.Context) error {
		_, err := x.eks.DeleteCluster(ctx, &eks.DeleteClusterInput{Name: aws.String(x.cluster)})
		if isNotFound(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("deleting cluster %s: %w", x.cluster, err)
	}
	return clusterGone(ctx, x.eks, w, x.cluster)
}

// busyFor is the retry predicate of a create call naming role: EKS's
// "resource in use", and, while the role is brand new, EKS's
// InvalidParameterException, which is how EKS says it cannot assume a role
// that IAM has not propagated yet.
func (e *executor) busyFor(role string) func(error) bool {
	return func(err error) bool {
		if isInUse(err) {
			return true
		}
		var ip *ekstypes.InvalidParameterException
		return role != "" && errors.As(err, &ip) && e.freshRole(role)
	}
}

// noForeignChildren fails when the cluster still has node groups or
// Fargate profiles that are not being deleted: the scheduler deleted ours
// first, so these are someone else's, which eksctl-lite never deletes, and
// EKS refuses to delete a cluster that has any. Failing now, naming them,
// beats waiting for the deletion timeout.
func noForeignChildren(ctx context.Context, x *execution) error {
	var foreign []string
	var next *string
	for {
		out, err := x.eks.ListNodegroups(ctx, &eks.ListNodegroupsInput{ClusterName: aws.String(x.cluster), NextToken: next})
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("listing the node groups of cluster %s: %w", x.cluster, err)
		}
		for _, n := range out.Nodegroups {
			d, err := x.eks.DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{ClusterName: aws.String(x.cluster), NodegroupName: aws.String(n)})
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return fmt.Errorf("describing node group %s of cluster %s: %w", n, x.cluster, err)
			}
			if d.Nodegroup.Status != ekstypes.NodegroupStatusDeleting {
				foreign = append(foreign, "node group "+n)
			}
		}
		if next = out.NextToken; next == nil {
			break
		}
	}
	next = nil
	for {
		out, err := x.eks.ListFargateProfiles(ctx, &eks.ListFargateProfilesInput{ClusterName: aws.String(x.cluster), NextToken: next})
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("listing the Fargate profiles of cluster %s: %w", x.cluster, err)
		}
		for _, n := range out.FargateProfileNames {
			d, err := x.eks.DescribeFargateProfile(ctx, &eks.DescribeFargateProfileInput{ClusterName: aws.String(x.cluster), FargateProfileName: aws.String(n)})
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return fmt.Errorf("describing Fargate profile %s of cluster %s: %w", n, x.cluster, err)
			}
			if d.FargateProfile.Status != ekstypes.FargateProfileStatusDeleting {
				foreign = append(foreign, "Fargate profile "+n)
			}
		}
		if next = out.NextToken; next == nil {
			break
		}
	}
	if len(foreign) > 0 {
		return fmt.Errorf("cluster %s still has %s, which eksctl-lite did not create and never deletes, and EKS cannot delete a cluster that has any; delete them yourself, then run eksctl-lite destroy again", x.cluster, strings.Join(foreign, ", "))
	}
	return nil
}

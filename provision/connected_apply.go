package provision

// The apply half of a connected cluster: RegisterCluster (the registration
// is PENDING at once: nothing to wait for, the agent connects when the user
// installs it), tags in place, DeregisterCluster and its wait, and the two
// in turn for a replacement. Each is idempotent: an interrupted
// registration is found by its tags and kept.

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/smithy-go"
)

func applyConnected(ctx context.Context, x *execution) (any, string, error) {
	w := x.opts.waiter(x.opts.Timeouts.ClusterUpdate, "CLUSTER_UPDATE")
	switch x.c.Action {
	case Create:
		return registerCluster(ctx, x, w)
	case Replace:
		if err := deregisterCluster(ctx, x); err != nil {
			return nil, "", err
		}
		return registerCluster(ctx, x, w)
	case Delete:
		return nil, "", deregisterCluster(ctx, x)
	case Update:
		a := x.after.(*ConnectedClusterAttrs)
		cur, err := describeConnected(ctx, x)
		if err != nil {
			return nil, "", err
		}
		for _, s := range x.c.Steps {
			if err := eksTagStep(ctx, x.eks, s.Call, cur.ARN, cur.Tags, a.Tags); err != nil {
				return nil, "", fmt.Errorf("%s on connected cluster %s: %w", s.Call, x.cluster, err)
			}
		}
		cur, err = describeConnected(ctx, x)
		if err != nil {
			return nil, "", err
		}
		return cur, cur.ARN, nil
	}
	cur, err := describeConnected(ctx, x)
	if err != nil {
		return nil, "", err
	}
	return cur, cur.ARN, nil
}

func describeConnected(ctx context.Context, x *execution) (*ConnectedClusterAttrs, error) {
	out, err := x.eks.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(x.cluster)})
	if err != nil {
		return nil, fmt.Errorf("describing connected cluster %s: %w", x.cluster, err)
	}
	return connectedFromAWS(out.Cluster), nil
}

// registerCluster registers the connected cluster. A brand-new connector
// role may not have reached EKS yet (EKS answers InvalidRequestException,
// "Nonexistent role or missing ssm service principal in trust policy"):
// waited out while the role is fresh.
func registerCluster(ctx context.Context, x *execution, w waiter) (any, string, error) {
	a := x.after.(*ConnectedClusterAttrs)
	in := &eks.RegisterClusterInput{
		Name:            aws.String(a.Name),
		ConnectorConfig: &ekstypes.ConnectorConfigRequest{RoleArn: aws.String(a.RoleARN), Provider: ekstypes.ConnectorConfigProvider(a.Provider)},
		Tags:            ownedTags(a.Tags, x.cluster, x.c.Address),
	}
	busy := func(err error) bool {
		if x.e.busyFor(a.RoleARN)(err) {
			return true
		}
		var api smithy.APIError
		return errors.As(err, &api) && api.ErrorCode() == "InvalidRequestException" && x.e.freshRole(a.RoleARN)
	}
	var got *ekstypes.Cluster
	found, adopted, err := createOrAdopt(ctx, w, "EKS to accept the registration of "+a.Name, busy, eksAdoption(x, clusterResource, a.Name,
		func(ctx context.Context) error {
			out, err := x.eks.RegisterCluster(ctx, in)
			if err == nil {
				got = out.Cluster
			}
			return err
		},
		fmt.Sprintf("a cluster named %s already exists and eksctl-lite did not register it; run eksctl-lite plan", a.Name)))
	if err != nil {
		return nil, "", fmt.Errorf("registering connected cluster %s: %w", a.Name, err)
	}
	if adopted {
		x.act.note("found the registration made by an earlier apply")
		got = found
	}
	live := connectedFromAWS(got)
	return live, live.ARN, nil
}

// deregisterCluster deregisters the connected cluster and waits until it
// is gone; gone already is done.
func deregisterCluster(ctx context.Context, x *execution) error {
	w := x.opts.waiter(x.opts.Timeouts.ClusterDelete, "CLUSTER_DELETE")
	// Still the registration the plan saw as this configuration's.
	out, err := x.eks.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(x.cluster)})
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("describing connected cluster %s: %w", x.cluster, err)
	}
	if out.Cluster.ConnectorConfig == nil || !ownedHere(out.Cluster.Tags, x.c) {
		return fmt.Errorf("connected cluster %s is no longer the registration eksctl-lite made (it was replaced since the plan, by a cluster eksctl-lite does not own), so it is not deregistered; run eksctl-lite plan again", x.cluster)
	}
	err = w.retry(ctx, "EKS to accept the deregistration of "+x.cluster, isInUse, func(ctx context.Context) error {
		_, err := x.eks.DeregisterCluster(ctx, &eks.DeregisterClusterInput{Name: aws.String(x.cluster)})
		if isNotFound(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("deregistering connected cluster %s: %w", x.cluster, err)
	}
	return clusterGone(ctx, x.eks, w, x.cluster)
}

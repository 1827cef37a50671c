package provision

// The fake account's connected clusters, as the emulator has them
// (integration/emulator/eks_connector.py): in the table of EKS clusters,
// PENDING from registration, an activation expiring three days later;
// DeleteCluster refuses one, DeregisterCluster refuses an EKS cluster.

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// fakeConnectorEKS holds the function fields of the connector calls
// (embedded in fakeEKS).
type fakeConnectorEKS struct {
	registerClusterFn   func(context.Context, *eks.RegisterClusterInput) (*eks.RegisterClusterOutput, error)
	deregisterClusterFn func(context.Context, *eks.DeregisterClusterInput) (*eks.DeregisterClusterOutput, error)
}

func (f *fakeConnectorEKS) RegisterCluster(ctx context.Context, in *eks.RegisterClusterInput, _ ...func(*eks.Options)) (*eks.RegisterClusterOutput, error) {
	if f.registerClusterFn == nil {
		panic(fmt.Sprintf("unexpected call RegisterCluster(%+v)", in))
	}
	return f.registerClusterFn(ctx, in)
}

func (f *fakeConnectorEKS) DeregisterCluster(ctx context.Context, in *eks.DeregisterClusterInput, _ ...func(*eks.Options)) (*eks.DeregisterClusterOutput, error) {
	if f.deregisterClusterFn == nil {
		panic(fmt.Sprintf("unexpected call DeregisterCluster(%+v)", in))
	}
	return f.deregisterClusterFn(ctx, in)
}

// activationLife is how long an activation lasts (RegisterCluster).
const activationLife = 72 * time.Hour

func (a *fakeAccount) fakeConnectorOps(f *fakeEKS, region string) {
	r := func() *eksRegion { return a.in(region) }
	f.registerClusterFn = func(_ context.Context, in *eks.RegisterClusterInput) (*eks.RegisterClusterOutput, error) {
		name := aws.ToString(in.Name)
		return eksCall(a, "RegisterCluster", name, func() (*eks.RegisterClusterOutput, error) {
			if r().cluster(name) != nil {
				return nil, inUse("Cluster already exists with name: %s", name)
			}
			cc := in.ConnectorConfig
			if cc == nil || !slices.Contains(cc.Provider.Values(), cc.Provider) || aws.ToString(cc.RoleArn) == "" {
				a.violate("RegisterCluster %s with connector config %+v", name, cc)
				return nil, invalid("invalid connectorConfig")
			}
			a.record("RegisterCluster %s", name)
			expiry := time.Now().Add(activationLife)
			o := &eksObject{name: name, cluster: name, arn: clusterARNOf(region, name), status: "PENDING", tags: copyTags(in.Tags)}
			o.cl = &ekstypes.Cluster{Name: in.Name, Arn: aws.String(o.arn), ConnectorConfig: &ekstypes.ConnectorConfigResponse{
				ActivationId: aws.String(fmt.Sprintf("act-%d", time.Now().UnixNano())), ActivationCode: aws.String("SECRET-CODE"), ActivationExpiry: &expiry,
				Provider: aws.String(string(cc.Provider)), RoleArn: cc.RoleArn}}
			r().clusters[name] = o
			return &eks.RegisterClusterOutput{Cluster: describeCluster(o)}, nil
		})
	}
	f.deregisterClusterFn = func(_ context.Context, in *eks.DeregisterClusterInput) (*eks.DeregisterClusterOutput, error) {
		name := aws.ToString(in.Name)
		return eksCall(a, "DeregisterCluster", name, func() (*eks.DeregisterClusterOutput, error) {
			o := r().cluster(name)
			if o == nil {
				return nil, notFound("No cluster found for name: %s.", name)
			}
			if o.cl.ConnectorConfig == nil {
				a.violate("DeregisterCluster of EKS cluster %s", name)
				return nil, invalid("Cluster %s is an Amazon EKS cluster", name)
			}
			a.record("DeregisterCluster %s", name)
			o.status, o.until = "DELETING", time.Now().Add(a.life.cluster)
			return &eks.DeregisterClusterOutput{Cluster: describeCluster(o)}, nil
		})
	}
}

// expireActivation puts the activation of connected cluster name in the past.
func (a *fakeAccount) expireActivation(name string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	past := time.Now().Add(-time.Minute)
	a.in("").clusters[name].cl.ConnectorConfig.ActivationExpiry = &past
}

package provision

// The fake account's EKS clusters: create, describe, list, delete,
// version and configuration updates, updates, tags.

import (
	"context"
	"encoding/base64"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
)

// fakeClusterOps serves the cluster operations of region.
func (a *fakeAccount) fakeClusterOps(f *fakeEKS, region string) {
	r := func() *eksRegion { return a.in(region) }

	f.createClusterFn = func(_ context.Context, in *eks.CreateClusterInput) (*eks.CreateClusterOutput, error) {
		name := aws.ToString(in.Name)
		return eksCall(a, "CreateCluster", name, func() (*eks.CreateClusterOutput, error) {
			if r().cluster(name) != nil {
				return nil, inUse("Cluster already exists with name: %s", name)
			}
			a.record("CreateCluster %s", name)
			o := &eksObject{name: name, cluster: name, arn: clusterARNOf(region, name), status: "CREATING", until: time.Now().Add(a.life.cluster), tags: copyTags(in.Tags)}
			vc := &ekstypes.VpcConfigResponse{}
			if v := in.ResourcesVpcConfig; v != nil {
				vc = &ekstypes.VpcConfigResponse{SubnetIds: v.SubnetIds, SecurityGroupIds: v.SecurityGroupIds, PublicAccessCidrs: v.PublicAccessCidrs,
					EndpointPublicAccess: aws.ToBool(v.EndpointPublicAccess), EndpointPrivateAccess: aws.ToBool(v.EndpointPrivateAccess)}
			}
			o.cl = &ekstypes.Cluster{Name: in.Name, Arn: aws.String(o.arn), Version: in.Version, RoleArn: in.RoleArn, ResourcesVpcConfig: vc,
				Identity: &ekstypes.Identity{Oidc: &ekstypes.OIDC{Issuer: aws.String(issuerOf(region, name))}},
				Logging:  mergeLogging(nil, in.Logging), EncryptionConfig: in.EncryptionConfig,
				// EKS's defaults when CreateCluster says nothing.
				UpgradePolicy: &ekstypes.UpgradePolicyResponse{SupportType: ekstypes.SupportTypeExtended},
				AccessConfig:  &ekstypes.AccessConfigResponse{AuthenticationMode: ekstypes.AuthenticationModeConfigMap, BootstrapClusterCreatorAdminPermissions: aws.Bool(true)}}
			if u := in.UpgradePolicy; u != nil {
				o.cl.UpgradePolicy = &ekstypes.UpgradePolicyResponse{SupportType: u.SupportType}
			}
			if in.ComputeConfig != nil || in.StorageConfig != nil || in.KubernetesNetworkConfig != nil {
				if err := fakeAutoMode(a, o.cl, in.ComputeConfig, in.StorageConfig, in.KubernetesNetworkConfig); err != nil {
					return nil, err
				}
				_ = fakeAutoMode(nil, o.cl, in.ComputeConfig, in.StorageConfig, in.KubernetesNetworkConfig)
				if aws.ToBool(in.ComputeConfig.Enabled) && (in.BootstrapSelfManagedAddons == nil || *in.BootstrapSelfManagedAddons) {
					a.violate("CreateCluster %s with Auto Mode and bootstrapSelfManagedAddons", name)
				}
			}
			if ac := in.AccessConfig; ac != nil {
				if ac.AuthenticationMode != "" {
					o.cl.AccessConfig.AuthenticationMode = ac.AuthenticationMode
				}
				if ac.BootstrapClusterCreatorAdminPermissions != nil {
					o.cl.AccessConfig.BootstrapClusterCreatorAdminPermissions = ac.BootstrapClusterCreatorAdminPermissions
				}
			}
			r().clusters[name] = o
			return &eks.CreateClusterOutput{Cluster: describeCluster(o)}, nil
		})
	}
	f.describeClusterFn = func(_ context.Context, in *eks.DescribeClusterInput) (*eks.DescribeClusterOutput, error) {
		name := aws.ToString(in.Name)
		return eksCall(a, "DescribeCluster", name, func() (*eks.DescribeClusterOutput, error) {
			o := r().cluster(name)
			if o == nil {
				return nil, notFound("No cluster found for name: %s.", name)
			}
			return &eks.DescribeClusterOutput{Cluster: describeCluster(o)}, nil
		})
	}
	f.listClustersFn = func(_ context.Context, in *eks.ListClustersInput) (*eks.ListClustersOutput, error) {
		return eksCall(a, "ListClusters", region, func() (*eks.ListClustersOutput, error) {
			var names []string
			all := slices.Contains(in.Include, "all")
			for _, n := range sortedKeys(r().clusters) {
				// Connected clusters are listed only with include "all".
				if o := r().cluster(n); o != nil && (all || o.cl.ConnectorConfig == nil) {
					names = append(names, n)
				}
			}
			page, next := a.page(names, in.NextToken)
			return &eks.ListClustersOutput{Clusters: page, NextToken: next}, nil
		})
	}
	f.deleteClusterFn = func(_ context.Context, in *eks.DeleteClusterInput) (*eks.DeleteClusterOutput, error) {
		name := aws.ToString(in.Name)
		return eksCall(a, "DeleteCluster", name, func() (*eks.DeleteClusterOutput, error) {
			o := r().cluster(name)
			if o == nil {
				return nil, notFound("No cluster found for name: %s.", name)
			}
			if o.cl.ConnectorConfig != nil {
				a.violate("DeleteCluster of connected cluster %s", name)
				return nil, invalid("Cluster %s is a connected cluster: deregister it with DeregisterCluster", name)
			}
			if ngs := r().children(r().nodegroups, name); len(ngs) > 0 {
				a.violate("DeleteCluster %s while node group %s exists", name, ngs[0])
				return nil, inUse("Cluster has nodegroups attached")
			}
			if fps := r().children(r().fargate, name); len(fps) > 0 {
				a.violate("DeleteCluster %s while Fargate profile %s exists", name, fps[0])
				return nil, inUse("Cluster has fargate profiles attached")
			}
			a.record("DeleteCluster %s", name)
			for k, ad := range r().addons { // EKS deletes a cluster's add-ons with it
				if ad.cluster == name {
					delete(r().addons, k)
				}
			}
			o.status, o.until = "DELETING", time.Now().Add(a.life.cluster)
			return &eks.DeleteClusterOutput{}, nil
		})
	}
	// clusterUpdate starts an update of the cluster: refuse says why EKS
	// refuses it (nil: accepted); change is what it does.
	clusterUpdate := func(op, name, detail string, typ ekstypes.UpdateType, refuse func(c *ekstypes.Cluster) error, change func(c *ekstypes.Cluster)) (*ekstypes.Update, error) {
		return eksCall(a, op, name, func() (*ekstypes.Update, error) {
			o := r().cluster(name)
			if o == nil {
				return nil, notFound("No cluster found for name: %s.", name)
			}
			if a.busy(region, name, "") {
				a.violate("%s on cluster %s while another update is in progress", op, name)
				return nil, inUse("An update is already in progress for cluster %s", name)
			}
			if err := refuse(o.cl); err != nil {
				return nil, err
			}
			a.record("%s %s%s", op, name, detail)
			return a.startUpdate(region, o, "", typ, func() {
				c := *o.cl
				change(&c)
				o.cl = &c
			}), nil
		})
	}
	f.updateClusterVersionFn = func(_ context.Context, in *eks.UpdateClusterVersionInput) (*eks.UpdateClusterVersionOutput, error) {
		to := aws.ToString(in.Version)
		u, err := clusterUpdate("UpdateClusterVersion", aws.ToString(in.Name), " "+to, ekstypes.UpdateTypeVersionUpdate, func(c *ekstypes.Cluster) error {
			from := aws.ToString(c.Version)
			f, err1 := minorOf(from)
			t, err2 := minorOf(to)
			if err1 != nil || err2 != nil || t != f+1 {
				a.violate("UpdateClusterVersion %s from %s to %s: one minor version at a time", aws.ToString(in.Name), from, to)
				return invalid("Unsupported Kubernetes minor version update from %s to %s", from, to)
			}
			// EKS updates a control plane only when its managed node groups
			// already run its minor version (UpdateClusterVersion, EKS API
			// reference).
			for _, ngName := range r().children(r().nodegroups, aws.ToString(in.Name)) {
				ng := r().nodegroups[aws.ToString(in.Name)+"/"+ngName]
				if v, err := minorOf(aws.ToString(ng.ng.Version)); err == nil && v < f {
					a.violate("UpdateClusterVersion %s to %s while node group %s runs %s", aws.ToString(in.Name), to, ngName, aws.ToString(ng.ng.Version))
					return invalid("Nodegroup %s must be updated to match cluster version %s before updating cluster version", ngName, from)
				}
			}
			return nil
		}, func(c *ekstypes.Cluster) { c.Version = in.Version })
		if err != nil {
			return nil, err
		}
		return &eks.UpdateClusterVersionOutput{Update: u}, nil
	}
	f.updateClusterConfigFn = func(_ context.Context, in *eks.UpdateClusterConfigInput) (*eks.UpdateClusterConfigOutput, error) {
		var what []string
		if in.Logging != nil {
			what = append(what, "logging")
		}
		if in.ResourcesVpcConfig != nil {
			what = append(what, "endpoint access")
		}
		typ := ekstypes.UpdateTypeConfigUpdate
		if in.AccessConfig != nil {
			what, typ = append(what, "authentication mode "+string(in.AccessConfig.AuthenticationMode)), ekstypes.UpdateTypeAccessConfigUpdate
		}
		if in.UpgradePolicy != nil {
			what, typ = append(what, "upgrade policy "+string(in.UpgradePolicy.SupportType)), ekstypes.UpdateTypeUpgradePolicyUpdate
		}
		autoMode := in.ComputeConfig != nil || in.StorageConfig != nil || in.KubernetesNetworkConfig != nil
		if autoMode {
			what, typ = append(what, "Auto Mode"), ekstypes.UpdateTypeAutoModeUpdate
		}
		change := func(c *ekstypes.Cluster) {
			if autoMode {
				_ = fakeAutoMode(nil, c, in.ComputeConfig, in.StorageConfig, in.KubernetesNetworkConfig)
			}
			if u := in.UpgradePolicy; u != nil {
				c.UpgradePolicy = &ekstypes.UpgradePolicyResponse{SupportType: u.SupportType}
			}
			if ac := in.AccessConfig; ac != nil {
				cc := *c.AccessConfig
				cc.AuthenticationMode = ac.AuthenticationMode
				c.AccessConfig = &cc
			}
			if in.Logging != nil {
				c.Logging = mergeLogging(c.Logging, in.Logging)
			}
			if v := in.ResourcesVpcConfig; v != nil {
				// EKS merges what is sent into the VPC configuration.
				vc := *c.ResourcesVpcConfig
				vc.EndpointPublicAccess, vc.EndpointPrivateAccess = aws.ToBool(v.EndpointPublicAccess), aws.ToBool(v.EndpointPrivateAccess)
				if v.PublicAccessCidrs != nil {
					vc.PublicAccessCidrs = v.PublicAccessCidrs
				}
				c.ResourcesVpcConfig = &vc
			}
		}
		u, err := clusterUpdate("UpdateClusterConfig", aws.ToString(in.Name), " "+strings.Join(what, " and "), typ, func(c *ekstypes.Cluster) error {
			if len(what) != 1 {
				a.violate("UpdateClusterConfig %s with %s: one kind of update per call", aws.ToString(in.Name), strings.Join(what, " and "))
				return invalid("Only one type of update can be allowed.")
			}
			if autoMode {
				if err := fakeAutoMode(a, &ekstypes.Cluster{ComputeConfig: c.ComputeConfig}, in.ComputeConfig, in.StorageConfig, in.KubernetesNetworkConfig); err != nil {
					return err
				}
			}
			if ac := in.AccessConfig; ac != nil {
				// One-way, one step at a time (EKS User Guide, "Change
				// authentication mode").
				from, to := authModeRank(string(c.AccessConfig.AuthenticationMode)), authModeRank(string(ac.AuthenticationMode))
				if to != from+1 {
					a.violate("UpdateClusterConfig %s authentication mode %s -> %s", aws.ToString(in.Name), c.AccessConfig.AuthenticationMode, ac.AuthenticationMode)
					return invalid("Unsupported authentication mode update from %s to %s", c.AccessConfig.AuthenticationMode, ac.AuthenticationMode)
				}
			}
			after := *c
			change(&after)
			if cmp.Equal(clusterFromAWS(c), clusterFromAWS(&after)) {
				return invalid("No changes needed for the logging or endpoint configuration provided")
			}
			return nil
		}, change)
		if err != nil {
			return nil, err
		}
		return &eks.UpdateClusterConfigOutput{Update: u}, nil
	}
	f.associateEncryptionConfigFn = func(_ context.Context, in *eks.AssociateEncryptionConfigInput) (*eks.AssociateEncryptionConfigOutput, error) {
		u, err := clusterUpdate("AssociateEncryptionConfig", aws.ToString(in.ClusterName), "", ekstypes.UpdateTypeAssociateEncryptionConfig, func(c *ekstypes.Cluster) error {
			if len(c.EncryptionConfig) > 0 {
				return invalid("Encryption is already enabled on the cluster")
			}
			return nil
		}, func(c *ekstypes.Cluster) { c.EncryptionConfig = in.EncryptionConfig })
		if err != nil {
			return nil, err
		}
		return &eks.AssociateEncryptionConfigOutput{Update: u}, nil
	}
	f.describeUpdateFn = func(_ context.Context, in *eks.DescribeUpdateInput) (*eks.DescribeUpdateOutput, error) {
		id := aws.ToString(in.UpdateId)
		return eksCall(a, "DescribeUpdate", id, func() (*eks.DescribeUpdateOutput, error) {
			u := a.updates[id]
			sub := aws.ToString(in.NodegroupName)
			if in.AddonName != nil {
				sub = "addon/" + aws.ToString(in.AddonName) // see fake_addon_test.go
			}
			if u == nil || u.region != region || u.cluster != aws.ToString(in.Name) || u.nodegroup != sub {
				return nil, notFound("No update found for ID: %s", id)
			}
			out := &ekstypes.Update{Id: in.UpdateId, Status: ekstypes.UpdateStatusInProgress}
			switch {
			case u.done && u.fail:
				out.Status = ekstypes.UpdateStatusFailed
				out.Errors = []ekstypes.ErrorDetail{{ErrorCode: ekstypes.ErrorCodeNodeCreationFailure, ErrorMessage: aws.String("Instances failed to join the kubernetes cluster")}}
			case u.done:
				out.Status = ekstypes.UpdateStatusSuccessful
			}
			return &eks.DescribeUpdateOutput{Update: out}, nil
		})
	}
	f.listUpdatesFn = func(_ context.Context, in *eks.ListUpdatesInput) (*eks.ListUpdatesOutput, error) {
		cluster, ng := aws.ToString(in.Name), aws.ToString(in.NodegroupName)
		if in.AddonName != nil { // see fake_addon_test.go
			if r().addon(cluster, aws.ToString(in.AddonName)) == nil {
				return nil, notFound("No addon: %s found in cluster: %s", aws.ToString(in.AddonName), cluster)
			}
			ng = "addon/" + aws.ToString(in.AddonName)
		}
		return eksCall(a, "ListUpdates", cluster+"/"+ng, func() (*eks.ListUpdatesOutput, error) {
			if r().cluster(cluster) == nil || (in.NodegroupName != nil && ng != "" && r().nodegroup(cluster, ng) == nil) {
				return nil, notFound("No cluster or node group found for name: %s %s.", cluster, ng)
			}
			var ids []string
			for id, u := range a.updates {
				if u.region == region && u.cluster == cluster && u.nodegroup == ng {
					ids = append(ids, id)
				}
			}
			sort.Strings(ids)
			page, next := a.page(ids, in.NextToken)
			return &eks.ListUpdatesOutput{UpdateIds: page, NextToken: next}, nil
		})
	}
	f.tagResourceFn = func(_ context.Context, in *eks.TagResourceInput) (*eks.TagResourceOutput, error) {
		arn := aws.ToString(in.ResourceArn)
		return eksCall(a, "TagResource", arn, func() (*eks.TagResourceOutput, error) {
			o := r().byARN(arn)
			if o == nil {
				return nil, notFound("no resource %s", arn)
			}
			a.record("TagResource %s %s", o.name, strings.Join(sortedKeys(in.Tags), ","))
			for k, v := range in.Tags {
				o.tags[k] = v
			}
			return &eks.TagResourceOutput{}, nil
		})
	}
	f.untagResourceFn = func(_ context.Context, in *eks.UntagResourceInput) (*eks.UntagResourceOutput, error) {
		arn := aws.ToString(in.ResourceArn)
		return eksCall(a, "UntagResource", arn, func() (*eks.UntagResourceOutput, error) {
			o := r().byARN(arn)
			if o == nil {
				return nil, notFound("no resource %s", arn)
			}
			a.record("UntagResource %s %s", o.name, strings.Join(in.TagKeys, ","))
			for _, k := range in.TagKeys {
				delete(o.tags, k)
			}
			return &eks.UntagResourceOutput{}, nil
		})
	}
}

// describe* are the objects as Describe* returns them: status and tags
// filled in; taints in AWS's own order, not the order they were sent in.
func describeCluster(o *eksObject) *ekstypes.Cluster {
	c := *o.cl
	c.Status, c.Tags = ekstypes.ClusterStatus(o.status), copyTags(o.tags)
	if c.ConnectorConfig != nil {
		return &c // a connected cluster has no endpoint, network or VPC
	}
	// What nodes join with, made up from the cluster's ARN as EKS makes
	// it up: stable for one cluster.
	h := shortHash(o.arn)
	c.Endpoint = aws.String("https://" + strings.ToUpper(h) + ".gr7.eks.amazonaws.com")
	c.CertificateAuthority = &ekstypes.Certificate{Data: aws.String(base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\n" + h + "\n-----END CERTIFICATE-----\n")))}
	n := &ekstypes.KubernetesNetworkConfigResponse{ServiceIpv4Cidr: aws.String("172.20.0.0/16")}
	if c.KubernetesNetworkConfig != nil {
		n.ElasticLoadBalancing = c.KubernetesNetworkConfig.ElasticLoadBalancing
	}
	c.KubernetesNetworkConfig = n
	if c.ResourcesVpcConfig != nil {
		vc := *c.ResourcesVpcConfig
		vc.ClusterSecurityGroupId = aws.String("sg-0" + h + h + "00")
		c.ResourcesVpcConfig = &vc
	}
	return &c
}

func (a *fakeAccount) putCluster(c *ClusterAttrs) *ClusterAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	arn := clusterARNOf(a.region, c.Name)
	o := &eksObject{name: c.Name, cluster: c.Name, arn: arn, status: "ACTIVE", tags: copyTags(c.Tags)}
	var types []ekstypes.LogType
	for _, t := range c.Logging {
		types = append(types, ekstypes.LogType(t))
	}
	o.cl = &ekstypes.Cluster{
		Name: aws.String(c.Name), Arn: aws.String(arn), Version: aws.String(c.Version), RoleArn: aws.String(c.RoleARN),
		ResourcesVpcConfig: &ekstypes.VpcConfigResponse{SubnetIds: c.SubnetIDs, SecurityGroupIds: c.SecurityGroupIDs,
			EndpointPublicAccess: c.EndpointPublicAccess, EndpointPrivateAccess: c.EndpointPrivateAccess, PublicAccessCidrs: c.PublicAccessCIDRs},
		Identity: &ekstypes.Identity{Oidc: &ekstypes.OIDC{Issuer: aws.String(issuerOf(a.region, c.Name))}},
		Logging:  &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: types, Enabled: aws.Bool(true)}}},
	}
	if c.KMSKeyARN != "" {
		o.cl.EncryptionConfig = encryptionConfig(c.KMSKeyARN)
	}
	if c.AuthenticationMode != "" {
		o.cl.AccessConfig = &ekstypes.AccessConfigResponse{AuthenticationMode: ekstypes.AuthenticationMode(c.AuthenticationMode), BootstrapClusterCreatorAdminPermissions: c.BootstrapCreatorAdmin}
	}
	a.in("").clusters[c.Name] = o
	return clusterFromAWS(describeCluster(o))
}

// fakeAutoMode sets a cluster's Auto Mode from a request, as EKS does: all
// three capabilities given and equal, no node pools when disabled, the node
// role unchanged while compute is enabled. a (nil: no checks) records a
// violation for each rule broken.
func fakeAutoMode(a *fakeAccount, c *ekstypes.Cluster, compute *ekstypes.ComputeConfigRequest, storage *ekstypes.StorageConfigRequest, network *ekstypes.KubernetesNetworkConfigRequest) error {
	if a != nil {
		if compute == nil || storage == nil || storage.BlockStorage == nil || network == nil || network.ElasticLoadBalancing == nil {
			a.violate("Auto Mode: a partial setting %+v %+v %+v", compute, storage, network)
			return invalid("The type for cluster update was not provided.")
		}
		on := aws.ToBool(compute.Enabled)
		if aws.ToBool(storage.BlockStorage.Enabled) != on || aws.ToBool(network.ElasticLoadBalancing.Enabled) != on {
			a.violate("Auto Mode: capabilities not all equal")
			return invalid("For EKS Auto Mode, please ensure that the compute, block storage and load balancing capabilities are all enabled or all disabled.")
		}
		if !on && len(compute.NodePools) > 0 {
			a.violate("Auto Mode: node pools while disabling")
			return invalid("nodePools must be empty when compute is disabled")
		}
		if live := c.ComputeConfig; live != nil && aws.ToBool(live.Enabled) && on && compute.NodeRoleArn != nil && aws.ToString(live.NodeRoleArn) != "" && aws.ToString(compute.NodeRoleArn) != aws.ToString(live.NodeRoleArn) {
			a.violate("Auto Mode: node role changed while enabled")
			return invalid("nodeRoleArn cannot be changed while compute is enabled")
		}
		return nil
	}
	cc := &ekstypes.ComputeConfigResponse{Enabled: compute.Enabled, NodePools: compute.NodePools}
	switch {
	case compute.NodeRoleArn != nil:
		cc.NodeRoleArn = compute.NodeRoleArn
	case c.ComputeConfig != nil:
		cc.NodeRoleArn = c.ComputeConfig.NodeRoleArn
	}
	c.ComputeConfig = cc
	c.StorageConfig = &ekstypes.StorageConfigResponse{BlockStorage: &ekstypes.BlockStorage{Enabled: storage.BlockStorage.Enabled}}
	n := &ekstypes.KubernetesNetworkConfigResponse{}
	if c.KubernetesNetworkConfig != nil {
		*n = *c.KubernetesNetworkConfig
	}
	n.ElasticLoadBalancing = &ekstypes.ElasticLoadBalancing{Enabled: network.ElasticLoadBalancing.Enabled}
	c.KubernetesNetworkConfig = n
	return nil
}

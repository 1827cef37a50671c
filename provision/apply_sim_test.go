package provision

// A simulated EKS and IAM for apply tests and the apply benchmark, built on
// the project's function-field fakes: every operation sets a fakeEKS or
// fakeIAM field. Resources go CREATING -> ACTIVE, UPDATING -> ACTIVE and
// DELETING -> gone after fixed durations, like AWS in miniature, and the
// simulator enforces (and counts violations of) the EKS rules apply must
// respect: one Fargate profile creating or deleting per cluster, one update
// in flight per cluster and per node group, no cluster deletion while node
// groups or Fargate profiles remain.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const simAccount = "111122223333"

type simDurations struct {
	cluster, nodeGroup, fargate, update, iam time.Duration
}

// simObject is one EKS object with a lifecycle.
type simObject struct {
	name, cluster string
	arn           string
	status        string    // CREATING, ACTIVE, UPDATING, DELETING
	until         time.Time // when the transitional status ends
	tags          map[string]string
	cl            *ekstypes.Cluster
	ng            *ekstypes.Nodegroup
	fp            *ekstypes.FargateProfile
}

type simUpdate struct {
	cluster, nodegroup string
	until              time.Time
	fail               bool
}

type simRole struct {
	name, path, arn, trust string
	tags                   map[string]string
	attached               map[string]bool
	inline                 map[string]string
}

type sim struct {
	mu  sync.Mutex
	d   simDurations
	eks *fakeEKS
	iam *fakeIAM

	clusters   map[string]*simObject // by name
	nodegroups map[string]*simObject // by cluster/name
	fargate    map[string]*simObject // by cluster/name
	updates    map[string]*simUpdate
	roles      map[string]*simRole
	oidc       map[string]map[string]string // arn -> tags
	oidcURL    map[string]string            // arn -> url
	nextID     int

	// log lists the mutating calls in order, e.g. "CreateNodegroup demo/general".
	log []string
	// violations lists broken EKS rules; a correct apply leaves it empty.
	violations []string
	// hook, if set, runs first in every operation; a non-nil error is returned.
	hook func(op, name string) error
	// failUpdates makes DescribeUpdate report Failed for updates of these
	// node groups or clusters (by name).
	failUpdates map[string]bool
	// calls counts operations.
	calls map[string]int
}

func newSim(d simDurations) *sim {
	s := &sim{
		d: d, clusters: map[string]*simObject{}, nodegroups: map[string]*simObject{}, fargate: map[string]*simObject{},
		updates: map[string]*simUpdate{}, roles: map[string]*simRole{}, oidc: map[string]map[string]string{}, oidcURL: map[string]string{},
		failUpdates: map[string]bool{}, calls: map[string]int{},
	}
	s.eks = &fakeEKS{}
	s.iam = &fakeIAM{}
	s.wire()
	return s
}

func (s *sim) factory() ClientsFactory {
	return func(string) (*Clients, error) { return &Clients{EKS: s.eks, IAM: s.iam}, nil }
}

// enter locks the simulator and runs the hook; callers defer s.mu.Unlock().
func (s *sim) enter(op, name string) error {
	s.mu.Lock()
	s.calls[op]++
	if s.hook != nil {
		return s.hook(op, name)
	}
	return nil
}

func (s *sim) record(format string, args ...any) {
	s.log = append(s.log, fmt.Sprintf(format, args...))
}

func (s *sim) violate(format string, args ...any) {
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
}

func (s *sim) id() string {
	s.nextID++
	return fmt.Sprintf("%04d", s.nextID)
}

// settle moves an object past a finished transition; it reports false when
// the object is gone.
func (s *sim) settle(o *simObject, now time.Time) bool {
	if o.status == "ACTIVE" || now.Before(o.until) {
		return true
	}
	if o.status == "DELETING" {
		return false
	}
	o.status = "ACTIVE"
	return true
}

func (s *sim) getCluster(name string) *simObject {
	o := s.clusters[name]
	if o != nil && !s.settle(o, time.Now()) {
		delete(s.clusters, name)
		return nil
	}
	return o
}

func (s *sim) getNodegroup(cluster, name string) *simObject {
	k := cluster + "/" + name
	o := s.nodegroups[k]
	if o != nil && !s.settle(o, time.Now()) {
		delete(s.nodegroups, k)
		return nil
	}
	return o
}

func (s *sim) getFargate(cluster, name string) *simObject {
	k := cluster + "/" + name
	o := s.fargate[k]
	if o != nil && !s.settle(o, time.Now()) {
		delete(s.fargate, k)
		return nil
	}
	return o
}

// fargateBusy names a profile of the cluster that is creating or deleting.
func (s *sim) fargateBusy(cluster string) string {
	for k := range s.fargate {
		c, n, _ := strings.Cut(k, "/")
		if c != cluster {
			continue
		}
		if o := s.getFargate(c, n); o != nil && o.status != "ACTIVE" {
			return n
		}
	}
	return ""
}

// updateInFlight reports whether the cluster (nodegroup "") or node group
// has an update in progress.
func (s *sim) updateInFlight(cluster, nodegroup string) bool {
	now := time.Now()
	for _, u := range s.updates {
		if u.cluster == cluster && u.nodegroup == nodegroup && now.Before(u.until) {
			return true
		}
	}
	return false
}

func (s *sim) startUpdate(o *simObject, nodegroup string, typ ekstypes.UpdateType) *ekstypes.Update {
	id := "upd-" + s.id()
	s.updates[id] = &simUpdate{cluster: o.cluster, nodegroup: nodegroup, until: time.Now().Add(s.d.update), fail: s.failUpdates[o.name]}
	if s.d.update > 0 {
		o.status, o.until = "UPDATING", time.Now().Add(s.d.update)
	}
	return &ekstypes.Update{Id: aws.String(id), Status: ekstypes.UpdateStatusInProgress, Type: typ}
}

func inUse(format string, args ...any) error {
	return &ekstypes.ResourceInUseException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func notFound(format string, args ...any) error {
	return &ekstypes.ResourceNotFoundException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func copyTags(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (s *sim) wire() {
	f := s.eks
	f.createClusterFn = func(_ context.Context, in *eks.CreateClusterInput) (*eks.CreateClusterOutput, error) {
		name := aws.ToString(in.Name)
		if err := s.enter("CreateCluster", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		if s.getCluster(name) != nil {
			return nil, inUse("Cluster already exists with name: %s", name)
		}
		s.record("CreateCluster %s", name)
		arn := "arn:aws:eks:us-east-1:" + simAccount + ":cluster/" + name
		o := &simObject{name: name, cluster: name, arn: arn, status: "CREATING", until: time.Now().Add(s.d.cluster), tags: copyTags(in.Tags)}
		o.cl = &ekstypes.Cluster{
			Name: in.Name, Arn: aws.String(arn), Version: in.Version, RoleArn: in.RoleArn,
			ResourcesVpcConfig: &ekstypes.VpcConfigResponse{SubnetIds: in.ResourcesVpcConfig.SubnetIds, SecurityGroupIds: in.ResourcesVpcConfig.SecurityGroupIds,
				EndpointPublicAccess: aws.ToBool(in.ResourcesVpcConfig.EndpointPublicAccess), EndpointPrivateAccess: aws.ToBool(in.ResourcesVpcConfig.EndpointPrivateAccess),
				PublicAccessCidrs: in.ResourcesVpcConfig.PublicAccessCidrs},
			Identity: &ekstypes.Identity{Oidc: &ekstypes.OIDC{Issuer: aws.String("https://oidc.eks.us-east-1.amazonaws.com/id/" + strings.ToUpper(name))}},
			Logging:  in.Logging, EncryptionConfig: in.EncryptionConfig,
		}
		s.clusters[name] = o
		return &eks.CreateClusterOutput{Cluster: o.cl}, nil
	}
	f.describeClusterFn = func(_ context.Context, in *eks.DescribeClusterInput) (*eks.DescribeClusterOutput, error) {
		name := aws.ToString(in.Name)
		if err := s.enter("DescribeCluster", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		o := s.getCluster(name)
		if o == nil {
			return nil, notFound("No cluster found for name: %s.", name)
		}
		c := *o.cl
		c.Status, c.Tags = ekstypes.ClusterStatus(o.status), copyTags(o.tags)
		return &eks.DescribeClusterOutput{Cluster: &c}, nil
	}
	f.deleteClusterFn = func(_ context.Context, in *eks.DeleteClusterInput) (*eks.DeleteClusterOutput, error) {
		name := aws.ToString(in.Name)
		if err := s.enter("DeleteCluster", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		o := s.getCluster(name)
		if o == nil {
			return nil, notFound("No cluster found for name: %s.", name)
		}
		for k := range s.nodegroups {
			if c, n, _ := strings.Cut(k, "/"); c == name && s.getNodegroup(c, n) != nil {
				s.violate("DeleteCluster %s while node group %s exists", name, n)
				return nil, inUse("Cluster has nodegroups attached")
			}
		}
		for k := range s.fargate {
			if c, n, _ := strings.Cut(k, "/"); c == name && s.getFargate(c, n) != nil {
				s.violate("DeleteCluster %s while Fargate profile %s exists", name, n)
				return nil, inUse("Cluster has fargate profiles attached")
			}
		}
		s.record("DeleteCluster %s", name)
		o.status, o.until = "DELETING", time.Now().Add(s.d.cluster)
		return &eks.DeleteClusterOutput{}, nil
	}
	clusterUpdate := func(op, name string, typ ekstypes.UpdateType, apply func(c *ekstypes.Cluster)) (*ekstypes.Update, error) {
		if err := s.enter(op, name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		o := s.getCluster(name)
		if o == nil {
			return nil, notFound("No cluster found for name: %s.", name)
		}
		if s.updateInFlight(name, "") {
			s.violate("%s on cluster %s while another update is in progress", op, name)
			return nil, inUse("An update is already in progress for cluster %s", name)
		}
		s.record("%s %s", op, name)
		apply(o.cl)
		return s.startUpdate(o, "", typ), nil
	}
	f.updateClusterVersionFn = func(_ context.Context, in *eks.UpdateClusterVersionInput) (*eks.UpdateClusterVersionOutput, error) {
		u, err := clusterUpdate("UpdateClusterVersion", aws.ToString(in.Name), ekstypes.UpdateTypeVersionUpdate, func(c *ekstypes.Cluster) {
			if compareVersions(aws.ToString(in.Version), aws.ToString(c.Version)) != 1 {
				s.violate("UpdateClusterVersion %s from %s to %s: one minor version at a time", aws.ToString(in.Name), aws.ToString(c.Version), aws.ToString(in.Version))
			}
			s.log[len(s.log)-1] += " " + aws.ToString(in.Version)
			c.Version = in.Version
		})
		return &eks.UpdateClusterVersionOutput{Update: u}, err
	}
	f.updateClusterConfigFn = func(_ context.Context, in *eks.UpdateClusterConfigInput) (*eks.UpdateClusterConfigOutput, error) {
		u, err := clusterUpdate("UpdateClusterConfig", aws.ToString(in.Name), ekstypes.UpdateTypeConfigUpdate, func(c *ekstypes.Cluster) {
			if in.Logging != nil {
				c.Logging = in.Logging
			}
			if v := in.ResourcesVpcConfig; v != nil {
				vc := *c.ResourcesVpcConfig
				vc.EndpointPublicAccess, vc.EndpointPrivateAccess = aws.ToBool(v.EndpointPublicAccess), aws.ToBool(v.EndpointPrivateAccess)
				if v.PublicAccessCidrs != nil {
					vc.PublicAccessCidrs = v.PublicAccessCidrs
				}
				c.ResourcesVpcConfig = &vc
			}
		})
		return &eks.UpdateClusterConfigOutput{Update: u}, err
	}
	f.associateEncryptionConfigFn = func(_ context.Context, in *eks.AssociateEncryptionConfigInput) (*eks.AssociateEncryptionConfigOutput, error) {
		u, err := clusterUpdate("AssociateEncryptionConfig", aws.ToString(in.ClusterName), ekstypes.UpdateTypeAssociateEncryptionConfig, func(c *ekstypes.Cluster) {
			c.EncryptionConfig = in.EncryptionConfig
		})
		return &eks.AssociateEncryptionConfigOutput{Update: u}, err
	}
	f.describeUpdateFn = func(_ context.Context, in *eks.DescribeUpdateInput) (*eks.DescribeUpdateOutput, error) {
		id := aws.ToString(in.UpdateId)
		if err := s.enter("DescribeUpdate", id); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		u := s.updates[id]
		if u == nil || u.cluster != aws.ToString(in.Name) || u.nodegroup != aws.ToString(in.NodegroupName) {
			return nil, notFound("No update found for ID: %s", id)
		}
		out := &ekstypes.Update{Id: in.UpdateId, Status: ekstypes.UpdateStatusInProgress}
		if !time.Now().Before(u.until) {
			out.Status = ekstypes.UpdateStatusSuccessful
			if u.fail {
				out.Status = ekstypes.UpdateStatusFailed
				out.Errors = []ekstypes.ErrorDetail{{ErrorCode: ekstypes.ErrorCodeNodeCreationFailure, ErrorMessage: aws.String("Instances failed to join the kubernetes cluster")}}
			}
		}
		return &eks.DescribeUpdateOutput{Update: out}, nil
	}
	f.tagResourceFn = func(_ context.Context, in *eks.TagResourceInput) (*eks.TagResourceOutput, error) {
		arn := aws.ToString(in.ResourceArn)
		if err := s.enter("TagResource", arn); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		o := s.byARN(arn)
		if o == nil {
			return nil, notFound("no resource %s", arn)
		}
		s.record("TagResource %s", o.name)
		for k, v := range in.Tags {
			o.tags[k] = v
		}
		return &eks.TagResourceOutput{}, nil
	}
	f.untagResourceFn = func(_ context.Context, in *eks.UntagResourceInput) (*eks.UntagResourceOutput, error) {
		arn := aws.ToString(in.ResourceArn)
		if err := s.enter("UntagResource", arn); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		o := s.byARN(arn)
		if o == nil {
			return nil, notFound("no resource %s", arn)
		}
		s.record("UntagResource %s", o.name)
		for _, k := range in.TagKeys {
			delete(o.tags, k)
		}
		return &eks.UntagResourceOutput{}, nil
	}

	f.createNodegroupFn = func(_ context.Context, in *eks.CreateNodegroupInput) (*eks.CreateNodegroupOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName)
		if err := s.enter("CreateNodegroup", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		if c := s.getCluster(cluster); c == nil || c.status != "ACTIVE" {
			s.violate("CreateNodegroup %s before cluster %s is ACTIVE", name, cluster)
			return nil, notFound("No cluster found for name: %s.", cluster)
		}
		if s.getNodegroup(cluster, name) != nil {
			return nil, inUse("NodeGroup already exists with name %s and cluster name %s", name, cluster)
		}
		s.record("CreateNodegroup %s/%s", cluster, name)
		arn := "arn:aws:eks:us-east-1:" + simAccount + ":nodegroup/" + cluster + "/" + name + "/" + s.id()
		o := &simObject{name: name, cluster: cluster, arn: arn, status: "CREATING", until: time.Now().Add(s.d.nodeGroup), tags: copyTags(in.Tags)}
		o.ng = &ekstypes.Nodegroup{ClusterName: in.ClusterName, NodegroupName: in.NodegroupName, NodegroupArn: aws.String(arn), NodeRole: in.NodeRole,
			Subnets: in.Subnets, InstanceTypes: in.InstanceTypes, AmiType: in.AmiType, CapacityType: in.CapacityType, DiskSize: in.DiskSize,
			ScalingConfig: in.ScalingConfig, Labels: in.Labels, Taints: in.Taints, UpdateConfig: in.UpdateConfig, Version: in.Version, ReleaseVersion: in.ReleaseVersion}
		s.nodegroups[cluster+"/"+name] = o
		return &eks.CreateNodegroupOutput{Nodegroup: o.ng}, nil
	}
	f.describeNodegroupFn = func(_ context.Context, in *eks.DescribeNodegroupInput) (*eks.DescribeNodegroupOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName)
		if err := s.enter("DescribeNodegroup", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		o := s.getNodegroup(cluster, name)
		if o == nil {
			return nil, notFound("No node group found for name: %s.", name)
		}
		ng := *o.ng
		ng.Status, ng.Tags = ekstypes.NodegroupStatus(o.status), copyTags(o.tags)
		return &eks.DescribeNodegroupOutput{Nodegroup: &ng}, nil
	}
	f.deleteNodegroupFn = func(_ context.Context, in *eks.DeleteNodegroupInput) (*eks.DeleteNodegroupOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName)
		if err := s.enter("DeleteNodegroup", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		o := s.getNodegroup(cluster, name)
		if o == nil {
			return nil, notFound("No node group found for name: %s.", name)
		}
		if o.status == "DELETING" {
			return nil, inUse("Nodegroup %s is already deleting", name)
		}
		s.record("DeleteNodegroup %s/%s", cluster, name)
		o.status, o.until = "DELETING", time.Now().Add(s.d.nodeGroup)
		return &eks.DeleteNodegroupOutput{}, nil
	}
	ngUpdate := func(op string, cluster, name string, typ ekstypes.UpdateType, apply func(ng *ekstypes.Nodegroup)) (*ekstypes.Update, error) {
		if err := s.enter(op, name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		o := s.getNodegroup(cluster, name)
		if o == nil {
			return nil, notFound("No node group found for name: %s.", name)
		}
		if s.updateInFlight(cluster, name) {
			s.violate("%s on node group %s while another update is in progress", op, name)
			return nil, inUse("An update is already in progress for node group %s", name)
		}
		if s.updateInFlight(cluster, "") {
			s.violate("%s on node group %s while cluster %s is updating", op, name, cluster)
			return nil, inUse("Cluster %s is updating", cluster)
		}
		s.record("%s %s/%s", op, cluster, name)
		ng := *o.ng
		apply(&ng)
		o.ng = &ng
		return s.startUpdate(o, name, typ), nil
	}
	f.updateNodegroupConfigFn = func(_ context.Context, in *eks.UpdateNodegroupConfigInput) (*eks.UpdateNodegroupConfigOutput, error) {
		u, err := ngUpdate("UpdateNodegroupConfig", aws.ToString(in.ClusterName), aws.ToString(in.NodegroupName), ekstypes.UpdateTypeConfigUpdate, func(ng *ekstypes.Nodegroup) {
			if in.ScalingConfig != nil {
				ng.ScalingConfig = in.ScalingConfig
			}
			if in.Labels != nil {
				l := copyTags(ng.Labels)
				for k, v := range in.Labels.AddOrUpdateLabels {
					l[k] = v
				}
				for _, k := range in.Labels.RemoveLabels {
					delete(l, k)
				}
				ng.Labels = l
			}
			if in.Taints != nil {
				var ts []ekstypes.Taint
				for _, t := range ng.Taints {
					keep := true
					for _, r := range append(in.Taints.RemoveTaints, in.Taints.AddOrUpdateTaints...) {
						if aws.ToString(r.Key) == aws.ToString(t.Key) && r.Effect == t.Effect {
							keep = false
						}
					}
					if keep {
						ts = append(ts, t)
					}
				}
				ng.Taints = append(ts, in.Taints.AddOrUpdateTaints...)
			}
			if in.UpdateConfig != nil {
				ng.UpdateConfig = in.UpdateConfig
			}
		})
		return &eks.UpdateNodegroupConfigOutput{Update: u}, err
	}
	f.updateNodegroupVersionFn = func(_ context.Context, in *eks.UpdateNodegroupVersionInput) (*eks.UpdateNodegroupVersionOutput, error) {
		cluster := aws.ToString(in.ClusterName)
		u, err := ngUpdate("UpdateNodegroupVersion", cluster, aws.ToString(in.NodegroupName), ekstypes.UpdateTypeVersionUpdate, func(ng *ekstypes.Nodegroup) {
			if c := s.getCluster(cluster); c != nil && in.Version != nil && compareVersions(aws.ToString(in.Version), aws.ToString(c.cl.Version)) > 0 {
				s.violate("UpdateNodegroupVersion %s to %s before the control plane (%s)", aws.ToString(in.NodegroupName), aws.ToString(in.Version), aws.ToString(c.cl.Version))
			}
			if in.Version != nil {
				ng.Version = in.Version
				s.log[len(s.log)-1] += " " + aws.ToString(in.Version)
			}
			if in.ReleaseVersion != nil {
				ng.ReleaseVersion = in.ReleaseVersion
			}
		})
		return &eks.UpdateNodegroupVersionOutput{Update: u}, err
	}

	f.listNodegroupsFn = func(_ context.Context, in *eks.ListNodegroupsInput) (*eks.ListNodegroupsOutput, error) {
		cluster := aws.ToString(in.ClusterName)
		if err := s.enter("ListNodegroups", cluster); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		out := &eks.ListNodegroupsOutput{}
		for _, k := range sortedKeys(s.nodegroups) {
			if c, n, _ := strings.Cut(k, "/"); c == cluster && s.getNodegroup(c, n) != nil {
				out.Nodegroups = append(out.Nodegroups, n)
			}
		}
		return out, nil
	}
	f.listFargateProfilesFn = func(_ context.Context, in *eks.ListFargateProfilesInput) (*eks.ListFargateProfilesOutput, error) {
		cluster := aws.ToString(in.ClusterName)
		if err := s.enter("ListFargateProfiles", cluster); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		out := &eks.ListFargateProfilesOutput{}
		for _, k := range sortedKeys(s.fargate) {
			if c, n, _ := strings.Cut(k, "/"); c == cluster && s.getFargate(c, n) != nil {
				out.FargateProfileNames = append(out.FargateProfileNames, n)
			}
		}
		return out, nil
	}
	f.createFargateProfileFn = func(_ context.Context, in *eks.CreateFargateProfileInput) (*eks.CreateFargateProfileOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.FargateProfileName)
		if err := s.enter("CreateFargateProfile", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		if c := s.getCluster(cluster); c == nil || c.status != "ACTIVE" {
			s.violate("CreateFargateProfile %s before cluster %s is ACTIVE", name, cluster)
			return nil, notFound("No cluster found for name: %s.", cluster)
		}
		if s.getFargate(cluster, name) != nil {
			return nil, inUse("A Fargate Profile already exists with this name in this cluster.")
		}
		if busy := s.fargateBusy(cluster); busy != "" {
			s.violate("CreateFargateProfile %s while %s is creating or deleting", name, busy)
			return nil, inUse("Cannot create Fargate Profile %s because cluster %s currently has Fargate profile %s in status CREATING or DELETING", name, cluster, busy)
		}
		s.record("CreateFargateProfile %s/%s", cluster, name)
		arn := "arn:aws:eks:us-east-1:" + simAccount + ":fargateprofile/" + cluster + "/" + name + "/" + s.id()
		o := &simObject{name: name, cluster: cluster, arn: arn, status: "CREATING", until: time.Now().Add(s.d.fargate), tags: copyTags(in.Tags)}
		o.fp = &ekstypes.FargateProfile{ClusterName: in.ClusterName, FargateProfileName: in.FargateProfileName, FargateProfileArn: aws.String(arn),
			PodExecutionRoleArn: in.PodExecutionRoleArn, Subnets: in.Subnets, Selectors: in.Selectors}
		s.fargate[cluster+"/"+name] = o
		return &eks.CreateFargateProfileOutput{FargateProfile: o.fp}, nil
	}
	f.describeFargateProfileFn = func(_ context.Context, in *eks.DescribeFargateProfileInput) (*eks.DescribeFargateProfileOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.FargateProfileName)
		if err := s.enter("DescribeFargateProfile", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		o := s.getFargate(cluster, name)
		if o == nil {
			return nil, notFound("No Fargate Profile found with name: %s.", name)
		}
		fp := *o.fp
		fp.Status, fp.Tags = ekstypes.FargateProfileStatus(o.status), copyTags(o.tags)
		return &eks.DescribeFargateProfileOutput{FargateProfile: &fp}, nil
	}
	f.deleteFargateProfileFn = func(_ context.Context, in *eks.DeleteFargateProfileInput) (*eks.DeleteFargateProfileOutput, error) {
		cluster, name := aws.ToString(in.ClusterName), aws.ToString(in.FargateProfileName)
		if err := s.enter("DeleteFargateProfile", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		o := s.getFargate(cluster, name)
		if o == nil {
			return nil, notFound("No Fargate Profile found with name: %s.", name)
		}
		if busy := s.fargateBusy(cluster); busy != "" {
			s.violate("DeleteFargateProfile %s while %s is creating or deleting", name, busy)
			return nil, inUse("cluster %s currently has Fargate profile %s in status CREATING or DELETING", cluster, busy)
		}
		s.record("DeleteFargateProfile %s/%s", cluster, name)
		o.status, o.until = "DELETING", time.Now().Add(s.d.fargate)
		return &eks.DeleteFargateProfileOutput{}, nil
	}

	s.wireIAM()
}

func (s *sim) byARN(arn string) *simObject {
	for _, m := range []map[string]*simObject{s.clusters, s.nodegroups, s.fargate} {
		for _, o := range m {
			if o.arn == arn {
				return o
			}
		}
	}
	return nil
}

func noSuchEntity(format string, args ...any) error {
	return &iamtypes.NoSuchEntityException{Message: aws.String(fmt.Sprintf(format, args...))}
}

// iamCall simulates IAM's latency: the call takes s.d.iam, without holding
// the simulator's lock meanwhile.
func (s *sim) iamCall(op, name string) error {
	if s.d.iam > 0 {
		time.Sleep(s.d.iam)
	}
	return s.enter(op, name)
}

func (s *sim) wireIAM() {
	f := s.iam
	f.createRoleFn = func(_ context.Context, in *iam.CreateRoleInput) (*iam.CreateRoleOutput, error) {
		name := aws.ToString(in.RoleName)
		if err := s.iamCall("CreateRole", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		if s.roles[name] != nil {
			return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Role with name " + name + " already exists.")}
		}
		s.record("CreateRole %s", name)
		r := &simRole{name: name, path: aws.ToString(in.Path), arn: "arn:aws:iam::" + simAccount + ":role" + aws.ToString(in.Path) + name,
			trust: aws.ToString(in.AssumeRolePolicyDocument), tags: map[string]string{}, attached: map[string]bool{}, inline: map[string]string{}}
		for _, t := range in.Tags {
			r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		s.roles[name] = r
		return &iam.CreateRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName, Arn: aws.String(r.arn), Path: in.Path}}, nil
	}
	f.getRoleFn = func(_ context.Context, in *iam.GetRoleInput) (*iam.GetRoleOutput, error) {
		name := aws.ToString(in.RoleName)
		if err := s.iamCall("GetRole", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		r := s.roles[name]
		if r == nil {
			return nil, noSuchEntity("role %s", name)
		}
		out := &iamtypes.Role{RoleName: in.RoleName, Arn: aws.String(r.arn), Path: aws.String(r.path), AssumeRolePolicyDocument: aws.String(r.trust)}
		for _, k := range sortedKeys(r.tags) {
			out.Tags = append(out.Tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(r.tags[k])})
		}
		return &iam.GetRoleOutput{Role: out}, nil
	}
	roleOp := func(op, name string, fn func(r *simRole) error) error {
		if err := s.iamCall(op, name); err != nil {
			defer s.mu.Unlock()
			return err
		}
		defer s.mu.Unlock()
		r := s.roles[name]
		if r == nil {
			return noSuchEntity("role %s", name)
		}
		return fn(r)
	}
	f.attachRolePolicyFn = func(_ context.Context, in *iam.AttachRolePolicyInput) (*iam.AttachRolePolicyOutput, error) {
		return &iam.AttachRolePolicyOutput{}, roleOp("AttachRolePolicy", aws.ToString(in.RoleName), func(r *simRole) error {
			s.record("AttachRolePolicy %s %s", r.name, aws.ToString(in.PolicyArn))
			r.attached[aws.ToString(in.PolicyArn)] = true
			return nil
		})
	}
	f.detachRolePolicyFn = func(_ context.Context, in *iam.DetachRolePolicyInput) (*iam.DetachRolePolicyOutput, error) {
		return &iam.DetachRolePolicyOutput{}, roleOp("DetachRolePolicy", aws.ToString(in.RoleName), func(r *simRole) error {
			if !r.attached[aws.ToString(in.PolicyArn)] {
				return noSuchEntity("policy %s not attached", aws.ToString(in.PolicyArn))
			}
			s.record("DetachRolePolicy %s %s", r.name, aws.ToString(in.PolicyArn))
			delete(r.attached, aws.ToString(in.PolicyArn))
			return nil
		})
	}
	f.putRolePolicyFn = func(_ context.Context, in *iam.PutRolePolicyInput) (*iam.PutRolePolicyOutput, error) {
		return &iam.PutRolePolicyOutput{}, roleOp("PutRolePolicy", aws.ToString(in.RoleName), func(r *simRole) error {
			s.record("PutRolePolicy %s %s", r.name, aws.ToString(in.PolicyName))
			r.inline[aws.ToString(in.PolicyName)] = aws.ToString(in.PolicyDocument)
			return nil
		})
	}
	f.deleteRolePolicyFn = func(_ context.Context, in *iam.DeleteRolePolicyInput) (*iam.DeleteRolePolicyOutput, error) {
		return &iam.DeleteRolePolicyOutput{}, roleOp("DeleteRolePolicy", aws.ToString(in.RoleName), func(r *simRole) error {
			if _, ok := r.inline[aws.ToString(in.PolicyName)]; !ok {
				return noSuchEntity("policy %s", aws.ToString(in.PolicyName))
			}
			s.record("DeleteRolePolicy %s %s", r.name, aws.ToString(in.PolicyName))
			delete(r.inline, aws.ToString(in.PolicyName))
			return nil
		})
	}
	f.updateAssumeRolePolicyFn = func(_ context.Context, in *iam.UpdateAssumeRolePolicyInput) (*iam.UpdateAssumeRolePolicyOutput, error) {
		return &iam.UpdateAssumeRolePolicyOutput{}, roleOp("UpdateAssumeRolePolicy", aws.ToString(in.RoleName), func(r *simRole) error {
			s.record("UpdateAssumeRolePolicy %s", r.name)
			r.trust = aws.ToString(in.PolicyDocument)
			return nil
		})
	}
	f.tagRoleFn = func(_ context.Context, in *iam.TagRoleInput) (*iam.TagRoleOutput, error) {
		return &iam.TagRoleOutput{}, roleOp("TagRole", aws.ToString(in.RoleName), func(r *simRole) error {
			s.record("TagRole %s", r.name)
			for _, t := range in.Tags {
				r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			return nil
		})
	}
	f.untagRoleFn = func(_ context.Context, in *iam.UntagRoleInput) (*iam.UntagRoleOutput, error) {
		return &iam.UntagRoleOutput{}, roleOp("UntagRole", aws.ToString(in.RoleName), func(r *simRole) error {
			s.record("UntagRole %s", r.name)
			for _, k := range in.TagKeys {
				delete(r.tags, k)
			}
			return nil
		})
	}
	f.listAttachedRolePoliciesFn = func(_ context.Context, in *iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error) {
		out := &iam.ListAttachedRolePoliciesOutput{}
		return out, roleOp("ListAttachedRolePolicies", aws.ToString(in.RoleName), func(r *simRole) error {
			for _, p := range sortedKeys(r.attached) {
				out.AttachedPolicies = append(out.AttachedPolicies, iamtypes.AttachedPolicy{PolicyArn: aws.String(p)})
			}
			return nil
		})
	}
	f.listRolePoliciesFn = func(_ context.Context, in *iam.ListRolePoliciesInput) (*iam.ListRolePoliciesOutput, error) {
		out := &iam.ListRolePoliciesOutput{}
		return out, roleOp("ListRolePolicies", aws.ToString(in.RoleName), func(r *simRole) error {
			out.PolicyNames = sortedKeys(r.inline)
			return nil
		})
	}
	f.deleteRoleFn = func(_ context.Context, in *iam.DeleteRoleInput) (*iam.DeleteRoleOutput, error) {
		name := aws.ToString(in.RoleName)
		if err := s.iamCall("DeleteRole", name); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		r := s.roles[name]
		if r == nil {
			return nil, noSuchEntity("role %s", name)
		}
		if len(r.attached) > 0 || len(r.inline) > 0 {
			return nil, &iamtypes.DeleteConflictException{Message: aws.String("Cannot delete entity, must detach all policies first.")}
		}
		for _, m := range []map[string]*simObject{s.clusters, s.nodegroups, s.fargate} {
			for _, o := range m {
				var role string
				switch {
				case o.cl != nil:
					role = aws.ToString(o.cl.RoleArn)
				case o.ng != nil:
					role = aws.ToString(o.ng.NodeRole)
				case o.fp != nil:
					role = aws.ToString(o.fp.PodExecutionRoleArn)
				}
				if role == r.arn && o.status != "DELETING" {
					s.violate("DeleteRole %s while %s uses it", name, o.name)
				}
			}
		}
		s.record("DeleteRole %s", name)
		delete(s.roles, name)
		return &iam.DeleteRoleOutput{}, nil
	}
	f.createOpenIDConnectProviderFn = func(_ context.Context, in *iam.CreateOpenIDConnectProviderInput) (*iam.CreateOpenIDConnectProviderOutput, error) {
		url := aws.ToString(in.Url)
		if err := s.iamCall("CreateOpenIDConnectProvider", url); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		arn := "arn:aws:iam::" + simAccount + ":oidc-provider/" + strings.TrimPrefix(url, "https://")
		if s.oidc[arn] != nil {
			return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Provider with url " + url + " already exists.")}
		}
		if len(in.ClientIDList) != 1 || in.ClientIDList[0] != OIDCClientID {
			s.violate("CreateOpenIDConnectProvider with client IDs %v", in.ClientIDList)
		}
		s.record("CreateOpenIDConnectProvider %s", url)
		tags := map[string]string{}
		for _, t := range in.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		s.oidc[arn], s.oidcURL[arn] = tags, url
		return &iam.CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: aws.String(arn)}, nil
	}
	f.deleteOpenIDConnectProviderFn = func(_ context.Context, in *iam.DeleteOpenIDConnectProviderInput) (*iam.DeleteOpenIDConnectProviderOutput, error) {
		arn := aws.ToString(in.OpenIDConnectProviderArn)
		if err := s.iamCall("DeleteOpenIDConnectProvider", arn); err != nil {
			defer s.mu.Unlock()
			return nil, err
		}
		defer s.mu.Unlock()
		if s.oidc[arn] == nil {
			return nil, noSuchEntity("provider %s", arn)
		}
		s.record("DeleteOpenIDConnectProvider %s", arn)
		delete(s.oidc, arn)
		return &iam.DeleteOpenIDConnectProviderOutput{}, nil
	}
}

// logged returns the log entries that start with prefix.
func (s *sim) logged(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range s.log {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// logIndex is the position of the first log entry equal to entry, -1 if none.
func (s *sim) logIndex(entry string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, l := range s.log {
		if l == entry {
			return i
		}
	}
	return -1
}

// state summarises what exists, sorted, for assertions.
func (s *sim) state() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for name := range s.clusters {
		if o := s.getCluster(name); o != nil {
			out = append(out, "cluster "+name+" "+aws.ToString(o.cl.Version))
		}
	}
	for k := range s.nodegroups {
		c, n, _ := strings.Cut(k, "/")
		if s.getNodegroup(c, n) != nil {
			out = append(out, "nodegroup "+k)
		}
	}
	for k := range s.fargate {
		c, n, _ := strings.Cut(k, "/")
		if s.getFargate(c, n) != nil {
			out = append(out, "fargate "+k)
		}
	}
	for name := range s.roles {
		out = append(out, "role "+name)
	}
	for arn := range s.oidc {
		out = append(out, "oidc "+arn)
	}
	sort.Strings(out)
	return out
}

// Seeding: resources that exist before the apply under test, ACTIVE.

func (s *sim) seedCluster(name, version, roleARN string, tags map[string]string) *ClusterAttrs {
	s.mu.Lock()
	defer s.mu.Unlock()
	arn := "arn:aws:eks:us-east-1:" + simAccount + ":cluster/" + name
	o := &simObject{name: name, cluster: name, arn: arn, status: "ACTIVE", tags: copyTags(tags)}
	o.cl = &ekstypes.Cluster{Name: aws.String(name), Arn: aws.String(arn), Version: aws.String(version), RoleArn: aws.String(roleARN),
		ResourcesVpcConfig: &ekstypes.VpcConfigResponse{SubnetIds: []string{"subnet-a", "subnet-b"}, EndpointPublicAccess: true},
		Identity:           &ekstypes.Identity{Oidc: &ekstypes.OIDC{Issuer: aws.String("https://oidc.eks.us-east-1.amazonaws.com/id/" + strings.ToUpper(name))}}}
	s.clusters[name] = o
	a := clusterFromAWS(o.cl)
	a.Tags, a.Status = copyTags(tags), "ACTIVE"
	return a
}

func (s *sim) seedNodegroup(cluster, name, version, roleARN string, tags map[string]string) *NodeGroupAttrs {
	s.mu.Lock()
	defer s.mu.Unlock()
	arn := "arn:aws:eks:us-east-1:" + simAccount + ":nodegroup/" + cluster + "/" + name + "/" + s.id()
	o := &simObject{name: name, cluster: cluster, arn: arn, status: "ACTIVE", tags: copyTags(tags)}
	o.ng = &ekstypes.Nodegroup{ClusterName: aws.String(cluster), NodegroupName: aws.String(name), NodegroupArn: aws.String(arn), NodeRole: aws.String(roleARN),
		Subnets: []string{"subnet-a"}, InstanceTypes: []string{"m5.large"}, Version: aws.String(version),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(1), MaxSize: aws.Int32(3), DesiredSize: aws.Int32(2)},
		Labels:        map[string]string{"team": "a"}, Taints: []ekstypes.Taint{{Key: aws.String("dedicated"), Value: aws.String("x"), Effect: ekstypes.TaintEffectNoSchedule}}}
	s.nodegroups[cluster+"/"+name] = o
	a := nodeGroupFromAWS(o.ng)
	a.Tags, a.Status = copyTags(tags), "ACTIVE"
	return a
}

func (s *sim) seedFargate(cluster, name, roleARN string, tags map[string]string) *FargateProfileAttrs {
	s.mu.Lock()
	defer s.mu.Unlock()
	arn := "arn:aws:eks:us-east-1:" + simAccount + ":fargateprofile/" + cluster + "/" + name + "/" + s.id()
	o := &simObject{name: name, cluster: cluster, arn: arn, status: "ACTIVE", tags: copyTags(tags)}
	o.fp = &ekstypes.FargateProfile{ClusterName: aws.String(cluster), FargateProfileName: aws.String(name), FargateProfileArn: aws.String(arn),
		PodExecutionRoleArn: aws.String(roleARN), Subnets: []string{"subnet-a"}, Selectors: []ekstypes.FargateProfileSelector{{Namespace: aws.String("kube-system")}}}
	s.fargate[cluster+"/"+name] = o
	a := fargateFromAWS(o.fp)
	a.Tags, a.Status = copyTags(tags), "ACTIVE"
	return a
}

func (s *sim) seedRole(name, trust string, policies []string, inline string, tags map[string]string) *RoleAttrs {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &simRole{name: name, path: RolePath, arn: "arn:aws:iam::" + simAccount + ":role" + RolePath + name, trust: trust,
		tags: copyTags(tags), attached: map[string]bool{}, inline: map[string]string{}}
	for _, p := range policies {
		r.attached[p] = true
	}
	if inline != "" {
		r.inline[InlinePolicyName] = inline
	}
	s.roles[name] = r
	return &RoleAttrs{Name: name, ARN: r.arn, Path: RolePath, AssumeRolePolicy: trust, PolicyARNs: policies, InlinePolicy: inline, Tags: copyTags(tags)}
}

func (s *sim) seedOIDC(url string, tags map[string]string) *OIDCProviderAttrs {
	s.mu.Lock()
	defer s.mu.Unlock()
	arn := "arn:aws:iam::" + simAccount + ":oidc-provider/" + strings.TrimPrefix(url, "https://")
	s.oidc[arn], s.oidcURL[arn] = copyTags(tags), url
	return &OIDCProviderAttrs{ARN: arn, URL: url, ClientIDs: []string{OIDCClientID}, Tags: copyTags(tags)}
}

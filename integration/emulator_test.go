package integration

// Tests of the emulator itself, through aws-sdk-go-v2 as eksctl-lite uses
// it: one per behaviour patched in emulator/eks_fidelity.py or provided by
// emulator/control.py, so that a reader can trust what the harness shows.

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

const (
	testClusterRole = "arn:aws:iam::123456789012:role/eks-cluster"
	testNodeRole    = "arn:aws:iam::123456789012:role/eks-node"
	testPodRole     = "arn:aws:iam::123456789012:role/eks-pod"
)

var testSubnets = []string{"subnet-0a1b2c3d", "subnet-4e5f6a7b"}

// noRetry makes one SDK call without retries, so that the first error is seen.
func noRetry(o *eks.Options) { o.Retryer = aws.NopRetryer{} }

func noRetryIAM(o *iam.Options) { o.Retryer = aws.NopRetryer{} }

// createCluster creates a cluster through the SDK and, if wait, waits until
// it is ACTIVE.
func createCluster(t *testing.T, e *env, name, version string, wait bool) *ekstypes.Cluster {
	t.Helper()
	out, err := e.eks.CreateCluster(t.Context(), &eks.CreateClusterInput{
		Name:               aws.String(name),
		Version:            aws.String(version),
		RoleArn:            aws.String(testClusterRole),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: testSubnets},
	})
	if err != nil {
		t.Fatalf("CreateCluster %s: %v", name, err)
	}
	if wait {
		e.waitClusterStatus(t, name, "ACTIVE")
	}
	return out.Cluster
}

func createNodegroup(t *testing.T, e *env, cluster, name string, wait bool) *ekstypes.Nodegroup {
	t.Helper()
	out, err := e.eks.CreateNodegroup(t.Context(), &eks.CreateNodegroupInput{
		ClusterName:   aws.String(cluster),
		NodegroupName: aws.String(name),
		NodeRole:      aws.String(testNodeRole),
		Subnets:       testSubnets,
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(1), MaxSize: aws.Int32(3), DesiredSize: aws.Int32(2)},
	})
	if err != nil {
		t.Fatalf("CreateNodegroup %s/%s: %v", cluster, name, err)
	}
	if wait {
		e.waitNodegroupStatus(t, cluster, name, "ACTIVE")
	}
	return out.Nodegroup
}

func createFargate(t *testing.T, e *env, cluster, name string) (*ekstypes.FargateProfile, error) {
	t.Helper()
	out, err := e.eks.CreateFargateProfile(t.Context(), &eks.CreateFargateProfileInput{
		ClusterName:         aws.String(cluster),
		FargateProfileName:  aws.String(name),
		PodExecutionRoleArn: aws.String(testPodRole),
		Subnets:             testSubnets,
		Selectors:           []ekstypes.FargateProfileSelector{{Namespace: aws.String("default")}},
	})
	if err != nil {
		return nil, err
	}
	return out.FargateProfile, nil
}

func describeCluster(t *testing.T, e *env, name string) *ekstypes.Cluster {
	t.Helper()
	out, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("DescribeCluster %s: %v", name, err)
	}
	return out.Cluster
}

func describeNodegroup(t *testing.T, e *env, cluster, name string) *ekstypes.Nodegroup {
	t.Helper()
	out, err := e.eks.DescribeNodegroup(t.Context(), &eks.DescribeNodegroupInput{ClusterName: aws.String(cluster), NodegroupName: aws.String(name)})
	if err != nil {
		t.Fatalf("DescribeNodegroup %s/%s: %v", cluster, name, err)
	}
	return out.Nodegroup
}

// wantErr fails unless err is (or wraps) the SDK's typed error T.
func wantErr[T error](t *testing.T, what string, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("%s: want %T, got %v", what, target, err)
	}
	return target
}

// The asynchronous lifecycle of a cluster: CREATING, ACTIVE, DELETING, gone.
// moto made every cluster ACTIVE at once and deleted it at once.
func TestEmulatorClusterLifecycle(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	// Long delays hold each state for as long as the test looks at it; a
	// shorter delay applies to resources already in flight.
	e.setDelays(t, time.Minute, time.Minute, time.Minute)

	created := createCluster(t, e, "life", "1.30", false)
	if created.Status != ekstypes.ClusterStatusCreating {
		t.Errorf("CreateCluster returned status %s, want CREATING", created.Status)
	}
	c := describeCluster(t, e, "life")
	if c.Status != ekstypes.ClusterStatusCreating {
		t.Errorf("just after CreateCluster, status %s, want CREATING", c.Status)
	}
	if c.Identity != nil || c.Endpoint != nil {
		t.Errorf("a CREATING cluster has identity %v and endpoint %v; AWS shows them once ACTIVE", c.Identity, aws.ToString(c.Endpoint))
	}
	e.setDelays(t, 0, time.Minute, time.Minute)
	e.waitClusterStatus(t, "life", "ACTIVE")
	c = describeCluster(t, e, "life")
	if c.Identity == nil || c.Identity.Oidc == nil || !strings.HasPrefix(aws.ToString(c.Identity.Oidc.Issuer), "https://oidc.eks.us-east-1.amazonaws.com/id/") {
		t.Errorf("ACTIVE cluster identity = %+v, want an OIDC issuer", c.Identity)
	}
	wantVPC := ekstypes.VpcConfigResponse{
		SubnetIds: testSubnets, SecurityGroupIds: []string{}, EndpointPublicAccess: true,
		EndpointPrivateAccess: false, PublicAccessCidrs: []string{"0.0.0.0/0"},
	}
	got := *c.ResourcesVpcConfig
	got.ClusterSecurityGroupId, got.VpcId = nil, nil
	if diff := cmp.Diff(wantVPC, got, cmp.AllowUnexported(ekstypes.VpcConfigResponse{})); diff != "" {
		t.Errorf("resourcesVpcConfig defaults (-want +got):\n%s", diff)
	}

	del, err := e.eks.DeleteCluster(t.Context(), &eks.DeleteClusterInput{Name: aws.String("life")})
	if err != nil {
		t.Fatalf("DeleteCluster: %v", err)
	}
	if del.Cluster.Status != ekstypes.ClusterStatusDeleting {
		t.Errorf("DeleteCluster returned status %s, want DELETING", del.Cluster.Status)
	}
	if s := describeCluster(t, e, "life").Status; s != ekstypes.ClusterStatusDeleting {
		t.Errorf("just after DeleteCluster, status %s, want DELETING", s)
	}
	list, err := e.eks.ListClusters(t.Context(), &eks.ListClustersInput{})
	if err != nil || !slices.Contains(list.Clusters, "life") {
		t.Errorf("ListClusters while DELETING = %v, %v; want it listed", list, err)
	}
	e.setDelays(t, 0, 0, 0)
	e.waitClusterStatus(t, "life", "")
	_, err = e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String("life")})
	wantErr[*ekstypes.ResourceNotFoundException](t, "DescribeCluster after deletion", err)
	_, err = e.eks.ListNodegroups(t.Context(), &eks.ListNodegroupsInput{ClusterName: aws.String("life")}, noRetry)
	wantErr[*ekstypes.ResourceNotFoundException](t, "ListNodegroups of a deleted cluster", err)
	_, err = e.eks.ListFargateProfiles(t.Context(), &eks.ListFargateProfilesInput{ClusterName: aws.String("life")}, noRetry)
	wantErr[*ekstypes.ResourceNotFoundException](t, "ListFargateProfiles of a deleted cluster", err)
}

// CreateCluster rejects versions EKS does not offer and defaults to a current
// one (moto: any string, default 1.19).
func TestEmulatorClusterVersionValidation(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	_, err := e.eks.CreateCluster(t.Context(), &eks.CreateClusterInput{
		Name: aws.String("old"), Version: aws.String("1.10"), RoleArn: aws.String(testClusterRole),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: testSubnets},
	})
	wantErr[*ekstypes.InvalidParameterException](t, "CreateCluster 1.10", err)

	out, err := e.eks.CreateCluster(t.Context(), &eks.CreateClusterInput{
		Name: aws.String("dflt"), RoleArn: aws.String(testClusterRole),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: testSubnets},
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := aws.ToString(out.Cluster.Version); v == "1.19" || v == "" {
		t.Errorf("default version %q, want a current one", v)
	}
}

// Node groups: CREATING then ACTIVE, DELETING then gone; gap 8: no invented
// remoteAccess, the cluster's version, a release version of that version.
func TestEmulatorNodegroupLifecycle(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "ngc", "1.29", true)
	e.setDelays(t, time.Minute, time.Minute, time.Minute)

	ng := createNodegroup(t, e, "ngc", "general", false)
	if ng.Status != ekstypes.NodegroupStatusCreating {
		t.Errorf("CreateNodegroup returned status %s, want CREATING", ng.Status)
	}
	if s := describeNodegroup(t, e, "ngc", "general").Status; s != ekstypes.NodegroupStatusCreating {
		t.Errorf("just after CreateNodegroup, status %s, want CREATING", s)
	}
	e.setDelays(t, 0, time.Minute, time.Minute)
	e.waitNodegroupStatus(t, "ngc", "general", "ACTIVE")
	ng = describeNodegroup(t, e, "ngc", "general")
	if ng.RemoteAccess != nil {
		t.Errorf("remoteAccess = %+v, want none (none was requested)", ng.RemoteAccess)
	}
	if v := aws.ToString(ng.Version); v != "1.29" {
		t.Errorf("version %q, want the cluster's 1.29", v)
	}
	if rv := aws.ToString(ng.ReleaseVersion); !strings.HasPrefix(rv, "1.29.") {
		t.Errorf("release version %q, want one of 1.29", rv)
	}
	if ng.UpdateConfig == nil || aws.ToInt32(ng.UpdateConfig.MaxUnavailable) != 1 {
		t.Errorf("updateConfig = %+v, want EKS's default maxUnavailable 1", ng.UpdateConfig)
	}
	if aws.ToInt32(ng.DiskSize) != 20 {
		t.Errorf("diskSize %v, want 20", aws.ToInt32(ng.DiskSize))
	}

	_, err := e.eks.DeleteCluster(t.Context(), &eks.DeleteClusterInput{Name: aws.String("ngc")})
	wantErr[*ekstypes.ResourceInUseException](t, "DeleteCluster with a node group", err)

	del, err := e.eks.DeleteNodegroup(t.Context(), &eks.DeleteNodegroupInput{ClusterName: aws.String("ngc"), NodegroupName: aws.String("general")})
	if err != nil {
		t.Fatal(err)
	}
	if del.Nodegroup.Status != ekstypes.NodegroupStatusDeleting {
		t.Errorf("DeleteNodegroup returned status %s, want DELETING", del.Nodegroup.Status)
	}
	_, err = e.eks.DeleteCluster(t.Context(), &eks.DeleteClusterInput{Name: aws.String("ngc")})
	wantErr[*ekstypes.ResourceInUseException](t, "DeleteCluster with a DELETING node group", err)
	if s := describeNodegroup(t, e, "ngc", "general").Status; s != ekstypes.NodegroupStatusDeleting {
		t.Errorf("just after DeleteNodegroup, status %s, want DELETING", s)
	}
	e.setDelays(t, 0, 0, 0)
	e.waitNodegroupStatus(t, "ngc", "general", "")
	if _, err := e.eks.DeleteCluster(t.Context(), &eks.DeleteClusterInput{Name: aws.String("ngc")}); err != nil {
		t.Errorf("DeleteCluster once its node group is gone: %v", err)
	}
}

// A node group cannot be created newer than its cluster.
func TestEmulatorNodegroupNotNewerThanCluster(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "c", "1.29", true)
	_, err := e.eks.CreateNodegroup(t.Context(), &eks.CreateNodegroupInput{
		ClusterName: aws.String("c"), NodegroupName: aws.String("ng"), NodeRole: aws.String(testNodeRole),
		Subnets: testSubnets, Version: aws.String("1.30"),
	})
	wantErr[*ekstypes.InvalidParameterException](t, "CreateNodegroup 1.30 on a 1.29 cluster", err)
}

// Fargate profiles: CREATING then ACTIVE, DELETING then gone, and EKS allows
// only one per cluster in CREATING or DELETING at a time.
func TestEmulatorFargateOneAtATime(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "fc", "1.30", true)
	e.setDelays(t, time.Minute, time.Minute, time.Minute)

	fp, err := createFargate(t, e, "fc", "first")
	if err != nil {
		t.Fatal(err)
	}
	if fp.Status != ekstypes.FargateProfileStatusCreating {
		t.Errorf("CreateFargateProfile returned status %s, want CREATING", fp.Status)
	}
	_, err = createFargate(t, e, "fc", "second")
	wantErr[*ekstypes.ResourceInUseException](t, "second CreateFargateProfile while the first is CREATING", err)

	e.setDelays(t, 0, time.Minute, time.Minute)
	e.waitFargateStatus(t, "fc", "first", "ACTIVE")
	if _, err := createFargate(t, e, "fc", "second"); err != nil {
		t.Fatalf("CreateFargateProfile once the first is ACTIVE: %v", err)
	}
	e.waitFargateStatus(t, "fc", "second", "ACTIVE")

	del, err := e.eks.DeleteFargateProfile(t.Context(), &eks.DeleteFargateProfileInput{ClusterName: aws.String("fc"), FargateProfileName: aws.String("first")})
	if err != nil {
		t.Fatal(err)
	}
	if del.FargateProfile.Status != ekstypes.FargateProfileStatusDeleting {
		t.Errorf("DeleteFargateProfile returned status %s, want DELETING", del.FargateProfile.Status)
	}
	_, err = e.eks.DeleteFargateProfile(t.Context(), &eks.DeleteFargateProfileInput{ClusterName: aws.String("fc"), FargateProfileName: aws.String("second")})
	wantErr[*ekstypes.ResourceInUseException](t, "DeleteFargateProfile while another is DELETING", err)
	_, err = e.eks.DeleteCluster(t.Context(), &eks.DeleteClusterInput{Name: aws.String("fc")})
	wantErr[*ekstypes.ResourceInUseException](t, "DeleteCluster with Fargate profiles", err)
	e.setDelays(t, 0, 0, 0)
	e.waitFargateStatus(t, "fc", "first", "")
}

// UpdateClusterVersion: two minors at once is refused, one minor succeeds;
// the update is InProgress (cluster UPDATING, old version described) and
// then Successful (cluster ACTIVE on the new version); ListUpdates lists it.
func TestEmulatorClusterVersionUpgrade(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "up", "1.29", true)
	e.setDelays(t, time.Minute, time.Minute, time.Minute)

	_, err := e.eks.UpdateClusterVersion(t.Context(), &eks.UpdateClusterVersionInput{Name: aws.String("up"), Version: aws.String("1.31")})
	ipe := wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterVersion 1.29 -> 1.31", err)
	if !strings.Contains(ipe.ErrorMessage(), "1.29 to 1.31") {
		t.Errorf("message %q should name both versions", ipe.ErrorMessage())
	}
	_, err = e.eks.UpdateClusterVersion(t.Context(), &eks.UpdateClusterVersionInput{Name: aws.String("up"), Version: aws.String("1.28")})
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterVersion downgrade", err)

	out, err := e.eks.UpdateClusterVersion(t.Context(), &eks.UpdateClusterVersionInput{Name: aws.String("up"), Version: aws.String("1.30")})
	if err != nil {
		t.Fatalf("UpdateClusterVersion 1.29 -> 1.30: %v", err)
	}
	id := aws.ToString(out.Update.Id)
	if out.Update.Status != ekstypes.UpdateStatusInProgress || out.Update.Type != ekstypes.UpdateTypeVersionUpdate {
		t.Errorf("update = %s %s, want InProgress VersionUpdate", out.Update.Status, out.Update.Type)
	}
	d, err := e.eks.DescribeUpdate(t.Context(), &eks.DescribeUpdateInput{Name: aws.String("up"), UpdateId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if d.Update.Status != ekstypes.UpdateStatusInProgress {
		t.Errorf("DescribeUpdate right away: %s, want InProgress", d.Update.Status)
	}
	c := describeCluster(t, e, "up")
	if c.Status != ekstypes.ClusterStatusUpdating || aws.ToString(c.Version) != "1.29" {
		t.Errorf("during the update: %s %s, want UPDATING 1.29", c.Status, aws.ToString(c.Version))
	}
	_, err = e.eks.UpdateClusterVersion(t.Context(), &eks.UpdateClusterVersionInput{Name: aws.String("up"), Version: aws.String("1.30")})
	wantErr[*ekstypes.ResourceInUseException](t, "second UpdateClusterVersion during an update", err)
	_, err = e.eks.DeleteCluster(t.Context(), &eks.DeleteClusterInput{Name: aws.String("up")})
	wantErr[*ekstypes.ResourceInUseException](t, "DeleteCluster during an update", err)

	e.setDelays(t, 0, 0, 0)
	if u := e.waitUpdate(t, "up", "", id); u.Status != ekstypes.UpdateStatusSuccessful {
		t.Errorf("update finished %s, want Successful", u.Status)
	}
	c = describeCluster(t, e, "up")
	if c.Status != ekstypes.ClusterStatusActive || aws.ToString(c.Version) != "1.30" {
		t.Errorf("after the update: %s %s, want ACTIVE 1.30", c.Status, aws.ToString(c.Version))
	}

	list, err := e.eks.ListUpdates(t.Context(), &eks.ListUpdatesInput{Name: aws.String("up")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{id}, list.UpdateIds); diff != "" {
		t.Errorf("ListUpdates (-want +got):\n%s", diff)
	}
	_, err = e.eks.DescribeUpdate(t.Context(), &eks.DescribeUpdateInput{Name: aws.String("up"), UpdateId: aws.String("no-such-update")})
	wantErr[*ekstypes.ResourceNotFoundException](t, "DescribeUpdate of an unknown ID", err)
}

// UpdateClusterConfig merges into the existing configuration (moto replaced
// resourcesVpcConfig, losing the subnets), returns an update, refuses a
// second update while one is in progress, one type of update per call, and
// a request that changes nothing.
func TestEmulatorUpdateClusterConfig(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "cfg", "1.30", true)
	e.setDelays(t, 0, 0, time.Minute)

	out, err := e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{
		Name:               aws.String("cfg"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{EndpointPrivateAccess: aws.Bool(true)},
	})
	if err != nil {
		t.Fatalf("UpdateClusterConfig endpoint access: %v", err)
	}
	if out.Update == nil || out.Update.Type != ekstypes.UpdateTypeEndpointAccessUpdate || out.Update.Status != ekstypes.UpdateStatusInProgress {
		t.Fatalf("update = %+v, want an InProgress EndpointAccessUpdate", out.Update)
	}
	_, err = e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{
		Name:    aws.String("cfg"),
		Logging: &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"api"}, Enabled: aws.Bool(true)}}},
	})
	wantErr[*ekstypes.ResourceInUseException](t, "second UpdateClusterConfig during an update", err)
	e.setDelays(t, 0, 0, 0)
	e.waitUpdate(t, "cfg", "", aws.ToString(out.Update.Id))

	vpc := describeCluster(t, e, "cfg").ResourcesVpcConfig
	if !vpc.EndpointPrivateAccess || !vpc.EndpointPublicAccess {
		t.Errorf("endpoint access private=%v public=%v, want both", vpc.EndpointPrivateAccess, vpc.EndpointPublicAccess)
	}
	if diff := cmp.Diff(testSubnets, vpc.SubnetIds); diff != "" {
		t.Errorf("subnets after an endpoint update (-want +got):\n%s", diff)
	}

	_, err = e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{
		Name:               aws.String("cfg"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{EndpointPrivateAccess: aws.Bool(true)},
	})
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig that changes nothing", err)

	_, err = e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{
		Name:               aws.String("cfg"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{EndpointPublicAccess: aws.Bool(false)},
		Logging:            &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"api"}, Enabled: aws.Bool(true)}}},
	})
	ipe := wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig with two types of update", err)
	if !strings.Contains(ipe.ErrorMessage(), "Only one type of update") {
		t.Errorf("message %q", ipe.ErrorMessage())
	}

	out, err = e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{
		Name:    aws.String("cfg"),
		Logging: &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"audit", "api"}, Enabled: aws.Bool(true)}}},
	})
	if err != nil {
		t.Fatalf("UpdateClusterConfig logging: %v", err)
	}
	if out.Update.Type != ekstypes.UpdateTypeLoggingUpdate {
		t.Errorf("update type %s, want LoggingUpdate", out.Update.Type)
	}
	e.waitUpdate(t, "cfg", "", aws.ToString(out.Update.Id))
	want := []ekstypes.LogSetup{
		{Types: []ekstypes.LogType{"api", "audit"}, Enabled: aws.Bool(true)},
		{Types: []ekstypes.LogType{"authenticator", "controllerManager", "scheduler"}, Enabled: aws.Bool(false)},
	}
	got := describeCluster(t, e, "cfg").Logging.ClusterLogging
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(ekstypes.LogSetup{})); diff != "" {
		t.Errorf("logging after the update (-want +got):\n%s", diff)
	}
	if vpc := describeCluster(t, e, "cfg").ResourcesVpcConfig; !vpc.EndpointPrivateAccess || len(vpc.SubnetIds) != 2 {
		t.Errorf("a logging update changed resourcesVpcConfig: %+v", vpc)
	}

	out, err = e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{
		Name:               aws.String("cfg"),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-0a1b2c3d", "subnet-99999999"}},
	})
	if err != nil {
		t.Fatalf("UpdateClusterConfig subnets: %v", err)
	}
	if out.Update.Type != ekstypes.UpdateTypeVpcConfigUpdate {
		t.Errorf("update type %s, want VpcConfigUpdate", out.Update.Type)
	}
	e.waitUpdate(t, "cfg", "", aws.ToString(out.Update.Id))
	vpc = describeCluster(t, e, "cfg").ResourcesVpcConfig
	if diff := cmp.Diff([]string{"subnet-0a1b2c3d", "subnet-99999999"}, vpc.SubnetIds); diff != "" || !vpc.EndpointPrivateAccess {
		t.Errorf("after a subnet update, private access %v, subnets (-want +got):\n%s", vpc.EndpointPrivateAccess, diff)
	}
}

// A cluster that is not ACTIVE refuses updates: UpdateClusterConfig,
// UpdateClusterVersion and AssociateEncryptionConfig on a CREATING cluster
// fail with ResourceInUseException naming the status (the EKS API reference
// lists ResourceInUseException and InvalidRequestException for this; the
// emulator answers the former, which apply waits out as "busy"). Once ACTIVE
// the same requests are accepted, so the status was the reason.
func TestEmulatorClusterNotActiveRefusesUpdates(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	e.setDelays(t, time.Minute, time.Minute, time.Minute)
	createCluster(t, e, "young", "1.30", false)
	if s := describeCluster(t, e, "young").Status; s != ekstypes.ClusterStatusCreating {
		t.Fatalf("cluster status %s, want CREATING", s)
	}
	logging := &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: []ekstypes.LogType{"api"}, Enabled: aws.Bool(true)}}}
	encryption := []ekstypes.EncryptionConfig{{Resources: []string{"secrets"}, Provider: &ekstypes.Provider{KeyArn: aws.String("arn:aws:kms:us-east-1:123456789012:key/abc")}}}

	_, err := e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{Name: aws.String("young"), Logging: logging}, noRetry)
	riu := wantErr[*ekstypes.ResourceInUseException](t, "UpdateClusterConfig on a CREATING cluster", err)
	if !strings.Contains(riu.ErrorMessage(), "CREATING") {
		t.Errorf("message %q should name the CREATING status", riu.ErrorMessage())
	}
	_, err = e.eks.UpdateClusterVersion(t.Context(), &eks.UpdateClusterVersionInput{Name: aws.String("young"), Version: aws.String("1.31")}, noRetry)
	riu = wantErr[*ekstypes.ResourceInUseException](t, "UpdateClusterVersion on a CREATING cluster", err)
	if !strings.Contains(riu.ErrorMessage(), "CREATING") {
		t.Errorf("message %q should name the CREATING status", riu.ErrorMessage())
	}
	_, err = e.eks.AssociateEncryptionConfig(t.Context(), &eks.AssociateEncryptionConfigInput{ClusterName: aws.String("young"), EncryptionConfig: encryption}, noRetry)
	wantErr[*ekstypes.ResourceInUseException](t, "AssociateEncryptionConfig on a CREATING cluster", err)
	if c := describeCluster(t, e, "young"); aws.ToString(c.Version) != "1.30" || len(c.EncryptionConfig) != 0 {
		t.Errorf("a refused update changed the cluster: version %s, encryption %+v", aws.ToString(c.Version), c.EncryptionConfig)
	}

	e.setDelays(t, 0, time.Minute, time.Minute)
	e.waitClusterStatus(t, "young", "ACTIVE")
	if _, err := e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{Name: aws.String("young"), Logging: logging}, noRetry); err != nil {
		t.Errorf("UpdateClusterConfig once ACTIVE: %v", err)
	}
	e.setDelays(t, 0, 0, 0)
}

// Both endpoints disabled is InvalidParameterException: a cluster must be
// reachable publicly or privately, at creation and after an update (moto
// accepted it). Nothing is created or changed.
func TestEmulatorBothEndpointsDisabled(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)

	_, err := e.eks.CreateCluster(t.Context(), &eks.CreateClusterInput{
		Name:    aws.String("dark"),
		Version: aws.String("1.30"),
		RoleArn: aws.String(testClusterRole),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{
			SubnetIds:             testSubnets,
			EndpointPublicAccess:  aws.Bool(false),
			EndpointPrivateAccess: aws.Bool(false),
		},
	}, noRetry)
	ipe := wantErr[*ekstypes.InvalidParameterException](t, "CreateCluster with both endpoints disabled", err)
	if !strings.Contains(ipe.ErrorMessage(), "endpoint access must be enabled") {
		t.Errorf("message %q", ipe.ErrorMessage())
	}
	_, err = e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String("dark")}, noRetry)
	wantErr[*ekstypes.ResourceNotFoundException](t, "DescribeCluster after a refused CreateCluster", err)

	createCluster(t, e, "lit", "1.30", true) // public only, the default
	for _, tc := range []struct {
		what string
		vpc  *ekstypes.VpcConfigRequest
	}{
		{"public disabled, private left disabled", &ekstypes.VpcConfigRequest{EndpointPublicAccess: aws.Bool(false)}},
		{"both disabled", &ekstypes.VpcConfigRequest{EndpointPublicAccess: aws.Bool(false), EndpointPrivateAccess: aws.Bool(false)}},
	} {
		_, err := e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{Name: aws.String("lit"), ResourcesVpcConfig: tc.vpc}, noRetry)
		wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig "+tc.what, err)
	}
	c := describeCluster(t, e, "lit")
	if c.Status != ekstypes.ClusterStatusActive || !c.ResourcesVpcConfig.EndpointPublicAccess || c.ResourcesVpcConfig.EndpointPrivateAccess {
		t.Errorf("after refused updates: status %s, public %v, private %v; want ACTIVE, public only",
			c.Status, c.ResourcesVpcConfig.EndpointPublicAccess, c.ResourcesVpcConfig.EndpointPrivateAccess)
	}
}

// AssociateEncryptionConfig returns an update; encryption is enabled once.
func TestEmulatorAssociateEncryptionConfig(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "enc", "1.30", true)
	cfg := []ekstypes.EncryptionConfig{{Resources: []string{"secrets"}, Provider: &ekstypes.Provider{KeyArn: aws.String("arn:aws:kms:us-east-1:123456789012:key/abc")}}}
	out, err := e.eks.AssociateEncryptionConfig(t.Context(), &eks.AssociateEncryptionConfigInput{ClusterName: aws.String("enc"), EncryptionConfig: cfg})
	if err != nil {
		t.Fatalf("AssociateEncryptionConfig: %v", err)
	}
	if out.Update.Type != ekstypes.UpdateTypeAssociateEncryptionConfig {
		t.Errorf("update type %s", out.Update.Type)
	}
	e.waitUpdate(t, "enc", "", aws.ToString(out.Update.Id))
	c := describeCluster(t, e, "enc")
	if len(c.EncryptionConfig) != 1 || aws.ToString(c.EncryptionConfig[0].Provider.KeyArn) != "arn:aws:kms:us-east-1:123456789012:key/abc" {
		t.Errorf("encryptionConfig = %+v", c.EncryptionConfig)
	}
	_, err = e.eks.AssociateEncryptionConfig(t.Context(), &eks.AssociateEncryptionConfigInput{ClusterName: aws.String("enc"), EncryptionConfig: cfg})
	wantErr[*ekstypes.InvalidParameterException](t, "second AssociateEncryptionConfig", err)
}

// UpdateNodegroupVersion: never newer than the cluster; to the cluster's
// version (with a release version) after the cluster upgrade; the node
// group's updates are described with nodegroupName.
func TestEmulatorNodegroupVersionUpdate(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "nv", "1.29", true)
	createNodegroup(t, e, "nv", "ng", true)

	_, err := e.eks.UpdateNodegroupVersion(t.Context(), &eks.UpdateNodegroupVersionInput{
		ClusterName: aws.String("nv"), NodegroupName: aws.String("ng"), Version: aws.String("1.30"),
	})
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateNodegroupVersion newer than the cluster", err)

	up, err := e.eks.UpdateClusterVersion(t.Context(), &eks.UpdateClusterVersionInput{Name: aws.String("nv"), Version: aws.String("1.30")})
	if err != nil {
		t.Fatal(err)
	}
	e.waitUpdate(t, "nv", "", aws.ToString(up.Update.Id))

	e.setDelays(t, 0, 0, time.Minute)
	out, err := e.eks.UpdateNodegroupVersion(t.Context(), &eks.UpdateNodegroupVersionInput{
		ClusterName: aws.String("nv"), NodegroupName: aws.String("ng"),
		Version: aws.String("1.30"), ReleaseVersion: aws.String("1.30.4-20240917"),
	})
	if err != nil {
		t.Fatalf("UpdateNodegroupVersion to the cluster's version: %v", err)
	}
	id := aws.ToString(out.Update.Id)
	if s := describeNodegroup(t, e, "nv", "ng").Status; s != ekstypes.NodegroupStatusUpdating {
		t.Errorf("node group during its update: %s, want UPDATING", s)
	}
	_, err = e.eks.DescribeUpdate(t.Context(), &eks.DescribeUpdateInput{Name: aws.String("nv"), UpdateId: aws.String(id)})
	wantErr[*ekstypes.ResourceNotFoundException](t, "DescribeUpdate of a node group update without nodegroupName", err)
	e.setDelays(t, 0, 0, 0)
	if u := e.waitUpdate(t, "nv", "ng", id); u.Status != ekstypes.UpdateStatusSuccessful {
		t.Errorf("node group update %s", u.Status)
	}
	ng := describeNodegroup(t, e, "nv", "ng")
	if aws.ToString(ng.Version) != "1.30" || aws.ToString(ng.ReleaseVersion) != "1.30.4-20240917" || ng.Status != ekstypes.NodegroupStatusActive {
		t.Errorf("after the update: %s %s %s, want ACTIVE 1.30 1.30.4-20240917", ng.Status, aws.ToString(ng.Version), aws.ToString(ng.ReleaseVersion))
	}
	list, err := e.eks.ListUpdates(t.Context(), &eks.ListUpdatesInput{Name: aws.String("nv"), NodegroupName: aws.String("ng")})
	if err != nil || !slices.Equal(list.UpdateIds, []string{id}) {
		t.Errorf("ListUpdates of the node group = %v, %v; want [%s]", list, err, id)
	}
}

// UpdateNodegroupConfig merges scaling, labels, taints and update config,
// returns an update, and refuses a second while the first runs.
func TestEmulatorNodegroupConfigUpdate(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "nc", "1.30", true)
	createNodegroup(t, e, "nc", "ng", true)
	e.setDelays(t, 0, 0, time.Minute)

	out, err := e.eks.UpdateNodegroupConfig(t.Context(), &eks.UpdateNodegroupConfigInput{
		ClusterName: aws.String("nc"), NodegroupName: aws.String("ng"),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MaxSize: aws.Int32(5)},
		Labels:        &ekstypes.UpdateLabelsPayload{AddOrUpdateLabels: map[string]string{"team": "a"}},
		Taints:        &ekstypes.UpdateTaintsPayload{AddOrUpdateTaints: []ekstypes.Taint{{Key: aws.String("k"), Value: aws.String("v"), Effect: ekstypes.TaintEffectNoSchedule}}},
		UpdateConfig:  &ekstypes.NodegroupUpdateConfig{MaxUnavailablePercentage: aws.Int32(50)},
	})
	if err != nil {
		t.Fatalf("UpdateNodegroupConfig: %v", err)
	}
	if out.Update.Status != ekstypes.UpdateStatusInProgress || out.Update.Type != ekstypes.UpdateTypeConfigUpdate {
		t.Errorf("update = %s %s, want InProgress ConfigUpdate", out.Update.Status, out.Update.Type)
	}
	_, err = e.eks.UpdateNodegroupConfig(t.Context(), &eks.UpdateNodegroupConfigInput{
		ClusterName: aws.String("nc"), NodegroupName: aws.String("ng"),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{DesiredSize: aws.Int32(3)},
	})
	wantErr[*ekstypes.ResourceInUseException](t, "second UpdateNodegroupConfig during an update", err)
	if s := describeNodegroup(t, e, "nc", "ng").Status; s != ekstypes.NodegroupStatusUpdating {
		t.Errorf("node group during its update: %s, want UPDATING", s)
	}
	e.setDelays(t, 0, 0, 0)
	e.waitUpdate(t, "nc", "ng", aws.ToString(out.Update.Id))

	ng := describeNodegroup(t, e, "nc", "ng")
	gotScaling := [3]int32{aws.ToInt32(ng.ScalingConfig.MinSize), aws.ToInt32(ng.ScalingConfig.MaxSize), aws.ToInt32(ng.ScalingConfig.DesiredSize)}
	if gotScaling != [3]int32{1, 5, 2} {
		t.Errorf("scaling min/max/desired = %v, want [1 5 2]", gotScaling)
	}
	if ng.Labels["team"] != "a" || len(ng.Taints) != 1 || aws.ToInt32(ng.UpdateConfig.MaxUnavailablePercentage) != 50 || ng.UpdateConfig.MaxUnavailable != nil {
		t.Errorf("labels %v taints %v updateConfig %+v", ng.Labels, ng.Taints, ng.UpdateConfig)
	}

	_, err = e.eks.UpdateNodegroupConfig(t.Context(), &eks.UpdateNodegroupConfigInput{
		ClusterName: aws.String("nc"), NodegroupName: aws.String("ng"),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{DesiredSize: aws.Int32(9)},
	})
	wantErr[*ekstypes.InvalidParameterException](t, "desired size above max size", err)
}

// Every cluster has its own OIDC issuer (moto shared one per process).
func TestEmulatorDistinctIssuers(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "one", "1.30", false)
	createCluster(t, e, "two", "1.30", false)
	e.waitClusterStatus(t, "one", "ACTIVE")
	e.waitClusterStatus(t, "two", "ACTIVE")
	a := aws.ToString(describeCluster(t, e, "one").Identity.Oidc.Issuer)
	b := aws.ToString(describeCluster(t, e, "two").Identity.Oidc.Issuer)
	if a == b {
		t.Errorf("both clusters have issuer %s", a)
	}
}

// TagResource, UntagResource and ListTagsForResource work on node group and
// Fargate profile ARNs (moto: cluster ARNs only); unknown ARNs are
// NotFoundException, as the API reference lists for these operations.
func TestEmulatorTagsOnAllARNs(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	c := createCluster(t, e, "tags", "1.30", true)
	ng := createNodegroup(t, e, "tags", "ng", false)
	fp, err := createFargate(t, e, "tags", "fp")
	if err != nil {
		t.Fatal(err)
	}
	for kind, arn := range map[string]string{"cluster": aws.ToString(c.Arn), "node group": aws.ToString(ng.NodegroupArn), "Fargate profile": aws.ToString(fp.FargateProfileArn)} {
		if _, err := e.eks.TagResource(t.Context(), &eks.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"a": "1", "b": "2", "c": "3"}}); err != nil {
			t.Errorf("TagResource %s: %v", kind, err)
			continue
		}
		if _, err := e.eks.UntagResource(t.Context(), &eks.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"a", "b"}}); err != nil {
			t.Errorf("UntagResource %s: %v", kind, err)
		}
		out, err := e.eks.ListTagsForResource(t.Context(), &eks.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			t.Errorf("ListTagsForResource %s: %v", kind, err)
			continue
		}
		if diff := cmp.Diff(map[string]string{"c": "3"}, out.Tags); diff != "" {
			t.Errorf("%s tags (-want +got):\n%s", kind, diff)
		}
	}
	if tags := describeNodegroup(t, e, "tags", "ng").Tags; tags["c"] != "3" {
		t.Errorf("DescribeNodegroup tags = %v, want those set by TagResource", tags)
	}
	_, err = e.eks.ListTagsForResource(t.Context(), &eks.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:eks:us-east-1:123456789012:cluster/nope")})
	wantErr[*ekstypes.NotFoundException](t, "ListTagsForResource of an unknown ARN", err)
}

// An injected throttle is the protocol's throttling error, which the SDK
// classifies as a retryable throttle: EKS (restJson1) HTTP 429
// ThrottlingException, IAM (query) HTTP 400 Throttling. With the standard
// retryer, a single throttle is retried away.
func TestEmulatorFaultThrottle(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "thr", "1.30", false)

	e.injectFault(t, "DescribeCluster", "throttle", 1, 0)
	_, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String("thr")}, noRetry)
	assertThrottle(t, "EKS DescribeCluster", err, "ThrottlingException", http.StatusTooManyRequests)
	if _, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String("thr")}, noRetry); err != nil {
		t.Errorf("DescribeCluster after the one injected throttle: %v", err)
	}

	e.injectFault(t, "iam:ListRoles", "throttle", 1, 0)
	_, err = e.iam.ListRoles(t.Context(), &iam.ListRolesInput{}, noRetryIAM)
	assertThrottle(t, "IAM ListRoles", err, "Throttling", http.StatusBadRequest)

	e.injectFault(t, "DescribeCluster", "throttle", 1, 0)
	if _, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String("thr")}); err != nil {
		t.Errorf("DescribeCluster with the standard retryer after one throttle: %v", err)
	}
	var throttled int
	for _, c := range e.calls(t) {
		if c.Operation == "DescribeCluster" && c.Status == "throttle" {
			throttled++
		}
	}
	if throttled != 2 {
		t.Errorf("call log shows %d throttled DescribeCluster calls, want 2", throttled)
	}
}

func assertThrottle(t *testing.T, what string, err error, code string, status int) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("%s: want an API error, got %v", what, err)
	}
	if apiErr.ErrorCode() != code {
		t.Errorf("%s: error code %q, want %q", what, apiErr.ErrorCode(), code)
	}
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Errorf("%s: HTTP status %v, want %d", what, re, status)
	}
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) != aws.TrueTernary {
		t.Errorf("%s: the SDK does not classify %v as throttling", what, err)
	}
	if retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) != aws.TrueTernary {
		t.Errorf("%s: the SDK does not classify %v as retryable", what, err)
	}
}

// HTTP 500, a dropped connection and latency, each for a counted number of
// calls; the SDK sees the first two as retryable errors.
func TestEmulatorFaultServerErrorDropLatency(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "flt", "1.30", false)
	in := &eks.DescribeClusterInput{Name: aws.String("flt")}
	retryable := retry.IsErrorRetryables(retry.DefaultRetryables)

	e.injectFault(t, "eks:DescribeCluster", "http500", 2, 0)
	for i := range 2 {
		_, err := e.eks.DescribeCluster(t.Context(), in, noRetry)
		var re *smithyhttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusInternalServerError {
			t.Fatalf("call %d with http500: want HTTP 500, got %v", i+1, err)
		}
		if retryable.IsErrorRetryable(err) != aws.TrueTernary {
			t.Errorf("HTTP 500 not retryable for the SDK: %v", err)
		}
	}
	if _, err := e.eks.DescribeCluster(t.Context(), in, noRetry); err != nil {
		t.Errorf("third call after two injected 500s: %v", err)
	}

	e.injectFault(t, "iam:GetPolicy", "http500", 1, 0)
	_, err := e.iam.GetPolicy(t.Context(), &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")}, noRetryIAM)
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusInternalServerError {
		t.Errorf("IAM GetPolicy with http500: want HTTP 500, got %v", err)
	}

	e.injectFault(t, "DescribeCluster", "drop", 2, 0)
	_, err = e.eks.DescribeCluster(t.Context(), in, noRetry)
	if err == nil {
		t.Fatal("DescribeCluster with a dropped connection succeeded")
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		t.Errorf("a dropped connection gave an API error %v, want a transport error", err)
	}
	if retryable.IsErrorRetryable(err) != aws.TrueTernary {
		t.Errorf("dropped connection not retryable for the SDK: %v", err)
	}
	e.clearFaults(t)
	if _, err := e.eks.DescribeCluster(t.Context(), in, noRetry); err != nil {
		t.Errorf("DescribeCluster after clearFaults: %v", err)
	}

	e.injectFault(t, "DescribeCluster", "latency", 1, 400*time.Millisecond)
	start := time.Now()
	if _, err := e.eks.DescribeCluster(t.Context(), in, noRetry); err != nil {
		t.Errorf("DescribeCluster with latency: %v", err)
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("DescribeCluster with 400ms injected latency answered in %v", d)
	}
}

// A lost response: the request took effect but the caller saw the connection
// close. The SDK retries with the same generated clientRequestToken, and EKS
// answers a repeated token with the original result instead of
// ResourceInUseException (moto had no idempotency).
func TestEmulatorIdempotentRetryAfterLostResponse(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)

	e.injectFault(t, "CreateCluster", "drop_after", 1, 0)
	out, err := e.eks.CreateCluster(t.Context(), &eks.CreateClusterInput{
		Name: aws.String("idem"), Version: aws.String("1.29"), RoleArn: aws.String(testClusterRole),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: testSubnets},
	})
	if err != nil {
		t.Fatalf("CreateCluster retried after a lost response: %v", err)
	}
	if aws.ToString(out.Cluster.Name) != "idem" {
		t.Errorf("CreateCluster returned %+v", out.Cluster)
	}
	var statuses []string
	for _, c := range e.calls(t) {
		if c.Operation == "CreateCluster" {
			statuses = append(statuses, c.Status)
		}
	}
	if diff := cmp.Diff([]string{"dropped_after_200", "200"}, statuses); diff != "" {
		t.Errorf("CreateCluster calls (-want +got):\n%s", diff)
	}
	// Without the SDK's token the same request is a conflict, as in AWS.
	_, err = e.eks.CreateCluster(t.Context(), &eks.CreateClusterInput{
		Name: aws.String("idem"), Version: aws.String("1.29"), RoleArn: aws.String(testClusterRole),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: testSubnets},
	})
	wantErr[*ekstypes.ResourceInUseException](t, "a second CreateCluster with a new token", err)

	e.waitClusterStatus(t, "idem", "ACTIVE")
	e.injectFault(t, "UpdateClusterVersion", "drop_after", 1, 0)
	up, err := e.eks.UpdateClusterVersion(t.Context(), &eks.UpdateClusterVersionInput{Name: aws.String("idem"), Version: aws.String("1.30")})
	if err != nil {
		t.Fatalf("UpdateClusterVersion retried after a lost response: %v", err)
	}
	list, err := e.eks.ListUpdates(t.Context(), &eks.ListUpdatesInput{Name: aws.String("idem")})
	if err != nil || !slices.Equal(list.UpdateIds, []string{aws.ToString(up.Update.Id)}) {
		t.Errorf("ListUpdates = %v, %v; want the one update %s", list, err, aws.ToString(up.Update.Id))
	}
}

// moto's reset (which newEnv calls) also clears this emulator's state:
// faults, the call log and delays.
func TestEmulatorResetClearsEverything(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "gone", "1.30", false)
	createRole(t, e, "gone")
	e.injectFault(t, "ListClusters", "throttle", 0, 0)
	e.setDelays(t, time.Minute, time.Minute, time.Minute)

	e = newEnv(t)
	list, err := e.eks.ListClusters(t.Context(), &eks.ListClustersInput{}, noRetry)
	if err != nil {
		t.Fatalf("ListClusters after reset (the fault should be gone): %v", err)
	}
	if len(list.Clusters) != 0 {
		t.Errorf("clusters after reset: %v", list.Clusters)
	}
	_, err = e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String("gone")})
	var nse interface{ ErrorCode() string }
	if !errors.As(err, &nse) || nse.ErrorCode() != "NoSuchEntity" {
		t.Errorf("GetRole after reset: %v, want NoSuchEntity", err)
	}
	if calls := e.calls(t); len(calls) != 2 {
		t.Errorf("call log after reset = %v, want just ListClusters and GetRole", calls)
	}
	// newEnv's fast delays are in force again: a cluster is ACTIVE quickly.
	createCluster(t, e, "quick", "1.30", true)
}

// AWS managed policies exist in every account; moto loads them only with
// MOTO_IAM_LOAD_MANAGED_POLICIES=true, which the launcher sets.
func TestEmulatorManagedPolicies(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"AmazonEKSClusterPolicy", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKSFargatePodExecutionRolePolicy"} {
		arn := "arn:aws:iam::aws:policy/" + name
		out, err := e.iam.GetPolicy(t.Context(), &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
		if err != nil {
			t.Errorf("GetPolicy %s: %v", arn, err)
			continue
		}
		if got := aws.ToString(out.Policy.PolicyName); got != name {
			t.Errorf("GetPolicy %s: name %q", arn, got)
		}
	}
}

// The harness runs the real binary with a clean environment pointed at the
// emulator; other integration tests rely on this.
func TestHarnessRunsBinary(t *testing.T) {
	e := newEnv(t)
	r := e.run(t, t.TempDir(), "--help")
	if r.code != 0 {
		t.Fatalf("eksctl-lite --help exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "eksctl-lite") {
		t.Errorf("eksctl-lite --help printed:\n%s", r.stdout)
	}
	r = e.run(t, t.TempDir(), "no-such-command")
	if r.code == 0 {
		t.Errorf("an unknown command exited 0\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}

// AWS's rules the emulator enforces since issue 8. Each test below names the
// patch it checks; EKSCTL_LITE_EMULATOR_DISABLE=<patch> makes it fail.

// createClusterWith is CreateCluster with a chosen input, without retries,
// returning the error for the test to judge.
func createClusterWith(t *testing.T, e *env, in *eks.CreateClusterInput) error {
	t.Helper()
	if in.RoleArn == nil {
		in.RoleArn = aws.String(testClusterRole)
	}
	if in.ResourcesVpcConfig == nil {
		in.ResourcesVpcConfig = &ekstypes.VpcConfigRequest{SubnetIds: testSubnets}
	}
	_, err := e.eks.CreateCluster(t.Context(), in, noRetry)
	return err
}

func createNodegroupWith(t *testing.T, e *env, in *eks.CreateNodegroupInput) (*ekstypes.Nodegroup, error) {
	t.Helper()
	if in.NodeRole == nil {
		in.NodeRole = aws.String(testNodeRole)
	}
	if in.Subnets == nil {
		in.Subnets = testSubnets
	}
	out, err := e.eks.CreateNodegroup(t.Context(), in, noRetry)
	if err != nil {
		return nil, err
	}
	return out.Nodegroup, nil
}

// Patch nodegroup-skew: "all of your node groups' Kubernetes versions must
// match the cluster's Kubernetes version in order to update the cluster to a
// new Kubernetes version" (UpdateClusterVersion). With a node group still on
// 1.29, a 1.30 control plane cannot go to 1.31; once the node group is on
// 1.30 it can.
func TestEmulatorClusterUpgradeWaitsForNodegroups(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "skew", "1.29", true)
	createNodegroup(t, e, "skew", "old", true)

	up, err := e.eks.UpdateClusterVersion(t.Context(), &eks.UpdateClusterVersionInput{Name: aws.String("skew"), Version: aws.String("1.30")}, noRetry)
	if err != nil {
		t.Fatalf("UpdateClusterVersion 1.29 -> 1.30 with the node group on 1.29: %v", err)
	}
	e.waitUpdate(t, "skew", "", aws.ToString(up.Update.Id))

	_, err = e.eks.UpdateClusterVersion(t.Context(), &eks.UpdateClusterVersionInput{Name: aws.String("skew"), Version: aws.String("1.31")}, noRetry)
	ipe := wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterVersion 1.30 -> 1.31 with a node group on 1.29", err)
	if !strings.Contains(ipe.ErrorMessage(), "old") {
		t.Errorf("message %q should name the node group", ipe.ErrorMessage())
	}
	if v := aws.ToString(describeCluster(t, e, "skew").Version); v != "1.30" {
		t.Errorf("a refused upgrade changed the version to %s", v)
	}

	ngUp, err := e.eks.UpdateNodegroupVersion(t.Context(), &eks.UpdateNodegroupVersionInput{ClusterName: aws.String("skew"), NodegroupName: aws.String("old"), Version: aws.String("1.30")}, noRetry)
	if err != nil {
		t.Fatal(err)
	}
	e.waitUpdate(t, "skew", "old", aws.ToString(ngUp.Update.Id))
	if _, err := e.eks.UpdateClusterVersion(t.Context(), &eks.UpdateClusterVersionInput{Name: aws.String("skew"), Version: aws.String("1.31")}, noRetry); err != nil {
		t.Errorf("UpdateClusterVersion 1.30 -> 1.31 once the node group is on 1.30: %v", err)
	}
}

// Patch quotas: 100 clusters per region, 30 managed node groups and 10
// Fargate profiles per cluster (EKS service quotas), then
// ResourceLimitExceededException.
func TestEmulatorServiceQuotas(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	e.setDelays(t, 0, 0, 0)
	for i := range 100 {
		if err := createClusterWith(t, e, &eks.CreateClusterInput{Name: aws.String(fmt.Sprintf("q%03d", i)), Version: aws.String("1.31")}); err != nil {
			t.Fatalf("cluster %d of 100: %v", i+1, err)
		}
	}
	err := createClusterWith(t, e, &eks.CreateClusterInput{Name: aws.String("q100"), Version: aws.String("1.31")})
	wantErr[*ekstypes.ResourceLimitExceededException](t, "CreateCluster number 101", err)

	e.waitClusterStatus(t, "q000", "ACTIVE")
	for i := range 30 {
		if _, err := createNodegroupWith(t, e, &eks.CreateNodegroupInput{ClusterName: aws.String("q000"), NodegroupName: aws.String(fmt.Sprintf("ng%02d", i))}); err != nil {
			t.Fatalf("node group %d of 30: %v", i+1, err)
		}
	}
	_, err = createNodegroupWith(t, e, &eks.CreateNodegroupInput{ClusterName: aws.String("q000"), NodegroupName: aws.String("ng30")})
	wantErr[*ekstypes.ResourceLimitExceededException](t, "CreateNodegroup number 31", err)

	for i := range 10 {
		name := fmt.Sprintf("fp%02d", i)
		if _, err := createFargate(t, e, "q000", name); err != nil {
			t.Fatalf("Fargate profile %d of 10: %v", i+1, err)
		}
		e.waitFargateStatus(t, "q000", name, "ACTIVE") // one CREATING at a time
	}
	_, err = createFargate(t, e, "q000", "fp10")
	wantErr[*ekstypes.ResourceLimitExceededException](t, "CreateFargateProfile number 11", err)
}

// Patch paging: a nextToken names where the last page ended, so deleting
// items between pages neither skips nor repeats any (moto's token was the
// next item's name: deleting that item made the next call an HTTP 500).
func TestEmulatorPagingSurvivesDeletions(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	e.setDelays(t, 0, 0, 0)
	names := []string{"pa", "pb", "pc", "pd", "pe"}
	for _, n := range names {
		createCluster(t, e, n, "1.31", false)
	}
	page1, err := e.eks.ListClusters(t.Context(), &eks.ListClustersInput{MaxResults: aws.Int32(2)}, noRetry)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"pa", "pb"}, page1.Clusters); diff != "" || page1.NextToken == nil {
		t.Fatalf("first page (-want +got):\n%s\nnextToken %v", diff, page1.NextToken)
	}
	// Delete the last item returned and the first one not yet returned.
	for _, n := range []string{"pb", "pc"} {
		if _, err := e.eks.DeleteCluster(t.Context(), &eks.DeleteClusterInput{Name: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
		e.waitClusterStatus(t, n, "")
	}
	var rest []string
	token := page1.NextToken
	for token != nil {
		out, err := e.eks.ListClusters(t.Context(), &eks.ListClustersInput{MaxResults: aws.Int32(2), NextToken: token}, noRetry)
		if err != nil {
			t.Fatalf("ListClusters with a token from before the deletions: %v", err)
		}
		rest = append(rest, out.Clusters...)
		token = out.NextToken
	}
	if diff := cmp.Diff([]string{"pd", "pe"}, rest); diff != "" {
		t.Errorf("pages after the deletions (-want +got):\n%s", diff)
	}

	e.waitClusterStatus(t, "pa", "ACTIVE")
	for _, n := range []string{"n1", "n2", "n3"} {
		createNodegroup(t, e, "pa", n, false)
	}
	ng1, err := e.eks.ListNodegroups(t.Context(), &eks.ListNodegroupsInput{ClusterName: aws.String("pa"), MaxResults: aws.Int32(1)}, noRetry)
	if err != nil || len(ng1.Nodegroups) != 1 || ng1.NextToken == nil {
		t.Fatalf("ListNodegroups first page: %v, %v", ng1, err)
	}
	if _, err := e.eks.DeleteNodegroup(t.Context(), &eks.DeleteNodegroupInput{ClusterName: aws.String("pa"), NodegroupName: aws.String("n1")}); err != nil {
		t.Fatal(err)
	}
	e.waitNodegroupStatus(t, "pa", "n1", "")
	ng2, err := e.eks.ListNodegroups(t.Context(), &eks.ListNodegroupsInput{ClusterName: aws.String("pa"), NextToken: ng1.NextToken}, noRetry)
	if err != nil {
		t.Fatalf("ListNodegroups after deleting the last node group returned: %v", err)
	}
	if diff := cmp.Diff([]string{"n2", "n3"}, ng2.Nodegroups); diff != "" {
		t.Errorf("second page of node groups (-want +got):\n%s", diff)
	}
}

// Patch paging: a nextToken the service did not give (or gave for another
// list) is InvalidParameterException, not an HTTP 500 (moto).
func TestEmulatorBadNextToken(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "tok", "1.31", true)
	createCluster(t, e, "tok2", "1.31", false)
	bad := aws.String("not-a-token")
	_, err := e.eks.ListClusters(t.Context(), &eks.ListClustersInput{NextToken: bad}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "ListClusters with a made-up nextToken", err)
	_, err = e.eks.ListNodegroups(t.Context(), &eks.ListNodegroupsInput{ClusterName: aws.String("tok"), NextToken: bad}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "ListNodegroups with a made-up nextToken", err)
	_, err = e.eks.ListFargateProfiles(t.Context(), &eks.ListFargateProfilesInput{ClusterName: aws.String("tok"), NextToken: bad}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "ListFargateProfiles with a made-up nextToken", err)
	_, err = e.eks.ListUpdates(t.Context(), &eks.ListUpdatesInput{Name: aws.String("tok"), NextToken: bad}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "ListUpdates with a made-up nextToken", err)

	// A real token of ListClusters is not one of ListNodegroups.
	page, err := e.eks.ListClusters(t.Context(), &eks.ListClustersInput{MaxResults: aws.Int32(1)}, noRetry)
	if err != nil || page.NextToken == nil {
		t.Fatalf("ListClusters maxResults 1: %v, %v", page, err)
	}
	_, err = e.eks.ListNodegroups(t.Context(), &eks.ListNodegroupsInput{ClusterName: aws.String("tok"), NextToken: page.NextToken}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "ListNodegroups with a ListClusters token", err)
}

// Patch names: cluster names match ^[0-9A-Za-z][A-Za-z0-9\-_]* with 1 to 100
// characters (CreateCluster, service model); node group and Fargate profile
// names the same characters, at most 63.
func TestEmulatorNamePatterns(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	for _, name := range []string{"-lead", "_lead", "has.dot", "has space", strings.Repeat("a", 101)} {
		err := createClusterWith(t, e, &eks.CreateClusterInput{Name: aws.String(name), Version: aws.String("1.31")})
		wantErr[*ekstypes.InvalidParameterException](t, fmt.Sprintf("CreateCluster %q", name), err)
	}
	if err := createClusterWith(t, e, &eks.CreateClusterInput{Name: aws.String("0k_" + strings.Repeat("a", 97)), Version: aws.String("1.31")}); err != nil {
		t.Errorf("CreateCluster with a valid 100-character name: %v", err)
	}
	createCluster(t, e, "names", "1.31", true)
	for _, name := range []string{"-ng", "ng.1", strings.Repeat("n", 64)} {
		_, err := createNodegroupWith(t, e, &eks.CreateNodegroupInput{ClusterName: aws.String("names"), NodegroupName: aws.String(name)})
		wantErr[*ekstypes.InvalidParameterException](t, fmt.Sprintf("CreateNodegroup %q", name), err)
	}
	if _, err := createNodegroupWith(t, e, &eks.CreateNodegroupInput{ClusterName: aws.String("names"), NodegroupName: aws.String(strings.Repeat("n", 63))}); err != nil {
		t.Errorf("CreateNodegroup with a 63-character name: %v", err)
	}
	for _, name := range []string{"fp/1", strings.Repeat("f", 64)} {
		_, err := createFargate(t, e, "names", name)
		wantErr[*ekstypes.InvalidParameterException](t, fmt.Sprintf("CreateFargateProfile %q", name), err)
	}
}

// Patch two-subnets: "You must specify at least two subnets" in different
// Availability Zones, at creation and in a VpcConfigUpdate. The emulator
// knows no zones and counts distinct subnets.
func TestEmulatorClusterNeedsTwoSubnets(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	for what, subnets := range map[string][]string{"one subnet": {"subnet-0a1b2c3d"}, "one subnet twice": {"subnet-0a1b2c3d", "subnet-0a1b2c3d"}} {
		err := createClusterWith(t, e, &eks.CreateClusterInput{Name: aws.String("lonely"), Version: aws.String("1.31"), ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: subnets}})
		wantErr[*ekstypes.InvalidParameterException](t, "CreateCluster with "+what, err)
	}
	createCluster(t, e, "pair", "1.31", true)
	_, err := e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{Name: aws.String("pair"), ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-0a1b2c3d"}}}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig to one subnet", err)
}

// Patch fargate-selectors: "You may specify up to five selectors in a
// Fargate profile" (CreateFargateProfile).
func TestEmulatorFargateAtMostFiveSelectors(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "sel", "1.31", true)
	selectors := func(n int) []ekstypes.FargateProfileSelector {
		var out []ekstypes.FargateProfileSelector
		for i := range n {
			out = append(out, ekstypes.FargateProfileSelector{Namespace: aws.String(fmt.Sprintf("ns%d", i))})
		}
		return out
	}
	in := func(name string, n int) *eks.CreateFargateProfileInput {
		return &eks.CreateFargateProfileInput{ClusterName: aws.String("sel"), FargateProfileName: aws.String(name), PodExecutionRoleArn: aws.String(testPodRole), Subnets: testSubnets, Selectors: selectors(n)}
	}
	_, err := e.eks.CreateFargateProfile(t.Context(), in("six", 6), noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "CreateFargateProfile with six selectors", err)
	if _, err := e.eks.CreateFargateProfile(t.Context(), in("five", 5), noRetry); err != nil {
		t.Errorf("CreateFargateProfile with five selectors: %v", err)
	}
}

// Patch al2-cutoff: Amazon Linux 2 AMI types are refused from Kubernetes
// 1.33 on, at creation and when a node group is upgraded to 1.33.
func TestEmulatorAL2RefusedFrom133(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "new", "1.33", false)
	createCluster(t, e, "old", "1.32", true)
	e.waitClusterStatus(t, "new", "ACTIVE")
	for _, ami := range []ekstypes.AMITypes{ekstypes.AMITypesAl2X8664, ekstypes.AMITypesAl2X8664Gpu, ekstypes.AMITypesAl2Arm64} {
		_, err := createNodegroupWith(t, e, &eks.CreateNodegroupInput{ClusterName: aws.String("new"), NodegroupName: aws.String("al2"), AmiType: ami})
		wantErr[*ekstypes.InvalidParameterException](t, fmt.Sprintf("CreateNodegroup %s on 1.33", ami), err)
	}
	if _, err := createNodegroupWith(t, e, &eks.CreateNodegroupInput{ClusterName: aws.String("new"), NodegroupName: aws.String("al2023"), AmiType: ekstypes.AMITypesAl2023X8664Standard}); err != nil {
		t.Errorf("CreateNodegroup AL2023 on 1.33: %v", err)
	}
	if _, err := createNodegroupWith(t, e, &eks.CreateNodegroupInput{ClusterName: aws.String("old"), NodegroupName: aws.String("al2"), AmiType: ekstypes.AMITypesAl2X8664}); err != nil {
		t.Fatalf("CreateNodegroup AL2 on 1.32: %v", err)
	}
	e.waitNodegroupStatus(t, "old", "al2", "ACTIVE")
	up, err := e.eks.UpdateClusterVersion(t.Context(), &eks.UpdateClusterVersionInput{Name: aws.String("old"), Version: aws.String("1.33")}, noRetry)
	if err != nil {
		t.Fatal(err)
	}
	e.waitUpdate(t, "old", "", aws.ToString(up.Update.Id))
	_, err = e.eks.UpdateNodegroupVersion(t.Context(), &eks.UpdateNodegroupVersionInput{ClusterName: aws.String("old"), NodegroupName: aws.String("al2"), Version: aws.String("1.33")}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateNodegroupVersion of an AL2 node group to 1.33", err)
}

// Patch release-catalog: only AMI releases EKS published for the version
// are accepted (CreateNodegroup, UpdateNodegroupVersion), never an older
// one than the node group runs; without one a node group gets the newest
// release of its version.
func TestEmulatorReleaseCatalog(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "rel", "1.30", true)

	_, err := createNodegroupWith(t, e, &eks.CreateNodegroupInput{ClusterName: aws.String("rel"), NodegroupName: aws.String("madeup"), ReleaseVersion: aws.String("1.30.99-20991231")})
	wantErr[*ekstypes.InvalidParameterException](t, "CreateNodegroup with a release that does not exist", err)

	ng, err := createNodegroupWith(t, e, &eks.CreateNodegroupInput{ClusterName: aws.String("rel"), NodegroupName: aws.String("dflt")})
	if err != nil {
		t.Fatal(err)
	}
	if rv := aws.ToString(ng.ReleaseVersion); rv != "1.30.8-20250103" {
		t.Errorf("default release %q, want the newest 1.30 release of the catalog, 1.30.8-20250103", rv)
	}
	if _, err := createNodegroupWith(t, e, &eks.CreateNodegroupInput{ClusterName: aws.String("rel"), NodegroupName: aws.String("pinned"), ReleaseVersion: aws.String("1.30.4-20240917")}); err != nil {
		t.Fatalf("CreateNodegroup with a catalog release: %v", err)
	}
	e.waitNodegroupStatus(t, "rel", "pinned", "ACTIVE")

	for _, rel := range []string{"1.30.5-20241024", "1.31.3-20250103"} {
		_, err = e.eks.UpdateNodegroupVersion(t.Context(), &eks.UpdateNodegroupVersionInput{ClusterName: aws.String("rel"), NodegroupName: aws.String("pinned"), ReleaseVersion: aws.String(rel)}, noRetry)
		wantErr[*ekstypes.InvalidParameterException](t, "UpdateNodegroupVersion to release "+rel, err)
	}
	up, err := e.eks.UpdateNodegroupVersion(t.Context(), &eks.UpdateNodegroupVersionInput{ClusterName: aws.String("rel"), NodegroupName: aws.String("pinned"), ReleaseVersion: aws.String("1.30.6-20241024")}, noRetry)
	if err != nil {
		t.Fatalf("UpdateNodegroupVersion to a catalog release: %v", err)
	}
	e.waitUpdate(t, "rel", "pinned", aws.ToString(up.Update.Id))
	if rv := aws.ToString(describeNodegroup(t, e, "rel", "pinned").ReleaseVersion); rv != "1.30.6-20241024" {
		t.Errorf("release after the update %q", rv)
	}
	// "You cannot roll back a node group to an earlier ... AMI version."
	_, err = e.eks.UpdateNodegroupVersion(t.Context(), &eks.UpdateNodegroupVersionInput{ClusterName: aws.String("rel"), NodegroupName: aws.String("pinned"), ReleaseVersion: aws.String("1.30.4-20240917")}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateNodegroupVersion back to an older release", err)
}

// Patch noop-updates: like an endpoint or logging update that changes
// nothing, a VpcConfigUpdate to the same subnets and security groups (in any
// order), an access config update to the current authentication mode and an
// upgrade policy update to the current support type are refused.
func TestEmulatorNoOpConfigUpdatesRefused(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "same", "1.31", true)
	for what, in := range map[string]*eks.UpdateClusterConfigInput{
		"the same subnets, reordered": {ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{testSubnets[1], testSubnets[0]}}},
		"the current access mode":     {AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeConfigMap}},
		"the current upgrade policy":  {UpgradePolicy: &ekstypes.UpgradePolicyRequest{SupportType: ekstypes.SupportTypeExtended}},
	} {
		in.Name = aws.String("same")
		_, err := e.eks.UpdateClusterConfig(t.Context(), in, noRetry)
		wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig to "+what, err)
	}
	if s := describeCluster(t, e, "same").Status; s != ekstypes.ClusterStatusActive {
		t.Errorf("refused no-op updates left the cluster %s", s)
	}
}

// Patch update-types: each kind of UpdateClusterConfig starts an update of
// its own type from the service model's UpdateType enum, not a generic
// ConfigUpdate.
func TestEmulatorUpdateTypes(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "types", "1.31", true)
	for _, tc := range []struct {
		in   *eks.UpdateClusterConfigInput
		want ekstypes.UpdateType
	}{
		{&eks.UpdateClusterConfigInput{UpgradePolicy: &ekstypes.UpgradePolicyRequest{SupportType: ekstypes.SupportTypeStandard}}, ekstypes.UpdateTypeUpgradePolicyUpdate},
		{&eks.UpdateClusterConfigInput{ZonalShiftConfig: &ekstypes.ZonalShiftConfigRequest{Enabled: aws.Bool(true)}}, ekstypes.UpdateTypeZonalShiftConfigUpdate},
		{&eks.UpdateClusterConfigInput{AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApiAndConfigMap}}, ekstypes.UpdateTypeAccessConfigUpdate},
		{&eks.UpdateClusterConfigInput{DeletionProtection: aws.Bool(true)}, ekstypes.UpdateTypeDeletionProtectionUpdate},
	} {
		tc.in.Name = aws.String("types")
		out, err := e.eks.UpdateClusterConfig(t.Context(), tc.in, noRetry)
		if err != nil {
			t.Errorf("UpdateClusterConfig for %s: %v", tc.want, err)
			continue
		}
		if out.Update.Type != tc.want {
			t.Errorf("update type %s, want %s", out.Update.Type, tc.want)
		}
		e.waitUpdate(t, "types", "", aws.ToString(out.Update.Id))
	}
}

// Patch token-mismatch: a clientRequestToken repeated with the same
// parameters is the same request (the SDK's retry); with other parameters it
// is refused (InvalidParameterException; see the README for the choice).
func TestEmulatorTokenReuseWithOtherParameters(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	in := &eks.CreateClusterInput{Name: aws.String("tkn"), Version: aws.String("1.30"), ClientRequestToken: aws.String("create-1")}
	if err := createClusterWith(t, e, in); err != nil {
		t.Fatal(err)
	}
	if err := createClusterWith(t, e, in); err != nil {
		t.Errorf("CreateCluster repeated with the same token and parameters: %v", err)
	}
	err := createClusterWith(t, e, &eks.CreateClusterInput{Name: aws.String("tkn"), Version: aws.String("1.31"), ClientRequestToken: aws.String("create-1")})
	wantErr[*ekstypes.InvalidParameterException](t, "CreateCluster with the same token and another version", err)
	e.waitClusterStatus(t, "tkn", "ACTIVE")
	if v := aws.ToString(describeCluster(t, e, "tkn").Version); v != "1.30" {
		t.Errorf("version %s after a refused repeat, want 1.30", v)
	}

	e.setDelays(t, 0, 0, time.Minute)
	logging := func(types ...ekstypes.LogType) *ekstypes.Logging {
		return &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: types, Enabled: aws.Bool(true)}}}
	}
	first, err := e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{Name: aws.String("tkn"), Logging: logging("api"), ClientRequestToken: aws.String("update-1")}, noRetry)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{Name: aws.String("tkn"), Logging: logging("api"), ClientRequestToken: aws.String("update-1")}, noRetry)
	if err != nil || aws.ToString(again.Update.Id) != aws.ToString(first.Update.Id) {
		t.Errorf("UpdateClusterConfig repeated with the same token: %v, %v; want update %s", again, err, aws.ToString(first.Update.Id))
	}
	_, err = e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{Name: aws.String("tkn"), Logging: logging("audit"), ClientRequestToken: aws.String("update-1")}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig with the same token and other logging", err)
	e.setDelays(t, 0, 0, 0)
}

const eksTrustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func createRole(t *testing.T, e *env, name string) {
	t.Helper()
	if _, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(eksTrustPolicy)}); err != nil {
		t.Fatalf("CreateRole %s: %v", name, err)
	}
}

// Patch iam-listroles-encoding: ListRoles returns AssumeRolePolicyDocument
// URL-encoded (RFC 3986) as GetRole does (moto: plain JSON in ListRoles).
func TestEmulatorIAMListRolesURLEncoded(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createRole(t, e, "encoded")
	get, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String("encoded")})
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.iam.ListRoles(t.Context(), &iam.ListRolesInput{})
	if err != nil || len(list.Roles) != 1 {
		t.Fatalf("ListRoles = %v, %v", list, err)
	}
	listed := aws.ToString(list.Roles[0].AssumeRolePolicyDocument)
	if listed != aws.ToString(get.Role.AssumeRolePolicyDocument) {
		t.Errorf("ListRoles document %q, GetRole document %q; want the same encoding", listed, aws.ToString(get.Role.AssumeRolePolicyDocument))
	}
	decoded, err := url.PathUnescape(listed)
	if err != nil || decoded != eksTrustPolicy || listed == eksTrustPolicy {
		t.Errorf("ListRoles document %q decodes to %q (%v); want the URL-encoded trust policy", listed, decoded, err)
	}
}

// Patch iam-trust-policy: CreateRole refuses a trust policy that is not a
// valid policy document, or has a statement without a Principal, with
// MalformedPolicyDocument; nothing is created.
func TestEmulatorIAMMalformedTrustPolicy(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	for what, doc := range map[string]string{
		"not JSON":          `{not json`,
		"without Principal": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`,
		"with Resource":     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}`,
	} {
		_, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String("malformed"), AssumeRolePolicyDocument: aws.String(doc)}, noRetryIAM)
		wantErr[*iamtypes.MalformedPolicyDocumentException](t, "CreateRole with a trust policy "+what, err)
	}
	_, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String("malformed")})
	wantErr[*iamtypes.NoSuchEntityException](t, "GetRole after refused CreateRoles", err)
	createRole(t, e, "wellformed")
	_, err = e.iam.UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{
		RoleName:       aws.String("wellformed"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`),
	}, noRetryIAM)
	wantErr[*iamtypes.MalformedPolicyDocumentException](t, "UpdateAssumeRolePolicy without Principal", err)
}

// Patch iam-role-name: a role name outside 1-64 characters of [\w+=,.@-], or
// a Path that does not begin and end with "/", violates the model's
// constraints: HTTP 400 ValidationError (moto created the role).
func TestEmulatorIAMRoleNameConstraints(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	for what, in := range map[string]*iam.CreateRoleInput{
		"a 65-character name":  {RoleName: aws.String(strings.Repeat("r", 65))},
		"a name with a space":  {RoleName: aws.String("my role")},
		"a name with a slash":  {RoleName: aws.String("team/role")},
		"a path without slash": {RoleName: aws.String("pathless"), Path: aws.String("team")},
	} {
		in.AssumeRolePolicyDocument = aws.String(eksTrustPolicy)
		_, err := e.iam.CreateRole(t.Context(), in, noRetryIAM)
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationError" {
			t.Errorf("CreateRole with %s: %v, want ValidationError", what, err)
		}
	}
	if _, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String(strings.Repeat("r", 64)), Path: aws.String("/team/"), AssumeRolePolicyDocument: aws.String(eksTrustPolicy)}); err != nil {
		t.Errorf("CreateRole with a 64-character name and path /team/: %v", err)
	}
}

// Patch iam-name-case: "Names are not distinguished by case" (CreateRole):
// Demo-x cannot be created next to demo-x, and GetRole finds demo-x as
// DEMO-X, answering with the name as created.
func TestEmulatorIAMRoleNamesIgnoreCase(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createRole(t, e, "demo-x")
	_, err := e.iam.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String("Demo-x"), AssumeRolePolicyDocument: aws.String(eksTrustPolicy)}, noRetryIAM)
	wantErr[*iamtypes.EntityAlreadyExistsException](t, "CreateRole Demo-x next to demo-x", err)
	out, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String("DEMO-X")})
	if err != nil {
		t.Fatalf("GetRole DEMO-X: %v", err)
	}
	if n := aws.ToString(out.Role.RoleName); n != "demo-x" {
		t.Errorf("GetRole DEMO-X answered role %q, want demo-x", n)
	}
}

// Patch iam-paging: ListRolePolicies honours MaxItems with IsTruncated and
// a Marker (moto returned every name), and the Marker survives the deletion
// of the last name returned.
func TestEmulatorIAMListRolePoliciesMaxItems(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createRole(t, e, "inline")
	for _, p := range []string{"p1", "p2", "p3"} {
		if _, err := e.iam.PutRolePolicy(t.Context(), &iam.PutRolePolicyInput{
			RoleName: aws.String("inline"), PolicyName: aws.String(p),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
		}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := e.iam.ListRolePolicies(t.Context(), &iam.ListRolePoliciesInput{RoleName: aws.String("inline"), MaxItems: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"p1", "p2"}, first.PolicyNames); diff != "" || !first.IsTruncated || first.Marker == nil {
		t.Fatalf("first page (-want +got):\n%s\nIsTruncated %v Marker %v", diff, first.IsTruncated, first.Marker)
	}
	if _, err := e.iam.DeleteRolePolicy(t.Context(), &iam.DeleteRolePolicyInput{RoleName: aws.String("inline"), PolicyName: aws.String("p2")}); err != nil {
		t.Fatal(err)
	}
	second, err := e.iam.ListRolePolicies(t.Context(), &iam.ListRolePoliciesInput{RoleName: aws.String("inline"), MaxItems: aws.Int32(2), Marker: first.Marker})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"p3"}, second.PolicyNames); diff != "" || second.IsTruncated || second.Marker != nil {
		t.Errorf("second page (-want +got):\n%s\nIsTruncated %v Marker %v", diff, second.IsTruncated, second.Marker)
	}
}

// Patch iam-paging: a Marker IAM did not give is an IAM error, HTTP 400
// ValidationError "Invalid Marker." (moto: an HTML HTTP 500 page the SDK
// cannot parse, which it retries as a server error).
func TestEmulatorIAMBadMarker(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createRole(t, e, "marked")
	for what, call := range map[string]func() error{
		"ListRoles": func() error {
			_, err := e.iam.ListRoles(t.Context(), &iam.ListRolesInput{Marker: aws.String("zzz")}, noRetryIAM)
			return err
		},
		"ListRolePolicies": func() error {
			_, err := e.iam.ListRolePolicies(t.Context(), &iam.ListRolePoliciesInput{RoleName: aws.String("marked"), Marker: aws.String("zzz")}, noRetryIAM)
			return err
		},
		"ListAttachedRolePolicies": func() error {
			_, err := e.iam.ListAttachedRolePolicies(t.Context(), &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("marked"), Marker: aws.String("zzz")}, noRetryIAM)
			return err
		},
	} {
		err := call()
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationError" {
			t.Errorf("%s with a made-up Marker: %v, want ValidationError", what, err)
		}
		var re *smithyhttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
			t.Errorf("%s with a made-up Marker: HTTP status %v, want 400", what, re)
		}
	}
}

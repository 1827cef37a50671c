package integration

// Tests of the emulator's EKS Auto Mode (computeConfig, storageConfig,
// kubernetesNetworkConfig.elasticLoadBalancing; emulator/eks_auto_mode.py)
// and EKS Connector (RegisterCluster, DeregisterCluster, connected
// clusters; emulator/eks_connector.py), which moto 5.2.1 drops or lacks.
// Through aws-sdk-go-v2, one test per behaviour, each failing with its patch
// switched off (EKSCTL_LITE_EMULATOR_DISABLE=<name>, listed in README.md).

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

const (
	testAutoNodeRole  = "arn:aws:iam::123456789012:role/eks-auto-node"
	testConnectorRole = "arn:aws:iam::123456789012:role/eks-connector"
)

// connectorState is what the emulator's /_eksctl_lite/connector control
// answers about a connected cluster.
type connectorState struct {
	Name             string `json:"name"`
	Status           string `json:"status"`
	ActivationExpiry string `json:"activationExpiry"`
}

// expireActivation puts the connected cluster's activationExpiry in the
// past, as if three days had gone by without its agent connecting: a
// PENDING cluster is then FAILED.
func (e *env) expireActivation(t *testing.T, name string) connectorState {
	t.Helper()
	e.requireMoto(t)
	var out connectorState
	e.control(t, http.MethodPost, "/_eksctl_lite/connector", map[string]any{"name": name, "expire": true}, &out)
	return out
}

// connectAgent makes a PENDING connected cluster ACTIVE, as if its EKS
// Connector agent had activated (fatal once the activation has expired).
func (e *env) connectAgent(t *testing.T, name string) connectorState {
	t.Helper()
	e.requireMoto(t)
	var out connectorState
	e.control(t, http.MethodPost, "/_eksctl_lite/connector", map[string]any{"name": name, "connect": true}, &out)
	return out
}

// autoModeConfig is UpdateClusterConfig's (or CreateCluster's) three Auto
// Mode members with one enabled flag.
func autoModeConfig(on bool, pools []string, role string) (*ekstypes.ComputeConfigRequest, *ekstypes.StorageConfigRequest, *ekstypes.KubernetesNetworkConfigRequest) {
	c := &ekstypes.ComputeConfigRequest{Enabled: aws.Bool(on), NodePools: pools}
	if role != "" {
		c.NodeRoleArn = aws.String(role)
	}
	return c, &ekstypes.StorageConfigRequest{BlockStorage: &ekstypes.BlockStorage{Enabled: aws.Bool(on)}},
		&ekstypes.KubernetesNetworkConfigRequest{ElasticLoadBalancing: &ekstypes.ElasticLoadBalancing{Enabled: aws.Bool(on)}}
}

func autoModeCluster(name string, on bool, pools []string, role string) *eks.CreateClusterInput {
	c, s, k := autoModeConfig(on, pools, role)
	return &eks.CreateClusterInput{
		Name: aws.String(name), Version: aws.String("1.33"), RoleArn: aws.String(testClusterRole),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: testSubnets},
		ComputeConfig:      c, StorageConfig: s, KubernetesNetworkConfig: k,
		BootstrapSelfManagedAddons: aws.Bool(false),
	}
}

// autoMode is what a test compares of a cluster's Auto Mode configuration.
type autoMode struct {
	Compute, Storage, LoadBalancing bool
	NodePools                       []string
	NodeRole                        string
}

func autoModeOf(c *ekstypes.Cluster) autoMode {
	var m autoMode
	if c.ComputeConfig != nil {
		m.Compute, m.NodePools, m.NodeRole = aws.ToBool(c.ComputeConfig.Enabled), c.ComputeConfig.NodePools, aws.ToString(c.ComputeConfig.NodeRoleArn)
		if len(m.NodePools) == 0 {
			m.NodePools = nil // [] and absent alike
		}
	}
	if c.StorageConfig != nil && c.StorageConfig.BlockStorage != nil {
		m.Storage = aws.ToBool(c.StorageConfig.BlockStorage.Enabled)
	}
	if c.KubernetesNetworkConfig != nil && c.KubernetesNetworkConfig.ElasticLoadBalancing != nil {
		m.LoadBalancing = aws.ToBool(c.KubernetesNetworkConfig.ElasticLoadBalancing.Enabled)
	}
	return m
}

// Patch auto-mode: CreateCluster keeps computeConfig, storageConfig and
// kubernetesNetworkConfig.elasticLoadBalancing, and CreateCluster and
// DescribeCluster answer them (moto drops the first two).
func TestEmulatorAutoModeAtCreate(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	want := autoMode{true, true, true, []string{"general-purpose", "system"}, testAutoNodeRole}
	out, err := e.eks.CreateCluster(t.Context(), autoModeCluster("auto", true, []string{"general-purpose", "system"}, testAutoNodeRole), noRetry)
	if err != nil {
		t.Fatalf("CreateCluster with EKS Auto Mode: %v", err)
	}
	if diff := cmp.Diff(want, autoModeOf(out.Cluster)); diff != "" {
		t.Errorf("CreateCluster response's Auto Mode (-want +got):\n%s", diff)
	}
	e.waitClusterStatus(t, "auto", "ACTIVE")
	c := describeCluster(t, e, "auto")
	if diff := cmp.Diff(want, autoModeOf(c)); diff != "" {
		t.Errorf("DescribeCluster's Auto Mode (-want +got):\n%s", diff)
	}
	if c.ComputeConfig == nil || c.StorageConfig == nil {
		t.Errorf("computeConfig %v, storageConfig %v: want both described", c.ComputeConfig, c.StorageConfig)
	}
	// Created with Auto Mode explicitly disabled: described so.
	if _, err := e.eks.CreateCluster(t.Context(), autoModeCluster("plain", false, nil, ""), noRetry); err != nil {
		t.Fatalf("CreateCluster with Auto Mode disabled: %v", err)
	}
	c = describeCluster(t, e, "plain")
	if diff := cmp.Diff(autoMode{}, autoModeOf(c)); diff != "" || c.ComputeConfig == nil {
		t.Errorf("disabled Auto Mode described as (-want +got):\n%s (computeConfig %v)", diff, c.ComputeConfig)
	}
}

// Patch auto-mode-rules: the three capabilities together and equal, node
// pools only general-purpose and system, a node role exactly when there
// are node pools, bootstrapSelfManagedAddons false at creation; on update
// the node role cannot change while compute is enabled, and disabling needs
// the node pools empty. All InvalidParameterException.
func TestEmulatorAutoModeValidation(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	pools := []string{"general-purpose"}
	onlyCompute := autoModeCluster("bad", true, pools, testAutoNodeRole)
	onlyCompute.StorageConfig, onlyCompute.KubernetesNetworkConfig = nil, nil
	unequal := autoModeCluster("bad", true, pools, testAutoNodeRole)
	unequal.StorageConfig.BlockStorage.Enabled = aws.Bool(false)
	bootstrap := autoModeCluster("bad", true, pools, testAutoNodeRole)
	bootstrap.BootstrapSelfManagedAddons = nil // the API's default is true
	for what, in := range map[string]*eks.CreateClusterInput{
		"compute enabled alone":              onlyCompute,
		"storage disabled, the others on":    unequal,
		"a node pool that is not built in":   autoModeCluster("bad", true, []string{"gpu"}, testAutoNodeRole),
		"node pools without a node role":     autoModeCluster("bad", true, pools, ""),
		"a node role without node pools":     autoModeCluster("bad", true, nil, testAutoNodeRole),
		"bootstrapSelfManagedAddons not set": bootstrap,
	} {
		_, err := e.eks.CreateCluster(t.Context(), in, noRetry)
		wantErr[*ekstypes.InvalidParameterException](t, "CreateCluster with "+what, err)
	}
	if _, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String("bad")}); err == nil {
		t.Errorf("a refused CreateCluster left cluster bad behind")
	}

	if _, err := e.eks.CreateCluster(t.Context(), autoModeCluster("auto", true, pools, testAutoNodeRole), noRetry); err != nil {
		t.Fatal(err)
	}
	e.waitClusterStatus(t, "auto", "ACTIVE")
	update := func(c *ekstypes.ComputeConfigRequest, s *ekstypes.StorageConfigRequest, k *ekstypes.KubernetesNetworkConfigRequest) error {
		_, err := e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{
			Name: aws.String("auto"), ComputeConfig: c, StorageConfig: s, KubernetesNetworkConfig: k}, noRetry)
		return err
	}
	c, s, k := autoModeConfig(true, []string{"system"}, "arn:aws:iam::123456789012:role/other")
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig changing the node role", update(c, s, k))
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig with computeConfig alone",
		update(&ekstypes.ComputeConfigRequest{NodePools: []string{}}, nil, nil))
	c, s, k = autoModeConfig(false, pools, "")
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig disabling with node pools", update(c, s, k))
	c, s, k = autoModeConfig(true, []string{"spot"}, "")
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig to an unknown node pool", update(c, s, k))
	c, s, _ = autoModeConfig(false, nil, "")
	_, _, k = autoModeConfig(true, nil, "")
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig disabling compute and storage only", update(c, s, k))
	if got := describeCluster(t, e, "auto"); got.Status != ekstypes.ClusterStatusActive || !autoModeOf(got).Compute {
		t.Errorf("refused updates left the cluster %s, Auto Mode %+v", got.Status, autoModeOf(got))
	}
}

// Patch auto-mode-update: enabling Auto Mode on an existing cluster is an
// AutoModeUpdate, InProgress (cluster UPDATING, old configuration
// described) for the update delay, then Successful; node pools changes keep
// the node role; the same configuration again is refused, as is disabling a
// cluster that never had Auto Mode; disabling clears the node pools.
func TestEmulatorAutoModeUpdate(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "later", "1.33", true)
	update := func(on bool, pools []string, role string) (*ekstypes.Update, error) {
		c, s, k := autoModeConfig(on, pools, role)
		out, err := e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{
			Name: aws.String("later"), ComputeConfig: c, StorageConfig: s, KubernetesNetworkConfig: k}, noRetry)
		if err != nil {
			return nil, err
		}
		return out.Update, nil
	}
	_, err := update(false, nil, "")
	wantErr[*ekstypes.InvalidParameterException](t, "disabling Auto Mode on a cluster that never had it", err)

	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, time.Minute)
	u, err := update(true, []string{"general-purpose"}, testAutoNodeRole)
	if err != nil {
		t.Fatalf("UpdateClusterConfig enabling Auto Mode: %v", err)
	}
	if u.Type != ekstypes.UpdateTypeAutoModeUpdate || u.Status != ekstypes.UpdateStatusInProgress {
		t.Errorf("update %s %s, want AutoModeUpdate InProgress", u.Type, u.Status)
	}
	var params []ekstypes.UpdateParamType
	for _, p := range u.Params {
		params = append(params, p.Type)
	}
	slices.Sort(params)
	if want := []ekstypes.UpdateParamType{"ComputeConfig", "KubernetesNetworkConfig", "StorageConfig"}; !slices.Equal(params, want) {
		t.Errorf("update params %v, want %v", params, want)
	}
	if c := describeCluster(t, e, "later"); c.Status != ekstypes.ClusterStatusUpdating || autoModeOf(c).Compute {
		t.Errorf("during the update: %s with Auto Mode %+v; want UPDATING, the old (disabled) configuration", c.Status, autoModeOf(c))
	}
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 0)
	if done := e.waitUpdate(t, "later", "", aws.ToString(u.Id)); done.Status != ekstypes.UpdateStatusSuccessful {
		t.Fatalf("update ended %s", done.Status)
	}
	e.waitClusterStatus(t, "later", "ACTIVE")
	if diff := cmp.Diff(autoMode{true, true, true, []string{"general-purpose"}, testAutoNodeRole}, autoModeOf(describeCluster(t, e, "later"))); diff != "" {
		t.Errorf("after the update (-want +got):\n%s", diff)
	}

	_, err = update(true, []string{"general-purpose"}, testAutoNodeRole)
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateClusterConfig to the live Auto Mode configuration", err)

	// Node pools without the role: the live role stays.
	u, err = update(true, []string{"general-purpose", "system"}, "")
	if err != nil {
		t.Fatalf("UpdateClusterConfig adding the system node pool: %v", err)
	}
	e.waitUpdate(t, "later", "", aws.ToString(u.Id))
	if diff := cmp.Diff(autoMode{true, true, true, []string{"general-purpose", "system"}, testAutoNodeRole}, autoModeOf(describeCluster(t, e, "later"))); diff != "" {
		t.Errorf("after adding a node pool (-want +got):\n%s", diff)
	}

	u, err = update(false, nil, "")
	if err != nil {
		t.Fatalf("UpdateClusterConfig disabling Auto Mode: %v", err)
	}
	e.waitUpdate(t, "later", "", aws.ToString(u.Id))
	if got := autoModeOf(describeCluster(t, e, "later")); got.Compute || got.Storage || got.LoadBalancing || len(got.NodePools) != 0 {
		t.Errorf("after disabling: %+v, want everything off and no node pools", got)
	}
}

func registerCluster(t *testing.T, e *env, name string, provider ekstypes.ConnectorConfigProvider) *ekstypes.Cluster {
	t.Helper()
	out, err := e.eks.RegisterCluster(t.Context(), &eks.RegisterClusterInput{
		Name:            aws.String(name),
		ConnectorConfig: &ekstypes.ConnectorConfigRequest{RoleArn: aws.String(testConnectorRole), Provider: provider},
		Tags:            map[string]string{"team": "platform"},
	}, noRetry)
	if err != nil {
		t.Fatalf("RegisterCluster %s: %v", name, err)
	}
	return out.Cluster
}

func listClusters(t *testing.T, e *env, include []string) []string {
	t.Helper()
	var names []string
	p := eks.NewListClustersPaginator(e.eks, &eks.ListClustersInput{Include: include, MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context(), noRetry)
		if err != nil {
			t.Fatalf("ListClusters include %v: %v", include, err)
		}
		names = append(names, out.Clusters...)
	}
	return names
}

// Patch connector: RegisterCluster stores a connected cluster that
// DescribeCluster answers PENDING with its connector configuration (an
// activation expiring three days after registration) and nothing of an EKS
// control plane; ListClusters lists it only with include ["all"]; its ARN
// takes tags; its name is taken for CreateCluster and RegisterCluster.
func TestEmulatorRegisterCluster(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "eks-one", "1.33", false)
	before := time.Now()
	reg := registerCluster(t, e, "onprem", ekstypes.ConnectorConfigProviderOther)
	if reg.Status != ekstypes.ClusterStatusPending {
		t.Errorf("RegisterCluster answered %s, want PENDING", reg.Status)
	}
	c := describeCluster(t, e, "onprem")
	cc := c.ConnectorConfig
	if c.Status != ekstypes.ClusterStatusPending || cc == nil {
		t.Fatalf("described %s, connectorConfig %v; want PENDING with a connector configuration", c.Status, cc)
	}
	if aws.ToString(cc.ActivationId) == "" || aws.ToString(cc.ActivationCode) == "" ||
		aws.ToString(cc.Provider) != "OTHER" || aws.ToString(cc.RoleArn) != testConnectorRole {
		t.Errorf("connectorConfig %+v: want an activation ID and code, provider OTHER, role %s", cc, testConnectorRole)
	}
	if exp := aws.ToTime(cc.ActivationExpiry).Sub(aws.ToTime(c.CreatedAt)); exp != 72*time.Hour {
		t.Errorf("activationExpiry %v after createdAt, want 72h", exp)
	}
	if created := aws.ToTime(c.CreatedAt); created.Before(before.Add(-time.Minute)) || created.After(time.Now().Add(time.Minute)) {
		t.Errorf("createdAt %v, want about now", created)
	}
	if aws.ToString(c.Arn) != "arn:aws:eks:us-east-1:123456789012:cluster/onprem" || c.Tags["team"] != "platform" {
		t.Errorf("arn %q, tags %v", aws.ToString(c.Arn), c.Tags)
	}
	if c.Version != nil || c.Endpoint != nil || c.ResourcesVpcConfig != nil || c.RoleArn != nil || c.Identity != nil {
		t.Errorf("a connected cluster described version %v, endpoint %v, resourcesVpcConfig %v, roleArn %v, identity %v: want none",
			c.Version, c.Endpoint, c.ResourcesVpcConfig, c.RoleArn, c.Identity)
	}

	if got := listClusters(t, e, nil); !slices.Equal(got, []string{"eks-one"}) {
		t.Errorf("ListClusters: %v, want only the EKS cluster", got)
	}
	if got := listClusters(t, e, []string{"all"}); !slices.Equal(got, []string{"eks-one", "onprem"}) {
		t.Errorf("ListClusters include all: %v, want both", got)
	}
	_, err := e.eks.ListClusters(t.Context(), &eks.ListClustersInput{Include: []string{"ALL"}}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "ListClusters include ALL ('all' must be in lowercase)", err)

	if _, err := e.eks.TagResource(t.Context(), &eks.TagResourceInput{ResourceArn: c.Arn, Tags: map[string]string{"env": "lab"}}); err != nil {
		t.Fatalf("TagResource on the connected cluster: %v", err)
	}
	tags, err := e.eks.ListTagsForResource(t.Context(), &eks.ListTagsForResourceInput{ResourceArn: c.Arn})
	if err != nil {
		t.Fatalf("ListTagsForResource: %v", err)
	}
	if diff := cmp.Diff(map[string]string{"team": "platform", "env": "lab"}, tags.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}

	_, err = e.eks.RegisterCluster(t.Context(), &eks.RegisterClusterInput{Name: aws.String("onprem"),
		ConnectorConfig: &ekstypes.ConnectorConfigRequest{RoleArn: aws.String(testConnectorRole), Provider: ekstypes.ConnectorConfigProviderGke}}, noRetry)
	wantErr[*ekstypes.ResourceInUseException](t, "RegisterCluster of a name registered", err)
	_, err = e.eks.RegisterCluster(t.Context(), &eks.RegisterClusterInput{Name: aws.String("eks-one"),
		ConnectorConfig: &ekstypes.ConnectorConfigRequest{RoleArn: aws.String(testConnectorRole), Provider: ekstypes.ConnectorConfigProviderGke}}, noRetry)
	wantErr[*ekstypes.ResourceInUseException](t, "RegisterCluster of an EKS cluster's name", err)
	err = createClusterWith(t, e, &eks.CreateClusterInput{Name: aws.String("onprem"), Version: aws.String("1.33")})
	wantErr[*ekstypes.ResourceInUseException](t, "CreateCluster of a connected cluster's name", err)
}

// Patch connector-rules: the provider must be one of the
// ConnectorConfigProvider enum (InvalidParameterException); DeleteCluster
// refuses a connected cluster and DeregisterCluster an EKS cluster, and a
// connected cluster has no control plane to update or add node groups to
// (InvalidRequestException).
func TestEmulatorRegisterClusterValidation(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	_, err := e.eks.RegisterCluster(t.Context(), &eks.RegisterClusterInput{Name: aws.String("odd"),
		ConnectorConfig: &ekstypes.ConnectorConfigRequest{RoleArn: aws.String(testConnectorRole), Provider: "NOMAD"}}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "RegisterCluster with provider NOMAD", err)
	_, err = e.eks.RegisterCluster(t.Context(), &eks.RegisterClusterInput{Name: aws.String("-bad"),
		ConnectorConfig: &ekstypes.ConnectorConfigRequest{RoleArn: aws.String(testConnectorRole), Provider: ekstypes.ConnectorConfigProviderAks}}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "RegisterCluster named -bad", err)

	registerCluster(t, e, "onprem", ekstypes.ConnectorConfigProviderRancher)
	createCluster(t, e, "real", "1.33", true)
	_, err = e.eks.DeleteCluster(t.Context(), &eks.DeleteClusterInput{Name: aws.String("onprem")}, noRetry)
	wantErr[*ekstypes.InvalidRequestException](t, "DeleteCluster of a connected cluster", err)
	// DeregisterCluster declares no InvalidRequestException, so the SDK
	// gives a generic API error with that code.
	_, err = e.eks.DeregisterCluster(t.Context(), &eks.DeregisterClusterInput{Name: aws.String("real")}, noRetry)
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "InvalidRequestException" {
		t.Errorf("DeregisterCluster of an EKS cluster: %v, want InvalidRequestException", err)
	}
	if s := describeCluster(t, e, "real").Status; s != ekstypes.ClusterStatusActive {
		t.Errorf("the EKS cluster is %s after the refused DeregisterCluster", s)
	}
	e.connectAgent(t, "onprem") // ACTIVE, still no control plane
	_, err = e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{Name: aws.String("onprem"),
		Logging: &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Enabled: aws.Bool(true), Types: []ekstypes.LogType{"api"}}}}}, noRetry)
	wantErr[*ekstypes.InvalidRequestException](t, "UpdateClusterConfig of a connected cluster", err)
	_, err = e.eks.CreateNodegroup(t.Context(), &eks.CreateNodegroupInput{ClusterName: aws.String("onprem"), NodegroupName: aws.String("ng"),
		NodeRole: aws.String(testNodeRole), Subnets: testSubnets}, noRetry)
	wantErr[*ekstypes.InvalidRequestException](t, "CreateNodegroup on a connected cluster", err)
}

// Patch connector: DeregisterCluster answers the connected cluster
// DELETING; it is gone after the delete delay. An unknown name is
// ResourceNotFoundException.
func TestEmulatorConnectorDeregister(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	registerCluster(t, e, "onprem", ekstypes.ConnectorConfigProviderEksAnywhere)
	e.setDelays(t, 300*time.Millisecond, time.Minute, 200*time.Millisecond)
	out, err := e.eks.DeregisterCluster(t.Context(), &eks.DeregisterClusterInput{Name: aws.String("onprem")}, noRetry)
	if err != nil {
		t.Fatalf("DeregisterCluster: %v", err)
	}
	if out.Cluster.Status != ekstypes.ClusterStatusDeleting || aws.ToString(out.Cluster.Name) != "onprem" {
		t.Errorf("DeregisterCluster answered %s %s, want onprem DELETING", aws.ToString(out.Cluster.Name), out.Cluster.Status)
	}
	if s := describeCluster(t, e, "onprem").Status; s != ekstypes.ClusterStatusDeleting {
		t.Errorf("described %s while the delete delay runs, want DELETING", s)
	}
	e.setDelays(t, 300*time.Millisecond, 0, 200*time.Millisecond)
	e.waitClusterStatus(t, "onprem", "")
	if got := listClusters(t, e, []string{"all"}); len(got) != 0 {
		t.Errorf("ListClusters include all after deregistering: %v", got)
	}
	_, err = e.eks.DeregisterCluster(t.Context(), &eks.DeregisterClusterInput{Name: aws.String("onprem")}, noRetry)
	wantErr[*ekstypes.ResourceNotFoundException](t, "DeregisterCluster of a cluster that is gone", err)
}

// Patch connector-expiry: a connected cluster whose agent has not connected
// before its activation expires is FAILED (and can still be deregistered);
// one whose agent connected in time stays ACTIVE.
func TestEmulatorConnectorActivationExpiry(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	registerCluster(t, e, "late", ekstypes.ConnectorConfigProviderTanzu)
	registerCluster(t, e, "early", ekstypes.ConnectorConfigProviderTanzu)
	if got := e.connectAgent(t, "early"); got.Status != "ACTIVE" {
		t.Errorf("connect control answered %+v", got)
	}
	e.expireActivation(t, "late")
	e.expireActivation(t, "early")
	c := describeCluster(t, e, "late")
	if c.Status != ekstypes.ClusterStatusFailed {
		t.Errorf("expired activation: %s, want FAILED", c.Status)
	}
	if exp := aws.ToTime(c.ConnectorConfig.ActivationExpiry); !exp.Before(time.Now()) {
		t.Errorf("activationExpiry %v is not in the past", exp)
	}
	if s := describeCluster(t, e, "early").Status; s != ekstypes.ClusterStatusActive {
		t.Errorf("a connected agent's cluster is %s after its activation expired, want ACTIVE", s)
	}
	if _, err := e.eks.DeregisterCluster(t.Context(), &eks.DeregisterClusterInput{Name: aws.String("late")}, noRetry); err != nil {
		t.Errorf("DeregisterCluster of a FAILED connected cluster: %v", err)
	}
}

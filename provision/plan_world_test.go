package provision

// A fake AWS account for planner tests and the plan benchmark: live EKS and
// IAM objects in SDK types, served through the project's function-field
// fakes (fakeEKS, fakeIAM), with call counting, optional latency, page
// sizes small enough to exercise pagination, and injected errors.
// converge() plays a minimal apply of a plan into the world, so tests can
// check the most important property: a plan right after apply is empty.

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

const testAccount = "111122223333"

type worldRole struct {
	role     iamtypes.Role
	tags     map[string]string
	attached []string
	inline   string
}

type worldProvider struct {
	url       string
	clientIDs []string
	tags      map[string]string
}

type world struct {
	mu         sync.Mutex
	region     string
	clusters   map[string]*ekstypes.Cluster
	nodegroups map[string]map[string]*ekstypes.Nodegroup
	fargate    map[string]map[string]*ekstypes.FargateProfile
	roles      map[string]*worldRole
	providers  map[string]*worldProvider
	// pageSize > 0 makes list calls return pages of that size.
	pageSize int
	latency  time.Duration
	calls    map[string]int
	// fail makes the named operation return the error.
	fail map[string]error
}

func newWorld() *world {
	return &world{
		region:     "eu-west-1",
		clusters:   map[string]*ekstypes.Cluster{},
		nodegroups: map[string]map[string]*ekstypes.Nodegroup{},
		fargate:    map[string]map[string]*ekstypes.FargateProfile{},
		roles:      map[string]*worldRole{},
		providers:  map[string]*worldProvider{},
		calls:      map[string]int{},
		fail:       map[string]error{},
	}
}

// enter counts a call, sleeps the latency, and returns an injected error.
func (w *world) enter(op string) error {
	w.mu.Lock()
	w.calls[op]++
	err := w.fail[op]
	lat := w.latency
	w.mu.Unlock()
	if lat > 0 {
		time.Sleep(lat)
	}
	return err
}

func (w *world) totalCalls() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, c := range w.calls {
		n += c
	}
	return n
}

// page returns the page of names starting at token.
func (w *world) page(names []string, token *string) ([]string, *string) {
	sort.Strings(names)
	start := 0
	if token != nil {
		start, _ = strconv.Atoi(*token)
	}
	if w.pageSize <= 0 || start+w.pageSize >= len(names) {
		return names[start:], nil
	}
	next := strconv.Itoa(start + w.pageSize)
	return names[start : start+w.pageSize], &next
}

type regionEKS struct {
	*fakeEKS
	region string
}

func (r regionEKS) Options() eks.Options { return eks.Options{Region: r.region} }

func eksNotFound(what string) error {
	return &ekstypes.ResourceNotFoundException{Message: aws.String(what + " not found")}
}

func iamNotFound(what string) error {
	return &iamtypes.NoSuchEntityException{Message: aws.String(what + " not found")}
}

// factory serves the world through fakes for its region only.
func (w *world) factory() ClientsFactory {
	c := &Clients{EKS: regionEKS{w.fakeEKS(), w.region}, IAM: w.fakeIAM()}
	return func(region string) (*Clients, error) {
		if region != "" && region != w.region {
			return nil, fmt.Errorf("test world has no region %s", region)
		}
		return c, nil
	}
}

func (w *world) fakeEKS() *fakeEKS {
	return &fakeEKS{
		describeClusterFn: func(_ context.Context, in *eks.DescribeClusterInput) (*eks.DescribeClusterOutput, error) {
			if err := w.enter("DescribeCluster"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			c, ok := w.clusters[*in.Name]
			if !ok {
				return nil, eksNotFound("cluster")
			}
			cp := *c
			return &eks.DescribeClusterOutput{Cluster: &cp}, nil
		},
		listNodegroupsFn: func(_ context.Context, in *eks.ListNodegroupsInput) (*eks.ListNodegroupsOutput, error) {
			if err := w.enter("ListNodegroups"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			if _, ok := w.clusters[*in.ClusterName]; !ok {
				return nil, eksNotFound("cluster")
			}
			var names []string
			for n := range w.nodegroups[*in.ClusterName] {
				names = append(names, n)
			}
			page, next := w.page(names, in.NextToken)
			return &eks.ListNodegroupsOutput{Nodegroups: page, NextToken: next}, nil
		},
		describeNodegroupFn: func(_ context.Context, in *eks.DescribeNodegroupInput) (*eks.DescribeNodegroupOutput, error) {
			if err := w.enter("DescribeNodegroup"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			n, ok := w.nodegroups[*in.ClusterName][*in.NodegroupName]
			if !ok {
				return nil, eksNotFound("node group")
			}
			cp := *n
			return &eks.DescribeNodegroupOutput{Nodegroup: &cp}, nil
		},
		listFargateProfilesFn: func(_ context.Context, in *eks.ListFargateProfilesInput) (*eks.ListFargateProfilesOutput, error) {
			if err := w.enter("ListFargateProfiles"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			if _, ok := w.clusters[*in.ClusterName]; !ok {
				return nil, eksNotFound("cluster")
			}
			var names []string
			for n := range w.fargate[*in.ClusterName] {
				names = append(names, n)
			}
			page, next := w.page(names, in.NextToken)
			return &eks.ListFargateProfilesOutput{FargateProfileNames: page, NextToken: next}, nil
		},
		describeFargateProfileFn: func(_ context.Context, in *eks.DescribeFargateProfileInput) (*eks.DescribeFargateProfileOutput, error) {
			if err := w.enter("DescribeFargateProfile"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			f, ok := w.fargate[*in.ClusterName][*in.FargateProfileName]
			if !ok {
				return nil, eksNotFound("Fargate profile")
			}
			cp := *f
			return &eks.DescribeFargateProfileOutput{FargateProfile: &cp}, nil
		},
	}
}

func (w *world) fakeIAM() *fakeIAM {
	return &fakeIAM{
		listRolesFn: func(_ context.Context, in *iam.ListRolesInput) (*iam.ListRolesOutput, error) {
			if err := w.enter("ListRoles"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			var names []string
			for n, r := range w.roles {
				if strings.HasPrefix(aws.ToString(r.role.Path), aws.ToString(in.PathPrefix)) {
					names = append(names, n)
				}
			}
			page, next := w.page(names, in.Marker)
			out := &iam.ListRolesOutput{IsTruncated: next != nil, Marker: next}
			for _, n := range page {
				out.Roles = append(out.Roles, w.roles[n].role)
			}
			return out, nil
		},
		getRoleFn: func(_ context.Context, in *iam.GetRoleInput) (*iam.GetRoleOutput, error) {
			if err := w.enter("GetRole"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			r, ok := w.roles[*in.RoleName]
			if !ok {
				return nil, iamNotFound("role")
			}
			role := r.role
			for _, k := range sortedKeys(r.tags) {
				role.Tags = append(role.Tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(r.tags[k])})
			}
			return &iam.GetRoleOutput{Role: &role}, nil
		},
		listRoleTagsFn: func(_ context.Context, in *iam.ListRoleTagsInput) (*iam.ListRoleTagsOutput, error) {
			if err := w.enter("ListRoleTags"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			r, ok := w.roles[*in.RoleName]
			if !ok {
				return nil, iamNotFound("role")
			}
			var keys []string
			for k := range r.tags {
				keys = append(keys, k)
			}
			page, next := w.page(keys, in.Marker)
			out := &iam.ListRoleTagsOutput{IsTruncated: next != nil, Marker: next}
			for _, k := range page {
				out.Tags = append(out.Tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(r.tags[k])})
			}
			return out, nil
		},
		listAttachedRolePoliciesFn: func(_ context.Context, in *iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error) {
			if err := w.enter("ListAttachedRolePolicies"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			r, ok := w.roles[*in.RoleName]
			if !ok {
				return nil, iamNotFound("role")
			}
			page, next := w.page(append([]string(nil), r.attached...), in.Marker)
			out := &iam.ListAttachedRolePoliciesOutput{IsTruncated: next != nil, Marker: next}
			for _, a := range page {
				out.AttachedPolicies = append(out.AttachedPolicies, iamtypes.AttachedPolicy{PolicyArn: aws.String(a)})
			}
			return out, nil
		},
		getRolePolicyFn: func(_ context.Context, in *iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error) {
			if err := w.enter("GetRolePolicy"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			r, ok := w.roles[*in.RoleName]
			if !ok || r.inline == "" || *in.PolicyName != InlinePolicyName {
				return nil, iamNotFound("policy")
			}
			return &iam.GetRolePolicyOutput{PolicyDocument: aws.String(url.PathEscape(r.inline))}, nil
		},
		listOpenIDConnectProvidersFn: func(_ context.Context, in *iam.ListOpenIDConnectProvidersInput) (*iam.ListOpenIDConnectProvidersOutput, error) {
			if err := w.enter("ListOpenIDConnectProviders"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			out := &iam.ListOpenIDConnectProvidersOutput{}
			for _, arn := range sortedKeys(w.providers) {
				out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, iamtypes.OpenIDConnectProviderListEntry{Arn: aws.String(arn)})
			}
			return out, nil
		},
		getOpenIDConnectProviderFn: func(_ context.Context, in *iam.GetOpenIDConnectProviderInput) (*iam.GetOpenIDConnectProviderOutput, error) {
			if err := w.enter("GetOpenIDConnectProvider"); err != nil {
				return nil, err
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			p, ok := w.providers[*in.OpenIDConnectProviderArn]
			if !ok {
				return nil, iamNotFound("provider")
			}
			out := &iam.GetOpenIDConnectProviderOutput{Url: aws.String(p.url), ClientIDList: p.clientIDs}
			for _, k := range sortedKeys(p.tags) {
				out.Tags = append(out.Tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(p.tags[k])})
			}
			return out, nil
		},
	}
}

// Live objects, built as AWS would describe them.

func roleARNOf(name string) string { return roleARNAt(RolePath, name) }

// rootRoleARNOf is the ARN of a role at RootRolePath (managed node and pod
// execution roles).
func rootRoleARNOf(name string) string { return roleARNAt(RootRolePath, name) }

func roleARNAt(path, name string) string {
	return "arn:aws:iam::" + testAccount + ":role" + path + name
}

func issuerOf(region, cluster string) string {
	return "https://oidc.eks." + region + ".amazonaws.com/id/" + strings.ToUpper(shortHash(cluster)+shortHash(cluster+"x"))
}

func providerARNOf(issuer string) string {
	return "arn:aws:iam::" + testAccount + ":oidc-provider/" + strings.TrimPrefix(issuer, "https://")
}

func (w *world) putCluster(a *ClusterAttrs) {
	c := &ekstypes.Cluster{
		Name:    aws.String(a.Name),
		Arn:     aws.String("arn:aws:eks:" + w.region + ":" + testAccount + ":cluster/" + a.Name),
		Version: aws.String(a.Version),
		RoleArn: aws.String(a.RoleARN),
		Status:  ekstypes.ClusterStatusActive,
		Tags:    copyMap(a.Tags),
		ResourcesVpcConfig: &ekstypes.VpcConfigResponse{
			SubnetIds:             a.SubnetIDs,
			SecurityGroupIds:      a.SecurityGroupIDs,
			EndpointPublicAccess:  a.EndpointPublicAccess,
			EndpointPrivateAccess: a.EndpointPrivateAccess,
			PublicAccessCidrs:     a.PublicAccessCIDRs,
		},
		Identity: &ekstypes.Identity{Oidc: &ekstypes.OIDC{Issuer: aws.String(issuerOf(w.region, a.Name))}},
	}
	var types []ekstypes.LogType
	for _, t := range a.Logging {
		types = append(types, ekstypes.LogType(t))
	}
	c.Logging = &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Types: types, Enabled: aws.Bool(true)}}}
	if a.KMSKeyARN != "" {
		c.EncryptionConfig = []ekstypes.EncryptionConfig{{Provider: &ekstypes.Provider{KeyArn: aws.String(a.KMSKeyARN)}, Resources: []string{"secrets"}}}
	}
	w.clusters[a.Name] = c
}

func (w *world) putNodeGroup(cluster string, a *NodeGroupAttrs) {
	n := &ekstypes.Nodegroup{
		ClusterName:    aws.String(cluster),
		NodegroupName:  aws.String(a.Name),
		NodegroupArn:   aws.String("arn:aws:eks:" + w.region + ":" + testAccount + ":nodegroup/" + cluster + "/" + a.Name + "/0000"),
		InstanceTypes:  a.InstanceTypes,
		AmiType:        ekstypes.AMITypes(a.AMIType),
		CapacityType:   ekstypes.CapacityTypes(a.CapacityType),
		DiskSize:       aws.Int32(int32(a.DiskSize)),
		Subnets:        a.SubnetIDs,
		NodeRole:       aws.String(a.NodeRoleARN),
		Version:        aws.String(a.Version),
		ReleaseVersion: aws.String(a.Version + ".0-20250101"),
		Labels:         copyMap(a.Labels),
		Tags:           copyMap(a.Tags),
		Status:         ekstypes.NodegroupStatusActive,
		ScalingConfig:  &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(int32(a.MinSize)), MaxSize: aws.Int32(int32(a.MaxSize))},
		UpdateConfig:   &ekstypes.NodegroupUpdateConfig{},
	}
	if a.ReleaseVersion != "" {
		n.ReleaseVersion = aws.String(a.ReleaseVersion)
	}
	if a.DesiredSize != nil {
		n.ScalingConfig.DesiredSize = aws.Int32(int32(*a.DesiredSize))
	}
	if a.MaxUnavailable != nil {
		n.UpdateConfig.MaxUnavailable = aws.Int32(int32(*a.MaxUnavailable))
	}
	if a.MaxUnavailablePercentage != nil {
		n.UpdateConfig.MaxUnavailablePercentage = aws.Int32(int32(*a.MaxUnavailablePercentage))
	}
	// AWS returns taints in its own order.
	for i := len(a.Taints) - 1; i >= 0; i-- {
		t := a.Taints[i]
		n.Taints = append(n.Taints, ekstypes.Taint{Key: aws.String(t.Key), Value: aws.String(t.Value), Effect: ekstypes.TaintEffect(t.Effect)})
	}
	if w.nodegroups[cluster] == nil {
		w.nodegroups[cluster] = map[string]*ekstypes.Nodegroup{}
	}
	w.nodegroups[cluster][a.Name] = n
}

func (w *world) putFargate(cluster string, a *FargateProfileAttrs) {
	f := &ekstypes.FargateProfile{
		ClusterName:         aws.String(cluster),
		FargateProfileName:  aws.String(a.Name),
		FargateProfileArn:   aws.String("arn:aws:eks:" + w.region + ":" + testAccount + ":fargateprofile/" + cluster + "/" + a.Name + "/0000"),
		Subnets:             a.SubnetIDs,
		PodExecutionRoleArn: aws.String(a.PodExecutionRoleARN),
		Tags:                copyMap(a.Tags),
		Status:              ekstypes.FargateProfileStatusActive,
	}
	for _, s := range a.Selectors {
		f.Selectors = append(f.Selectors, ekstypes.FargateProfileSelector{Namespace: aws.String(s.Namespace), Labels: s.Labels})
	}
	if w.fargate[cluster] == nil {
		w.fargate[cluster] = map[string]*ekstypes.FargateProfile{}
	}
	w.fargate[cluster][a.Name] = f
}

// putRole stores a role; IAM returns its trust policy URL-encoded, with
// single values not in lists, as a real account might.
func (w *world) putRole(a *RoleAttrs) {
	trust := strings.ReplaceAll(a.AssumeRolePolicy, `"Action":["sts:AssumeRole"]`, `"Action":"sts:AssumeRole"`)
	w.roles[a.Name] = &worldRole{
		role: iamtypes.Role{
			RoleName:                 aws.String(a.Name),
			Arn:                      aws.String(roleARNAt(a.Path, a.Name)),
			Path:                     aws.String(a.Path),
			AssumeRolePolicyDocument: aws.String(url.PathEscape(trust)),
		},
		tags:     copyMap(a.Tags),
		attached: append([]string(nil), a.PolicyARNs...),
		inline:   a.InlinePolicy,
	}
}

func (w *world) putProvider(a *OIDCProviderAttrs) string {
	arn := providerARNOf(a.URL)
	w.providers[arn] = &worldProvider{url: strings.TrimPrefix(a.URL, "https://"), clientIDs: a.ClientIDs, tags: copyMap(a.Tags)}
	return arn
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// converge applies a plan to the world the simplest possible way: resolve
// unknowns from what exists, then create, replace, update or delete.
func (w *world) converge(t testing.TB, p *Plan) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	rank := func(ch *ResourceChange) int {
		switch {
		case ch.Type == TypeRole && !strings.Contains(ch.Address, ".irsa."):
			return 0
		case ch.Type == TypeCluster:
			return 1
		case ch.Type == TypeOIDCProvider:
			return 2
		case ch.Type == TypeRole:
			return 3
		}
		return 4
	}
	changes := append([]*ResourceChange(nil), p.Changes...)
	sort.SliceStable(changes, func(i, j int) bool { return rank(changes[i]) < rank(changes[j]) })
	arnOf := map[string]string{}
	for _, ch := range changes {
		switch ch.Action {
		case NoOp:
			if r, ok := ch.Before.(*RoleAttrs); ok {
				arnOf[ch.Address] = r.ARN
			}
			if o, ok := ch.Before.(*OIDCProviderAttrs); ok {
				arnOf[ch.Address] = o.ARN
			}
			continue
		case Delete:
			w.remove(ch)
			continue
		case Replace:
			w.remove(ch)
		}
		switch a := ch.After.(type) {
		case *RoleAttrs:
			cp := *a
			if cp.AssumeRolePolicy == KnownAfterApply {
				ns, sa, _ := strings.Cut(cp.ServiceAccount, "/")
				issuer := issuerOf(w.region, ch.Cluster)
				cp.AssumeRolePolicy = IRSATrustPolicy(providerARNOf(issuer), issuer, ns, sa)
			}
			w.putRole(&cp)
			arnOf[ch.Address] = roleARNAt(cp.Path, cp.Name)
		case *ClusterAttrs:
			cp := *a
			if cp.RoleARN == KnownAfterApply {
				cp.RoleARN = arnOf[ch.Refs["role_arn"]]
			}
			w.putCluster(&cp)
		case *OIDCProviderAttrs:
			cp := *a
			if cp.URL == KnownAfterApply {
				cp.URL = issuerOf(w.region, ch.Cluster)
			}
			arnOf[ch.Address] = w.putProvider(&cp)
		case *NodeGroupAttrs:
			cp := *a
			if cp.NodeRoleARN == KnownAfterApply {
				cp.NodeRoleARN = rootRoleARNOf(NodeRoleName(ch.Cluster, ch.Region))
			}
			w.putNodeGroup(ch.Cluster, &cp)
		case *FargateProfileAttrs:
			cp := *a
			if cp.PodExecutionRoleARN == KnownAfterApply {
				cp.PodExecutionRoleARN = rootRoleARNOf(PodExecutionRoleName(ch.Cluster, ch.Region))
			}
			w.putFargate(ch.Cluster, &cp)
		}
	}
}

func (w *world) remove(ch *ResourceChange) {
	switch b := ch.Before.(type) {
	case *RoleAttrs:
		delete(w.roles, b.Name)
	case *ClusterAttrs:
		delete(w.clusters, b.Name)
	case *OIDCProviderAttrs:
		delete(w.providers, b.ARN)
	case *NodeGroupAttrs:
		delete(w.nodegroups[ch.Cluster], b.Name)
	case *FargateProfileAttrs:
		delete(w.fargate[ch.Cluster], b.Name)
	}
}

// Spec fixtures: what spec.Load returns for typical blocks, defaults applied.

func testRange(line int) hcl.Range {
	return hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: line, Column: 1, Byte: 0}, End: hcl.Pos{Line: line, Column: 10, Byte: 9}}
}

func testCluster(name string) *spec.Cluster {
	return &spec.Cluster{
		Name:    name,
		Version: "1.31",
		Tags:    map[string]string{"team": "platform"},
		VPC: spec.VPC{
			SubnetIDs:            []string{"subnet-a", "subnet-b"},
			EndpointPublicAccess: true,
			PublicAccessCIDRs:    []string{"0.0.0.0/0"},
			DeclRange:            testRange(3),
		},
		Logging:   []string{"api", "audit"},
		DeclRange: testRange(1),
	}
}

func testNodeGroup(c *spec.Cluster, name string) *spec.NodeGroup {
	ng := &spec.NodeGroup{
		Name:                  name,
		InstanceTypes:         []string{"t3.medium"},
		AMIType:               "AL2023_x86_64_STANDARD",
		CapacityType:          "ON_DEMAND",
		DiskSize:              20,
		SubnetIDs:             []string{"subnet-a", "subnet-b"},
		Version:               c.Version,
		VersionFollowsCluster: true,
		Labels:                map[string]string{"role": name},
		Scaling:               spec.Scaling{MinSize: 1, MaxSize: 3},
		Taints:                []spec.Taint{{Key: "a", Value: "1", Effect: "NO_SCHEDULE"}, {Key: "b", Effect: "NO_EXECUTE"}},
		DeclRange:             testRange(10),
	}
	c.NodeGroups = append(c.NodeGroups, ng)
	return ng
}

func testFargate(c *spec.Cluster, name string) *spec.FargateProfile {
	fp := &spec.FargateProfile{
		Name:      name,
		SubnetIDs: []string{"subnet-a"},
		Selectors: []spec.Selector{{Namespace: name}},
		DeclRange: testRange(20),
	}
	c.FargateProfiles = append(c.FargateProfiles, fp)
	return fp
}

func testIRSA(c *spec.Cluster, name string) *spec.IRSA {
	ir := &spec.IRSA{
		Name:           name,
		Namespace:      "default",
		ServiceAccount: name,
		RoleName:       c.Name + "-" + name,
		PolicyARNs:     []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
		InlinePolicy:   `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
		DeclRange:      testRange(30),
	}
	c.IRSA = append(c.IRSA, ir)
	return ir
}

// fullCluster has one of everything.
func fullCluster(name string) *spec.Cluster {
	c := testCluster(name)
	testNodeGroup(c, "general")
	testFargate(c, "system")
	testIRSA(c, "s3-reader")
	return c
}

func testConfig(clusters ...*spec.Cluster) *spec.Config {
	return &spec.Config{Clusters: clusters}
}

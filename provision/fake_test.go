package provision

// Function-field fakes of EKSAPI and IAMAPI: the one fake style of the
// project. A test sets the functions it expects to be called; calling one
// that is not set fails loudly, so a test also proves what it does not call.

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

type fakeEKS struct {
	createClusterFn             func(context.Context, *eks.CreateClusterInput) (*eks.CreateClusterOutput, error)
	describeClusterVersionsFn   func(context.Context, *eks.DescribeClusterVersionsInput) (*eks.DescribeClusterVersionsOutput, error)
	describeClusterFn           func(context.Context, *eks.DescribeClusterInput) (*eks.DescribeClusterOutput, error)
	listClustersFn              func(context.Context, *eks.ListClustersInput) (*eks.ListClustersOutput, error)
	deleteClusterFn             func(context.Context, *eks.DeleteClusterInput) (*eks.DeleteClusterOutput, error)
	updateClusterVersionFn      func(context.Context, *eks.UpdateClusterVersionInput) (*eks.UpdateClusterVersionOutput, error)
	updateClusterConfigFn       func(context.Context, *eks.UpdateClusterConfigInput) (*eks.UpdateClusterConfigOutput, error)
	associateEncryptionConfigFn func(context.Context, *eks.AssociateEncryptionConfigInput) (*eks.AssociateEncryptionConfigOutput, error)
	describeUpdateFn            func(context.Context, *eks.DescribeUpdateInput) (*eks.DescribeUpdateOutput, error)
	listUpdatesFn               func(context.Context, *eks.ListUpdatesInput) (*eks.ListUpdatesOutput, error)
	tagResourceFn               func(context.Context, *eks.TagResourceInput) (*eks.TagResourceOutput, error)
	untagResourceFn             func(context.Context, *eks.UntagResourceInput) (*eks.UntagResourceOutput, error)
	listNodegroupsFn            func(context.Context, *eks.ListNodegroupsInput) (*eks.ListNodegroupsOutput, error)
	describeNodegroupFn         func(context.Context, *eks.DescribeNodegroupInput) (*eks.DescribeNodegroupOutput, error)
	createNodegroupFn           func(context.Context, *eks.CreateNodegroupInput) (*eks.CreateNodegroupOutput, error)
	deleteNodegroupFn           func(context.Context, *eks.DeleteNodegroupInput) (*eks.DeleteNodegroupOutput, error)
	updateNodegroupConfigFn     func(context.Context, *eks.UpdateNodegroupConfigInput) (*eks.UpdateNodegroupConfigOutput, error)
	updateNodegroupVersionFn    func(context.Context, *eks.UpdateNodegroupVersionInput) (*eks.UpdateNodegroupVersionOutput, error)
	listFargateProfilesFn       func(context.Context, *eks.ListFargateProfilesInput) (*eks.ListFargateProfilesOutput, error)
	describeFargateProfileFn    func(context.Context, *eks.DescribeFargateProfileInput) (*eks.DescribeFargateProfileOutput, error)
	createFargateProfileFn      func(context.Context, *eks.CreateFargateProfileInput) (*eks.CreateFargateProfileOutput, error)
	deleteFargateProfileFn      func(context.Context, *eks.DeleteFargateProfileInput) (*eks.DeleteFargateProfileOutput, error)

	fakePodIdentityEKS
	fakeConnectorEKS
	fakeAddonEKS
	fakeAccessEKS
}

func (f *fakeEKS) DescribeClusterVersions(ctx context.Context, in *eks.DescribeClusterVersionsInput, _ ...func(*eks.Options)) (*eks.DescribeClusterVersionsOutput, error) {
	if f.describeClusterVersionsFn == nil {
		panic(fmt.Sprintf("unexpected call DescribeClusterVersions(%+v)", in))
	}
	return f.describeClusterVersionsFn(ctx, in)
}

func (f *fakeEKS) CreateCluster(ctx context.Context, in *eks.CreateClusterInput, _ ...func(*eks.Options)) (*eks.CreateClusterOutput, error) {
	if f.createClusterFn == nil {
		panic(fmt.Sprintf("unexpected call CreateCluster(%+v)", in))
	}
	return f.createClusterFn(ctx, in)
}

func (f *fakeEKS) DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, _ ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	if f.describeClusterFn == nil {
		panic(fmt.Sprintf("unexpected call DescribeCluster(%+v)", in))
	}
	return f.describeClusterFn(ctx, in)
}

func (f *fakeEKS) ListClusters(ctx context.Context, in *eks.ListClustersInput, _ ...func(*eks.Options)) (*eks.ListClustersOutput, error) {
	if f.listClustersFn == nil {
		panic(fmt.Sprintf("unexpected call ListClusters(%+v)", in))
	}
	return f.listClustersFn(ctx, in)
}

func (f *fakeEKS) DeleteCluster(ctx context.Context, in *eks.DeleteClusterInput, _ ...func(*eks.Options)) (*eks.DeleteClusterOutput, error) {
	if f.deleteClusterFn == nil {
		panic(fmt.Sprintf("unexpected call DeleteCluster(%+v)", in))
	}
	return f.deleteClusterFn(ctx, in)
}

func (f *fakeEKS) UpdateClusterVersion(ctx context.Context, in *eks.UpdateClusterVersionInput, _ ...func(*eks.Options)) (*eks.UpdateClusterVersionOutput, error) {
	if f.updateClusterVersionFn == nil {
		panic(fmt.Sprintf("unexpected call UpdateClusterVersion(%+v)", in))
	}
	return f.updateClusterVersionFn(ctx, in)
}

func (f *fakeEKS) UpdateClusterConfig(ctx context.Context, in *eks.UpdateClusterConfigInput, _ ...func(*eks.Options)) (*eks.UpdateClusterConfigOutput, error) {
	if f.updateClusterConfigFn == nil {
		panic(fmt.Sprintf("unexpected call UpdateClusterConfig(%+v)", in))
	}
	return f.updateClusterConfigFn(ctx, in)
}

func (f *fakeEKS) AssociateEncryptionConfig(ctx context.Context, in *eks.AssociateEncryptionConfigInput, _ ...func(*eks.Options)) (*eks.AssociateEncryptionConfigOutput, error) {
	if f.associateEncryptionConfigFn == nil {
		panic(fmt.Sprintf("unexpected call AssociateEncryptionConfig(%+v)", in))
	}
	return f.associateEncryptionConfigFn(ctx, in)
}

func (f *fakeEKS) ListUpdates(ctx context.Context, in *eks.ListUpdatesInput, _ ...func(*eks.Options)) (*eks.ListUpdatesOutput, error) {
	if f.listUpdatesFn == nil {
		panic(fmt.Sprintf("unexpected call ListUpdates(%+v)", in))
	}
	return f.listUpdatesFn(ctx, in)
}

func (f *fakeEKS) DescribeUpdate(ctx context.Context, in *eks.DescribeUpdateInput, _ ...func(*eks.Options)) (*eks.DescribeUpdateOutput, error) {
	if f.describeUpdateFn == nil {
		panic(fmt.Sprintf("unexpected call DescribeUpdate(%+v)", in))
	}
	return f.describeUpdateFn(ctx, in)
}

func (f *fakeEKS) TagResource(ctx context.Context, in *eks.TagResourceInput, _ ...func(*eks.Options)) (*eks.TagResourceOutput, error) {
	if f.tagResourceFn == nil {
		panic(fmt.Sprintf("unexpected call TagResource(%+v)", in))
	}
	return f.tagResourceFn(ctx, in)
}

func (f *fakeEKS) UntagResource(ctx context.Context, in *eks.UntagResourceInput, _ ...func(*eks.Options)) (*eks.UntagResourceOutput, error) {
	if f.untagResourceFn == nil {
		panic(fmt.Sprintf("unexpected call UntagResource(%+v)", in))
	}
	return f.untagResourceFn(ctx, in)
}

func (f *fakeEKS) ListNodegroups(ctx context.Context, in *eks.ListNodegroupsInput, _ ...func(*eks.Options)) (*eks.ListNodegroupsOutput, error) {
	if f.listNodegroupsFn == nil {
		panic(fmt.Sprintf("unexpected call ListNodegroups(%+v)", in))
	}
	return f.listNodegroupsFn(ctx, in)
}

func (f *fakeEKS) DescribeNodegroup(ctx context.Context, in *eks.DescribeNodegroupInput, _ ...func(*eks.Options)) (*eks.DescribeNodegroupOutput, error) {
	if f.describeNodegroupFn == nil {
		panic(fmt.Sprintf("unexpected call DescribeNodegroup(%+v)", in))
	}
	return f.describeNodegroupFn(ctx, in)
}

func (f *fakeEKS) CreateNodegroup(ctx context.Context, in *eks.CreateNodegroupInput, _ ...func(*eks.Options)) (*eks.CreateNodegroupOutput, error) {
	if f.createNodegroupFn == nil {
		panic(fmt.Sprintf("unexpected call CreateNodegroup(%+v)", in))
	}
	return f.createNodegroupFn(ctx, in)
}

func (f *fakeEKS) DeleteNodegroup(ctx context.Context, in *eks.DeleteNodegroupInput, _ ...func(*eks.Options)) (*eks.DeleteNodegroupOutput, error) {
	if f.deleteNodegroupFn == nil {
		panic(fmt.Sprintf("unexpected call DeleteNodegroup(%+v)", in))
	}
	return f.deleteNodegroupFn(ctx, in)
}

func (f *fakeEKS) UpdateNodegroupConfig(ctx context.Context, in *eks.UpdateNodegroupConfigInput, _ ...func(*eks.Options)) (*eks.UpdateNodegroupConfigOutput, error) {
	if f.updateNodegroupConfigFn == nil {
		panic(fmt.Sprintf("unexpected call UpdateNodegroupConfig(%+v)", in))
	}
	return f.updateNodegroupConfigFn(ctx, in)
}

func (f *fakeEKS) UpdateNodegroupVersion(ctx context.Context, in *eks.UpdateNodegroupVersionInput, _ ...func(*eks.Options)) (*eks.UpdateNodegroupVersionOutput, error) {
	if f.updateNodegroupVersionFn == nil {
		panic(fmt.Sprintf("unexpected call UpdateNodegroupVersion(%+v)", in))
	}
	return f.updateNodegroupVersionFn(ctx, in)
}

func (f *fakeEKS) ListFargateProfiles(ctx context.Context, in *eks.ListFargateProfilesInput, _ ...func(*eks.Options)) (*eks.ListFargateProfilesOutput, error) {
	if f.listFargateProfilesFn == nil {
		panic(fmt.Sprintf("unexpected call ListFargateProfiles(%+v)", in))
	}
	return f.listFargateProfilesFn(ctx, in)
}

func (f *fakeEKS) DescribeFargateProfile(ctx context.Context, in *eks.DescribeFargateProfileInput, _ ...func(*eks.Options)) (*eks.DescribeFargateProfileOutput, error) {
	if f.describeFargateProfileFn == nil {
		panic(fmt.Sprintf("unexpected call DescribeFargateProfile(%+v)", in))
	}
	return f.describeFargateProfileFn(ctx, in)
}

func (f *fakeEKS) CreateFargateProfile(ctx context.Context, in *eks.CreateFargateProfileInput, _ ...func(*eks.Options)) (*eks.CreateFargateProfileOutput, error) {
	if f.createFargateProfileFn == nil {
		panic(fmt.Sprintf("unexpected call CreateFargateProfile(%+v)", in))
	}
	return f.createFargateProfileFn(ctx, in)
}

func (f *fakeEKS) DeleteFargateProfile(ctx context.Context, in *eks.DeleteFargateProfileInput, _ ...func(*eks.Options)) (*eks.DeleteFargateProfileOutput, error) {
	if f.deleteFargateProfileFn == nil {
		panic(fmt.Sprintf("unexpected call DeleteFargateProfile(%+v)", in))
	}
	return f.deleteFargateProfileFn(ctx, in)
}

type fakeIAM struct {
	instanceProfileAPI
	getRoleFn                     func(context.Context, *iam.GetRoleInput) (*iam.GetRoleOutput, error)
	listRolesFn                   func(context.Context, *iam.ListRolesInput) (*iam.ListRolesOutput, error)
	createRoleFn                  func(context.Context, *iam.CreateRoleInput) (*iam.CreateRoleOutput, error)
	deleteRoleFn                  func(context.Context, *iam.DeleteRoleInput) (*iam.DeleteRoleOutput, error)
	updateAssumeRolePolicyFn      func(context.Context, *iam.UpdateAssumeRolePolicyInput) (*iam.UpdateAssumeRolePolicyOutput, error)
	tagRoleFn                     func(context.Context, *iam.TagRoleInput) (*iam.TagRoleOutput, error)
	untagRoleFn                   func(context.Context, *iam.UntagRoleInput) (*iam.UntagRoleOutput, error)
	listRoleTagsFn                func(context.Context, *iam.ListRoleTagsInput) (*iam.ListRoleTagsOutput, error)
	listAttachedRolePoliciesFn    func(context.Context, *iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error)
	attachRolePolicyFn            func(context.Context, *iam.AttachRolePolicyInput) (*iam.AttachRolePolicyOutput, error)
	detachRolePolicyFn            func(context.Context, *iam.DetachRolePolicyInput) (*iam.DetachRolePolicyOutput, error)
	listRolePoliciesFn            func(context.Context, *iam.ListRolePoliciesInput) (*iam.ListRolePoliciesOutput, error)
	getRolePolicyFn               func(context.Context, *iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error)
	putRolePolicyFn               func(context.Context, *iam.PutRolePolicyInput) (*iam.PutRolePolicyOutput, error)
	deleteRolePolicyFn            func(context.Context, *iam.DeleteRolePolicyInput) (*iam.DeleteRolePolicyOutput, error)
	listOpenIDConnectProvidersFn  func(context.Context, *iam.ListOpenIDConnectProvidersInput) (*iam.ListOpenIDConnectProvidersOutput, error)
	getOpenIDConnectProviderFn    func(context.Context, *iam.GetOpenIDConnectProviderInput) (*iam.GetOpenIDConnectProviderOutput, error)
	createOpenIDConnectProviderFn func(context.Context, *iam.CreateOpenIDConnectProviderInput) (*iam.CreateOpenIDConnectProviderOutput, error)
	deleteOpenIDConnectProviderFn func(context.Context, *iam.DeleteOpenIDConnectProviderInput) (*iam.DeleteOpenIDConnectProviderOutput, error)
	tagOpenIDConnectProviderFn    func(context.Context, *iam.TagOpenIDConnectProviderInput) (*iam.TagOpenIDConnectProviderOutput, error)
	untagOpenIDConnectProviderFn  func(context.Context, *iam.UntagOpenIDConnectProviderInput) (*iam.UntagOpenIDConnectProviderOutput, error)
}

func (f *fakeIAM) GetRole(ctx context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	if f.getRoleFn == nil {
		panic(fmt.Sprintf("unexpected call GetRole(%+v)", in))
	}
	return f.getRoleFn(ctx, in)
}

func (f *fakeIAM) ListRoles(ctx context.Context, in *iam.ListRolesInput, _ ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	if f.listRolesFn == nil {
		panic(fmt.Sprintf("unexpected call ListRoles(%+v)", in))
	}
	return f.listRolesFn(ctx, in)
}

func (f *fakeIAM) CreateRole(ctx context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	if f.createRoleFn == nil {
		panic(fmt.Sprintf("unexpected call CreateRole(%+v)", in))
	}
	return f.createRoleFn(ctx, in)
}

func (f *fakeIAM) DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	if f.deleteRoleFn == nil {
		panic(fmt.Sprintf("unexpected call DeleteRole(%+v)", in))
	}
	return f.deleteRoleFn(ctx, in)
}

func (f *fakeIAM) UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	if f.updateAssumeRolePolicyFn == nil {
		panic(fmt.Sprintf("unexpected call UpdateAssumeRolePolicy(%+v)", in))
	}
	return f.updateAssumeRolePolicyFn(ctx, in)
}

func (f *fakeIAM) TagRole(ctx context.Context, in *iam.TagRoleInput, _ ...func(*iam.Options)) (*iam.TagRoleOutput, error) {
	if f.tagRoleFn == nil {
		panic(fmt.Sprintf("unexpected call TagRole(%+v)", in))
	}
	return f.tagRoleFn(ctx, in)
}

func (f *fakeIAM) UntagRole(ctx context.Context, in *iam.UntagRoleInput, _ ...func(*iam.Options)) (*iam.UntagRoleOutput, error) {
	if f.untagRoleFn == nil {
		panic(fmt.Sprintf("unexpected call UntagRole(%+v)", in))
	}
	return f.untagRoleFn(ctx, in)
}

func (f *fakeIAM) ListRoleTags(ctx context.Context, in *iam.ListRoleTagsInput, _ ...func(*iam.Options)) (*iam.ListRoleTagsOutput, error) {
	if f.listRoleTagsFn == nil {
		panic(fmt.Sprintf("unexpected call ListRoleTags(%+v)", in))
	}
	return f.listRoleTagsFn(ctx, in)
}

func (f *fakeIAM) ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	if f.listAttachedRolePoliciesFn == nil {
		panic(fmt.Sprintf("unexpected call ListAttachedRolePolicies(%+v)", in))
	}
	return f.listAttachedRolePoliciesFn(ctx, in)
}

func (f *fakeIAM) AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	if f.attachRolePolicyFn == nil {
		panic(fmt.Sprintf("unexpected call AttachRolePolicy(%+v)", in))
	}
	return f.attachRolePolicyFn(ctx, in)
}

func (f *fakeIAM) DetachRolePolicy(ctx context.Context, in *iam.DetachRolePolicyInput, _ ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error) {
	if f.detachRolePolicyFn == nil {
		panic(fmt.Sprintf("unexpected call DetachRolePolicy(%+v)", in))
	}
	return f.detachRolePolicyFn(ctx, in)
}

func (f *fakeIAM) ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	if f.listRolePoliciesFn == nil {
		panic(fmt.Sprintf("unexpected call ListRolePolicies(%+v)", in))
	}
	return f.listRolePoliciesFn(ctx, in)
}

func (f *fakeIAM) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	if f.getRolePolicyFn == nil {
		panic(fmt.Sprintf("unexpected call GetRolePolicy(%+v)", in))
	}
	return f.getRolePolicyFn(ctx, in)
}

func (f *fakeIAM) PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	if f.putRolePolicyFn == nil {
		panic(fmt.Sprintf("unexpected call PutRolePolicy(%+v)", in))
	}
	return f.putRolePolicyFn(ctx, in)
}

func (f *fakeIAM) DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	if f.deleteRolePolicyFn == nil {
		panic(fmt.Sprintf("unexpected call DeleteRolePolicy(%+v)", in))
	}
	return f.deleteRolePolicyFn(ctx, in)
}

func (f *fakeIAM) ListOpenIDConnectProviders(ctx context.Context, in *iam.ListOpenIDConnectProvidersInput, _ ...func(*iam.Options)) (*iam.ListOpenIDConnectProvidersOutput, error) {
	if f.listOpenIDConnectProvidersFn == nil {
		panic(fmt.Sprintf("unexpected call ListOpenIDConnectProviders(%+v)", in))
	}
	return f.listOpenIDConnectProvidersFn(ctx, in)
}

func (f *fakeIAM) GetOpenIDConnectProvider(ctx context.Context, in *iam.GetOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.GetOpenIDConnectProviderOutput, error) {
	if f.getOpenIDConnectProviderFn == nil {
		panic(fmt.Sprintf("unexpected call GetOpenIDConnectProvider(%+v)", in))
	}
	return f.getOpenIDConnectProviderFn(ctx, in)
}

func (f *fakeIAM) CreateOpenIDConnectProvider(ctx context.Context, in *iam.CreateOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.CreateOpenIDConnectProviderOutput, error) {
	if f.createOpenIDConnectProviderFn == nil {
		panic(fmt.Sprintf("unexpected call CreateOpenIDConnectProvider(%+v)", in))
	}
	return f.createOpenIDConnectProviderFn(ctx, in)
}

func (f *fakeIAM) DeleteOpenIDConnectProvider(ctx context.Context, in *iam.DeleteOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.DeleteOpenIDConnectProviderOutput, error) {
	if f.deleteOpenIDConnectProviderFn == nil {
		panic(fmt.Sprintf("unexpected call DeleteOpenIDConnectProvider(%+v)", in))
	}
	return f.deleteOpenIDConnectProviderFn(ctx, in)
}

func (f *fakeIAM) TagOpenIDConnectProvider(ctx context.Context, in *iam.TagOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.TagOpenIDConnectProviderOutput, error) {
	if f.tagOpenIDConnectProviderFn == nil {
		panic(fmt.Sprintf("unexpected call TagOpenIDConnectProvider(%+v)", in))
	}
	return f.tagOpenIDConnectProviderFn(ctx, in)
}

func (f *fakeIAM) UntagOpenIDConnectProvider(ctx context.Context, in *iam.UntagOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.UntagOpenIDConnectProviderOutput, error) {
	if f.untagOpenIDConnectProviderFn == nil {
		panic(fmt.Sprintf("unexpected call UntagOpenIDConnectProvider(%+v)", in))
	}
	return f.untagOpenIDConnectProviderFn(ctx, in)
}

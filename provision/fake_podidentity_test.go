package provision

// The fake account's Pod Identity associations, with the rules the
// emulator enforces (integration/emulator/eks_pod_identity.py): one
// association per namespace and service account, an update must change
// something, the role must be an IAM role ARN, add-on owned associations
// change only through their add-on.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// fakePodIdentityEKS holds the function fields of the Pod Identity calls
// (embedded in fakeEKS).
type fakePodIdentityEKS struct {
	listPodIdentityAssociationsFn    func(context.Context, *eks.ListPodIdentityAssociationsInput) (*eks.ListPodIdentityAssociationsOutput, error)
	describePodIdentityAssociationFn func(context.Context, *eks.DescribePodIdentityAssociationInput) (*eks.DescribePodIdentityAssociationOutput, error)
	createPodIdentityAssociationFn   func(context.Context, *eks.CreatePodIdentityAssociationInput) (*eks.CreatePodIdentityAssociationOutput, error)
	updatePodIdentityAssociationFn   func(context.Context, *eks.UpdatePodIdentityAssociationInput) (*eks.UpdatePodIdentityAssociationOutput, error)
	deletePodIdentityAssociationFn   func(context.Context, *eks.DeletePodIdentityAssociationInput) (*eks.DeletePodIdentityAssociationOutput, error)
}

func (f *fakePodIdentityEKS) ListPodIdentityAssociations(ctx context.Context, in *eks.ListPodIdentityAssociationsInput, _ ...func(*eks.Options)) (*eks.ListPodIdentityAssociationsOutput, error) {
	if f.listPodIdentityAssociationsFn == nil {
		panic(fmt.Sprintf("unexpected call ListPodIdentityAssociations(%+v)", in))
	}
	return f.listPodIdentityAssociationsFn(ctx, in)
}

func (f *fakePodIdentityEKS) DescribePodIdentityAssociation(ctx context.Context, in *eks.DescribePodIdentityAssociationInput, _ ...func(*eks.Options)) (*eks.DescribePodIdentityAssociationOutput, error) {
	if f.describePodIdentityAssociationFn == nil {
		panic(fmt.Sprintf("unexpected call DescribePodIdentityAssociation(%+v)", in))
	}
	return f.describePodIdentityAssociationFn(ctx, in)
}

func (f *fakePodIdentityEKS) CreatePodIdentityAssociation(ctx context.Context, in *eks.CreatePodIdentityAssociationInput, _ ...func(*eks.Options)) (*eks.CreatePodIdentityAssociationOutput, error) {
	if f.createPodIdentityAssociationFn == nil {
		panic(fmt.Sprintf("unexpected call CreatePodIdentityAssociation(%+v)", in))
	}
	return f.createPodIdentityAssociationFn(ctx, in)
}

func (f *fakePodIdentityEKS) UpdatePodIdentityAssociation(ctx context.Context, in *eks.UpdatePodIdentityAssociationInput, _ ...func(*eks.Options)) (*eks.UpdatePodIdentityAssociationOutput, error) {
	if f.updatePodIdentityAssociationFn == nil {
		panic(fmt.Sprintf("unexpected call UpdatePodIdentityAssociation(%+v)", in))
	}
	return f.updatePodIdentityAssociationFn(ctx, in)
}

func (f *fakePodIdentityEKS) DeletePodIdentityAssociation(ctx context.Context, in *eks.DeletePodIdentityAssociationInput, _ ...func(*eks.Options)) (*eks.DeletePodIdentityAssociationOutput, error) {
	if f.deletePodIdentityAssociationFn == nil {
		panic(fmt.Sprintf("unexpected call DeletePodIdentityAssociation(%+v)", in))
	}
	return f.deletePodIdentityAssociationFn(ctx, in)
}

// fakePodIdentityOps serves the Pod Identity operations of region.
func (a *fakeAccount) fakePodIdentityOps(f *fakeEKS, region string) {
	r := func() *eksRegion { return a.in(region) }
	active := func(cluster string) error {
		if c := r().cluster(cluster); c == nil || c.status == "DELETING" {
			return notFound("No cluster found for name: %s.", cluster)
		}
		return nil
	}
	assoc := func(cluster, id string) (*eksObject, error) {
		if err := active(cluster); err != nil {
			return nil, err
		}
		o := r().pods[cluster+"/"+id]
		if o == nil {
			return nil, notFound("No Pod Identity Association found for id: %s", id)
		}
		return o, nil
	}
	validRole := func(arn *string) error {
		if !strings.HasPrefix(aws.ToString(arn), "arn:aws:iam::") || !strings.Contains(aws.ToString(arn), ":role/") {
			return invalid("Invalid role ARN: %q", aws.ToString(arn))
		}
		return nil
	}

	f.listPodIdentityAssociationsFn = func(_ context.Context, in *eks.ListPodIdentityAssociationsInput) (*eks.ListPodIdentityAssociationsOutput, error) {
		cluster := aws.ToString(in.ClusterName)
		return eksCall(a, "ListPodIdentityAssociations", cluster, func() (*eks.ListPodIdentityAssociationsOutput, error) {
			if err := active(cluster); err != nil {
				return nil, err
			}
			var ids []string
			for _, o := range r().pods {
				p := o.pia
				if o.cluster == cluster && (in.Namespace == nil || aws.ToString(p.Namespace) == aws.ToString(in.Namespace)) &&
					(in.ServiceAccount == nil || aws.ToString(p.ServiceAccount) == aws.ToString(in.ServiceAccount)) {
					ids = append(ids, o.name)
				}
			}
			sort.Strings(ids)
			page, next := a.page(ids, in.NextToken)
			out := &eks.ListPodIdentityAssociationsOutput{NextToken: next}
			for _, id := range page {
				p := r().pods[cluster+"/"+id].pia
				out.Associations = append(out.Associations, ekstypes.PodIdentityAssociationSummary{ClusterName: p.ClusterName, Namespace: p.Namespace,
					ServiceAccount: p.ServiceAccount, AssociationArn: p.AssociationArn, AssociationId: p.AssociationId, OwnerArn: p.OwnerArn})
			}
			return out, nil
		})
	}
	f.describePodIdentityAssociationFn = func(_ context.Context, in *eks.DescribePodIdentityAssociationInput) (*eks.DescribePodIdentityAssociationOutput, error) {
		cluster, id := aws.ToString(in.ClusterName), aws.ToString(in.AssociationId)
		return eksCall(a, "DescribePodIdentityAssociation", id, func() (*eks.DescribePodIdentityAssociationOutput, error) {
			o, err := assoc(cluster, id)
			if err != nil {
				return nil, err
			}
			return &eks.DescribePodIdentityAssociationOutput{Association: describePodIdentity(o)}, nil
		})
	}
	f.createPodIdentityAssociationFn = func(_ context.Context, in *eks.CreatePodIdentityAssociationInput) (*eks.CreatePodIdentityAssociationOutput, error) {
		cluster := aws.ToString(in.ClusterName)
		key := aws.ToString(in.Namespace) + "/" + aws.ToString(in.ServiceAccount)
		return eksCall(a, "CreatePodIdentityAssociation", key, func() (*eks.CreatePodIdentityAssociationOutput, error) {
			if c := r().cluster(cluster); c == nil || c.status != "ACTIVE" {
				a.violate("CreatePodIdentityAssociation %s before cluster %s is ACTIVE", key, cluster)
				return nil, notFound("No cluster found for name: %s.", cluster)
			}
			if err := validRole(in.RoleArn); err != nil {
				a.violate("CreatePodIdentityAssociation %s with role %q", key, aws.ToString(in.RoleArn))
				return nil, err
			}
			for _, o := range r().pods {
				if o.cluster == cluster && aws.ToString(o.pia.Namespace)+"/"+aws.ToString(o.pia.ServiceAccount) == key {
					return nil, inUse("Association already exists: %s for namespace %s and service account %s", o.name, aws.ToString(in.Namespace), aws.ToString(in.ServiceAccount))
				}
			}
			a.record("CreatePodIdentityAssociation %s/%s", cluster, key)
			a.putPodIdentityLocked(region, cluster, &ekstypes.PodIdentityAssociation{Namespace: in.Namespace, ServiceAccount: in.ServiceAccount,
				RoleArn: in.RoleArn, TargetRoleArn: in.TargetRoleArn, DisableSessionTags: aws.Bool(aws.ToBool(in.DisableSessionTags))}, in.Tags)
			return &eks.CreatePodIdentityAssociationOutput{Association: describePodIdentity(r().podByKey(cluster, key))}, nil
		})
	}
	f.updatePodIdentityAssociationFn = func(_ context.Context, in *eks.UpdatePodIdentityAssociationInput) (*eks.UpdatePodIdentityAssociationOutput, error) {
		cluster, id := aws.ToString(in.ClusterName), aws.ToString(in.AssociationId)
		return eksCall(a, "UpdatePodIdentityAssociation", id, func() (*eks.UpdatePodIdentityAssociationOutput, error) {
			o, err := assoc(cluster, id)
			if err != nil {
				return nil, err
			}
			p := o.pia
			if p.OwnerArn != nil {
				a.violate("UpdatePodIdentityAssociation %s owned by %s", id, aws.ToString(p.OwnerArn))
				return nil, &ekstypes.InvalidRequestException{Message: aws.String("the association is owned by an add-on")}
			}
			changed := false
			if in.RoleArn != nil {
				if err := validRole(in.RoleArn); err != nil {
					a.violate("UpdatePodIdentityAssociation %s with role %q", id, aws.ToString(in.RoleArn))
					return nil, err
				}
				changed = changed || aws.ToString(in.RoleArn) != aws.ToString(p.RoleArn)
				p.RoleArn = in.RoleArn
			}
			if in.TargetRoleArn != nil {
				changed = changed || aws.ToString(in.TargetRoleArn) != aws.ToString(p.TargetRoleArn)
				p.TargetRoleArn = in.TargetRoleArn
				if aws.ToString(in.TargetRoleArn) == "" {
					p.TargetRoleArn = nil
				}
			}
			if in.DisableSessionTags != nil {
				changed = changed || aws.ToBool(in.DisableSessionTags) != aws.ToBool(p.DisableSessionTags)
				p.DisableSessionTags = in.DisableSessionTags
			}
			if !changed {
				a.violate("UpdatePodIdentityAssociation %s changes nothing", id)
				return nil, invalid("The request changes nothing")
			}
			a.record("UpdatePodIdentityAssociation %s/%s", cluster, id)
			return &eks.UpdatePodIdentityAssociationOutput{Association: describePodIdentity(o)}, nil
		})
	}
	f.deletePodIdentityAssociationFn = func(_ context.Context, in *eks.DeletePodIdentityAssociationInput) (*eks.DeletePodIdentityAssociationOutput, error) {
		cluster, id := aws.ToString(in.ClusterName), aws.ToString(in.AssociationId)
		return eksCall(a, "DeletePodIdentityAssociation", id, func() (*eks.DeletePodIdentityAssociationOutput, error) {
			o, err := assoc(cluster, id)
			if err != nil {
				return nil, err
			}
			if o.pia.OwnerArn != nil {
				a.violate("DeletePodIdentityAssociation %s owned by %s", id, aws.ToString(o.pia.OwnerArn))
				return nil, &ekstypes.InvalidRequestException{Message: aws.String("the association is owned by an add-on")}
			}
			a.record("DeletePodIdentityAssociation %s/%s", cluster, id)
			delete(r().pods, cluster+"/"+id)
			return &eks.DeletePodIdentityAssociationOutput{Association: describePodIdentity(o)}, nil
		})
	}
}

func describePodIdentity(o *eksObject) *ekstypes.PodIdentityAssociation {
	p := *o.pia
	p.Tags = copyTags(o.tags)
	return &p
}

func (r *eksRegion) podByKey(cluster, key string) *eksObject {
	for _, o := range r.pods {
		if o.cluster == cluster && aws.ToString(o.pia.Namespace)+"/"+aws.ToString(o.pia.ServiceAccount) == key {
			return o
		}
	}
	return nil
}

// putPodIdentityLocked stores an association of cluster in region, with a
// new ID; the caller holds a.mu.
func (a *fakeAccount) putPodIdentityLocked(region, cluster string, p *ekstypes.PodIdentityAssociation, tags map[string]string) *eksObject {
	if region == "" {
		region = a.region
	}
	// IDs are random in EKS; here they are stable from run to run (the
	// golden plans show them) and new for each association made.
	key := cluster + "/" + aws.ToString(p.Namespace) + "/" + aws.ToString(p.ServiceAccount)
	r := a.in(region)
	r.podSeq[key]++
	id := fmt.Sprintf("a-%s-%s-%d", aws.ToString(p.Namespace), aws.ToString(p.ServiceAccount), r.podSeq[key])
	arn := "arn:aws:eks:" + region + ":" + testAccount + ":podidentityassociation/" + cluster + "/" + id
	p.ClusterName, p.AssociationId, p.AssociationArn = aws.String(cluster), aws.String(id), aws.String(arn)
	o := &eksObject{name: id, cluster: cluster, arn: arn, status: "ACTIVE", tags: copyTags(tags), pia: p}
	a.in(region).pods[cluster+"/"+id] = o
	return o
}

// putPodIdentity puts an association into the default region, as if made
// outside the test's applies (owner: the add-on owning it, or "").
func (a *fakeAccount) putPodIdentity(cluster, namespace, sa, role, owner string, tags map[string]string) *PodIdentityAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := &ekstypes.PodIdentityAssociation{Namespace: aws.String(namespace), ServiceAccount: aws.String(sa), RoleArn: aws.String(role), DisableSessionTags: aws.Bool(false)}
	if owner != "" {
		p.OwnerArn = aws.String(owner)
	}
	return podIdentityFromAWS(describePodIdentity(a.putPodIdentityLocked("", cluster, p, tags)))
}

// podIdentity is the association of namespace/sa in cluster of the default
// region, nil when none.
func (a *fakeAccount) podIdentity(cluster, key string) *PodIdentityAttrs {
	a.mu.Lock()
	defer a.mu.Unlock()
	o := a.in("").podByKey(cluster, key)
	if o == nil {
		return nil
	}
	return podIdentityFromAWS(describePodIdentity(o))
}

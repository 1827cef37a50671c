package provision

// The plan half of an IAM instance profile: the one a self-managed node
// group's instances get their node role through.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/hcl/v2"
)

// TypeInstanceProfile is an IAM instance profile.
const TypeInstanceProfile Type = "aws_iam_instance_profile"

// instanceProfileAPI is what the instance profile kind calls of IAM.
type instanceProfileAPI interface {
	GetInstanceProfile(context.Context, *iam.GetInstanceProfileInput, ...func(*iam.Options)) (*iam.GetInstanceProfileOutput, error)
	ListInstanceProfiles(context.Context, *iam.ListInstanceProfilesInput, ...func(*iam.Options)) (*iam.ListInstanceProfilesOutput, error)
	CreateInstanceProfile(context.Context, *iam.CreateInstanceProfileInput, ...func(*iam.Options)) (*iam.CreateInstanceProfileOutput, error)
	DeleteInstanceProfile(context.Context, *iam.DeleteInstanceProfileInput, ...func(*iam.Options)) (*iam.DeleteInstanceProfileOutput, error)
	AddRoleToInstanceProfile(context.Context, *iam.AddRoleToInstanceProfileInput, ...func(*iam.Options)) (*iam.AddRoleToInstanceProfileOutput, error)
	RemoveRoleFromInstanceProfile(context.Context, *iam.RemoveRoleFromInstanceProfileInput, ...func(*iam.Options)) (*iam.RemoveRoleFromInstanceProfileOutput, error)
	TagInstanceProfile(context.Context, *iam.TagInstanceProfileInput, ...func(*iam.Options)) (*iam.TagInstanceProfileOutput, error)
	UntagInstanceProfile(context.Context, *iam.UntagInstanceProfileInput, ...func(*iam.Options)) (*iam.UntagInstanceProfileOutput, error)
}

// InstanceProfileAttrs are an instance profile's attributes.
type InstanceProfileAttrs struct {
	Name string `json:"name"`
	Path string `json:"path"`
	ARN  string `json:"arn,omitempty"`
	// Role is the name of the role the profile holds ("" for none);
	// RoleARN its ARN, as IAM shows it (not diffed).
	Role    string            `json:"role"`
	RoleARN string            `json:"role_arn,omitempty"`
	Tags    map[string]string `json:"tags"`
}

// instanceProfileSchema: the role changes in place (remove, then add: a
// profile holds one role); name and path are its identity.
var instanceProfileSchema = Schema{
	"role": {},
	"tags": {},
}

// instanceProfilePath is where a cluster's instance profiles live: IAM is
// global, so the region is in it as well as the cluster; listing the path
// finds every profile of the cluster (a destroy needs no configuration).
func instanceProfilePath(cluster, region string) string {
	return "/eksctl-lite/" + region + "/" + cluster + "/"
}

// maxInstanceProfileName is IAM's limit (CreateInstanceProfile).
const maxInstanceProfileName = 128

// InstanceProfileName is the profile of the self-managed node group label
// of cluster in region.
func InstanceProfileName(cluster, region, label string) string {
	return limitName("eksctl-lite-"+cluster+"-"+region+"-"+label, maxInstanceProfileName)
}

// InstanceProfileAddress is the address of the instance profile of the
// block at owner.
func InstanceProfileAddress(owner string) string { return owner + ".instance_profile" }

func instanceProfileKind() *kind {
	return &kind{
		typ:      TypeInstanceProfile,
		schema:   instanceProfileSchema,
		newAttrs: func() any { return &InstanceProfileAttrs{} },
		nameKey:  "name",
		apply:    applyInstanceProfile,
		weight:   5 * time.Second,
		replace:  DeleteThenCreate,
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			name := physicalNameOf(ch.Before)
			if name == "" {
				name = physicalNameOf(ch.After)
			}
			for _, p := range o.cluster.instanceProfiles() {
				if p.Name == name {
					return p
				}
			}
			return nil
		},
		observe: func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any {
			return anySlice(observeInstanceProfiles(ctx, o, c.IAM, cluster, clientsRegion(c, ""), errs))
		},
		plan: func(pl *planner, cp *clusterPlan, _ useFunc) hcl.Diagnostics {
			claimed := map[string]bool{}
			for _, ch := range cp.changes {
				if ch.Type == TypeInstanceProfile {
					claimed[physicalNameOf(ch.After)] = true
				}
			}
			for _, p := range cp.live.instanceProfiles() {
				if !claimed[p.Name] && cp.owns(p.Tags) {
					cp.add(deleteInstanceProfile(cp, pl, p, "not in the configuration"))
				}
			}
			return nil
		},
		destroy: func(pl *planner, cp *clusterPlan, reason string) {
			for _, p := range cp.live.instanceProfiles() {
				if cp.owns(p.Tags) {
					cp.add(deleteInstanceProfile(cp, pl, p, reason))
				}
			}
		},
		noun: "instance profile",
	}
}

func (a *InstanceProfileAttrs) physicalName() string { return a.Name }
func (a *InstanceProfileAttrs) usedRoleARN() string  { return a.RoleARN }

// refValue: a profile gives its ARN.
func (a *InstanceProfileAttrs) refValue(string, any) (string, error) { return a.ARN, nil }

// instanceProfiles are the cluster's live instance profiles, by name.
func (lc *liveCluster) instanceProfiles() []*InstanceProfileAttrs {
	return childrenOf[*InstanceProfileAttrs](lc, TypeInstanceProfile)
}

func deleteInstanceProfile(cp *clusterPlan, pl *planner, p *InstanceProfileAttrs, reason string) *ResourceChange {
	addr := p.Tags[TagAddress]
	if addr == "" {
		addr = ClusterAddress(cp.spec.Name) + ".instance_profile." + p.Name
	}
	deps := []string{ClusterAddress(cp.spec.Name)}
	if r := pl.liveRoles()[roleKey(p.Role)]; r != nil {
		deps = append(deps, cp.roleDeps(pl.liveRoles(), r.ARN)...)
	}
	return &ResourceChange{Address: addr, Type: TypeInstanceProfile, Action: Delete, Before: p, DependsOn: deps, Reason: reason}
}

// planInstanceProfile plans the instance profile of the block at owner,
// holding role roleName (whose change is at roleAddr when eksctl-lite
// manages it, else ""), and returns its name.
func (cp *clusterPlan) planInstanceProfile(owner, label, roleName, roleAddr string) string {
	addr := InstanceProfileAddress(owner)
	want := &InstanceProfileAttrs{Name: InstanceProfileName(cp.spec.Name, cp.region, label), Path: instanceProfilePath(cp.spec.Name, cp.region),
		Role: roleName, Tags: cp.ownedTags(nil, addr)}
	ch := &ResourceChange{Address: addr, Type: TypeInstanceProfile, After: want, DependsOn: []string{ClusterAddress(cp.spec.Name)}}
	if roleAddr != "" {
		ch.DependsOn = append(ch.DependsOn, roleAddr)
	}
	for _, p := range cp.live.instanceProfiles() {
		if strings.EqualFold(p.Name, want.Name) {
			ch.Before = p
		}
	}
	if ch.Before == nil {
		ch.Action = Create
	} else {
		ch.Diffs = diffAttrs(instanceProfileSchema, ch.Before, want, nil)
		ch.Action = actionOf(ch.Diffs)
		if ch.Action == Update {
			b := ch.Before.(*InstanceProfileAttrs)
			if diffPaths(ch.Diffs)["role"] {
				if b.Role != "" {
					ch.Steps = append(ch.Steps, Step{Call: "RemoveRoleFromInstanceProfile", Detail: b.Role, Paths: []string{"role"}})
				}
				ch.Steps = append(ch.Steps, Step{Call: "AddRoleToInstanceProfile", Detail: roleName, Paths: []string{"role"}})
			}
			if diffPaths(ch.Diffs)["tags"] {
				ch.Steps = append(ch.Steps, tagSteps("TagInstanceProfile", "UntagInstanceProfile", b.Tags, want.Tags)...)
			}
		}
	}
	cp.add(ch)
	return want.Name
}

// observeInstanceProfiles lists the profiles under the cluster's path.
func observeInstanceProfiles(ctx context.Context, o *observer, api IAMAPI, cluster, region string, errs *errList) []*InstanceProfileAttrs {
	var out []*InstanceProfileAttrs
	in := &iam.ListInstanceProfilesInput{PathPrefix: aws.String(instanceProfilePath(cluster, region))}
	for {
		var page *iam.ListInstanceProfilesOutput
		err := o.iam.call(ctx, func(ctx context.Context) (err error) {
			page, err = api.ListInstanceProfiles(ctx, in)
			return err
		})
		if err != nil {
			errs.add(fmt.Errorf("listing the instance profiles of cluster %q: %w", cluster, err))
			return nil
		}
		for _, p := range page.InstanceProfiles {
			out = append(out, instanceProfileFromAWS(&p))
		}
		if !page.IsTruncated {
			break
		}
		in.Marker = page.Marker
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func instanceProfileFromAWS(p *iamtypes.InstanceProfile) *InstanceProfileAttrs {
	a := &InstanceProfileAttrs{Name: aws.ToString(p.InstanceProfileName), Path: aws.ToString(p.Path), ARN: aws.ToString(p.Arn), Tags: map[string]string{}}
	if len(p.Roles) > 0 {
		a.Role, a.RoleARN = aws.ToString(p.Roles[0].RoleName), aws.ToString(p.Roles[0].Arn)
	}
	for _, t := range p.Tags {
		a.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	a.Tags = liveTags(a.Tags)
	return a
}

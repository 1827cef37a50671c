package provision

// The fake account's IAM instance profiles: names unique regardless of
// case, at most one role each, and a role in a profile cannot be deleted.

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

type iamProfile struct {
	name, path, arn string
	roles           []string // role names
	tags            map[string]string
}

type fakeProfiles struct{ a *fakeAccount }

var _ instanceProfileAPI = (*fakeProfiles)(nil)

func (f *fakeProfiles) find(name string) *iamProfile {
	for n, p := range f.a.profiles {
		if strings.EqualFold(n, name) {
			return p
		}
	}
	return nil
}

func (f *fakeProfiles) describe(p *iamProfile) *iamtypes.InstanceProfile {
	out := &iamtypes.InstanceProfile{InstanceProfileName: aws.String(p.name), Path: aws.String(p.path), Arn: aws.String(p.arn),
		InstanceProfileId: aws.String("AIPA" + strings.ToUpper(shortHash(p.arn)))}
	for _, r := range p.roles {
		role := iamtypes.Role{RoleName: aws.String(r)}
		if ro := f.a.roles[r]; ro != nil {
			role.Arn = aws.String(ro.arn)
		}
		out.Roles = append(out.Roles, role)
	}
	for _, k := range sortedKeys(p.tags) {
		out.Tags = append(out.Tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(p.tags[k])})
	}
	return out
}

func noSuchProfile(name string) error {
	return noSuchEntity("Instance Profile %s cannot be found.", name)
}

func (f *fakeProfiles) GetInstanceProfile(_ context.Context, in *iam.GetInstanceProfileInput, _ ...func(*iam.Options)) (*iam.GetInstanceProfileOutput, error) {
	name := aws.ToString(in.InstanceProfileName)
	return iamCall(f.a, "GetInstanceProfile", name, func() (*iam.GetInstanceProfileOutput, error) {
		p := f.find(name)
		if p == nil {
			return nil, noSuchProfile(name)
		}
		return &iam.GetInstanceProfileOutput{InstanceProfile: f.describe(p)}, nil
	})
}

func (f *fakeProfiles) ListInstanceProfiles(_ context.Context, in *iam.ListInstanceProfilesInput, _ ...func(*iam.Options)) (*iam.ListInstanceProfilesOutput, error) {
	return iamCall(f.a, "ListInstanceProfiles", "", func() (*iam.ListInstanceProfilesOutput, error) {
		out := &iam.ListInstanceProfilesOutput{}
		for _, n := range sortedKeys(f.a.profiles) {
			p := f.a.profiles[n]
			if strings.HasPrefix(p.path, aws.ToString(in.PathPrefix)) {
				out.InstanceProfiles = append(out.InstanceProfiles, *f.describe(p))
			}
		}
		return out, nil
	})
}

func (f *fakeProfiles) CreateInstanceProfile(_ context.Context, in *iam.CreateInstanceProfileInput, _ ...func(*iam.Options)) (*iam.CreateInstanceProfileOutput, error) {
	name := aws.ToString(in.InstanceProfileName)
	return iamCall(f.a, "CreateInstanceProfile", name, func() (*iam.CreateInstanceProfileOutput, error) {
		if f.find(name) != nil {
			return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Instance Profile " + name + " already exists.")}
		}
		path := aws.ToString(in.Path)
		if path == "" {
			path = "/"
		}
		p := &iamProfile{name: name, path: path, arn: "arn:aws:iam::" + testAccount + ":instance-profile" + path + name, tags: map[string]string{}}
		for _, t := range in.Tags {
			p.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		f.a.profiles[name] = p
		f.a.record("CreateInstanceProfile %s", name)
		return &iam.CreateInstanceProfileOutput{InstanceProfile: f.describe(p)}, nil
	})
}

func (f *fakeProfiles) DeleteInstanceProfile(_ context.Context, in *iam.DeleteInstanceProfileInput, _ ...func(*iam.Options)) (*iam.DeleteInstanceProfileOutput, error) {
	name := aws.ToString(in.InstanceProfileName)
	return iamCall(f.a, "DeleteInstanceProfile", name, func() (*iam.DeleteInstanceProfileOutput, error) {
		p := f.find(name)
		if p == nil {
			return nil, noSuchProfile(name)
		}
		if len(p.roles) > 0 {
			return nil, &iamtypes.DeleteConflictException{Message: aws.String("Cannot delete entity, must remove roles from instance profile first.")}
		}
		delete(f.a.profiles, p.name)
		f.a.record("DeleteInstanceProfile %s", p.name)
		return &iam.DeleteInstanceProfileOutput{}, nil
	})
}

func (f *fakeProfiles) AddRoleToInstanceProfile(_ context.Context, in *iam.AddRoleToInstanceProfileInput, _ ...func(*iam.Options)) (*iam.AddRoleToInstanceProfileOutput, error) {
	name, role := aws.ToString(in.InstanceProfileName), aws.ToString(in.RoleName)
	return iamCall(f.a, "AddRoleToInstanceProfile", name, func() (*iam.AddRoleToInstanceProfileOutput, error) {
		p := f.find(name)
		if p == nil {
			return nil, noSuchProfile(name)
		}
		if f.a.roles[role] == nil {
			return nil, noSuchEntity("The role with name %s cannot be found.", role)
		}
		if len(p.roles) > 0 {
			return nil, &iamtypes.LimitExceededException{Message: aws.String("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")}
		}
		p.roles = []string{role}
		f.a.record("AddRoleToInstanceProfile %s %s", p.name, role)
		return &iam.AddRoleToInstanceProfileOutput{}, nil
	})
}

func (f *fakeProfiles) RemoveRoleFromInstanceProfile(_ context.Context, in *iam.RemoveRoleFromInstanceProfileInput, _ ...func(*iam.Options)) (*iam.RemoveRoleFromInstanceProfileOutput, error) {
	name, role := aws.ToString(in.InstanceProfileName), aws.ToString(in.RoleName)
	return iamCall(f.a, "RemoveRoleFromInstanceProfile", name, func() (*iam.RemoveRoleFromInstanceProfileOutput, error) {
		p := f.find(name)
		if p == nil {
			return nil, noSuchProfile(name)
		}
		if len(p.roles) == 0 || p.roles[0] != role {
			return nil, noSuchEntity("The role with name %s is not in instance profile %s.", role, name)
		}
		p.roles = nil
		f.a.record("RemoveRoleFromInstanceProfile %s %s", p.name, role)
		return &iam.RemoveRoleFromInstanceProfileOutput{}, nil
	})
}

func (f *fakeProfiles) TagInstanceProfile(_ context.Context, in *iam.TagInstanceProfileInput, _ ...func(*iam.Options)) (*iam.TagInstanceProfileOutput, error) {
	name := aws.ToString(in.InstanceProfileName)
	return iamCall(f.a, "TagInstanceProfile", name, func() (*iam.TagInstanceProfileOutput, error) {
		p := f.find(name)
		if p == nil {
			return nil, noSuchProfile(name)
		}
		for _, t := range in.Tags {
			p.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		return &iam.TagInstanceProfileOutput{}, nil
	})
}

func (f *fakeProfiles) UntagInstanceProfile(_ context.Context, in *iam.UntagInstanceProfileInput, _ ...func(*iam.Options)) (*iam.UntagInstanceProfileOutput, error) {
	name := aws.ToString(in.InstanceProfileName)
	return iamCall(f.a, "UntagInstanceProfile", name, func() (*iam.UntagInstanceProfileOutput, error) {
		p := f.find(name)
		if p == nil {
			return nil, noSuchProfile(name)
		}
		for _, k := range in.TagKeys {
			delete(p.tags, k)
		}
		return &iam.UntagInstanceProfileOutput{}, nil
	})
}

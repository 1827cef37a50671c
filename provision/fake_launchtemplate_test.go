package provision

// The fake account's EC2 launch templates: what EC2 does (versions that
// are never edited, names unique per region, its error codes), and the
// rule that a template is not deleted while a node group or an Auto
// Scaling group launches from it.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

type fakeTemplate struct {
	id, name string
	tags     map[string]string
	// versions[i] is version i+1.
	versions []*ec2types.RequestLaunchTemplateData
}

type fakeEC2 struct {
	a      *fakeAccount
	region string
}

var _ EC2API = (*fakeEC2)(nil)

func ec2Err(code, format string, args ...any) error {
	return &smithy.GenericAPIError{Code: code, Message: fmt.Sprintf(format, args...)}
}

func (f *fakeEC2) r() *eksRegion { return f.a.in(f.region) }

// template finds a template by ID or name; the error is EC2's.
func (f *fakeEC2) template(id, name *string) (*fakeTemplate, error) {
	for _, t := range f.r().templates {
		if (id != nil && t.id == *id) || (name != nil && t.name == *name) {
			return t, nil
		}
	}
	if id != nil {
		return nil, ec2Err("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID %s, does not exist.", *id)
	}
	return nil, ec2Err("InvalidLaunchTemplateName.NotFoundException", "The specified launch template, with template name %s, does not exist.", aws.ToString(name))
}

func (f *fakeEC2) describe(t *fakeTemplate) ec2types.LaunchTemplate {
	var tags []ec2types.Tag
	for _, k := range sortedKeys(t.tags) {
		tags = append(tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(t.tags[k])})
	}
	n := int64(len(t.versions))
	return ec2types.LaunchTemplate{LaunchTemplateId: aws.String(t.id), LaunchTemplateName: aws.String(t.name),
		LatestVersionNumber: aws.Int64(n), DefaultVersionNumber: aws.Int64(1), Tags: tags}
}

func (f *fakeEC2) DescribeLaunchTemplates(_ context.Context, in *ec2.DescribeLaunchTemplatesInput, _ ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplatesOutput, error) {
	return eksCall(f.a, "DescribeLaunchTemplates", "", func() (*ec2.DescribeLaunchTemplatesOutput, error) {
		out := &ec2.DescribeLaunchTemplatesOutput{}
		if len(in.LaunchTemplateNames) > 0 || len(in.LaunchTemplateIds) > 0 {
			for _, n := range in.LaunchTemplateNames {
				t, err := f.template(nil, aws.String(n))
				if err != nil {
					return nil, err
				}
				out.LaunchTemplates = append(out.LaunchTemplates, f.describe(t))
			}
			for _, id := range in.LaunchTemplateIds {
				t, err := f.template(aws.String(id), nil)
				if err != nil {
					return nil, err
				}
				out.LaunchTemplates = append(out.LaunchTemplates, f.describe(t))
			}
			return out, nil
		}
		for _, name := range sortedKeys(f.r().templates) {
			t := f.r().templates[name]
			ok := true
			for _, fl := range in.Filters {
				key, isTag := strings.CutPrefix(aws.ToString(fl.Name), "tag:")
				if !isTag {
					return nil, ec2Err("InvalidParameterValue", "the fake knows only tag filters, not %s", aws.ToString(fl.Name))
				}
				v, has := t.tags[key]
				ok = ok && has && (len(fl.Values) == 0 || slices.Contains(fl.Values, v))
			}
			if ok {
				out.LaunchTemplates = append(out.LaunchTemplates, f.describe(t))
			}
		}
		return out, nil
	})
}

// responseData converts what a version holds to how EC2 describes it.
func responseData(d *ec2types.RequestLaunchTemplateData) *ec2types.ResponseLaunchTemplateData {
	out := &ec2types.ResponseLaunchTemplateData{ImageId: d.ImageId, SecurityGroupIds: d.SecurityGroupIds, UserData: d.UserData}
	if p := d.IamInstanceProfile; p != nil {
		out.IamInstanceProfile = &ec2types.LaunchTemplateIamInstanceProfileSpecification{Name: p.Name, Arn: p.Arn}
	}
	if m := d.MetadataOptions; m != nil {
		out.MetadataOptions = &ec2types.LaunchTemplateInstanceMetadataOptions{HttpTokens: m.HttpTokens, HttpPutResponseHopLimit: m.HttpPutResponseHopLimit,
			HttpEndpoint: m.HttpEndpoint}
	}
	for _, b := range d.BlockDeviceMappings {
		m := ec2types.LaunchTemplateBlockDeviceMapping{DeviceName: b.DeviceName}
		if e := b.Ebs; e != nil {
			m.Ebs = &ec2types.LaunchTemplateEbsBlockDevice{VolumeSize: e.VolumeSize, VolumeType: e.VolumeType, Iops: e.Iops,
				Throughput: e.Throughput, Encrypted: e.Encrypted, DeleteOnTermination: e.DeleteOnTermination}
		}
		out.BlockDeviceMappings = append(out.BlockDeviceMappings, m)
	}
	for _, ts := range d.TagSpecifications {
		out.TagSpecifications = append(out.TagSpecifications, ec2types.LaunchTemplateTagSpecification{ResourceType: ts.ResourceType, Tags: ts.Tags})
	}
	return out
}

func (f *fakeEC2) DescribeLaunchTemplateVersions(_ context.Context, in *ec2.DescribeLaunchTemplateVersionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplateVersionsOutput, error) {
	return eksCall(f.a, "DescribeLaunchTemplateVersions", "", func() (*ec2.DescribeLaunchTemplateVersionsOutput, error) {
		t, err := f.template(in.LaunchTemplateId, in.LaunchTemplateName)
		if err != nil {
			return nil, err
		}
		out := &ec2.DescribeLaunchTemplateVersionsOutput{}
		for _, v := range in.Versions {
			n := int64(len(t.versions))
			if v != "$Latest" {
				if n, err = strconv.ParseInt(v, 10, 64); err != nil || n < 1 || n > int64(len(t.versions)) {
					return nil, ec2Err("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version %s for %s", v, t.id)
				}
			}
			out.LaunchTemplateVersions = append(out.LaunchTemplateVersions, ec2types.LaunchTemplateVersion{
				LaunchTemplateId: aws.String(t.id), LaunchTemplateName: aws.String(t.name), VersionNumber: aws.Int64(n),
				LaunchTemplateData: responseData(t.versions[n-1])})
		}
		return out, nil
	})
}

func (f *fakeEC2) CreateLaunchTemplate(_ context.Context, in *ec2.CreateLaunchTemplateInput, _ ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateOutput, error) {
	name := aws.ToString(in.LaunchTemplateName)
	return eksCall(f.a, "CreateLaunchTemplate", name, func() (*ec2.CreateLaunchTemplateOutput, error) {
		if f.r().templates[name] != nil {
			return nil, ec2Err("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use.")
		}
		f.a.nextID++
		t := &fakeTemplate{id: fmt.Sprintf("lt-%017x", f.a.nextID), name: name, tags: map[string]string{},
			versions: []*ec2types.RequestLaunchTemplateData{in.LaunchTemplateData}}
		for _, ts := range in.TagSpecifications {
			for _, tg := range ts.Tags {
				t.tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
			}
		}
		f.r().templates[name] = t
		f.a.record("CreateLaunchTemplate %s", name)
		lt := f.describe(t)
		return &ec2.CreateLaunchTemplateOutput{LaunchTemplate: &lt}, nil
	})
}

func (f *fakeEC2) CreateLaunchTemplateVersion(_ context.Context, in *ec2.CreateLaunchTemplateVersionInput, _ ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateVersionOutput, error) {
	return eksCall(f.a, "CreateLaunchTemplateVersion", aws.ToString(in.LaunchTemplateId), func() (*ec2.CreateLaunchTemplateVersionOutput, error) {
		t, err := f.template(in.LaunchTemplateId, in.LaunchTemplateName)
		if err != nil {
			return nil, err
		}
		t.versions = append(t.versions, in.LaunchTemplateData)
		n := int64(len(t.versions))
		f.a.record("CreateLaunchTemplateVersion %s %d", t.name, n)
		return &ec2.CreateLaunchTemplateVersionOutput{LaunchTemplateVersion: &ec2types.LaunchTemplateVersion{
			LaunchTemplateId: aws.String(t.id), LaunchTemplateName: aws.String(t.name), VersionNumber: aws.Int64(n)}}, nil
	})
}

func (f *fakeEC2) DeleteLaunchTemplate(_ context.Context, in *ec2.DeleteLaunchTemplateInput, _ ...func(*ec2.Options)) (*ec2.DeleteLaunchTemplateOutput, error) {
	return eksCall(f.a, "DeleteLaunchTemplate", aws.ToString(in.LaunchTemplateId), func() (*ec2.DeleteLaunchTemplateOutput, error) {
		t, err := f.template(in.LaunchTemplateId, in.LaunchTemplateName)
		if err != nil {
			return nil, err
		}
		for key, o := range f.r().nodegroups {
			if o.ng != nil && o.ng.LaunchTemplate != nil && aws.ToString(o.ng.LaunchTemplate.Name) == t.name {
				f.a.violate("DeleteLaunchTemplate %s while node group %s launches from it", t.name, key)
			}
		}
		for _, g := range f.r().usingTemplate(t) {
			f.a.violate("DeleteLaunchTemplate %s while Auto Scaling group %s launches from it", t.name, g)
		}
		delete(f.r().templates, t.name)
		f.a.record("DeleteLaunchTemplate %s", t.name)
		return &ec2.DeleteLaunchTemplateOutput{}, nil
	})
}

func (f *fakeEC2) CreateTags(_ context.Context, in *ec2.CreateTagsInput, _ ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	return eksCall(f.a, "CreateTags", "", func() (*ec2.CreateTagsOutput, error) {
		for _, id := range in.Resources {
			if strings.HasPrefix(id, "subnet-") {
				if err := f.tagSubnet(id, in.Tags, true); err != nil {
					return nil, err
				}
				continue
			}
			t, err := f.template(aws.String(id), nil)
			if err != nil {
				return nil, err
			}
			for _, tg := range in.Tags {
				t.tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
			}
		}
		return &ec2.CreateTagsOutput{}, nil
	})
}

func (f *fakeEC2) DeleteTags(_ context.Context, in *ec2.DeleteTagsInput, _ ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error) {
	return eksCall(f.a, "DeleteTags", "", func() (*ec2.DeleteTagsOutput, error) {
		for _, id := range in.Resources {
			if strings.HasPrefix(id, "subnet-") {
				if err := f.tagSubnet(id, in.Tags, false); err != nil {
					return nil, err
				}
				continue
			}
			t, err := f.template(aws.String(id), nil)
			if err != nil {
				return nil, err
			}
			for _, tg := range in.Tags {
				delete(t.tags, aws.ToString(tg.Key))
			}
		}
		return &ec2.DeleteTagsOutput{}, nil
	})
}

package provision

// The apply half of a launch template: create, a new version for each
// change, its own tags, delete.

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

func applyLaunchTemplate(ctx context.Context, x *execution) (any, string, error) {
	switch x.c.Action {
	case Create:
		return createLaunchTemplate(ctx, x, x.after.(*LaunchTemplateAttrs))
	case Update:
		return updateLaunchTemplate(ctx, x)
	case Replace:
		b, a := x.before.(*LaunchTemplateAttrs), x.after.(*LaunchTemplateAttrs)
		if err := deleteLaunchTemplateNamed(ctx, x, b); err != nil {
			return nil, "", err
		}
		return createLaunchTemplate(ctx, x, a)
	case Delete:
		b := x.before.(*LaunchTemplateAttrs)
		return nil, b.Name, deleteLaunchTemplateNamed(ctx, x, b)
	case NoOp, Wait:
		b := x.before.(*LaunchTemplateAttrs)
		return b, b.ID, nil
	}
	return nil, "", fmt.Errorf("cannot %s a launch template", x.c.Action)
}

// templateData is what a version of a holds, as EC2 takes it.
func templateData(a *LaunchTemplateAttrs) *ec2types.RequestLaunchTemplateData {
	d := &ec2types.RequestLaunchTemplateData{SecurityGroupIds: a.SecurityGroupIDs}
	if a.ClusterSecurityGroupID != "" {
		d.SecurityGroupIds = append([]string{a.ClusterSecurityGroupID}, a.SecurityGroupIDs...)
	}
	if a.ImageID != "" {
		d.ImageId = aws.String(a.ImageID)
	}
	if a.IAMInstanceProfile != "" {
		d.IamInstanceProfile = &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: aws.String(a.IAMInstanceProfile)}
	}
	if a.MetadataHTTPTokens != "" || a.MetadataHopLimit != 0 {
		d.MetadataOptions = &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{
			HttpTokens:              ec2types.LaunchTemplateHttpTokensState(a.MetadataHTTPTokens),
			HttpPutResponseHopLimit: aws.Int32(int32(a.MetadataHopLimit)),
			HttpEndpoint:            ec2types.LaunchTemplateInstanceMetadataEndpointStateEnabled,
		}
	}
	if a.RootVolumeSize > 0 {
		ebs := &ec2types.LaunchTemplateEbsBlockDeviceRequest{
			VolumeSize:          aws.Int32(int32(a.RootVolumeSize)),
			VolumeType:          ec2types.VolumeType(a.RootVolumeType),
			Encrypted:           a.RootVolumeEncrypted,
			DeleteOnTermination: aws.Bool(true),
		}
		if a.RootVolumeIOPS != nil {
			ebs.Iops = aws.Int32(int32(*a.RootVolumeIOPS))
		}
		if a.RootVolumeThroughput != nil {
			ebs.Throughput = aws.Int32(int32(*a.RootVolumeThroughput))
		}
		dev := a.RootDevice
		if dev == "" {
			dev = rootDevice("")
		}
		d.BlockDeviceMappings = []ec2types.LaunchTemplateBlockDeviceMappingRequest{{DeviceName: aws.String(dev), Ebs: ebs}}
	}
	if a.UserData != "" {
		d.UserData = aws.String(base64.StdEncoding.EncodeToString([]byte(a.UserData)))
	}
	if len(a.InstanceTags) > 0 {
		for _, rt := range []ec2types.ResourceType{ec2types.ResourceTypeInstance, ec2types.ResourceTypeVolume} {
			d.TagSpecifications = append(d.TagSpecifications, ec2types.LaunchTemplateTagSpecificationRequest{ResourceType: rt, Tags: toEC2Tags(a.InstanceTags)})
		}
	}
	return d
}

func toEC2Tags(m map[string]string) []ec2types.Tag {
	var out []ec2types.Tag
	for _, k := range sortedKeys(m) {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func createLaunchTemplate(ctx context.Context, x *execution, a *LaunchTemplateAttrs) (any, string, error) {
	tags := ownedTags(a.Tags, x.cluster, baseAddress(x.c.Address))
	_, err := x.ec2.CreateLaunchTemplate(callCtx(ctx), &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String(a.Name),
		LaunchTemplateData: templateData(a),
		VersionDescription: aws.String("eksctl-lite " + baseAddress(x.c.Address)),
		TagSpecifications:  []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeLaunchTemplate, Tags: toEC2Tags(tags)}},
	})
	if err != nil && ec2Code(err) != "InvalidLaunchTemplateName.AlreadyExistsException" {
		return nil, "", fmt.Errorf("creating launch template %s: %w", a.Name, err)
	}
	live, rerr := readLaunchTemplate(ctx, x, a.Name)
	if rerr != nil {
		return nil, "", rerr
	}
	if err != nil {
		// It exists: an interrupted apply made it, or someone else did.
		if live == nil || !ownedHere(live.Tags, x.c) {
			return nil, "", fmt.Errorf("a launch template named %s already exists and eksctl-lite does not own it; delete or rename it", a.Name)
		}
		x.act.note("found launch template %s created by an earlier apply", a.Name)
		if d := diffAttrs(launchTemplateSchema, live, a, nil); len(pathsIn(diffPaths(d), launchTemplateVersionPaths...)) > 0 {
			return newLaunchTemplateVersion(ctx, x, live, a)
		}
	}
	if live == nil {
		return nil, "", fmt.Errorf("launch template %s was created but EC2 does not describe it; run eksctl-lite apply again", a.Name)
	}
	return live, live.ID, nil
}

// updateLaunchTemplate makes the new version the plan lists (unless the
// latest version already is what the plan wants: an interrupted apply
// made it) and sets the template's tags.
func updateLaunchTemplate(ctx context.Context, x *execution) (any, string, error) {
	b, a := x.before.(*LaunchTemplateAttrs), x.after.(*LaunchTemplateAttrs)
	live, err := readLaunchTemplate(ctx, x, b.Name)
	if err != nil {
		return nil, "", err
	}
	if live == nil {
		return nil, "", fmt.Errorf("launch template %s no longer exists; run eksctl-lite plan again", b.Name)
	}
	if err := x.stillOwned("launch template "+b.Name, live.Tags); err != nil {
		return nil, "", err
	}
	for _, s := range x.c.Steps {
		switch s.Call {
		case "CreateLaunchTemplateVersion":
			if d := diffAttrs(launchTemplateSchema, live, a, nil); len(pathsIn(diffPaths(d), launchTemplateVersionPaths...)) == 0 {
				continue
			}
			v, _, err := newLaunchTemplateVersion(ctx, x, live, a)
			if err != nil {
				return nil, "", err
			}
			live = v.(*LaunchTemplateAttrs)
		case "CreateTags":
			set, _ := tagChanges(live.Tags, a.Tags)
			if len(set) == 0 {
				continue
			}
			if _, err := x.ec2.CreateTags(callCtx(ctx), &ec2.CreateTagsInput{Resources: []string{live.ID}, Tags: toEC2Tags(set)}); err != nil {
				return nil, "", fmt.Errorf("tagging launch template %s: %w", b.Name, err)
			}
		case "DeleteTags":
			_, remove := tagChanges(live.Tags, a.Tags)
			if len(remove) == 0 {
				continue
			}
			var tags []ec2types.Tag
			for _, k := range remove {
				tags = append(tags, ec2types.Tag{Key: aws.String(k)})
			}
			if _, err := x.ec2.DeleteTags(callCtx(ctx), &ec2.DeleteTagsInput{Resources: []string{live.ID}, Tags: tags}); err != nil {
				return nil, "", fmt.Errorf("untagging launch template %s: %w", b.Name, err)
			}
		default:
			return nil, "", unknownStep(x, s)
		}
	}
	live, err = readLaunchTemplate(ctx, x, b.Name)
	if err != nil {
		return nil, "", err
	}
	if live == nil {
		return nil, "", fmt.Errorf("launch template %s disappeared during the update; run eksctl-lite plan again", b.Name)
	}
	return live, live.ID, nil
}

// newLaunchTemplateVersion adds a version holding a's attributes to the
// live template.
func newLaunchTemplateVersion(ctx context.Context, x *execution, live, a *LaunchTemplateAttrs) (any, string, error) {
	out, err := x.ec2.CreateLaunchTemplateVersion(callCtx(ctx), &ec2.CreateLaunchTemplateVersionInput{
		LaunchTemplateId:   aws.String(live.ID),
		LaunchTemplateData: templateData(a),
		VersionDescription: aws.String("eksctl-lite " + baseAddress(x.c.Address)),
	})
	if err != nil {
		return nil, "", fmt.Errorf("creating a version of launch template %s: %w", live.Name, err)
	}
	n := live.LatestVersion + 1
	if v := out.LaunchTemplateVersion; v != nil && v.VersionNumber != nil {
		n = *v.VersionNumber
	}
	x.act.note("launch template %s: version %d", live.Name, n)
	got, err := readLaunchTemplate(ctx, x, live.Name)
	if err != nil {
		return nil, "", err
	}
	if got == nil {
		return nil, "", fmt.Errorf("launch template %s disappeared; run eksctl-lite plan again", live.Name)
	}
	return got, got.ID, nil
}

// readLaunchTemplate reads the template name with its latest version; nil
// when it does not exist.
func readLaunchTemplate(ctx context.Context, x *execution, name string) (*LaunchTemplateAttrs, error) {
	out, err := x.ec2.DescribeLaunchTemplates(callCtx(ctx), &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{name}})
	if launchTemplateGone(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describing launch template %s: %w", name, err)
	}
	if len(out.LaunchTemplates) == 0 {
		return nil, nil
	}
	t := out.LaunchTemplates[0]
	vs, err := x.ec2.DescribeLaunchTemplateVersions(callCtx(ctx), &ec2.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: t.LaunchTemplateId, Versions: []string{"$Latest"}})
	if launchTemplateGone(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describing the versions of launch template %s: %w", name, err)
	}
	return templateFromAWS(t, vs.LaunchTemplateVersions), nil
}

// deleteLaunchTemplateNamed deletes the live template b, once it is sure
// the template is still this configuration's.
func deleteLaunchTemplateNamed(ctx context.Context, x *execution, b *LaunchTemplateAttrs) error {
	live, err := readLaunchTemplate(ctx, x, b.Name)
	if err != nil {
		return err
	}
	if live == nil {
		return nil
	}
	if err := x.stillOwned("launch template "+b.Name, live.Tags); err != nil {
		return err
	}
	_, err = x.ec2.DeleteLaunchTemplate(callCtx(ctx), &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(live.ID)})
	if err != nil && !launchTemplateGone(err) {
		return fmt.Errorf("deleting launch template %s: %w", b.Name, err)
	}
	return nil
}

// launchTemplateGone reports EC2's errors for a launch template that does
// not exist (by ID, by name).
func launchTemplateGone(err error) bool {
	switch ec2Code(err) {
	case "InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateName.NotFoundException", "InvalidLaunchTemplateId.VersionNotFound":
		return true
	}
	return false
}

// ec2Code is the error code of an EC2 error, "" for none.
func ec2Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

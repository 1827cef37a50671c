package provision

// The plan half of an EC2 launch template: the one eksctl-lite makes for a
// node group's launch_template block. A template is never edited: each
// change of what it launches is a new version (CreateLaunchTemplateVersion),
// and the group that uses it moves to that version (a managed node group
// through UpdateNodegroupVersion, rolling its nodes as EKS does). Only the
// template's own tags change in place. The template belongs to its group:
// it is planned by the group's kind (planLaunchTemplate), created before
// the group and deleted after it.

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// TypeLaunchTemplate is an EC2 launch template.
const TypeLaunchTemplate Type = "aws_launch_template"

// EC2API is the part of the EC2 API eksctl-lite calls; *ec2.Client
// satisfies it.
type EC2API interface {
	DescribeLaunchTemplates(context.Context, *ec2.DescribeLaunchTemplatesInput, ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplatesOutput, error)
	DescribeLaunchTemplateVersions(context.Context, *ec2.DescribeLaunchTemplateVersionsInput, ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplateVersionsOutput, error)
	CreateLaunchTemplate(context.Context, *ec2.CreateLaunchTemplateInput, ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateOutput, error)
	CreateLaunchTemplateVersion(context.Context, *ec2.CreateLaunchTemplateVersionInput, ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateVersionOutput, error)
	DeleteLaunchTemplate(context.Context, *ec2.DeleteLaunchTemplateInput, ...func(*ec2.Options)) (*ec2.DeleteLaunchTemplateOutput, error)
	CreateTags(context.Context, *ec2.CreateTagsInput, ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
	DeleteTags(context.Context, *ec2.DeleteTagsInput, ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error)
	// The cluster's subnets and their route tables (loadbalancer.go).
	DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
	DescribeRouteTables(context.Context, *ec2.DescribeRouteTablesInput, ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error)
}

var _ EC2API = (*ec2.Client)(nil)

// LaunchTemplateAttrs are a launch template's attributes: those of its
// latest version, and its own tags. ID and LatestVersion exist once it
// does.
type LaunchTemplateAttrs struct {
	Name          string `json:"launch_template_name"`
	ID            string `json:"id,omitempty"`
	LatestVersion int64  `json:"latest_version,omitempty"`
	// ImageID is "" when EKS chooses the AMI (a managed node group's
	// ami_type).
	ImageID string `json:"image_id"`
	// ClusterSecurityGroupID is the cluster's security group, which the
	// template lists before SecurityGroupIDs when it names any security
	// group (EKS then does not add it itself) or joins nodes itself; ""
	// otherwise.
	ClusterSecurityGroupID string   `json:"cluster_security_group_id"`
	SecurityGroupIDs       []string `json:"security_group_ids"`
	// IAMInstanceProfile is the name of the instance profile a
	// self-managed group's instances get ("" for a managed node group:
	// EKS gives its own).
	IAMInstanceProfile string `json:"iam_instance_profile"`
	MetadataHTTPTokens string `json:"metadata_options.http_tokens"`
	MetadataHopLimit   int    `json:"metadata_options.http_put_response_hop_limit"`
	// RootDevice is the device the root_volume block describes; not
	// diffed: it follows from the AMI family.
	RootDevice           string `json:"root_volume.device_name,omitempty"`
	RootVolumeSize       int    `json:"root_volume.size"`
	RootVolumeType       string `json:"root_volume.type"`
	RootVolumeIOPS       *int   `json:"root_volume.iops"`
	RootVolumeThroughput *int   `json:"root_volume.throughput"`
	RootVolumeEncrypted  *bool  `json:"root_volume.encrypted"`
	// UserData is the user data as text (EC2 holds it in base64).
	UserData string `json:"user_data"`
	// InstanceTags go on every instance and volume launched from it.
	InstanceTags map[string]string `json:"instance_tags"`
	// Tags are the template's own tags (ownership).
	Tags map[string]string `json:"tags"`
	// Join is what eksctl-lite's user data is made from when the
	// template's nodes join the cluster through it (custom AMIs,
	// self-managed groups): kept in the plan so that apply can make the
	// user data once a new cluster exists. nil otherwise.
	Join *templateJoin `json:"node_join,omitempty"`
}

// templateJoin is what joins a template's nodes, besides the cluster's
// own details: the AMI family (userData), the kubelet's labels and
// taints, and the user's user data.
type templateJoin struct {
	Family string            `json:"family"`
	Labels map[string]string `json:"labels,omitempty"`
	Taints []TaintAttrs      `json:"taints,omitempty"`
	Extra  string            `json:"extra,omitempty"`
}

// shown: user data with its certificate authority shortened.
func (a *LaunchTemplateAttrs) shown(key string, v any) any {
	if s, ok := v.(string); ok && key == "user_data" && s != KnownAfterApply {
		return readableUserData(s)
	}
	return v
}

func (a *LaunchTemplateAttrs) internalKeys() []string {
	return []string{"node_join", "latest_version", "id"}
}

// checkJoin checks, at plan, what the template's user data is made of
// that the block gives (labels, taints, the user's part), against a
// stand-in for the cluster, whose own details are checked at apply.
func (a *LaunchTemplateAttrs) checkJoin(cluster string) error {
	_, err := a.joinUserData(&ClusterAttrs{Name: cluster, Endpoint: "https://x", CertificateAuthority: "eA==", ServiceCIDR: "10.100.0.0/16"})
	return err
}

// joinUserData is the user data that joins the template's nodes to
// cluster c (see ClusterAttrs.refValue).
func (a *LaunchTemplateAttrs) joinUserData(c *ClusterAttrs) (string, error) {
	if a.Join == nil {
		return "", fmt.Errorf("launch template %s joins no nodes", a.Name)
	}
	return userData(a.Join.Family, nodeJoin{ClusterName: c.Name, Endpoint: c.Endpoint, CertificateAuthority: c.CertificateAuthority,
		ServiceCIDR: c.ServiceCIDR, Labels: a.Join.Labels, Taints: a.Join.Taints}, a.Join.Extra)
}

// launchTemplateSchema: everything but the template's own tags is in a
// version, and a new version is how it changes; nothing forces a new
// template.
var launchTemplateSchema = Schema{
	"image_id":                                     {},
	"cluster_security_group_id":                    {},
	"security_group_ids":                           {Set: true},
	"iam_instance_profile":                         {},
	"metadata_options.http_tokens":                 {},
	"metadata_options.http_put_response_hop_limit": {},
	"root_volume.size":                             {},
	"root_volume.type":                             {},
	"root_volume.iops":                             {},
	"root_volume.throughput":                       {},
	"root_volume.encrypted":                        {},
	"user_data":                                    {},
	"instance_tags":                                {},
	"tags":                                         {},
}

// launchTemplateVersionPaths are the attributes held in a version.
var launchTemplateVersionPaths = func() []string {
	var out []string
	for _, p := range sortedKeys(launchTemplateSchema) {
		if p != "tags" {
			out = append(out, p)
		}
	}
	return out
}()

// maxLaunchTemplateName is EC2's limit (CreateLaunchTemplate,
// LaunchTemplateName: 3 to 128 characters).
const maxLaunchTemplateName = 128

// LaunchTemplateAddress is the address of the launch template of the
// block at owner (a node group's address).
func LaunchTemplateAddress(owner string) string { return owner + ".launch_template" }

// LaunchTemplateName is the physical name of the template of a group of
// cluster: launch template names are unique per region, like cluster
// names, so the cluster's name and the group's block make it unique. what
// is "ng" for a managed node group.
func LaunchTemplateName(cluster, what, label string) string {
	return limitName("eksctl-lite-"+cluster+"-"+what+"-"+label, maxLaunchTemplateName)
}

// rootDevice is the device of the volume a root_volume block sizes, for an
// AMI type or family: Bottlerocket's OS volume is small and fixed, and its
// data volume (/dev/xvdb) holds images and pods, as in EKS's own templates.
func rootDevice(amiType string) string {
	if strings.HasPrefix(amiType, "BOTTLEROCKET") {
		return "/dev/xvdb"
	}
	return "/dev/xvda"
}

// launchTemplateAttrs are the desired attributes of lt, named name, for a
// group of AMI type amiType, with user data userData and imageID ("" for
// none).
func launchTemplateAttrs(cp *clusterPlan, owner, name string, lt *spec.LaunchTemplate, amiType, imageID, userData string) *LaunchTemplateAttrs {
	a := &LaunchTemplateAttrs{
		Name:               name,
		ImageID:            imageID,
		SecurityGroupIDs:   lt.SecurityGroupIDs,
		MetadataHTTPTokens: lt.MetadataHTTPTokens,
		MetadataHopLimit:   lt.MetadataHopLimit,
		UserData:           userData,
		InstanceTags:       lt.Tags,
		Tags:               cp.ownedTags(nil, LaunchTemplateAddress(owner)),
	}
	if v := lt.RootVolume; v != nil {
		a.RootDevice = rootDevice(amiType)
		a.RootVolumeSize, a.RootVolumeType = v.Size, v.Type
		a.RootVolumeIOPS, a.RootVolumeThroughput = v.IOPS, v.Throughput
		a.RootVolumeEncrypted = aws.Bool(v.Encrypted)
	}
	return a
}

// launchTemplateKind is the launch template's contract with the engine.
// Its blocks are planned by the kinds of the groups that hold them
// (planLaunchTemplate); its own plan pass, after theirs, deletes the live
// templates no block claims.
func launchTemplateKind() *kind {
	return &kind{
		typ:      TypeLaunchTemplate,
		schema:   launchTemplateSchema,
		newAttrs: func() any { return &LaunchTemplateAttrs{} },
		nameKey:  "launch_template_name",
		apply:    applyLaunchTemplate,
		weight:   5 * time.Second,
		replace:  DeleteThenCreate,
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			if t := findLaunchTemplate(o.cluster, ch.Address, nameOfChange(ch)); t != nil {
				return t
			}
			return nil
		},
		observe: func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any {
			return anySlice(observeLaunchTemplates(ctx, o, c.EC2, cluster, errs))
		},
		plan: func(pl *planner, cp *clusterPlan, _ useFunc) hcl.Diagnostics {
			claimed := map[string]bool{}
			for _, ch := range cp.changes {
				if ch.Type == TypeLaunchTemplate {
					claimed[physicalNameOf(ch.Before)] = true
				}
			}
			for _, t := range cp.live.launchTemplates() {
				if !claimed[t.Name] {
					cp.add(deleteLaunchTemplate(cp, t, "not in the configuration"))
				}
			}
			return nil
		},
		destroy: func(pl *planner, cp *clusterPlan, reason string) {
			for _, t := range cp.live.launchTemplates() {
				cp.add(deleteLaunchTemplate(cp, t, reason))
			}
		},
		noun: "launch template",
		blockRange: func(c *spec.Cluster, address string) (hcl.Range, bool) {
			for _, ng := range c.NodeGroups {
				if ng.LaunchTemplate != nil && LaunchTemplateAddress(NodeGroupAddress(c.Name, ng.Name)) == address {
					return ng.LaunchTemplate.DeclRange, true
				}
			}
			return hcl.Range{}, false
		},
	}
}

func nameOfChange(ch *ResourceChange) string {
	if n := physicalNameOf(ch.Before); n != "" {
		return n
	}
	return physicalNameOf(ch.After)
}

func (a *LaunchTemplateAttrs) physicalName() string { return a.Name }

// refValue: a launch template gives a group the version it is to use
// (its latest, as a number) and its ID.
func (a *LaunchTemplateAttrs) refValue(path string, _ any) (string, error) {
	if strings.HasSuffix(path, "version") {
		if a.LatestVersion == 0 {
			return "", fmt.Errorf("launch template %s has no version", a.Name)
		}
		return strconv.FormatInt(a.LatestVersion, 10), nil
	}
	return a.ID, nil
}

// launchTemplates are the cluster's live launch templates (those tagged
// with its name), sorted by name.
func (lc *liveCluster) launchTemplates() []*LaunchTemplateAttrs {
	return childrenOf[*LaunchTemplateAttrs](lc, TypeLaunchTemplate)
}

// findLaunchTemplate is the live template of address, by its address tag
// or by name.
func findLaunchTemplate(lc *liveCluster, address, name string) *LaunchTemplateAttrs {
	for _, t := range lc.launchTemplates() {
		if t.Tags[TagAddress] == baseAddress(address) || (name != "" && t.Name == name) {
			return t
		}
	}
	return nil
}

// templateUse is what a group's change needs from its template's plan.
type templateUse struct {
	// Name is the template's name; Version the version the group is to
	// use: the live latest, or KnownAfterApply when the plan makes a new
	// one (then Changing).
	Name, Version string
	Changing      bool
}

// planLaunchTemplate plans the template of the block at owner with
// desired attributes want, and says what the group's change should use.
// What want needs from the cluster (its security group, the user data
// that joins it) is filled in from the live cluster, or known after apply
// when the cluster is new.
func (cp *clusterPlan) planLaunchTemplate(owner string, want *LaunchTemplateAttrs, withClusterSG bool, deps ...string) templateUse {
	addr := LaunchTemplateAddress(owner)
	clusterAddr := ClusterAddress(cp.spec.Name)
	deps = append([]string{clusterAddr}, deps...)
	refs := map[string]string{}
	lc := cp.live.cluster
	if withClusterSG {
		want.ClusterSecurityGroupID = KnownAfterApply
		if lc != nil && lc.ClusterSecurityGroupID != "" {
			want.ClusterSecurityGroupID = lc.ClusterSecurityGroupID
		} else {
			refs["cluster_security_group_id"] = clusterAddr
		}
	}
	if want.Join != nil {
		want.UserData = KnownAfterApply
		if lc != nil && lc.Endpoint != "" {
			if ud, err := want.joinUserData(lc); err == nil {
				want.UserData = ud
			}
		}
		if want.UserData == KnownAfterApply {
			refs["user_data"] = clusterAddr
		}
	}
	cur := findLaunchTemplate(cp.live, addr, want.Name)
	if cur == nil {
		cp.add(&ResourceChange{Address: addr, Type: TypeLaunchTemplate, Action: Create, After: want, DependsOn: deps, Refs: refs})
		return templateUse{Name: want.Name, Version: KnownAfterApply, Changing: true}
	}
	if lc != nil && lc.ClusterSecurityGroupID != "" {
		cur = withClusterSecurityGroup(cur, lc.ClusterSecurityGroupID)
	}
	want.Name = cur.Name
	ch := &ResourceChange{Address: addr, Type: TypeLaunchTemplate, Before: cur, After: want, DependsOn: deps, Refs: refs}
	ch.Diffs = diffAttrs(launchTemplateSchema, cur, want, nil)
	ch.Action = actionOf(ch.Diffs)
	use := templateUse{Name: cur.Name, Version: strconv.FormatInt(cur.LatestVersion, 10)}
	if ch.Action == Update {
		ch.Steps = launchTemplateSteps(cur, want, ch.Diffs)
		if len(pathsIn(diffPaths(ch.Diffs), launchTemplateVersionPaths...)) > 0 {
			use.Version, use.Changing = KnownAfterApply, true
		}
	}
	cp.add(ch)
	return use
}

// withClusterSecurityGroup is live template t with the cluster's security
// group sg, when its latest version lists it, told apart from the others
// (as the plan's desired attributes hold it).
func withClusterSecurityGroup(t *LaunchTemplateAttrs, sg string) *LaunchTemplateAttrs {
	if !slices.Contains(t.SecurityGroupIDs, sg) {
		return t
	}
	c := *t
	c.ClusterSecurityGroupID, c.SecurityGroupIDs = sg, nil
	for _, g := range t.SecurityGroupIDs {
		if g != sg {
			c.SecurityGroupIDs = append(c.SecurityGroupIDs, g)
		}
	}
	return &c
}

// launchTemplateSteps: a new version for what the version holds, then the
// template's tags.
func launchTemplateSteps(before, after *LaunchTemplateAttrs, diffs []AttrDiff) []Step {
	paths := diffPaths(diffs)
	var steps []Step
	if p := pathsIn(paths, launchTemplateVersionPaths...); len(p) > 0 {
		steps = append(steps, Step{Call: "CreateLaunchTemplateVersion",
			Detail: fmt.Sprintf("version %d from version %d", before.LatestVersion+1, before.LatestVersion), Paths: p})
	}
	if paths["tags"] {
		steps = append(steps, tagSteps("CreateTags", "DeleteTags", before.Tags, after.Tags)...)
	}
	return steps
}

func deleteLaunchTemplate(cp *clusterPlan, t *LaunchTemplateAttrs, reason string) *ResourceChange {
	addr := t.Tags[TagAddress]
	if addr == "" {
		addr = ClusterAddress(cp.spec.Name) + ".launch_template." + t.Name
	}
	// A self-managed group's instance profile is deleted after its
	// template (the dependency is dropped when there is none).
	owner := strings.TrimSuffix(addr, ".launch_template")
	return &ResourceChange{Address: addr, Type: TypeLaunchTemplate, Action: Delete, Before: t,
		DependsOn: []string{ClusterAddress(cp.spec.Name), InstanceProfileAddress(owner)}, Reason: reason}
}

// observeLaunchTemplates reads the launch templates tagged with cluster's
// name, each with its latest version.
func observeLaunchTemplates(ctx context.Context, o *observer, api EC2API, cluster string, errs *errList) []*LaunchTemplateAttrs {
	var list []ec2types.LaunchTemplate
	in := &ec2.DescribeLaunchTemplatesInput{Filters: []ec2types.Filter{{Name: aws.String("tag:" + TagCluster), Values: []string{cluster}}}}
	for {
		var out *ec2.DescribeLaunchTemplatesOutput
		err := o.ec2.call(ctx, func(ctx context.Context) (err error) {
			out, err = api.DescribeLaunchTemplates(ctx, in)
			return err
		})
		if err != nil {
			errs.add(fmt.Errorf("listing the launch templates of cluster %q: %w", cluster, err))
			return nil
		}
		list = append(list, out.LaunchTemplates...)
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		got []*LaunchTemplateAttrs
	)
	for _, t := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out *ec2.DescribeLaunchTemplateVersionsOutput
			err := o.ec2.call(ctx, func(ctx context.Context) (err error) {
				out, err = api.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
					LaunchTemplateId: t.LaunchTemplateId, Versions: []string{"$Latest"}})
				return err
			})
			if launchTemplateGone(err) {
				return
			}
			if err != nil {
				errs.add(fmt.Errorf("reading launch template %s of cluster %q: %w", aws.ToString(t.LaunchTemplateName), cluster, err))
				return
			}
			a := templateFromAWS(t, out.LaunchTemplateVersions)
			mu.Lock()
			got = append(got, a)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(got, func(i, j int) bool { return got[i].Name < got[j].Name })
	return got
}

// templateFromAWS converts DescribeLaunchTemplates' template t and
// DescribeLaunchTemplateVersions' answer for its $Latest.
func templateFromAWS(t ec2types.LaunchTemplate, latest []ec2types.LaunchTemplateVersion) *LaunchTemplateAttrs {
	a := &LaunchTemplateAttrs{Name: aws.ToString(t.LaunchTemplateName), ID: aws.ToString(t.LaunchTemplateId),
		LatestVersion: aws.ToInt64(t.LatestVersionNumber), Tags: liveTags(ec2Tags(t.Tags))}
	if len(latest) > 0 {
		a.LatestVersion = aws.ToInt64(latest[0].VersionNumber)
		fromTemplateData(a, latest[0].LaunchTemplateData)
	}
	return a
}

// fromTemplateData sets a's version attributes from what EC2 holds.
func fromTemplateData(a *LaunchTemplateAttrs, d *ec2types.ResponseLaunchTemplateData) {
	if d == nil {
		return
	}
	a.ImageID = aws.ToString(d.ImageId)
	if p := d.IamInstanceProfile; p != nil {
		a.IAMInstanceProfile = aws.ToString(p.Name)
	}
	a.SecurityGroupIDs = d.SecurityGroupIds
	if m := d.MetadataOptions; m != nil {
		a.MetadataHTTPTokens = string(m.HttpTokens)
		a.MetadataHopLimit = int(aws.ToInt32(m.HttpPutResponseHopLimit))
	}
	for _, b := range d.BlockDeviceMappings {
		e := b.Ebs
		if e == nil {
			continue
		}
		a.RootDevice = aws.ToString(b.DeviceName)
		a.RootVolumeSize = int(aws.ToInt32(e.VolumeSize))
		a.RootVolumeType = string(e.VolumeType)
		if e.Iops != nil {
			a.RootVolumeIOPS = aws.Int(int(*e.Iops))
		}
		if e.Throughput != nil {
			a.RootVolumeThroughput = aws.Int(int(*e.Throughput))
		}
		a.RootVolumeEncrypted = e.Encrypted
		break
	}
	if ud := aws.ToString(d.UserData); ud != "" {
		if raw, err := base64.StdEncoding.DecodeString(ud); err == nil {
			a.UserData = string(raw)
		} else {
			a.UserData = ud // not ours: shown as EC2 holds it
		}
	}
	for _, ts := range d.TagSpecifications {
		if ts.ResourceType == ec2types.ResourceTypeInstance {
			a.InstanceTags = ec2Tags(ts.Tags)
		}
	}
}

// ec2Tags converts EC2's tag list.
func ec2Tags(tags []ec2types.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

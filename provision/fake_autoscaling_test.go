package provision

// The fake account's EC2 Auto Scaling groups, for self-managed node
// groups: what Auto Scaling does (min <= desired <= max, a group launches
// from a launch template version that exists in the fake EC2, no deletion
// of a group with instances unless forced, one instance refresh at a time)
// and its error codes, from botocore's model (autoscaling/2011-01-01/
// service-2.json) and the emulator's rules (integration/emulator/
// asg_fidelity.py, autoscaling_refresh.py).
//
// Instances are bare: an ID, the launch template version it was launched
// from, its instance type and AMI, InService at once when a group scales.
//
// An instance refresh moves on lazily, like the emulator's: every Auto
// Scaling call first moves each active refresh of the account one step,
// at most one step per life.update (zero: a step on every call).
//
//	Pending     one step, then InProgress with the instances to replace
//	            (all InService ones; with SkipMatching those not launched
//	            from the desired configuration);
//	InProgress  each step finishes the batch in flight (its new instances
//	            InService, the old ones it kept until then terminated) and
//	            starts the next, as AWS sizes it: in service >=
//	            ceil(desired*MinHealthyPercentage/100) and in service +
//	            pending <= MaxHealthyPercentage of desired, at least one
//	            instance a batch ("Setting the minimum healthy percentage to
//	            100 percent limits the rate of replacement to one instance
//	            at a time"). New instances are Pending for one step;
//	Successful  nothing left to replace: the group takes the desired
//	            configuration;
//	Cancelling  CancelInstanceRefresh; the next step finishes the batch in
//	            flight and ends it Cancelled, keeping what it replaced;
//	Failed      a launch failed (its launch template was deleted).
//
// The rule the account enforces is the one a user notices: while a
// refresh runs, the instances in service never drop below its minimum
// healthy count. AWS itself breaks it when the healthy percentages leave
// no room (MaxHealthyPercentage 100 and a group so small that the minimum
// is all of it, e.g. the defaults 90/100 on a group of 1 or 2): "at least
// one at a time" terminates before it launches. So a refresh that keeps
// capacity sets MaxHealthyPercentage above 100 (launch before terminate).
// Every InService count during a refresh is kept (asgCapacityLow).
//
// A forced deletion (or one of a group without instances) terminates the
// instances at once and leaves the group "Delete in progress" for
// life.nodeGroup (zero: gone at once).

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

type fakeASGTag struct {
	value     string
	propagate bool
}

// fakeInstance is one instance of a group, and what it was launched from.
type fakeInstance struct {
	id                   string
	template, templateID string
	version              int64
	instanceType, image  string
	state                astypes.LifecycleState
}

type fakeASG struct {
	name, arn         string
	min, max, desired int32
	// lt or mip is the group's launch configuration, the template spec
	// with both its ID and name, as Auto Scaling describes it.
	lt        *astypes.LaunchTemplateSpecification
	mip       *astypes.MixedInstancesPolicy
	subnets   string
	tags      map[string]fakeASGTag
	instances []*fakeInstance
	refreshes []*fakeRefresh // oldest first
	deleting  bool
	until     time.Time // when a deletion ends
	// capacity are the InService counts seen at each step of a refresh.
	capacity []int
}

type fakeRefresh struct {
	id         string
	status     astypes.InstanceRefreshStatus
	reason     string
	prefs      astypes.RefreshPreferences // with AWS's defaults
	desired    *astypes.DesiredConfiguration
	start, end time.Time
	next       time.Time // the earliest time of its next step
	toReplace  []*fakeInstance
	total      int
	replaced   int
	batch      *fakeBatch
	broke      bool // recorded a violation already
}

// fakeBatch is the batch of a refresh in flight: its new instances
// (Pending) and the old ones it terminates once they are in service.
type fakeBatch struct {
	launched, later []*fakeInstance
	count           int
}

func (rf *fakeRefresh) active() bool {
	switch rf.status {
	case astypes.InstanceRefreshStatusPending, astypes.InstanceRefreshStatusInProgress, astypes.InstanceRefreshStatusCancelling:
		return true
	}
	return false
}

func (g *fakeASG) activeRefresh() *fakeRefresh {
	for _, rf := range g.refreshes {
		if rf.active() {
			return rf
		}
	}
	return nil
}

func (g *fakeASG) inService() int {
	n := 0
	for _, in := range g.instances {
		if in.state == astypes.LifecycleStateInService {
			n++
		}
	}
	return n
}

type fakeAutoScaling struct {
	a      *fakeAccount
	region string
}

var _ AutoScalingAPI = (*fakeAutoScaling)(nil)

// Errors as Auto Scaling words them: ValidationError is not in the model
// (the SDK makes it a smithy.GenericAPIError), the faults are the SDK's types.

func asgInvalid(format string, args ...any) error {
	return &smithy.GenericAPIError{Code: "ValidationError", Message: fmt.Sprintf(format, args...)}
}

func asgNotFound(name string) error {
	return asgInvalid("AutoScalingGroup name not found - AutoScalingGroup '%s' not found", name)
}

// asgCall runs an Auto Scaling operation, after moving the account's
// instance refreshes on.
func asgCall[T any](f *fakeAutoScaling, op, name string, fn func() (*T, error)) (*T, error) {
	return eksCall(f.a, op, name, func() (*T, error) {
		f.a.settleRefreshes()
		return fn()
	})
}

func (f *fakeAutoScaling) r() *eksRegion { return f.a.in(f.region) }

// asg is the live group of that name (a finished deletion removed), nil if none.
func (r *eksRegion) asg(name string) *fakeASG {
	g := r.asgs[name]
	if g != nil && g.deleting && !time.Now().Before(g.until) {
		delete(r.asgs, name)
		return nil
	}
	return g
}

// group is the group of that name, not being deleted, or Auto Scaling's error.
func (f *fakeAutoScaling) group(name string) (*fakeASG, error) {
	g := f.r().asg(name)
	if g == nil {
		return nil, asgNotFound(name)
	}
	if g.deleting {
		return nil, asgInvalid("AutoScalingGroup %s is pending delete.", name)
	}
	return g, nil
}

// fakeLaunch is what a group's configuration launches: a launch template
// version, and the instance type (the first override of a mixed
// instances policy, else the template's).
type fakeLaunch struct {
	t            *fakeTemplate
	version      int64
	instanceType string
}

// launchSpec is the launch template spec of a configuration.
func launchSpec(lt *astypes.LaunchTemplateSpecification, mip *astypes.MixedInstancesPolicy) *astypes.LaunchTemplateSpecification {
	if lt != nil {
		return lt
	}
	if mip != nil && mip.LaunchTemplate != nil {
		return mip.LaunchTemplate.LaunchTemplateSpecification
	}
	return nil
}

// resolveVersion is the version number a spec names: "$Latest", "$Default"
// (version 1: the fake EC2 never changes the default) or a number.
func resolveVersion(t *fakeTemplate, v *string) (int64, bool) {
	switch aws.ToString(v) {
	case "$Latest":
		return int64(len(t.versions)), true
	case "", "$Default":
		return 1, true
	}
	n, err := strconv.ParseInt(aws.ToString(v), 10, 64)
	return n, err == nil && n >= 1 && n <= int64(len(t.versions))
}

// launchFrom resolves a configuration in the region's EC2; the error is
// Auto Scaling's ValidationError.
func (r *eksRegion) launchFrom(lt *astypes.LaunchTemplateSpecification, mip *astypes.MixedInstancesPolicy) (fakeLaunch, error) {
	if lt != nil && mip != nil {
		return fakeLaunch{}, asgInvalid("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")
	}
	spec := launchSpec(lt, mip)
	if spec == nil {
		return fakeLaunch{}, asgInvalid("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")
	}
	// What the group keeps has both the ID and the name: the ID decides.
	var t *fakeTemplate
	for _, c := range r.templates {
		if (spec.LaunchTemplateId != nil && c.id == *spec.LaunchTemplateId) || (spec.LaunchTemplateId == nil && c.name == aws.ToString(spec.LaunchTemplateName)) {
			t = c
		}
	}
	if t == nil {
		return fakeLaunch{}, asgInvalid("You must use a valid fully-formed launch template. The specified launch template %s does not exist.",
			aws.ToString(spec.LaunchTemplateId)+aws.ToString(spec.LaunchTemplateName))
	}
	v, ok := resolveVersion(t, spec.Version)
	if !ok {
		return fakeLaunch{}, asgInvalid("You must use a valid fully-formed launch template. The specified launch template version %s does not exist for launch template %s (%s).",
			aws.ToString(spec.Version), t.name, t.id)
	}
	out := fakeLaunch{t: t, version: v, instanceType: string(t.versions[v-1].InstanceType)}
	if mip != nil {
		for _, o := range mip.LaunchTemplate.Overrides {
			if o.InstanceType != nil {
				out.instanceType = *o.InstanceType
				break
			}
		}
	}
	return out, nil
}

// checkedLaunch is launchFrom for a request of op; a configuration that
// names no launch template version of the fake EC2 is an apply bug.
func (f *fakeAutoScaling) checkedLaunch(op, name string, lt *astypes.LaunchTemplateSpecification, mip *astypes.MixedInstancesPolicy) (fakeLaunch, error) {
	l, err := f.r().launchFrom(lt, mip)
	if spec := launchSpec(lt, mip); err == nil && (spec.LaunchTemplateId == nil) == (spec.LaunchTemplateName == nil) {
		err = asgInvalid("Valid requests must contain either launchTemplateId or LaunchTemplateName")
	}
	if err != nil {
		f.a.violate("%s %s with a launch template that does not exist: %v", op, name, err)
	}
	return l, err
}

// described returns the spec with the template's ID and name, and
// "$Default" for no version, as Auto Scaling describes it.
func (l fakeLaunch) described(spec *astypes.LaunchTemplateSpecification) *astypes.LaunchTemplateSpecification {
	v := spec.Version
	if v == nil {
		v = aws.String("$Default")
	}
	return &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(l.t.id), LaunchTemplateName: aws.String(l.t.name), Version: v}
}

// configuration is a copy of lt or mip as the group keeps it.
func (l fakeLaunch) configuration(lt *astypes.LaunchTemplateSpecification, mip *astypes.MixedInstancesPolicy) (*astypes.LaunchTemplateSpecification, *astypes.MixedInstancesPolicy) {
	if lt != nil {
		return l.described(lt), nil
	}
	m := *mip
	tmpl := *mip.LaunchTemplate
	tmpl.LaunchTemplateSpecification = l.described(tmpl.LaunchTemplateSpecification)
	tmpl.Overrides = slices.Clone(tmpl.Overrides)
	m.LaunchTemplate = &tmpl
	if d := mip.InstancesDistribution; d != nil {
		dc := *d
		m.InstancesDistribution = &dc
	}
	return nil, &m
}

// launch adds n instances to g, launched from l in state.
func (a *fakeAccount) launch(g *fakeASG, l fakeLaunch, n int, state astypes.LifecycleState) []*fakeInstance {
	var out []*fakeInstance
	for range n {
		a.nextID++
		in := &fakeInstance{id: fmt.Sprintf("i-%017x", a.nextID), template: l.t.name, templateID: l.t.id, version: l.version,
			instanceType: l.instanceType, image: aws.ToString(l.t.versions[l.version-1].ImageId), state: state}
		g.instances = append(g.instances, in)
		out = append(out, in)
	}
	return out
}

func (g *fakeASG) terminate(ins []*fakeInstance) {
	g.instances = slices.DeleteFunc(g.instances, func(in *fakeInstance) bool { return slices.Contains(ins, in) })
}

// scale launches or terminates instances to the desired capacity, from
// the group's configuration; scale-in terminates instances of another
// launch template version first, then the oldest (the default termination
// policy).
func (a *fakeAccount) scale(r *eksRegion, g *fakeASG) {
	n := int(g.desired) - len(g.instances)
	if n > 0 {
		if l, err := r.launchFrom(g.lt, g.mip); err == nil {
			a.launch(g, l, n, astypes.LifecycleStateInService)
		}
		return
	}
	if n == 0 {
		return
	}
	l, err := r.launchFrom(g.lt, g.mip)
	var order []*fakeInstance
	for _, in := range g.instances {
		if err != nil || in.templateID != l.t.id || in.version != l.version {
			order = append(order, in)
		}
	}
	for _, in := range g.instances {
		if !slices.Contains(order, in) {
			order = append(order, in)
		}
	}
	g.terminate(order[:-n])
}

func checkSizes(lo, hi, desired int32) error {
	if lo > hi {
		return asgInvalid("The value of MinSize (%d) must be less than or equal to the value of MaxSize (%d).", lo, hi)
	}
	if desired < lo || desired > hi {
		return asgInvalid("Desired capacity:%d must be between the specified min size:%d and max size:%d", desired, lo, hi)
	}
	return nil
}

func (f *fakeAutoScaling) CreateAutoScalingGroup(_ context.Context, in *autoscaling.CreateAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.CreateAutoScalingGroupOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	return asgCall(f, "CreateAutoScalingGroup", name, func() (*autoscaling.CreateAutoScalingGroupOutput, error) {
		if f.r().asg(name) != nil {
			return nil, &astypes.AlreadyExistsFault{Message: aws.String("AutoScalingGroup by this name already exists - A group with the name " + name + " already exists")}
		}
		if in.MinSize == nil || in.MaxSize == nil {
			return nil, asgInvalid("MinSize and MaxSize are required")
		}
		desired := aws.ToInt32(in.MinSize)
		if in.DesiredCapacity != nil {
			desired = *in.DesiredCapacity
		}
		if err := checkSizes(*in.MinSize, *in.MaxSize, desired); err != nil {
			return nil, err
		}
		if aws.ToString(in.VPCZoneIdentifier) == "" {
			return nil, asgInvalid("At least one Availability Zone or VPC Subnet is required.")
		}
		l, err := f.checkedLaunch("CreateAutoScalingGroup", name, in.LaunchTemplate, in.MixedInstancesPolicy)
		if err != nil {
			return nil, err
		}
		f.a.nextID++
		g := &fakeASG{name: name, min: *in.MinSize, max: *in.MaxSize, desired: desired, subnets: *in.VPCZoneIdentifier, tags: map[string]fakeASGTag{},
			arn: fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:%08x-0000-4000-8000-%012x:autoScalingGroupName/%s", f.region, testAccount, f.a.nextID, f.a.nextID, name)}
		g.lt, g.mip = l.configuration(in.LaunchTemplate, in.MixedInstancesPolicy)
		for _, t := range in.Tags {
			g.tags[aws.ToString(t.Key)] = fakeASGTag{value: aws.ToString(t.Value), propagate: aws.ToBool(t.PropagateAtLaunch)}
		}
		f.r().asgs[name] = g
		f.a.launch(g, l, int(desired), astypes.LifecycleStateInService)
		f.a.record("CreateAutoScalingGroup %s", name)
		return &autoscaling.CreateAutoScalingGroupOutput{}, nil
	})
}

func (f *fakeAutoScaling) describe(g *fakeASG) astypes.AutoScalingGroup {
	out := astypes.AutoScalingGroup{AutoScalingGroupName: aws.String(g.name), AutoScalingGroupARN: aws.String(g.arn),
		MinSize: aws.Int32(g.min), MaxSize: aws.Int32(g.max), DesiredCapacity: aws.Int32(g.desired),
		LaunchTemplate: g.lt, MixedInstancesPolicy: g.mip, VPCZoneIdentifier: aws.String(g.subnets),
		HealthCheckType: aws.String("EC2"), HealthCheckGracePeriod: aws.Int32(0), DefaultCooldown: aws.Int32(300)}
	if g.deleting {
		out.Status = aws.String("Delete in progress")
	}
	for _, k := range sortedKeys(g.tags) {
		t := g.tags[k]
		out.Tags = append(out.Tags, astypes.TagDescription{Key: aws.String(k), Value: aws.String(t.value), PropagateAtLaunch: aws.Bool(t.propagate),
			ResourceId: aws.String(g.name), ResourceType: aws.String("auto-scaling-group")})
	}
	for _, in := range g.instances {
		i := astypes.Instance{InstanceId: aws.String(in.id), LifecycleState: in.state, HealthStatus: aws.String("Healthy"), ProtectedFromScaleIn: aws.Bool(false),
			LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(in.templateID), LaunchTemplateName: aws.String(in.template),
				Version: aws.String(strconv.FormatInt(in.version, 10))}}
		if in.instanceType != "" {
			i.InstanceType = aws.String(in.instanceType)
		}
		if in.image != "" {
			i.ImageId = aws.String(in.image)
		}
		out.Instances = append(out.Instances, i)
	}
	return out
}

// matches reports whether the group's tags pass the filters
// (DescribeAutoScalingGroups knows tag:KEY, tag-key and tag-value).
func (g *fakeASG) matches(filters []astypes.Filter) (bool, error) {
	for _, fl := range filters {
		name := aws.ToString(fl.Name)
		ok := false
		switch key, isTag := strings.CutPrefix(name, "tag:"); {
		case isTag:
			t, has := g.tags[key]
			ok = has && slices.Contains(fl.Values, t.value)
		case name == "tag-key":
			for _, v := range fl.Values {
				_, has := g.tags[v]
				ok = ok || has
			}
		case name == "tag-value":
			for _, t := range g.tags {
				ok = ok || slices.Contains(fl.Values, t.value)
			}
		default:
			return false, asgInvalid("Filter type %s is not correct. Allowed Filter types are: auto-scaling-group key value propagate-at-launch tag-key tag-value tag:<key>", name)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

func (f *fakeAutoScaling) DescribeAutoScalingGroups(_ context.Context, in *autoscaling.DescribeAutoScalingGroupsInput, _ ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	return asgCall(f, "DescribeAutoScalingGroups", strings.Join(in.AutoScalingGroupNames, ","), func() (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
		var names []string
		for _, name := range sortedKeys(f.r().asgs) {
			g := f.r().asg(name)
			if g == nil || (len(in.AutoScalingGroupNames) > 0 && !slices.Contains(in.AutoScalingGroupNames, name)) {
				continue
			}
			ok, err := g.matches(in.Filters)
			if err != nil {
				return nil, err
			}
			if ok {
				names = append(names, name)
			}
		}
		page, next := f.a.page(names, in.NextToken)
		out := &autoscaling.DescribeAutoScalingGroupsOutput{NextToken: next}
		for _, name := range page {
			out.AutoScalingGroups = append(out.AutoScalingGroups, f.describe(f.r().asgs[name]))
		}
		return out, nil
	})
}

func (f *fakeAutoScaling) UpdateAutoScalingGroup(_ context.Context, in *autoscaling.UpdateAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.UpdateAutoScalingGroupOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	return asgCall(f, "UpdateAutoScalingGroup", name, func() (*autoscaling.UpdateAutoScalingGroupOutput, error) {
		g, err := f.group(name)
		if err != nil {
			return nil, err
		}
		lo, hi, desired := g.min, g.max, g.desired
		if in.MinSize != nil {
			lo = *in.MinSize
		}
		if in.MaxSize != nil {
			hi = *in.MaxSize
		}
		// "If you specify a new value for MinSize without specifying a
		// value for DesiredCapacity, and the new MinSize is larger than the
		// current size of the group, this sets the group's DesiredCapacity
		// to the new MinSize value", and the same for a smaller MaxSize.
		switch {
		case in.DesiredCapacity != nil:
			desired = *in.DesiredCapacity
		case in.MinSize != nil && lo > desired:
			desired = lo
		case in.MaxSize != nil && hi < desired:
			desired = hi
		}
		if err := checkSizes(lo, hi, desired); err != nil {
			return nil, err
		}
		var l fakeLaunch
		if in.LaunchTemplate != nil || in.MixedInstancesPolicy != nil {
			if l, err = f.checkedLaunch("UpdateAutoScalingGroup", name, in.LaunchTemplate, in.MixedInstancesPolicy); err != nil {
				return nil, err
			}
		}
		if in.VPCZoneIdentifier != nil {
			if *in.VPCZoneIdentifier == "" {
				return nil, asgInvalid("At least one Availability Zone or VPC Subnet is required.")
			}
			g.subnets = *in.VPCZoneIdentifier
		}
		if l.t != nil {
			g.lt, g.mip = l.configuration(in.LaunchTemplate, in.MixedInstancesPolicy)
		}
		g.min, g.max, g.desired = lo, hi, desired
		f.a.scale(f.r(), g)
		f.a.record("UpdateAutoScalingGroup %s", name)
		return &autoscaling.UpdateAutoScalingGroupOutput{}, nil
	})
}

func (f *fakeAutoScaling) DeleteAutoScalingGroup(_ context.Context, in *autoscaling.DeleteAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.DeleteAutoScalingGroupOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	return asgCall(f, "DeleteAutoScalingGroup", name, func() (*autoscaling.DeleteAutoScalingGroupOutput, error) {
		g := f.r().asg(name)
		if g == nil {
			return nil, asgNotFound(name)
		}
		if g.deleting {
			return &autoscaling.DeleteAutoScalingGroupOutput{}, nil
		}
		// "If the group has instances or scaling activities in progress,
		// you must specify the option to force the deletion in order for it
		// to succeed" (DeleteAutoScalingGroup).
		if !aws.ToBool(in.ForceDelete) {
			if g.activeRefresh() != nil {
				return nil, &astypes.ScalingActivityInProgressFault{Message: aws.String("You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.")}
			}
			if len(g.instances) > 0 {
				return nil, &astypes.ResourceInUseFault{Message: aws.String("You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.")}
			}
		}
		for _, rf := range g.refreshes {
			if rf.active() {
				rf.finish(astypes.InstanceRefreshStatusCancelled, "Cancelled: the group was deleted.")
			}
		}
		g.instances, g.deleting, g.until = nil, true, time.Now().Add(f.a.life.nodeGroup)
		f.a.record("DeleteAutoScalingGroup %s", name)
		return &autoscaling.DeleteAutoScalingGroupOutput{}, nil
	})
}

// taggedGroups returns the group of each tag (ResourceType
// auto-scaling-group, ResourceId the group's name).
func (f *fakeAutoScaling) taggedGroups(tags []astypes.Tag) ([]*fakeASG, error) {
	var out []*fakeASG
	for _, t := range tags {
		if aws.ToString(t.ResourceType) != "auto-scaling-group" {
			return nil, asgInvalid("1 validation error detected: Value '%s' at 'tags.member.resourceType' failed to satisfy constraint: must be auto-scaling-group", aws.ToString(t.ResourceType))
		}
		g, err := f.group(aws.ToString(t.ResourceId))
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

func (f *fakeAutoScaling) CreateOrUpdateTags(_ context.Context, in *autoscaling.CreateOrUpdateTagsInput, _ ...func(*autoscaling.Options)) (*autoscaling.CreateOrUpdateTagsOutput, error) {
	return asgCall(f, "CreateOrUpdateTags", "", func() (*autoscaling.CreateOrUpdateTagsOutput, error) {
		groups, err := f.taggedGroups(in.Tags)
		if err != nil {
			return nil, err
		}
		for i, t := range in.Tags {
			groups[i].tags[aws.ToString(t.Key)] = fakeASGTag{value: aws.ToString(t.Value), propagate: aws.ToBool(t.PropagateAtLaunch)}
		}
		return &autoscaling.CreateOrUpdateTagsOutput{}, nil
	})
}

func (f *fakeAutoScaling) DeleteTags(_ context.Context, in *autoscaling.DeleteTagsInput, _ ...func(*autoscaling.Options)) (*autoscaling.DeleteTagsOutput, error) {
	return asgCall(f, "DeleteTags", "", func() (*autoscaling.DeleteTagsOutput, error) {
		groups, err := f.taggedGroups(in.Tags)
		if err != nil {
			return nil, err
		}
		for i, t := range in.Tags {
			delete(groups[i].tags, aws.ToString(t.Key))
		}
		return &autoscaling.DeleteTagsOutput{}, nil
	})
}

// Instance refreshes.

// refreshPreferences are p with AWS's defaults ("Understand the default
// values for an instance refresh"), or ValidationError.
func refreshPreferences(p *astypes.RefreshPreferences) (astypes.RefreshPreferences, error) {
	var out astypes.RefreshPreferences
	if p != nil {
		out = *p
	}
	if out.MaxHealthyPercentage != nil && out.MinHealthyPercentage == nil {
		return out, asgInvalid("You must specify MinHealthyPercentage when you specify MaxHealthyPercentage.")
	}
	if out.MinHealthyPercentage == nil {
		out.MinHealthyPercentage = aws.Int32(90)
	}
	if out.MaxHealthyPercentage == nil {
		out.MaxHealthyPercentage = aws.Int32(100)
	}
	mn, mx := *out.MinHealthyPercentage, *out.MaxHealthyPercentage
	if mn < 0 || mn > 100 {
		return out, asgInvalid("1 validation error detected: Value '%d' at 'preferences.minHealthyPercentage' failed to satisfy constraint: Member must have value between 0 and 100", mn)
	}
	if mx < 100 || mx > 200 {
		return out, asgInvalid("1 validation error detected: Value '%d' at 'preferences.maxHealthyPercentage' failed to satisfy constraint: Member must have value between 100 and 200", mx)
	}
	if mx-mn > 100 {
		return out, asgInvalid("The difference between MaxHealthyPercentage and MinHealthyPercentage cannot be greater than 100.")
	}
	if out.SkipMatching == nil {
		out.SkipMatching = aws.Bool(false)
	}
	if out.ScaleInProtectedInstances == "" {
		out.ScaleInProtectedInstances = astypes.ScaleInProtectedInstancesWait
	}
	if out.StandbyInstances == "" {
		out.StandbyInstances = astypes.StandbyInstancesWait
	}
	return out, nil
}

func (f *fakeAutoScaling) StartInstanceRefresh(_ context.Context, in *autoscaling.StartInstanceRefreshInput, _ ...func(*autoscaling.Options)) (*autoscaling.StartInstanceRefreshOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	return asgCall(f, "StartInstanceRefresh", name, func() (*autoscaling.StartInstanceRefreshOutput, error) {
		g, err := f.group(name)
		if err != nil {
			return nil, err
		}
		if in.Strategy != "" && in.Strategy != astypes.RefreshStrategyRolling {
			return nil, asgInvalid("the fake knows only the Rolling strategy, not %s", in.Strategy)
		}
		var desired *astypes.DesiredConfiguration
		if d := in.DesiredConfiguration; d != nil {
			if (d.LaunchTemplate == nil) == (d.MixedInstancesPolicy == nil) {
				return nil, asgInvalid("A DesiredConfiguration must contain either a LaunchTemplate or a MixedInstancesPolicy.")
			}
			l, err := f.checkedLaunch("StartInstanceRefresh", name, d.LaunchTemplate, d.MixedInstancesPolicy)
			if err != nil {
				return nil, err
			}
			lt, mip := l.configuration(d.LaunchTemplate, d.MixedInstancesPolicy)
			desired = &astypes.DesiredConfiguration{LaunchTemplate: lt, MixedInstancesPolicy: mip}
		}
		prefs, err := refreshPreferences(in.Preferences)
		if err != nil {
			return nil, err
		}
		if g.activeRefresh() != nil {
			return nil, &astypes.InstanceRefreshInProgressFault{Message: aws.String("An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.")}
		}
		f.a.nextID++
		now := time.Now()
		rf := &fakeRefresh{id: fmt.Sprintf("%08x-0000-4000-8000-%012x", f.a.nextID, f.a.nextID), status: astypes.InstanceRefreshStatusPending,
			prefs: prefs, desired: desired, start: now, next: now.Add(f.a.life.update)}
		g.refreshes = append(g.refreshes, rf)
		f.a.record("StartInstanceRefresh %s", name)
		return &autoscaling.StartInstanceRefreshOutput{InstanceRefreshId: aws.String(rf.id)}, nil
	})
}

func (rf *fakeRefresh) describe(group string) astypes.InstanceRefresh {
	prefs := rf.prefs
	out := astypes.InstanceRefresh{InstanceRefreshId: aws.String(rf.id), AutoScalingGroupName: aws.String(group), Status: rf.status,
		Strategy: astypes.RefreshStrategyRolling, StartTime: aws.Time(rf.start), Preferences: &prefs, DesiredConfiguration: rf.desired}
	pct, left := int32(0), int32(0)
	if rf.status != astypes.InstanceRefreshStatusPending {
		pct, left = 100, int32(rf.total-rf.replaced)
		if rf.total > 0 {
			pct = int32(rf.replaced * 100 / rf.total)
		}
		out.InstancesToUpdate = aws.Int32(left)
		out.ProgressDetails = &astypes.InstanceRefreshProgressDetails{LivePoolProgress: &astypes.InstanceRefreshLivePoolProgress{
			PercentageComplete: aws.Int32(pct), InstancesToUpdate: aws.Int32(left)}}
	}
	out.PercentageComplete = aws.Int32(pct)
	if rf.reason != "" {
		out.StatusReason = aws.String(rf.reason)
	}
	if !rf.end.IsZero() {
		out.EndTime = aws.Time(rf.end)
	}
	return out
}

func (f *fakeAutoScaling) DescribeInstanceRefreshes(_ context.Context, in *autoscaling.DescribeInstanceRefreshesInput, _ ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	return asgCall(f, "DescribeInstanceRefreshes", name, func() (*autoscaling.DescribeInstanceRefreshesOutput, error) {
		g := f.r().asg(name)
		if g == nil {
			return nil, asgNotFound(name)
		}
		out := &autoscaling.DescribeInstanceRefreshesOutput{}
		for i := len(g.refreshes) - 1; i >= 0; i-- { // newest first
			rf := g.refreshes[i]
			if len(in.InstanceRefreshIds) == 0 || slices.Contains(in.InstanceRefreshIds, rf.id) {
				out.InstanceRefreshes = append(out.InstanceRefreshes, rf.describe(name))
			}
		}
		return out, nil
	})
}

func (f *fakeAutoScaling) CancelInstanceRefresh(_ context.Context, in *autoscaling.CancelInstanceRefreshInput, _ ...func(*autoscaling.Options)) (*autoscaling.CancelInstanceRefreshOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	return asgCall(f, "CancelInstanceRefresh", name, func() (*autoscaling.CancelInstanceRefreshOutput, error) {
		g, err := f.group(name)
		if err != nil {
			return nil, err
		}
		rf := g.activeRefresh()
		if rf == nil || rf.status == astypes.InstanceRefreshStatusCancelling {
			return nil, &astypes.ActiveInstanceRefreshNotFoundFault{Message: aws.String("No in progress or pending Instance Refresh found for Auto Scaling group " + name)}
		}
		rf.status, rf.reason = astypes.InstanceRefreshStatusCancelling, "Cancelling due to user request."
		f.a.record("CancelInstanceRefresh %s", name)
		return &autoscaling.CancelInstanceRefreshOutput{InstanceRefreshId: aws.String(rf.id)}, nil
	})
}

func (rf *fakeRefresh) finish(status astypes.InstanceRefreshStatus, reason string) {
	rf.status, rf.reason, rf.end, rf.batch = status, reason, time.Now(), nil
}

// settleRefreshes moves every active instance refresh of the account one
// step, those whose time has come (life.update after their last step).
func (a *fakeAccount) settleRefreshes() {
	now := time.Now()
	for _, region := range sortedKeys(a.regions) {
		r := a.regions[region]
		for _, name := range sortedKeys(r.asgs) {
			g := r.asg(name)
			if g == nil {
				continue
			}
			if rf := g.activeRefresh(); rf != nil && !now.Before(rf.next) {
				a.stepRefresh(r, g, rf)
				rf.next = now.Add(a.life.update)
			}
		}
	}
}

// sample keeps the group's InService count, and records a violation the
// first time it is below the refresh's minimum healthy count.
func (a *fakeAccount) sample(g *fakeASG, rf *fakeRefresh) {
	n := g.inService()
	g.capacity = append(g.capacity, n)
	floor := int(math.Ceil(float64(g.desired) * float64(*rf.prefs.MinHealthyPercentage) / 100))
	if n < floor && !rf.broke {
		rf.broke = true
		a.violate("instance refresh %s of Auto Scaling group %s: %d instances in service, below its minimum healthy %d (%d%% of %d)",
			rf.id, g.name, n, floor, *rf.prefs.MinHealthyPercentage, g.desired)
	}
}

// matchesDesired reports whether in was launched from the refresh's
// desired configuration (the group's own without one).
func (rf *fakeRefresh) matchesDesired(r *eksRegion, g *fakeASG, in *fakeInstance) bool {
	lt, mip := g.lt, g.mip
	if rf.desired != nil {
		lt, mip = rf.desired.LaunchTemplate, rf.desired.MixedInstancesPolicy
	}
	l, err := r.launchFrom(lt, mip)
	if err != nil || in.templateID != l.t.id || in.version != l.version {
		return false
	}
	if mip == nil || len(mip.LaunchTemplate.Overrides) == 0 {
		return true
	}
	return slices.ContainsFunc(mip.LaunchTemplate.Overrides, func(o astypes.LaunchTemplateOverrides) bool {
		return aws.ToString(o.InstanceType) == in.instanceType
	})
}

// finishBatch puts the batch's new instances in service and terminates
// the old ones it kept until then.
func (a *fakeAccount) finishBatch(g *fakeASG, rf *fakeRefresh) {
	b := rf.batch
	if b == nil {
		return
	}
	for _, in := range b.launched {
		in.state = astypes.LifecycleStateInService
	}
	g.terminate(b.later)
	rf.replaced += b.count
	rf.batch = nil
	a.sample(g, rf)
}

func (a *fakeAccount) stepRefresh(r *eksRegion, g *fakeASG, rf *fakeRefresh) {
	switch rf.status {
	case astypes.InstanceRefreshStatusPending:
		rf.toReplace = nil
		for _, in := range g.instances {
			if in.state == astypes.LifecycleStateInService && !(aws.ToBool(rf.prefs.SkipMatching) && rf.matchesDesired(r, g, in)) {
				rf.toReplace = append(rf.toReplace, in)
			}
		}
		rf.total, rf.status = len(rf.toReplace), astypes.InstanceRefreshStatusInProgress
		a.sample(g, rf)
		return
	case astypes.InstanceRefreshStatusCancelling:
		a.finishBatch(g, rf)
		rf.finish(astypes.InstanceRefreshStatusCancelled, "Cancelled due to user request.")
		return
	}
	a.finishBatch(g, rf)
	var olds []*fakeInstance
	for _, in := range rf.toReplace {
		if slices.Contains(g.instances, in) {
			olds = append(olds, in)
		}
	}
	if len(olds) == 0 {
		if d := rf.desired; d != nil {
			g.lt, g.mip = d.LaunchTemplate, d.MixedInstancesPolicy
		}
		rf.finish(astypes.InstanceRefreshStatusSuccessful, "")
		return
	}
	lt, mip := g.lt, g.mip
	if d := rf.desired; d != nil {
		lt, mip = d.LaunchTemplate, d.MixedInstancesPolicy
	}
	l, err := r.launchFrom(lt, mip)
	if err != nil {
		var api smithy.APIError
		errors.As(err, &api)
		rf.finish(astypes.InstanceRefreshStatusFailed, api.ErrorMessage())
		return
	}
	// The batch, as autoscaling_refresh.py sizes it: terminate now what
	// keeps the minimum in service, launch what the maximum allows.
	desired := int(g.desired)
	floor := int(math.Ceil(float64(desired) * float64(*rf.prefs.MinHealthyPercentage) / 100))
	ceiling := max(desired, int(math.Floor(float64(desired)*float64(*rf.prefs.MaxHealthyPercentage)/100)))
	inService, pending := g.inService(), len(g.instances)-g.inService()
	now := min(len(olds), max(0, inService-floor))
	launch := min(len(olds), ceiling-inService-pending+now)
	if launch <= 0 && now == 0 {
		now, launch = 1, 1 // at least one instance at a time
	}
	launch = max(launch, now)
	rf.batch = &fakeBatch{later: olds[now:launch], count: launch}
	rf.batch.launched = a.launch(g, l, launch, astypes.LifecycleStatePending)
	g.terminate(olds[:now])
	a.sample(g, rf)
}

// usingTemplate names the groups that launch from t: their configuration,
// an active refresh's desired one, or an instance names it.
func (r *eksRegion) usingTemplate(t *fakeTemplate) []string {
	names := func(spec *astypes.LaunchTemplateSpecification) bool {
		return spec != nil && (aws.ToString(spec.LaunchTemplateId) == t.id || aws.ToString(spec.LaunchTemplateName) == t.name)
	}
	var out []string
	for _, name := range sortedKeys(r.asgs) {
		g := r.asg(name)
		if g == nil {
			continue
		}
		uses := names(launchSpec(g.lt, g.mip)) || slices.ContainsFunc(g.instances, func(in *fakeInstance) bool { return in.templateID == t.id })
		if rf := g.activeRefresh(); rf != nil && rf.desired != nil {
			uses = uses || names(launchSpec(rf.desired.LaunchTemplate, rf.desired.MixedInstancesPolicy))
		}
		if uses && !g.deleting {
			out = append(out, name)
		}
	}
	return out
}

// Test access to the groups; region "" is the default one.

// asg is the live group (callers hold a.mu or run when no call is in flight).
func (a *fakeAccount) asg(region, name string) *fakeASG { return a.in(region).asg(name) }

// asgCapacityLow is the fewest instances in service the group had while
// an instance refresh ran, -1 if none ran.
func (a *fakeAccount) asgCapacityLow(region, name string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	g := a.asg(region, name)
	if g == nil || len(g.capacity) == 0 {
		return -1
	}
	return slices.Min(g.capacity)
}

// asgInstanceVersions lists, for each instance of the group, the launch
// template and version it was launched from ("NAME:3"), and its state
// when not InService ("NAME:3 Pending").
func (a *fakeAccount) asgInstanceVersions(region, name string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	g := a.asg(region, name)
	if g == nil {
		return nil
	}
	var out []string
	for _, in := range g.instances {
		s := fmt.Sprintf("%s:%d", in.template, in.version)
		if in.state != astypes.LifecycleStateInService {
			s += " " + string(in.state)
		}
		out = append(out, s)
	}
	return out
}

// Tests of the fake itself.

// asgFixture is an account with a launch template "nodes" of two
// versions (different AMIs) in the default region.
func asgFixture(t *testing.T) (*fakeAccount, *Clients) {
	t.Helper()
	a := newFakeAccount()
	c, err := a.factory()("")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.EC2.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("nodes"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-1"), InstanceType: ec2types.InstanceTypeM5Large}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EC2.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateName: aws.String("nodes"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-2"), InstanceType: ec2types.InstanceTypeM5Large}}); err != nil {
		t.Fatal(err)
	}
	return a, c
}

func createASG(t *testing.T, c *Clients, name string, desired int32, version string) {
	t.Helper()
	_, err := c.AutoScaling.CreateAutoScalingGroup(context.Background(), &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(0), MaxSize: aws.Int32(10), DesiredCapacity: aws.Int32(desired),
		VPCZoneIdentifier: aws.String("subnet-a,subnet-b"),
		LaunchTemplate:    &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nodes"), Version: aws.String(version)},
		Tags: []astypes.Tag{{Key: aws.String("eksctl-lite/cluster"), Value: aws.String("demo"), PropagateAtLaunch: aws.Bool(true)},
			{Key: aws.String("group"), Value: aws.String(name)}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func errorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

func TestFakeAutoScalingCreateDescribe(t *testing.T) {
	a, c := asgFixture(t)
	ctx := context.Background()
	createASG(t, c, "demo-a", 2, "1")
	createASG(t, c, "demo-b", 1, "$Latest")

	out, err := c.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{
		Filters: []astypes.Filter{{Name: aws.String("tag:group"), Values: []string{"demo-b"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.AutoScalingGroups) != 1 {
		t.Fatalf("tag:group=demo-b found %d groups, want 1", len(out.AutoScalingGroups))
	}
	g := out.AutoScalingGroups[0]
	lt := a.in("").templates["nodes"]
	want := &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt.id), LaunchTemplateName: aws.String("nodes"), Version: aws.String("$Latest")}
	if diff := cmp.Diff(want, g.LaunchTemplate, cmp.AllowUnexported(astypes.LaunchTemplateSpecification{})); diff != "" {
		t.Errorf("LaunchTemplate (-want +got):\n%s", diff)
	}
	if len(g.Instances) != 1 || aws.ToString(g.Instances[0].LaunchTemplate.Version) != "2" || aws.ToString(g.Instances[0].ImageId) != "ami-2" ||
		g.Instances[0].LifecycleState != astypes.LifecycleStateInService {
		t.Errorf("Instances = %+v, want one InService from version 2 (ami-2)", g.Instances)
	}
	if len(g.Tags) != 2 || aws.ToString(g.Tags[0].ResourceId) != "demo-b" || aws.ToString(g.Tags[0].ResourceType) != "auto-scaling-group" {
		t.Errorf("Tags = %+v", g.Tags)
	}

	out, err = c.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{
		Filters: []astypes.Filter{{Name: aws.String("tag-key"), Values: []string{"eksctl-lite/cluster"}}}})
	if err != nil || len(out.AutoScalingGroups) != 2 {
		t.Errorf("tag-key filter: %d groups, %v; want both", len(out.AutoScalingGroups), err)
	}

	_, err = c.AutoScaling.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("demo-a"),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(1), VPCZoneIdentifier: aws.String("subnet-a"),
		LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nodes")}})
	if code := errorCode(err); code != "AlreadyExists" {
		t.Errorf("second CreateAutoScalingGroup demo-a: %v, want AlreadyExists", err)
	}
	_, err = c.AutoScaling.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("demo-c"),
		MinSize: aws.Int32(2), MaxSize: aws.Int32(1), VPCZoneIdentifier: aws.String("subnet-a"),
		LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nodes")}})
	if code := errorCode(err); code != "ValidationError" {
		t.Errorf("CreateAutoScalingGroup with min > max: %v, want ValidationError", err)
	}
	if len(a.violations) != 0 {
		t.Errorf("violations: %v", a.violations)
	}
	_, err = c.AutoScaling.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("demo-c"),
		MinSize: aws.Int32(0), MaxSize: aws.Int32(1), VPCZoneIdentifier: aws.String("subnet-a"),
		LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nodes"), Version: aws.String("3")}})
	if code := errorCode(err); code != "ValidationError" || len(a.violations) != 1 {
		t.Errorf("CreateAutoScalingGroup of version 3: %v, violations %v; want ValidationError and a violation", err, a.violations)
	}
	if diff := cmp.Diff([]string{"CreateAutoScalingGroup demo-a", "CreateAutoScalingGroup demo-b"}, a.logged("CreateAutoScalingGroup")); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

// refreshTo starts a refresh of group to version, then describes it until
// it ends; it returns the last description.
func refreshTo(t *testing.T, c *Clients, group, version string, prefs *astypes.RefreshPreferences) astypes.InstanceRefresh {
	t.Helper()
	ctx := context.Background()
	start, err := c.AutoScaling.StartInstanceRefresh(ctx, &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String(group),
		Strategy:             astypes.RefreshStrategyRolling,
		DesiredConfiguration: &astypes.DesiredConfiguration{LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nodes"), Version: aws.String(version)}},
		Preferences:          prefs})
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		out, err := c.AutoScaling.DescribeInstanceRefreshes(ctx, &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(group),
			InstanceRefreshIds: []string{aws.ToString(start.InstanceRefreshId)}})
		if err != nil {
			t.Fatal(err)
		}
		if r := out.InstanceRefreshes[0]; r.Status != astypes.InstanceRefreshStatusPending && r.Status != astypes.InstanceRefreshStatusInProgress {
			return r
		}
	}
	t.Fatal("the refresh never ended")
	return astypes.InstanceRefresh{}
}

func TestFakeAutoScalingRefresh(t *testing.T) {
	tests := map[string]struct {
		desired      int32
		prefs        *astypes.RefreshPreferences
		wantLow      int
		wantViolated bool
	}{
		"launch before terminate keeps every node": {desired: 3, prefs: &astypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(100), MaxHealthyPercentage: aws.Int32(200)}, wantLow: 3},
		"minimum 50 percent":                       {desired: 4, prefs: &astypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(50)}, wantLow: 2},
		// AWS's defaults (90/100) on one node terminate it before its
		// replacement is in service.
		"defaults on one node": {desired: 1, wantLow: 0, wantViolated: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			a, c := asgFixture(t)
			createASG(t, c, "demo", tt.desired, "1")
			got := refreshTo(t, c, "demo", "2", tt.prefs)
			if got.Status != astypes.InstanceRefreshStatusSuccessful || aws.ToInt32(got.PercentageComplete) != 100 {
				t.Errorf("refresh ended %s at %d%%, want Successful at 100%%", got.Status, aws.ToInt32(got.PercentageComplete))
			}
			var want []string
			for range tt.desired {
				want = append(want, "nodes:2")
			}
			if diff := cmp.Diff(want, a.asgInstanceVersions("", "demo")); diff != "" {
				t.Errorf("instances (-want +got):\n%s", diff)
			}
			if v := aws.ToString(a.asg("", "demo").lt.Version); v != "2" {
				t.Errorf("group's launch template version = %s, want 2 (the desired configuration)", v)
			}
			if low := a.asgCapacityLow("", "demo"); low != tt.wantLow {
				t.Errorf("fewest in service = %d, want %d", low, tt.wantLow)
			}
			if got := len(a.violations) > 0; got != tt.wantViolated {
				t.Errorf("violations %v, want some: %v", a.violations, tt.wantViolated)
			}
		})
	}
}

func TestFakeAutoScalingRefreshSkipMatchingAndInProgress(t *testing.T) {
	a, c := asgFixture(t)
	ctx := context.Background()
	createASG(t, c, "demo", 2, "2")
	got := refreshTo(t, c, "demo", "2", &astypes.RefreshPreferences{SkipMatching: aws.Bool(true)})
	if got.Status != astypes.InstanceRefreshStatusSuccessful || aws.ToInt32(got.InstancesToUpdate) != 0 {
		t.Errorf("refresh to the version every instance runs: %s, %d to update; want Successful, 0", got.Status, aws.ToInt32(got.InstancesToUpdate))
	}
	if low := a.asgCapacityLow("", "demo"); low != 2 {
		t.Errorf("fewest in service = %d, want 2 (nothing replaced)", low)
	}

	start := func() error {
		_, err := c.AutoScaling.StartInstanceRefresh(ctx, &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String("demo")})
		return err
	}
	if err := start(); err != nil {
		t.Fatal(err)
	}
	if err := start(); errorCode(err) != "InstanceRefreshInProgress" {
		t.Errorf("second StartInstanceRefresh: %v, want InstanceRefreshInProgress", err)
	}
}

func TestFakeAutoScalingCancel(t *testing.T) {
	a, c := asgFixture(t)
	ctx := context.Background()
	createASG(t, c, "demo", 4, "1")
	cancel := func() error {
		_, err := c.AutoScaling.CancelInstanceRefresh(ctx, &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String("demo")})
		return err
	}
	if err := cancel(); errorCode(err) != "ActiveInstanceRefreshNotFound" {
		t.Errorf("CancelInstanceRefresh with no refresh: %v, want ActiveInstanceRefreshNotFound", err)
	}
	if _, err := c.AutoScaling.StartInstanceRefresh(ctx, &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String("demo"),
		DesiredConfiguration: &astypes.DesiredConfiguration{LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nodes"), Version: aws.String("2")}},
		Preferences:          &astypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(75), MaxHealthyPercentage: aws.Int32(100)}}); err != nil {
		t.Fatal(err)
	}
	describe := func() astypes.InstanceRefresh {
		out, err := c.AutoScaling.DescribeInstanceRefreshes(ctx, &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String("demo")})
		if err != nil {
			t.Fatal(err)
		}
		return out.InstanceRefreshes[0]
	}
	describe() // InProgress
	describe() // the first batch: one of four
	if err := cancel(); err != nil {
		t.Fatal(err)
	}
	if got := describe(); got.Status != astypes.InstanceRefreshStatusCancelled || aws.ToString(got.StatusReason) != "Cancelled due to user request." {
		t.Errorf("after cancelling: %s %q, want Cancelled", got.Status, aws.ToString(got.StatusReason))
	}
	// The cancel call itself moved the refresh on (every call does): one
	// more batch of one had started, and Cancelled finished it.
	want := []string{"nodes:1", "nodes:1", "nodes:2", "nodes:2"}
	if diff := cmp.Diff(want, a.asgInstanceVersions("", "demo")); diff != "" {
		t.Errorf("instances after cancelling (-want +got):\n%s", diff)
	}
	if v := aws.ToString(a.asg("", "demo").lt.Version); v != "1" {
		t.Errorf("group's version after cancelling = %s, want 1 (unchanged)", v)
	}
	if err := cancel(); errorCode(err) != "ActiveInstanceRefreshNotFound" {
		t.Errorf("CancelInstanceRefresh after Cancelled: %v, want ActiveInstanceRefreshNotFound", err)
	}
	requireNoViolations(t, a)
}

func TestFakeAutoScalingDelete(t *testing.T) {
	a, c := asgFixture(t)
	ctx := context.Background()
	createASG(t, c, "demo", 2, "1")
	del := func(force bool) error {
		_, err := c.AutoScaling.DeleteAutoScalingGroup(ctx, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("demo"), ForceDelete: aws.Bool(force)})
		return err
	}
	if err := del(false); errorCode(err) != "ResourceInUse" {
		t.Errorf("DeleteAutoScalingGroup with instances: %v, want ResourceInUse", err)
	}
	if _, err := c.EC2.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateName: aws.String("nodes")}); err != nil {
		t.Fatal(err)
	}
	if len(a.violations) != 1 {
		t.Errorf("DeleteLaunchTemplate while a group launches from it: violations %v, want one", a.violations)
	}
	if err := del(true); err != nil {
		t.Fatal(err)
	}
	out, err := c.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"demo"}})
	if err != nil || len(out.AutoScalingGroups) != 0 {
		t.Errorf("after ForceDelete: %d groups, %v; want none", len(out.AutoScalingGroups), err)
	}
	if diff := cmp.Diff([]string{"DeleteAutoScalingGroup demo"}, a.logged("DeleteAutoScalingGroup")); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestFakeAutoScalingScaleToZeroThenDelete(t *testing.T) {
	a, c := asgFixture(t)
	a.life.nodeGroup = time.Hour
	ctx := context.Background()
	createASG(t, c, "demo", 2, "1")
	if _, err := c.AutoScaling.UpdateAutoScalingGroup(ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("demo"),
		MinSize: aws.Int32(0), DesiredCapacity: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AutoScaling.DeleteAutoScalingGroup(ctx, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String("demo")}); err != nil {
		t.Fatalf("DeleteAutoScalingGroup of an empty group: %v", err)
	}
	out, err := c.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"demo"}})
	if err != nil || len(out.AutoScalingGroups) != 1 || aws.ToString(out.AutoScalingGroups[0].Status) != "Delete in progress" {
		t.Errorf("while deleting: %+v, %v; want the group, Delete in progress", out.AutoScalingGroups, err)
	}
}

func TestFakeAutoScalingMixedInstancesAndScaling(t *testing.T) {
	a, c := asgFixture(t)
	ctx := context.Background()
	mip := &astypes.MixedInstancesPolicy{
		LaunchTemplate: &astypes.LaunchTemplate{LaunchTemplateSpecification: &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nodes"), Version: aws.String("1")},
			Overrides: []astypes.LaunchTemplateOverrides{{InstanceType: aws.String("m6i.large")}, {InstanceType: aws.String("m5.large")}}},
		InstancesDistribution: &astypes.InstancesDistribution{OnDemandPercentageAboveBaseCapacity: aws.Int32(100)}}
	if _, err := c.AutoScaling.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("demo"),
		MinSize: aws.Int32(1), MaxSize: aws.Int32(4), DesiredCapacity: aws.Int32(1), VPCZoneIdentifier: aws.String("subnet-a"), MixedInstancesPolicy: mip}); err != nil {
		t.Fatal(err)
	}
	// A new version for new instances; existing ones keep theirs.
	if _, err := c.AutoScaling.UpdateAutoScalingGroup(ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("demo"),
		DesiredCapacity: aws.Int32(3), LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nodes"), Version: aws.String("$Latest")}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"nodes:1", "nodes:2", "nodes:2"}, a.asgInstanceVersions("", "demo")); diff != "" {
		t.Errorf("instances after scaling out (-want +got):\n%s", diff)
	}
	out, err := c.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"demo"}})
	if err != nil {
		t.Fatal(err)
	}
	g := out.AutoScalingGroups[0]
	if g.MixedInstancesPolicy != nil || aws.ToString(g.LaunchTemplate.Version) != "$Latest" {
		t.Errorf("after UpdateAutoScalingGroup with a launch template: %+v, %+v; want the launch template only", g.MixedInstancesPolicy, g.LaunchTemplate)
	}
	if got := []string{aws.ToString(g.Instances[0].InstanceType), aws.ToString(g.Instances[1].InstanceType)}; !cmp.Equal(got, []string{"m6i.large", "m5.large"}) {
		t.Errorf("instance types = %v, want the first override's, then the template's", got)
	}
	// Scaling in goes by the default termination policy: another
	// version's instance first.
	if _, err := c.AutoScaling.UpdateAutoScalingGroup(ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("demo"),
		MaxSize: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"nodes:2", "nodes:2"}, a.asgInstanceVersions("", "demo")); diff != "" {
		t.Errorf("instances after MaxSize 2 (-want +got):\n%s", diff)
	}
	_, err = c.AutoScaling.UpdateAutoScalingGroup(ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("demo"), DesiredCapacity: aws.Int32(5)})
	if errorCode(err) != "ValidationError" {
		t.Errorf("desired above max: %v, want ValidationError", err)
	}
	requireNoViolations(t, a)
}

func TestFakeSSMPublicAMIs(t *testing.T) {
	a := newFakeAccount()
	ctx := context.Background()
	get := func(region string, names ...string) *ssm.GetParametersOutput {
		t.Helper()
		c, err := a.factory()(region)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.SSM.GetParameters(ctx, &ssm.GetParametersInput{Names: names})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	al, _ := amiParameter("AL2023_x86_64_STANDARD", "1.35")
	br, _ := amiParameter("BOTTLEROCKET_ARM_64_NVIDIA", "1.28")
	unknown, _ := amiParameter("AL2023_x86_64_STANDARD", "1.41")

	out := get("", al, br, unknown)
	if diff := cmp.Diff([]string{unknown}, out.InvalidParameters); diff != "" {
		t.Errorf("InvalidParameters (-want +got):\n%s", diff)
	}
	if len(out.Parameters) != 2 || aws.ToString(out.Parameters[0].Value) != fakeAMIID("eu-west-1", al) || aws.ToString(out.Parameters[1].Name) != br {
		t.Fatalf("Parameters = %+v", out.Parameters)
	}
	if id := aws.ToString(out.Parameters[0].Value); len(id) != len("ami-")+17 {
		t.Errorf("AMI ID %s is not ami- and 17 hex digits", id)
	}
	if other := get("us-east-2", al); aws.ToString(other.Parameters[0].Value) == aws.ToString(out.Parameters[0].Value) {
		t.Errorf("the same AMI ID in two regions: %s", aws.ToString(other.Parameters[0].Value))
	}

	a.publishAMI(al, "ami-0newer")
	if got := aws.ToString(get("", al).Parameters[0].Value); got != "ami-0newer" {
		t.Errorf("after publishAMI: %s, want ami-0newer", got)
	}
}

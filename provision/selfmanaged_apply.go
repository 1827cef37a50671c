package provision

// The apply half of a self-managed node group's Auto Scaling group:
// create and wait for its instances, update its sizes and subnets, roll
// its instances to a new launch configuration through an instance refresh
// (waited for, cancelled on interrupt, resumed by the next apply), delete
// and wait until its instances are gone.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
)

func applyAutoScalingGroup(ctx context.Context, x *execution) (any, string, error) {
	w := x.opts.waiter(x.opts.Timeouts.NodeGroup, "NODE_GROUP")
	switch x.c.Action {
	case Create:
		return createAutoScalingGroup(ctx, x, w, x.after.(*AutoScalingGroupAttrs))
	case Update:
		return updateAutoScalingGroup(ctx, x, w)
	case Replace:
		b, a := x.before.(*AutoScalingGroupAttrs), x.after.(*AutoScalingGroupAttrs)
		if err := deleteAutoScalingGroupNamed(ctx, x, w, b.Name); err != nil {
			return nil, "", err
		}
		return createAutoScalingGroup(ctx, x, w, a)
	case Delete:
		b := x.before.(*AutoScalingGroupAttrs)
		return nil, b.Name, deleteAutoScalingGroupNamed(ctx, x, w, b.Name)
	case NoOp, Wait:
		b := x.before.(*AutoScalingGroupAttrs)
		if b.Status != "" {
			return nil, "", fmt.Errorf("Auto Scaling group %s is being deleted (%s); run eksctl-lite apply again once it is gone", b.Name, b.Status)
		}
		return b, b.ARN, nil
	}
	return nil, "", fmt.Errorf("cannot %s an Auto Scaling group", x.c.Action)
}

// mixedInstancesPolicy is how the group launches a's instances: from the
// launch template at its version, with each instance type an override,
// on-demand or spot.
func mixedInstancesPolicy(a *AutoScalingGroupAttrs) *astypes.MixedInstancesPolicy {
	var overrides []astypes.LaunchTemplateOverrides
	for _, t := range a.InstanceTypes {
		overrides = append(overrides, astypes.LaunchTemplateOverrides{InstanceType: aws.String(t)})
	}
	d := &astypes.InstancesDistribution{OnDemandBaseCapacity: aws.Int32(0), OnDemandPercentageAboveBaseCapacity: aws.Int32(100),
		OnDemandAllocationStrategy: aws.String("prioritized")}
	if a.CapacityType == "SPOT" {
		d.OnDemandPercentageAboveBaseCapacity = aws.Int32(0)
		d.SpotAllocationStrategy = aws.String(spotAllocationStrategy)
	}
	return &astypes.MixedInstancesPolicy{
		LaunchTemplate: &astypes.LaunchTemplate{
			LaunchTemplateSpecification: &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String(a.LaunchTemplateName), Version: aws.String(a.LaunchTemplateVersion)},
			Overrides:                   overrides,
		},
		InstancesDistribution: d,
	}
}

// asgTags are the group's tags as Auto Scaling takes them, each
// propagated to the instances, the Kubernetes version's among them.
func asgTags(name string, tags map[string]string, version string) []astypes.Tag {
	all := map[string]string{}
	for k, v := range tags {
		all[k] = v
	}
	if version != "" {
		all[TagKubernetesVersion] = version
	}
	var out []astypes.Tag
	for _, k := range sortedKeys(all) {
		out = append(out, astypes.Tag{Key: aws.String(k), Value: aws.String(all[k]), PropagateAtLaunch: aws.Bool(true),
			ResourceId: aws.String(name), ResourceType: aws.String("auto-scaling-group")})
	}
	return out
}

func createAutoScalingGroup(ctx context.Context, x *execution, w waiter, a *AutoScalingGroupAttrs) (any, string, error) {
	desired := derefOr(a.DesiredSize, a.MinSize)
	_, err := x.as.CreateAutoScalingGroup(callCtx(ctx), &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(a.Name),
		MinSize:              aws.Int32(int32(a.MinSize)), MaxSize: aws.Int32(int32(a.MaxSize)), DesiredCapacity: aws.Int32(int32(desired)),
		VPCZoneIdentifier:    aws.String(strings.Join(a.SubnetIDs, ",")),
		MixedInstancesPolicy: mixedInstancesPolicy(a),
		Tags:                 asgTags(a.Name, ownedTags(a.Tags, x.cluster, baseAddress(x.c.Address)), a.Version),
	})
	if err != nil && ec2Code(err) != "AlreadyExists" {
		return nil, "", fmt.Errorf("creating Auto Scaling group %s: %w", a.Name, err)
	}
	if err != nil {
		live, rerr := readAutoScalingGroup(ctx, x, a.Name)
		if rerr != nil {
			return nil, "", rerr
		}
		if live == nil || !ownedHere(live.Tags, x.c) {
			return nil, "", fmt.Errorf("an Auto Scaling group named %s already exists and eksctl-lite does not own it; rename the self_managed_node_group block or remove that group", a.Name)
		}
		x.act.note("found Auto Scaling group %s created by an earlier apply", a.Name)
	}
	return waitInService(ctx, x, w, a.Name, desired)
}

// waitInService waits until the group has want instances in service.
func waitInService(ctx context.Context, x *execution, w waiter, name string, want int) (any, string, error) {
	var live *AutoScalingGroupAttrs
	err := w.poll(ctx, "Auto Scaling group "+name+" to have its instances in service", func(ctx context.Context) (bool, string, error) {
		g, err := describeASG(ctx, x, name)
		if err != nil {
			return false, "", err
		}
		if g == nil {
			return false, "", fmt.Errorf("Auto Scaling group %s disappeared", name)
		}
		live = autoScalingGroupFromAWS(g)
		in := 0
		for _, i := range g.Instances {
			if i.LifecycleState == astypes.LifecycleStateInService {
				in++
			}
		}
		return in >= want, fmt.Sprintf("%d of %d in service", in, want), nil
	})
	if err != nil {
		return nil, "", err
	}
	return live, live.ARN, nil
}

func describeASG(ctx context.Context, x *execution, name string) (*astypes.AutoScalingGroup, error) {
	out, err := x.as.DescribeAutoScalingGroups(callCtx(ctx), &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	if err != nil {
		return nil, fmt.Errorf("describing Auto Scaling group %s: %w", name, err)
	}
	if len(out.AutoScalingGroups) == 0 {
		return nil, nil
	}
	return &out.AutoScalingGroups[0], nil
}

func readAutoScalingGroup(ctx context.Context, x *execution, name string) (*AutoScalingGroupAttrs, error) {
	g, err := describeASG(ctx, x, name)
	if err != nil || g == nil {
		return nil, err
	}
	return autoScalingGroupFromAWS(g), nil
}

// updateAutoScalingGroup carries out the plan's steps in order, each
// against the group as it is now (an interrupted apply may have done some).
func updateAutoScalingGroup(ctx context.Context, x *execution, w waiter) (any, string, error) {
	b, a := x.before.(*AutoScalingGroupAttrs), x.after.(*AutoScalingGroupAttrs)
	as := x.as
	live, err := readAutoScalingGroup(ctx, x, b.Name)
	if err != nil {
		return nil, "", err
	}
	if live == nil {
		return nil, "", fmt.Errorf("Auto Scaling group %s no longer exists; run eksctl-lite plan again", b.Name)
	}
	if err := x.stillOwned("Auto Scaling group "+b.Name, live.Tags); err != nil {
		return nil, "", err
	}
	for _, s := range x.c.Steps {
		switch {
		case s.Call == "CreateOrUpdateTags" && pathsIn(map[string]bool{"version": true}, s.Paths...) != nil:
			if _, err := as.CreateOrUpdateTags(callCtx(ctx), &autoscaling.CreateOrUpdateTagsInput{Tags: asgTags(b.Name, nil, a.Version)}); err != nil {
				return nil, "", fmt.Errorf("tagging Auto Scaling group %s with its version: %w", b.Name, err)
			}
		case s.Call == "CreateOrUpdateTags":
			set, _ := tagChanges(live.Tags, a.Tags)
			if len(set) > 0 {
				if _, err := as.CreateOrUpdateTags(callCtx(ctx), &autoscaling.CreateOrUpdateTagsInput{Tags: asgTags(b.Name, set, "")}); err != nil {
					return nil, "", fmt.Errorf("tagging Auto Scaling group %s: %w", b.Name, err)
				}
			}
		case s.Call == "DeleteTags":
			_, remove := tagChanges(live.Tags, a.Tags)
			if len(remove) > 0 {
				var tags []astypes.Tag
				for _, k := range remove {
					tags = append(tags, astypes.Tag{Key: aws.String(k), ResourceId: aws.String(b.Name), ResourceType: aws.String("auto-scaling-group")})
				}
				if _, err := as.DeleteTags(callCtx(ctx), &autoscaling.DeleteTagsInput{Tags: tags}); err != nil {
					return nil, "", fmt.Errorf("untagging Auto Scaling group %s: %w", b.Name, err)
				}
			}
		case s.Call == "UpdateAutoScalingGroup":
			in := &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String(b.Name),
				MinSize: aws.Int32(int32(a.MinSize)), MaxSize: aws.Int32(int32(a.MaxSize)),
				VPCZoneIdentifier: aws.String(strings.Join(a.SubnetIDs, ","))}
			if a.DesiredSize != nil || live.DesiredSize != nil {
				in.DesiredCapacity = aws.Int32(int32(clamp(derefOr(a.DesiredSize, derefOr(live.DesiredSize, a.MinSize)), a.MinSize, a.MaxSize)))
			}
			if _, err := as.UpdateAutoScalingGroup(callCtx(ctx), in); err != nil {
				return nil, "", fmt.Errorf("updating Auto Scaling group %s: %w", b.Name, err)
			}
		case s.Call == "StartInstanceRefresh":
			if err := refreshInstances(ctx, x, w, b.Name, a, s); err != nil {
				return nil, "", err
			}
		default:
			return nil, "", unknownStep(x, s)
		}
	}
	live, err = readAutoScalingGroup(ctx, x, b.Name)
	if err != nil {
		return nil, "", err
	}
	if live == nil {
		return nil, "", fmt.Errorf("Auto Scaling group %s disappeared during the update; run eksctl-lite plan again", b.Name)
	}
	return live, live.ARN, nil
}

// refreshInstances rolls the group's instances to a's launch
// configuration: it waits for a refresh already under way (an interrupted
// apply's), starts one unless the group has what a asks already, and
// waits for it; an interrupt cancels it (the next apply starts another,
// which skips the instances already replaced).
func refreshInstances(ctx context.Context, x *execution, w waiter, name string, a *AutoScalingGroupAttrs, s Step) error {
	as := x.as
	if id, err := activeRefresh(ctx, x, name); err != nil {
		return err
	} else if id != "" {
		// However it ends (an interrupted apply's is Cancelling), this
		// apply goes on from what the group has then.
		x.act.note("waiting for the instance refresh %s of %s an earlier apply started", id, name)
		if err := waitRefresh(ctx, x, w, name, id, true); err != nil {
			return err
		}
	}
	live, err := readAutoScalingGroup(ctx, x, name)
	if err != nil {
		return err
	}
	if live == nil {
		return fmt.Errorf("Auto Scaling group %s disappeared; run eksctl-lite plan again", name)
	}
	if pathsEqual(autoScalingGroupSchema, live, a, refreshPaths) {
		return nil
	}
	subnetsOnly := len(s.Paths) == 1 && s.Paths[0] == "subnet_ids"
	lo, hi := refreshHealth(a.MinHealthyPercentage, derefOr(live.DesiredSize, a.MinSize))
	out, err := as.StartInstanceRefresh(callCtx(ctx), &autoscaling.StartInstanceRefreshInput{
		AutoScalingGroupName: aws.String(name),
		Strategy:             astypes.RefreshStrategyRolling,
		DesiredConfiguration: &astypes.DesiredConfiguration{MixedInstancesPolicy: mixedInstancesPolicy(a)},
		Preferences: &astypes.RefreshPreferences{
			MinHealthyPercentage: aws.Int32(int32(lo)),
			MaxHealthyPercentage: aws.Int32(int32(hi)),
			// Instances already launched from the new configuration (a
			// refresh an interrupt cancelled) are kept; a subnet change
			// alone replaces them all, to move them.
			SkipMatching: aws.Bool(!subnetsOnly),
		},
	})
	if err != nil {
		return fmt.Errorf("starting an instance refresh of Auto Scaling group %s: %w", name, err)
	}
	id := aws.ToString(out.InstanceRefreshId)
	x.act.note("instance refresh %s of %s: replacing instances, at least %d%% in service", id, name, a.MinHealthyPercentage)
	return waitRefresh(ctx, x, w, name, id, false)
}

// activeRefresh is the ID of the group's instance refresh under way, ""
// for none.
func activeRefresh(ctx context.Context, x *execution, name string) (string, error) {
	out, err := x.as.DescribeInstanceRefreshes(callCtx(ctx), &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("reading the instance refreshes of Auto Scaling group %s: %w", name, err)
	}
	for _, r := range out.InstanceRefreshes {
		switch r.Status {
		case astypes.InstanceRefreshStatusPending, astypes.InstanceRefreshStatusInProgress, astypes.InstanceRefreshStatusCancelling,
			astypes.InstanceRefreshStatusBaking, astypes.InstanceRefreshStatusRollbackInProgress:
			return aws.ToString(r.InstanceRefreshId), nil
		}
	}
	return "", nil
}

// errRefreshCancelled is a refresh that ended Cancelled.
var errRefreshCancelled = errors.New("instance refresh cancelled")

// waitRefresh waits for refresh id of group name to succeed (or, when
// earlier, an earlier apply's, to end however it does). If the wait is
// interrupted, it cancels the refresh, so that nothing goes on replacing
// instances after eksctl-lite stopped.
func waitRefresh(ctx context.Context, x *execution, w waiter, name, id string, earlier bool) error {
	as := x.as
	err := w.poll(ctx, "instance refresh "+id+" of Auto Scaling group "+name, func(pctx context.Context) (bool, string, error) {
		out, err := as.DescribeInstanceRefreshes(pctx, &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(name), InstanceRefreshIds: []string{id}})
		if err != nil {
			return false, "", fmt.Errorf("reading instance refresh %s of %s: %w", id, name, err)
		}
		if len(out.InstanceRefreshes) == 0 {
			return false, "", fmt.Errorf("instance refresh %s of %s is gone", id, name)
		}
		r := out.InstanceRefreshes[0]
		status := fmt.Sprintf("%s, %d%% done", r.Status, aws.ToInt32(r.PercentageComplete))
		switch r.Status {
		case astypes.InstanceRefreshStatusCancelled, astypes.InstanceRefreshStatusFailed,
			astypes.InstanceRefreshStatusRollbackSuccessful, astypes.InstanceRefreshStatusRollbackFailed:
			if earlier {
				return true, status, nil
			}
		}
		switch r.Status {
		case astypes.InstanceRefreshStatusSuccessful:
			return true, status, nil
		case astypes.InstanceRefreshStatusCancelled:
			return false, status, fmt.Errorf("%w: %s of %s (%s); run eksctl-lite apply again to finish it", errRefreshCancelled, id, name, aws.ToString(r.StatusReason))
		case astypes.InstanceRefreshStatusFailed, astypes.InstanceRefreshStatusRollbackSuccessful, astypes.InstanceRefreshStatusRollbackFailed:
			return false, status, fmt.Errorf("instance refresh %s of Auto Scaling group %s ended %s: %s", id, name, r.Status, aws.ToString(r.StatusReason))
		}
		return false, status, nil
	})
	if err != nil && ctx.Err() != nil && !errors.Is(err, errRefreshCancelled) {
		if _, cerr := as.CancelInstanceRefresh(callCtx(ctx), &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String(name)}); cerr != nil && ec2Code(cerr) != "ActiveInstanceRefreshNotFound" {
			return fmt.Errorf("%w (and cancelling instance refresh %s failed: %v)", err, id, cerr)
		}
		return fmt.Errorf("%w; instance refresh %s cancelled: the next eksctl-lite apply finishes it", err, id)
	}
	return err
}

// deleteAutoScalingGroupNamed deletes the group with its instances and
// waits until it is gone.
func deleteAutoScalingGroupNamed(ctx context.Context, x *execution, w waiter, name string) error {
	live, err := readAutoScalingGroup(ctx, x, name)
	if err != nil || live == nil {
		return err
	}
	if err := x.stillOwned("Auto Scaling group "+name, live.Tags); err != nil {
		return err
	}
	if live.Status == "" {
		// ForceDelete terminates the instances and cancels a refresh:
		// eksctl-lite deletes a group only when the plan says so.
		if _, err := x.as.DeleteAutoScalingGroup(callCtx(ctx), &autoscaling.DeleteAutoScalingGroupInput{
			AutoScalingGroupName: aws.String(name), ForceDelete: aws.Bool(true)}); err != nil {
			return fmt.Errorf("deleting Auto Scaling group %s: %w", name, err)
		}
	}
	return w.poll(ctx, "Auto Scaling group "+name+" and its instances to be gone", func(ctx context.Context) (bool, string, error) {
		g, err := describeASG(ctx, x, name)
		if err != nil {
			return false, "", err
		}
		if g == nil {
			return true, "", nil
		}
		return false, fmt.Sprintf("%d instances", len(g.Instances)), nil
	})
}

// maxHealthy is the maximum healthy percentage of a refresh of a group of
// desired instances that keeps min percent in service: room for as many
// new instances as the minimum lets go, and for one at least, so that a
// small group launches a replacement before it terminates (Auto Scaling
// replaces at least one instance at a time, and with a maximum of 100 a
// group of 1 to 9 under the default minimum of 90 would dip below it).
// Auto Scaling takes 100 to 200, at most 100 above the minimum.
func maxHealthy(minHealthy, desired int) int {
	_, hi := refreshHealth(minHealthy, desired)
	return hi
}

// refreshHealth is the minimum and maximum healthy percentages a refresh
// of desired instances is started with to keep minHealthy percent in
// service. When Auto Scaling's limit on the maximum (min + 100) leaves no
// room for a replacement to launch first, and the minimum lets no
// instance go (a group of one), the refresh runs at 100 and 200: one new
// instance in service before one old goes, which keeps the promise.
func refreshHealth(minHealthy, desired int) (lo, hi int) {
	if desired <= 0 {
		return minHealthy, 100
	}
	extra := max(100-minHealthy, (100+desired-1)/desired)
	hi = clamp(100+extra, 100, min(200, minHealthy+100))
	if desired*hi/100 <= desired && (desired*minHealthy+99)/100 >= desired {
		return 100, 200
	}
	return minHealthy, hi
}

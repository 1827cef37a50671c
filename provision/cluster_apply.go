package provision

// The apply half of the EKS cluster: create, the update steps the plan
// lists, delete. Each is idempotent: re-running after an interrupted apply
// finds the work done or in progress and waits for it.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

func applyCluster(ctx context.Context, x *execution) (any, string, error) {
	switch x.c.Action {
	case Create:
		return createCluster(ctx, x)
	case Update:
		return updateCluster(ctx, x)
	case Delete:
		return nil, x.cluster, deleteCluster(ctx, x)
	case NoOp, Wait:
		c, err := clusterActive(ctx, x.eks, x.opts.waiter(x.opts.Timeouts.ClusterUpdate, "CLUSTER_UPDATE"), x.cluster)
		if err != nil {
			return nil, "", err
		}
		return clusterFromAWS(c), aws.ToString(c.Arn), nil
	}
	return nil, "", fmt.Errorf("EKS clusters are never replaced (%s)", x.c.Address)
}

func createCluster(ctx context.Context, x *execution) (any, string, error) {
	a := x.after.(*ClusterAttrs)
	in := &eks.CreateClusterInput{
		Name:    aws.String(a.Name),
		Version: aws.String(a.Version),
		RoleArn: aws.String(a.RoleARN),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{
			SubnetIds:             a.SubnetIDs,
			SecurityGroupIds:      a.SecurityGroupIDs,
			EndpointPublicAccess:  aws.Bool(a.EndpointPublicAccess),
			EndpointPrivateAccess: aws.Bool(a.EndpointPrivateAccess),
		},
		Tags: ownedTags(a.Tags, x.cluster, x.c.Address),
	}
	if len(a.PublicAccessCIDRs) > 0 {
		in.ResourcesVpcConfig.PublicAccessCidrs = a.PublicAccessCIDRs
	}
	if len(a.Logging) > 0 {
		in.Logging = clusterLogging(nil, a.Logging)
	}
	if a.KMSKeyARN != "" {
		in.EncryptionConfig = encryptionConfig(a.KMSKeyARN)
	}
	if a.UpgradePolicy != "" {
		in.UpgradePolicy = &ekstypes.UpgradePolicyRequest{SupportType: ekstypes.SupportType(a.UpgradePolicy)}
	}
	if a.AutoModeEnabled {
		// Auto Mode runs the networking, DNS and proxy itself: EKS is not to
		// install its self-managed add-ons (EKS User Guide, "Create a
		// cluster with Amazon EKS Auto Mode").
		in.ComputeConfig, in.StorageConfig, in.KubernetesNetworkConfig = autoModeRequest(a)
		in.BootstrapSelfManagedAddons = aws.Bool(false)
	}
	if a.AuthenticationMode != "" || a.BootstrapCreatorAdmin != nil {
		in.AccessConfig = &ekstypes.CreateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationMode(a.AuthenticationMode), BootstrapClusterCreatorAdminPermissions: a.BootstrapCreatorAdmin}
	}
	w := x.opts.waiter(x.opts.Timeouts.ClusterCreate, "CLUSTER_CREATE")
	// In use: the cluster exists. An earlier, interrupted apply may have
	// created it; anything else is not ours to take over.
	_, adopted, err := createOrAdopt(ctx, w, "EKS to accept cluster "+a.Name, x.e.busyFor(a.RoleARN), eksAdoption(x, clusterResource, a.Name,
		func(ctx context.Context) error { _, err := x.eks.CreateCluster(ctx, in); return err },
		fmt.Sprintf("a cluster named %s already exists and eksctl-lite does not own it; run eksctl-lite plan (with --adopt to take it over)", a.Name)))
	if err != nil {
		return nil, "", fmt.Errorf("creating cluster %s: %w", a.Name, err)
	}
	if adopted {
		x.act.note("found the cluster created by an earlier apply; waiting for it")
	}
	c, err := clusterActive(ctx, x.eks, w, a.Name)
	if err != nil {
		return nil, "", err
	}
	return clusterFromAWS(c), aws.ToString(c.Arn), nil
}

// clusterLogging enables the log types in want and disables those in had
// that are no longer wanted (EKS keeps a type's setting until told).
func clusterLogging(had, want []string) *ekstypes.Logging {
	var on, off []ekstypes.LogType
	wanted := toSet(want)
	for _, t := range sortedCopy(want) {
		on = append(on, ekstypes.LogType(t))
	}
	for _, t := range sortedCopy(had) {
		if !wanted[t] {
			off = append(off, ekstypes.LogType(t))
		}
	}
	l := &ekstypes.Logging{}
	if len(on) > 0 {
		l.ClusterLogging = append(l.ClusterLogging, ekstypes.LogSetup{Enabled: aws.Bool(true), Types: on})
	}
	if len(off) > 0 {
		l.ClusterLogging = append(l.ClusterLogging, ekstypes.LogSetup{Enabled: aws.Bool(false), Types: off})
	}
	return l
}

func encryptionConfig(key string) []ekstypes.EncryptionConfig {
	return []ekstypes.EncryptionConfig{{Provider: &ekstypes.Provider{KeyArn: aws.String(key)}, Resources: []string{"secrets"}}}
}

// updateCluster carries out the plan's steps in order, one EKS update at a
// time: each update is polled with DescribeUpdate until it succeeds before
// the next call (EKS runs one update per cluster at a time and answers
// ResourceInUseException to a second one).
//
// The plan's Before may be stale: while an update is InProgress (one an
// interrupted apply started, say) DescribeCluster still reports the old
// values, so the plan lists the step in flight again. So apply first waits
// for the cluster to be ACTIVE, then works from the live cluster: each step
// already satisfied is skipped, and the calls' inputs (log types to turn
// off, tags to set or remove) are computed from what the cluster has now.
// A call refused as busy is sent again only after re-reading the cluster
// shows the step still needed: the update it waited for may have been this
// very change, and EKS refuses one that changes nothing.
func updateCluster(ctx context.Context, x *execution) (any, string, error) {
	a := x.after.(*ClusterAttrs)
	w := x.opts.waiter(x.opts.Timeouts.ClusterUpdate, "CLUSTER_UPDATE")
	c, err := clusterActive(ctx, x.eks, w, x.cluster)
	if err != nil {
		return nil, "", err
	}
	read := func(ctx context.Context) (*ClusterAttrs, bool, error) {
		out, err := x.eks.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(x.cluster)})
		if err != nil {
			return nil, false, fmt.Errorf("describing cluster %s: %w", x.cluster, err)
		}
		st := out.Cluster.Status
		return clusterFromAWS(out.Cluster), st == ekstypes.ClusterStatusUpdating || st == ekstypes.ClusterStatusCreating, nil
	}
	// The steps run in order; a run of node group steps of one target
	// version, or of add-on steps (see upgrade.go), runs concurrently.
	cur := clusterFromAWS(c)
	for steps := x.c.Steps; len(steps) > 0; {
		n := 1
		ngs, addons := steps[0].NodeGroup != "", steps[0].Addon != ""
		for n < len(steps) && (steps[n].NodeGroup != "") == ngs && (steps[n].Addon != "") == addons && (!ngs || steps[n].Target == steps[0].Target) {
			n++
		}
		seg := steps[:n]
		steps = steps[n:]
		if ngs || addons {
			upgrade := upgradeNodeGroups
			if addons {
				upgrade = upgradeAddons
			}
			if err := upgrade(ctx, x, seg); err != nil {
				return nil, "", err
			}
			if cur, _, err = read(ctx); err != nil {
				return nil, "", err
			}
			continue
		}
		if err := runUpdateSteps(ctx, x, w, "cluster "+x.cluster, "", seg, cur, read,
			func(s Step, cur *ClusterAttrs) bool { return clusterStepDone(s, cur, a) },
			func(ctx context.Context, s Step, cur *ClusterAttrs, u **ekstypes.Update) error {
				return sendClusterStep(ctx, x, s, cur, a, u)
			}); err != nil {
			return nil, "", err
		}
		if len(steps) > 0 {
			if cur, _, err = read(ctx); err != nil {
				return nil, "", err
			}
		}
	}
	// Some calls return no update to poll (tags; UpdateClusterConfig on
	// some endpoints): the cluster being ACTIVE again is the sign of done.
	c, err = clusterActive(ctx, x.eks, w, x.cluster)
	if err != nil {
		return nil, "", err
	}
	return clusterFromAWS(c), aws.ToString(c.Arn), nil
}

// eksTagStep makes a TagResource or UntagResource step on the EKS resource
// arn: the tags to set or remove are computed from the live tags have and
// the desired want, and a call with nothing to do is not sent (EKS would
// refuse an empty one).
func eksTagStep(ctx context.Context, api EKSAPI, call, arn string, have, want map[string]string) error {
	set, remove := tagChanges(have, want)
	switch {
	case call == "TagResource" && len(set) > 0:
		_, err := api.TagResource(ctx, &eks.TagResourceInput{ResourceArn: aws.String(arn), Tags: set})
		return err
	case call == "UntagResource" && len(remove) > 0:
		_, err := api.UntagResource(ctx, &eks.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: remove})
		return err
	}
	return nil
}

// eksTagStepDone reports whether the TagResource or UntagResource step call
// has nothing left to do on the EKS resource whose live tags are have and
// desired tags want.
func eksTagStepDone(call string, have, want map[string]string) bool {
	set, remove := tagChanges(have, want)
	if call == "TagResource" {
		return len(set) == 0
	}
	return len(remove) == 0
}

// sendClusterStep makes the call of one step, with its input computed from
// the live cluster cur and the desired a; an update to poll goes to *update.
func sendClusterStep(ctx context.Context, x *execution, s Step, cur, a *ClusterAttrs, update **ekstypes.Update) error {
	switch s.Call {
	case "TagResource", "UntagResource":
		return eksTagStep(ctx, x.eks, s.Call, cur.ARN, cur.Tags, a.Tags)
	case "UpdateClusterVersion":
		out, err := x.eks.UpdateClusterVersion(ctx, &eks.UpdateClusterVersionInput{Name: aws.String(x.cluster), Version: aws.String(stepTarget(s, a.Version))})
		if err == nil {
			*update = out.Update
		}
		return err
	case "UpdateClusterConfig":
		in := &eks.UpdateClusterConfigInput{Name: aws.String(x.cluster)}
		switch p := toSet(s.Paths); {
		case p["enabled_cluster_log_types"]:
			in.Logging = clusterLogging(cur.Logging, a.Logging)
		case p["authentication_mode"]:
			in.AccessConfig = &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationMode(stepTarget(s, a.AuthenticationMode))}
		case p["upgrade_policy"]:
			in.UpgradePolicy = &ekstypes.UpgradePolicyRequest{SupportType: ekstypes.SupportType(a.UpgradePolicy)}
		case p["auto_mode.enabled"] || p["auto_mode.node_pools"] || p["auto_mode.node_role_arn"]:
			in.ComputeConfig, in.StorageConfig, in.KubernetesNetworkConfig = autoModeRequest(a)
		default:
			// Only the endpoint fields: EKS merges what is sent into the
			// VPC configuration (EMULATOR-GAPS 3).
			in.ResourcesVpcConfig = &ekstypes.VpcConfigRequest{
				EndpointPublicAccess:  aws.Bool(a.EndpointPublicAccess),
				EndpointPrivateAccess: aws.Bool(a.EndpointPrivateAccess),
			}
			if len(a.PublicAccessCIDRs) > 0 {
				in.ResourcesVpcConfig.PublicAccessCidrs = a.PublicAccessCIDRs
			}
		}
		out, err := x.eks.UpdateClusterConfig(ctx, in)
		if err == nil {
			*update = out.Update
		}
		return err
	case "AssociateEncryptionConfig":
		out, err := x.eks.AssociateEncryptionConfig(ctx, &eks.AssociateEncryptionConfigInput{ClusterName: aws.String(x.cluster), EncryptionConfig: encryptionConfig(a.KMSKeyARN)})
		if err == nil {
			*update = out.Update
		}
		return err
	}
	return unknownStep(x, s)
}

// clusterStepDone reports whether the live cluster cur already has what
// step s would give it: the version at or past the step's target, the
// step's paths equal to the desired a, the tags set or removed. An unknown
// step is never done (sendClusterStep then says it is unknown).
func clusterStepDone(s Step, cur, a *ClusterAttrs) bool {
	switch s.Call {
	case "TagResource", "UntagResource":
		return eksTagStepDone(s.Call, cur.Tags, a.Tags)
	case "UpdateClusterVersion":
		return versionReached(cur.Version, stepTarget(s, a.Version))
	case "UpdateClusterConfig":
		if toSet(s.Paths)["upgrade_policy"] {
			return cur.UpgradePolicy == a.UpgradePolicy
		}
		if toSet(s.Paths)["authentication_mode"] {
			return authModeRank(cur.AuthenticationMode) >= authModeRank(stepTarget(s, a.AuthenticationMode))
		}
		if len(pathsIn(toSet(s.Paths), autoModePaths...)) > 0 {
			// The node role counts only where EKS keeps one: enabled, with
			// node pools (disabled, or without pools, EKS may clear it).
			paths := []string{"auto_mode.enabled", "auto_mode.node_pools"}
			if a.AutoModeEnabled && len(a.AutoModeNodePools) > 0 {
				paths = autoModePaths
			}
			return pathsEqual(clusterSchema, cur, a, paths)
		}
		paths := s.Paths
		if len(paths) == 0 {
			paths = []string{"endpoint_public_access", "endpoint_private_access", "public_access_cidrs"}
		}
		return pathsEqual(clusterSchema, cur, a, paths)
	case "AssociateEncryptionConfig":
		return cur.KMSKeyARN != ""
	}
	return false
}

// stepTarget is the version a version step (or the authentication mode a
// mode step) goes to: its Target, or the desired value when the plan gave
// none.
func stepTarget(s Step, desired string) string {
	if s.Target != "" {
		return s.Target
	}
	return desired
}

// versionReached reports whether live is target or a later version. A
// version that does not parse is reached only by itself.
func versionReached(live, target string) bool {
	if live == target {
		return true
	}
	l, err1 := minorOf(live)
	t, err2 := minorOf(target)
	return err1 == nil && err2 == nil && l >= t
}

// pathsEqual reports whether live and desired agree on every path, compared
// as the plan's diff compares them.
func pathsEqual(schema Schema, live, desired any, paths []string) bool {
	differ := diffPaths(diffAttrs(schema, live, desired, nil))
	for _, p := range paths {
		if differ[p] {
			return false
		}
	}
	return true
}

// stepLine describes a step on its progress line.
func stepLine(s Step) string {
	if s.Detail != "" {
		return s.Call + " (" + s.Detail + ")..."
	}
	return s.Call + "..."
}

// upgradeNodeGroups carries out node group version steps of a cluster's
// change (all to one version), concurrently: each waits for its group to
// be ACTIVE, skips it if it already runs the version, else sends
// UpdateNodegroupVersion and waits for the update to succeed. A group
// that fails stops the control plane upgrade, which EKS would refuse.
func upgradeNodeGroups(ctx context.Context, x *execution, steps []Step) error {
	if ctx.Err() != nil {
		return fmt.Errorf("stopped before upgrading node groups to %s: %w", steps[0].Target, ctx.Err())
	}
	w := x.opts.waiter(x.opts.Timeouts.NodeGroup, "NODE_GROUP")
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, s := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = upgradeNodeGroup(ctx, x, w, s)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func upgradeNodeGroup(ctx context.Context, x *execution, w waiter, s Step) error {
	name := s.NodeGroup
	ng, err := nodegroupActive(ctx, x.eks, w, x.cluster, name)
	if err != nil {
		return err
	}
	if owner(ng.Tags) != x.cluster {
		return fmt.Errorf("node group %s is no longer this cluster's eksctl-lite node group (it was replaced since the plan was made by one eksctl-lite does not own), so it is not upgraded and the control plane cannot go on; run eksctl-lite plan again", name)
	}
	if versionReached(aws.ToString(ng.Version), s.Target) {
		x.act.note("%s: already done, skipped", strings.TrimSuffix(stepLine(s), "..."))
		return nil
	}
	x.act.note("%s", stepLine(s))
	var update *ekstypes.Update
	reread := func(ctx context.Context) (bool, bool, error) {
		out, err := x.eks.DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{ClusterName: aws.String(x.cluster), NodegroupName: aws.String(name)})
		if err != nil {
			return false, false, fmt.Errorf("describing node group %s: %w", name, err)
		}
		st := out.Nodegroup.Status
		busy := st == ekstypes.NodegroupStatusUpdating || st == ekstypes.NodegroupStatusCreating
		return busy, !busy && versionReached(aws.ToString(out.Nodegroup.Version), s.Target), nil
	}
	_, err = w.sendUnlessDone(ctx, "node group "+name+" to accept UpdateNodegroupVersion", reread, func(ctx context.Context) error {
		out, err := x.eks.UpdateNodegroupVersion(ctx, &eks.UpdateNodegroupVersionInput{ClusterName: aws.String(x.cluster), NodegroupName: aws.String(name), Version: aws.String(s.Target)})
		if err == nil {
			update = out.Update
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("UpdateNodegroupVersion on node group %s (to %s, before the control plane goes on): %w", name, s.Target, err)
	}
	if update != nil && update.Id != nil {
		return updateSucceeded(ctx, x.eks, w, x.cluster, name, aws.ToString(update.Id))
	}
	return nil
}

// deleteCluster deletes the cluster and waits until it is gone. The
// scheduler starts it only after the cluster's node groups and Fargate
// profiles are gone; EKS refuses (ResourceInUseException) while any
// remain, which is waited out, since one may be deleting out of band.
func deleteCluster(ctx context.Context, x *execution) error {
	w := x.opts.waiter(x.opts.Timeouts.ClusterDelete, "CLUSTER_DELETE")
	if err := noForeignChildren(callCtx(ctx), x); err != nil {
		return err
	}
	err := w.retry(ctx, "EKS to accept the deletion of cluster "+x.cluster, isInUse, func(ctx context.Context) error {
		_, err := x.eks.DeleteCluster(ctx, &eks.DeleteClusterInput{Name: aws.String(x.cluster)})
		if isNotFound(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("deleting cluster %s: %w", x.cluster, err)
	}
	return clusterGone(ctx, x.eks, w, x.cluster)
}

// busyFor is the retry predicate of a create call naming role: EKS's
// "resource in use", and, while the role is brand new, EKS's
// InvalidParameterException, which is how EKS says it cannot assume a role
// that IAM has not propagated yet.
func (e *executor) busyFor(role string) func(error) bool {
	return func(err error) bool {
		if isInUse(err) {
			return true
		}
		var ip *ekstypes.InvalidParameterException
		return role != "" && errors.As(err, &ip) && e.freshRole(role)
	}
}

// noForeignChildren fails when the cluster still has node groups or
// Fargate profiles that are not being deleted: the scheduler deleted ours
// first, so these are someone else's, which eksctl-lite never deletes, and
// EKS refuses to delete a cluster that has any. Failing now, naming them,
// beats waiting for the deletion timeout.
func noForeignChildren(ctx context.Context, x *execution) error {
	var foreign, ours []string
	found := func(what string, tags map[string]string) {
		if owner(tags) == x.cluster {
			ours = append(ours, what)
		} else {
			foreign = append(foreign, what)
		}
	}
	gone, err := remainingChildren(ctx, x, nodegroupResource, "node groups", func(ctx context.Context, next *string) (*eks.ListNodegroupsOutput, error) {
		return x.eks.ListNodegroups(ctx, &eks.ListNodegroupsInput{ClusterName: aws.String(x.cluster), NextToken: next})
	}, func(out *eks.ListNodegroupsOutput) ([]string, *string) { return out.Nodegroups, out.NextToken }, found)
	if gone || err != nil {
		return err
	}
	gone, err = remainingChildren(ctx, x, fargateResource, "Fargate profiles", func(ctx context.Context, next *string) (*eks.ListFargateProfilesOutput, error) {
		return x.eks.ListFargateProfiles(ctx, &eks.ListFargateProfilesInput{ClusterName: aws.String(x.cluster), NextToken: next})
	}, func(out *eks.ListFargateProfilesOutput) ([]string, *string) {
		return out.FargateProfileNames, out.NextToken
	}, found)
	if gone || err != nil {
		return err
	}
	var problems []string
	if len(foreign) > 0 {
		problems = append(problems, fmt.Sprintf("%s, which eksctl-lite did not create and never deletes (delete them yourself)", strings.Join(foreign, ", ")))
	}
	if len(ours) > 0 {
		// Tagged as ours but not in this plan: created after the plan was
		// made (another run, or one interrupted meanwhile).
		problems = append(problems, fmt.Sprintf("%s, which eksctl-lite created but which were not there when this plan was made (another run may have created them)", strings.Join(ours, ", ")))
	}
	if len(problems) > 0 {
		return fmt.Errorf("cluster %s still has %s, and EKS cannot delete a cluster that has any; run eksctl-lite destroy again", x.cluster, strings.Join(problems, "; and "))
	}
	return nil
}

// remainingChildren calls found with each node group or Fargate profile of
// the cluster (r says which; call and page are its List call and the names
// and next token of a page) that is not being deleted, one call at a time.
// gone reports that the cluster does not exist.
func remainingChildren[R, O any](ctx context.Context, x *execution, r eksResource[R], plural string,
	call func(ctx context.Context, next *string) (*O, error), page func(*O) ([]string, *string),
	found func(what string, tags map[string]string),
) (gone bool, err error) {
	var next *string
	for {
		out, err := call(ctx, next)
		if isNotFound(err) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("listing the %s of cluster %s: %w", plural, x.cluster, err)
		}
		names, token := page(out)
		for _, n := range names {
			v, err := r.describe(ctx, x.eks, x.cluster, n)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return false, fmt.Errorf("describing %s %s of cluster %s: %w", r.noun, n, x.cluster, err)
			}
			if r.status(v) != "DELETING" {
				found(r.noun+" "+n, r.tags(v))
			}
		}
		if next = token; next == nil {
			return false, nil
		}
	}
}

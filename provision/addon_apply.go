package provision

// The apply half of an EKS add-on: create (adopting the one an interrupted
// apply made) and wait until ACTIVE; update (tags, then one UpdateAddon,
// its update polled until it succeeds, then the add-on waited for until
// ACTIVE); delete (preserve when the plan says so) and wait until gone.
// DEGRADED and *_FAILED are errors naming the add-on and its health
// issues.

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

func applyAddon(ctx context.Context, x *execution) (any, string, error) {
	w := x.opts.waiter(x.opts.Timeouts.Addon, "ADDON")
	switch x.c.Action {
	case Create:
		return createAddon(ctx, x, w, x.after.(*AddonAttrs))
	case Replace:
		b := x.before.(*AddonAttrs)
		if err := deleteAddon(ctx, x, w, b, false); err != nil {
			return nil, "", err
		}
		return createAddon(ctx, x, w, x.after.(*AddonAttrs))
	case Update:
		return updateAddon(ctx, x, w)
	case Delete:
		b := x.before.(*AddonAttrs)
		return nil, b.Name, deleteAddon(ctx, x, w, b, addonPreserved(x.c))
	case NoOp, Wait:
		b := x.before.(*AddonAttrs)
		if b.Status == string(ekstypes.AddonStatusDeleting) {
			return recreateAddon(ctx, x, w)
		}
		got, err := waitActive(ctx, x.eks, w, addonResource, x.cluster, b.Name)
		if err != nil {
			return nil, "", addonError(x, b.Name, err)
		}
		live := addonFromAWS(got)
		live.PodIdentities = b.PodIdentities
		return live, live.ARN, nil
	}
	return nil, "", fmt.Errorf("cannot %s an add-on", x.c.Action)
}

// recreateAddon finishes an add-on the configuration wants as it is but
// that is being deleted (an interrupted destroy, or someone): it waits
// until it is gone, then creates it again, so that the next plan is empty.
func recreateAddon(ctx context.Context, x *execution, w waiter) (any, string, error) {
	b := x.before.(*AddonAttrs)
	a, ok := x.after.(*AddonAttrs)
	if !ok {
		return nil, "", fmt.Errorf("the plan has no desired attributes for %s, which is being deleted; run eksctl-lite plan again", x.c.Address)
	}
	x.act.note("add-on %s is being deleted; it is created again once gone", b.Name)
	if err := waitGone(ctx, x.eks, w, addonResource, x.cluster, b.Name); err != nil {
		return nil, "", addonError(x, b.Name, err)
	}
	return createAddon(ctx, x, w, a)
}

// addonError says which cluster's add-on an error is about.
func addonError(x *execution, name string, err error) error {
	return fmt.Errorf("add-on %s of cluster %s: %w", name, x.cluster, err)
}

// addonBusy is the retry predicate of a call naming the add-on's roles:
// EKS's "resource in use", and its refusal of a role IAM has not
// propagated yet while one of them is brand new (busyFor).
func addonBusy(x *execution, a *AddonAttrs) func(error) bool {
	roles := []string{a.ServiceAccountRoleARN}
	for _, p := range a.PodIdentities {
		roles = append(roles, p.RoleARN)
	}
	return func(err error) bool {
		for _, r := range roles {
			if x.e.busyFor(r)(err) {
				return true
			}
		}
		return false
	}
}

func podIdentityInput(pias []AddonPodIdentityAttrs) []ekstypes.AddonPodIdentityAssociations {
	out := []ekstypes.AddonPodIdentityAssociations{} // empty, not nil: an update removes them all
	for _, p := range pias {
		out = append(out, ekstypes.AddonPodIdentityAssociations{ServiceAccount: aws.String(p.ServiceAccount), RoleArn: aws.String(p.RoleARN)})
	}
	return out
}

func createAddon(ctx context.Context, x *execution, w waiter, a *AddonAttrs) (any, string, error) {
	for _, p := range a.PodIdentities {
		if p.RoleARN == "" || p.RoleARN == KnownAfterApply {
			return nil, "", fmt.Errorf("the plan gives no role for service account %s of add-on %s; run eksctl-lite plan again", p.ServiceAccount, a.Name)
		}
	}
	in := &eks.CreateAddonInput{
		ClusterName:      aws.String(x.cluster),
		AddonName:        aws.String(a.Name),
		AddonVersion:     aws.String(a.Version),
		ResolveConflicts: ekstypes.ResolveConflicts(createResolveConflicts(a.ResolveConflicts)),
		Tags:             ownedTags(a.Tags, x.cluster, baseAddress(x.c.Address)),
	}
	if a.ConfigurationValues != "" {
		in.ConfigurationValues = aws.String(a.ConfigurationValues)
	}
	if a.ServiceAccountRoleARN != "" {
		in.ServiceAccountRoleArn = aws.String(a.ServiceAccountRoleARN)
	}
	if len(a.PodIdentities) > 0 {
		in.PodIdentityAssociations = podIdentityInput(a.PodIdentities)
	}
	// In use: the add-on exists already (an interrupted apply made it, or
	// someone since the plan).
	_, adopted, err := createOrAdopt(ctx, w, "EKS to accept add-on "+a.Name, addonBusy(x, a), eksAdoption(x, addonResource, a.Name,
		func(ctx context.Context) error { _, err := x.eks.CreateAddon(ctx, in); return err },
		fmt.Sprintf("the add-on %s already exists in cluster %s and eksctl-lite does not own it; run eksctl-lite plan (with --adopt to take it over)", a.Name, x.cluster)))
	if err != nil {
		return nil, "", fmt.Errorf("creating add-on %s in cluster %s: %w", a.Name, x.cluster, err)
	}
	if adopted {
		x.act.note("found add-on %s created by an earlier apply; waiting for it", a.Name)
	}
	got, err := waitActive(ctx, x.eks, w, addonResource, x.cluster, a.Name)
	if err != nil {
		return nil, "", addonError(x, a.Name, err)
	}
	live := addonFromAWS(got)
	if adopted {
		// What an earlier apply made may differ from what this plan wants
		// (the plan changed since): finish it.
		live.PodIdentities = a.PodIdentities // not read back: the associations are the Pod Identity kind's
		if diffs := diffAddon(live, a, nil); len(diffs) > 0 {
			if err := sendAddonUpdate(ctx, x, w, live, a); err != nil {
				return nil, "", err
			}
		}
	}
	live.PodIdentities, live.ResolveConflicts = a.PodIdentities, a.ResolveConflicts
	return live, live.ARN, nil
}

// updateAddon carries out the steps of an update against the add-on as it
// is now: one gone or no longer this configuration's is never changed,
// and one busy is waited for first.
func updateAddon(ctx context.Context, x *execution, w waiter) (any, string, error) {
	b, a := x.before.(*AddonAttrs), x.after.(*AddonAttrs)
	got, err := waitActive(ctx, x.eks, w, addonResource, x.cluster, b.Name)
	if err != nil && !isDegraded(got) {
		return nil, "", addonError(x, b.Name, err)
	}
	if owner(b.Tags) != "" { // an adoption changes what nobody owned yet
		if err := x.stillOwned("add-on "+b.Name, got.Tags); err != nil {
			return nil, "", err
		}
	}
	cur := addonFromAWS(got)
	cur.PodIdentities = b.PodIdentities
	for _, s := range x.c.Steps {
		if s.Call == "UpdateAddon" && len(pathsIn(diffPaths(diffAddon(cur, a, nil)), addonUpdatePaths...)) == 0 {
			// Done already: by the cluster's upgrade steps, or an
			// interrupted apply.
			x.act.note("%s: already done, skipped", strings.TrimSuffix(stepLine(s), "..."))
			continue
		}
		x.act.note("%s", stepLine(s))
		switch s.Call {
		case "TagResource", "UntagResource":
			err = eksTagStep(callCtx(ctx), x.eks, s.Call, cur.ARN, cur.Tags, a.Tags)
		case "UpdateAddon":
			err = sendAddonUpdate(ctx, x, w, cur, a)
		default:
			err = unknownStep(x, s)
		}
		if err != nil {
			return nil, "", fmt.Errorf("%s on add-on %s of cluster %s: %w", s.Call, b.Name, x.cluster, err)
		}
	}
	got, err = waitActive(ctx, x.eks, w, addonResource, x.cluster, b.Name)
	if err != nil {
		return nil, "", addonError(x, b.Name, err)
	}
	live := addonFromAWS(got)
	live.PodIdentities, live.ResolveConflicts = a.PodIdentities, a.ResolveConflicts
	return live, live.ARN, nil
}

// isDegraded reports an add-on that is DEGRADED: an update may be what
// heals it, so it is sent rather than refused.
func isDegraded(a *ekstypes.Addon) bool {
	return a != nil && a.Status == ekstypes.AddonStatusDegraded
}

// sendAddonUpdate sends one UpdateAddon taking the live add-on cur to a:
// only what differs, the Pod Identity associations as a whole list (an
// empty one removes them), an empty role or configuration to remove it;
// resolve_conflicts as written. It then polls the update until it
// succeeds. Nothing is sent when cur has what a wants already (EKS
// refuses an update that changes nothing).
func sendAddonUpdate(ctx context.Context, x *execution, w waiter, cur, a *AddonAttrs) error {
	diffs := diffPaths(diffAddon(cur, a, nil))
	if len(pathsIn(diffs, addonUpdatePaths...)) == 0 {
		return nil
	}
	in := &eks.UpdateAddonInput{ClusterName: aws.String(x.cluster), AddonName: aws.String(a.Name)}
	if a.ResolveConflicts != "" {
		in.ResolveConflicts = ekstypes.ResolveConflicts(a.ResolveConflicts)
	}
	if diffs["addon_version"] {
		in.AddonVersion = aws.String(a.Version)
	}
	if diffs["configuration_values"] {
		in.ConfigurationValues = aws.String(a.ConfigurationValues)
	}
	if diffs["service_account_role_arn"] {
		in.ServiceAccountRoleArn = aws.String(a.ServiceAccountRoleARN)
	}
	if diffs["pod_identity_association"] {
		for _, p := range a.PodIdentities {
			if p.RoleARN == "" || p.RoleARN == KnownAfterApply {
				return fmt.Errorf("the plan gives no role for service account %s of add-on %s; run eksctl-lite plan again", p.ServiceAccount, a.Name)
			}
		}
		in.PodIdentityAssociations = podIdentityInput(a.PodIdentities)
	}
	var update *ekstypes.Update
	err := w.retry(callCtx(ctx), "EKS to accept the update of add-on "+a.Name, addonBusy(x, a), func(ctx context.Context) error {
		out, err := x.eks.UpdateAddon(ctx, in)
		if err == nil {
			update = out.Update
		}
		return err
	})
	if err != nil {
		return err
	}
	if update == nil || update.Id == nil {
		return nil
	}
	return addonUpdateSucceeded(ctx, x, w, a.Name, aws.ToString(update.Id))
}

// addonUpdateSucceeded polls DescribeUpdate (with the add-on's name) until
// the update is Successful; Failed and Cancelled are errors with the
// update's errors.
func addonUpdateSucceeded(ctx context.Context, x *execution, w waiter, name, id string) error {
	in := &eks.DescribeUpdateInput{Name: aws.String(x.cluster), AddonName: aws.String(name), UpdateId: aws.String(id)}
	what := "update " + id + " of add-on " + name
	return w.poll(ctx, what+" to succeed", func(ctx context.Context) (bool, string, error) {
		out, err := x.eks.DescribeUpdate(ctx, in)
		if err != nil {
			return false, "", fmt.Errorf("describing %s: %w", what, err)
		}
		if out.Update == nil {
			return false, "", fmt.Errorf("describing %s: EKS returned no update", what)
		}
		switch out.Update.Status {
		case ekstypes.UpdateStatusSuccessful:
			return true, "", nil
		case ekstypes.UpdateStatusFailed, ekstypes.UpdateStatusCancelled:
			return false, "", fmt.Errorf("%s %s: %s", what, strings.ToLower(string(out.Update.Status)), updateErrors(out.Update.Errors))
		}
		return false, string(out.Update.Status), nil
	})
}

// deleteAddon deletes the add-on b, read first (one gone is done, one no
// longer this configuration's is never deleted, one DELETING is waited
// for), and waits until it is gone.
func deleteAddon(ctx context.Context, x *execution, w waiter, b *AddonAttrs, preserve bool) error {
	in := &eks.DeleteAddonInput{ClusterName: aws.String(x.cluster), AddonName: aws.String(b.Name), Preserve: preserve}
	err := w.retry(ctx, "EKS to accept the deletion of add-on "+b.Name, isInUse, func(ctx context.Context) error {
		got, err := addonResource.describe(ctx, x.eks, x.cluster, b.Name)
		switch {
		case isNotFound(err):
			return nil
		case err != nil:
			return fmt.Errorf("describing add-on %s: %w", b.Name, err)
		}
		if err := x.stillOwned("add-on "+b.Name, got.Tags); err != nil {
			return err
		}
		if got.Status == ekstypes.AddonStatusDeleting {
			return nil
		}
		_, err = x.eks.DeleteAddon(ctx, in)
		if isNotFound(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("deleting add-on %s of cluster %s: %w", b.Name, x.cluster, err)
	}
	if err := waitGone(ctx, x.eks, w, addonResource, x.cluster, b.Name); err != nil {
		return addonError(x, b.Name, err)
	}
	return nil
}

// upgradeAddons carries out add-on version steps of a cluster's change
// (upgrade.go), concurrently: each waits for its add-on to be ACTIVE,
// skips it if it runs the version already, else sends UpdateAddon (with
// the resolve_conflicts of the add-on's block) and waits for the update
// and the add-on. One that fails stops the control plane upgrade.
func upgradeAddons(ctx context.Context, x *execution, steps []Step) error {
	if ctx.Err() != nil {
		return fmt.Errorf("stopped before upgrading add-ons: %w", ctx.Err())
	}
	w := x.opts.waiter(x.opts.Timeouts.Addon, "ADDON")
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, s := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = upgradeAddon(ctx, x, w, s)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func upgradeAddon(ctx context.Context, x *execution, w waiter, s Step) error {
	name := s.Addon
	got, err := waitActive(ctx, x.eks, w, addonResource, x.cluster, name)
	if err != nil {
		return addonError(x, name, err)
	}
	if owner(got.Tags) != x.cluster {
		return fmt.Errorf("add-on %s is no longer this cluster's eksctl-lite add-on, so it is not upgraded and the control plane cannot go on; run eksctl-lite plan again", name)
	}
	if aws.ToString(got.AddonVersion) == s.Target {
		x.act.note("%s: already done, skipped", strings.TrimSuffix(stepLine(s), "..."))
		return nil
	}
	x.act.note("%s", stepLine(s))
	in := &eks.UpdateAddonInput{ClusterName: aws.String(x.cluster), AddonName: aws.String(name), AddonVersion: aws.String(s.Target)}
	if rc := x.e.addonResolveConflicts(x.cluster, name); rc != "" {
		in.ResolveConflicts = ekstypes.ResolveConflicts(rc)
	}
	var update *ekstypes.Update
	err = w.retry(callCtx(ctx), "add-on "+name+" to accept UpdateAddon", isInUse, func(ctx context.Context) error {
		out, err := x.eks.UpdateAddon(ctx, in)
		if err == nil {
			update = out.Update
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("UpdateAddon on add-on %s (to %s, before the node groups and the control plane go on): %w", name, s.Target, err)
	}
	if update != nil && update.Id != nil {
		if err := addonUpdateSucceeded(ctx, x, w, name, aws.ToString(update.Id)); err != nil {
			return err
		}
	}
	if _, err := waitActive(ctx, x.eks, w, addonResource, x.cluster, name); err != nil {
		return addonError(x, name, err)
	}
	return nil
}

// addonResolveConflicts is the resolve_conflicts the plan gives add-on
// name of cluster ("" when it has no change for it).
func (e *executor) addonResolveConflicts(cluster, name string) string {
	for _, ch := range e.plan.Changes {
		if ch.Type != TypeAddon || ch.Cluster != cluster {
			continue
		}
		if a, err := typedAttrs(TypeAddon, ch.After); err == nil && a != nil && a.(*AddonAttrs).Name == name {
			return a.(*AddonAttrs).ResolveConflicts
		}
	}
	return ""
}

package provision

import (
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// Control plane upgrades and the node groups they wait for.
//
// EKS updates a control plane only when its managed node groups already run
// its current minor version (UpdateClusterVersion, EKS API reference: "the
// Kubernetes version of your managed node groups must match the cluster's
// current version"). An upgrade of more than one minor version is therefore
// interleaved: control plane to 1.30, each node group to 1.30, control plane
// to 1.31, and the node groups' own changes take them on to 1.31. The node
// group steps in between belong to the cluster's change (Step.NodeGroup
// names the group), so that apply runs them in order with the control plane
// steps; apply sends consecutive ones of one target version concurrently.
//
// Add-ons follow the control plane the same way: after each control plane
// step but the last, every add-on whose block asks for "default" or
// "latest" goes to that version's default or latest (Step.Addon names it),
// before the node groups do; after the last, the add-on's own change takes
// it to the version the plan resolved, and the node groups' own changes
// wait for it. A pinned add-on must be compatible with every version the
// control plane goes through.

// interleaveUpgrades inserts into the cluster's change the node group
// version steps its control plane steps need, and refuses a plan that AWS
// would refuse: a live node group that cannot reach the version a control
// plane step needs (pinned to an older version, being deleted, or not
// eksctl-lite's).
func (pl *planner) interleaveUpgrades(cp *clusterPlan) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	var cl *ResourceChange
	for _, ch := range cp.changes {
		if ch.Type == TypeCluster && ch.Address == ClusterAddress(c.Name) {
			cl = ch
		}
	}
	if cl == nil || cl.Action != Update || live.cluster == nil {
		return nil
	}
	// How far each live node group may be taken: the version its own
	// change goes to; a group the plan deletes, replaces or does not
	// manage stays where it is until after the control plane is done.
	type group struct {
		ng      *NodeGroupAttrs
		ch      *ResourceChange
		version string // where it is now, as the steps so far leave it
		blocked bool   // reported as blocking the upgrade already
		reach   string // the newest version this plan may take it to
		why     string // why it cannot go further, for the refusal
	}
	var groups []*group
	for _, n := range live.nodeGroups() {
		g := &group{ng: n, version: n.Version, reach: n.Version}
		for _, ch := range cp.changes {
			if ch.Before == n {
				g.ch = ch
			}
		}
		switch {
		case g.ch == nil:
			g.why = "eksctl-lite does not manage it"
		case g.ch.Action == Update || g.ch.Action == NoOp:
			g.reach = g.ch.After.(*NodeGroupAttrs).Version
			g.why = "its version is pinned to " + g.reach
		case g.ch.Action == Replace:
			// The old group is deleted only once its replacement, created
			// after the control plane upgrade, is ACTIVE: until then it
			// must follow the control plane, or the upgrade stops at it.
			g.reach = g.ch.After.(*NodeGroupAttrs).Version
			g.why = "its version is pinned to " + g.reach
		default:
			g.why = "the plan deletes it (" + g.ch.Reason + ")"
		}
		groups = append(groups, g)
	}

	addons := upgradingAddons(cp)
	lastCP := -1
	for i, s := range cl.Steps {
		if s.Call == "UpdateClusterVersion" {
			lastCP = i
		}
	}

	var steps []Step
	var diags hcl.Diagnostics
	from := live.cluster.Version
	for i, s := range cl.Steps {
		if s.Call != "UpdateClusterVersion" {
			steps = append(steps, s)
			continue
		}
		for _, g := range groups {
			if g.blocked || compareVersions(g.version, from) >= 0 {
				continue
			}
			if compareVersions(g.reach, from) < 0 {
				diags = append(diags, errorDiag(c.AttrRange("version"), fmt.Sprintf("Node group %q blocks the upgrade of cluster %q", g.ng.Name, c.Name),
					fmt.Sprintf("EKS updates a control plane only when every managed node group runs its version. To take cluster %q from %s to %s, node group %q must first run %s, but it runs %s and %s. %s", c.Name, from, s.Target, g.ng.Name, from, g.ng.Version, g.why, unblockHint(g.ch, from))))
				g.blocked = true // report each group once
				continue
			}
			steps = append(steps, Step{Call: "UpdateNodegroupVersion", NodeGroup: g.ng.Name, Target: from, Paths: []string{"version"},
				Detail: fmt.Sprintf("node group %s %s -> %s, before the control plane goes on to %s", g.ng.Name, g.version, from, s.Target)})
			g.version = from
		}
		steps = append(steps, s)
		from = s.Target
		if i != lastCP {
			addonSteps, d := addonUpgradeSteps(cp, addons, s.Target)
			steps = append(steps, addonSteps...)
			diags = append(diags, d...)
		}
	}
	if diags.HasErrors() {
		return diags
	}
	cl.Steps = steps
	followAddons(cp, addons)
	// A node group's own version step now starts where the cluster's
	// steps left it.
	for _, g := range groups {
		if g.ch == nil || g.version == g.ng.Version {
			continue
		}
		for i, s := range g.ch.Steps {
			if s.Call == "UpdateNodegroupVersion" {
				g.ch.Steps[i].Detail = g.version + " -> " + g.ch.After.(*NodeGroupAttrs).Version + " (from " + g.ng.Version + " through the control plane's upgrade)"
			}
		}
	}
	return nil
}

// unblockHint says what to do about a node group blocking an upgrade.
func unblockHint(ch *ResourceChange, need string) string {
	switch {
	case ch == nil:
		return fmt.Sprintf("Upgrade it to %s yourself (or delete it), then run eksctl-lite again.", need)
	case ch.Action == Delete:
		return "Apply its removal first (without the version change), then upgrade the cluster."
	}
	return fmt.Sprintf("Remove its version (so it follows the cluster) or set it to %s or later; or upgrade the cluster one minor version at a time.", need)
}

// upgradingAddon is a live add-on of the cluster while its control plane is
// upgraded.
type upgradingAddon struct {
	block   *spec.Addon
	ch      *ResourceChange
	version string // where it is now, as the steps so far leave it
}

// upgradingAddons are the live add-ons the plan keeps, owned, with their
// blocks, in the blocks' order.
func upgradingAddons(cp *clusterPlan) []*upgradingAddon {
	var out []*upgradingAddon
	for _, a := range cp.spec.Addons {
		for _, ch := range cp.changes {
			b, ok := ch.Before.(*AddonAttrs)
			if ch.Type != TypeAddon || ch.Address != AddonAddress(cp.spec.Name, a.Name) || !ok || b == nil ||
				(ch.Action != Update && ch.Action != NoOp) || owner(b.Tags) != cp.spec.Name {
				continue
			}
			out = append(out, &upgradingAddon{block: a, ch: ch, version: b.Version})
		}
	}
	return out
}

// addonUpgradeSteps are the add-on version steps that follow a control
// plane step to k8s: each add-on that follows "default" or "latest" goes to
// that version's; a pinned one must be compatible with it.
func addonUpgradeSteps(cp *clusterPlan, addons []*upgradingAddon, k8s string) ([]Step, hcl.Diagnostics) {
	c, cat := cp.spec, catalogOf(cp)
	var steps []Step
	var diags hcl.Diagnostics
	for _, u := range addons {
		a := u.block
		v, err := resolveAddonVersion(cat.versions[a.Name], a.Version, k8s)
		if err != nil {
			how := "its version is pinned to " + a.Version
			if a.Version == spec.AddonVersionDefault || a.Version == spec.AddonVersionLatest {
				how = "it follows " + a.Version
			}
			diags = append(diags, errorDiag(a.AttrRange("version"), fmt.Sprintf("Add-on %q blocks the upgrade of cluster %q", a.Name, c.Name),
				fmt.Sprintf("Cluster %q goes through Kubernetes %s on its way to %s, and add-on %q runs on it meanwhile, but %s: %s. Set its version to one compatible with every version the cluster goes through (or to \"default\"), or upgrade the cluster one minor version at a time.", c.Name, k8s, c.Version, a.Name, how, err)))
			continue
		}
		if a.Version != spec.AddonVersionDefault && a.Version != spec.AddonVersionLatest || v == u.version {
			continue
		}
		steps = append(steps, Step{Call: "UpdateAddon", Addon: a.Name, Target: v, Paths: []string{"addon_version"},
			Detail: fmt.Sprintf("add-on %s %s -> %s, the %s for Kubernetes %s", a.Name, u.version, v, a.Version, k8s)})
		u.version = v
	}
	return steps, diags
}

// followAddons makes the add-ons' own version steps start where the
// cluster's steps left them, and the node groups' own version steps wait
// for the add-ons' (add-ons before node groups, at every version).
func followAddons(cp *clusterPlan, addons []*upgradingAddon) {
	var moving []string
	for _, u := range addons {
		b := u.ch.Before.(*AddonAttrs)
		for i, s := range u.ch.Steps {
			if s.Call != "UpdateAddon" || !slices.Contains(s.Paths, "addon_version") {
				continue
			}
			moving = append(moving, u.ch.Address)
			switch {
			case u.version == b.Version:
			case u.version == s.Target:
				u.ch.Steps[i].Detail = "to " + s.Target + ": reached already by the control plane's upgrade steps, then skipped"
			default:
				u.ch.Steps[i].Detail = u.version + " -> " + s.Target + " (from " + b.Version + " through the control plane's upgrade)"
			}
		}
	}
	if len(moving) == 0 {
		return
	}
	for _, ch := range cp.changes {
		if ch.Type != TypeNodeGroup {
			continue
		}
		for _, s := range ch.Steps {
			if s.Call == "UpdateNodegroupVersion" {
				ch.DependsOn = append(ch.DependsOn, moving...)
				break
			}
		}
	}
}

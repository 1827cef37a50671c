package provision

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// PlanOptions change what a plan proposes.
type PlanOptions struct {
	// Adopt lets the plan take ownership of existing clusters that
	// eksctl-lite did not create (by adding the ownership tags).
	Adopt bool
	// Destroy plans the deletion of everything the configuration owns.
	Destroy bool
	// Parallelism bounds concurrent AWS reads per service: at most this
	// many EKS reads and this many IAM reads at once (default
	// DefaultReadParallelism).
	Parallelism int
	// Today is the day support warnings are reckoned from; zero: now.
	Today time.Time
	// Prices are the prices of the plan's cost estimate (cost.go); nil:
	// the embedded table.
	Prices PriceSource
}

func (o PlanOptions) today() time.Time {
	if o.Today.IsZero() {
		return time.Now().UTC()
	}
	return o.Today
}

// MakePlan observes live EKS and IAM for every cluster of cfg and plans the
// changes that make them match it. It never changes anything in AWS.
// Errors (refusals, AWS read failures) are error diagnostics; the plan is
// nil when there is any.
func MakePlan(ctx context.Context, cfg *spec.Config, clients ClientsFactory, opts PlanOptions) (*Plan, hcl.Diagnostics) {
	pl := &planner{opts: opts, obs: newObserver(opts.Parallelism), name: cfg.Name}
	var diags hcl.Diagnostics

	// Regions and clients.
	for _, c := range cfg.Clusters {
		cl, region, err := resolveRegion(clients, c.Region)
		if err != nil {
			diags = append(diags, errorDiag(c.DeclRange, fmt.Sprintf("No AWS region for cluster %q", c.Name), err.Error()))
			continue
		}
		pl.clusters = append(pl.clusters, &clusterPlan{spec: c, region: region, clients: cl, config: cfg.Name})
	}
	connected, d := connectedPlans(clients, cfg, pl.clusters)
	pl.clusters, diags = append(pl.clusters, connected...), append(diags, d...)
	if diags.HasErrors() || len(pl.clusters) == 0 {
		return nil, diags
	}
	diags = append(diags, pl.checkRoleNames()...)
	if diags.HasErrors() {
		return nil, diags
	}
	diags = append(diags, pl.discoverRemoved(ctx, cfg)...)
	if diags.HasErrors() {
		return nil, diags
	}

	diags = append(diags, pl.observe(ctx)...)
	if diags.HasErrors() {
		return nil, diags
	}
	for _, cp := range pl.clusters {
		diags = append(diags, pl.planCluster(cp)...)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	// What needs every cluster planned first (the roles nothing configures
	// any more: a role any cluster's plan keeps using is kept).
	for _, cp := range pl.clusters {
		for _, k := range cp.kinds() {
			if k.settle != nil {
				diags = append(diags, k.settle(pl, cp)...)
			}
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	p := pl.assemble()
	p.Lock = LockSettingsOf(cfg.Lock)
	versions := map[string]clusterVersions{}
	for _, cp := range pl.clusters {
		if vs, ok := cp.reads[TypeCluster].(clusterVersions); ok {
			versions[cp.region+"/"+cp.spec.Name] = vs
		}
	}
	estimateCosts(ctx, p, priceSource(opts.Prices, clients), versions)
	if e := p.CostSummary.Error; e != "" {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Cannot read the prices of the cost estimate",
			Detail: e + ". The plan is complete, but its costs are unknown; --cost-threshold refuses it."})
	}
	for _, d := range diags {
		if d.Severity != hcl.DiagWarning {
			continue
		}
		w := PlanWarning{Summary: d.Summary, Detail: d.Detail}
		if d.Subject != nil {
			w.File, w.Line = d.Subject.Filename, d.Subject.Start.Line
		}
		p.Warnings = append(p.Warnings, w)
	}
	return p, diags
}

// planner holds one plan run.
type planner struct {
	opts PlanOptions
	// name is the configuration's identity (TagConfiguration), "" when
	// the configuration has none (tests).
	name     string
	obs      *observer
	clusters []*clusterPlan
	// account is what each kind's readAccount read for the plan, by type
	// (the live IAM roles that matter to it: see liveRoles).
	account map[Type]any
}

// clusterPlan is one cluster's share of the plan.
type clusterPlan struct {
	spec    *spec.Cluster
	region  string
	clients *Clients
	// config is the configuration's name, written as TagConfiguration.
	config string
	// removed marks a cluster the configuration owns but no longer
	// declares (see configuration.go): spec holds only its name.
	removed bool
	live    *liveCluster
	changes []*ResourceChange
	// managed maps a managed role's address to its name, for every managed
	// role the configuration needs.
	managed map[string]string

	// What kinds publish for those planned after them (see kind.prepare).
	// owned: the live cluster is this block's; adopting: --adopt takes it.
	owned, adopting bool
	// use resolves the ARN of a role a block leaves to eksctl-lite.
	use useFunc
	// oidc is the OIDC provider irsa roles trust.
	oidc oidcTrust
	// warnings are what destroy passes warn about.
	warnings hcl.Diagnostics
	// reads are what each kind's readForBlocks read for the cluster's
	// blocks, by type.
	reads map[Type]any
	// instructions are what the user does once the plan is applied.
	instructions []Instruction
	// connected is the connected_cluster block a connectedRoot plan is
	// of (nil for a removed one, and for cluster blocks); root says which
	// kinds plan it (kind.root).
	connected *spec.ConnectedCluster
	root      root
}

// kinds are the kinds that plan cp (kind.root), in registration order.
func (cp *clusterPlan) kinds() []*kind { return kindsOf(cp.root) }

// warn records a warning of a destroy pass.
func (cp *clusterPlan) warn(d ...*hcl.Diagnostic) { cp.warnings = append(cp.warnings, d...) }

// rangeOf is the source range of the block behind an address, for
// diagnostics: the kind whose blocks hold it says (kind.blockRange); the
// cluster block otherwise.
func (cp *clusterPlan) rangeOf(address string) hcl.Range {
	for _, k := range kindList {
		if k.blockRange == nil {
			continue
		}
		if rng, ok := k.blockRange(cp.spec, address); ok {
			return rng
		}
	}
	return cp.spec.DeclRange
}

// observe reads everything the plan needs, concurrently: each cluster
// with its children, and what the account-wide kinds (IAM) need, once for
// every cluster.
func (pl *planner) observe(ctx context.Context) hcl.Diagnostics {
	account := readAccounts(ctx, pl.obs, pl.clusters[0].clients.IAM, &accountScope{clusters: pl.clusters})
	var diags hcl.Diagnostics
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, cp := range pl.clusters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cp.reads = map[Type]any{}
			var reads sync.WaitGroup
			read := func(k *kind) {
				reads.Add(1)
				go func() {
					defer reads.Done()
					v, err := k.readForBlocks(ctx, pl.obs, cp)
					mu.Lock()
					cp.reads[k.typ] = v
					if err != nil {
						diags = append(diags, awsDiag(cp.spec.DeclRange, fmt.Sprintf("%s for cluster %q in %s", k.blockReadFailure, cp.spec.Name, cp.region), err))
					}
					mu.Unlock()
				}()
			}
			// A destroy plans from what is live, never from blocks.
			blocks := !cp.removed && !pl.opts.Destroy
			for _, k := range cp.kinds() {
				// EKS's calendar is read for a destroy too: the cost of
				// what it deletes depends on it.
				if k.readForBlocks != nil && k.readsBeside {
					read(k)
				}
			}
			defer reads.Wait()
			live, err := pl.obs.observeCluster(ctx, cp.clients, cp.spec.Name, account, cp.root)
			cp.live = live
			if err != nil {
				mu.Lock()
				diags = append(diags, awsDiag(cp.spec.DeclRange, fmt.Sprintf("Cannot read cluster %q in %s", cp.spec.Name, cp.region), err))
				mu.Unlock()
				return
			}
			// What the blocks need besides live objects that depends on
			// them (the add-on catalogue, recommended AMIs), every kind's
			// at once: one round trip however many kinds read.
			for _, k := range cp.kinds() {
				if k.readForBlocks != nil && !k.readsBeside && blocks {
					read(k)
				}
			}
		}()
	}
	wg.Wait()
	pl.account = map[Type]any{}
	for _, k := range kindList {
		f := account[k.typ]
		if f == nil {
			continue
		}
		v, err := f.get(ctx)
		if err != nil {
			diags = append(diags, awsDiag(hcl.Range{}, k.accountReadFailure, err))
		}
		pl.account[k.typ] = v
	}
	return diags
}

// planCluster plans one cluster and everything in it: every kind's
// prepare pass, then every kind's plan, in registration order (see
// kind.prepare), then the interleaving of version upgrades.
func (pl *planner) planCluster(cp *clusterPlan) hcl.Diagnostics {
	if cp.removed {
		return pl.planDestroy(cp, cp.live.cluster != nil, cp.removedReasonOf())
	}
	if d := pl.otherConfiguration(cp); d.HasErrors() {
		return d
	}
	clusterOwned, adopting, diags := pl.clusterOwnership(cp)
	if diags.HasErrors() {
		return diags
	}
	if pl.opts.Destroy {
		return append(diags, pl.planDestroy(cp, clusterOwned, "destroying the configuration")...)
	}
	cp.owned, cp.adopting = clusterOwned, adopting
	for _, k := range cp.kinds() {
		if k.prepare != nil {
			diags = append(diags, k.prepare(pl, cp)...)
		}
	}
	for _, k := range cp.kinds() {
		if k.plan == nil {
			continue
		}
		d := k.plan(pl, cp, cp.use)
		diags = append(diags, d...)
		if k.gates && d.HasErrors() {
			return diags
		}
	}
	if !diags.HasErrors() {
		diags = append(diags, pl.interleaveUpgrades(cp)...)
	}
	return diags
}

// useFunc resolves the role ARN a resource uses; see planManagedRoles.
type useFunc func(explicit, managedAddr, path string, refs map[string]string, changing map[string]bool) string

// planDestroy plans the deletion of everything the cluster owns, each
// kind its own (kind.destroy): the cluster itself when clusterOwned (and
// nothing it does not own blocks it), its node groups, Fargate profiles,
// OIDC provider, ... Roles are planned by the role kind's settle pass,
// once every cluster is planned.
func (pl *planner) planDestroy(cp *clusterPlan, clusterOwned bool, reason string) hcl.Diagnostics {
	cp.owned = clusterOwned
	for _, k := range cp.kinds() {
		if k.destroy != nil {
			k.destroy(pl, cp, reason)
		}
	}
	return cp.warnings
}

// add records a change with the cluster and region filled in. A second
// change for one address (a role renamed, so the old one is deleted under
// the same address tag) is given a deposed address.
func (cp *clusterPlan) add(ch *ResourceChange) {
	ch.Cluster, ch.Region = cp.spec.Name, cp.region
	for _, other := range cp.changes {
		if other.Address == ch.Address {
			ch.Address = deposedAddress(ch.Address, physicalNameOf(ch.Before))
			break
		}
	}
	cp.changes = append(cp.changes, ch)
}

// assemble sorts the changes, trims dependencies to what the plan holds,
// and computes fingerprints.
func (pl *planner) assemble() *Plan {
	p := &Plan{FormatVersion: FormatVersion, Destroy: pl.opts.Destroy}
	removed := map[*ResourceChange]bool{}
	for _, cp := range pl.clusters {
		p.Changes = append(p.Changes, cp.changes...)
		for _, ch := range cp.changes {
			removed[ch] = cp.removed
		}
		if !pl.opts.Destroy {
			p.Instructions = append(p.Instructions, cp.instructions...)
		}
	}
	// The destruction of a removed cluster comes first: nobody should
	// miss it at the end of a long plan.
	sort.Slice(p.Changes, func(i, j int) bool {
		a, b := p.Changes[i], p.Changes[j]
		if removed[a] != removed[b] {
			return removed[a]
		}
		return a.Address < b.Address
	})
	present := map[string]bool{}
	for _, ch := range p.Changes {
		present[ch.Address] = true
	}
	h := sha256.New()
	for _, ch := range p.Changes {
		if ch.Action == NoOp {
			if st := statusOf(ch.Before); st != "" && st != "ACTIVE" {
				ch.Action, ch.Reason = Wait, waitReason(st)
			}
		}
		var deps []string
		seen := map[string]bool{}
		for _, d := range ch.DependsOn {
			if present[d] && !seen[d] && d != ch.Address {
				seen[d] = true
				deps = append(deps, d)
			}
		}
		sort.Strings(deps)
		ch.DependsOn = deps
		if len(ch.Refs) == 0 {
			ch.Refs = nil
		}
		ch.Fingerprint = fingerprint(ch)
		b, _ := json.Marshal([]any{ch.Address, ch.Action, ch.After})
		h.Write(b)
	}
	p.InputsFingerprint = hex.EncodeToString(h.Sum(nil))
	return p
}

// waitReason says why a resource that matches the configuration is not
// converged yet, and what apply does about it.
func waitReason(status string) string {
	if transitionalStatus(status) {
		return "it is " + status + " in AWS; apply waits until it is done"
	}
	return "it is " + status + " in AWS; apply waits for it and reports the health issues AWS gives"
}

// actionOf is the action for a set of diffs of an existing resource.
func actionOf(diffs []AttrDiff) Action {
	switch {
	case hasForceNew(diffs):
		return Replace
	case len(diffs) > 0:
		return Update
	}
	return NoOp
}

func forcesReason(paths []string) string {
	if len(paths) == 1 {
		return paths[0] + " forces replacement"
	}
	return strings.Join(paths, ", ") + " force replacement"
}

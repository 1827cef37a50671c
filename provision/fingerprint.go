package provision

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"sync"
)

// A fingerprint hashes what plan observed of a live resource, restricted to
// what matters to the diff: not its status (a node group scaling itself is
// not a reason to refuse a saved plan), not a desired size the configuration
// leaves to autoscalers. Applying a saved plan re-observes every resource
// and refuses when a fingerprint changed.

// fingerprint of a change's Before; "" when the resource did not exist.
func fingerprint(ch *ResourceChange) string {
	return fingerprintOf(ch, ch.Before)
}

// fingerprintOf hashes live's fields, as normalised as the diff sees them,
// leaving out what does not matter to ch (see notFingerprinted).
func fingerprintOf(ch *ResourceChange, live any) string {
	lf := jsonFields(live)
	if lf == nil {
		return ""
	}
	schema := mustKind(ch.Type).schema
	af := jsonFields(ch.After)
	keys := make([]string, 0, len(lf))
	for k := range lf {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		if notFingerprinted(ch, schema, af, k) {
			continue
		}
		s, inSchema := schema[k]
		v := lf[k]
		var enc string
		if inSchema && s.Set {
			enc = encodeCanonical(canonicalSet(v))
		} else if isEmpty(v) {
			enc = "null"
		} else {
			enc = encodeCanonical(v)
		}
		fmt.Fprintf(h, "%s=%s\n", k, enc)
	}
	// Updates started since the plan, even ones already done, make it
	// stale: while an update runs EKS still describes the old values.
	if u, ok := live.(updatableAttrs); ok {
		fmt.Fprintf(h, "updates=%q\n", u.updateIDs())
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// notFingerprinted reports whether attribute k of the live resource of ch
// stays out of its fingerprint: the status; an optional attribute the
// desired attributes af leave empty (left to AWS, never diffed), such as
// the desired size of a node group that leaves it to autoscalers; and the
// desired size of a node group being replaced, which the planner fills in
// from the live group for the new one (so After does not say whether the
// configuration sets it), while what apply does (create the new group with
// After's size, delete the old one) does not depend on the old group's size.
func notFingerprinted(ch *ResourceChange, schema Schema, af map[string]any, k string) bool {
	if k == "status" {
		// A resource in transition when planned is waited for by apply,
		// whatever state it has reached since; one that was settled and
		// is not any more (someone started an update or a deletion) makes
		// the plan stale.
		return transitionalStatus(statusOf(ch.Before))
	}
	s, inSchema := schema[k]
	if inSchema && s.Optional && isEmpty(af[k]) {
		return true
	}
	return ch.Action == Replace && slices.Contains(mustKind(ch.Type).replaceUnfingerprinted, k)
}

// RefreshFingerprints re-observes every resource of a plan and returns the
// fingerprint each has now, by address ("" for a resource that does not
// exist). It reads only what the plan's resources need.
func RefreshFingerprints(ctx context.Context, p *Plan, clients ClientsFactory) (map[string]string, error) {
	o := newObserver(0)
	type key struct{ region, cluster string }
	groups := map[key][]*ResourceChange{}
	roots := map[key]root{}
	roleNames := map[string]bool{}
	for _, ch := range p.Changes {
		k := key{ch.Region, ch.Cluster}
		groups[k] = append(groups[k], ch)
		kd, err := kindOf(ch.Type)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ch.Address, err)
		}
		if kd.root == connectedRoot {
			roots[k] = connectedRoot
		}
		if kd.iamName != nil {
			if n := kd.iamName(ch); n != "" {
				roleNames[roleKey(n)] = true
			}
		}
	}
	if len(groups) == 0 {
		return map[string]string{}, nil
	}
	var errs errList
	lives := map[key]*liveCluster{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var account map[Type]*future[any]
	for k := range groups {
		c, err := clients(k.region)
		if err != nil {
			return nil, err
		}
		if account == nil {
			// IAM is global: one read serves every cluster.
			account = readAccounts(ctx, o, c.IAM, &accountScope{names: roleNames})
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			lc, err := o.observeCluster(ctx, c, k.cluster, account, roots[k])
			if err != nil {
				errs.add(err)
			}
			mu.Lock()
			lives[k] = lc
			mu.Unlock()
		}()
	}
	wg.Wait()
	read := map[Type]any{}
	for _, k := range kindList {
		if f := account[k.typ]; f != nil {
			v, err := f.get(ctx)
			if err != nil {
				errs.add(err)
			}
			read[k.typ] = v
		}
	}
	if err := errs.err(); err != nil {
		return nil, fmt.Errorf("re-reading the resources of the saved plan: %w", err)
	}

	now := map[string]string{}
	for k, changes := range groups {
		lc := lives[k]
		for _, ch := range changes {
			live := mustKind(ch.Type).findLive(&freshObservation{cluster: lc, account: read}, ch)
			now[ch.Address] = fingerprintOf(ch, live)
		}
	}
	return now, nil
}

// StaleAddresses lists, sorted, the addresses whose live resource no longer
// has the fingerprint the plan recorded.
func StaleAddresses(p *Plan, now map[string]string) []string {
	var out []string
	for _, ch := range p.Changes {
		if now[ch.Address] != ch.Fingerprint {
			out = append(out, ch.Address)
		}
	}
	sort.Strings(out)
	return out
}

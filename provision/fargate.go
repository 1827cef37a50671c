package provision

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// The plan half of a Fargate profile.

// fargateSchema: EKS has no update call for Fargate profiles; everything but
// tags forces a replacement (delete, then create under the same name).
var fargateSchema = Schema{
	"subnet_ids":             {Set: true, ForceNew: true},
	"pod_execution_role_arn": {ForceNew: true},
	"selectors":              {Set: true, ForceNew: true},
	"tags":                   {},
}

// fargateAttrs are the desired attributes of a fargate_profile block.
func fargateAttrs(c *spec.Cluster, fp *spec.FargateProfile, roleARN string) *FargateProfileAttrs {
	a := &FargateProfileAttrs{
		Name:                fp.Name,
		SubnetIDs:           fp.SubnetIDs,
		PodExecutionRoleARN: roleARN,
		Tags:                ownedTags(fp.Tags, c.Name, FargateProfileAddress(c.Name, fp.Name)),
	}
	for _, s := range fp.Selectors {
		a.Selectors = append(a.Selectors, SelectorAttrs{Namespace: s.Namespace, Labels: nilIfEmpty(s.Labels)})
	}
	return a
}

// fargateFromAWS converts DescribeFargateProfile's answer.
func fargateFromAWS(f *ekstypes.FargateProfile) *FargateProfileAttrs {
	a := &FargateProfileAttrs{
		Name:                aws.ToString(f.FargateProfileName),
		ARN:                 aws.ToString(f.FargateProfileArn),
		SubnetIDs:           f.Subnets,
		PodExecutionRoleARN: aws.ToString(f.PodExecutionRoleArn),
		Tags:                liveTags(f.Tags),
		Status:              string(f.Status),
	}
	for _, s := range f.Selectors {
		a.Selectors = append(a.Selectors, SelectorAttrs{Namespace: aws.ToString(s.Namespace), Labels: nilIfEmpty(s.Labels)})
	}
	return a
}

// fargateSteps: only tags change in place.
func fargateSteps(before, after *FargateProfileAttrs, diffs []AttrDiff) []Step {
	if !diffPaths(diffs)["tags"] {
		return nil
	}
	return tagSteps("TagResource", "UntagResource", before.Tags, after.Tags)
}

// nilIfEmpty makes an empty map nil, so that selectors compare equal as set
// elements whether or not their labels were spelled out.
func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// fargateProfileKind is the Fargate profile's contract with the engine
// (kinds.go). EKS allows one Fargate profile in CREATING or DELETING per
// cluster (EKS API reference, CreateFargateProfile): creates and deletes
// take the lock fargate:<region>/<cluster>, and so does the no-op or wait
// of a profile an interrupted run left CREATING or DELETING, while it
// waits for it (EKS holds that lock already: the task resumes).
func fargateProfileKind() *kind {
	return &kind{
		typ:      TypeFargateProfile,
		schema:   fargateSchema,
		newAttrs: func() any { return &FargateProfileAttrs{} },
		nameKey:  "fargate_profile_name",
		apply:    applyFargateProfile,
		weight:   2 * time.Minute,
		cost:     fargateCost,
		replace:  DeleteThenCreate,
		replaceNote: func(*ResourceChange) string {
			return "the profile is deleted, then created again: EKS cannot change Fargate profiles"
		},
		replaceDetail: "delete, then create",
		locks: func(c *ResourceChange, before any) ([]string, bool) {
			lock := []string{"fargate:" + c.Region + "/" + c.Cluster}
			switch c.Action {
			case Create, Delete, Replace:
				return lock, false
			case NoOp, Wait:
				if fargateInFlight(before) {
					return lock, true
				}
			}
			return nil, false
		},
		findLive: func(o *freshObservation, ch *ResourceChange) any {
			if f := findFargate(o.cluster, ch); f != nil {
				return f
			}
			return nil
		},
		observe: func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any {
			return anySlice(observeChildren(ctx, o, c.EKS, cluster, errs, o.listFargateProfiles, fargateResource, fargateFromAWS, nil))
		},
		plan: (*planner).planFargate,
		wantsRoles: func(cp *clusterPlan) map[string]string {
			c := cp.spec
			return managedRoleIfAny(c.FargateProfiles, podExecutionRoleOf, PodExecutionRoleAddress(c.Name), PodExecutionRoleName(c.Name, cp.region))
		},
		namesRole: func(c *spec.Cluster, arn string) string {
			return blockNaming(c.FargateProfiles, podExecutionRoleOf, arn, func(fp *spec.FargateProfile) string {
				return fmt.Sprintf("the pod_execution_role_arn of Fargate profile %q names it", fp.Name)
			})
		},
		destroy:               (*planner).destroyFargateProfiles,
		noun:                  "Fargate profile",
		blocksClusterDeletion: true,
		blockRange: func(c *spec.Cluster, address string) (hcl.Range, bool) {
			for _, fp := range c.FargateProfiles {
				if FargateProfileAddress(c.Name, fp.Name) == address {
					return fp.DeclRange, true
				}
			}
			return hcl.Range{}, false
		},
	}
}

// fargate are the cluster's live Fargate profiles, sorted by name.
func (lc *liveCluster) fargate() []*FargateProfileAttrs {
	return childrenOf[*FargateProfileAttrs](lc, TypeFargateProfile)
}

func (a *FargateProfileAttrs) liveStatus() string   { return a.Status }
func (a *FargateProfileAttrs) physicalName() string { return a.Name }
func (a *FargateProfileAttrs) usedRoleARN() string  { return a.PodExecutionRoleARN }

func podExecutionRoleOf(fp *spec.FargateProfile) string { return fp.PodExecutionRoleARN }

// fargateInFlight reports whether live attributes show a Fargate profile
// CREATING or DELETING: EKS then refuses to create or delete any other
// profile of its cluster.
func fargateInFlight(attrs any) bool {
	fp, ok := attrs.(*FargateProfileAttrs)
	return ok && (fp.Status == "CREATING" || fp.Status == "DELETING")
}

// planFargate matches fargate_profile blocks with live profiles by name.
func (pl *planner) planFargate(cp *clusterPlan, use useFunc) hcl.Diagnostics {
	c, live := cp.spec, cp.live
	var diags hcl.Diagnostics
	byName := map[string]*FargateProfileAttrs{}
	for _, fp := range live.fargate() {
		byName[fp.Name] = fp
	}
	clusterAddr := ClusterAddress(c.Name)
	configured := map[string]bool{}
	for _, fp := range c.FargateProfiles {
		configured[fp.Name] = true
		addr := FargateProfileAddress(c.Name, fp.Name)
		refs, changing := map[string]string{}, map[string]bool{}
		after := fargateAttrs(c, fp, use(fp.PodExecutionRoleARN, PodExecutionRoleAddress(c.Name), "pod_execution_role_arn", refs, changing))
		cp.configTags(after.Tags)
		ch := &ResourceChange{Address: addr, Type: TypeFargateProfile, After: after, Refs: refs, DependsOn: []string{clusterAddr}}
		if fp.PodExecutionRoleARN == "" {
			ch.DependsOn = append(ch.DependsOn, PodExecutionRoleAddress(c.Name))
		}
		cur := byName[fp.Name]
		switch {
		case cur == nil:
			ch.Action = Create
		case owner(cur.Tags) != c.Name && !pl.opts.Adopt:
			diags = append(diags, errorDiag(fp.DeclRange, fmt.Sprintf("Fargate profile %q exists but is not managed by eksctl-lite", fp.Name),
				fmt.Sprintf("Cluster %q already has a Fargate profile named %q that eksctl-lite did not create; eksctl-lite never changes or deletes it. Run again with --adopt to manage it from this block (the plan then adds the ownership tags), or rename this fargate_profile block.", c.Name, fp.Name)))
			continue
		default:
			ch.Before = cur
			ch.DependsOn = append(ch.DependsOn, cp.roleDeps(pl.liveRoles(), cur.PodExecutionRoleARN)...)
			ch.Diffs = diffAttrs(fargateSchema, cur, after, changing)
			ch.Action = actionOf(ch.Diffs)
			if adopting := owner(cur.Tags) != c.Name; adopting {
				if ch.Action == Replace {
					diags = append(diags, errorDiag(fp.DeclRange, fmt.Sprintf("Cannot adopt Fargate profile %q", fp.Name),
						fmt.Sprintf("Adopting the Fargate profile %q of cluster %q would replace it (%s), deleting a profile eksctl-lite did not create. Make the block match it (eksctl-lite export writes one that does), or leave it out of the configuration.", fp.Name, c.Name, forcesReason(replacePaths(ch.Diffs)))))
					continue
				}
				ch.Reason = "adopting an existing Fargate profile"
			}
			if ch.Action == Replace {
				ch.ReplacePaths = replacePaths(ch.Diffs)
				ch.Reason = forcesReason(ch.ReplacePaths)
			} else {
				ch.Steps = fargateSteps(cur, after, ch.Diffs)
			}
		}
		cp.add(ch)
	}
	for _, fp := range live.fargate() {
		if configured[fp.Name] || owner(fp.Tags) != c.Name {
			continue
		}
		cp.add(cp.deleteFargate(pl.liveRoles(), fp, "not in the configuration"))
	}
	return diags
}

func (cp *clusterPlan) deleteFargate(roles map[string]*RoleAttrs, fp *FargateProfileAttrs, reason string) *ResourceChange {
	addr := fp.Tags[TagAddress]
	if addr == "" {
		addr = FargateProfileAddress(cp.spec.Name, fp.Name)
	}
	return &ResourceChange{Address: addr, Type: TypeFargateProfile, Action: Delete, Before: fp,
		DependsOn: append([]string{ClusterAddress(cp.spec.Name)}, cp.roleDeps(roles, fp.PodExecutionRoleARN)...), Reason: reason}
}

// destroyFargateProfiles plans the deletion of every Fargate profile the
// cluster owns.
func (pl *planner) destroyFargateProfiles(cp *clusterPlan, reason string) {
	for _, fp := range cp.live.fargate() {
		if owner(fp.Tags) == cp.spec.Name {
			cp.add(cp.deleteFargate(pl.liveRoles(), fp, reason))
		}
	}
}

func findFargate(lc *liveCluster, ch *ResourceChange) *FargateProfileAttrs {
	name := ""
	if b, ok := ch.Before.(*FargateProfileAttrs); ok && b != nil {
		name = b.Name
	} else if a, ok := ch.After.(*FargateProfileAttrs); ok && a != nil {
		name = a.Name
	}
	for _, f := range lc.fargate() {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// fargatePodSizes are common Fargate pod sizes (vCPU, GB), for the rates a
// profile's cost shows.
var fargatePodSizes = [][2]float64{{0.25, 0.5}, {0.5, 1}, {1, 2}, {2, 4}, {4, 8}}

// fargateCost is what a Fargate profile's pods cost: Fargate bills each
// pod per vCPU-hour and GB-hour, and eksctl-lite does not know the pods,
// so the profile has no figure of its own, only the monthly rate of a pod
// of each common size.
func fargateCost(e *costEnv, attrs any) estimate {
	est := estimate{perPod: true}
	r, ok := e.fargate()
	if !ok {
		est.note = "Fargate bills per pod; no Fargate rates are known for " + e.region
		return est
	}
	for _, s := range fargatePodSizes {
		m := cents((s[0]*r.VCPUHour + s[1]*r.GBHour) * hoursPerMonth)
		est.podRates = append(est.podRates, PodRate{VCPU: s[0], GB: s[1], Monthly: m})
	}
	est.basis = fmt.Sprintf("per pod at %s per vCPU-hour and %s per GB-hour; a pod a month: %s", rate(r.VCPUHour), rate(r.GBHour), podRatesText(est.podRates))
	est.note = "Fargate bills each pod, by its size, for as long as it runs; eksctl-lite does not know the pods, so the profile is not in the totals."
	return est
}

// podRatesText is "0.25 vCPU/0.5 GB $9.01, 0.5 vCPU/1 GB $18.02, ...".
func podRatesText(rates []PodRate) string {
	var sizes []string
	for _, r := range rates {
		sizes = append(sizes, fmt.Sprintf("%g vCPU/%g GB %s", r.VCPU, r.GB, dollars(r.Monthly)))
	}
	return strings.Join(sizes, ", ")
}

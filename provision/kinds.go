package provision

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// The contract every resource kind fulfils, and the registry of kinds. The
// engine (planner, graph, apply, fingerprints, plan files, renderers) reads
// what differs between kinds from here and never switches on a kind: what
// is particular to a node group lives in nodegroup.go (its descriptor, its
// attribute methods) and nodegroup_apply.go. See provision/README.md for
// how to add a kind.

// kind describes one resource kind to the engine.
type kind struct {
	// typ is the kind's Type, its JSON type name (aws_eks_node_group).
	typ Type
	// schema says how each attribute is compared and whether it forces a
	// replacement.
	schema Schema
	// newAttrs returns a new, empty attribute struct (*NodeGroupAttrs).
	newAttrs func() any
	// nameKey is the JSON key of the attribute that holds the physical
	// name, for renderers ("" when the kind has none).
	nameKey string
	// apply carries out one change of the kind (its *_apply.go).
	apply applyFunc
	// weight is how long an action on the kind takes on real AWS, as a
	// scheduling priority: only the proportions between kinds matter.
	weight time.Duration
	// replace is the order of a replacement (see replace_order.go).
	replace ReplaceOrder
	// replaceNote says, in the text plan, how a replacement of ch
	// happens; replaceDetail says it on apply's "Replacing..." line.
	// Either may be nil or empty: generic words are used.
	replaceNote   func(ch *ResourceChange) string
	replaceDetail string
	// locks returns the named locks a change holds while it runs (see
	// Task.Locks) and whether it resumes an operation already holding
	// them in AWS (Task.Resumes); nil: none.
	locks func(c *ResourceChange, before any) (locks []string, resumes bool)
	// findLive returns, from a fresh observation, the live resource a
	// change of a saved plan is about (nil when absent), to refresh its
	// fingerprint.
	findLive func(o *freshObservation, ch *ResourceChange) any
	// iamName is the IAM name a change reads for a saved plan's refresh
	// ("" when it reads none).
	iamName func(ch *ResourceChange) string
	// replaceUnfingerprinted are attributes left out of a replacement's
	// fingerprint (see notFingerprinted).
	replaceUnfingerprinted []string

	// A child kind (node groups, Fargate profiles: the objects EKS lists
	// per cluster) has these; the planner runs them for every cluster, in
	// registration order, so that a new child kind needs no change to the
	// engine.
	//
	// observe reads the kind's live objects of cluster, sorted by name,
	// through the observer's read limits; errors go to errs. It runs
	// alongside DescribeCluster, with a context cancelled if the cluster
	// turns out not to exist.
	observe func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any
	// plan plans the kind's blocks of a cluster against its live objects;
	// use gives the ARN of a role a block leaves to eksctl-lite.
	plan func(pl *planner, cp *clusterPlan, use useFunc) hcl.Diagnostics
	// destroy plans the deletion of every live object of the kind the
	// cluster owns.
	destroy func(pl *planner, cp *clusterPlan, reason string)
	// noun names one object of the kind for people ("node group"), and
	// blocksClusterDeletion says EKS refuses to delete a cluster while one
	// exists (so one eksctl-lite does not own keeps the cluster).
	noun                  string
	blocksClusterDeletion bool
	// blockRange is the source range of the block of cluster c behind an
	// address of the kind, for diagnostics; nil or false when it has none.
	blockRange func(c *spec.Cluster, address string) (hcl.Range, bool)
}

// freshObservation is what a saved plan's refresh read of one cluster and
// of IAM, for kind.findLive.
type freshObservation struct {
	cluster *liveCluster
	roles   map[string]*RoleAttrs
}

// kinds is the registry: every kind eksctl-lite manages, by Type. It is
// filled in init, because the kinds' apply functions reach the registry
// again (a package-level initialiser would be a cycle).
var kinds map[Type]*kind

// kindList is the registry in registration order: the order in which child
// kinds are observed and planned.
var kindList []*kind

func init() {
	kinds = map[Type]*kind{}
	kindList = []*kind{
		clusterKind(),
		nodeGroupKind(),
		fargateProfileKind(),
		oidcProviderKind(),
		roleKind(),
	}
	for _, k := range kindList {
		if kinds[k.typ] != nil {
			panic("kind registered twice: " + string(k.typ))
		}
		kinds[k.typ] = k
	}
}

// kindOf returns the kind of type t, or an error naming it when this
// eksctl-lite does not know it (a plan file from a newer version, say).
func kindOf(t Type) (*kind, error) {
	if k := kinds[t]; k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("unknown resource type %q", t)
}

// mustKind is kindOf for types the program itself produced.
func mustKind(t Type) *kind {
	k, err := kindOf(t)
	if err != nil {
		panic(err)
	}
	return k
}

// The optional methods of attribute structs: a kind's attributes that
// have a status, a physical name, update IDs or values for dependants
// implement these, so that the engine need not know the struct.
type (
	// statusAttrs have a lifecycle status (CREATING, ACTIVE, ...).
	statusAttrs interface{ liveStatus() string }
	// namedAttrs have a physical name (the IAM role name, the node group
	// name, which differs from the block label after a replacement).
	namedAttrs interface{ physicalName() string }
	// updatableAttrs have EKS updates (ListUpdates), which a saved plan's
	// fingerprint covers.
	updatableAttrs interface{ updateIDs() []string }
	// referencedAttrs give values to the resources that depend on them:
	// the value for attribute path of the dependant's after.
	referencedAttrs interface {
		refValue(path string, after any) (string, error)
	}
)

// statusOf is attrs' live status, "" for kinds without one.
func statusOf(attrs any) string {
	if s, ok := attrs.(statusAttrs); ok {
		return s.liveStatus()
	}
	return ""
}

// physicalNameOf is attrs' physical name, "" for kinds without one.
func physicalNameOf(attrs any) string {
	if n, ok := attrs.(namedAttrs); ok {
		return n.physicalName()
	}
	return ""
}

// anySlice is xs as []any, for liveCluster.children.
func anySlice[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

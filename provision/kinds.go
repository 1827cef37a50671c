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
	// root is the top-level block whose plan the kind takes part in:
	// clusterRoot (the zero value: a cluster block and its children),
	// connectedRoot (a connected_cluster block), or anyRoot (IAM roles,
	// which both may want).
	root root
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

	// Planning. The planner plans each cluster block in four passes over
	// the registry, each in registration order: prepare, then plan, then
	// interleaved upgrades, and, once every cluster is planned, settle.
	// What a pass publishes for later ones (the ARNs of managed roles:
	// clusterPlan.use; the OIDC provider irsa roles trust:
	// clusterPlan.oidc) lives on clusterPlan. Any of them may be nil.
	//
	// prepare runs before any kind plans: what every other kind's plan
	// reads (the cluster's live version settled, the managed roles planned).
	prepare func(pl *planner, cp *clusterPlan) hcl.Diagnostics
	// plan plans the kind's blocks of a cluster against its live objects;
	// use gives the ARN of a role a block leaves to eksctl-lite.
	plan func(pl *planner, cp *clusterPlan, use useFunc) hcl.Diagnostics
	// gates says an error in the kind's plan stops the plan of the kinds
	// after it (the cluster's: nothing is planned in a cluster that
	// cannot be).
	gates bool
	// settle runs once every cluster of the plan is planned, for kinds
	// whose objects are global to the account (IAM roles): whether one is
	// still needed depends on every cluster's plan.
	settle func(pl *planner, cp *clusterPlan) hcl.Diagnostics
	// destroy plans the deletion of every live object of the kind the
	// cluster owns; warnings go to cp.warn.
	destroy func(pl *planner, cp *clusterPlan, reason string)

	// Reading. A kind whose objects are global to the account (IAM) reads
	// them once per plan for every cluster (readAccount) and may then pick
	// each cluster's own from what it read (observeWithCluster); a child
	// kind (node groups, Fargate profiles: the objects EKS lists per
	// cluster) reads its objects per cluster (observe).
	//
	// readAccount reads the kind's account-wide objects that matter to
	// scope, through the observer's read limits, concurrently with
	// everything else; accountReadFailure is the summary of the
	// diagnostic when it fails ("Cannot read IAM roles").
	readAccount        func(ctx context.Context, o *observer, api IAMAPI, scope *accountScope) (any, error)
	accountReadFailure string
	// observeWithCluster reads, once DescribeCluster has answered, the
	// kind's objects that belong to that cluster, from what readAccount
	// read (account: its future; the OIDC provider of the cluster's issuer).
	observeWithCluster func(ctx context.Context, o *observer, c *Clients, cluster *ClusterAttrs, account *future[any], errs *errList) []any
	// observe reads the kind's live objects of cluster, sorted by name,
	// through the observer's read limits; errors go to errs. It runs
	// alongside DescribeCluster, with a context cancelled if the cluster
	// turns out not to exist.
	observe func(ctx context.Context, o *observer, c *Clients, cluster string, errs *errList) []any
	// readForBlocks reads, once the cluster is observed, what the kind's
	// blocks of cp need from AWS besides live objects (the add-on
	// catalogue: the versions and configuration schemas of the add-ons
	// the blocks name), through the observer's read limits; the plan finds
	// it in cp.reads. blockReadFailure is the summary of the diagnostic
	// when it fails.
	readForBlocks    func(ctx context.Context, o *observer, cp *clusterPlan) (any, error)
	blockReadFailure string
	// readsBeside says readForBlocks needs nothing observed (EKS's
	// version calendar): it starts with the cluster's own reads instead
	// of after them, and costs no round trip of its own; it is read for a
	// destroy too (the cost of what the destroy deletes needs it).
	readsBeside bool

	// Roles. wantsRoles gives the IAM roles the kind's blocks of a cluster
	// want eksctl-lite to manage, by the address of the role's change:
	// their names are read whatever their path and checked for clashes
	// before planning. namesRole says how the kind's blocks of c name the
	// role of ARN arn explicitly ("the node_role_arn of node group \"x\"
	// names it"), "" when none does: such a role is never deleted. A live
	// object that uses a role says so with the usedRoleAttrs method.
	wantsRoles func(cp *clusterPlan) map[string]string
	namesRole  func(c *spec.Cluster, arn string) string
	// deletesWith are the live objects of other kinds that EKS deletes
	// with the object a Delete change ch deletes (an add-on's Pod Identity
	// associations): the roles they use are free once it is gone.
	deletesWith func(lc *liveCluster, ch *ResourceChange) []any
	// noun names one object of the kind for people ("node group"), and
	// blocksClusterDeletion says EKS refuses to delete a cluster while one
	// exists (so one eksctl-lite does not own keeps the cluster).
	noun                  string
	blocksClusterDeletion bool
	// cost estimates what one object of the kind costs a month (attrs:
	// a change's Before or After; e.change is the change): the control
	// plane, nodes, Fargate (cost.go). nil: the kind costs nothing of its
	// own (IAM, access entries; a launch template's volumes are its
	// groups').
	cost func(e *costEnv, attrs any) estimate
	// blockRange is the source range of the block of cluster c behind an
	// address of the kind, for diagnostics; nil or false when it has none.
	blockRange func(c *spec.Cluster, address string) (hcl.Range, bool)
}

// root is a kind of top-level block of the configuration.
type root int

const (
	clusterRoot root = iota
	connectedRoot
	anyRoot
)

// kindsOf are the kinds that take part in the plan of a root r, in
// registration order.
func kindsOf(r root) []*kind {
	var out []*kind
	for _, k := range kindList {
		if k.root == r || k.root == anyRoot {
			out = append(out, k)
		}
	}
	return out
}

// freshObservation is what a saved plan's refresh read of one cluster and
// of the account, for kind.findLive.
type freshObservation struct {
	cluster *liveCluster
	// account is what each kind's readAccount read, by type.
	account map[Type]any
}

// accountScope says which account-wide objects a kind's readAccount reads:
// for a plan, those its clusters want or own; for a saved plan's refresh,
// those its changes name.
type accountScope struct {
	// clusters are the plan's cluster blocks (nil for a refresh).
	clusters []*clusterPlan
	// names are the IAM names a saved plan's changes read (kind.iamName),
	// roleKey-folded (nil for a plan).
	names map[string]bool
}

// readAccounts starts every kind's readAccount for scope, concurrently,
// and returns their futures by type.
func readAccounts(ctx context.Context, o *observer, api IAMAPI, scope *accountScope) map[Type]*future[any] {
	out := map[Type]*future[any]{}
	for _, k := range kindList {
		if k.readAccount != nil {
			out[k.typ] = goFuture(func() (any, error) { return k.readAccount(ctx, o, api, scope) })
		}
	}
	return out
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
		autoScalingGroupKind(),
		// Launch templates and instance profiles plan after the groups
		// that hold them: their own passes delete those no group claimed.
		launchTemplateKind(),
		instanceProfileKind(),
		fargateProfileKind(),
		// Subnet tags, and the Load Balancer Controller's pod_identity or
		// irsa block, derived in prepare: before the kinds that plan it.
		subnetTagKind(),
		// The OIDC provider plans before the roles: irsa roles trust it.
		oidcProviderKind(),
		roleKind(),
		podIdentityKind(),
		addonKind(),
		// An access entry's policies plan after it: they follow its change.
		accessEntryKind(),
		accessPolicyKind(),
		// The root of connected_cluster blocks.
		connectedKind(),
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
	// usedRoleAttrs use an IAM role (a cluster's role, a node group's
	// node role): its ARN, "" when none.
	usedRoleAttrs interface{ usedRoleARN() string }
	// referencedAttrs give values to the resources that depend on them:
	// the value for attribute path of the dependant's after.
	referencedAttrs interface {
		refValue(path string, after any) (string, error)
	}
	// internalAttrs keep values in the plan that apply needs but people
	// do not (a cluster's certificate authority, what a launch template's
	// user data is made from): the text plan does not show them.
	internalAttrs interface{ internalKeys() []string }
	// shownAttrs show some values otherwise in the text plan than they
	// are (user data with its certificate authority shortened); the JSON
	// plan holds them as they are.
	shownAttrs interface{ shown(key string, v any) any }
)

// shownValue is v, attribute key of attrs, as the text plan shows it.
func shownValue(attrs any, key string, v any) any {
	if s, ok := attrs.(shownAttrs); ok {
		return s.shown(key, v)
	}
	return v
}

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

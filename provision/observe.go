package provision

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Observation reads live EKS and IAM. Reads start as soon as what they
// need is known, so that plan time is a few round trips of dependent reads,
// plus the queueing that the read limits add:
//
//	round 1: DescribeCluster, ListNodegroups, ListFargateProfiles (per
//	         cluster), ListRoles(PathPrefix=RolePath), GetRole of each
//	         cluster's managed node and pod execution role (they live at
//	         RootRolePath), ListOpenIDConnectProviders
//	round 2: DescribeNodegroup and DescribeFargateProfile for each listed one,
//	         ListRoleTags + ListAttachedRolePolicies + GetRolePolicy for each
//	         role the configuration names, ListRoleTags for other roles under
//	         our path, GetOpenIDConnectProvider for the cluster's issuer only
//	round 3: policies of roles that turned out to be ours but are no longer
//	         configured (to be deleted)
//
// EKS and IAM are throttled by AWS separately (EKS per account and region,
// IAM per account), so each has its own limit on concurrent reads, shared by
// the whole plan: a plan heavy in IAM roles does not hold EKS reads back,
// nor the other way round. The limit bounds bursts within reason for AWS's
// request rates; the SDK retryer (with backoff) handles any throttling left.
//
// Not found is "does not exist", never an error.

// DefaultReadParallelism is the default limit on concurrent reads per AWS
// service (at most this many EKS reads and this many IAM reads at once),
// when PlanOptions.Parallelism is not set.
const DefaultReadParallelism = 32

type observer struct {
	eks, iam, ec2 limiter
}

// newObserver bounds concurrent reads at parallelism per service
// (DefaultReadParallelism when it is not positive).
func newObserver(parallelism int) *observer {
	if parallelism <= 0 {
		parallelism = DefaultReadParallelism
	}
	return &observer{eks: make(limiter, parallelism), iam: make(limiter, parallelism), ec2: make(limiter, parallelism)}
}

// limiter is a semaphore bounding the concurrent calls to one service.
type limiter chan struct{}

// call runs one AWS call once the limiter lets it.
func (l limiter) call(ctx context.Context, f func(context.Context) error) error {
	select {
	case l <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-l }()
	return f(ctx)
}

// notFoundErr reports whether err says the resource does not exist.
func notFoundErr(err error) bool {
	var eksNF *ekstypes.ResourceNotFoundException
	var iamNF *iamtypes.NoSuchEntityException
	return errors.As(err, &eksNF) || errors.As(err, &iamNF)
}

// errList collects errors from concurrent reads.
type errList struct {
	mu   sync.Mutex
	errs []error
}

func (e *errList) add(err error) {
	e.mu.Lock()
	e.errs = append(e.errs, err)
	e.mu.Unlock()
}

func (e *errList) err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return errors.Join(e.errs...)
}

// future is a value computed concurrently, waited for by whoever needs it.
type future[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func goFuture[T any](f func() (T, error)) *future[T] {
	fu := &future[T]{done: make(chan struct{})}
	go func() {
		defer close(fu.done)
		fu.val, fu.err = f()
	}()
	return fu
}

func (f *future[T]) get(ctx context.Context) (T, error) {
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// liveCluster is what exists of one cluster.
type liveCluster struct {
	cluster *ClusterAttrs // nil when absent
	// children are the live objects of each kind that belong to the
	// cluster (kind.observe, kind.observeWithCluster), by type, sorted by
	// name; each kind reads its own through a typed accessor in its file
	// (liveCluster.nodeGroups in nodegroup.go).
	children map[Type][]any
}

// childrenOf returns the live objects of kind t as their attribute type.
func childrenOf[T any](lc *liveCluster, t Type) []T {
	var out []T
	for _, c := range lc.children[t] {
		out = append(out, c.(T))
	}
	return out
}

// observeCluster reads a cluster, the live objects of every child kind (its
// node groups, Fargate profiles, ...: kind.observe), alongside, and, once
// DescribeCluster has answered, those of the kinds that pick the cluster's
// own from what their readAccount read (account, by type: the IAM OIDC
// provider of its issuer).
//
// For a connected_cluster (r connectedRoot) only its kinds' observe runs:
// a connected cluster has no EKS children to list.
func (o *observer) observeCluster(ctx context.Context, c *Clients, name string, account map[Type]*future[any], r root) (*liveCluster, error) {
	if r == connectedRoot {
		lc := &liveCluster{children: map[Type][]any{}}
		var errs errList
		for _, k := range kindsOf(r) {
			if k.observe != nil {
				lc.children[k.typ] = k.observe(ctx, o, c, name, &errs)
			}
		}
		return lc, errs.err()
	}
	lc := &liveCluster{children: map[Type][]any{}}
	var errs, listErrs errList
	var wg sync.WaitGroup
	// The listings run alongside DescribeCluster, to save a round trip; when
	// the cluster turns out not to exist they are cancelled and their errors
	// ignored (some emulators answer ListNodegroups of a missing cluster with
	// an HTTP 500 rather than ResourceNotFoundException, which the retryer
	// would otherwise retry for many seconds).
	listCtx, cancelLists := context.WithCancel(ctx)
	defer cancelLists()
	absent := false
	var clusterUpdates []string
	var mu sync.Mutex
	for _, k := range kindsOf(r) {
		if k.observe == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := k.observe(listCtx, o, c, name, &listErrs)
			mu.Lock()
			lc.children[k.typ] = got
			mu.Unlock()
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		ids, err := o.listUpdates(listCtx, c.EKS, name, "")
		if err != nil {
			listErrs.add(err)
		}
		clusterUpdates = ids
	}()
	go func() {
		defer wg.Done()
		var out *eks.DescribeClusterOutput
		err := o.eks.call(ctx, func(ctx context.Context) (err error) {
			out, err = c.EKS.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
			return err
		})
		if notFoundErr(err) {
			absent = true
			cancelLists()
			return
		}
		if err != nil {
			errs.add(fmt.Errorf("reading cluster %q: %w", name, err))
			return
		}
		lc.cluster = clusterFromAWS(out.Cluster)
		for _, k := range kindsOf(r) {
			if k.observeWithCluster == nil || account[k.typ] == nil {
				continue
			}
			got := k.observeWithCluster(ctx, o, c, lc.cluster, account[k.typ], &errs)
			mu.Lock()
			lc.children[k.typ] = got
			mu.Unlock()
		}
	}()
	wg.Wait()
	if absent {
		lc.children = map[Type][]any{}
		return lc, errs.err()
	}
	if lc.cluster != nil {
		lc.cluster.Updates = clusterUpdates
	}
	return lc, errors.Join(errs.err(), listErrs.err())
}

// observeChildren reads the node groups or Fargate profiles (r says which)
// of cluster: list names them, then each is described concurrently, every
// Describe call through the EKS read limiter, and convert makes its
// attributes. alongside, when not nil, starts a read of the named one that
// runs alongside its description (in the same round trip) and gives what
// completes its attributes. One gone since it was listed is left out; the
// errors go to errs. The attributes come sorted by name, nil when there
// are none.
func observeChildren[R, T any](ctx context.Context, o *observer, api EKSAPI, cluster string, errs *errList,
	list func(context.Context, EKSAPI, string) ([]string, error),
	r eksResource[R], convert func(R) T, alongside func(name string) *future[func(T)],
) []T {
	names, err := list(ctx, api, cluster)
	if err != nil {
		errs.add(err)
		return nil
	}
	type named struct {
		name string
		item T
	}
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		found []named
	)
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var more *future[func(T)]
			if alongside != nil {
				more = alongside(n)
			}
			var got R
			err := o.eks.call(ctx, func(ctx context.Context) (err error) {
				got, err = r.describe(ctx, api, cluster, n)
				return err
			})
			var complete func(T)
			var merr error
			if more != nil {
				complete, merr = more.get(ctx)
			}
			if notFoundErr(err) {
				return
			}
			if err != nil {
				errs.add(fmt.Errorf("reading %s %q of cluster %q: %w", r.noun, n, cluster, err))
				return
			}
			if merr != nil {
				errs.add(merr)
				return
			}
			item := convert(got)
			if complete != nil {
				complete(item)
			}
			mu.Lock()
			found = append(found, named{n, item})
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(found, func(i, j int) bool { return found[i].name < found[j].name })
	var out []T
	for _, f := range found {
		out = append(out, f.item)
	}
	return out
}

// listNodegroups follows ListNodegroups' pagination; a cluster that does
// not exist has no node groups.
func (o *observer) listNodegroups(ctx context.Context, api EKSAPI, cluster string) ([]string, error) {
	return listChildren(ctx, o, "node groups", cluster, func(ctx context.Context, token *string) (*eks.ListNodegroupsOutput, error) {
		return api.ListNodegroups(ctx, &eks.ListNodegroupsInput{ClusterName: aws.String(cluster), NextToken: token, MaxResults: aws.Int32(100)})
	}, func(out *eks.ListNodegroupsOutput) ([]string, *string) { return out.Nodegroups, out.NextToken })
}

// listFargateProfiles follows ListFargateProfiles' pagination.
func (o *observer) listFargateProfiles(ctx context.Context, api EKSAPI, cluster string) ([]string, error) {
	return listChildren(ctx, o, "Fargate profiles", cluster, func(ctx context.Context, token *string) (*eks.ListFargateProfilesOutput, error) {
		return api.ListFargateProfiles(ctx, &eks.ListFargateProfilesInput{ClusterName: aws.String(cluster), NextToken: token, MaxResults: aws.Int32(100)})
	}, func(out *eks.ListFargateProfilesOutput) ([]string, *string) {
		return out.FargateProfileNames, out.NextToken
	})
}

// listChildren follows the pagination of a List call of cluster's node
// groups or Fargate profiles (what), each page through the EKS read
// limiter: call gets a page's token, page says the page's names and the
// next token. A cluster that does not exist has none.
func listChildren[O any](ctx context.Context, o *observer, what, cluster string, call func(ctx context.Context, token *string) (*O, error), page func(*O) ([]string, *string)) ([]string, error) {
	var names []string
	var token *string
	for {
		var out *O
		err := o.eks.call(ctx, func(ctx context.Context) (err error) {
			out, err = call(ctx, token)
			return err
		})
		if notFoundErr(err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("listing the %s of cluster %q: %w", what, cluster, err)
		}
		got, next := page(out)
		names = append(names, got...)
		if aws.ToString(next) == "" {
			return names, nil
		}
		token = next
	}
}

// listUpdates returns the sorted IDs of the updates of a cluster (nodegroup
// "") or node group, following ListUpdates' pagination; a resource that
// does not exist has none.
func (o *observer) listUpdates(ctx context.Context, api EKSAPI, cluster, nodegroup string) ([]string, error) {
	var ids []string
	var token *string
	for {
		in := &eks.ListUpdatesInput{Name: aws.String(cluster), NextToken: token, MaxResults: aws.Int32(100)}
		if nodegroup != "" {
			in.NodegroupName = aws.String(nodegroup)
		}
		var out *eks.ListUpdatesOutput
		err := o.eks.call(ctx, func(ctx context.Context) (err error) {
			out, err = api.ListUpdates(ctx, in)
			return err
		})
		if notFoundErr(err) {
			return nil, nil
		}
		if err != nil {
			what := "cluster " + strconv.Quote(cluster)
			if nodegroup != "" {
				what = fmt.Sprintf("node group %q of cluster %q", nodegroup, cluster)
			}
			return nil, fmt.Errorf("listing the updates of %s: %w", what, err)
		}
		ids = append(ids, out.UpdateIds...)
		if aws.ToString(out.NextToken) == "" {
			sort.Strings(ids)
			return ids, nil
		}
		token = out.NextToken
	}
}

// ownerKey identifies the cluster block an IAM resource belongs to: the
// cluster name and its region (IAM is global, clusters are regional).
func ownerKey(cluster, region string) string { return cluster + "\x00" + region }

// tagsOwnerKey is the ownerKey a resource's ownership tags name.
func tagsOwnerKey(tags map[string]string) string {
	return ownerKey(tags[TagCluster], tags[TagRegion])
}

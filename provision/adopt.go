package provision

// Creating a resource that an earlier, interrupted apply may have created
// already: the create call is refused because the name is taken, and the
// resource that has the name is carried on with only if its ownership tags
// make it this change's.

import (
	"context"
	"errors"
)

// adoption says how createOrAdopt creates one resource, and how it reads
// and judges the resource that already has the name (T: the SDK's type of
// it).
type adoption[T any] struct {
	// create makes the resource; taken recognises its error saying the
	// name is in use (EKS's ResourceInUseException, IAM's
	// EntityAlreadyExists).
	create func(context.Context) error
	taken  func(error) bool
	// describe reads the resource that has the name; gone recognises its
	// error saying there is none (deleted meanwhile).
	describe func(context.Context) (T, error)
	gone     func(error) bool
	// ours reports whether the resource is this change's to adopt;
	// notOurs is the error when it is not.
	ours    func(T) bool
	notOurs string
}

// createOrAdopt sends a.create until it succeeds or fails for good, waiting
// out the errors busy recognises (w.retry; what completes "waiting for").
// When the name is taken, the resource that has it is read: if ours, it is
// adopted (returned, with adopted true); if gone meanwhile, the refusal
// stands (busy decides whether create is sent again); if not ours, that is
// the error.
func createOrAdopt[T any](ctx context.Context, w waiter, what string, busy func(error) bool, a adoption[T]) (found T, adopted bool, err error) {
	err = w.retry(ctx, what, busy, func(ctx context.Context) error {
		err := a.create(ctx)
		if !a.taken(err) {
			return err
		}
		got, derr := a.describe(ctx)
		if a.gone(derr) {
			return err
		}
		if derr != nil {
			return derr
		}
		if !a.ours(got) {
			return errors.New(a.notOurs)
		}
		found, adopted = got, true
		return nil
	})
	return found, adopted, err
}

// eksAdoption is the adoption of the EKS resource name of the change's
// cluster (r says which kind): EKS answers ResourceInUseException when the
// name is taken (and also while the cluster is busy: then describe finds
// nothing and the refusal is waited out), and the resource is ours when
// its ownership tags name this change's address (ownedHere).
func eksAdoption[T any](x *execution, r eksResource[T], name string, create func(context.Context) error, notOurs string) adoption[T] {
	return adoption[T]{
		create: create, taken: isInUse,
		describe: func(ctx context.Context) (T, error) { return r.describe(ctx, x.eks, x.cluster, name) },
		gone:     isNotFound,
		ours:     func(v T) bool { return ownedHere(r.tags(v), x.c) },
		notOurs:  notOurs,
	}
}

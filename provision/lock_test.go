package provision

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// fakeS3 is a bucket whose PutObject honours If-None-Match: "*"
// atomically, as S3's conditional writes do.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string][]byte
	log     []string
}

func (f *fakeS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := aws.ToString(in.Bucket) + "/" + aws.ToString(in.Key)
	if _, ok := f.objects[key]; ok && aws.ToString(in.IfNoneMatch) == "*" {
		return nil, &smithy.GenericAPIError{Code: "PreconditionFailed", Message: "At least one of the pre-conditions you specified did not hold"}
	}
	b, _ := io.ReadAll(in.Body)
	if f.objects == nil {
		f.objects = map[string][]byte{}
	}
	f.objects[key] = b
	f.log = append(f.log, "PutObject "+key)
	return &s3.PutObjectOutput{}, nil
}

func (f *fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.objects[aws.ToString(in.Bucket)+"/"+aws.ToString(in.Key)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "NoSuchKey", Message: "The specified key does not exist."}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}

func (f *fakeS3) DeleteObject(_ context.Context, in *s3.DeleteObjectInput, _ ...func(*s3.Options)) (*s3.DeleteObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := aws.ToString(in.Bucket) + "/" + aws.ToString(in.Key)
	delete(f.objects, key)
	f.log = append(f.log, "DeleteObject "+key)
	return &s3.DeleteObjectOutput{}, nil
}

func lockers(t *testing.T) map[string]func() Locker {
	return map[string]func() Locker{
		"ssm": func() Locker {
			l, err := NewLocker(nil, newFakeAccount().factory())
			if err != nil {
				t.Fatal(err)
			}
			return l
		},
		"s3": func() Locker { return &s3Locker{api: &fakeS3{}, bucket: "acme-locks", prefix: "locks/"} },
	}
}

var (
	keyA = LockKey{Region: "eu-west-1", Cluster: "a"}
	keyB = LockKey{Region: "eu-west-1", Cluster: "b"}
)

// A lock held by one run refuses another, naming the holder and its Lock
// ID; released, it can be taken again; a run that cannot take every lock
// holds none.
func TestLocksExclude(t *testing.T) {
	for name, newLocker := range lockers(t) {
		t.Run(name, func(t *testing.T) {
			l := newLocker()
			ctx := context.Background()
			first := NewLockInfo("apply", []string{"GITHUB_ACTIONS=true", "GITHUB_SERVER_URL=https://github.com", "GITHUB_REPOSITORY=acme/infra", "GITHUB_RUN_ID=42"})
			first.Summary = "Plan: 1 to add, 0 to change, 0 to destroy."
			held, err := AcquireLocks(ctx, l, []LockKey{keyB}, first, 0, time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			second := NewLockInfo("destroy", nil)
			_, err = AcquireLocks(ctx, l, []LockKey{keyB, keyA}, second, 0, time.Millisecond)
			var he *LockHeldError
			if !errors.As(err, &he) || he.Key != keyB || he.Holder.ID != first.ID {
				t.Fatalf("second run: %v, want the lock of b held by %s", err, first.ID)
			}
			msg := err.Error()
			for _, want := range []string{"Lock ID: " + first.ID, "eksctl-lite force-unlock b " + first.ID + " --region eu-west-1", "https://github.com/acme/infra/actions/runs/42", "Plan: 1 to add", "apply by "} {
				if !strings.Contains(msg, want) {
					t.Errorf("message lacks %q:\n%s", want, msg)
				}
			}
			// It took a's lock first (sorted) and released it on failing.
			third, err := AcquireLocks(ctx, l, []LockKey{keyA}, NewLockInfo("apply", nil), 0, time.Millisecond)
			if err != nil {
				t.Fatalf("a's lock was kept by the run that failed: %v", err)
			}
			_ = third.Release(ctx)
			if err := held.Release(ctx); err != nil {
				t.Fatal(err)
			}
			again, err := AcquireLocks(ctx, l, []LockKey{keyA, keyB}, second, 0, time.Millisecond)
			if err != nil {
				t.Fatalf("after release: %v", err)
			}
			if d := cmp.Diff([]LockKey{keyA, keyB}, again.held); d != "" {
				t.Errorf("taken in order (-want +got):\n%s", d)
			}
			_ = again.Release(ctx)
		})
	}
}

// --lock-timeout: a run waits for a lock released meanwhile.
func TestLocksWait(t *testing.T) {
	for name, newLocker := range lockers(t) {
		t.Run(name, func(t *testing.T) {
			l := newLocker()
			ctx := context.Background()
			held, err := AcquireLocks(ctx, l, []LockKey{keyA}, NewLockInfo("apply", nil), 0, time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				time.Sleep(30 * time.Millisecond)
				_ = held.Release(ctx)
			}()
			got, err := AcquireLocks(ctx, l, []LockKey{keyA}, NewLockInfo("apply", nil), 5*time.Second, 5*time.Millisecond)
			if err != nil {
				t.Fatalf("waiting run: %v", err)
			}
			_ = got.Release(ctx)
		})
	}
}

// Only the holder's ID removes a lock (force-unlock); any other ID is
// refused and leaves it.
func TestUnlockNeedsTheID(t *testing.T) {
	for name, newLocker := range lockers(t) {
		t.Run(name, func(t *testing.T) {
			l := newLocker()
			ctx := context.Background()
			info := NewLockInfo("apply", nil)
			if _, err := AcquireLocks(ctx, l, []LockKey{keyA}, info, 0, time.Millisecond); err != nil {
				t.Fatal(err)
			}
			var mm *LockIDMismatchError
			if err := l.Unlock(ctx, keyA, "not-the-id"); !errors.As(err, &mm) {
				t.Fatalf("unlock with another ID: %v", err)
			}
			if _, err := AcquireLocks(ctx, l, []LockKey{keyA}, NewLockInfo("apply", nil), 0, time.Millisecond); err == nil {
				t.Fatal("a refused unlock removed the lock")
			}
			if err := l.Unlock(ctx, keyA, info.ID); err != nil {
				t.Fatal(err)
			}
			if err := l.Unlock(ctx, keyA, info.ID); !errors.Is(err, ErrLockNotFound) {
				t.Errorf("second unlock: %v, want ErrLockNotFound", err)
			}
		})
	}
}

// The locks a plan needs: every cluster it changes, sorted, once.
func TestPlanLockKeys(t *testing.T) {
	p := &Plan{Changes: []*ResourceChange{
		{Cluster: "b", Region: "us-east-1", Action: Create},
		{Cluster: "a", Region: "us-east-1", Action: NoOp},
		{Cluster: "b", Region: "us-east-1", Action: Update},
		{Cluster: "a", Region: "eu-west-1", Action: Delete},
	}}
	want := []LockKey{{Region: "eu-west-1", Cluster: "a"}, {Region: "us-east-1", Cluster: "b"}}
	if d := cmp.Diff(want, p.LockKeys()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

package integration

// Locks through the binary (issue 14, part 1): two concurrent applies to
// one cluster (the second fails at once, or, with --lock-timeout, waits and
// then plans from what the first left), a destroy beside an apply, a
// killed holder's lock removed by force-unlock with its ID only; with the
// SSM backend and the S3 one.

import (
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

var lockIDRE = regexp.MustCompile(`Lock ID: ([0-9a-f-]{36})`)

// lockBackend is how a test sees the locks of one backend.
type lockBackend struct {
	name string
	// setup writes the settings the backend needs into dir's config.
	setup func(t *testing.T, e *env, dir string)
	// held reports whether cluster's lock exists.
	held func(t *testing.T, e *env, cluster string) bool
}

func lockBackends() []lockBackend {
	return []lockBackend{
		{name: "ssm",
			setup: func(*testing.T, *env, string) {},
			held: func(t *testing.T, e *env, cluster string) bool {
				_, err := newLockClients(e).ssm.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String(provision.LockParameterName(provision.LockKey{Region: "us-east-1", Cluster: cluster}))})
				return err == nil
			}},
		{name: "s3",
			setup: func(t *testing.T, e *env, dir string) {
				c := newLockClients(e).s3
				if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("acme-eksctl-lite-locks")}); err != nil && !strings.Contains(err.Error(), "BucketAlreadyOwnedByYou") {
					t.Fatal(err)
				}
				edit(t, dir, `cluster "`, `settings {
  lock {
    s3_bucket = "acme-eksctl-lite-locks"
    s3_prefix = "locks/"
  }
}

cluster "`)
			},
			held: func(t *testing.T, e *env, cluster string) bool {
				_, err := newLockClients(e).s3.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("acme-eksctl-lite-locks"),
					Key: aws.String(provision.LockObjectKey("locks/", provision.LockKey{Region: "us-east-1", Cluster: cluster}))})
				return err == nil
			}},
	}
}

// startHolding starts an apply that creates the cluster slowly and waits
// until it holds the lock.
func startHolding(t *testing.T, e *env, b lockBackend, dir, cluster string) *proc {
	t.Helper()
	p := e.start(t, dir, "apply", "--auto-approve")
	waitFor(t, "the first apply to take its lock", func() (bool, error) {
		if p.cmd.ProcessState != nil {
			return false, errors.New("the first apply ended: " + p.stdout.String() + p.stderr.String())
		}
		return b.held(t, e, cluster), nil
	})
	return p
}

func waitProc(t *testing.T, p *proc) int {
	t.Helper()
	err := p.cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

func TestLockConcurrentApplies(t *testing.T) {
	for _, b := range lockBackends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t)
			e.requireMoto(t) // slow creates, to hold the lock a while
			e.setDelays(t, 3*time.Second, 200*time.Millisecond, 200*time.Millisecond)
			name := e.uniqueName("locked")
			dir := copyExample(t, e, "minimal", name)
			b.setup(t, e, dir)

			first := startHolding(t, e, b, dir, name)
			// A second apply fails at once, naming the holder, before it
			// reads anything for a plan.
			r := e.runWithEnv(t, dir, fastApply, "apply", "--auto-approve")
			if r.code != 1 || !strings.Contains(r.stderr, "is locked by another run") || !lockIDRE.MatchString(r.stderr) || !strings.Contains(r.stderr, "Nothing was changed") {
				t.Fatalf("second apply exited %d, want 1 naming the lock\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			// With --lock-timeout it waits, then plans from what the first left.
			r = e.runWithEnv(t, dir, fastApply, "apply", "--auto-approve", "--lock-timeout", "2m")
			if code := waitProc(t, first); code != 0 {
				t.Fatalf("first apply exited %d\n%s\n%s", code, first.stdout.String(), first.stderr.String())
			}
			if r.code != 0 || !strings.Contains(r.stdout, "No changes.") {
				t.Fatalf("waiting apply exited %d; want it to find the first's work done\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if b.held(t, e, name) {
				t.Error("a lock is left after both runs")
			}
			if r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve"); r.code != 0 {
				t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// A destroy beside an apply waits for it and then destroys everything:
// never half a configuration.
func TestLockDestroyBesideApply(t *testing.T) {
	b := lockBackends()[0]
	e := newEnv(t)
	e.requireMoto(t)
	e.setDelays(t, 3*time.Second, 200*time.Millisecond, 200*time.Millisecond)
	name := e.uniqueName("beside")
	dir := copyExample(t, e, "minimal", name)
	first := startHolding(t, e, b, dir, name)
	d := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve", "--lock-timeout", "2m")
	if code := waitProc(t, first); code != 0 {
		t.Fatalf("apply exited %d\n%s\n%s", code, first.stdout.String(), first.stderr.String())
	}
	if d.code != 0 || !strings.Contains(d.stdout, "Destroy complete!") {
		t.Fatalf("destroy exited %d\nstdout:\n%s\nstderr:\n%s", d.code, d.stdout, d.stderr)
	}
	e.waitClusterStatus(t, name, "")
	if r := e.run(t, dir, "plan", "--destroy", "--detailed-exitcode"); r.code != 0 {
		t.Errorf("after the destroy, plan --destroy finds something left (exit %d)\n%s", r.code, r.stdout)
	}
}

// A killed holder's lock stays until force-unlock removes it, with the
// lock's ID only.
func TestLockKilledHolderForceUnlock(t *testing.T) {
	for _, b := range lockBackends() {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t)
			e.requireMoto(t)
			e.setDelays(t, 3*time.Second, 200*time.Millisecond, 200*time.Millisecond)
			name := e.uniqueName("killed")
			dir := copyExample(t, e, "minimal", name)
			b.setup(t, e, dir)
			first := startHolding(t, e, b, dir, name)
			if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = first.cmd.Wait()
			r := e.runWithEnv(t, dir, fastApply, "apply", "--auto-approve")
			m := lockIDRE.FindStringSubmatch(r.stderr)
			if r.code != 1 || m == nil {
				t.Fatalf("apply after the kill exited %d, want 1 with the Lock ID\n%s", r.code, r.stderr)
			}
			if f := e.run(t, dir, "force-unlock", name, "00000000-0000-0000-0000-000000000000"); f.code != 1 || !strings.Contains(f.stderr, "not 00000000") {
				t.Errorf("force-unlock with another ID exited %d\n%s\n%s", f.code, f.stdout, f.stderr)
			}
			if !b.held(t, e, name) {
				t.Fatal("force-unlock with another ID removed the lock")
			}
			if f := e.run(t, dir, "force-unlock", name, m[1]); f.code != 0 {
				t.Fatalf("force-unlock exited %d\n%s\n%s", f.code, f.stdout, f.stderr)
			}
			mustApply(t, e, dir)
			requireNoChanges(t, e, dir, "applying after force-unlock")
			if r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve"); r.code != 0 {
				t.Fatalf("destroy exited %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

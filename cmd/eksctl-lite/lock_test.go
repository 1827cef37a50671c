package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

// fakeAWSWithLocks is fakeAWS with its parameter store, holding the lock
// of examples/minimal's cluster when held is set.
func fakeAWSWithLocks(t *testing.T, held *provision.LockInfo) (*int, memSSM) {
	t.Helper()
	calls := new(int)
	params := newMemSSM()
	if held != nil {
		b, _ := json.Marshal(held)
		params.params[provision.LockParameterName(provision.LockKey{Region: "us-east-1", Cluster: "minimal"})] = string(b)
	}
	old := newClientsFactory
	t.Cleanup(func() { newClientsFactory = old })
	newClientsFactory = func(context.Context, provision.AWSOptions) (provision.ClientsFactory, error) {
		return func(string) (*provision.Clients, error) {
			return &provision.Clients{EKS: emptyEKS{calls: calls}, IAM: emptyIAM{calls: calls}, EC2: emptyEC2{}, AutoScaling: emptyAutoScaling{}, SSM: params}, nil
		}, nil
	}
	return calls, params
}

var otherRun = &provision.LockInfo{ID: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", Operation: "apply", Who: "ci@runner-7", PID: 4242}

// A cluster locked by another run: apply and destroy fail before reading
// anything for a plan, naming the holder and its Lock ID, and leave the
// lock alone.
func TestApplyRefusedByHeldLock(t *testing.T) {
	for _, verb := range []string{"apply", "destroy"} {
		calls, params := fakeAWSWithLocks(t, otherRun)
		_, stderr, code := runPlanCLI(t, verb, "--auto-approve", "../../examples/minimal")
		if code != 1 {
			t.Fatalf("%s with the cluster locked: exit %d\n%s", verb, code, stderr)
		}
		for _, want := range []string{"is locked by another run", "apply by ci@runner-7 (pid 4242)", "Lock ID: " + otherRun.ID, "eksctl-lite force-unlock minimal " + otherRun.ID + " --region us-east-1", "Nothing was changed."} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", verb, want, stderr)
			}
		}
		if *calls != 0 {
			t.Errorf("%s read EKS or IAM %d times before failing on the lock", verb, *calls)
		}
		if len(params.params) != 1 {
			t.Errorf("%s touched the other run's lock: %v", verb, params.params)
		}
	}
}

// A run takes the lock and releases it at the end; --lock=false takes
// none and warns; plan takes none unless --lock.
func TestLockTakenAndReleased(t *testing.T) {
	calls, params := fakeAWSWithLocks(t, nil)
	stdout, stderr, code := runPlanCLI(t, "destroy", "--auto-approve", "../../examples/minimal")
	if code != 0 || !strings.Contains(stdout, "No changes.") {
		t.Fatalf("destroy: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if *calls == 0 {
		t.Fatal("the fake AWS was never read: the test proves nothing")
	}
	if len(params.params) != 0 {
		t.Errorf("the lock was not released: %v", params.params)
	}

	_, params = fakeAWSWithLocks(t, otherRun)
	stdout, stderr, code = runPlanCLI(t, "destroy", "--auto-approve", "--lock=false", "../../examples/minimal")
	if code != 0 || !strings.Contains(stderr, "locking is off (--lock=false)") {
		t.Errorf("--lock=false: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, _, code := runPlanCLI(t, "plan", "../../examples/minimal"); code != 0 {
		t.Errorf("plan without --lock failed on the held lock: exit %d", code)
	}
	if _, stderr, code := runPlanCLI(t, "plan", "--lock", "../../examples/minimal"); code != 1 || !strings.Contains(stderr, "Lock ID: "+otherRun.ID) {
		t.Errorf("plan --lock: exit %d\n%s", code, stderr)
	}
	if len(params.params) != 1 {
		t.Errorf("the other run's lock was touched: %v", params.params)
	}
}

// force-unlock removes a lock only with its ID.
func TestForceUnlock(t *testing.T) {
	_, params := fakeAWSWithLocks(t, otherRun)
	_, stderr, code := runPlanCLI(t, "force-unlock", "minimal", "not-its-id", "../../examples/minimal")
	if code != 1 || !strings.Contains(stderr, "has ID "+otherRun.ID+", not not-its-id") || len(params.params) != 1 {
		t.Errorf("another ID: exit %d, %d locks\n%s", code, len(params.params), stderr)
	}
	stdout, stderr, code := runPlanCLI(t, "force-unlock", "minimal", otherRun.ID, "../../examples/minimal")
	if code != 0 || !strings.Contains(stdout, "Removed the lock") || len(params.params) != 0 {
		t.Errorf("its ID: exit %d, %d locks\n%s\n%s", code, len(params.params), stdout, stderr)
	}
	if _, stderr, code := runPlanCLI(t, "force-unlock", "minimal", otherRun.ID, "../../examples/minimal"); code != 1 || !strings.Contains(stderr, "has no lock") {
		t.Errorf("no lock: exit %d\n%s", code, stderr)
	}
}

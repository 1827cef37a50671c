package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

// Every exit status the README promises, through runWith (what main does)
// with fake AWS clients: no network.

// syncBuffer is a bytes.Buffer safe to read while the command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// cli is one run of runWith in the background.
type cli struct {
	stdout, stderr syncBuffer
	code           chan int
}

func startCLI(t *testing.T, stdin io.Reader, args ...string) *cli {
	t.Helper()
	c := &cli{code: make(chan int, 1)}
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	go func() { c.code <- runWith(args, stdin, &c.stdout, &c.stderr) }()
	return c
}

// wait returns the exit status; a run that does not end fails the test.
func (c *cli) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-c.code:
		return code
	case <-time.After(20 * time.Second):
		t.Fatalf("the command did not end\nstdout:\n%s\nstderr:\n%s", c.stdout.String(), c.stderr.String())
		return -1
	}
}

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	c := startCLI(t, strings.NewReader(stdin), args...)
	code = c.wait(t)
	return code, c.stdout.String(), c.stderr.String()
}

// fakeSignals replaces SIGINT and SIGTERM with a channel the test sends
// on, and the immediate exit of a second signal with a record of its
// status.
func fakeSignals(t *testing.T) (send func(os.Signal), exits func() []int) {
	t.Helper()
	ch := make(chan os.Signal, 4)
	var mu sync.Mutex
	var codes []int
	oldSource, oldExit := signalSource, exitNow
	t.Cleanup(func() { signalSource, exitNow = oldSource, oldExit })
	signalSource = func() (<-chan os.Signal, func()) { return ch, func() {} }
	exitNow = func(code int) {
		mu.Lock()
		codes = append(codes, code)
		mu.Unlock()
	}
	return func(s os.Signal) { ch <- s }, func() []int {
		mu.Lock()
		defer mu.Unlock()
		return append([]int(nil), codes...)
	}
}

// fakeClients makes the CLI's clients c.
func fakeClients(t *testing.T, c *provision.Clients) {
	t.Helper()
	old := newClientsFactory
	t.Cleanup(func() { newClientsFactory = old })
	if c.SSM == nil {
		c.SSM = newMemSSM()
	}
	newClientsFactory = func(context.Context, provision.AWSOptions) (provision.ClientsFactory, error) {
		return func(string) (*provision.Clients, error) { return c, nil }, nil
	}
}

// hangingEKS is an empty account whose DescribeCluster does not answer
// until the call's context ends (or, with ignoreCtx, until release is
// closed); called is closed at the first call.
type hangingEKS struct {
	emptyEKS
	called    chan struct{}
	once      *sync.Once
	ignoreCtx bool
	release   chan struct{}
}

func newHangingEKS(ignoreCtx bool) hangingEKS {
	return hangingEKS{emptyEKS: emptyEKS{calls: new(int)}, called: make(chan struct{}), once: &sync.Once{}, ignoreCtx: ignoreCtx, release: make(chan struct{})}
}

func (f hangingEKS) DescribeCluster(ctx context.Context, in *eks.DescribeClusterInput, o ...func(*eks.Options)) (*eks.DescribeClusterOutput, error) {
	f.once.Do(func() { close(f.called) })
	if f.ignoreCtx {
		<-f.release
		return nil, errors.New("released")
	}
	<-ctx.Done()
	return nil, &smithy.CanceledError{Err: ctx.Err()} // as the SDK says it
}

// stalledIAM is an empty account whose CreateRole does not answer until
// release is closed: apply is busy creating the managed roles. (Apply lets
// calls in flight return: their context is not cancelled.)
type stalledIAM struct {
	emptyIAM
	called, release chan struct{}
	once            *sync.Once
}

func (f stalledIAM) CreateRole(ctx context.Context, in *iam.CreateRoleInput, o ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	f.once.Do(func() { close(f.called) })
	<-f.release
	return nil, errors.New("IAM is slow today")
}

// deniedIAM refuses every read.
type deniedIAM struct{ provision.IAMAPI }

func (deniedIAM) GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return nil, &iamtypes.NoSuchEntityException{Message: aws.String("no such role")}
}

func (deniedIAM) ListRoles(context.Context, *iam.ListRolesInput, ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	return nil, errors.New("api error AccessDenied: not allowed")
}

func (deniedIAM) ListOpenIDConnectProviders(context.Context, *iam.ListOpenIDConnectProvidersInput, ...func(*iam.Options)) (*iam.ListOpenIDConnectProvidersOutput, error) {
	return nil, errors.New("api error AccessDenied: not allowed")
}

func (deniedIAM) ListInstanceProfiles(context.Context, *iam.ListInstanceProfilesInput, ...func(*iam.Options)) (*iam.ListInstanceProfilesOutput, error) {
	return nil, errors.New("api error AccessDenied: not allowed")
}

func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s never happened", what)
	}
}

func TestExitCodes(t *testing.T) {
	defer func(f func(io.Reader) bool) { stdinIsTerminal = f }(stdinIsTerminal)
	offlineAWS(t)
	unformatted := filepath.Join(t.TempDir(), "main.hcl")
	if err := os.WriteFile(unformatted, []byte("cluster \"x\" {\nregion=\"us-east-1\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args     []string
		iam      provision.IAMAPI // default: an empty account
		terminal bool
		stdin    string
		want     int
		wantErr  string
	}{
		"plan with changes":                     {args: []string{"plan", "../../examples/minimal"}, want: 0},
		"--detailed-exitcode, changes":          {args: []string{"plan", "--detailed-exitcode", "../../examples/minimal"}, want: 2},
		"--detailed-exitcode, no changes":       {args: []string{"plan", "--detailed-exitcode", "--destroy", "../../examples/minimal"}, want: 0},
		"--detailed-exitcode, error":            {args: []string{"plan", "--detailed-exitcode", "../../examples/minimal"}, iam: deniedIAM{}, want: 1, wantErr: "AccessDenied"},
		"--detailed-exitcode, invalid spec":     {args: []string{"plan", "--detailed-exitcode", "../../spec"}, want: 1, wantErr: "Error:"},
		"fmt --check, not formatted":            {args: []string{"fmt", "--check", unformatted}, want: 3},
		"fmt --check, formatted":                {args: []string{"fmt", "--check", "../../examples/minimal"}, want: 0},
		"apply, confirmation refused":           {args: []string{"apply", "../../examples/minimal"}, terminal: true, stdin: "no\n", want: 1, wantErr: "Error: apply cancelled: nothing was changed"},
		"destroy, nothing to destroy":           {args: []string{"destroy", "../../examples/minimal"}, terminal: true, want: 0},
		"apply, no terminal, no --auto-approve": {args: []string{"apply", "../../examples/minimal"}, want: 1, wantErr: "standard input is not a terminal"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			stdinIsTerminal = func(io.Reader) bool { return tt.terminal }
			var iamAPI provision.IAMAPI = emptyIAM{calls: new(int)}
			if tt.iam != nil {
				iamAPI = tt.iam
			}
			fakeClients(t, &provision.Clients{EKS: emptyEKS{calls: new(int)}, IAM: iamAPI, EC2: emptyEC2{}, AutoScaling: emptyAutoScaling{}})
			code, stdout, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr)
			}
		})
	}
}

// Ctrl-C (SIGINT) or SIGTERM while AWS is read for a plan ends the run
// with 130 or 143 and one message, not Go's default death by the signal
// nor an error per interrupted read: in plan, and in the planning of apply
// and destroy.
func TestInterruptWhilePlanning(t *testing.T) {
	offlineAWS(t)
	defer func(f func(io.Reader) bool) { stdinIsTerminal = f }(stdinIsTerminal)
	stdinIsTerminal = func(io.Reader) bool { return false }
	tests := map[string]struct {
		args []string
		sig  os.Signal
		want int
		verb string
	}{
		"plan SIGINT":     {args: []string{"plan"}, sig: os.Interrupt, want: 130, verb: "plan"},
		"plan SIGTERM":    {args: []string{"plan", "--detailed-exitcode"}, sig: syscall.SIGTERM, want: 143, verb: "plan"},
		"apply SIGINT":    {args: []string{"apply", "--auto-approve"}, sig: os.Interrupt, want: 130, verb: "apply"},
		"destroy SIGTERM": {args: []string{"destroy"}, sig: syscall.SIGTERM, want: 143, verb: "destroy"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			send, exits := fakeSignals(t)
			hang := newHangingEKS(false)
			fakeClients(t, &provision.Clients{EKS: hang, IAM: emptyIAM{calls: new(int)}, EC2: emptyEC2{}, AutoScaling: emptyAutoScaling{}})
			c := startCLI(t, nil, append(tt.args, "../../examples/minimal")...)
			waitClosed(t, hang.called, "a read of AWS")
			send(tt.sig)
			if code := c.wait(t); code != tt.want {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tt.want, c.stderr.String())
			}
			want := "\nInterrupt received: eksctl-lite " + tt.verb + " stopped; nothing was changed.\n"
			if got := c.stderr.String(); got != want {
				t.Errorf("stderr = %q, want only %q", got, want)
			}
			if c.stdout.String() != "" {
				t.Errorf("stdout %q", c.stdout.String())
			}
			if e := exits(); len(e) != 0 {
				t.Errorf("exited at once with %v after one signal", e)
			}
		})
	}
}

// A second signal exits at once, with the first signal's status, even
// while a read does not return.
func TestSecondInterruptExitsAtOnce(t *testing.T) {
	offlineAWS(t)
	for name, tt := range map[string]struct {
		first os.Signal
		want  int
	}{
		"SIGINT":  {first: os.Interrupt, want: 130},
		"SIGTERM": {first: syscall.SIGTERM, want: 143},
	} {
		t.Run(name, func(t *testing.T) {
			send, exits := fakeSignals(t)
			hang := newHangingEKS(true)
			fakeClients(t, &provision.Clients{EKS: hang, IAM: emptyIAM{calls: new(int)}, EC2: emptyEC2{}, AutoScaling: emptyAutoScaling{}})
			c := startCLI(t, nil, "plan", "../../examples/minimal")
			waitClosed(t, hang.called, "a read of AWS")
			send(tt.first)
			send(os.Interrupt)
			deadline := time.Now().Add(10 * time.Second)
			for len(exits()) == 0 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if got := exits(); len(got) != 1 || got[0] != tt.want {
				t.Errorf("exits %v, want [%d]", got, tt.want)
			}
			if !strings.Contains(c.stderr.String(), "Second interrupt: exiting now.") {
				t.Errorf("stderr:\n%s", c.stderr.String())
			}
			close(hang.release) // the process would be gone; let the test's run end
			c.wait(t)
		})
	}
}

// While apply changes AWS, an interrupt lets the calls in flight return,
// starts nothing new and exits 130 (SIGINT) or 143 (SIGTERM).
func TestInterruptWhileApplying(t *testing.T) {
	offlineAWS(t)
	for name, tt := range map[string]struct {
		sig  os.Signal
		want int
	}{
		"SIGINT":  {sig: os.Interrupt, want: 130},
		"SIGTERM": {sig: syscall.SIGTERM, want: 143},
	} {
		t.Run(name, func(t *testing.T) {
			send, exits := fakeSignals(t)
			stalled := stalledIAM{emptyIAM: emptyIAM{calls: new(int)}, called: make(chan struct{}), release: make(chan struct{}), once: &sync.Once{}}
			fakeClients(t, &provision.Clients{EKS: emptyEKS{calls: new(int)}, IAM: stalled, EC2: emptyEC2{}, AutoScaling: emptyAutoScaling{}})
			c := startCLI(t, nil, "apply", "--auto-approve", "../../examples/minimal")
			waitClosed(t, stalled.called, "CreateRole")
			send(tt.sig)
			for deadline := time.Now().Add(10 * time.Second); !strings.Contains(c.stderr.String(), "Interrupt received"); time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("no word of the interrupt:\n%s", c.stderr.String())
				}
			}
			select {
			case code := <-c.code:
				t.Fatalf("apply exited %d before the call in flight returned", code)
			case <-time.After(100 * time.Millisecond):
			}
			close(stalled.release)
			if code := c.wait(t); code != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, c.stdout.String(), c.stderr.String())
			}
			if !strings.Contains(c.stderr.String(), "Interrupt received: apply starts nothing new and waits for the AWS calls in flight to return.") {
				t.Errorf("stderr:\n%s", c.stderr.String())
			}
			if e := exits(); len(e) != 0 {
				t.Errorf("exited at once with %v after one signal", e)
			}
		})
	}
}

// An interrupt while apply asks for confirmation ends it, 130, nothing
// changed.
func TestInterruptWhileAskingForConfirmation(t *testing.T) {
	offlineAWS(t)
	defer func(f func(io.Reader) bool) { stdinIsTerminal = f }(stdinIsTerminal)
	stdinIsTerminal = func(io.Reader) bool { return true }
	send, _ := fakeSignals(t)
	fakeClients(t, &provision.Clients{EKS: emptyEKS{calls: new(int)}, IAM: emptyIAM{calls: new(int)}, EC2: emptyEC2{}, AutoScaling: emptyAutoScaling{}})
	in := &waitingReader{reading: make(chan struct{}), release: make(chan struct{})}
	defer close(in.release)
	c := startCLI(t, in, "apply", "../../examples/minimal")
	waitClosed(t, in.reading, "the question")
	send(os.Interrupt)
	if code := c.wait(t); code != 130 {
		t.Errorf("exit %d, want 130\nstderr:\n%s", code, c.stderr.String())
	}
	if got := c.stderr.String(); got != "\nInterrupt received: eksctl-lite apply stopped; nothing was changed.\n" {
		t.Errorf("stderr %q", got)
	}
}

// waitingReader is a terminal nobody types at.
type waitingReader struct {
	reading, release chan struct{}
	once             sync.Once
}

func (r *waitingReader) Read([]byte) (int, error) {
	r.once.Do(func() { close(r.reading) })
	<-r.release
	return 0, io.EOF
}

// EKSCTL_LITE_TIMEOUT_PLAN bounds all the reading of a plan: reads still
// unanswered then end in one error that names the variable, not one per
// read cut short.
func TestPlanReadsAreBounded(t *testing.T) {
	offlineAWS(t)
	t.Setenv("EKSCTL_LITE_TIMEOUT_PLAN", "200ms")
	hang := newHangingEKS(false)
	fakeClients(t, &provision.Clients{EKS: hang, IAM: emptyIAM{calls: new(int)}, EC2: emptyEC2{}, AutoScaling: emptyAutoScaling{}})
	start := time.Now()
	code, stdout, stderr := runCLI(t, "", "plan", "../../examples/minimal")
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v", took)
	}
	if code != 1 || stdout != "" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	if n := strings.Count(stderr, "Error:"); n != 1 || !strings.Contains(stderr, "Error: Reading AWS did not finish within 200ms (EKSCTL_LITE_TIMEOUT_PLAN)") {
		t.Errorf("want one error naming EKSCTL_LITE_TIMEOUT_PLAN, got %d:\n%s", n, stderr)
	}
}

// Package integration drives eksctl-lite and the AWS SDK against a local
// emulator of EKS and IAM: moto's server with the EKS fidelity patches of
// emulator/ (see README.md).
//
// # Harness contract
//
// TestMain starts `python3 emulator/server.py` on a free loopback port, waits
// until it answers, runs the tests and stops it. The eksctl-lite binary is
// built once, on the first env.run. When EKSCTL_LITE_TEST_ENDPOINT is set
// (for example http://localhost:4566 for LocalStack) that endpoint is used
// instead and nothing is started; moto-only controls are then unavailable.
//
// Tests share one emulator, so they must not call t.Parallel. Each test
// begins with newEnv, which resets the emulator. The helpers:
//
//	e := newEnv(t)                 // reset state, fast delays (create 0.3s, delete 0.2s, update 0.2s)
//	e.endpoint, e.region           // "http://127.0.0.1:PORT", "us-east-1"
//	e.eks, e.iam                   // *eks.Client, *iam.Client on the endpoint, test credentials, standard retryer
//	r := e.run(t, dir, "plan")     // run the built binary in dir; r.stdout, r.stderr, r.code
//	e.runWithEnv(t, dir, []string{"K=V"}, args...)   // same, with extra environment
//	e.runWithStdin(t, dir, "yes\n", args...)          // same, with standard input
//	e.requireMoto(t)               // t.Skip when running against EKSCTL_LITE_TEST_ENDPOINT
//	e.setDelays(t, create, del, update)               // lifecycle delays (no-op, logged, on an external endpoint)
//	e.injectFault(t, op, kind, count, latency)        // op "DescribeCluster" or "iam:ListRoles";
//	                                                  // kind "throttle", "http500", "drop", "drop_after", "latency";
//	                                                  // count <= 0: until cleared
//	e.clearFaults(t)
//	e.calls(t) []call              // every AWS call the emulator served since newEnv: service, operation, status
//	e.clearCalls(t)
//	e.waitClusterStatus(t, name, "ACTIVE")           // poll DescribeCluster ("" waits until it is gone)
//	e.waitNodegroupStatus(t, cluster, name, "ACTIVE")
//	e.waitFargateStatus(t, cluster, name, "ACTIVE")
//	e.waitUpdate(t, cluster, nodegroup, id)         // poll DescribeUpdate until not InProgress; returns it
//	e.uniqueName(prefix)           // a resource name unique within the test run (for shared endpoints)
//
// emulator_test.go adds SDK helpers any test may reuse (so do not redeclare
// these names): createCluster, createNodegroup, createFargate,
// describeCluster, describeNodegroup, wantErr[T] (errors.As or fail),
// noRetry / noRetryIAM (per-call options disabling retries), testSubnets,
// testClusterRole, testNodeRole, testPodRole. emulator_eks11_test.go adds,
// for SSM, EC2 and Auto Scaling: newClients11(e) (ssm, ec2 and asg clients
// configured as e.eks), ssmValues, publishAMI (a newer recommended EKS AMI),
// testVPC, createRefreshGroup, describeGroup, describeRefresh and
// watchRefresh (an instance refresh and its group, sampled until it ends).
//
// env.run sets AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID=test,
// AWS_SECRET_ACCESS_KEY=test, AWS_EC2_METADATA_DISABLED=true, NO_COLOR=1,
// EKSCTL_LITE_POLL_INTERVAL=100ms and HOME set to an empty temporary
// directory, so no real AWS configuration is read; a run is bounded by
// runTimeout. Tests that assert on a throttle must disable retries for that
// call: e.eks.DescribeCluster(ctx, in, func(o *eks.Options) { o.Retryer =
// aws.NopRetryer{} }).
package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

const (
	// endpointEnv names an already running AWS endpoint to test against.
	endpointEnv = "EKSCTL_LITE_TEST_ENDPOINT"
	// pythonEnv overrides the Python interpreter that runs the emulator.
	pythonEnv = "EKSCTL_LITE_PYTHON"
	// testRegion is the region every test uses.
	testRegion = "us-east-1"
	// startTimeout bounds the emulator's start-up.
	startTimeout = 30 * time.Second
	// runTimeout bounds one run of the binary, so that a hang fails the test.
	runTimeout = 5 * time.Minute
	// waitTimeout bounds the wait helpers.
	waitTimeout = 60 * time.Second
	// pollInterval is how often the wait helpers poll.
	pollInterval = 50 * time.Millisecond

	installHint = "install moto's server with: pip install 'moto[server]==5.2.1' " +
		"(or set " + endpointEnv + " to a running emulator such as LocalStack)"
)

// harness is the process-wide state TestMain sets up.
var harness struct {
	endpoint string
	external bool // endpoint from EKSCTL_LITE_TEST_ENDPOINT: no moto controls
	tmp      string

	buildOnce sync.Once
	binPath   string
	buildErr  error
}

// nameCounter makes uniqueName unique within the process.
var nameCounter atomic.Int64

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "eksctl-lite-integration-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "integration: cannot create a temporary directory: %v\n", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	harness.tmp = tmp

	if ep := os.Getenv(endpointEnv); ep != "" {
		harness.endpoint = strings.TrimRight(ep, "/")
		harness.external = true
		if err := waitAnswering(harness.endpoint+"/", startTimeout, nil); err != nil {
			fmt.Fprintf(os.Stderr, "integration: %s=%s does not answer: %v\n", endpointEnv, ep, err)
			return 1
		}
		return m.Run()
	}

	emu, err := startEmulator(tmp)
	if err != nil {
		fmt.Fprintf(os.Stderr, "integration: FAIL: the EKS emulator did not start: %v\n%s\n", err, installHint)
		return 1
	}
	defer emu.stop()
	harness.endpoint = emu.endpoint
	return m.Run()
}

// emulator is a running emulator/server.py process.
type emulator struct {
	endpoint string
	cmd      *exec.Cmd
	exited   chan struct{}
	log      string
}

// startEmulator starts the emulator on a free loopback port and waits until
// it answers; it retries with a new port if the first is taken meanwhile.
func startEmulator(tmp string) (*emulator, error) {
	python := os.Getenv(pythonEnv)
	if python == "" {
		python = "python3"
	}
	if _, err := exec.LookPath(python); err != nil {
		return nil, fmt.Errorf("no %s on PATH: %v", python, err)
	}
	server, err := filepath.Abs(filepath.Join("emulator", "server.py"))
	if err != nil {
		return nil, err
	}
	var lastErr error
	for attempt := 1; attempt <= 3; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		e := &emulator{
			endpoint: fmt.Sprintf("http://127.0.0.1:%d", port),
			exited:   make(chan struct{}),
			log:      filepath.Join(tmp, fmt.Sprintf("emulator-%d.log", attempt)),
		}
		logf, err := os.Create(e.log)
		if err != nil {
			return nil, err
		}
		e.cmd = exec.Command(python, server, "--host", "127.0.0.1", "--port", fmt.Sprint(port))
		e.cmd.Stdout, e.cmd.Stderr = logf, logf
		e.cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1")
		// Own process group, so that stop reaches moto's threads and any child.
		e.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := e.cmd.Start(); err != nil {
			logf.Close()
			return nil, fmt.Errorf("cannot run %s: %v", python, err)
		}
		go func() { e.cmd.Wait(); logf.Close(); close(e.exited) }()

		start := time.Now()
		err = waitAnswering(e.endpoint+"/_eksctl_lite/health", startTimeout, e.exited)
		if err == nil {
			if os.Getenv("EKSCTL_LITE_TEST_VERBOSE") != "" {
				fmt.Fprintf(os.Stderr, "integration: emulator on %s ready in %v\n", e.endpoint, time.Since(start))
			}
			return e, nil
		}
		e.stop()
		out, _ := os.ReadFile(e.log)
		lastErr = fmt.Errorf("%v; its output:\n%s", err, tail(string(out), 3000))
		if !strings.Contains(string(out), "Address already in use") {
			break
		}
	}
	return nil, lastErr
}

// stop ends the emulator's process group: SIGTERM, then SIGKILL after 5s.
func (e *emulator) stop() {
	if e.cmd.Process == nil {
		return
	}
	pgid := e.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-e.exited
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("cannot find a free loopback port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitAnswering polls url until it answers any HTTP status, the timeout
// passes, or exited is closed.
func waitAnswering(url string, timeout time.Duration, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer from %s within %v: %v", url, timeout, err)
		}
		select {
		case <-exited:
			return errors.New("the emulator process exited")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// env is one test's view of the emulator; see the package comment.
type env struct {
	endpoint string
	region   string
	eks      *eks.Client
	iam      *iam.Client
	external bool
}

// result is what one run of the binary produced.
type result struct {
	stdout, stderr string
	code           int
}

// call is one AWS call the emulator served, e.g. {"eks", "DescribeCluster", "200"}.
// Status is the HTTP status, or the injected fault: "throttle", "http500",
// "dropped", or "dropped_after_" plus the status of the lost response.
type call struct {
	Service   string `json:"service"`
	Operation string `json:"operation"`
	Status    string `json:"status"`
}

// harnessDay is the day every test's EKS version calendar is of: 1.35 is
// EKS's default, 1.32 to 1.34 are in standard support and 1.29 to 1.31 in
// extended support (integration/emulator/eks_versions.py). A test that
// needs another day sets it (setToday).
const harnessDay = "2026-02-01"

// newEnv resets the emulator (POST /moto-api/reset, which also clears faults,
// the call log and delays), sets fast delays for CLI tests and returns SDK
// clients pointed at it.
func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{endpoint: harness.endpoint, region: testRegion, external: harness.external}
	if !e.external {
		e.control(t, http.MethodPost, "/moto-api/reset", nil, nil)
		e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond)
		// EKS's version calendar as of harnessDay, whatever the real date:
		// which versions EKS offers must not change under the tests as
		// the calendar moves on.
		e.control(t, http.MethodPost, "/_eksctl_lite/today", map[string]string{"date": harnessDay}, nil)
	}
	cfg := aws.Config{
		Region: e.region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test", Source: "integration"}, nil
		}),
		BaseEndpoint: aws.String(e.endpoint),
		Retryer:      func() aws.Retryer { return retry.NewStandard() },
	}
	e.eks = eks.NewFromConfig(cfg)
	e.iam = iam.NewFromConfig(cfg)
	return e
}

// requireMoto skips the test when it runs against EKSCTL_LITE_TEST_ENDPOINT,
// which has none of the emulator's controls; with the bundled emulator it
// does nothing.
func (e *env) requireMoto(t *testing.T) {
	t.Helper()
	if e.external {
		t.Skipf("needs the bundled emulator's controls (delays, faults, call log, reset); %s is set", endpointEnv)
	}
}

// setDelays sets how long resources stay CREATING, DELETING and UPDATING.
func (e *env) setDelays(t *testing.T, create, del, update time.Duration) {
	t.Helper()
	if e.external {
		t.Logf("setDelays: not supported by %s; keeping its own timing", e.endpoint)
		return
	}
	e.control(t, http.MethodPost, "/_eksctl_lite/config", map[string]float64{
		"create_delay": create.Seconds(), "delete_delay": del.Seconds(), "update_delay": update.Seconds(),
	}, nil)
}

// injectFault makes the next count calls of op fail as kind says: "throttle"
// (the protocol's throttling error), "http500", "drop" (connection closed
// before the emulator handles the request: the request is lost),
// "drop_after" (the emulator handles the request, then closes the connection
// without answering: the response is lost, the change happened) or
// "latency" (answered normally after latency). op is
// an EKS operation ("DescribeCluster", "eks:DescribeCluster") or an IAM one
// ("iam:ListRoles"). count <= 0 means every call until clearFaults.
//
// Note: Go's net/http silently replays an idempotent request (GET) once when
// a reused connection closes before any response, so a single "drop" of a
// read may be invisible to the caller; use count >= 2 to be sure it is seen.
func (e *env) injectFault(t *testing.T, op, kind string, count int, latency time.Duration) {
	t.Helper()
	e.requireMoto(t)
	e.control(t, http.MethodPost, "/_eksctl_lite/faults", map[string]any{
		"operation": op, "kind": kind, "count": count, "latency": latency.Seconds(),
	}, nil)
}

// clearFaults removes every injected fault.
func (e *env) clearFaults(t *testing.T) {
	t.Helper()
	e.requireMoto(t)
	e.control(t, http.MethodDelete, "/_eksctl_lite/faults", nil, nil)
}

// calls returns the AWS calls the emulator served since newEnv or clearCalls.
func (e *env) calls(t *testing.T) []call {
	t.Helper()
	e.requireMoto(t)
	var out struct{ Calls []call }
	e.control(t, http.MethodGet, "/_eksctl_lite/calls", nil, &out)
	return out.Calls
}

// clearCalls empties the call log.
func (e *env) clearCalls(t *testing.T) {
	t.Helper()
	e.requireMoto(t)
	e.control(t, http.MethodDelete, "/_eksctl_lite/calls", nil, nil)
}

// control calls one of the emulator's control endpoints and decodes the
// JSON answer into out (if not nil); any failure is fatal.
func (e *env) control(t *testing.T, method, path string, body, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.endpoint+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("emulator control %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("emulator control %s %s: HTTP %d: %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("emulator control %s %s: bad JSON %q: %v", method, path, data, err)
		}
	}
}

// binary builds the eksctl-lite binary once per test process.
func binary(t *testing.T) string {
	t.Helper()
	harness.buildOnce.Do(func() {
		root, err := filepath.Abs("..")
		if err != nil {
			harness.buildErr = err
			return
		}
		harness.binPath = filepath.Join(harness.tmp, "eksctl-lite")
		cmd := exec.Command("go", "build", "-o", harness.binPath, "./cmd/eksctl-lite")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			harness.buildErr = fmt.Errorf("go build ./cmd/eksctl-lite: %v\n%s", err, out)
		}
	})
	if harness.buildErr != nil {
		t.Fatal(harness.buildErr)
	}
	return harness.binPath
}

// run runs the eksctl-lite binary in dir with args against the emulator.
func (e *env) run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return e.exec(t, dir, nil, "", args)
}

// runWithEnv is run with extra environment variables ("NAME=value"), which
// override the defaults.
func (e *env) runWithEnv(t *testing.T, dir string, extraEnv []string, args ...string) result {
	t.Helper()
	return e.exec(t, dir, extraEnv, "", args)
}

// runWithStdin is run with stdin as standard input.
func (e *env) runWithStdin(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	return e.exec(t, dir, nil, stdin, args)
}

// cliEnv is the environment every run of the binary gets: the emulator's
// endpoint, test credentials, no colour, fast polling, an empty HOME.
func (e *env) cliEnv(t *testing.T) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"AWS_ENDPOINT_URL=" + e.endpoint,
		"AWS_REGION=" + e.region,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true",
		"NO_COLOR=1",
		"EKSCTL_LITE_POLL_INTERVAL=100ms",
	}
}

// proc is a run of the binary in the background, for tests that act while
// it runs (send signals, watch AWS); its output can be read at any time.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *syncWriter
}

// start runs the binary in the background with the same environment as run;
// the test's end kills it if it is still running.
func (e *env) start(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary(t), args...)
	cmd.Dir = dir
	cmd.Env = e.cliEnv(t)
	p := &proc{cmd: cmd, stdout: &syncWriter{}, stderr: &syncWriter{}}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return p
}

// syncWriter is a strings.Builder safe to read while a process writes to it.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func (e *env) exec(t *testing.T, dir string, extraEnv []string, stdin string, args []string) result {
	t.Helper()
	bin := binary(t)
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(e.cliEnv(t), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() == context.DeadlineExceeded {
		t.Fatalf("eksctl-lite %s did not finish within %v\nstdout:\n%s\nstderr:\n%s",
			strings.Join(args, " "), runTimeout, r.stdout, r.stderr)
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		r.code = exitErr.ExitCode()
	default:
		t.Fatalf("cannot run eksctl-lite: %v", err)
	}
	return r
}

// uniqueName returns prefix followed by a suffix unique to this test run, for
// resources on a shared endpoint that is not reset between tests.
// configDir is a new directory for a configuration of test t, named
// configName(t): the name is the configuration's default identity
// (settings { name }), written as a tag on every resource, so each test has
// its own (two tests' t.TempDir()s both named "001" would each see the
// other's clusters as their own removed ones), while the directories of
// one test share it, as one configuration edited over time does.
func configDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), configName(t))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// configName is the configuration name of test t's directories: its name,
// made a valid one, and a hash of it to keep it unique when cut short.
func configName(t *testing.T) string {
	h := fnv.New32a()
	h.Write([]byte(t.Name()))
	name := regexp.MustCompile(`[^A-Za-z0-9._-]+`).ReplaceAllString(t.Name(), "-")
	if len(name) > 40 {
		name = name[:40]
	}
	return fmt.Sprintf("%s-%08x", name, h.Sum32())
}

func (e *env) uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%1_000_000, nameCounter.Add(1))
}

// waitFor polls cond until it returns true, fails the test on its error or
// after waitTimeout.
func waitFor(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		done, err := cond()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: still not done after %v", what, waitTimeout)
		}
		time.Sleep(pollInterval)
	}
}

// waitClusterStatus waits until the cluster has status; "" waits until it no
// longer exists.
func (e *env) waitClusterStatus(t *testing.T, name, status string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("cluster %s to be %q", name, status), func() (bool, error) {
		out, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: &name})
		return statusReached(status, err, func() string { return string(out.Cluster.Status) })
	})
}

// waitNodegroupStatus waits until the node group has status; "" waits until
// it no longer exists.
func (e *env) waitNodegroupStatus(t *testing.T, cluster, name, status string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("node group %s/%s to be %q", cluster, name, status), func() (bool, error) {
		out, err := e.eks.DescribeNodegroup(t.Context(), &eks.DescribeNodegroupInput{ClusterName: &cluster, NodegroupName: &name})
		return statusReached(status, err, func() string { return string(out.Nodegroup.Status) })
	})
}

// waitFargateStatus waits until the Fargate profile has status; "" waits
// until it no longer exists.
func (e *env) waitFargateStatus(t *testing.T, cluster, name, status string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("Fargate profile %s/%s to be %q", cluster, name, status), func() (bool, error) {
		out, err := e.eks.DescribeFargateProfile(t.Context(), &eks.DescribeFargateProfileInput{ClusterName: &cluster, FargateProfileName: &name})
		return statusReached(status, err, func() string { return string(out.FargateProfile.Status) })
	})
}

func statusReached(want string, err error, got func() string) (bool, error) {
	var nf *ekstypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		return want == "", nil
	case err != nil:
		return false, err
	}
	return got() == want, nil
}

// waitUpdate polls DescribeUpdate until the update is no longer InProgress
// and returns it. nodegroup is "" for a cluster update.
func (e *env) waitUpdate(t *testing.T, cluster, nodegroup, id string) *ekstypes.Update {
	t.Helper()
	var upd *ekstypes.Update
	waitFor(t, fmt.Sprintf("update %s of %s to finish", id, cluster), func() (bool, error) {
		in := &eks.DescribeUpdateInput{Name: &cluster, UpdateId: &id}
		if nodegroup != "" {
			in.NodegroupName = &nodegroup
		}
		out, err := e.eks.DescribeUpdate(t.Context(), in)
		if err != nil {
			return false, err
		}
		upd = out.Update
		return upd.Status != ekstypes.UpdateStatusInProgress, nil
	})
	return upd
}

package integration

// Command-line behaviour through the binary that needs no emulator state:
// an endpoint that accepts connections and never answers.

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// silentEndpoint listens on a loopback port, accepts every connection and
// never answers: a hung proxy or emulator. It returns the endpoint URL.
func silentEndpoint(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() { _, _ = c.Read(make([]byte, 1<<16)) }() // read, never write
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// runBounded runs the binary in dir with extra environment and waits for
// it to exit; deadline is only a safety net against a hang, which fails the
// test.
func runBounded(t *testing.T, e *env, dir string, deadline time.Duration, extraEnv []string, args ...string) (result, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(e.cliEnv(t), extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() == context.DeadlineExceeded {
		t.Fatalf("eksctl-lite %s still ran after %v (killed)\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), deadline, r.stdout, r.stderr)
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		r.code = exitErr.ExitCode()
	default:
		t.Fatalf("cannot run eksctl-lite: %v", err)
	}
	return r, took
}

// An endpoint that accepts connections and never answers ends plan, apply
// and destroy with one error naming it, after the per-attempt timeout and
// one retry, not a silent hang (it printed nothing for more than five
// minutes) nor ten attempts of it.
func TestNoAnswerEndpointFailsWithOneError(t *testing.T) {
	e := newEnv(t)
	endpoint := silentEndpoint(t)
	dir := copyExample(t, e, "minimal", e.uniqueName("silent"))
	env := []string{"AWS_ENDPOINT_URL=" + endpoint, "EKSCTL_LITE_TIMEOUT_AWS_CALL=1s"}
	// A saved plan made against the emulator, re-read against the silent
	// endpoint before it is applied.
	if r := e.run(t, dir, "plan", "--out", "demo.plan"); r.code != 0 {
		t.Fatalf("plan --out: exit %d\n%s", r.code, r.stderr)
	}
	for _, args := range [][]string{
		{"plan"},
		{"apply", "--auto-approve"},
		{"destroy", "--auto-approve"},
		{"apply", "demo.plan"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r, took := runBounded(t, e, dir, 2*time.Minute, env, args...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1\nstderr:\n%s", r.code, r.stderr)
			}
			if n := strings.Count(r.stderr, "Error:"); n != 1 {
				t.Errorf("%d errors, want exactly one:\n%s", n, r.stderr)
			}
			for _, want := range []string{
				"Error: No answer from AWS at " + endpoint,
				"No AWS call was answered within 1s (EKSCTL_LITE_TIMEOUT_AWS_CALL)",
			} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout %q", r.stdout)
			}
			// One attempt and one retry of 1s each, plus start-up: far
			// below the two-minute safety net.
			t.Logf("%s gave up after %v", args[0], took)
		})
	}
}

// Ctrl-C while plan waits for AWS ends it at once with 130 and one line,
// not by the signal's default (no message, killed): the real signal,
// through the binary.
func TestInterruptWhilePlanning(t *testing.T) {
	e := newEnv(t)
	endpoint := silentEndpoint(t)
	dir := copyExample(t, e, "minimal", e.uniqueName("interrupted"))
	for name, tt := range map[string]struct {
		args []string
		sig  syscall.Signal
		want int
	}{
		"plan SIGINT":   {args: []string{"plan"}, sig: syscall.SIGINT, want: 130},
		"apply SIGTERM": {args: []string{"apply", "--auto-approve"}, sig: syscall.SIGTERM, want: 143},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, binary(t), tt.args...)
			cmd.Dir = dir
			cmd.Env = append(e.cliEnv(t), "AWS_ENDPOINT_URL="+endpoint) // the default 60s per attempt
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Second) // reading AWS, which does not answer
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_ = cmd.Wait()
			if ctx.Err() != nil {
				t.Fatalf("still running after the signal (killed)\nstderr:\n%s", stderr.String())
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v to stop after the signal", took)
			}
			if code := cmd.ProcessState.ExitCode(); code != tt.want {
				t.Errorf("exit %d, want %d (a process killed by the signal reports -1)\nstderr:\n%s", code, tt.want, stderr.String())
			}
			want := "\nInterrupt received: eksctl-lite " + tt.args[0] + " stopped; nothing was changed.\n"
			if stderr.String() != want {
				t.Errorf("stderr %q, want only %q", stderr.String(), want)
			}
			if stdout.String() != "" {
				t.Errorf("stdout %q", stdout.String())
			}
		})
	}
}

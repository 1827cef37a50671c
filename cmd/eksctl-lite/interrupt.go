package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// signalSource subscribes to SIGINT and SIGTERM and returns the channel
// they arrive on and how to unsubscribe; tests replace it to send signals
// without signalling the test process.
var signalSource = func() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	return ch, func() { signal.Stop(ch) }
}

// exitNow ends the process on a second interrupt; tests replace it.
var exitNow = os.Exit

// interrupts handles SIGINT and SIGTERM for a whole run of plan, apply or
// destroy. Before apply starts changing AWS (planning, re-reading a saved
// plan, asking for confirmation), the first one stops the run: nothing was
// changed. While applying, it stops new actions from starting and lets the
// calls in flight return. In both cases the run's context is cancelled and
// the command exits 130 (SIGINT) or 143 (SIGTERM); a second signal exits
// at once.
type interrupts struct {
	verb        string
	stderr      io.Writer
	cancel      context.CancelFunc
	sigs        <-chan os.Signal
	unsubscribe func()
	done        chan struct{}
	atExit      []func()

	mu       sync.Mutex
	applying bool
	first    os.Signal
}

// handleInterrupts starts handling interrupts for the command verb ("plan",
// "apply", "destroy") and returns the run's context, cancelled by the first
// interrupt. release must be called when the run ends.
func handleInterrupts(ctx context.Context, stderr io.Writer, verb string) (context.Context, *interrupts) {
	ctx, cancel := context.WithCancel(ctx)
	sigs, unsubscribe := signalSource()
	s := &interrupts{verb: verb, stderr: stderr, cancel: cancel, sigs: sigs, unsubscribe: unsubscribe, done: make(chan struct{})}
	go s.loop()
	return ctx, s
}

func (s *interrupts) loop() {
	var first os.Signal
	select {
	case first = <-s.sigs:
	case <-s.done:
		return
	}
	s.mu.Lock()
	s.first = first
	applying := s.applying
	s.mu.Unlock()
	if applying {
		fmt.Fprintf(s.stderr, "\nInterrupt received: %s starts nothing new and waits for the AWS calls in flight to return.\nInterrupt again to exit at once (what is in progress carries on in AWS).\n", s.verb)
	} else {
		fmt.Fprintf(s.stderr, "\nInterrupt received: eksctl-lite %s stopped; nothing was changed.\n", s.verb)
	}
	s.cancel()
	select {
	case <-s.sigs:
		msg := "\nSecond interrupt: exiting now.\n"
		if applying {
			msg = fmt.Sprintf("\nSecond interrupt: exiting now. Run eksctl-lite %s again to continue.\n", s.verb)
		}
		fmt.Fprint(s.stderr, msg)
		s.mu.Lock()
		atExit := s.atExit
		s.mu.Unlock()
		for _, f := range atExit {
			f() // the run's locks: a second interrupt is the user's, not a crash
		}
		exitNow(signalExitCode(first))
	case <-s.done:
	}
}

// startApplying says that from now on the run changes AWS: an interrupt
// lets the calls in flight return.
func (s *interrupts) startApplying() {
	s.mu.Lock()
	s.applying = true
	s.mu.Unlock()
}

// received returns the first signal, nil if none came.
func (s *interrupts) received() os.Signal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first
}

// exitCode is the exit status for the first signal (130 for SIGINT, 143
// for SIGTERM), 0 when none came.
func (s *interrupts) exitCode() int {
	if sig := s.received(); sig != nil {
		return signalExitCode(sig)
	}
	return 0
}

// interrupted is the error a command returns when a signal stopped it:
// the handler already said so, so nothing more is printed.
func (s *interrupts) interrupted() error {
	if code := s.exitCode(); code != 0 {
		return &exitError{code: code}
	}
	return nil
}

// onHardExit registers f to run before a second interrupt exits the
// process at once.
func (s *interrupts) onHardExit(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.atExit = append(s.atExit, f)
}

func (s *interrupts) release() {
	s.unsubscribe()
	close(s.done)
	s.cancel()
}

// signalExitCode is 128 + the signal number, as shells report a process
// killed by it.
func signalExitCode(sig os.Signal) int {
	if sig == syscall.SIGTERM {
		return 143
	}
	return 130
}

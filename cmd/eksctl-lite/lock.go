package main

// Locks around apply and destroy (provision/lock.go): taken before the
// first write (before planning, for the clusters the configuration
// declares; those of a saved plan before it is re-read), released at the
// end, also on failure and interrupt. plan takes them only with --lock.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

// lockPollInterval is how often a run waiting for a lock tries again.
var lockPollInterval = 2 * time.Second

// lockFlags are --lock and --lock-timeout.
type lockFlags struct {
	enabled bool
	timeout time.Duration
}

func (f *lockFlags) add(cmd *cobra.Command, on bool) {
	usage := "take the locks of the clusters this run changes (--lock=false: do not, at your own risk)"
	if !on {
		usage = "take the locks of the configuration's clusters while planning, as apply does"
	}
	cmd.Flags().BoolVar(&f.enabled, "lock", on, usage)
	cmd.Flags().DurationVar(&f.timeout, "lock-timeout", 0, "wait up to this long (e.g. 10m) for a lock another run holds; 0 fails at once")
}

// runLock is the locking of one run: what it does (operation), and the
// locks it holds once taken.
type runLock struct {
	flags     lockFlags
	operation string
	stderr    io.Writer
	sig       *interrupts
	locks     *provision.Locks
	locker    provision.Locker
}

func newRunLock(f lockFlags, operation string, stderr io.Writer, sig *interrupts) *runLock {
	if !f.enabled {
		if operation != "plan" {
			fmt.Fprintf(stderr, "Warning: locking is off (--lock=false): another run may change these clusters at the same time, and the two would undo each other's work.\n\n")
		}
		return nil
	}
	return &runLock{flags: f, operation: operation, stderr: stderr, sig: sig}
}

// acquire takes the locks of keys (more of them when some are held
// already), in the backend settings names.
func (r *runLock) acquire(ctx context.Context, settings *provision.LockSettings, clients provision.ClientsFactory, keys []provision.LockKey) error {
	if r == nil || len(keys) == 0 {
		return nil
	}
	if r.locks != nil {
		return r.locks.Extend(ctx, keys)
	}
	locker, err := provision.NewLocker(settings, clients)
	if err != nil {
		return err
	}
	r.locker = locker
	if r.sig != nil {
		r.sig.onHardExit(func() { r.release(context.Background()) })
	}
	locks, err := provision.AcquireLocks(ctx, locker, keys, provision.NewLockInfo(r.operation, os.Environ()), r.flags.timeout, lockPollInterval)
	if err != nil {
		return err
	}
	r.locks = locks
	return nil
}

// annotate makes the run's locks carry the plan's summary line.
func (r *runLock) annotate(ctx context.Context, p *provision.Plan) {
	if r == nil || r.locks == nil {
		return
	}
	add, change, replace, destroy := p.Counts()
	_ = r.locks.Annotate(ctx, fmt.Sprintf("Plan: %d to add, %d to change, %d to destroy (%d replaced)", add+replace, change, destroy+replace, replace))
}

// holdsAll reports whether the run holds the locks of every key.
func (r *runLock) holdsAll(keys []provision.LockKey) bool {
	for _, k := range keys {
		if r.locks == nil || !r.locks.Holds(k) {
			return false
		}
	}
	return true
}

// release releases the run's locks, saying so when it cannot (the lock
// stays until force-unlock).
func (r *runLock) release(ctx context.Context) {
	if r == nil || r.locks == nil {
		return
	}
	id := r.locks.Info().ID
	if err := r.locks.Release(ctx); err != nil {
		fmt.Fprintf(r.stderr, "Warning: cannot release the locks of this run (Lock ID: %s): %v\nRemove them with eksctl-lite force-unlock CLUSTER %s.\n", id, err, id)
	}
	r.locks = nil
}

// lockError prints a lock that could not be taken and exits 1: a lock
// another run holds as it is, an AWS failure as every command says one
// (no answer, no credentials, ...), an interrupt as the handler said it.
func (g *globalOptions) lockError(cmd *cobra.Command, sig *interrupts, ctx context.Context, err error) error {
	if ierr := sig.interrupted(); ierr != nil {
		return ierr
	}
	var held *provision.LockHeldError
	if errors.As(err, &held) {
		if g.events != nil {
			g.events.Diagnostics(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cluster " + held.Key.String() + " is locked by another run", Detail: err.Error()}})
		} else {
			fmt.Fprintf(cmd.ErrOrStderr(), "Error: %v\n\nNothing was changed.\n", err)
		}
		return &exitError{code: 1}
	}
	diags := hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot take the locks", Detail: err.Error() + ". Nothing was changed.", Extra: err}}
	_ = g.writeDiagnostics(cmd, nil, g.planDiags(ctx, ctx, diags))
	return &exitError{code: 1}
}

func init() { commands = append(commands, newForceUnlockCommand) }

func newForceUnlockCommand(g *globalOptions) *cobra.Command {
	var vars varFlags
	var region string
	cmd := &cobra.Command{
		Use:   "force-unlock CLUSTER LOCK_ID [PATH...]",
		Short: "Remove the lock a killed run left on a cluster",
		Long: `Force-unlock removes the lock of CLUSTER that a run left behind (killed,
or its machine lost), only when LOCK_ID is the lock's ID: the error of a
run refused by the lock prints it ("Lock ID: ..."). Make sure that run is
really gone: two runs applying to one cluster undo each other's work.

The configuration (PATH..., default the current directory) says where the
locks are (settings { lock }) and the cluster's region; --region names
the region of a cluster it does not declare.

Exit status: 0 when the lock was removed, 1 otherwise (no lock, another ID).`,
		Example: `  # A run killed in CI left its lock; its error printed the ID
  eksctl-lite force-unlock demo 3f2c9a1e-5b7d-4c1a-9e0f-2a6b8c4d1e7f

  # A cluster the configuration in ./infra no longer declares
  eksctl-lite force-unlock old 3f2c9a1e-5b7d-4c1a-9e0f-2a6b8c4d1e7f infra --region eu-west-1`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runForceUnlock(cmd, g, &vars, args[0], args[1], args[2:], region)
		},
	}
	vars.add(cmd)
	cmd.Flags().StringVar(&region, "region", "", "the cluster's region, when the configuration does not declare the cluster")
	return cmd
}

func runForceUnlock(cmd *cobra.Command, g *globalOptions, vars *varFlags, cluster, id string, paths []string, region string) error {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, clients, err := loadConfig(ctx, cmd, g, vars, paths)
	if err != nil {
		return err
	}
	keys, err := provision.ConfigLockKeys(cfg, clients)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	key := provision.LockKey{Cluster: cluster, Region: region}
	for _, k := range keys {
		if k.Cluster == cluster && (region == "" || k.Region == region) {
			key = k
		}
	}
	if key.Region == "" {
		if key.Region, err = clients.DefaultRegion(); err != nil {
			return &exitError{code: 1, err: err}
		}
	}
	locker, err := provision.NewLocker(provision.LockSettingsOf(cfg.Lock), clients)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if err := locker.Unlock(ctx, key, id); err != nil {
		if errors.Is(err, provision.ErrLockNotFound) {
			return &exitError{code: 1, err: fmt.Errorf("cluster %s has no lock (%s)", key, locker.Describe())}
		}
		return &exitError{code: 1, err: err}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Removed the lock %s of cluster %s.\n", id, key)
	return nil
}

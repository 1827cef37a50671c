package integration

// Resuming after an interrupt in the middle of an in-place update. While an
// EKS update is InProgress, DescribeCluster still reports the old values, so
// the next plan lists the step in flight again; apply must wait for it,
// see that it is done and go on, not re-send it (EKS refuses a version
// update to the version the cluster already has, and a logging or endpoint
// update that changes nothing).

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// resumeHCL is a cluster with a node group that follows the cluster's
// version and one pinned to pin; extra goes into the cluster block.
func resumeHCL(name, version, pin, vpcExtra, extra string) string {
	return fmt.Sprintf(`cluster %q {
  region  = "us-east-1"
  version = %q

  vpc {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
%s
  }
%s
  node_group "following" {
    scaling {
      min_size = 1
      max_size = 3
    }
  }

  node_group "pinned" {
    version = %q
    scaling {
      min_size = 1
      max_size = 3
    }
  }
}
`, name, version, vpcExtra, extra, pin)
}

func writeHCL(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// inFlight returns the id of the cluster's InProgress update of type typ
// whose parameter param is value (any value when param is ""), or "".
func inFlight(t *testing.T, e *env, cluster string, typ ekstypes.UpdateType, param, value string) (string, error) {
	out, err := e.eks.ListUpdates(t.Context(), &eks.ListUpdatesInput{Name: aws.String(cluster)})
	if err != nil {
		return "", err
	}
	for _, id := range out.UpdateIds {
		d, err := e.eks.DescribeUpdate(t.Context(), &eks.DescribeUpdateInput{Name: aws.String(cluster), UpdateId: aws.String(id)})
		if err != nil {
			return "", err
		}
		u := d.Update
		if u.Status != ekstypes.UpdateStatusInProgress || u.Type != typ {
			continue
		}
		if param == "" {
			return id, nil
		}
		for _, p := range u.Params {
			if string(p.Type) == param && aws.ToString(p.Value) == value {
				return id, nil
			}
		}
	}
	return "", nil
}

func TestApplyResumesInterruptedClusterUpdate(t *testing.T) {
	for _, tc := range []struct {
		name string
		// from is the configuration first applied, to the one whose apply
		// is interrupted; both get the cluster name.
		from, to func(name string) string
		// The update in flight when the interrupt comes.
		typ          ekstypes.UpdateType
		param, value string
		// check looks at the cluster once the second apply is done.
		check func(t *testing.T, c *ekstypes.Cluster)
	}{
		{
			name: "version",
			from: func(n string) string { return resumeHCL(n, "1.31", "1.31", "", "") },
			// EKS upgrades a control plane only while every node group is
			// on its version, so a node group pinned to 1.31 would hold
			// the cluster at 1.32: the pin moves to one minor behind.
			to:  func(n string) string { return resumeHCL(n, "1.34", "1.33", "", "") },
			typ: ekstypes.UpdateTypeVersionUpdate, param: "Version", value: "1.33",
			check: func(t *testing.T, c *ekstypes.Cluster) {
				if v := aws.ToString(c.Version); v != "1.34" {
					t.Errorf("cluster version = %s, want 1.34", v)
				}
			},
		},
		{
			name: "endpoint access",
			from: func(n string) string { return resumeHCL(n, "1.31", "1.31", "", "") },
			to: func(n string) string {
				return resumeHCL(n, "1.31", "1.31", "    endpoint_private_access = true", `  logging { types = ["api", "audit"] }`)
			},
			typ: ekstypes.UpdateTypeEndpointAccessUpdate,
			check: func(t *testing.T, c *ekstypes.Cluster) {
				if !c.ResourcesVpcConfig.EndpointPrivateAccess {
					t.Errorf("private endpoint access is off")
				}
			},
		},
		{
			name: "logging",
			from: func(n string) string { return resumeHCL(n, "1.31", "1.31", "", "") },
			to: func(n string) string {
				return resumeHCL(n, "1.31", "1.31", "    endpoint_private_access = true", `  logging { types = ["api", "audit"] }`)
			},
			typ: ekstypes.UpdateTypeLoggingUpdate,
			check: func(t *testing.T, c *ekstypes.Cluster) {
				var on []string
				for _, l := range c.Logging.ClusterLogging {
					if aws.ToBool(l.Enabled) {
						for _, ty := range l.Types {
							on = append(on, string(ty))
						}
					}
				}
				if strings.Join(on, ",") != "api,audit" {
					t.Errorf("enabled log types = %v, want api, audit", on)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.requireMoto(t)
			name := e.uniqueName("resume")
			dir := configDir(t)
			writeHCL(t, dir, tc.from(name))
			mustApply(t, e, dir)

			writeHCL(t, dir, tc.to(name))
			e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 3*time.Second)
			p := e.start(t, dir, "apply", "--auto-approve")
			cmd, stdout, stderr := p.cmd, p.stdout, p.stderr
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			var id string
			waitFor(t, fmt.Sprintf("a %s update of cluster %s in flight", tc.typ, name), func() (bool, error) {
				select {
				case err := <-exited:
					return false, fmt.Errorf("apply ended before the update (%v)\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
				default:
				}
				var err error
				id, err = inFlight(t, e, name, tc.typ, tc.param, tc.value)
				return id != "", err
			})
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			err := <-exited
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Fatalf("interrupted apply: %v, want exit status 130\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
			}
			d, err := e.eks.DescribeUpdate(t.Context(), &eks.DescribeUpdateInput{Name: aws.String(name), UpdateId: aws.String(id)})
			if err != nil {
				t.Fatal(err)
			}
			if d.Update.Status != ekstypes.UpdateStatusInProgress {
				t.Fatalf("update %s is %s already; the interrupt came too late to test anything", id, d.Update.Status)
			}

			// One more apply, planned while the update is still in flight,
			// finishes the job.
			r := e.runWithEnv(t, dir, fastApply, "apply", "--auto-approve")
			if r.code != 0 || !strings.Contains(r.stdout, "Apply complete!") {
				t.Fatalf("apply after the interrupt exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond)
			requireNoChanges(t, e, dir, "an interrupted update and one more apply")
			tc.check(t, describeCluster(t, e, name))
			want := map[string]string{"following": "1.31", "pinned": "1.31"}
			if tc.name == "version" {
				want["following"], want["pinned"] = "1.34", "1.33"
			}
			for ng, v := range want {
				if got := aws.ToString(describeNodegroup(t, e, name, ng).Version); got != v {
					t.Errorf("node group %s runs %s, want %s", ng, got, v)
				}
			}
		})
	}
}

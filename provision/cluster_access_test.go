package provision

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// The cluster's access block: the authentication mode moves only forward,
// one mode per UpdateClusterConfig; the creator's admin entry is decided
// at creation.

func withAccessBlock(c *spec.Cluster, mode string, creatorAdmin *bool) *spec.Cluster {
	c.Access = &spec.Access{AuthenticationMode: mode, BootstrapClusterCreatorAdmin: creatorAdmin, DeclRange: testRange(20),
		Ranges: map[string]hcl.Range{"authentication_mode": testRange(21), "bootstrap_cluster_creator_admin": testRange(22)}}
	return c
}

func liveAccess(t *testing.T, w *fakeAccount, cluster string) (string, *bool) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	ac := w.in("").clusters[cluster].cl.AccessConfig
	if ac == nil {
		t.Fatalf("cluster %s has no access configuration", cluster)
	}
	return string(ac.AuthenticationMode), ac.BootstrapClusterCreatorAdminPermissions
}

func TestClusterAccessAtCreation(t *testing.T) {
	t.Run("no access block: API, and EKS's creator admin entry", func(t *testing.T) {
		w := converged(t, testConfig(testCluster("demo")))
		mode, admin := liveAccess(t, w, "demo")
		if mode != "API" || !aws.ToBool(admin) {
			t.Errorf("created with mode %s, creator admin %v; want API and true", mode, aws.ToBool(admin))
		}
		if got := clusterOnly(mustPlan(t, w, testConfig(testCluster("demo")), PlanOptions{})); !cmp.Equal(got, []string{"cluster.demo no-op"}) {
			t.Errorf("re-plan = %v, want only a no-op", got)
		}
	})
	t.Run("as written", func(t *testing.T) {
		c := withAccessBlock(testCluster("demo"), "API_AND_CONFIG_MAP", aws.Bool(false))
		w := converged(t, testConfig(c))
		mode, admin := liveAccess(t, w, "demo")
		if mode != "API_AND_CONFIG_MAP" || admin == nil || *admin {
			t.Errorf("created with mode %s, creator admin %v; want API_AND_CONFIG_MAP and false", mode, admin)
		}
	})
}

// clusterOnly is the summary of the cluster's own change.
func clusterOnly(p *Plan) []string {
	var out []string
	for _, s := range summary(p) {
		if strings.HasPrefix(s, "cluster.demo ") {
			out = append(out, s)
		}
	}
	return out
}

// liveWithMode is an account with an owned cluster demo in mode.
func liveWithMode(t *testing.T, mode string) *fakeAccount {
	t.Helper()
	return converged(t, testConfig(withAccessBlock(testCluster("demo"), mode, nil)))
}

func TestClusterAuthenticationModeMovesForward(t *testing.T) {
	tests := map[string]struct {
		live, want string
		steps      []string
	}{
		"one step":              {"CONFIG_MAP", "API_AND_CONFIG_MAP", []string{"cluster.demo update UpdateClusterConfig:API_AND_CONFIG_MAP"}},
		"two steps, one a call": {"CONFIG_MAP", "API", []string{"cluster.demo update UpdateClusterConfig:API_AND_CONFIG_MAP UpdateClusterConfig:API"}},
		"the last step":         {"API_AND_CONFIG_MAP", "API", []string{"cluster.demo update UpdateClusterConfig:API"}},
		"left out: live stands": {"CONFIG_MAP", "", []string{"cluster.demo no-op"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := liveWithMode(t, tt.live)
			cfg := testConfig(withAccessBlock(testCluster("demo"), tt.want, nil))
			p := mustPlan(t, w, cfg, PlanOptions{})
			if d := cmp.Diff(tt.steps, clusterOnly(p)); d != "" {
				t.Fatalf("plan (-want +got):\n%s", d)
			}
			w.apply(t, p) // the fake refuses a step back or a skipped mode
			if mode, _ := liveAccess(t, w, "demo"); tt.want != "" && mode != tt.want {
				t.Errorf("mode after apply = %s, want %s", mode, tt.want)
			}
			if got := clusterOnly(mustPlan(t, w, cfg, PlanOptions{})); !cmp.Equal(got, []string{"cluster.demo no-op"}) {
				t.Errorf("re-plan = %v, want only a no-op", got)
			}
		})
	}
}

func TestClusterAccessRefusals(t *testing.T) {
	tests := map[string]struct {
		live    string
		give    *spec.Cluster
		at      int // line of the diagnostic
		summary string
		detail  []string
	}{
		"API to CONFIG_MAP": {"API", withAccessBlock(testCluster("demo"), "CONFIG_MAP", nil), 21,
			`Cannot change authentication_mode of cluster "demo"`, []string{"one-way", "live: API", `authentication_mode = "API"`}},
		"API to API_AND_CONFIG_MAP": {"API", withAccessBlock(testCluster("demo"), "API_AND_CONFIG_MAP", nil), 21,
			`Cannot change authentication_mode of cluster "demo"`, []string{"one-way"}},
		"creator admin on an existing cluster": {"API", withAccessBlock(testCluster("demo"), "", aws.Bool(false)), 22,
			`Cannot change bootstrap_cluster_creator_admin of cluster "demo"`, []string{"only when it creates the cluster", "bootstrap_cluster_creator_admin = true", "access_entry"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := liveWithMode(t, tt.live)
			_, diags := MakePlan(context.Background(), testConfig(tt.give), w.factory(), PlanOptions{})
			if !diags.HasErrors() {
				t.Fatal("the plan was accepted")
			}
			d := diags.Errs()[0].(*hcl.Diagnostic)
			if d.Summary != tt.summary {
				t.Errorf("summary = %q, want %q", d.Summary, tt.summary)
			}
			if d.Subject == nil || d.Subject.Start.Line != tt.at {
				t.Errorf("diagnostic at %v, want line %d", d.Subject, tt.at)
			}
			for _, s := range tt.detail {
				if !strings.Contains(d.Detail, s) {
					t.Errorf("detail %q does not say %q", d.Detail, s)
				}
			}
		})
	}
}

// A cluster EKS reports without an access configuration (made before
// access entries existed) is not planned for one: no diff, no call.
func TestClusterWithoutAccessConfig(t *testing.T) {
	w := newFakeAccount()
	a := clusterAttrs(testCluster("demo"), "arn:aws:iam::111122223333:role/r")
	w.putCluster(a)
	c := withAccessBlock(testCluster("demo"), "API", aws.Bool(true))
	c.RoleARN = "arn:aws:iam::111122223333:role/r"
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	ch := changeOf(t, p, "cluster.demo")
	for _, d := range ch.Diffs {
		if d.Path == "authentication_mode" || d.Path == "bootstrap_cluster_creator_admin" {
			t.Errorf("diff on %s: %v -> %v", d.Path, d.Before, d.After)
		}
	}
}

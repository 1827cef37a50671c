package integration

// The cluster's authentication mode through the binary: created as
// written, moved forward one mode per update, a step back refused at plan.

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

func TestAuthenticationModeMovesForwardOnly(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("authmode")
	dir := copyExample(t, e, "minimal", name)
	edit(t, dir, `  node_group "general" {`, `  access {
    authentication_mode = "CONFIG_MAP"
  }

  node_group "general" {`)
	mustApply(t, e, dir)
	mode := func() (ekstypes.AuthenticationMode, bool) {
		out, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		ac := out.Cluster.AccessConfig
		if ac == nil {
			t.Fatal("DescribeCluster has no accessConfig")
		}
		return ac.AuthenticationMode, aws.ToBool(ac.BootstrapClusterCreatorAdminPermissions)
	}
	if m, admin := mode(); m != ekstypes.AuthenticationModeConfigMap || !admin {
		t.Fatalf("created with mode %s, creator admin %v; want CONFIG_MAP, true", m, admin)
	}

	edit(t, dir, `authentication_mode = "CONFIG_MAP"`, `authentication_mode = "API"`)
	r := e.run(t, dir, "plan")
	for _, s := range []string{"UpdateClusterConfig (authentication mode to API_AND_CONFIG_MAP)", "UpdateClusterConfig (authentication mode to API)"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("plan does not list %q:\n%s", s, r.stdout)
		}
	}
	mustApply(t, e, dir)
	if m, _ := mode(); m != ekstypes.AuthenticationModeApi {
		t.Fatalf("mode after apply = %s, want API", m)
	}
	ups, err := e.eks.ListUpdates(t.Context(), &eks.ListUpdatesInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	var accessUpdates int
	for _, id := range ups.UpdateIds {
		u := e.waitUpdate(t, name, "", id)
		if u.Type == ekstypes.UpdateTypeAccessConfigUpdate {
			accessUpdates++
			if u.Status != ekstypes.UpdateStatusSuccessful {
				t.Errorf("access config update %s is %s", id, u.Status)
			}
		}
	}
	if accessUpdates != 2 {
		t.Errorf("%d access config updates, want 2 (CONFIG_MAP -> API_AND_CONFIG_MAP -> API)", accessUpdates)
	}
	requireNoChanges(t, e, dir, "moving the authentication mode to API")

	edit(t, dir, `authentication_mode = "API"`, `authentication_mode = "CONFIG_MAP"`)
	r = e.run(t, dir, "plan")
	if r.code != 1 || !strings.Contains(r.stderr, "one-way") || !regexp.MustCompile(`main\.hcl:\d+`).MatchString(r.stderr) {
		t.Errorf("API -> CONFIG_MAP: plan exited %d, want 1 with a one-way error at main.hcl:LINE\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if m, _ := mode(); m != ekstypes.AuthenticationModeApi {
		t.Errorf("a refused plan changed the mode to %s", m)
	}
	edit(t, dir, `authentication_mode = "CONFIG_MAP"`, `authentication_mode = "API"`)
	if r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

package provision

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// A 1.31 -> 1.33 upgrade planned and applied against an account that holds
// EKS's rule (no control plane update while a node group is behind it):
// control plane to 1.32, both node groups to 1.32, control plane to 1.33,
// node groups to 1.33; nothing refused, and the next plan is empty.
func TestUpgradeTwoMinorsInterleavesNodeGroups(t *testing.T) {
	c := fullCluster("demo")
	testNodeGroup(c, "spot")
	w := converged(t, testConfig(c))
	w.log = nil
	c.Version = "1.33"
	for _, ng := range c.NodeGroups {
		ng.Version = "1.33"
	}
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	want := []string{
		"cluster.demo update UpdateClusterVersion:1.32 UpdateNodegroupVersion:1.32 UpdateNodegroupVersion:1.32 UpdateClusterVersion:1.33",
		"cluster.demo.node_group.general update UpdateNodegroupVersion:1.33",
		"cluster.demo.node_group.spot update UpdateNodegroupVersion:1.33",
	}
	if d := cmp.Diff(want, summaryOfChanges(p)); d != "" {
		t.Fatalf("plan (-want +got):\n%s", d)
	}
	w.apply(t, p)
	requireNoViolations(t, w)
	var versions []string
	for _, l := range w.log {
		if strings.Contains(l, "Version") {
			versions = append(versions, l)
		}
	}
	// The two node groups go to 1.32 concurrently: either order.
	if len(versions) == 6 && versions[1] > versions[2] {
		versions[1], versions[2] = versions[2], versions[1]
	}
	if len(versions) == 6 && versions[4] > versions[5] {
		versions[4], versions[5] = versions[5], versions[4]
	}
	wantLog := []string{
		"UpdateClusterVersion demo 1.32",
		"UpdateNodegroupVersion demo/general 1.32",
		"UpdateNodegroupVersion demo/spot 1.32",
		"UpdateClusterVersion demo 1.33",
		"UpdateNodegroupVersion demo/general 1.33",
		"UpdateNodegroupVersion demo/spot 1.33",
	}
	if d := cmp.Diff(wantLog, versions); d != "" {
		t.Errorf("version calls (-want +got):\n%s", d)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the upgrade: %v", summaryOfChanges(p))
	}
}

// A node group that cannot follow the control plane far enough blocks the
// upgrade: refused at plan, naming the node group, before anything changes.
func TestUpgradeBlockedByNodeGroupRefusedAtPlan(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(w *fakeAccount, c *spec.Cluster)
		want string
	}{
		"pinned to the old version": {
			edit: func(w *fakeAccount, c *spec.Cluster) {
				c.NodeGroups[0].Version, c.NodeGroups[0].VersionFollowsCluster = "1.31", false
			},
			want: "its version is pinned to 1.31",
		},
		"not managed by eksctl-lite": {
			edit: func(w *fakeAccount, c *spec.Cluster) {
				w.putNodeGroup("demo", &NodeGroupAttrs{Name: "theirs", NodeRoleARN: "arn:node", SubnetIDs: []string{"subnet-a"}, InstanceTypes: []string{"m5.large"},
					Version: "1.31", MinSize: 1, MaxSize: 1, DesiredSize: aws.Int(1), Tags: map[string]string{"team": "x"}})
			},
			want: "eksctl-lite does not manage it",
		},
		"being deleted": {
			edit: func(w *fakeAccount, c *spec.Cluster) { c.NodeGroups = nil },
			want: "Apply its removal first",
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := fullCluster("demo")
			w := converged(t, testConfig(c))
			c.Version = "1.33"
			for _, ng := range c.NodeGroups {
				ng.Version = "1.33" // following the cluster, as spec.Load sets it
			}
			tc.edit(w, c)
			_, diags := MakePlan(context.Background(), testConfig(c), w.factory(), PlanOptions{})
			if !diags.HasErrors() || !strings.Contains(diags.Error(), "blocks the upgrade") || !strings.Contains(diags.Error(), tc.want) {
				t.Fatalf("diags = %v; want the upgrade refused because %s", diags, tc.want)
			}
			if d := diags[0]; d.Subject == nil || *d.Subject != c.AttrRange("version") {
				t.Errorf("diagnostic points at %v, want the cluster's version", d.Subject)
			}
		})
	}
}

// A node group swapped for one eksctl-lite does not own between plan and
// apply is not upgraded by the cluster's change (the control plane stops).
func TestInterleavedUpgradeChecksOwnership(t *testing.T) {
	c := fullCluster("demo")
	w := converged(t, testConfig(c))
	c.Version = "1.33"
	c.NodeGroups[0].Version = "1.33"
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	w.nodegroup("demo", "general").tags = map[string]string{"team": "theirs"}
	w.log = nil
	var out bytes.Buffer
	if _, err := Apply(context.Background(), p, w.factory(), fastOptions(&out)); err == nil {
		t.Fatalf("apply upgraded through a node group it does not own:\n%s", out.String())
	}
	for _, l := range w.log {
		if strings.HasPrefix(l, "UpdateNodegroupVersion demo/general") {
			t.Errorf("the unowned node group was sent %q", l)
		}
	}
	if !strings.Contains(out.String(), "no longer this cluster's eksctl-lite node group") {
		t.Errorf("apply does not say why:\n%s", out.String())
	}
}

package provision

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// testLaunchTemplate is a launch_template block with spec's defaults and
// a root volume.
func testLaunchTemplate() *spec.LaunchTemplate {
	return &spec.LaunchTemplate{
		MetadataHTTPTokens: "required",
		MetadataHopLimit:   2,
		RootVolume:         &spec.RootVolume{Size: 50, Type: "gp3", Encrypted: true},
		Tags:               map[string]string{"team": "data"},
	}
}

const generalTemplateAddr = generalAddr + ".launch_template"

// A node group with a launch template: the template is created first,
// the group launches from its version 1 without a disk size, and a plan
// right after apply is empty.
func TestNodeGroupLaunchTemplateCreate(t *testing.T) {
	w := newFakeAccount()
	c := fullCluster("demo")
	c.NodeGroups[0].LaunchTemplate = testLaunchTemplate()
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	lt := changeOf(t, p, generalTemplateAddr)
	if lt.Action != Create || lt.Type != TypeLaunchTemplate {
		t.Fatalf("template change = %s %s, want create %s", lt.Action, lt.Type, TypeLaunchTemplate)
	}
	ng := changeOf(t, p, generalAddr)
	if !slices.Contains(ng.DependsOn, generalTemplateAddr) {
		t.Errorf("node group depends on %v, not on its template", ng.DependsOn)
	}
	if got := ng.Refs["launch_template.version"]; got != generalTemplateAddr {
		t.Errorf("node group's template version comes from %q, want %q", got, generalTemplateAddr)
	}
	w.apply(t, p)
	if i, j := w.logIndex("CreateLaunchTemplate eksctl-lite-demo-ng-general"), w.logIndex("CreateNodegroup demo/general"); i < 0 || j < 0 || i > j {
		t.Errorf("template created at %d, node group at %d: want the template first\n%v", i, j, w.log)
	}
	w.mu.Lock()
	got := w.nodegroup("demo", "general").ng
	w.mu.Unlock()
	if got.LaunchTemplate == nil || *got.LaunchTemplate.Version != "1" || got.DiskSize != nil {
		t.Errorf("node group launches from %+v with disk size %v; want version 1 and no disk size", got.LaunchTemplate, got.DiskSize)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after apply: %v", summaryOfChanges(p))
	}
}

// A change of what the template launches is a new version and the group's
// UpdateNodegroupVersion to it, never a new template or a new group.
func TestNodeGroupLaunchTemplateChangeIsNewVersion(t *testing.T) {
	c := fullCluster("demo")
	c.NodeGroups[0].LaunchTemplate = testLaunchTemplate()
	w := converged(t, testConfig(c))
	c.NodeGroups[0].LaunchTemplate.RootVolume.Size = 80
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	want := []string{
		generalAddr + " update UpdateNodegroupVersion:1.31",
		generalTemplateAddr + " update CreateLaunchTemplateVersion",
	}
	if d := cmp.Diff(want, summaryOfChanges(p)); d != "" {
		t.Fatalf("changes (-want +got):\n%s", d)
	}
	w.apply(t, p)
	if d := cmp.Diff([]string{"CreateLaunchTemplateVersion eksctl-lite-demo-ng-general 2"}, w.logged("CreateLaunchTemplateVersion")); d != "" {
		t.Errorf("versions made (-want +got):\n%s", d)
	}
	w.mu.Lock()
	got := *w.nodegroup("demo", "general").ng.LaunchTemplate.Version
	w.mu.Unlock()
	if got != "2" {
		t.Errorf("node group launches from version %s, want 2", got)
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after apply: %v", summaryOfChanges(p))
	}
}

// Removing the node group deletes its template, after the group is gone;
// so does destroy.
func TestNodeGroupLaunchTemplateDeletedAfterGroup(t *testing.T) {
	for _, destroy := range []bool{false, true} {
		c := fullCluster("demo")
		c.NodeGroups[0].LaunchTemplate = testLaunchTemplate()
		w := converged(t, testConfig(c))
		next := fullCluster("demo")
		next.NodeGroups = next.NodeGroups[1:]
		if destroy {
			next = c
		}
		p := mustPlan(t, w, testConfig(next), PlanOptions{Destroy: destroy})
		if ch := changeOf(t, p, generalTemplateAddr); ch.Action != Delete {
			t.Fatalf("destroy=%v: template change %s, want delete", destroy, ch.Action)
		}
		// The order is the group's dependency on its template (apply
		// deletes X once every change naming X is done): the fake's
		// timing alone may not show a wrong order.
		if ng := changeOf(t, p, generalAddr); !slices.Contains(ng.DependsOn, generalTemplateAddr) {
			t.Errorf("destroy=%v: the group's deletion depends on %v, not on its template", destroy, ng.DependsOn)
		}
		w.apply(t, p) // the fake records deleting a template in use as a violation
		i, j := w.logIndex("DeleteLaunchTemplate eksctl-lite-demo-ng-general"), w.logIndex("DeleteNodegroup demo/general")
		if i < 0 || j < 0 || i < j {
			t.Errorf("destroy=%v: template deleted at %d, node group at %d: want the group first\n%v", destroy, i, j, w.log)
		}
	}
}

// A managed node group on a custom AMI: EKS adds nothing to its user
// data, so the template holds the nodeadm NodeConfig that joins the
// cluster (made at apply when the cluster is new, from its endpoint and
// certificate authority), and CreateNodegroup sends no AMI type, version
// or release (the fake refuses them). A new ami_id is a new version.
func TestNodeGroupCustomAMIJoinsCluster(t *testing.T) {
	w := newFakeAccount()
	c := fullCluster("demo")
	ng := c.NodeGroups[0]
	ng.AMIType = "CUSTOM"
	ng.LaunchTemplate = testLaunchTemplate()
	ng.LaunchTemplate.AMIID = "ami-0123456789abcdef0"
	ng.LaunchTemplate.UserData = "#!/bin/bash\necho extra\n"
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	lt := changeOf(t, p, generalTemplateAddr)
	if got := lt.Refs["user_data"]; got != "cluster.demo" {
		t.Errorf("user data of a new cluster's template comes from %q, want cluster.demo", got)
	}
	w.apply(t, p)
	w.mu.Lock()
	tmpl := w.in("").templates["eksctl-lite-demo-ng-general"]
	cl := clusterFromAWS(describeCluster(w.in("").clusters["demo"]))
	ud, err := decodeUserData(aws.ToString(tmpl.versions[0].UserData))
	w.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"application/node.eks.aws", "apiServerEndpoint: " + cl.Endpoint, cl.CertificateAuthority, "name: demo", "echo extra", "--node-labels=role=general"} {
		if !strings.Contains(ud, want) {
			t.Errorf("user data lacks %q:\n%s", want, ud)
		}
	}
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Fatalf("plan after apply: %v", summaryOfChanges(p))
	}

	ng.LaunchTemplate.AMIID = "ami-0fedcba9876543210"
	p = mustPlan(t, w, testConfig(c), PlanOptions{})
	want := []string{
		generalAddr + " update UpdateNodegroupVersion:1.31",
		generalTemplateAddr + " update CreateLaunchTemplateVersion",
	}
	if d := cmp.Diff(want, summaryOfChanges(p)); d != "" {
		t.Fatalf("changes (-want +got):\n%s", d)
	}
	w.apply(t, p)
	if p := mustPlan(t, w, testConfig(c), PlanOptions{}); p.HasChanges() {
		t.Errorf("plan after the new AMI: %v", summaryOfChanges(p))
	}
}

// The text plan shows user data with the certificate authority cut to its
// length and hash (the JSON plan keeps it whole, as apply sends it).
func TestTextPlanShortensUserDataCA(t *testing.T) {
	c := fullCluster("demo")
	ng := c.NodeGroups[0]
	ng.AMIType = "CUSTOM"
	ng.LaunchTemplate = testLaunchTemplate()
	ng.LaunchTemplate.AMIID = "ami-0123456789abcdef0"
	w := converged(t, testConfig(fullCluster("demo"))) // the cluster exists: the user data is known at plan
	p := mustPlan(t, w, testConfig(c), PlanOptions{})
	ud := changeOf(t, p, generalTemplateAddr).After.(*LaunchTemplateAttrs).UserData
	w.mu.Lock()
	cl := clusterFromAWS(describeCluster(w.in("").clusters["demo"]))
	w.mu.Unlock()
	if !strings.Contains(ud, cl.CertificateAuthority) {
		t.Fatalf("the plan's user data lacks the cluster's CA:\n%s", ud)
	}
	var text bytes.Buffer
	if err := RenderText(&text, p, false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), cl.CertificateAuthority) || !strings.Contains(text.String(), "<certificate authority, ") {
		t.Errorf("text plan shows the CA whole, or not shortened:\n%s", text.String())
	}
}

package integration

// Access entries and their access policies through the binary: two entries
// (one with a namespace-scoped policy) created with the cluster, their
// groups and a policy's scope updated in place, one removed, and destroy,
// checked with the AWS SDK; the entries EKS makes by itself (the cluster
// creator's, the node role's) are never touched.

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

const (
	accessCIRole  = "arn:aws:iam::123456789012:role/ci-deployer"
	accessDevUser = "arn:aws:iam::123456789012:user/dev"
)

// accessEntries describes the cluster's access entries, by principal.
func accessEntries(t *testing.T, e *env, cluster string) map[string]*ekstypes.AccessEntry {
	t.Helper()
	out := map[string]*ekstypes.AccessEntry{}
	for pages := eks.NewListAccessEntriesPaginator(e.eks, &eks.ListAccessEntriesInput{ClusterName: aws.String(cluster)}); pages.HasMorePages(); {
		page, err := pages.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.AccessEntries {
			d, err := e.eks.DescribeAccessEntry(t.Context(), &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(p)})
			if err != nil {
				t.Fatal(err)
			}
			out[p] = d.AccessEntry
		}
	}
	return out
}

// accessPolicies lists the policies of principal's entry as
// "NAME cluster" or "NAME namespace a,b".
func accessPolicies(t *testing.T, e *env, cluster, principal string) []string {
	t.Helper()
	out, err := e.eks.ListAssociatedAccessPolicies(t.Context(), &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range out.AssociatedAccessPolicies {
		arn := aws.ToString(p.PolicyArn)
		s := arn[strings.LastIndex(arn, "/")+1:] + " " + string(p.AccessScope.Type)
		if ns := p.AccessScope.Namespaces; len(ns) > 0 {
			ns = append([]string{}, ns...)
			sort.Strings(ns)
			s += " " + strings.Join(ns, ",")
		}
		got = append(got, s)
	}
	sort.Strings(got)
	return got
}

func TestAccessEntriesLifecycle(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("access")
	dir := copyExample(t, e, "minimal", name)
	edit(t, dir, `  node_group "general" {`, `  access_entry "ci" {
    principal_arn     = "`+accessCIRole+`"
    kubernetes_groups = ["deployers"]

    policy "AmazonEKSViewPolicy" {}
    policy "AmazonEKSEditPolicy" {
      scope      = "namespace"
      namespaces = ["apps"]
    }
  }

  access_entry "dev" {
    principal_arn = "`+accessDevUser+`"
    username      = "dev"

    policy "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy" {}
  }

  node_group "general" {`)
	mustApply(t, e, dir)
	requireNoChanges(t, e, dir, "creating two access entries")

	got := accessEntries(t, e, name)
	ci, dev := got[accessCIRole], got[accessDevUser]
	if ci == nil || !cmp.Equal(ci.KubernetesGroups, []string{"deployers"}) || aws.ToString(ci.Type) != "STANDARD" || ci.Tags[provision.TagCluster] != name {
		t.Fatalf("ci entry %+v, want STANDARD with group deployers and the ownership tags", ci)
	}
	if dev == nil || aws.ToString(dev.Username) != "dev" {
		t.Fatalf("dev entry %+v, want username dev", dev)
	}
	if d := cmp.Diff([]string{"AmazonEKSEditPolicy namespace apps", "AmazonEKSViewPolicy cluster"}, accessPolicies(t, e, name, accessCIRole)); d != "" {
		t.Errorf("ci policies (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"AmazonEKSAdminViewPolicy cluster"}, accessPolicies(t, e, name, accessDevUser)); d != "" {
		t.Errorf("dev policies (-want +got):\n%s", d)
	}
	// EKS made its own entries: the creator's (with cluster admin) and the
	// node role's. Not ours, never planned.
	var theirs []string
	for p, entry := range got {
		if entry.Tags[provision.TagCluster] == "" {
			theirs = append(theirs, p)
		}
	}
	sort.Strings(theirs)
	if len(theirs) != 2 {
		t.Fatalf("entries EKS made: %v, want the creator's and the node role's", theirs)
	}

	// Groups and a scope change in place: the same entry (its ARN), with
	// UpdateAccessEntry and AssociateAccessPolicy (a namespace set, and a
	// scope type), and nothing deleted or created (the emulator's call log
	// says).
	edit(t, dir, `kubernetes_groups = ["deployers"]`, `kubernetes_groups = ["deployers", "releasers"]`,
		`namespaces = ["apps"]`, `namespaces = ["web", "apps"]`,
		`policy "AmazonEKSViewPolicy" {}`, `policy "AmazonEKSViewPolicy" {
      scope      = "namespace"
      namespaces = ["apps"]
    }`)
	e.clearCalls(t)
	r := mustApply(t, e, dir)
	ops := map[string]int{}
	for _, c := range e.calls(t) {
		if c.Service == "eks" {
			ops[c.Operation]++
		}
	}
	if ops["UpdateAccessEntry"] != 1 || ops["AssociateAccessPolicy"] != 2 || ops["CreateAccessEntry"]+ops["DeleteAccessEntry"]+ops["DisassociateAccessPolicy"] != 0 {
		t.Errorf("EKS calls %v, want one UpdateAccessEntry, two AssociateAccessPolicy (one per rescoped policy), nothing created or deleted\n%s", ops, r.stdout)
	}
	now := accessEntries(t, e, name)[accessCIRole]
	if aws.ToString(now.AccessEntryArn) != aws.ToString(ci.AccessEntryArn) || !cmp.Equal(now.KubernetesGroups, []string{"deployers", "releasers"}) {
		t.Errorf("ci entry after the update: %+v, want %s in place with both groups", now, aws.ToString(ci.AccessEntryArn))
	}
	if d := cmp.Diff([]string{"AmazonEKSEditPolicy namespace apps,web", "AmazonEKSViewPolicy namespace apps"}, accessPolicies(t, e, name, accessCIRole)); d != "" {
		t.Errorf("ci policies after the update (-want +got):\n%s", d)
	}
	requireNoChanges(t, e, dir, "updating an access entry and a policy scope")

	// A removed block: its entry goes; EKS's own stay, with their policy.
	edit(t, dir, `  access_entry "dev" {
    principal_arn = "`+accessDevUser+`"
    username      = "dev"

    policy "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy" {}
  }
`, "")
	mustApply(t, e, dir)
	got = accessEntries(t, e, name)
	if got[accessDevUser] != nil || got[accessCIRole] == nil {
		t.Errorf("after removing dev: %v", keys(got))
	}
	for _, p := range theirs {
		if got[p] == nil {
			t.Errorf("EKS's own entry %s is gone", p)
		}
	}
	creatorPolicies := 0
	for _, p := range theirs {
		creatorPolicies += len(accessPolicies(t, e, name, p))
	}
	if creatorPolicies != 1 {
		t.Errorf("EKS's own entries have %d policies, want the creator's cluster admin", creatorPolicies)
	}
	requireNoChanges(t, e, dir, "removing an access entry")

	// Destroy: our entry and its policies, before the cluster; never
	// EKS's own, which the plan does not name.
	r = e.run(t, dir, "plan", "--destroy")
	if r.code != 0 {
		t.Fatalf("plan --destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"cluster." + name + ".access_entry.ci will be destroyed",
		"cluster." + name + ".access_entry.ci.policy.AmazonEKSViewPolicy will be destroyed",
		"cluster." + name + ".access_entry.ci.policy.AmazonEKSEditPolicy will be destroyed",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan --destroy lacks %q:\n%s", want, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, `aws_eks_access_entry "`); n != 1 {
		t.Errorf("plan --destroy deletes %d access entries, want only ci (not EKS's own, %v):\n%s", n, theirs, r.stdout)
	}
	r = e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	requireNothingOwned(t, e, name)
}

// A live CONFIG_MAP cluster reads no access entries: an access_entry block
// is refused at plan, at the block, until the access block moves the
// cluster on, which apply does before it creates the entry.
func TestAccessEntriesOnAConfigMapCluster(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("access-cm")
	dir := copyExample(t, e, "minimal", name)
	edit(t, dir, `  node_group "general" {`, `  access {
    authentication_mode = "CONFIG_MAP"
  }

  node_group "general" {`)
	mustApply(t, e, dir)
	requireNoChanges(t, e, dir, "creating a CONFIG_MAP cluster")

	edit(t, dir, `  access {
    authentication_mode = "CONFIG_MAP"
  }
`, `  access_entry "ci" {
    principal_arn = "`+accessCIRole+`"
    policy "AmazonEKSViewPolicy" {}
  }
`)
	r := e.run(t, dir, "plan")
	if r.code != 1 || !strings.Contains(r.stderr, `authentication_mode = "API_AND_CONFIG_MAP"`) || !regexp.MustCompile(`main\.hcl:\d+`).MatchString(r.stderr) {
		t.Fatalf("plan exited %d, want 1 with an error at main.hcl:LINE naming the mode to set\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	edit(t, dir, `  access_entry "ci" {`, `  access {
    authentication_mode = "API_AND_CONFIG_MAP"
  }

  access_entry "ci" {`)
	mustApply(t, e, dir)
	if d := cmp.Diff([]string{"AmazonEKSViewPolicy cluster"}, accessPolicies(t, e, name, accessCIRole)); d != "" {
		t.Errorf("ci policies (-want +got):\n%s", d)
	}
	requireNoChanges(t, e, dir, "moving to API_AND_CONFIG_MAP and creating an access entry")
	if r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve"); r.code != 0 {
		t.Fatalf("destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	requireNothingOwned(t, e, name)
}

package integration

// apply and destroy through the built binary against the emulator: the
// lifecycle of examples/, checked with the AWS SDK as a user would.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

// fastApply makes progress lines frequent enough to be seen in tests.
var fastApply = []string{"EKSCTL_LITE_PROGRESS_INTERVAL=1s"}

// copyExample copies examples/<name> into a temporary directory, renaming
// the cluster (and the fixed irsa role names of the full example) so that
// the test owns its names, and returns the directory.
func copyExample(t *testing.T, e *env, name, cluster string) string {
	t.Helper()
	dir := configDir(t)
	src := filepath.Join("..", "examples", name)
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, ent := range entries {
		b, err := os.ReadFile(filepath.Join(src, ent.Name()))
		if err != nil {
			t.Fatal(err)
		}
		s := regexp.MustCompile(`cluster "[^"]+"`).ReplaceAllString(string(b), `cluster "`+cluster+`"`)
		s = strings.ReplaceAll(s, `role_name       = "full-external-dns"`, `role_name       = "`+cluster+`-external-dns"`)
		if err := os.WriteFile(filepath.Join(dir, ent.Name()), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// edit rewrites dir/main.hcl with each old -> new replacement, each of
// which must match.
func edit(t *testing.T, dir string, pairs ...string) {
	t.Helper()
	path := filepath.Join(dir, "main.hcl")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("edit: %q not in main.hcl", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// mustApply runs apply --auto-approve and fails the test unless it succeeds.
func mustApply(t *testing.T, e *env, dir string, args ...string) result {
	t.Helper()
	r := e.runWithEnv(t, dir, fastApply, append([]string{"apply", "--auto-approve"}, args...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "Apply complete!") {
		t.Fatalf("apply exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	return r
}

// requireNoChanges is "a plan right after apply is empty": plan
// --detailed-exitcode exits 0, and apply itself finds nothing to do.
func requireNoChanges(t *testing.T, e *env, dir, after string) {
	t.Helper()
	r := e.run(t, dir, "plan", "--detailed-exitcode")
	if r.code != 0 {
		t.Fatalf("after %s, plan --detailed-exitcode exited %d (want 0, no changes)\nstdout:\n%s\nstderr:\n%s", after, r.code, r.stdout, r.stderr)
	}
	r = e.run(t, dir, "apply")
	if r.code != 0 || !strings.Contains(r.stdout, "No changes.") {
		t.Fatalf("after %s, a second apply was not a no-op (exit %d)\nstdout:\n%s\nstderr:\n%s", after, r.code, r.stdout, r.stderr)
	}
}

// ownedNodegroups lists the cluster's node groups carrying the address tag
// addr, with their status.
func ownedNodegroups(t *testing.T, e *env, cluster, addr string) map[string]string {
	t.Helper()
	out := map[string]string{}
	list, err := e.eks.ListNodegroups(t.Context(), &eks.ListNodegroupsInput{ClusterName: aws.String(cluster)})
	if err != nil {
		t.Errorf("ListNodegroups: %v", err)
		return out
	}
	for _, n := range list.Nodegroups {
		d, err := e.eks.DescribeNodegroup(t.Context(), &eks.DescribeNodegroupInput{ClusterName: aws.String(cluster), NodegroupName: aws.String(n)})
		var nf *ekstypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			continue
		}
		if err != nil {
			t.Errorf("DescribeNodegroup %s: %v", n, err)
			continue
		}
		if d.Nodegroup.Tags[provision.TagAddress] == addr {
			out[n] = string(d.Nodegroup.Status)
		}
	}
	return out
}

// canonicalJSON decodes a (possibly URL-encoded) policy document into a
// value where single strings and one-element lists compare equal.
func canonicalJSON(t *testing.T, doc string) any {
	t.Helper()
	if dec, err := url.QueryUnescape(doc); err == nil && !strings.HasPrefix(strings.TrimSpace(doc), "{") {
		doc = dec
	}
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("policy %q: %v", doc, err)
	}
	var norm func(v any) any
	norm = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = norm(e)
			}
			return x
		case []any:
			if len(x) == 1 {
				if _, isString := x[0].(string); isString {
					return x[0]
				}
			}
			for i, e := range x {
				x[i] = norm(e)
			}
			return x
		}
		return v
	}
	return norm(v)
}

// The whole lifecycle of examples/full: every step through the binary,
// every result checked with the SDK, and after every step a plan with no
// changes.
func TestApplyLifecycleFull(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("full")
	dir := copyExample(t, e, "full", name)
	addr := func(rest string) string { return "cluster." + name + rest }

	// 1. From nothing.
	r := mustApply(t, e, dir)
	for _, want := range []string{
		addr("") + ": Creating...",
		addr("") + ": Creation complete after",
		addr(".node_group.batch") + ": Creation complete after",
		"Apply complete! Resources: 18 added, 0 changed, 0 destroyed.\n", // with the pod identity, two add-ons, the access entry and its two policies, and the managed roles
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("apply output lacks %q:\n%s", want, r.stdout)
		}
	}
	c := describeCluster(t, e, name)
	if c.Status != ekstypes.ClusterStatusActive || aws.ToString(c.Version) != "1.34" || c.Tags[provision.TagCluster] != name {
		t.Errorf("cluster: status %s version %s tags %v", c.Status, aws.ToString(c.Version), c.Tags)
	}
	for _, ng := range []string{"general", "batch"} {
		if got := describeNodegroup(t, e, name, ng).Status; got != ekstypes.NodegroupStatusActive {
			t.Errorf("node group %s is %s", ng, got)
		}
	}
	requireNoChanges(t, e, dir, "creating everything")

	// 2. Scaling, labels and taints change in place.
	edit(t, dir,
		`labels         = { role = "batch", "example.com/queue" = "default" }`, `labels         = { role = "batch", tier = "low" }`,
		`max_size = var.batch_max_nodes`, `max_size = 15`,
		`value  = "batch"`, `value  = "batch-v2"`)
	r = mustApply(t, e, dir)
	if !strings.Contains(r.stdout, "Resources: 0 added, 1 changed, 0 destroyed.\n") {
		t.Errorf("in-place update:\n%s", r.stdout)
	}
	ng := describeNodegroup(t, e, name, "batch")
	if got := aws.ToInt32(ng.ScalingConfig.MaxSize); got != 15 {
		t.Errorf("max size = %d, want 15", got)
	}
	if diff := cmp.Diff(map[string]string{"role": "batch", "tier": "low"}, ng.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	var taints []string
	for _, tt := range ng.Taints {
		taints = append(taints, aws.ToString(tt.Key)+"="+aws.ToString(tt.Value)+":"+string(tt.Effect))
	}
	sort.Strings(taints)
	if diff := cmp.Diff([]string{"dedicated=batch-v2:NO_SCHEDULE", "spot=:PREFER_NO_SCHEDULE"}, taints); diff != "" {
		t.Errorf("taints (-want +got):\n%s", diff)
	}
	requireNoChanges(t, e, dir, "an in-place update")

	// 3. Instance types force a replacement: the new group is ACTIVE
	// before the old one goes, so capacity never drops. A poller watches
	// the node groups carrying the batch address throughout.
	edit(t, dir, `instance_types = ["c6i.xlarge", "c6a.xlarge", "c5.xlarge"]`, `instance_types = ["c7i.xlarge"]`)
	batch := addr(".node_group.batch")
	var (
		mu        sync.Mutex
		snapshots []map[string]string
		stop      = make(chan struct{})
		done      = make(chan struct{})
	)
	go func() {
		defer close(done)
		for {
			s := ownedNodegroups(t, e, name, batch)
			mu.Lock()
			snapshots = append(snapshots, s)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	r = mustApply(t, e, dir)
	close(stop)
	<-done
	if !strings.Contains(r.stdout, "Resources: 1 added, 0 changed, 1 destroyed.\n(1 of them was a replacement)\n") {
		t.Errorf("replacement:\n%s", r.stdout)
	}
	sawTwo := false
	for i, s := range snapshots {
		active := 0
		for _, st := range s {
			if st == "ACTIVE" {
				active++
			}
		}
		if active == 0 {
			t.Errorf("snapshot %d of %d: no ACTIVE node group for %s: %v", i, len(snapshots), batch, s)
		}
		sawTwo = sawTwo || len(s) == 2
	}
	if !sawTwo {
		t.Errorf("never saw the old and new node groups side by side: %v", snapshots)
	}
	now := ownedNodegroups(t, e, name, batch)
	if len(now) != 1 || now["batch"] != "" {
		t.Fatalf("after the replacement: %v (want one group, not named batch)", now)
	}
	for n := range now {
		if got := describeNodegroup(t, e, name, n).InstanceTypes; !cmp.Equal(got, []string{"c7i.xlarge"}) {
			t.Errorf("new group's instance types = %v", got)
		}
	}
	requireNoChanges(t, e, dir, "a replacement")

	// 4. Removing a node group deletes it.
	b, _ := os.ReadFile(filepath.Join(dir, "main.hcl"))
	block := regexp.MustCompile(`(?s)  # Managed node group with every attribute set\..*?\n  node_group "general" \{.*?\n  \}\n`).FindString(string(b))
	if block == "" {
		t.Fatal("cannot find the general node group block")
	}
	edit(t, dir, block, "")
	r = mustApply(t, e, dir)
	if !strings.Contains(r.stdout, "Resources: 0 added, 0 changed, 1 destroyed.\n") {
		t.Errorf("removal:\n%s", r.stdout)
	}
	_, err := e.eks.DescribeNodegroup(t.Context(), &eks.DescribeNodegroupInput{ClusterName: aws.String(name), NodegroupName: aws.String("general")})
	wantErr[*ekstypes.ResourceNotFoundException](t, "DescribeNodegroup general after its removal", err)
	requireNoChanges(t, e, dir, "removing a node group")

	// 5. A new irsa block: a role with exactly the trust policy IRSA needs.
	edit(t, dir, `  irsa "dns" {`, `  irsa "metrics" {
    namespace       = "monitoring"
    service_account = "prometheus"
    policy_arns     = ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]
  }

  irsa "dns" {`)
	r = mustApply(t, e, dir)
	if !strings.Contains(r.stdout, "Resources: 1 added, 0 changed, 0 destroyed.\n") {
		t.Errorf("irsa:\n%s", r.stdout)
	}
	issuer := aws.ToString(describeCluster(t, e, name).Identity.Oidc.Issuer)
	host := strings.TrimPrefix(issuer, "https://")
	providers, err := e.iam.ListOpenIDConnectProviders(t.Context(), &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		t.Fatal(err)
	}
	var providerARN string
	for _, p := range providers.OpenIDConnectProviderList {
		if strings.HasSuffix(aws.ToString(p.Arn), ":oidc-provider/"+host) {
			providerARN = aws.ToString(p.Arn)
		}
	}
	if providerARN == "" {
		t.Fatalf("no OIDC provider for %s", issuer)
	}
	prov, err := e.iam.GetOpenIDConnectProvider(t.Context(), &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(prov.ClientIDList, []string{"sts.amazonaws.com"}) {
		t.Errorf("OIDC client IDs = %v", prov.ClientIDList)
	}
	role, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(name + "-metrics")})
	if err != nil {
		t.Fatalf("GetRole %s-metrics: %v", name, err)
	}
	requireIRSATrust(t, aws.ToString(role.Role.AssumeRolePolicyDocument), providerARN, host, "monitoring", "prometheus")
	if aws.ToString(role.Role.Path) != provision.RolePath {
		t.Errorf("role path = %s", aws.ToString(role.Role.Path))
	}
	attached, err := e.iam.ListAttachedRolePolicies(t.Context(), &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name + "-metrics")})
	if err != nil || len(attached.AttachedPolicies) != 1 || aws.ToString(attached.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess" {
		t.Errorf("attached policies: %v %v", attached, err)
	}
	requireNoChanges(t, e, dir, "adding an irsa block")

	// 6. Destroy leaves nothing owned behind.
	r = e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 || !strings.Contains(r.stdout, "Destroy complete! Resources: 18 destroyed.") {
		t.Fatalf("destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	requireNothingOwned(t, e, name)
	r = e.run(t, dir, "plan", "--destroy", "--detailed-exitcode")
	if r.code != 0 {
		t.Errorf("plan --destroy after destroy exited %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// requireNothingOwned checks that no cluster, IAM role or OIDC provider
// owned by the cluster block name is left.
func requireNothingOwned(t *testing.T, e *env, name string) {
	t.Helper()
	_, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)})
	wantErr[*ekstypes.ResourceNotFoundException](t, "DescribeCluster after destroy", err)
	// Every path: the managed node and pod execution roles live at /.
	var all []iamtypes.Role
	for pages := iam.NewListRolesPaginator(e.iam, &iam.ListRolesInput{}); pages.HasMorePages(); {
		page, err := pages.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Roles...)
	}
	for _, r := range all {
		tags, err := e.iam.ListRoleTags(t.Context(), &iam.ListRoleTagsInput{RoleName: r.RoleName})
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range tags.Tags {
			if aws.ToString(tag.Key) == provision.TagCluster && aws.ToString(tag.Value) == name {
				t.Errorf("role %s is left behind", aws.ToString(r.RoleName))
			}
		}
	}
	providers, err := e.iam.ListOpenIDConnectProviders(t.Context(), &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range providers.OpenIDConnectProviderList {
		out, err := e.iam.GetOpenIDConnectProvider(t.Context(), &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: p.Arn})
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range out.Tags {
			if aws.ToString(tag.Key) == provision.TagCluster && aws.ToString(tag.Value) == name {
				t.Errorf("OIDC provider %s is left behind", aws.ToString(p.Arn))
			}
		}
	}
}

// A node group created out of band in an owned cluster is never touched:
// apply leaves it alone, destroy keeps the cluster because of it (naming
// it, before deleting anything) and deletes nothing of it; once its owner
// removes it, destroy finishes.
func TestApplyLeavesNodeGroupsItDidNotCreate(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("minimal")
	dir := copyExample(t, e, "minimal", name)
	mustApply(t, e, dir)
	createNodegroup(t, e, name, "by-hand", true)

	requireNoChanges(t, e, dir, "creating a node group out of band")
	edit(t, dir, `max_size = 3`, `max_size = 4`)
	mustApply(t, e, dir)
	if got := describeNodegroup(t, e, name, "by-hand"); got.Status != ekstypes.NodegroupStatusActive || aws.ToInt32(got.ScalingConfig.MaxSize) != 3 {
		t.Errorf("the out-of-band node group changed: %s, max %d", got.Status, aws.ToInt32(got.ScalingConfig.MaxSize))
	}

	// The plan knows the cluster cannot be deleted: destroy deletes the
	// rest, keeps the cluster and says so, rather than failing halfway.
	r := e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("destroy exited %d, want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		fmt.Sprintf(`Cluster %q will NOT be deleted: it has node group "by-hand" that eksctl-lite did not create`, name),
		"then run eksctl-lite destroy again",
	} {
		if !strings.Contains(r.stdout+r.stderr, want) {
			t.Errorf("destroy output lacks %q:\nstdout:\n%s\nstderr:\n%s", want, r.stdout, r.stderr)
		}
	}
	if got := describeCluster(t, e, name).Status; got != ekstypes.ClusterStatusActive {
		t.Errorf("the blocked cluster is %s after destroy", got)
	}
	if got := describeNodegroup(t, e, name, "by-hand").Status; got != ekstypes.NodegroupStatusActive {
		t.Errorf("the out-of-band node group is %s after destroy", got)
	}
	_, err := e.eks.DescribeNodegroup(t.Context(), &eks.DescribeNodegroupInput{ClusterName: aws.String(name), NodegroupName: aws.String("general")})
	wantErr[*ekstypes.ResourceNotFoundException](t, "the owned node group after destroy", err)

	if _, err := e.eks.DeleteNodegroup(t.Context(), &eks.DeleteNodegroupInput{ClusterName: aws.String(name), NodegroupName: aws.String("by-hand")}); err != nil {
		t.Fatal(err)
	}
	e.waitNodegroupStatus(t, name, "by-hand", "")
	r = e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("second destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	requireNothingOwned(t, e, name)
}

// A saved plan applies without a question; one made stale by a change out
// of band is refused and changes nothing.
func TestApplySavedPlan(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("minimal")
	dir := copyExample(t, e, "minimal", name)
	mustApply(t, e, dir)

	edit(t, dir, `max_size = 3`, `max_size = 5`)
	planFile := filepath.Join(dir, "scale.plan")
	if r := e.run(t, dir, "plan", "--out", planFile); r.code != 0 {
		t.Fatalf("plan --out exited %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Someone scales the group by hand meanwhile.
	out, err := e.eks.UpdateNodegroupConfig(t.Context(), &eks.UpdateNodegroupConfigInput{ClusterName: aws.String(name), NodegroupName: aws.String("general"),
		ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(1), MaxSize: aws.Int32(4), DesiredSize: aws.Int32(1)}})
	if err != nil {
		t.Fatal(err)
	}
	e.waitUpdate(t, name, "general", aws.ToString(out.Update.Id))
	e.waitNodegroupStatus(t, name, "general", "ACTIVE")

	r := e.run(t, dir, "apply", planFile)
	want := "saved plan is stale: cluster." + name + ".node_group.general changed since it was made; run eksctl-lite plan again"
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Fatalf("stale plan: exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", r.code, want, r.stdout, r.stderr)
	}
	if got := aws.ToInt32(describeNodegroup(t, e, name, "general").ScalingConfig.MaxSize); got != 4 {
		t.Errorf("a stale plan changed the node group: max %d", got)
	}

	// A fresh saved plan applies: no terminal, no --auto-approve, no question.
	if r := e.run(t, dir, "plan", "--out", planFile); r.code != 0 {
		t.Fatalf("plan --out exited %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = e.runWithEnv(t, dir, fastApply, "apply", planFile)
	if r.code != 0 || !strings.Contains(r.stdout, "Apply complete! Resources: 0 added, 1 changed") {
		t.Fatalf("saved plan: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if got := aws.ToInt32(describeNodegroup(t, e, name, "general").ScalingConfig.MaxSize); got != 5 {
		t.Errorf("max size = %d after the saved plan, want 5", got)
	}
	requireNoChanges(t, e, dir, "applying a saved plan")
}

// Without a terminal, apply and destroy refuse to run unless
// --auto-approve says so; piping "yes" is not a terminal.
func TestApplyNeedsApprovalWithoutTerminal(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("minimal")
	dir := copyExample(t, e, "minimal", name)
	for _, cmd := range []string{"apply", "destroy"} {
		r := e.runWithStdin(t, dir, "yes\n", cmd)
		if cmd == "destroy" && r.code == 0 && strings.Contains(r.stdout, "No changes.") {
			continue // nothing to destroy yet: nothing to approve
		}
		if r.code != 1 || !strings.Contains(r.stderr, "--auto-approve") {
			t.Errorf("%s without a terminal: exit %d, want 1 and a message naming --auto-approve\nstdout:\n%s\nstderr:\n%s", cmd, r.code, r.stdout, r.stderr)
		}
	}
	_, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)})
	wantErr[*ekstypes.ResourceNotFoundException](t, "DescribeCluster after a refused apply", err)
}

// Throttling and a lost response are survived: the SDK retries throttled
// calls, and a create whose response was lost (so the retry finds the
// resource already there) is recognised as ours and completed.
func TestApplySurvivesThrottlingAndLostResponses(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	name := e.uniqueName("minimal")
	dir := copyExample(t, e, "minimal", name)
	e.injectFault(t, "DescribeCluster", "throttle", 3, 0)
	e.injectFault(t, "CreateNodegroup", "throttle", 2, 0)
	e.injectFault(t, "iam:AttachRolePolicy", "throttle", 2, 0)
	e.injectFault(t, "iam:CreateRole", "drop_after", 1, 0)
	mustApply(t, e, dir)
	throttled := map[string]int{}
	for _, c := range e.calls(t) {
		if c.Status == "throttle" || strings.HasPrefix(c.Status, "dropped") {
			throttled[c.Operation+" "+c.Status]++
		}
	}
	for _, op := range []string{"DescribeCluster throttle", "CreateNodegroup throttle", "AttachRolePolicy throttle"} {
		if throttled[op] == 0 {
			t.Errorf("the fault %q never hit (the test proves nothing): %v", op, throttled)
		}
	}
	if got := describeNodegroup(t, e, name, "general").Status; got != ekstypes.NodegroupStatusActive {
		t.Errorf("node group is %s", got)
	}
	roles, err := e.iam.ListRoles(t.Context(), &iam.ListRolesInput{PathPrefix: aws.String(provision.RolePath)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range roles.Roles {
		names = append(names, aws.ToString(r.RoleName))
	}
	sort.Strings(names)
	// The node role lives at / (aws-auth cannot map role ARNs with a path).
	if diff := cmp.Diff([]string{"eksctl-lite-" + name + "-" + testRegion + "-cluster"}, names); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	nodeRole, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String("eksctl-lite-" + name + "-" + testRegion + "-node")})
	if err != nil || aws.ToString(nodeRole.Role.Path) != "/" {
		t.Errorf("managed node role: %v %v", nodeRole, err)
	}
	requireNoChanges(t, e, dir, "an apply with throttling")
}

// An interrupt (SIGINT) while the cluster is creating: apply starts nothing
// new, says what was in progress and what did not start, exits 130; the
// next apply converges.
func TestApplyInterruptedThenConverges(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	e.setDelays(t, 4*time.Second, 200*time.Millisecond, 200*time.Millisecond)
	name := e.uniqueName("minimal")
	dir := copyExample(t, e, "minimal", name)

	p := e.start(t, dir, "apply", "--auto-approve")
	cmd, stdout, stderr := p.cmd, p.stdout, p.stderr
	waitFor(t, "apply to start creating the cluster", func() (bool, error) {
		return strings.Contains(stdout.String(), "cluster."+name+": Creating..."), nil
	})
	time.Sleep(300 * time.Millisecond) // CreateCluster has returned; apply is waiting
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("interrupted apply: %v, want exit status 130\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	for _, want := range []string{
		"In progress when interrupted (AWS carries on with what it was doing):\n  cluster." + name + ": stopped waiting for cluster " + name + " to become ACTIVE",
		"Not started:\n  cluster." + name + ".node_group.general (create)",
		"Re-run eksctl-lite apply to continue",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\nstdout:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "Interrupt received") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if c := describeCluster(t, e, name); c.Status != ekstypes.ClusterStatusCreating {
		t.Errorf("cluster is %s; the interrupt came too late to test anything", c.Status)
	}

	// The next apply picks up: the cluster is CREATING, planned as
	// unchanged, waited for; then the node group is created.
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond)
	r := mustApply(t, e, dir)
	if !strings.Contains(r.stdout, "Resources: 1 added, 0 changed, 0 destroyed.\n") {
		t.Errorf("second apply:\n%s", r.stdout)
	}
	requireNoChanges(t, e, dir, "an interrupted apply and its re-run")
}

// requireIRSATrust checks an irsa role's trust policy is exactly the one
// issue 4 specifies, compared as JSON: the cluster's OIDC provider as the
// Federated principal, sts:AssumeRoleWithWebIdentity, and StringEquals on
// the issuer's sub (the service account) and aud (sts.amazonaws.com).
func requireIRSATrust(t *testing.T, got, providerARN, issuerHost, namespace, serviceAccount string) {
	t.Helper()
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Federated":"` + providerARN + `"},
		"Action":"sts:AssumeRoleWithWebIdentity",
		"Condition":{"StringEquals":{
			"` + issuerHost + `:sub":"system:serviceaccount:` + namespace + `:` + serviceAccount + `",
			"` + issuerHost + `:aud":"sts.amazonaws.com"}}}]}`
	if diff := cmp.Diff(canonicalJSON(t, want), canonicalJSON(t, got)); diff != "" {
		t.Errorf("irsa trust policy (-want +got):\n%s", diff)
	}
}

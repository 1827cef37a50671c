package integration

// More of the apply and destroy lifecycle through the binary: several
// clusters with Fargate profiles at once, an irsa block added to a cluster
// that had none, and interrupts (a second SIGINT, SIGTERM).

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

	"github.com/eksctl-lite/eksctl-lite/provision"
)

// copyMultiCluster copies examples/multi-cluster into a temporary
// directory, naming its clusters <prefix>-blue and <prefix>-green and
// giving each the Fargate profiles named in profiles (the example has
// none), and returns the directory.
func copyMultiCluster(t *testing.T, prefix string, profiles ...string) string {
	t.Helper()
	dir := configDir(t)
	src := filepath.Join("..", "examples", "multi-cluster")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	var fargate strings.Builder
	for _, p := range profiles {
		fargate.WriteString("  fargate_profile \"" + p + "\" {\n    selector {\n      namespace = \"" + p + "\"\n    }\n  }\n\n")
	}
	for _, ent := range entries {
		b, err := os.ReadFile(filepath.Join(src, ent.Name()))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if ent.Name() == "main.hcl" {
			n := 0
			s = regexp.MustCompile(`cluster "(blue|green)" \{\n`).ReplaceAllStringFunc(s, func(m string) string {
				n++
				color := strings.TrimSuffix(strings.TrimPrefix(m, `cluster "`), "\" {\n")
				return `cluster "` + prefix + "-" + color + "\" {\n" + fargate.String()
			})
			if n != 2 {
				t.Fatalf("examples/multi-cluster/main.hcl: found %d of the blue and green cluster blocks", n)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, ent.Name()), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// refusedFargateCalls lists the Fargate create and delete calls the
// emulator refused (it answers 409 ResourceInUseException, as EKS does, to
// a second profile creating or deleting in one cluster).
func refusedFargateCalls(t *testing.T, e *env) []call {
	t.Helper()
	var out []call
	for _, c := range e.calls(t) {
		if (c.Operation == "CreateFargateProfile" || c.Operation == "DeleteFargateProfile") && c.Status != "200" {
			out = append(out, c)
		}
	}
	return out
}

// examples/multi-cluster, with three Fargate profiles per cluster: apply
// from nothing, a plan with no changes, destroy leaving nothing owned. The
// profiles of one cluster are serialised (never one refused), the clusters
// proceed independently.
func TestApplyLifecycleMultiCluster(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	prefix := e.uniqueName("multi")
	clusters := []string{prefix + "-blue", prefix + "-green"}
	profiles := []string{"apps", "batch", "jobs"}
	dir := copyMultiCluster(t, prefix, profiles...)

	r := mustApply(t, e, dir)
	// Per cluster: its role, node role, pod execution role, the cluster,
	// one node group, three Fargate profiles.
	if !strings.Contains(r.stdout, "Apply complete! Resources: 16 added, 0 changed, 0 destroyed.\n") {
		t.Errorf("apply:\n%s", r.stdout)
	}
	for _, name := range clusters {
		c := describeCluster(t, e, name)
		if c.Status != ekstypes.ClusterStatusActive || c.Tags[provision.TagCluster] != name {
			t.Errorf("cluster %s: status %s tags %v", name, c.Status, c.Tags)
		}
		if got := describeNodegroup(t, e, name, "general").Status; got != ekstypes.NodegroupStatusActive {
			t.Errorf("node group %s/general is %s", name, got)
		}
		for _, p := range profiles {
			out, err := e.eks.DescribeFargateProfile(t.Context(), &eks.DescribeFargateProfileInput{ClusterName: aws.String(name), FargateProfileName: aws.String(p)})
			if err != nil {
				t.Errorf("DescribeFargateProfile %s/%s: %v", name, p, err)
				continue
			}
			if fp := out.FargateProfile; fp.Status != ekstypes.FargateProfileStatusActive || fp.Tags[provision.TagCluster] != name {
				t.Errorf("Fargate profile %s/%s: status %s tags %v", name, p, fp.Status, fp.Tags)
			}
		}
	}
	if refused := refusedFargateCalls(t, e); len(refused) > 0 {
		t.Errorf("apply sent Fargate calls EKS refuses (they must be serialised per cluster, not retried): %v", refused)
	}
	requireNoChanges(t, e, dir, "creating two clusters")

	e.clearCalls(t)
	r = e.runWithEnv(t, dir, fastApply, "destroy", "--auto-approve")
	if r.code != 0 || !strings.Contains(r.stdout, "Destroy complete! Resources: 16 destroyed.") {
		t.Fatalf("destroy exited %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if refused := refusedFargateCalls(t, e); len(refused) > 0 {
		t.Errorf("destroy sent Fargate calls EKS refuses: %v", refused)
	}
	for _, name := range clusters {
		requireNothingOwned(t, e, name)
	}
	r = e.run(t, dir, "plan", "--destroy", "--detailed-exitcode")
	if r.code != 0 {
		t.Errorf("plan --destroy after destroy exited %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// An irsa block added to a cluster that had none: apply creates the OIDC
// provider for the cluster's issuer (client ID sts.amazonaws.com), then the
// role with exactly the trust policy IRSA needs.
func TestApplyFirstIrsaBlockCreatesOIDCProvider(t *testing.T) {
	e := newEnv(t)
	name := e.uniqueName("minimal")
	dir := copyExample(t, e, "minimal", name)
	mustApply(t, e, dir)

	issuer := aws.ToString(describeCluster(t, e, name).Identity.Oidc.Issuer)
	host := strings.TrimPrefix(issuer, "https://")
	if issuer == "" || host == issuer {
		t.Fatalf("cluster issuer %q is not an https URL", issuer)
	}
	providerFor := func() string {
		t.Helper()
		out, err := e.iam.ListOpenIDConnectProviders(t.Context(), &iam.ListOpenIDConnectProvidersInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range out.OpenIDConnectProviderList {
			if strings.HasSuffix(aws.ToString(p.Arn), ":oidc-provider/"+host) {
				return aws.ToString(p.Arn)
			}
		}
		return ""
	}
	if arn := providerFor(); arn != "" {
		t.Fatalf("an OIDC provider %s exists before any irsa block: the test proves nothing", arn)
	}

	edit(t, dir, `  node_group "general" {`, `  irsa "reader" {
    namespace       = "apps"
    service_account = "reader"
    policy_arns     = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
  }

  node_group "general" {`)
	r := mustApply(t, e, dir)
	if !strings.Contains(r.stdout, "Resources: 2 added, 0 changed, 0 destroyed.\n") {
		t.Errorf("apply of the irsa block:\n%s", r.stdout)
	}
	providerARN := providerFor()
	if providerARN == "" {
		t.Fatalf("no OIDC provider for %s after apply", issuer)
	}
	prov, err := e.iam.GetOpenIDConnectProvider(t.Context(), &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(providerARN)})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimPrefix(aws.ToString(prov.Url), "https://"); got != host {
		t.Errorf("OIDC provider URL = %s, want the cluster's issuer %s", aws.ToString(prov.Url), issuer)
	}
	if !cmp.Equal(prov.ClientIDList, []string{"sts.amazonaws.com"}) {
		t.Errorf("OIDC client IDs = %v, want [sts.amazonaws.com]", prov.ClientIDList)
	}
	role, err := e.iam.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String(name + "-reader")})
	if err != nil {
		t.Fatalf("GetRole %s-reader: %v", name, err)
	}
	requireIRSATrust(t, aws.ToString(role.Role.AssumeRolePolicyDocument), providerARN, host, "apps", "reader")
	attached, err := e.iam.ListAttachedRolePolicies(t.Context(), &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name + "-reader")})
	if err != nil || len(attached.AttachedPolicies) != 1 || aws.ToString(attached.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" {
		t.Errorf("attached policies: %v %v", attached, err)
	}
	requireNoChanges(t, e, dir, "adding the first irsa block")
}

// startApply starts `apply --auto-approve` in dir in the background, its
// output collected in the returned writers; exited is closed once it has
// exited (then cmd.ProcessState is set).
func startApply(t *testing.T, e *env, dir string) (cmd *exec.Cmd, stdout, stderr *syncWriter, exited chan struct{}) {
	t.Helper()
	p := e.start(t, dir, "apply", "--auto-approve")
	cmd, stdout, stderr = p.cmd, p.stdout, p.stderr
	exited = make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
	})
	return cmd, stdout, stderr, exited
}

// The first interrupt waits for the AWS calls in flight; a second one
// exits at once, even while a call is still unanswered. SIGTERM is an
// interrupt too, exiting 143 with the in-progress report. Then one more
// apply converges.
func TestApplySecondInterruptAndSIGTERM(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	name := e.uniqueName("minimal")
	dir := copyExample(t, e, "minimal", name)

	// 1. The first AttachRolePolicy of each managed role (right after it
	// is created; a role's policies are attached one after another) takes
	// 10s to be answered, so nothing else starts meanwhile. The call is
	// idempotent: its late arrival in the emulator harms nothing.
	const latency = 10 * time.Second
	e.injectFault(t, "iam:AttachRolePolicy", "latency", 2, latency)
	injected := time.Now()
	// Let the delayed calls land in this test rather than in the next one.
	t.Cleanup(func() { time.Sleep(time.Until(injected.Add(latency + 500*time.Millisecond))) })
	cmd, stdout, stderr, exited := startApply(t, e, dir)
	waitFor(t, "apply to create both managed roles", func() (bool, error) {
		n := 0
		for _, c := range e.calls(t) {
			if c.Operation == "CreateRole" && c.Status == "200" {
				n++
			}
		}
		return n == 2, nil
	})
	time.Sleep(300 * time.Millisecond) // the delayed AttachRolePolicy is in flight
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		t.Fatalf("apply exited after the first interrupt although a call was in flight (or none was: the test proves nothing)\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	case <-time.After(time.Second):
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	second := time.Now()
	select {
	case <-exited:
	case <-time.After(latency / 2):
		t.Fatalf("apply still runs %v after a second interrupt\nstdout:\n%s\nstderr:\n%s", latency/2, stdout, stderr)
	}
	if took := time.Since(second); took > 2*time.Second {
		t.Errorf("apply took %v to exit after the second interrupt; want at once", took)
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit status after a second SIGINT = %d, want 130\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr.String(), "Second interrupt: exiting now.") {
		t.Errorf("stderr:\n%s", stderr)
	}
	_, err := e.eks.DescribeCluster(t.Context(), &eks.DescribeClusterInput{Name: aws.String(name)})
	wantErr[*ekstypes.ResourceNotFoundException](t, "DescribeCluster after the doubly interrupted apply", err)

	// 2. SIGTERM while the cluster is creating: no new action, the
	// in-progress report, exit 143.
	e.setDelays(t, 4*time.Second, 200*time.Millisecond, 200*time.Millisecond)
	cmd, stdout, stderr, exited = startApply(t, e, dir)
	waitFor(t, "apply to start creating the cluster", func() (bool, error) {
		select {
		case <-exited:
			return false, fmt.Errorf("apply exited first\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
		default:
		}
		return strings.Contains(stdout.String(), "cluster."+name+": Creating..."), nil
	})
	time.Sleep(300 * time.Millisecond) // CreateCluster has returned; apply is waiting
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-exited
	if code := cmd.ProcessState.ExitCode(); code != 143 {
		t.Fatalf("exit status after SIGTERM = %d, want 143\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"In progress when interrupted (AWS carries on with what it was doing):\n  cluster." + name + ": stopped waiting for cluster " + name + " to become ACTIVE",
		"Not started:\n  cluster." + name + ".node_group.general (create)",
		"Re-run eksctl-lite apply to continue",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output after SIGTERM lacks %q:\nstdout:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr.String(), "Interrupt received") {
		t.Errorf("stderr after SIGTERM:\n%s", stderr)
	}

	// 3. One more apply converges.
	e.setDelays(t, 300*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond)
	mustApply(t, e, dir)
	requireNoChanges(t, e, dir, "a doubly interrupted apply, a SIGTERM and a re-run")
	if got := describeNodegroup(t, e, name, "general").Status; got != ekstypes.NodegroupStatusActive {
		t.Errorf("node group is %s", got)
	}
}

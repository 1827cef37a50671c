package integration

// Tests of the emulator's access entries, add-ons and Pod Identity
// associations (emulator/eks_access.py, eks_addons.py, eks_pod_identity.py;
// moto 5.2.1 answers all of them with 404), through aws-sdk-go-v2: one test
// per behaviour, each failing with its patch switched off
// (EKSCTL_LITE_EMULATOR_DISABLE=<name>, listed in README.md).

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
)

const (
	testDevRole   = "arn:aws:iam::123456789012:role/dev"
	testAdminRole = "arn:aws:iam::123456789012:role/admin"
	viewPolicy    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	adminPolicy   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
)

// createClusterAccess creates an ACTIVE 1.32 cluster with this access config.
func createClusterAccess(t *testing.T, e *env, name string, mode ekstypes.AuthenticationMode, bootstrap *bool) {
	t.Helper()
	_, err := e.eks.CreateCluster(t.Context(), &eks.CreateClusterInput{
		Name: aws.String(name), Version: aws.String("1.32"), RoleArn: aws.String(testClusterRole),
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: testSubnets},
		AccessConfig:       &ekstypes.CreateAccessConfigRequest{AuthenticationMode: mode, BootstrapClusterCreatorAdminPermissions: bootstrap},
	})
	if err != nil {
		t.Fatalf("CreateCluster %s: %v", name, err)
	}
	e.waitClusterStatus(t, name, "ACTIVE")
}

func listAccessEntries(t *testing.T, e *env, cluster string) []string {
	t.Helper()
	out, err := e.eks.ListAccessEntries(t.Context(), &eks.ListAccessEntriesInput{ClusterName: aws.String(cluster)}, noRetry)
	if err != nil {
		t.Fatalf("ListAccessEntries %s: %v", cluster, err)
	}
	return out.AccessEntries
}

func describeAccessEntry(t *testing.T, e *env, cluster, principal string) *ekstypes.AccessEntry {
	t.Helper()
	out, err := e.eks.DescribeAccessEntry(t.Context(), &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal)}, noRetry)
	if err != nil {
		t.Fatalf("DescribeAccessEntry %s: %v", principal, err)
	}
	return out.AccessEntry
}

// An access entry: created as STANDARD with EKS's username, described,
// listed, updated (groups and username; type and principal stay), tagged by
// its ARN, deleted.
func TestEmulatorAccessEntryLifecycle(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createClusterAccess(t, e, "ae", ekstypes.AuthenticationModeApi, aws.Bool(false))

	out, err := e.eks.CreateAccessEntry(t.Context(), &eks.CreateAccessEntryInput{
		ClusterName: aws.String("ae"), PrincipalArn: aws.String(testDevRole),
		KubernetesGroups: []string{"devs"}, Tags: map[string]string{"team": "a"},
	}, noRetry)
	if err != nil {
		t.Fatalf("CreateAccessEntry: %v", err)
	}
	got := out.AccessEntry
	if aws.ToString(got.Type) != "STANDARD" || aws.ToString(got.Username) != "arn:aws:sts::123456789012:assumed-role/dev/{{SessionName}}" {
		t.Errorf("created type %q username %q; want STANDARD and EKS's assumed-role username", aws.ToString(got.Type), aws.ToString(got.Username))
	}
	if got := listAccessEntries(t, e, "ae"); !slices.Equal(got, []string{testDevRole}) {
		t.Errorf("ListAccessEntries = %v, want [%s]", got, testDevRole)
	}
	upd, err := e.eks.UpdateAccessEntry(t.Context(), &eks.UpdateAccessEntryInput{
		ClusterName: aws.String("ae"), PrincipalArn: aws.String(testDevRole),
		KubernetesGroups: []string{"devs", "ops"}, Username: aws.String("dev"),
	}, noRetry)
	if err != nil {
		t.Fatalf("UpdateAccessEntry: %v", err)
	}
	want := []string{"devs", "ops"}
	d := describeAccessEntry(t, e, "ae", testDevRole)
	if !slices.Equal(d.KubernetesGroups, want) || aws.ToString(d.Username) != "dev" || aws.ToString(d.Type) != "STANDARD" ||
		aws.ToString(d.AccessEntryArn) != aws.ToString(upd.AccessEntry.AccessEntryArn) {
		t.Errorf("after update: groups %v username %q type %q; want %v, dev, STANDARD, same ARN", d.KubernetesGroups, aws.ToString(d.Username), aws.ToString(d.Type), want)
	}
	if _, err := e.eks.TagResource(t.Context(), &eks.TagResourceInput{ResourceArn: d.AccessEntryArn, Tags: map[string]string{"env": "test"}}, noRetry); err != nil {
		t.Fatalf("TagResource on the access entry: %v", err)
	}
	tags, err := e.eks.ListTagsForResource(t.Context(), &eks.ListTagsForResourceInput{ResourceArn: d.AccessEntryArn}, noRetry)
	if err != nil || !cmp.Equal(tags.Tags, map[string]string{"team": "a", "env": "test"}) {
		t.Errorf("ListTagsForResource = %v, %v; want team and env", tags, err)
	}
	if _, err := e.eks.DeleteAccessEntry(t.Context(), &eks.DeleteAccessEntryInput{ClusterName: aws.String("ae"), PrincipalArn: aws.String(testDevRole)}, noRetry); err != nil {
		t.Fatalf("DeleteAccessEntry: %v", err)
	}
	_, err = e.eks.DescribeAccessEntry(t.Context(), &eks.DescribeAccessEntryInput{ClusterName: aws.String("ae"), PrincipalArn: aws.String(testDevRole)}, noRetry)
	wantErr[*ekstypes.ResourceNotFoundException](t, "DescribeAccessEntry after delete", err)
}

// The access policy catalogue, and associating, re-scoping, filtering and
// disassociating policies.
func TestEmulatorAccessPolicies(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	pols, err := e.eks.ListAccessPolicies(t.Context(), &eks.ListAccessPoliciesInput{}, noRetry)
	if err != nil {
		t.Fatalf("ListAccessPolicies: %v", err)
	}
	have := map[string]string{}
	for _, p := range pols.AccessPolicies {
		have[aws.ToString(p.Name)] = aws.ToString(p.Arn)
	}
	for _, n := range []string{"AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"} {
		if have[n] != "arn:aws:eks::aws:cluster-access-policy/"+n {
			t.Errorf("ListAccessPolicies: %s has ARN %q", n, have[n])
		}
	}

	createClusterAccess(t, e, "ap", ekstypes.AuthenticationModeApiAndConfigMap, aws.Bool(false))
	for _, p := range []string{testDevRole, testAdminRole} {
		if _, err := e.eks.CreateAccessEntry(t.Context(), &eks.CreateAccessEntryInput{ClusterName: aws.String("ap"), PrincipalArn: aws.String(p)}, noRetry); err != nil {
			t.Fatalf("CreateAccessEntry %s: %v", p, err)
		}
	}
	associate := func(scope ekstypes.AccessScope) error {
		_, err := e.eks.AssociateAccessPolicy(t.Context(), &eks.AssociateAccessPolicyInput{
			ClusterName: aws.String("ap"), PrincipalArn: aws.String(testDevRole), PolicyArn: aws.String(viewPolicy), AccessScope: &scope,
		}, noRetry)
		return err
	}
	if err := associate(ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace, Namespaces: []string{"apps"}}); err != nil {
		t.Fatalf("AssociateAccessPolicy: %v", err)
	}
	// Associating the same policy again changes its scope.
	if err := associate(ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}); err != nil {
		t.Fatalf("AssociateAccessPolicy again: %v", err)
	}
	assoc, err := e.eks.ListAssociatedAccessPolicies(t.Context(), &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String("ap"), PrincipalArn: aws.String(testDevRole)}, noRetry)
	if err != nil || len(assoc.AssociatedAccessPolicies) != 1 || aws.ToString(assoc.AssociatedAccessPolicies[0].PolicyArn) != viewPolicy ||
		assoc.AssociatedAccessPolicies[0].AccessScope.Type != ekstypes.AccessScopeTypeCluster {
		t.Fatalf("ListAssociatedAccessPolicies = %+v, %v; want the view policy on the cluster", assoc, err)
	}
	filtered, err := e.eks.ListAccessEntries(t.Context(), &eks.ListAccessEntriesInput{ClusterName: aws.String("ap"), AssociatedPolicyArn: aws.String(viewPolicy)}, noRetry)
	if err != nil || !slices.Equal(filtered.AccessEntries, []string{testDevRole}) {
		t.Errorf("ListAccessEntries associatedPolicyArn = %v, %v; want only %s", filtered, err, testDevRole)
	}
	dis := &eks.DisassociateAccessPolicyInput{ClusterName: aws.String("ap"), PrincipalArn: aws.String(testDevRole), PolicyArn: aws.String(viewPolicy)}
	if _, err := e.eks.DisassociateAccessPolicy(t.Context(), dis, noRetry); err != nil {
		t.Fatalf("DisassociateAccessPolicy: %v", err)
	}
	_, err = e.eks.DisassociateAccessPolicy(t.Context(), dis, noRetry)
	wantErr[*ekstypes.ResourceNotFoundException](t, "DisassociateAccessPolicy of a policy not associated", err)
}

// "If you set the value to EC2_LINUX or EC2_WINDOWS, you can't specify
// values for kubernetesGroups, or associate an AccessPolicy to the access
// entry" (CreateAccessEntryRequest.type).
func TestEmulatorAccessEntryNodeTypes(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createClusterAccess(t, e, "nt", ekstypes.AuthenticationModeApi, aws.Bool(false))
	_, err := e.eks.CreateAccessEntry(t.Context(), &eks.CreateAccessEntryInput{
		ClusterName: aws.String("nt"), PrincipalArn: aws.String(testNodeRole), Type: aws.String("EC2_LINUX"), KubernetesGroups: []string{"nodes"},
	}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "CreateAccessEntry EC2_LINUX with kubernetesGroups", err)

	if _, err := e.eks.CreateAccessEntry(t.Context(), &eks.CreateAccessEntryInput{
		ClusterName: aws.String("nt"), PrincipalArn: aws.String(testNodeRole), Type: aws.String("EC2_LINUX"),
	}, noRetry); err != nil {
		t.Fatalf("CreateAccessEntry EC2_LINUX: %v", err)
	}
	if u := aws.ToString(describeAccessEntry(t, e, "nt", testNodeRole).Username); u != "system:node:{{EC2PrivateDNSName}}" {
		t.Errorf("EC2_LINUX username %q, want system:node:{{EC2PrivateDNSName}}", u)
	}
	_, err = e.eks.UpdateAccessEntry(t.Context(), &eks.UpdateAccessEntryInput{
		ClusterName: aws.String("nt"), PrincipalArn: aws.String(testNodeRole), KubernetesGroups: []string{"nodes"},
	}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateAccessEntry EC2_LINUX with kubernetesGroups", err)
	_, err = e.eks.AssociateAccessPolicy(t.Context(), &eks.AssociateAccessPolicyInput{
		ClusterName: aws.String("nt"), PrincipalArn: aws.String(testNodeRole), PolicyArn: aws.String(viewPolicy),
		AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster},
	}, noRetry)
	wantErr[*ekstypes.InvalidRequestException](t, "AssociateAccessPolicy to an EC2_LINUX entry", err)
}

// "You can't specify the same ARN in more than one access entry"
// (CreateAccessEntryRequest.principalArn), whatever the type; the type cannot
// be changed afterwards (UpdateAccessEntry has no type).
func TestEmulatorAccessEntryDuplicatePrincipal(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createClusterAccess(t, e, "dup", ekstypes.AuthenticationModeApi, aws.Bool(false))
	in := &eks.CreateAccessEntryInput{ClusterName: aws.String("dup"), PrincipalArn: aws.String(testDevRole)}
	if _, err := e.eks.CreateAccessEntry(t.Context(), in, noRetry); err != nil {
		t.Fatal(err)
	}
	in.Type = aws.String("EC2_LINUX")
	_, err := e.eks.CreateAccessEntry(t.Context(), in, noRetry)
	wantErr[*ekstypes.ResourceInUseException](t, "CreateAccessEntry for a principal that has one", err)
	if typ := aws.ToString(describeAccessEntry(t, e, "dup", testDevRole).Type); typ != "STANDARD" {
		t.Errorf("type after the refused create %q, want STANDARD", typ)
	}
}

// An access scope is cluster (no namespaces) or namespace (namespaces
// required, AccessScope.namespaces).
func TestEmulatorAccessScope(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createClusterAccess(t, e, "sc", ekstypes.AuthenticationModeApi, aws.Bool(false))
	if _, err := e.eks.CreateAccessEntry(t.Context(), &eks.CreateAccessEntryInput{ClusterName: aws.String("sc"), PrincipalArn: aws.String(testDevRole)}, noRetry); err != nil {
		t.Fatal(err)
	}
	for name, scope := range map[string]ekstypes.AccessScope{
		"namespace without namespaces": {Type: ekstypes.AccessScopeTypeNamespace},
		"cluster with namespaces":      {Type: ekstypes.AccessScopeTypeCluster, Namespaces: []string{"apps"}},
	} {
		_, err := e.eks.AssociateAccessPolicy(t.Context(), &eks.AssociateAccessPolicyInput{
			ClusterName: aws.String("sc"), PrincipalArn: aws.String(testDevRole), PolicyArn: aws.String(viewPolicy), AccessScope: &scope,
		}, noRetry)
		wantErr[*ekstypes.InvalidParameterException](t, "AssociateAccessPolicy "+name, err)
	}
}

// A cluster created without accessConfig is CONFIG_MAP with the creator's
// admin permissions (the documented defaults for the API), and refuses
// access entry calls with InvalidRequestException.
func TestEmulatorAccessEntriesRefusedInConfigMapMode(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "cm", "1.32", true)
	ac := describeCluster(t, e, "cm").AccessConfig
	if ac == nil || ac.AuthenticationMode != ekstypes.AuthenticationModeConfigMap || !aws.ToBool(ac.BootstrapClusterCreatorAdminPermissions) {
		t.Errorf("default accessConfig %+v, want CONFIG_MAP with bootstrapClusterCreatorAdminPermissions", ac)
	}
	_, err := e.eks.CreateAccessEntry(t.Context(), &eks.CreateAccessEntryInput{ClusterName: aws.String("cm"), PrincipalArn: aws.String(testDevRole)}, noRetry)
	wantErr[*ekstypes.InvalidRequestException](t, "CreateAccessEntry on a CONFIG_MAP cluster", err)
	_, err = e.eks.ListAccessEntries(t.Context(), &eks.ListAccessEntriesInput{ClusterName: aws.String("cm")}, noRetry)
	wantErr[*ekstypes.InvalidRequestException](t, "ListAccessEntries on a CONFIG_MAP cluster", err)
}

// EKS creates access entries by itself: the creator's (with
// AmazonEKSClusterAdminPolicy) unless bootstrapClusterCreatorAdminPermissions
// is false, a managed node group's node role (EC2_LINUX) and a Fargate
// profile's pod execution role (FARGATE_LINUX).
func TestEmulatorAccessEntriesCreatedByEKS(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createClusterAccess(t, e, "auto", ekstypes.AuthenticationModeApiAndConfigMap, nil)
	entries := listAccessEntries(t, e, "auto")
	if len(entries) != 1 {
		t.Fatalf("access entries of a new cluster: %v, want the creator's", entries)
	}
	pols, err := e.eks.ListAssociatedAccessPolicies(t.Context(), &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String("auto"), PrincipalArn: aws.String(entries[0])}, noRetry)
	if err != nil || len(pols.AssociatedAccessPolicies) != 1 || aws.ToString(pols.AssociatedAccessPolicies[0].PolicyArn) != adminPolicy {
		t.Errorf("creator's policies = %+v, %v; want AmazonEKSClusterAdminPolicy", pols, err)
	}
	createNodegroup(t, e, "auto", "ng", true)
	if _, err := createFargate(t, e, "auto", "fp"); err != nil {
		t.Fatal(err)
	}
	for principal, want := range map[string]string{testNodeRole: "EC2_LINUX", testPodRole: "FARGATE_LINUX"} {
		if got := aws.ToString(describeAccessEntry(t, e, "auto", principal).Type); got != want {
			t.Errorf("access entry of %s has type %q, want %s", principal, got, want)
		}
	}

	createClusterAccess(t, e, "nobootstrap", ekstypes.AuthenticationModeApi, aws.Bool(false))
	if got := listAccessEntries(t, e, "nobootstrap"); len(got) != 0 {
		t.Errorf("bootstrapClusterCreatorAdminPermissions false: entries %v, want none", got)
	}
}

// The authentication mode only moves forward, CONFIG_MAP ->
// API_AND_CONFIG_MAP -> API, each step an AccessConfigUpdate; a step back is
// InvalidParameterException.
func TestEmulatorAuthenticationModeOnlyForward(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "fwd", "1.32", true)
	set := func(mode ekstypes.AuthenticationMode) error {
		out, err := e.eks.UpdateClusterConfig(t.Context(), &eks.UpdateClusterConfigInput{
			Name: aws.String("fwd"), AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: mode},
		}, noRetry)
		if err != nil {
			return err
		}
		if out.Update.Type != ekstypes.UpdateTypeAccessConfigUpdate {
			t.Errorf("update type %s, want AccessConfigUpdate", out.Update.Type)
		}
		if u := e.waitUpdate(t, "fwd", "", aws.ToString(out.Update.Id)); u.Status != ekstypes.UpdateStatusSuccessful {
			t.Fatalf("update to %s: %s", mode, u.Status)
		}
		return nil
	}
	if err := set(ekstypes.AuthenticationModeApiAndConfigMap); err != nil {
		t.Fatalf("CONFIG_MAP -> API_AND_CONFIG_MAP: %v", err)
	}
	wantErr[*ekstypes.InvalidParameterException](t, "API_AND_CONFIG_MAP -> CONFIG_MAP", set(ekstypes.AuthenticationModeConfigMap))
	if err := set(ekstypes.AuthenticationModeApi); err != nil {
		t.Fatalf("API_AND_CONFIG_MAP -> API: %v", err)
	}
	wantErr[*ekstypes.InvalidParameterException](t, "API -> API_AND_CONFIG_MAP", set(ekstypes.AuthenticationModeApiAndConfigMap))
	if m := describeCluster(t, e, "fwd").AccessConfig.AuthenticationMode; m != ekstypes.AuthenticationModeApi {
		t.Errorf("authentication mode %s, want API", m)
	}
}

func describeAddon(t *testing.T, e *env, cluster, name string) *ekstypes.Addon {
	t.Helper()
	out, err := e.eks.DescribeAddon(t.Context(), &eks.DescribeAddonInput{ClusterName: aws.String(cluster), AddonName: aws.String(name)}, noRetry)
	if err != nil {
		t.Fatalf("DescribeAddon %s/%s: %v", cluster, name, err)
	}
	return out.Addon
}

func (e *env) waitAddonStatus(t *testing.T, cluster, name, status string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("add-on %s/%s to be %q", cluster, name, status), func() (bool, error) {
		out, err := e.eks.DescribeAddon(t.Context(), &eks.DescribeAddonInput{ClusterName: &cluster, AddonName: &name})
		return statusReached(status, err, func() string { return string(out.Addon.Status) })
	})
}

func createAddon(t *testing.T, e *env, in *eks.CreateAddonInput) (*ekstypes.Addon, error) {
	t.Helper()
	out, err := e.eks.CreateAddon(t.Context(), in, noRetry)
	if err != nil {
		return nil, err
	}
	return out.Addon, nil
}

// An add-on is CREATING, then ACTIVE, with the default version of the
// cluster's Kubernetes version; DeleteAddon makes it DELETING, then it is
// gone.
func TestEmulatorAddonLifecycle(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "ad", "1.32", true)
	e.setDelays(t, time.Minute, time.Minute, time.Minute)
	a, err := createAddon(t, e, &eks.CreateAddonInput{ClusterName: aws.String("ad"), AddonName: aws.String("vpc-cni")})
	if err != nil {
		t.Fatalf("CreateAddon: %v", err)
	}
	if a.Status != ekstypes.AddonStatusCreating || describeAddon(t, e, "ad", "vpc-cni").Status != ekstypes.AddonStatusCreating {
		t.Errorf("new add-on status %s, want CREATING", a.Status)
	}
	if v := aws.ToString(a.AddonVersion); v != "v1.19.2-eksbuild.1" {
		t.Errorf("default vpc-cni version on 1.32: %s, want v1.19.2-eksbuild.1 (the catalogue's default)", v)
	}
	e.setDelays(t, 0, time.Minute, time.Minute)
	e.waitAddonStatus(t, "ad", "vpc-cni", "ACTIVE")
	list, err := e.eks.ListAddons(t.Context(), &eks.ListAddonsInput{ClusterName: aws.String("ad")}, noRetry)
	if err != nil || !slices.Equal(list.Addons, []string{"vpc-cni"}) {
		t.Errorf("ListAddons = %v, %v", list, err)
	}
	del, err := e.eks.DeleteAddon(t.Context(), &eks.DeleteAddonInput{ClusterName: aws.String("ad"), AddonName: aws.String("vpc-cni")}, noRetry)
	if err != nil || del.Addon.Status != ekstypes.AddonStatusDeleting {
		t.Fatalf("DeleteAddon = %v, %v; want DELETING", del, err)
	}
	if s := describeAddon(t, e, "ad", "vpc-cni").Status; s != ekstypes.AddonStatusDeleting {
		t.Errorf("just after DeleteAddon: %s, want DELETING", s)
	}
	e.setDelays(t, 0, 0, 0)
	e.waitAddonStatus(t, "ad", "vpc-cni", "")
}

// UpdateAddon returns an AddonUpdate to poll with DescribeUpdate and
// ListUpdates (addonName); the add-on is UPDATING with its old version
// meanwhile, and refuses a second update.
func TestEmulatorAddonUpdate(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "au", "1.32", true)
	if _, err := createAddon(t, e, &eks.CreateAddonInput{ClusterName: aws.String("au"), AddonName: aws.String("coredns"), AddonVersion: aws.String("v1.11.3-eksbuild.1"),
		Tags: map[string]string{"team": "a"}}); err != nil {
		t.Fatal(err)
	}
	e.waitAddonStatus(t, "au", "coredns", "ACTIVE")
	e.setDelays(t, 0, 0, time.Minute)
	out, err := e.eks.UpdateAddon(t.Context(), &eks.UpdateAddonInput{ClusterName: aws.String("au"), AddonName: aws.String("coredns"),
		AddonVersion: aws.String("v1.11.4-eksbuild.2"), ResolveConflicts: ekstypes.ResolveConflictsPreserve}, noRetry)
	if err != nil {
		t.Fatalf("UpdateAddon: %v", err)
	}
	if out.Update.Type != ekstypes.UpdateTypeAddonUpdate || out.Update.Status != ekstypes.UpdateStatusInProgress {
		t.Errorf("update %s %s, want AddonUpdate InProgress", out.Update.Type, out.Update.Status)
	}
	a := describeAddon(t, e, "au", "coredns")
	if a.Status != ekstypes.AddonStatusUpdating || aws.ToString(a.AddonVersion) != "v1.11.3-eksbuild.1" {
		t.Errorf("while updating: %s %s, want UPDATING with the old version", a.Status, aws.ToString(a.AddonVersion))
	}
	_, err = e.eks.UpdateAddon(t.Context(), &eks.UpdateAddonInput{ClusterName: aws.String("au"), AddonName: aws.String("coredns"), AddonVersion: aws.String("v1.11.4-eksbuild.2")}, noRetry)
	wantErr[*ekstypes.ResourceInUseException](t, "a second UpdateAddon", err)
	ids, err := e.eks.ListUpdates(t.Context(), &eks.ListUpdatesInput{Name: aws.String("au"), AddonName: aws.String("coredns")}, noRetry)
	if err != nil || !slices.Equal(ids.UpdateIds, []string{aws.ToString(out.Update.Id)}) {
		t.Errorf("ListUpdates addonName = %v, %v", ids, err)
	}
	e.setDelays(t, 0, 0, 0)
	var u *ekstypes.Update
	waitFor(t, "the add-on update", func() (bool, error) {
		d, err := e.eks.DescribeUpdate(t.Context(), &eks.DescribeUpdateInput{Name: aws.String("au"), UpdateId: out.Update.Id, AddonName: aws.String("coredns")})
		if err != nil {
			return false, err
		}
		u = d.Update
		return u.Status != ekstypes.UpdateStatusInProgress, nil
	})
	if u.Status != ekstypes.UpdateStatusSuccessful {
		t.Fatalf("update %s", u.Status)
	}
	a = describeAddon(t, e, "au", "coredns")
	if a.Status != ekstypes.AddonStatusActive || aws.ToString(a.AddonVersion) != "v1.11.4-eksbuild.2" {
		t.Errorf("after the update: %s %s", a.Status, aws.ToString(a.AddonVersion))
	}
	tags, err := e.eks.ListTagsForResource(t.Context(), &eks.ListTagsForResourceInput{ResourceArn: a.AddonArn}, noRetry)
	if err != nil || tags.Tags["team"] != "a" {
		t.Errorf("ListTagsForResource of the add-on = %v, %v", tags, err)
	}
}

// CreateAddon of an add-on the cluster has is ResourceInUseException; a
// resolveConflicts outside the enum is InvalidParameterException.
func TestEmulatorAddonExists(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "ax", "1.32", true)
	// A new input each time: the SDK fills in a clientRequestToken, and the
	// same token again is a retry of the first request.
	in := func() *eks.CreateAddonInput {
		return &eks.CreateAddonInput{ClusterName: aws.String("ax"), AddonName: aws.String("kube-proxy"), ResolveConflicts: ekstypes.ResolveConflictsOverwrite}
	}
	if _, err := createAddon(t, e, in()); err != nil {
		t.Fatal(err)
	}
	_, err := createAddon(t, e, in())
	wantErr[*ekstypes.ResourceInUseException](t, "CreateAddon of an existing add-on", err)
	_, err = createAddon(t, e, &eks.CreateAddonInput{ClusterName: aws.String("ax"), AddonName: aws.String("coredns"), ResolveConflicts: "MERGE"})
	wantErr[*ekstypes.InvalidParameterException](t, "CreateAddon resolveConflicts MERGE", err)
}

// DescribeAddonVersions: the catalogue's add-ons for every Kubernetes
// version 1.30-1.35, each with exactly one default version.
func TestEmulatorAddonVersions(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	want := []string{"aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"}
	for minor := 30; minor <= 35; minor++ {
		k := fmt.Sprintf("1.%d", minor)
		out, err := e.eks.DescribeAddonVersions(t.Context(), &eks.DescribeAddonVersionsInput{KubernetesVersion: aws.String(k)}, noRetry)
		if err != nil {
			t.Fatalf("DescribeAddonVersions %s: %v", k, err)
		}
		var names []string
		for _, a := range out.Addons {
			names = append(names, aws.ToString(a.AddonName))
			defaults := 0
			for _, v := range a.AddonVersions {
				for _, c := range v.Compatibilities {
					if aws.ToString(c.ClusterVersion) != k {
						t.Errorf("%s %s: compatibility with %s listed for %s", aws.ToString(a.AddonName), aws.ToString(v.AddonVersion), aws.ToString(c.ClusterVersion), k)
					}
					if c.DefaultVersion {
						defaults++
					}
				}
			}
			if defaults != 1 {
				t.Errorf("%s on %s: %d default versions, want 1", aws.ToString(a.AddonName), k, defaults)
			}
		}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Errorf("add-ons for %s (-want +got):\n%s", k, diff)
		}
	}
}

// An add-on version must be one the catalogue has for the cluster's
// Kubernetes version: InvalidParameterException otherwise.
func TestEmulatorAddonVersionCompatibility(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "vc", "1.32", true)
	for _, v := range []string{"v1.35.2-eksbuild.3", "v9.9.9-eksbuild.1"} {
		_, err := createAddon(t, e, &eks.CreateAddonInput{ClusterName: aws.String("vc"), AddonName: aws.String("kube-proxy"), AddonVersion: aws.String(v)})
		wantErr[*ekstypes.InvalidParameterException](t, "CreateAddon kube-proxy "+v+" on 1.32", err)
	}
	if _, err := createAddon(t, e, &eks.CreateAddonInput{ClusterName: aws.String("vc"), AddonName: aws.String("kube-proxy"), AddonVersion: aws.String("v1.32.2-eksbuild.3")}); err != nil {
		t.Fatalf("CreateAddon kube-proxy v1.32.2-eksbuild.3: %v", err)
	}
	e.waitAddonStatus(t, "vc", "kube-proxy", "ACTIVE")
	_, err := e.eks.UpdateAddon(t.Context(), &eks.UpdateAddonInput{ClusterName: aws.String("vc"), AddonName: aws.String("kube-proxy"), AddonVersion: aws.String("v1.33.2-eksbuild.3")}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateAddon kube-proxy to a 1.33 version on 1.32", err)
}

// configurationValues are validated against the version's JSON schema
// (DescribeAddonConfiguration); vpc-cni's ENABLE_PREFIX_DELEGATION is the
// string "true" or "false".
func TestEmulatorAddonConfigurationSchema(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	conf, err := e.eks.DescribeAddonConfiguration(t.Context(), &eks.DescribeAddonConfigurationInput{AddonName: aws.String("vpc-cni"), AddonVersion: aws.String("v1.19.2-eksbuild.1")}, noRetry)
	if err != nil {
		t.Fatalf("DescribeAddonConfiguration: %v", err)
	}
	var schema struct {
		Properties struct {
			Env struct {
				Properties map[string]struct {
					Type string   `json:"type"`
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"env"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(conf.ConfigurationSchema)), &schema); err != nil {
		t.Fatalf("configurationSchema is not JSON: %v", err)
	}
	if p := schema.Properties.Env.Properties["ENABLE_PREFIX_DELEGATION"]; p.Type != "string" || !slices.Equal(p.Enum, []string{"true", "false"}) {
		t.Errorf("ENABLE_PREFIX_DELEGATION in the schema: %+v", p)
	}
	if len(conf.PodIdentityConfiguration) != 1 || aws.ToString(conf.PodIdentityConfiguration[0].ServiceAccount) != "aws-node" {
		t.Errorf("podIdentityConfiguration %+v, want aws-node", conf.PodIdentityConfiguration)
	}

	createCluster(t, e, "cv", "1.32", true)
	for _, bad := range []string{`{"env":{"ENABLE_PREFIX_DELEGATION":true}}`, `{"env":{"ENABLE_PREFIX_DELEGATION":"yes"}}`, `{"nosuch":1}`} {
		_, err := createAddon(t, e, &eks.CreateAddonInput{ClusterName: aws.String("cv"), AddonName: aws.String("vpc-cni"), ConfigurationValues: aws.String(bad)})
		wantErr[*ekstypes.InvalidParameterException](t, "CreateAddon configurationValues "+bad, err)
	}
	good := `{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}`
	if _, err := createAddon(t, e, &eks.CreateAddonInput{ClusterName: aws.String("cv"), AddonName: aws.String("vpc-cni"), ConfigurationValues: aws.String(good)}); err != nil {
		t.Fatalf("CreateAddon with valid configurationValues: %v", err)
	}
	e.waitAddonStatus(t, "cv", "vpc-cni", "ACTIVE")
	if got := aws.ToString(describeAddon(t, e, "cv", "vpc-cni").ConfigurationValues); got != good {
		t.Errorf("configurationValues %q, want %q", got, good)
	}
	_, err = e.eks.UpdateAddon(t.Context(), &eks.UpdateAddonInput{ClusterName: aws.String("cv"), AddonName: aws.String("vpc-cni"),
		ConfigurationValues: aws.String(`{"env":{"ENABLE_PREFIX_DELEGATION":false}}`)}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "UpdateAddon invalid configurationValues", err)
}

func listPodIdentity(t *testing.T, e *env, in *eks.ListPodIdentityAssociationsInput) []ekstypes.PodIdentityAssociationSummary {
	t.Helper()
	out, err := e.eks.ListPodIdentityAssociations(t.Context(), in, noRetry)
	if err != nil {
		t.Fatalf("ListPodIdentityAssociations: %v", err)
	}
	return out.Associations
}

// An add-on's podIdentityAssociations become associations it owns
// (ownerArn), changed through UpdateAddon only (an empty list removes them);
// DeleteAddon removes them unless preserve is set.
func TestEmulatorAddonPodIdentity(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "api", "1.32", true)
	a, err := createAddon(t, e, &eks.CreateAddonInput{ClusterName: aws.String("api"), AddonName: aws.String("aws-ebs-csi-driver"),
		ServiceAccountRoleArn:   aws.String(testPodRole),
		PodIdentityAssociations: []ekstypes.AddonPodIdentityAssociations{{ServiceAccount: aws.String("ebs-csi-controller-sa"), RoleArn: aws.String(testDevRole)}}})
	if err != nil {
		t.Fatalf("CreateAddon with podIdentityAssociations: %v", err)
	}
	if aws.ToString(a.ServiceAccountRoleArn) != testPodRole || len(a.PodIdentityAssociations) != 1 {
		t.Errorf("add-on role %q associations %v", aws.ToString(a.ServiceAccountRoleArn), a.PodIdentityAssociations)
	}
	got := listPodIdentity(t, e, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String("api")})
	if len(got) != 1 || aws.ToString(got[0].OwnerArn) != aws.ToString(a.AddonArn) || aws.ToString(got[0].Namespace) != "kube-system" {
		t.Fatalf("associations %+v, want one in kube-system owned by the add-on", got)
	}
	_, err = e.eks.DeletePodIdentityAssociation(t.Context(), &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String("api"), AssociationId: got[0].AssociationId}, noRetry)
	wantErr[*ekstypes.InvalidRequestException](t, "DeletePodIdentityAssociation of an add-on's association", err)
	_, err = createAddon(t, e, &eks.CreateAddonInput{ClusterName: aws.String("api"), AddonName: aws.String("vpc-cni"),
		PodIdentityAssociations: []ekstypes.AddonPodIdentityAssociations{{ServiceAccount: aws.String("nosuch"), RoleArn: aws.String(testDevRole)}}})
	wantErr[*ekstypes.InvalidParameterException](t, "CreateAddon with a service account the add-on does not use", err)

	e.waitAddonStatus(t, "api", "aws-ebs-csi-driver", "ACTIVE")
	up, err := e.eks.UpdateAddon(t.Context(), &eks.UpdateAddonInput{ClusterName: aws.String("api"), AddonName: aws.String("aws-ebs-csi-driver"),
		PodIdentityAssociations: []ekstypes.AddonPodIdentityAssociations{}}, noRetry)
	if err != nil {
		t.Fatalf("UpdateAddon podIdentityAssociations []: %v", err)
	}
	waitFor(t, "the add-on update", func() (bool, error) {
		d, err := e.eks.DescribeUpdate(t.Context(), &eks.DescribeUpdateInput{Name: aws.String("api"), UpdateId: up.Update.Id, AddonName: aws.String("aws-ebs-csi-driver")})
		return err == nil && d.Update.Status == ekstypes.UpdateStatusSuccessful, err
	})
	if got := listPodIdentity(t, e, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String("api")}); len(got) != 0 {
		t.Errorf("after UpdateAddon with no associations: %+v, want none", got)
	}

	// preserve keeps the associations (no longer owned); without it they go.
	for _, preserve := range []bool{true, false} {
		name := "vpc-cni"
		if _, err := createAddon(t, e, &eks.CreateAddonInput{ClusterName: aws.String("api"), AddonName: aws.String(name),
			PodIdentityAssociations: []ekstypes.AddonPodIdentityAssociations{{ServiceAccount: aws.String("aws-node"), RoleArn: aws.String(testDevRole)}}}); err != nil {
			t.Fatal(err)
		}
		e.waitAddonStatus(t, "api", name, "ACTIVE")
		if _, err := e.eks.DeleteAddon(t.Context(), &eks.DeleteAddonInput{ClusterName: aws.String("api"), AddonName: aws.String(name), Preserve: preserve}, noRetry); err != nil {
			t.Fatal(err)
		}
		e.waitAddonStatus(t, "api", name, "")
		got := listPodIdentity(t, e, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String("api"), ServiceAccount: aws.String("aws-node")})
		if preserve && (len(got) != 1 || got[0].OwnerArn != nil) {
			t.Errorf("DeleteAddon preserve: associations %+v, want the one kept, without owner", got)
		}
		if !preserve && len(got) != 0 {
			t.Errorf("DeleteAddon: associations %+v, want none (they go with the add-on)", got)
		}
		if preserve {
			_, err := e.eks.DeletePodIdentityAssociation(t.Context(), &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String("api"), AssociationId: got[0].AssociationId}, noRetry)
			if err != nil {
				t.Fatalf("DeletePodIdentityAssociation of a preserved association: %v", err)
			}
		}
	}
}

// A Pod Identity association: created, described (externalId with a target
// role), listed with namespace and serviceAccount filters, updated (roleArn,
// targetRoleArn, disableSessionTags; namespace and service account stay),
// tagged, deleted.
func TestEmulatorPodIdentityLifecycle(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "pi", "1.32", true)
	var ids []string
	for _, ns := range []string{"apps", "jobs"} {
		out, err := e.eks.CreatePodIdentityAssociation(t.Context(), &eks.CreatePodIdentityAssociationInput{
			ClusterName: aws.String("pi"), Namespace: aws.String(ns), ServiceAccount: aws.String("worker"), RoleArn: aws.String(testPodRole),
			Tags: map[string]string{"ns": ns},
		}, noRetry)
		if err != nil {
			t.Fatalf("CreatePodIdentityAssociation %s: %v", ns, err)
		}
		ids = append(ids, aws.ToString(out.Association.AssociationId))
	}
	if got := listPodIdentity(t, e, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String("pi"), Namespace: aws.String("jobs")}); len(got) != 1 || aws.ToString(got[0].AssociationId) != ids[1] {
		t.Errorf("list namespace jobs = %+v", got)
	}
	if got := listPodIdentity(t, e, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String("pi"), ServiceAccount: aws.String("worker")}); len(got) != 2 {
		t.Errorf("list serviceAccount worker = %+v, want 2", got)
	}
	up, err := e.eks.UpdatePodIdentityAssociation(t.Context(), &eks.UpdatePodIdentityAssociationInput{
		ClusterName: aws.String("pi"), AssociationId: aws.String(ids[0]), RoleArn: aws.String(testDevRole),
		TargetRoleArn: aws.String(testAdminRole), DisableSessionTags: aws.Bool(true),
	}, noRetry)
	if err != nil {
		t.Fatalf("UpdatePodIdentityAssociation: %v", err)
	}
	d, err := e.eks.DescribePodIdentityAssociation(t.Context(), &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: aws.String(ids[0])}, noRetry)
	if err != nil {
		t.Fatal(err)
	}
	a := d.Association
	if aws.ToString(a.RoleArn) != testDevRole || aws.ToString(a.TargetRoleArn) != testAdminRole || !aws.ToBool(a.DisableSessionTags) ||
		aws.ToString(a.ExternalId) == "" || aws.ToString(a.Namespace) != "apps" || aws.ToString(a.ServiceAccount) != "worker" ||
		aws.ToString(up.Association.AssociationArn) != aws.ToString(a.AssociationArn) {
		t.Errorf("after update: %+v", a)
	}
	if _, err := e.eks.TagResource(t.Context(), &eks.TagResourceInput{ResourceArn: a.AssociationArn, Tags: map[string]string{"x": "y"}}, noRetry); err != nil {
		t.Fatalf("TagResource on the association: %v", err)
	}
	tags, err := e.eks.ListTagsForResource(t.Context(), &eks.ListTagsForResourceInput{ResourceArn: a.AssociationArn}, noRetry)
	if err != nil || !cmp.Equal(tags.Tags, map[string]string{"ns": "apps", "x": "y"}) {
		t.Errorf("tags = %v, %v", tags, err)
	}
	del, err := e.eks.DeletePodIdentityAssociation(t.Context(), &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: aws.String(ids[0])}, noRetry)
	if err != nil || aws.ToString(del.Association.AssociationId) != ids[0] {
		t.Fatalf("DeletePodIdentityAssociation = %v, %v", del, err)
	}
	_, err = e.eks.DescribePodIdentityAssociation(t.Context(), &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: aws.String(ids[0])}, noRetry)
	wantErr[*ekstypes.ResourceNotFoundException](t, "DescribePodIdentityAssociation after delete", err)
}

// One association per namespace and service account (ResourceInUseException);
// an update must change something ("You must change at least one of these in
// an update", UpdatePodIdentityAssociation).
func TestEmulatorPodIdentityOnePerServiceAccount(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createCluster(t, e, "po", "1.32", true)
	in := &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String("po"), Namespace: aws.String("apps"), ServiceAccount: aws.String("worker"), RoleArn: aws.String(testPodRole)}
	out, err := e.eks.CreatePodIdentityAssociation(t.Context(), in, noRetry)
	if err != nil {
		t.Fatal(err)
	}
	in.RoleArn = aws.String(testDevRole)
	_, err = e.eks.CreatePodIdentityAssociation(t.Context(), in, noRetry)
	wantErr[*ekstypes.ResourceInUseException](t, "a second association for apps/worker", err)
	_, err = e.eks.UpdatePodIdentityAssociation(t.Context(), &eks.UpdatePodIdentityAssociationInput{
		ClusterName: aws.String("po"), AssociationId: out.Association.AssociationId, RoleArn: aws.String(testPodRole),
	}, noRetry)
	wantErr[*ekstypes.InvalidParameterException](t, "UpdatePodIdentityAssociation that changes nothing", err)
}

// The call log names access policy calls by their operation: the
// principal ARN in their path holds a "/" (role/NAME), which the decoded
// path would take for part of UpdateAccessEntry's or DescribeAccessEntry's.
func TestEmulatorCallLogNamesAccessPolicyCalls(t *testing.T) {
	e := newEnv(t)
	e.requireMoto(t)
	createClusterAccess(t, e, "calllog", ekstypes.AuthenticationModeApi, aws.Bool(false))
	if _, err := e.eks.CreateAccessEntry(t.Context(), &eks.CreateAccessEntryInput{ClusterName: aws.String("calllog"), PrincipalArn: aws.String(testDevRole)}, noRetry); err != nil {
		t.Fatal(err)
	}
	e.clearCalls(t)
	scope := &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}
	if _, err := e.eks.AssociateAccessPolicy(t.Context(), &eks.AssociateAccessPolicyInput{ClusterName: aws.String("calllog"), PrincipalArn: aws.String(testDevRole), PolicyArn: aws.String(viewPolicy), AccessScope: scope}, noRetry); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eks.ListAssociatedAccessPolicies(t.Context(), &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String("calllog"), PrincipalArn: aws.String(testDevRole)}, noRetry); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eks.DisassociateAccessPolicy(t.Context(), &eks.DisassociateAccessPolicyInput{ClusterName: aws.String("calllog"), PrincipalArn: aws.String(testDevRole), PolicyArn: aws.String(viewPolicy)}, noRetry); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eks.DescribeAccessEntry(t.Context(), &eks.DescribeAccessEntryInput{ClusterName: aws.String("calllog"), PrincipalArn: aws.String(testDevRole)}, noRetry); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range e.calls(t) {
		if c.Service == "eks" {
			got = append(got, c.Operation)
		}
	}
	want := []string{"AssociateAccessPolicy", "ListAssociatedAccessPolicies", "DisassociateAccessPolicy", "DescribeAccessEntry"}
	if !cmp.Equal(got, want) {
		t.Errorf("call log %v, want %v", got, want)
	}
}

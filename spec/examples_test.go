package spec

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// TestExamplesAreValid loads every directory under examples/ as a user
// would, with no variables set: each must be valid and declare a cluster.
func TestExamplesAreValid(t *testing.T) {
	root := filepath.Join("..", "examples")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		// A policy example (examples/policy) holds Rego over plans, no
		// configuration; it has its own test.
		if hcl, _ := filepath.Glob(filepath.Join(dir, "*.hcl")); len(hcl) == 0 {
			if rego, _ := filepath.Glob(filepath.Join(dir, "*.rego")); len(rego) > 0 {
				continue
			}
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			cfg, diags := Load(LoadOptions{Paths: []string{dir}})
			if len(diags) > 0 {
				var buf bytesBuffer
				_ = WriteDiagnostics(&buf, cfg.Files, diags, false)
				t.Fatalf("%s is not valid:\n%s", dir, buf.String())
			}
			if len(cfg.Clusters) == 0 {
				t.Fatalf("%s declares no cluster", dir)
			}
			for _, c := range cfg.Clusters {
				if c.Region != "us-east-1" {
					t.Errorf("cluster %q has region %q; examples use us-east-1 so they run against the emulator", c.Name, c.Region)
				}
			}
		})
	}
	for _, want := range []string{"minimal", "full", "multi-cluster", "gpu"} {
		if _, err := os.Stat(filepath.Join(root, want)); err != nil {
			t.Errorf("examples/%s is missing: %v", want, err)
		}
	}
	if n == 0 {
		t.Fatal("no examples found")
	}
}

// TestFullExampleUsesEveryBlock keeps examples/full complete: it must set
// every block kind, so that users can copy any of them from it.
func TestFullExampleUsesEveryBlock(t *testing.T) {
	cfg, diags := Load(LoadOptions{Paths: []string{filepath.Join("..", "examples", "full")}})
	if diags.HasErrors() {
		t.Fatal(brief(diags))
	}
	c := cfg.Clusters[0]
	settingsBlocks := 0
	for _, f := range cfg.Files {
		settingsBlocks += blockCount(f.Body, "settings")
	}
	var taints, selectors, updates int
	var desired, inline bool
	for _, ng := range c.NodeGroups {
		taints += len(ng.Taints)
		if ng.Update.MaxUnavailable != nil || ng.Update.MaxUnavailablePercentage != nil {
			updates++
		}
		desired = desired || ng.Scaling.DesiredSize != nil
	}
	for _, fp := range c.FargateProfiles {
		selectors += len(fp.Selectors)
	}
	for _, r := range c.IRSA {
		inline = inline || r.InlinePolicy != ""
	}
	addonPodIdentities := 0
	for _, a := range c.Addons {
		addonPodIdentities += len(a.PodIdentities)
	}
	checks := map[string]bool{
		"settings":            settingsBlocks == 1 && cfg.Name == "full",
		"logging":             len(c.Logging) > 0,
		"encryption":          c.KMSKeyARN != "",
		"security_group_ids":  len(c.VPC.SecurityGroupIDs) > 0,
		"node_group":          len(c.NodeGroups) > 0,
		"taint":               taints > 0,
		"update":              updates > 0,
		"desired_size":        desired,
		"fargate_profile":     len(c.FargateProfiles) > 0,
		"selector":            selectors > 0,
		"irsa":                len(c.IRSA) > 0,
		"irsa inline_policy":  inline,
		"cluster tags":        len(c.Tags) > 0,
		"private endpoint":    c.VPC.EndpointPrivateAccess,
		"public_access_cidrs": len(c.VPC.PublicAccessCIDRs) > 0 && c.VPC.PublicAccessCIDRs[0] != DefaultPublicAccessCIDR,
		"access":              c.Access != nil && c.Access.AuthenticationMode != "" && c.Access.BootstrapClusterCreatorAdmin != nil,
		"pod_identity":        len(c.PodIdentities) > 0,
		"addon":               len(c.Addons) > 0,
		"addon pod_identity":  addonPodIdentities > 0,
		"access_entry":        len(c.AccessEntries) > 0 && len(c.AccessEntries[0].Policies) > 1 && c.AccessEntries[0].Policies[1].Scope == "namespace",
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("examples/full does not use %s", what)
		}
	}
}

// TestGPUExampleUsesIssue11Blocks keeps examples/gpu showing what it is
// for: a managed node group with a launch template and a self-managed GPU
// node group, which examples/full (applied end to end against the
// emulator) does not hold.
func TestGPUExampleUsesIssue11Blocks(t *testing.T) {
	cfg, diags := Load(LoadOptions{Paths: []string{filepath.Join("..", "examples", "gpu")}})
	if diags.HasErrors() {
		t.Fatal(brief(diags))
	}
	c := cfg.Clusters[0]
	var lt *LaunchTemplate
	if len(c.NodeGroups) > 0 {
		lt = c.NodeGroups[0].LaunchTemplate
	}
	var gpu *SelfManagedNodeGroup
	if len(c.SelfManagedNodeGroups) > 0 {
		gpu = c.SelfManagedNodeGroups[0]
	}
	checks := map[string]bool{
		"access API":                            c.Access != nil && c.Access.AuthenticationMode == "API",
		"node_group launch_template":            lt != nil,
		"launch_template security_group_ids":    lt != nil && len(lt.SecurityGroupIDs) > 0,
		"launch_template metadata":              lt != nil && lt.Ranges["metadata_http_tokens"] != (hcl.Range{}) && lt.Ranges["metadata_hop_limit"] != (hcl.Range{}),
		"launch_template root_volume":           lt != nil && lt.RootVolume != nil && lt.RootVolume.IOPS != nil && lt.RootVolume.Throughput != nil,
		"self_managed_node_group":               gpu != nil,
		"self-managed NVIDIA on a GPU instance": gpu != nil && gpu.AMIFamily == "AL2023_x86_64_NVIDIA" && len(gpu.InstanceTypes) > 0 && isGPUInstanceType(gpu.InstanceTypes[0]),
		"self-managed GPU taint":                gpu != nil && len(gpu.Taints) > 0 && gpu.Taints[0].Key == "nvidia.com/gpu",
		"self-managed scaling from zero":        gpu != nil && gpu.Scaling.MinSize == 0 && gpu.Scaling.DesiredSize != nil,
		"self-managed update":                   gpu != nil && gpu.Update.MaxUnavailablePercentage != nil,
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("examples/gpu does not use %s", what)
		}
	}
}

// TestMultiClusterVarFile checks that the variables file shipped with the
// multi-cluster example applies.
func TestMultiClusterVarFile(t *testing.T) {
	dir := filepath.Join("..", "examples", "multi-cluster")
	cfg, diags := Load(LoadOptions{
		Paths: []string{dir},
		Vars:  []VarArg{{File: filepath.Join(dir, "example.vars")}},
	})
	if len(diags) > 0 {
		t.Fatal(brief(diags))
	}
	if len(cfg.Clusters) < 2 {
		t.Fatalf("got %d clusters, want at least 2", len(cfg.Clusters))
	}
	if got := cfg.Clusters[0].Tags["env"]; got != "prod" {
		t.Errorf("tag env = %q after example.vars, want prod", got)
	}
}

// TestFullExampleTakesAnyVersion checks that examples/full, which users
// copy, stays valid whichever version --var kubernetes_version asks for
// (old, current and not yet released ones): its pinned AMI release must not walk into a release of another
// Kubernetes version.
func TestFullExampleTakesAnyVersion(t *testing.T) {
	dir := filepath.Join("..", "examples", "full")
	for _, v := range []string{"1.29", "1.31", "1.34", "1.35", "1.40", "1.100"} {
		t.Run(v, func(t *testing.T) {
			cfg, diags := Load(LoadOptions{
				Paths: []string{dir},
				Vars:  []VarArg{{Name: "kubernetes_version", Value: v}},
			})
			if len(diags) > 0 {
				t.Fatal(brief(diags))
			}
			for _, ng := range cfg.Clusters[0].NodeGroups {
				if ng.Version != v {
					t.Errorf("node group %q runs %s, want %s", ng.Name, ng.Version, v)
				}
			}
		})
	}
}

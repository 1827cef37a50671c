package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
)

// ignoreRanges compares models without their source ranges.
// ignoreRanges leaves source positions out of model comparisons; they are
// tested on their own (TestAttrRange).
var ignoreRanges = cmp.Options{
	cmpopts.IgnoreTypes(hcl.Range{}),
	cmpopts.IgnoreFields(Cluster{}, "Ranges"),
	cmpopts.IgnoreFields(NodeGroup{}, "Ranges"),
	cmpopts.IgnoreFields(Access{}, "Ranges"),
	cmpopts.IgnoreFields(AccessEntry{}, "Ranges"),
	cmpopts.IgnoreFields(AccessPolicy{}, "Ranges"),
	cmpopts.IgnoreFields(Addon{}, "Ranges"),
	cmpopts.IgnoreFields(AddonPodIdentity{}, "Ranges"),
	cmpopts.IgnoreFields(PodIdentity{}, "Ranges"),
}

func TestLoadDecodesAndDefaults(t *testing.T) {
	tests := map[string]struct {
		give string
		want []*Cluster
	}{
		"minimal cluster gets every default": {
			give: `
cluster "demo" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
  node_group "general" {
    scaling {
      min_size = 1
      max_size = 3
    }
  }
}`,
			want: []*Cluster{{
				Name:    "demo",
				Version: DefaultVersion, VersionDefaulted: true,
				VPC: VPC{
					SubnetIDs:            []string{"subnet-00000001", "subnet-00000002"},
					EndpointPublicAccess: true,
					PublicAccessCIDRs:    []string{"0.0.0.0/0"},
				},
				NodeGroups: []*NodeGroup{{
					Name:                  "general",
					InstanceTypes:         []string{"t3.medium"},
					AMIType:               "AL2023_x86_64_STANDARD",
					CapacityType:          "ON_DEMAND",
					DiskSize:              20,
					SubnetIDs:             []string{"subnet-00000001", "subnet-00000002"},
					Version:               DefaultVersion,
					VersionFollowsCluster: true,
					Scaling:               Scaling{MinSize: 1, MaxSize: 3},
				}},
			}},
		},
		"every attribute set": {
			give: `
cluster "full" {
  region   = "eu-west-1"
  version  = "1.33"
  role_arn = "arn:aws:iam::123456789012:role/c"
  tags     = { team = "platform" }
  vpc {
    subnet_ids              = ["subnet-00000001", "subnet-00000002", "subnet-00000003"]
    security_group_ids      = ["sg-00000001"]
    endpoint_public_access  = true
    endpoint_private_access = true
    public_access_cidrs     = ["10.0.0.0/8"]
  }
  logging { types = ["scheduler", "api", "audit"] }
  encryption { kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
  node_group "ng" {
    instance_types  = ["m6i.large", "m6a.large"]
    ami_type        = "BOTTLEROCKET_x86_64"
    capacity_type   = "SPOT"
    disk_size       = 100
    subnet_ids      = ["subnet-00000003"]
    node_role_arn   = "arn:aws:iam::123456789012:role/n"
    version         = "1.32"
    release_version = "1.32.0-20250101"
    labels          = { role = "batch" }
    tags            = { cost = "low" }
    scaling {
      min_size     = 0
      max_size     = 10
      desired_size = 2
    }
    update { max_unavailable_percentage = 30 }
    taint {
      key    = "dedicated"
      value  = "batch"
      effect = "NO_EXECUTE"
    }
    taint {
      key    = "spot"
      effect = "PREFER_NO_SCHEDULE"
    }
  }
  fargate_profile "fp" {
    subnet_ids             = ["subnet-00000002"]
    pod_execution_role_arn = "arn:aws:iam::123456789012:role/p"
    tags                   = { a = "b" }
    selector {
      namespace = "kube-system"
      labels    = { "k8s-app" = "kube-dns" }
    }
    selector { namespace = "apps-*" }
  }
  irsa "s3" {
    namespace       = "apps"
    service_account = "s3.reader"
    role_name       = "my-role"
    policy_arns     = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    inline_policy   = jsonencode({ Version = "2012-10-17", Statement = [] })
    tags            = { x = "y" }
  }
}`,
			want: []*Cluster{{
				Name:    "full",
				Region:  "eu-west-1",
				Version: "1.33",
				RoleARN: "arn:aws:iam::123456789012:role/c",
				Tags:    map[string]string{"team": "platform"},
				VPC: VPC{
					SubnetIDs:             []string{"subnet-00000001", "subnet-00000002", "subnet-00000003"},
					SecurityGroupIDs:      []string{"sg-00000001"},
					EndpointPublicAccess:  true,
					EndpointPrivateAccess: true,
					PublicAccessCIDRs:     []string{"10.0.0.0/8"},
				},
				Logging:   []string{"api", "audit", "scheduler"},
				KMSKeyARN: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
				NodeGroups: []*NodeGroup{{
					Name:           "ng",
					InstanceTypes:  []string{"m6i.large", "m6a.large"},
					AMIType:        "BOTTLEROCKET_x86_64",
					CapacityType:   "SPOT",
					DiskSize:       100,
					SubnetIDs:      []string{"subnet-00000003"},
					NodeRoleARN:    "arn:aws:iam::123456789012:role/n",
					Version:        "1.32",
					ReleaseVersion: "1.32.0-20250101",
					Labels:         map[string]string{"role": "batch"},
					Tags:           map[string]string{"cost": "low"},
					Scaling:        Scaling{MinSize: 0, MaxSize: 10, DesiredSize: ptr(2)},
					Update:         UpdateConfig{MaxUnavailablePercentage: ptr(30)},
					Taints: []Taint{
						{Key: "dedicated", Value: "batch", Effect: "NO_EXECUTE"},
						{Key: "spot", Effect: "PREFER_NO_SCHEDULE"},
					},
				}},
				FargateProfiles: []*FargateProfile{{
					Name:                "fp",
					SubnetIDs:           []string{"subnet-00000002"},
					PodExecutionRoleARN: "arn:aws:iam::123456789012:role/p",
					Tags:                map[string]string{"a": "b"},
					Selectors: []Selector{
						{Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}},
						{Namespace: "apps-*"},
					},
				}},
				IRSA: []*IRSA{{
					Name:           "s3",
					Namespace:      "apps",
					ServiceAccount: "s3.reader",
					RoleName:       "my-role",
					PolicyARNs:     []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
					InlinePolicy:   `{"Statement":[],"Version":"2012-10-17"}`,
					Tags:           map[string]string{"x": "y"},
				}},
			}},
		},
		"fargate and irsa defaults": {
			give: `
cluster "demo" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
  fargate_profile "fp" {
    selector { namespace = "default" }
  }
  irsa "reader" {
    namespace       = "apps"
    service_account = "reader"
  }
}`,
			want: []*Cluster{{
				Name:    "demo",
				Version: DefaultVersion, VersionDefaulted: true,
				VPC: VPC{
					SubnetIDs:            []string{"subnet-00000001", "subnet-00000002"},
					EndpointPublicAccess: true,
					PublicAccessCIDRs:    []string{"0.0.0.0/0"},
				},
				FargateProfiles: []*FargateProfile{{
					Name:      "fp",
					SubnetIDs: []string{"subnet-00000001", "subnet-00000002"},
					Selectors: []Selector{{Namespace: "default"}},
				}},
				IRSA: []*IRSA{{
					Name:           "reader",
					Namespace:      "apps",
					ServiceAccount: "reader",
					RoleName:       "demo-reader",
				}},
			}},
		},
		"node group follows a non-default cluster version": {
			give: `
cluster "demo" {
  version = "1.31"
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
  node_group "a" {
    scaling {
      min_size = 0
      max_size = 1
    }
  }
}`,
			want: []*Cluster{{
				Name:    "demo",
				Version: "1.31",
				VPC: VPC{
					SubnetIDs:            []string{"subnet-00000001", "subnet-00000002"},
					EndpointPublicAccess: true,
					PublicAccessCIDRs:    []string{"0.0.0.0/0"},
				},
				NodeGroups: []*NodeGroup{{
					Name:                  "a",
					InstanceTypes:         []string{"t3.medium"},
					AMIType:               "AL2023_x86_64_STANDARD",
					CapacityType:          "ON_DEMAND",
					DiskSize:              20,
					SubnetIDs:             []string{"subnet-00000001", "subnet-00000002"},
					Version:               "1.31",
					VersionFollowsCluster: true,
					Scaling:               Scaling{MinSize: 0, MaxSize: 1},
				}},
			}},
		},
		"logging types sorted and deduplicated after the error": {
			give: `
cluster "demo" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
  logging { types = ["scheduler", "controllerManager", "authenticator"] }
}`,
			want: []*Cluster{{
				Name:    "demo",
				Version: DefaultVersion, VersionDefaulted: true,
				VPC: VPC{
					SubnetIDs:            []string{"subnet-00000001", "subnet-00000002"},
					EndpointPublicAccess: true,
					PublicAccessCIDRs:    []string{"0.0.0.0/0"},
				},
				Logging: []string{"authenticator", "controllerManager", "scheduler"},
			}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, diags := load(t, tt.give, nil, nil)
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics: %v", brief(diags))
			}
			if diff := cmp.Diff(tt.want, cfg.Clusters, ignoreRanges, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("clusters (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadMergesFilesInOrder(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "b.hcl"), `cluster "second" {
  vpc { subnet_ids = [var.s1, var.s2] }
}`)
	write(t, filepath.Join(dir, "a.hcl"), `cluster "first" {
  vpc { subnet_ids = [var.s1, var.s2] }
}`)
	write(t, filepath.Join(dir, "variables.hcl"), `variable "s1" { default = "subnet-00000001" }
variable "s2" { default = "subnet-00000002" }`)
	write(t, filepath.Join(dir, "notes.txt"), `not configuration`)
	write(t, filepath.Join(dir, ".hidden.hcl"), `broken {{{`)

	cfg, diags := Load(LoadOptions{Paths: []string{dir}})
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics: %v", brief(diags))
	}
	var names []string
	for _, c := range cfg.Clusters {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{"first", "second"}, names); diff != "" {
		t.Errorf("cluster order (-want +got):\n%s", diff)
	}
	if len(cfg.Files) != 3 {
		t.Errorf("Files has %d entries, want the 3 *.hcl files", len(cfg.Files))
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	valid := `cluster "a" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`
	write(t, filepath.Join(dir, "main.hcl"), valid)
	write(t, filepath.Join(dir, "other.conf"), `cluster "b" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`)
	empty := t.TempDir()

	tests := map[string]struct {
		give     []string
		clusters int
		want     []string
	}{
		"directory":                   {give: []string{dir}, clusters: 1},
		"file of any name":            {give: []string{filepath.Join(dir, "other.conf")}, clusters: 1},
		"directory and file":          {give: []string{dir, filepath.Join(dir, "other.conf")}, clusters: 2},
		"same file twice counts once": {give: []string{filepath.Join(dir, "main.hcl"), dir}, clusters: 1},
		"missing path":                {give: []string{filepath.Join(dir, "nope")}, want: []string{"Cannot read configuration"}},
		"directory without hcl files": {give: []string{empty}, want: []string{"No configuration files"}},
		"missing file":                {give: []string{filepath.Join(dir, "none.hcl")}, want: []string{"Cannot read configuration"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, diags := Load(LoadOptions{Paths: tt.give})
			if diff := cmp.Diff(tt.want, brief(diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if len(cfg.Clusters) != tt.clusters {
				t.Errorf("got %d clusters, want %d", len(cfg.Clusters), tt.clusters)
			}
		})
	}
}

func TestLoadDefaultsToCurrentDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.hcl"), `cluster "here" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`)
	t.Chdir(dir)
	cfg, diags := Load(LoadOptions{})
	if len(diags) > 0 || len(cfg.Clusters) != 1 || cfg.Clusters[0].Name != "here" {
		t.Fatalf("Load in the current directory: clusters %v, diagnostics %v", cfg.Clusters, brief(diags))
	}
}

func TestLoadKeepsFilesOnErrors(t *testing.T) {
	cfg, diags := load(t, `cluster "x" {`, nil, nil)
	if !diags.HasErrors() {
		t.Fatal("want a syntax error")
	}
	if cfg.Files["main.hcl"] == nil {
		t.Error("Config.Files lacks the file with the syntax error; diagnostics could not quote it")
	}
}

func TestIRSARoleName(t *testing.T) {
	long := "a-cluster-name-that-is-quite-long-indeed-for-eks"
	tests := map[string]struct {
		cluster, label, want string
	}{
		"short":       {cluster: "demo", label: "s3-reader", want: "demo-s3-reader"},
		"exactly 64":  {cluster: "c", label: string(repeat('x', 62)), want: "c-" + string(repeat('x', 62))},
		"too long":    {cluster: long, label: "external-dns-controller", want: "a-cluster-name-that-is-quite-long-indeed-for-eks-extern-5e9a723f"},
		"other label": {cluster: long, label: "external-dns-controller2", want: "a-cluster-name-that-is-quite-long-indeed-for-eks-extern-885c5d78"},
		// Names starting with eksctl-lite- are reserved for managed roles.
		"reserved cluster name":         {cluster: "eksctl-lite-x", label: "label", want: "irsa-eksctl-lite-x-label"},
		"reserved cluster name, upper":  {cluster: "EKSCTL-LITE-x", label: "label", want: "irsa-EKSCTL-LITE-x-label"},
		"cluster named like the prefix": {cluster: "eksctl-lite", label: "label", want: "irsa-eksctl-lite-label"},
		"reserved and too long":         {cluster: "eksctl-lite-" + long, label: "reader", want: "irsa-eksctl-lite-a-cluster-name-that-is-quite-long-inde-69d630c8"},
		"prefix without its dash":       {cluster: "eksctl-litex", label: "label", want: "eksctl-litex-label"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := IRSARoleName(tt.cluster, tt.label)
			if got != tt.want {
				t.Errorf("IRSARoleName(%q, %q) = %q, want %q", tt.cluster, tt.label, got, tt.want)
			}
			if len(got) > 64 || !roleNameRE.MatchString(got) {
				t.Errorf("IRSARoleName(%q, %q) = %q is not a valid IAM role name", tt.cluster, tt.label, got)
			}
			if strings.HasPrefix(strings.ToLower(got), ManagedRolePrefix) {
				t.Errorf("IRSARoleName(%q, %q) = %q starts with the prefix reserved for managed roles", tt.cluster, tt.label, got)
			}
		})
	}
}

func repeat(r rune, n int) []rune {
	out := make([]rune, n)
	for i := range out {
		out[i] = r
	}
	return out
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNotTextFile checks that a binary or non-UTF-8 file, in the
// configuration or given to --var-file, is one error naming the file and
// where its first bad byte is, not one error per byte the parser cannot read.
func TestNotTextFile(t *testing.T) {
	const cluster = "cluster \"demo\" {\n  vpc { subnet_ids = [\"subnet-0a1b2c3d4e5f60001\", \"subnet-0a1b2c3d4e5f60002\"] }\n}\n"
	tests := map[string]struct {
		give    string // content of extra.hcl, or of the --var-file when varFile
		varFile bool
		want    []string // brief diagnostics, with dir/ for the directory
	}{
		"NUL bytes": {
			give: "# x\nlo\x00\x00cals {}\n" + strings.Repeat("\x00", 500),
			want: []string{"DIR/extra.hcl:2,3: Not a text file"},
		},
		"invalid UTF-8": {
			give: "locals {\n  a = \"caf\xe9\"\n}\n" + strings.Repeat("\xff", 500),
			want: []string{"DIR/extra.hcl:2,11: Not a text file"},
		},
		"UTF-16 with byte order mark": {
			give: "\xff\xfel\x00o\x00c\x00",
			want: []string{"DIR/extra.hcl:1,1: Not a text file"},
		},
		"UTF-8 text beyond ASCII is fine": {
			give: "# café, 東京\nlocals {\n  a = \"naïve\"\n}\n",
		},
		"var file with NUL bytes": {
			give:    "x = 1\x00\x00\x00",
			varFile: true,
			want:    []string{"DIR/dev.vars:1,6: Not a text file"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "main.hcl"), cluster)
			var vars []VarArg
			if tt.varFile {
				write(t, filepath.Join(dir, "dev.vars"), tt.give)
				vars = []VarArg{{File: filepath.Join(dir, "dev.vars")}}
			} else {
				write(t, filepath.Join(dir, "extra.hcl"), tt.give)
			}
			_, diags := Load(LoadOptions{Paths: []string{dir}, Vars: vars})
			got := strings.ReplaceAll(strings.Join(brief(diags), "\n"), dir, "DIR")
			if diff := cmp.Diff(strings.Join(tt.want, "\n"), got); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s", diff)
			}
			for _, d := range diags {
				if !strings.Contains(d.Detail, d.Subject.Filename) || !strings.Contains(d.Detail, "UTF-8") {
					t.Errorf("detail does not name the file and say what to do: %s", d.Detail)
				}
			}
		})
	}
}

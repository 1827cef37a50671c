package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const settingsCluster = `cluster "demo" {
  vpc { subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"] }
}
`

// TestSettingsName checks the configuration's name: settings { name } when
// written, else the base name of the directory it was loaded from.
func TestSettingsName(t *testing.T) {
	tests := map[string]struct {
		give          string // main.hcl before the cluster
		dir           string // directory name, "platform" when empty
		want          string
		wantDefaulted bool
		wantRange     string // NameRange, with DIR for the directory
		diags         []string
		detail        string
	}{
		"written": {
			give: "settings {\n  name = \"payments\"\n}\n", want: "payments",
			wantRange: "DIR/main.hcl:2,10-20",
		},
		"from a variable": {
			give: "variable \"env\" { default = \"prod\" }\nsettings {\n  name = \"payments-${var.env}\"\n}\n",
			want: "payments-prod", wantRange: "DIR/main.hcl:3,10-31",
		},
		"not written": {
			want: "platform", wantDefaulted: true, wantRange: "DIR/main.hcl:1,1-1",
		},
		"empty settings block": {
			give: "settings {}\n", want: "platform", wantDefaulted: true, wantRange: "DIR/main.hcl:1,1-9",
		},
		"null": {
			give: "settings {\n  name = null\n}\n", want: "platform", wantDefaulted: true,
			wantRange: "DIR/main.hcl:1,1-9",
		},
		"63 characters": {
			give: "settings {\n  name = \"" + strings.Repeat("a", 63) + "\"\n}\n", want: strings.Repeat("a", 63),
			wantRange: "DIR/main.hcl:2,10-75",
		},
		"64 characters": {
			give:  "settings {\n  name = \"" + strings.Repeat("a", 64) + "\"\n}\n",
			diags: []string{"DIR/main.hcl:2,10: Invalid configuration name"},
		},
		"space": {
			give:   "settings {\n  name = \"my platform\"\n}\n",
			diags:  []string{"DIR/main.hcl:2,10: Invalid configuration name"},
			detail: `"my platform" is not a valid configuration name`,
		},
		"empty": {
			give:  "settings {\n  name = \"\"\n}\n",
			diags: []string{"DIR/main.hcl:2,10: Invalid configuration name"},
		},
		"starts with a dot": {
			give:  "settings {\n  name = \".hidden\"\n}\n",
			diags: []string{"DIR/main.hcl:2,10: Invalid configuration name"},
		},
		"defaulted from a directory that does not fit": {
			dir:    "my config",
			diags:  []string{"DIR/main.hcl:1,1: Invalid configuration name"},
			detail: `settings { name = "my-config" }`,
		},
		"a directory that does not fit, named in settings": {
			dir: "my config", give: "settings {\n  name = \"mine\"\n}\n", want: "mine",
			wantRange: "DIR/main.hcl:2,10-16",
		},
		"unknown attribute": {
			give:  "settings {\n  nmae = \"x\"\n}\n",
			diags: []string{"DIR/main.hcl:2,3: Unsupported argument"},
		},
		"two blocks": {
			give:   "settings {\n  name = \"a\"\n}\nsettings {\n  name = \"b\"\n}\n",
			diags:  []string{"DIR/main.hcl:4,1: Duplicate settings block"},
			detail: "already declared at DIR/main.hcl:1,1-9",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			base := tt.dir
			if base == "" {
				base = "platform"
			}
			dir := filepath.Join(t.TempDir(), base)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "main.hcl"), tt.give+settingsCluster)
			cfg, diags := Load(LoadOptions{Paths: []string{dir}})
			got := brief(diags)
			for i := range got {
				got[i] = strings.ReplaceAll(got[i], dir, "DIR")
			}
			if diff := cmp.Diff(tt.diags, got); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s", diff)
			}
			if tt.detail != "" && !strings.Contains(strings.ReplaceAll(diags[0].Detail, dir, "DIR"), tt.detail) {
				t.Errorf("detail %q does not say %s", diags[0].Detail, tt.detail)
			}
			if len(diags) > 0 {
				return
			}
			if cfg.Name != tt.want || cfg.NameDefaulted != tt.wantDefaulted {
				t.Errorf("Name = %q (defaulted %v), want %q (defaulted %v)", cfg.Name, cfg.NameDefaulted, tt.want, tt.wantDefaulted)
			}
			if got := strings.ReplaceAll(cfg.NameRange.String(), dir, "DIR"); got != tt.wantRange {
				t.Errorf("NameRange = %s, want %s", got, tt.wantRange)
			}
		})
	}
}

// TestSettingsNameFromPaths checks which directory names a configuration
// without settings { name }: the one given, the current one for "." or no
// path, and for files given by name the directory of the first.
func TestSettingsNameFromPaths(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"platform", "other"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(root, "platform", "main.hcl"), settingsCluster)
	write(t, filepath.Join(root, "other", "extra.conf"), "")
	tests := map[string]struct {
		chdir string
		paths []string
	}{
		"directory":                  {paths: []string{filepath.Join(root, "platform")}},
		"directory with a slash":     {paths: []string{filepath.Join(root, "platform") + "/"}},
		"relative directory":         {chdir: root, paths: []string{"platform"}},
		"dot":                        {chdir: filepath.Join(root, "platform"), paths: []string{"."}},
		"no path":                    {chdir: filepath.Join(root, "platform")},
		"dot dot":                    {chdir: filepath.Join(root, "other"), paths: []string{"../platform"}},
		"a file names its directory": {chdir: filepath.Join(root, "platform"), paths: []string{"main.hcl"}},
		"the first file counts": {paths: []string{
			filepath.Join(root, "platform", "main.hcl"), filepath.Join(root, "other", "extra.conf"),
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if tt.chdir != "" {
				t.Chdir(tt.chdir)
			}
			cfg, diags := Load(LoadOptions{Paths: tt.paths})
			if len(diags) > 0 {
				t.Fatal(brief(diags))
			}
			if cfg.Name != "platform" || !cfg.NameDefaulted {
				t.Errorf("Name = %q (defaulted %v), want \"platform\" (defaulted)", cfg.Name, cfg.NameDefaulted)
			}
		})
	}
}

// TestSettingsAcrossFiles checks that a second settings block in another
// file is reported, pointing at it and naming the first.
func TestSettingsAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.hcl"), "settings {\n  name = \"a\"\n}\n"+settingsCluster)
	write(t, filepath.Join(dir, "b.hcl"), "# b\nsettings {}\n")
	_, diags := Load(LoadOptions{Paths: []string{dir}})
	got := strings.ReplaceAll(strings.Join(brief(diags), "\n"), dir, "DIR")
	if diff := cmp.Diff("DIR/b.hcl:2,1: Duplicate settings block", got); diff != "" {
		t.Fatalf("diagnostics (-want +got):\n%s", diff)
	}
	if !strings.Contains(diags[0].Detail, filepath.Join(dir, "a.hcl")+":1,1-9") {
		t.Errorf("detail does not name the first block: %s", diags[0].Detail)
	}
}

func TestSuggestedName(t *testing.T) {
	for give, want := range map[string]string{
		"my config":              "my-config",
		"  team / платформа  ":   "team",
		"..hidden":               "hidden",
		"":                       "platform",
		"日本":                     "platform",
		strings.Repeat("ab", 40): strings.Repeat("ab", 31) + "a",
	} {
		if got := suggested(give); got != want || !configNameRE.MatchString(got) {
			t.Errorf("suggested(%q) = %q, want %q (valid)", give, got, want)
		}
	}
}

// settings { lock }: an S3 bucket for the locks, or none (SSM).
func TestSettingsLock(t *testing.T) {
	runBlockCases(t, map[string]blockCase[*Lock]{
		"none": {give: inCluster("")},
		"s3":   {give: "settings {\n  lock {\n    s3_bucket = \"acme-locks\"\n    s3_prefix = \"locks/\"\n  }\n}\n" + inCluster(""), want: &Lock{S3Bucket: "acme-locks", S3Prefix: "locks/"}},
		"region": {give: "settings {\n  lock {\n    s3_bucket = \"acme-locks\"\n    s3_region = \"eu-west-1\"\n  }\n}\n" + inCluster(""),
			want: &Lock{S3Bucket: "acme-locks", S3Region: "eu-west-1"}},
		"no bucket":  {give: "settings {\n  lock {\n    s3_prefix = \"locks/\"\n  }\n}\n" + inCluster(""), diag: []string{"main.hcl:2,3: Lock without a bucket"}},
		"bad bucket": {give: "settings {\n  lock {\n    s3_bucket = \"Acme_Locks\"\n  }\n}\n" + inCluster(""), diag: []string{"main.hcl:3,17: Invalid S3 bucket name"}},
		"bad prefix": {give: "settings {\n  lock {\n    s3_bucket = \"acme-locks\"\n    s3_prefix = \"/locks\"\n  }\n}\n" + inCluster(""), diag: []string{"main.hcl:4,17: Invalid S3 prefix"}},
		"two blocks": {give: "settings {\n  lock {\n    s3_bucket = \"a-locks\"\n  }\n  lock {\n    s3_bucket = \"b-locks\"\n  }\n}\n" + inCluster(""), diag: []string{"main.hcl:5,3: Duplicate lock block"}},
	}, func(c *Config) *Lock { return c.Lock })
}

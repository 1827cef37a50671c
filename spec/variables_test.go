package spec

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// showVar is a configuration that declares decl and shows var.x in the
// inline policy of an irsa block as {"v": var.x}; shown reads it back.
func showVar(decl string) string {
	return decl + `
cluster "demo" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
  irsa "show" {
    namespace       = "a"
    service_account = "a"
    inline_policy   = jsonencode({ v = var.x })
  }
}
`
}

// shown returns var.x as JSON from a configuration made by showVar.
func shown(cfg *Config) string {
	p := cfg.Clusters[0].IRSA[0].InlinePolicy
	return strings.TrimSuffix(strings.TrimPrefix(p, `{"v":`), "}")
}

func TestVariables(t *testing.T) {
	dir := t.TempDir()
	varFile := filepath.Join(dir, "dev.vars")
	write(t, varFile, "x = \"from-file\"\n")
	numFile := filepath.Join(dir, "num.vars")
	write(t, numFile, "x = 7\n")
	jsonFile := filepath.Join(dir, "vars.json")
	write(t, jsonFile, `{"x": "from-json"}`)
	undeclaredFile := filepath.Join(dir, "undeclared.vars")
	write(t, undeclaredFile, "x = \"a\"\nregon = \"b\"\n")
	brokenFile := filepath.Join(dir, "broken.vars")
	write(t, brokenFile, "x = \n")
	brokenLaterFile := filepath.Join(dir, "broken-later.vars")
	write(t, brokenLaterFile, "x = \"set\"\ny = [\n")
	wrongTypeFile := filepath.Join(dir, "wrong.vars")
	write(t, wrongTypeFile, "x = [1]\n")

	stringVar := `variable "x" {
  type    = string
  default = "from-default"
}`
	tests := map[string]struct {
		give    string
		vars    []VarArg
		environ []string
		want    string // the tag "v", when no diagnostics are wanted
		diags   []string
	}{
		"default": {
			give: showVar(stringVar),
			want: `"from-default"`,
		},
		"environment overrides default": {
			give:    showVar(stringVar),
			environ: []string{"HOME=/root", "EKSCTL_LITE_VAR_x=from-env"},
			want:    `"from-env"`,
		},
		"--var overrides environment": {
			give:    showVar(stringVar),
			environ: []string{"EKSCTL_LITE_VAR_x=from-env"},
			vars:    []VarArg{{Name: "x", Value: "from-flag"}},
			want:    `"from-flag"`,
		},
		"later flag wins: file after --var": {
			give: showVar(stringVar),
			vars: []VarArg{{Name: "x", Value: "from-flag"}, {File: varFile}},
			want: `"from-file"`,
		},
		"later flag wins: --var after file": {
			give: showVar(stringVar),
			vars: []VarArg{{File: varFile}, {Name: "x", Value: "from-flag"}},
			want: `"from-flag"`,
		},
		"JSON variables file": {
			give: showVar(stringVar),
			vars: []VarArg{{File: jsonFile}},
			want: `"from-json"`,
		},
		"string variable takes the raw value": {
			give: showVar(stringVar),
			vars: []VarArg{{Name: "x", Value: `["not", "a list"]`}},
			want: `"[\"not\", \"a list\"]"`,
		},
		"untyped variable takes the raw value": {
			give: showVar(`variable "x" {}`),
			vars: []VarArg{{Name: "x", Value: "1.30"}},
			want: `"1.30"`,
		},
		"number variable parses the value": {
			give: showVar(`variable "x" { type = number }`),
			vars: []VarArg{{Name: "x", Value: "3"}},
			want: `3`,
		},
		"list variable parses the value": {
			give:    showVar(`variable "x" { type = list(string) }`),
			environ: []string{`EKSCTL_LITE_VAR_x=["a", "b"]`},
			want:    `["a","b"]`,
		},
		"map variable with default": {
			give: showVar(`variable "x" {
  type    = map(number)
  default = { a = 1 }
}`),
			want: `{"a":1}`,
		},
		"variables file value converted to the type": {
			give: showVar(`variable "x" { type = string }`),
			vars: []VarArg{{File: numFile}},
			want: `"7"`,
		},
		"null default means unset, not required": {
			give: `variable "region" { default = null }
cluster "demo" {
  region = var.region
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`,
			want: "",
		},
		"undeclared environment variable is ignored": {
			give:    showVar(stringVar),
			environ: []string{"EKSCTL_LITE_VAR_other=1"},
			want:    `"from-default"`,
		},

		"required variable not set": {
			give:  showVar(`variable "x" { type = string }`),
			diags: []string{"main.hcl:1,1: No value for required variable"},
		},
		"required variable set by the environment": {
			give:    showVar(`variable "x" { type = string }`),
			environ: []string{"EKSCTL_LITE_VAR_x=set"},
			want:    `"set"`,
		},
		"undeclared --var": {
			give:  showVar(stringVar),
			vars:  []VarArg{{Name: "y", Value: "1"}},
			diags: []string{"Value for undeclared variable"},
		},
		"undeclared variable in a file": {
			give:  showVar(stringVar),
			vars:  []VarArg{{File: undeclaredFile}},
			diags: []string{undeclaredFile + ":2,1: Value for undeclared variable"},
		},
		"variables file missing": {
			give:  showVar(stringVar),
			vars:  []VarArg{{File: filepath.Join(dir, "nope.vars")}},
			diags: []string{"Cannot read variables file"},
		},
		"variables file with a syntax error": {
			give:  showVar(stringVar),
			vars:  []VarArg{{File: brokenFile}},
			diags: []string{brokenFile + ":1,5: Invalid expression"},
		},
		"variables file with a syntax error hides missing required variables": {
			give:  showVar(`variable "x" { type = string }`),
			vars:  []VarArg{{File: brokenLaterFile}},
			diags: []string{brokenLaterFile + ":3,1: Missing expression"},
		},
		"variables file with a syntax error in the required variable": {
			give:  showVar(`variable "x" { type = string }`),
			vars:  []VarArg{{File: brokenFile}},
			diags: []string{brokenFile + ":1,5: Invalid expression"},
		},
		"missing variables file hides missing required variables": {
			give:  showVar(`variable "x" { type = string }`),
			vars:  []VarArg{{File: filepath.Join(dir, "nope.vars")}},
			diags: []string{"Cannot read variables file"},
		},
		"variables file value of the wrong type": {
			give:  showVar(stringVar),
			vars:  []VarArg{{File: wrongTypeFile}},
			diags: []string{wrongTypeFile + ":1,5: Invalid value for variable"},
		},
		"--var not parseable for a number": {
			give:  showVar(`variable "x" { type = number }`),
			vars:  []VarArg{{Name: "x", Value: "three"}},
			diags: []string{"Invalid value for variable"},
		},
		"environment value not parseable for a list": {
			give:    showVar(`variable "x" { type = list(string) }`),
			environ: []string{"EKSCTL_LITE_VAR_x=[a"},
			diags:   []string{"Invalid value for variable"},
		},
		"default of the wrong type": {
			give: showVar(`variable "x" {
  type    = number
  default = "many"
}`),
			diags: []string{"main.hcl:3,13: Invalid default value for variable"},
		},
		"default referring to a variable": {
			give: showVar(`variable "y" { default = "a" }
variable "x" { default = var.y }`),
			diags: []string{"main.hcl:2,26: Variables not allowed"},
		},
		"invalid type": {
			give:  showVar(`variable "x" { type = strin }`),
			diags: []string{"main.hcl:1,23: Invalid type specification"},
		},
		"duplicate variable": {
			give:  showVar(stringVar + "\n" + `variable "x" { default = "b" }`),
			diags: []string{"main.hcl:5,10: Duplicate variable declaration"},
		},
		"undeclared variable": {
			give: `variable "region" { default = "us-east-1" }
cluster "demo" {
  region = var.regoin
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`,
			diags: []string{"main.hcl:3,12: Reference to undeclared variable"},
		},
		"unknown root name": {
			give: `cluster "demo" {
  region = region
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`,
			diags: []string{"main.hcl:2,12: Unknown variable"},
		},
		"broken variable is reported once": {
			give: `variable "subnets" { type = list(string) }
cluster "demo" {
  vpc { subnet_ids = var.subnets }
  node_group "a" {
    subnet_ids = var.subnets
    scaling {
      min_size = length(var.subnets)
      max_size = 3
    }
  }
}`,
			diags: []string{"main.hcl:1,1: No value for required variable"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, diags := load(t, tt.give, tt.vars, tt.environ)
			if diff := cmp.Diff(tt.diags, brief(diags)); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s", diff)
			}
			if tt.diags != nil {
				return
			}
			var got string
			if strings.Contains(tt.give, "region = var.region") {
				got = cfg.Clusters[0].Region
			} else {
				got = shown(cfg)
			}
			if got != tt.want {
				t.Errorf("value = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestVariableDiagnosticsSayHowToSet(t *testing.T) {
	_, diags := load(t, showVar(`variable "x" { type = string }`), nil, nil)
	if len(diags) != 1 {
		t.Fatalf("want one diagnostic, got %v", brief(diags))
	}
	for _, want := range []string{`"x"`, "--var 'x=VALUE'", "--var-file", "EKSCTL_LITE_VAR_x"} {
		if !strings.Contains(diags[0].Detail, want) {
			t.Errorf("detail %q does not mention %s", diags[0].Detail, want)
		}
	}
}

func TestLocals(t *testing.T) {
	tests := map[string]struct {
		give  string
		want  string
		diags []string
	}{
		"locals refer to variables and other locals in any order": {
			give: `variable "env" { default = "dev" }
locals {
  name = "${local.prefix}-${var.env}"
}
locals {
  prefix = upper("team")
}
cluster "demo" {
  tags = { v = local.name }
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`,
			want: "TEAM-dev",
		},
		"a local indexes local with a computed key": {
			give: `variable "pick" { default = "b" }
locals {
  a = "first"
  b = "second"
  c = local[var.pick]
}
cluster "demo" {
  tags = { v = local.c }
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`,
			want: "second",
		},
		"cycle": {
			give: `locals {
  a = local.b
  b = local.c
  c = local.a
}
cluster "demo" {
  tags = { v = local.a }
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`,
			diags: []string{"main.hcl:2,3: Cycle in local values"},
		},
		"self reference": {
			give: `locals {
  a = "${local.a}x"
}
cluster "demo" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`,
			diags: []string{"main.hcl:2,3: Cycle in local values"},
		},
		"undeclared local": {
			give: `locals {
  name = "x"
}
cluster "demo" {
  tags = { v = local.nmae }
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`,
			diags: []string{"main.hcl:5,16: Reference to undeclared local value"},
		},
		"duplicate local": {
			give: `locals { a = 1 }
locals { a = 2 }
cluster "demo" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`,
			diags: []string{"main.hcl:2,10: Duplicate local value"},
		},
		"error in a local is reported once": {
			give: `locals {
  doc = jsondecode("{")
  x   = local.doc.a
}
cluster "demo" {
  tags = { v = local.x }
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
}`,
			diags: []string{"main.hcl:2,9: Error in function call"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, diags := load(t, tt.give, nil, nil)
			if diff := cmp.Diff(tt.diags, brief(diags)); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s", diff)
			}
			if tt.diags == nil && cfg.Clusters[0].Tags["v"] != tt.want {
				t.Errorf("value = %q, want %q", cfg.Clusters[0].Tags["v"], tt.want)
			}
		})
	}
}

func TestLoadReadsEnvironmentOnlyFromOptions(t *testing.T) {
	t.Setenv("EKSCTL_LITE_VAR_x", "from-process")
	cfg, diags := load(t, showVar(`variable "x" { default = "d" }`), nil, nil)
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics %v", brief(diags))
	}
	if got := shown(cfg); got != `"d"` {
		t.Errorf("value = %s: Load read the process environment instead of LoadOptions.Environ", got)
	}
}

// TestVersionWrittenAsNumber checks that a Kubernetes version written as a
// number (1.30, which is the number 1.3) is reported where it was written,
// saying to quote it, rather than as version "1.3" at the cluster.
func TestVersionWrittenAsNumber(t *testing.T) {
	const cluster = `
cluster "demo" {
  version = var.v
  vpc { subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"] }
}
`
	const stringVar = "variable \"v\" { type = string }\n"
	const objectVar = "variable \"o\" {\n  type = map(object({ version = string, nodes = number }))\n}\nvariable \"v\" { default = \"1.31\" }\n"
	tests := map[string]struct {
		give     string // declarations before the cluster
		varFile  string // content of dev.vars, "" for none
		jsonFile string // content of dev.json, "" for none
		vars     []VarArg
		want     []string
		detail   string // in the first diagnostic's detail
		version  string // the cluster's version when there are no diagnostics
	}{
		"var file, string variable": {
			give: stringVar, varFile: "v = 1.30\n",
			want:   []string{"DIR/dev.vars:1,5: Number where text is meant"},
			detail: `v = "1.30"`,
		},
		"var file, untyped variable": {
			give: "variable \"v\" {}\n", varFile: "\n\nv = 1.30\n",
			want:   []string{"DIR/dev.vars:3,5: Number where text is meant"},
			detail: `"1.3"`,
		},
		"var file, number without trailing zero is left alone": {
			give: stringVar, varFile: "v = 1.31\n", version: "1.31",
		},
		"var file, nested in an object": {
			give:    objectVar,
			varFile: "o = {\n  blue = {\n    version = 1.30\n    nodes   = 2.0\n  }\n}\n",
			want:    []string{"DIR/dev.vars:3,15: Number where text is meant"},
			detail:  `version = "1.30"`,
		},
		"JSON var file": {
			give: stringVar, jsonFile: "{\n  \"v\": 1.30\n}\n",
			want: []string{"DIR/dev.json:2,8: Number where text is meant"},
		},
		"--var of a string variable is text already": {
			give: stringVar, vars: []VarArg{{Name: "v", Value: "1.30"}}, version: "1.30",
		},
		"--var of an object": {
			give:   objectVar,
			vars:   []VarArg{{Name: "o", Value: "{ blue = { version = 1.30, nodes = 1 } }"}},
			want:   []string{"Number where text is meant"},
			detail: "--var o",
		},
		"variable default": {
			give:   "variable \"v\" {\n  type    = string\n  default = 1.30\n}\n",
			want:   []string{"DIR/main.hcl:3,13: Number where text is meant"},
			detail: `default = "1.30"`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "main.hcl"), tt.give+cluster)
			vars := tt.vars
			if tt.varFile != "" {
				write(t, filepath.Join(dir, "dev.vars"), tt.varFile)
				vars = append(vars, VarArg{File: filepath.Join(dir, "dev.vars")})
			}
			if tt.jsonFile != "" {
				write(t, filepath.Join(dir, "dev.json"), tt.jsonFile)
				vars = append(vars, VarArg{File: filepath.Join(dir, "dev.json")})
			}
			cfg, diags := Load(LoadOptions{Paths: []string{dir}, Vars: vars})
			got := brief(diags)
			for i := range got {
				got[i] = strings.ReplaceAll(got[i], dir, "DIR")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s", diff)
			}
			if tt.detail != "" && !strings.Contains(diags[0].Detail, tt.detail) {
				t.Errorf("detail %q does not say %s", diags[0].Detail, tt.detail)
			}
			if len(diags) == 0 && cfg.Clusters[0].Version != tt.version {
				t.Errorf("version = %q, want %q", cfg.Clusters[0].Version, tt.version)
			}
		})
	}
}

// TestVersionNumberInHCL checks the message for a version written as a
// number directly, or arriving as one through a local.
func TestVersionNumberInHCL(t *testing.T) {
	tests := map[string]struct {
		give   string
		want   []string
		detail string
	}{
		"literal": {
			give:   inCluster(`  version = 1.30`),
			want:   []string{"main.hcl:3,13: Invalid Kubernetes version"},
			detail: `version = "1.30"`,
		},
		"literal without trailing zero": {
			give:   inCluster(`  version = 1.31`),
			want:   []string{"main.hcl:3,13: Invalid Kubernetes version"},
			detail: `version = "1.31"`,
		},
		"through a local": {
			give:   "locals { v = 1.30 }\n" + inCluster(`  version = local.v`),
			want:   []string{"main.hcl:4,13: Invalid Kubernetes version"},
			detail: `write "1.30" in quotes`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := load(t, tt.give, nil, nil)
			if diff := cmp.Diff(tt.want, brief(diags)); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s", diff)
			}
			if !strings.Contains(diags[0].Detail, tt.detail) {
				t.Errorf("detail %q does not say %s", diags[0].Detail, tt.detail)
			}
		})
	}
}

package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFunctions(t *testing.T) {
	tests := map[string]struct {
		give string // an HCL expression giving a string
		want string
	}{
		"jsonencode":         {give: `jsonencode({ a = [1, "x"] })`, want: `{"a":[1,"x"]}`},
		"jsondecode":         {give: `jsondecode("{\"a\": \"b\"}").a`, want: "b"},
		"merge":              {give: `jsonencode(merge({ a = 1, b = 1 }, { b = 2 }))`, want: `{"a":1,"b":2}`},
		"concat":             {give: `join(",", concat(["a"], ["b", "c"]))`, want: "a,b,c"},
		"format":             {give: `format("%s-%03d", "ng", 7)`, want: "ng-007"},
		"lower":              {give: `lower("ABC")`, want: "abc"},
		"upper":              {give: `upper("abc")`, want: "ABC"},
		"join":               {give: `join("-", ["a", "b"])`, want: "a-b"},
		"split":              {give: `split(",", "a,b,c")[1]`, want: "b"},
		"contains":           {give: `tostring(contains(["a", "b"], "b"))`, want: "true"},
		"length of a list":   {give: `tostring(length(["a", "b"]))`, want: "2"},
		"length of a string": {give: `tostring(length("héllo"))`, want: "5"},
		"length of a map":    {give: `tostring(length({ a = 1 }))`, want: "1"},
		"lookup":             {give: `lookup({ a = "x" }, "b", "default")`, want: "default"},
		"coalesce":           {give: `coalesce("", "second")`, want: "second"},
		"tomap":              {give: `jsonencode(tomap({ a = "1" }))`, want: `{"a":"1"}`},
		"tolist":             {give: `jsonencode(tolist(["a"]))`, want: `["a"]`},
		"toset":              {give: `jsonencode(toset(["b", "a", "b"]))`, want: `["a","b"]`},
		"replace":            {give: `replace("a.b", ".", "-")`, want: "a-b"},
		"try":                {give: `try(jsondecode("{").a, "fallback")`, want: "fallback"},
		"can":                {give: `tostring(can(jsondecode("{")))`, want: "false"},
		"slice":              {give: `join(",", slice(["a", "b", "c"], 1, 3))`, want: "b,c"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			src := `cluster "demo" {
  vpc { subnet_ids = ["subnet-00000001", "subnet-00000002"] }
  irsa "f" {
    namespace       = "a"
    service_account = "a"
    inline_policy   = jsonencode({ v = ` + tt.give + ` })
  }
}`
			cfg, diags := load(t, src, nil, nil)
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics: %v", brief(diags))
			}
			var got struct{ V string }
			if err := jsonUnmarshal(cfg.Clusters[0].IRSA[0].InlinePolicy, &got); err != nil {
				t.Fatal(err)
			}
			if got.V != tt.want {
				t.Errorf("%s = %q, want %q", tt.give, got.V, tt.want)
			}
		})
	}
}

func TestNoFunctionReadsTheOutsideWorld(t *testing.T) {
	for _, name := range []string{"file", "fileexists", "templatefile", "env", "timestamp", "uuid", "range"} {
		if _, ok := functions()[name]; ok {
			t.Errorf("function %q is available; the curated set must stay pure and bounded", name)
		}
	}
	want := []string{"coalesce", "concat", "contains", "format", "join", "jsondecode", "jsonencode",
		"length", "lookup", "lower", "merge", "split", "tolist", "tomap", "toset", "upper"}
	have := map[string]bool{}
	for _, n := range FunctionNames() {
		have[n] = true
	}
	var missing []string
	for _, n := range want {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	if diff := cmp.Diff([]string(nil), missing); diff != "" {
		t.Errorf("missing functions (-want +got):\n%s", diff)
	}
}

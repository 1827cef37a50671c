package spec

import (
	"fmt"
	"testing"
)

// Later stages (the planner's refusals) point at the attribute the user
// wrote, falling back to the block when it was not written.
func TestAttrRange(t *testing.T) {
	cfg, diags := load(t, `cluster "c" {
  version = "1.31"
  vpc {
    subnet_ids = ["subnet-00000001", "subnet-00000002"]
  }
  encryption {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }
  node_group "ng" {
    version = "1.30"
    scaling {
      min_size = 1
      max_size = 2
    }
  }
}
`, nil, nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	c := cfg.Clusters[0]
	ng := c.NodeGroups[0]
	for name, tt := range map[string]struct {
		got  fmt.Stringer
		want string
	}{
		"cluster version":      {c.AttrRange("version"), "main.hcl:2,13-19"},
		"vpc subnets":          {c.AttrRange("vpc.subnet_ids"), "main.hcl:4,18-56"},
		"kms key":              {c.AttrRange("encryption.kms_key_arn"), "main.hcl:7,19-96"},
		"not written: block":   {c.AttrRange("role_arn"), c.DeclRange.String()},
		"node group version":   {ng.AttrRange("version"), "main.hcl:10,15-21"},
		"node group not given": {ng.AttrRange("disk_size"), ng.DeclRange.String()},
	} {
		if got := tt.got.String(); got != tt.want {
			t.Errorf("%s: range %s, want %s", name, got, tt.want)
		}
	}
}

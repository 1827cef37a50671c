package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// upgrade_policy: STANDARD or EXTENDED, as EKS spells them; left out,
// empty (EKS's default at creation, the live policy afterwards).
func TestUpgradePolicy(t *testing.T) {
	tests := map[string]struct {
		give       string
		wantPolicy string
		want       []string
	}{
		"standard":  {give: inCluster(`  upgrade_policy = "STANDARD"`), wantPolicy: "STANDARD"},
		"extended":  {give: inCluster(`  upgrade_policy = "EXTENDED"`), wantPolicy: "EXTENDED"},
		"left out":  {give: inCluster(""), wantPolicy: ""},
		"null":      {give: inCluster(`  upgrade_policy = null`), wantPolicy: ""},
		"lowercase": {give: inCluster(`  upgrade_policy = "standard"`), want: []string{"main.hcl:3,20: Invalid upgrade policy"}},
		"not a string": {give: inCluster(`  upgrade_policy = ["STANDARD"]`),
			want: []string{"main.hcl:3,20: Incorrect attribute value type"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, diags := load(t, tt.give, nil, nil)
			if d := cmp.Diff(tt.want, brief(diags)); d != "" {
				t.Fatalf("diagnostics (-want +got):\n%s", d)
			}
			if tt.want == nil && cfg.Clusters[0].UpgradePolicy != tt.wantPolicy {
				t.Errorf("UpgradePolicy = %q, want %q", cfg.Clusters[0].UpgradePolicy, tt.wantPolicy)
			}
		})
	}
}

package provision

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The order of a replacement is decided in one place; the text symbol, the
// legend and the JSON actions all say the same thing.
func TestReplaceOrderIsOneSourceOfTruth(t *testing.T) {
	tests := map[Type]struct {
		wantActions []string
		wantSymbol  string
		wantLegend  string
	}{
		TypeNodeGroup:      {[]string{"create", "delete"}, "+/-", "+/- create replacement and then destroy"},
		TypeFargateProfile: {[]string{"delete", "create"}, "-/+", "-/+ destroy and then create replacement"},
		TypeOIDCProvider:   {[]string{"delete", "create"}, "-/+", "-/+ destroy and then create replacement"},
		TypeRole:           {[]string{"delete", "create"}, "-/+", "-/+ destroy and then create replacement"},
	}
	for typ, tt := range tests {
		t.Run(string(typ), func(t *testing.T) {
			ch := &ResourceChange{Address: "cluster.x.thing", Type: typ, Action: Replace}
			if d := cmp.Diff(tt.wantActions, terraformActions(ch)); d != "" {
				t.Errorf("JSON actions (-want +got):\n%s", d)
			}
			if got := replaceOrderOf(typ).Symbol(); got != tt.wantSymbol {
				t.Errorf("symbol = %q, want %q", got, tt.wantSymbol)
			}
			var b bytes.Buffer
			if err := RenderText(&b, &Plan{Changes: []*ResourceChange{ch}}, false); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "\n"+tt.wantLegend+"\n") || !strings.Contains(b.String(), "\n"+tt.wantSymbol+" "+string(typ)+" ") {
				t.Errorf("text plan lacks %q or the %s symbol:\n%s", tt.wantLegend, tt.wantSymbol, b.String())
			}
		})
	}
}

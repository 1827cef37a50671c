package provision

import (
	"bytes"
	"errors"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The id a resource is known by on its lines is its ARN, whichever the
// action, so that a destroy's log can be matched with the apply that
// created it; as in Terraform, an action on an existing resource names it
// when it starts, and a destruction does not repeat it when it is done.
func TestProgressLinesNameTheARN(t *testing.T) {
	ngARN := "arn:aws:eks:eu-west-1:111122223333:nodegroup/demo/general/0000"
	newARN := "arn:aws:eks:eu-west-1:111122223333:nodegroup/demo/general-1a2b/0001"
	live := &NodeGroupAttrs{Name: "general", ARN: ngARN}
	tests := map[string]struct {
		give     *ResourceChange
		finishID string
		fail     bool
		want     []string
	}{
		"create": {
			give:     &ResourceChange{Address: "cluster.demo.node_group.general", Action: Create, After: &NodeGroupAttrs{Name: "general"}},
			finishID: ngARN,
			want: []string{
				"cluster.demo.node_group.general: Creating...",
				"cluster.demo.node_group.general: Creation complete after 0s [id=" + ngARN + "]",
			},
		},
		"delete": {
			// Apply's delete functions return the name; the ARN is the id.
			give:     &ResourceChange{Address: "cluster.demo.node_group.general", Action: Delete, Before: live},
			finishID: "general",
			want: []string{
				"cluster.demo.node_group.general: Destroying... [id=" + ngARN + "]",
				"cluster.demo.node_group.general: Destruction complete after 0s",
			},
		},
		"delete fails": {
			give: &ResourceChange{Address: "cluster.demo.node_group.general", Action: Delete, Before: live},
			fail: true,
			want: []string{
				"cluster.demo.node_group.general: Destroying... [id=" + ngARN + "]",
				"cluster.demo.node_group.general: Destruction failed after 0s: boom",
			},
		},
		"update": {
			give:     &ResourceChange{Address: "cluster.demo.node_group.general", Action: Update, Before: live, After: live},
			finishID: ngARN,
			want: []string{
				"cluster.demo.node_group.general: Modifying... [id=" + ngARN + "]",
				"cluster.demo.node_group.general: Modifications complete after 0s [id=" + ngARN + "]",
			},
		},
		"replace": {
			give:     &ResourceChange{Address: "cluster.demo.node_group.general", Action: Replace, Before: live, After: &NodeGroupAttrs{Name: "general-1a2b"}},
			finishID: newARN,
			want: []string{
				"cluster.demo.node_group.general: Replacing... [id=" + ngARN + "]",
				"cluster.demo.node_group.general: Replacement complete after 0s [id=" + newARN + "]",
			},
		},
	}
	elapsedRE := regexp.MustCompile(`after [0-9.]+m?s`)
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			act := NewProgress(&b, 0).begin(tt.give, "")
			if tt.fail {
				act.fail(errors.New("boom"))
			} else {
				act.finish(tt.finishID)
			}
			got := elapsedRE.ReplaceAllString(b.String(), "after 0s")
			if d := cmp.Diff(tt.want, splitLines(got)); d != "" {
				t.Errorf("lines (-want +got):\n%s", d)
			}
		})
	}
}

func splitLines(s string) []string {
	var out []string
	for _, l := range bytes.Split(bytes.TrimSuffix([]byte(s), []byte("\n")), []byte("\n")) {
		out = append(out, string(l))
	}
	return out
}

package provision

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/eksctl-lite/eksctl-lite/spec"
)

// notYetPlanned refuses the blocks the spec decodes but no kind plans yet,
// so that a configuration using them fails at plan, at the block, instead
// of applying without them. Each entry goes when its kind lands.
func notYetPlanned(c *spec.Cluster) hcl.Diagnostics {
	var diags hcl.Diagnostics
	refuse := func(block string, at hcl.Range) {
		diags = append(diags, errorDiag(at, fmt.Sprintf("%s blocks are not supported yet", block),
			fmt.Sprintf("This version of eksctl-lite reads %s blocks but cannot plan or apply them yet, so it refuses the configuration rather than apply it without them. Remove the %s blocks of cluster %q, or use a newer eksctl-lite.", block, block, c.Name)))
	}
	for _, e := range c.AccessEntries {
		refuse("access_entry", e.DeclRange)
	}
	return diags
}

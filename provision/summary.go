package provision

// This file counts a plan's and an apply's changes and words their summary
// lines exactly as Terraform does ("Plan: 2 to add, 1 to change, 1 to
// destroy."), because CI tools and people parse those lines. Terraform has
// no count of replacements: a replacement is one resource added and one
// destroyed, and eksctl-lite says how many of them were replacements on a
// line of its own after Terraform's.

import (
	"fmt"
	"strings"
)

// Counts returns how many resources the plan creates, changes in place,
// replaces and destroys, each resource under its one action.
func (p *Plan) Counts() (add, change, replace, destroy int) {
	for _, ch := range p.Changes {
		switch ch.Action {
		case Create:
			add++
		case Update:
			change++
		case Replace:
			replace++
		case Delete:
			destroy++
		}
	}
	return
}

// Waits returns how many resources apply waits for: they match the
// configuration but are not ACTIVE (see Wait).
func (p *Plan) Waits() int {
	n := 0
	for _, ch := range p.Changes {
		if ch.Action == Wait {
			n++
		}
	}
	return n
}

// HasChanges reports whether the plan has anything to do: a change, or a
// resource to wait for (not converged, so --detailed-exitcode says 2).
func (p *Plan) HasChanges() bool {
	a, c, r, d := p.Counts()
	return a+c+r+d+p.Waits() > 0
}

// planSummary is the plan's closing line, Terraform's, and the notes on
// replacements and resources apply waits for, when there are any.
func planSummary(p *Plan) (line, note string) {
	add, change, replace, destroy := p.Counts()
	line = fmt.Sprintf("%d to add, %d to change, %d to destroy.", add+replace, change, destroy+replace)
	note = replacementNote(replace, "is", "are")
	if w := p.Waits(); w > 0 {
		wn := "(1 resource is not ACTIVE yet: apply waits for it)"
		if w > 1 {
			wn = fmt.Sprintf("(%d resources are not ACTIVE yet: apply waits for them)", w)
		}
		note = strings.TrimPrefix(note+"\n"+wn, "\n")
	}
	return line, note
}

// applySummary is "Resources: 2 added, 1 changed, 1 destroyed." (for
// destroy "Resources: 1 destroyed.") and the replacement note.
func applySummary(r *ApplyResult, destroy bool) (counts, note string) {
	if destroy {
		return fmt.Sprintf("Resources: %d destroyed.", r.Destroyed+r.Replaced), replacementNote(r.Replaced, "was", "were")
	}
	return fmt.Sprintf("Resources: %d added, %d changed, %d destroyed.", r.Added+r.Replaced, r.Changed, r.Destroyed+r.Replaced),
		replacementNote(r.Replaced, "was", "were")
}

// replacementNote is "(1 of them is a replacement)", "(2 of them are
// replacements)", or "" when n is 0.
func replacementNote(n int, one, many string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "(1 of them " + one + " a replacement)"
	}
	return fmt.Sprintf("(%d of them %s replacements)", n, many)
}

// withNote appends note on a line of its own when it is not empty.
func withNote(line, note string) string {
	if note == "" {
		return line + "\n"
	}
	return strings.Join([]string{line, note}, "\n") + "\n"
}

package provision

import (
	"fmt"
	"math"
	"strings"
)

// The text plan's cost block: per cluster, its monthly cost before and
// after the plan and the change, then each resource that costs money with
// its line (+ created, - deleted, ~ changed, blank when its cost stays)
// and the formula under it; a total when the plan has several clusters.

// costBlock writes p's cost block ("" when p has no estimate).
func (r *textRenderer) costBlock(p *Plan) {
	s := p.CostSummary
	if s == nil {
		return
	}
	r.printf("\n%s (%s, %d hours a month; prices of %s from %s)\n", r.paint(bold, "Estimated monthly cost"), s.Currency, s.HoursPerMonth, s.Date, s.From)
	if s.Error != "" {
		r.printf("\n  The prices could not be read: %s\n  Every cost is unknown.\n", s.Error)
		return
	}
	if len(s.Clusters) == 0 {
		r.printf("\n  Nothing in the plan costs money.\n")
		return
	}
	for _, cc := range s.Clusters {
		r.printf("\n  cluster %q in %s: %s\n", cc.Cluster, cc.Region, totalsText(cc.CostTotals))
		var rows [][2]string
		var notes []string
		width := 0
		for _, ch := range p.Changes {
			c := ch.Cost
			if c == nil || ch.Cluster != cc.Cluster || ch.Region != cc.Region {
				continue
			}
			amount := costLine(ch.Action, c)
			rows = append(rows, [2]string{amount, ch.Address})
			notes = append(notes, costNote(c))
			width = max(width, len(amount))
		}
		for i, row := range rows {
			r.printf("    %s  %s\n", pad(row[0], width), row[1])
			for _, l := range strings.Split(notes[i], "\n") {
				r.printf("          %s\n", l)
			}
		}
	}
	if len(s.Clusters) > 1 {
		r.printf("\n  Total: %s\n", totalsText(s.CostTotals))
	}
	if s.Partial {
		r.printf("\n  The totals are partial: no price is known for %s.\n  Give one with --pricing FILE, or read AWS's with --pricing aws.\n", strings.Join(s.Unknown, ", "))
	}
	if p.hasFargateCost() {
		r.printf("\n  Fargate pods are not in the totals: Fargate bills each pod, by its size, for\n  as long as it runs, and eksctl-lite does not know the pods.\n")
	}
}

func (p *Plan) hasFargateCost() bool {
	for _, ch := range p.Changes {
		if ch.Cost != nil && len(ch.Cost.PodRates) > 0 {
			return true
		}
	}
	return false
}

// totalsText is "$73.00 -> $216.36/mo (+ $143.36)".
func totalsText(t CostTotals) string {
	before, after := spanText(t.Before, t.BeforeMax, false), spanText(t.After, t.AfterMax, false)
	var change string
	switch {
	case t.Change == 0 && t.ChangeMax == 0:
		return after + "/mo (no change)"
	case t.Change == t.ChangeMax:
		change = signed(t.Change)
	case (t.Change < 0) == (t.ChangeMax < 0):
		change = signed(t.Change) + " to " + dollars(math.Abs(t.ChangeMax))
	default:
		change = signed(t.Change) + " to " + signed(t.ChangeMax)
	}
	return fmt.Sprintf("%s -> %s/mo (%s)", before, after, change)
}

// signed is "+ $1.00" or "- $1.00".
func signed(v float64) string {
	if v < 0 {
		return "- " + dollars(-v)
	}
	return "+ " + dollars(v)
}

// spanText is one side's figure: "$70.08", "$70.08-$280.32" (a range),
// "up to $140.16" (spot).
func spanText(lo, hi float64, upTo bool) string {
	s := dollars(lo)
	if hi != lo {
		s += "-" + dollars(hi)
	}
	if upTo {
		s = "up to " + s
	}
	return s
}

// costLine is a resource's figure with its sign: "+ $143.36/mo",
// "- $70.08/mo", "~ $70.08 -> $140.16/mo", "  $73.00/mo", "  per pod",
// "? unknown".
func costLine(a Action, c *Cost) string {
	if len(c.PodRates) > 0 || (c.Note != "" && c.Before == nil && c.After == nil && len(c.Unknown) == 0) {
		return "  per pod"
	}
	if len(c.Unknown) > 0 {
		return "? unknown"
	}
	side := func(lo, hi *float64) string {
		if lo == nil {
			return ""
		}
		return spanText(*lo, *hi, c.UpTo)
	}
	before, after := side(c.Before, c.BeforeMax), side(c.After, c.AfterMax)
	switch {
	case before == "":
		return "+ " + after + "/mo"
	case after == "":
		return "- " + before + "/mo"
	case before == after:
		return "  " + after + "/mo"
	}
	return "~ " + before + " -> " + after + "/mo"
}

// costNote is what explains a resource's figure: its formula (and the
// one before, when it differs), what has no price, Fargate's note.
func costNote(c *Cost) string {
	var ls []string
	if c.BeforeBasis != "" {
		ls = append(ls, "was: "+c.BeforeBasis)
	}
	if c.Basis != "" {
		ls = append(ls, c.Basis)
	}
	if len(c.Unknown) > 0 {
		ls = append(ls, "no price for "+strings.Join(c.Unknown, ", "))
	}
	if c.Note != "" && len(c.PodRates) == 0 {
		ls = append(ls, c.Note)
	}
	var out []string
	for _, l := range ls {
		out = append(out, wrap(l, 72)...)
	}
	return strings.Join(out, "\n")
}

// wrap breaks s into lines of at most width characters, at spaces.
func wrap(s string, width int) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			out = append(out, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

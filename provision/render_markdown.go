package provision

import (
	"fmt"
	"html"
	"io"
	"math"
	"regexp"
	"strings"
)

// RenderMarkdown writes a plan as a pull-request comment (show FILE
// --format markdown, plan --format markdown): plain CommonMark with GitHub's
// tables, no colour. In order: a title and the summary line (the text
// plan's words), the replacements and deletions called out in a
// blockquote, a table of the resources that change, per resource a
// collapsible <details> section with its attribute diff (the text plan's,
// each line's + - ~ sign moved to the first column so that a ```diff
// fence colours it) and its AWS calls, the warnings, the cost estimate and
// what to run after apply.
func RenderMarkdown(w io.Writer, p *Plan) error {
	m := &mdRenderer{}
	var changes []*ResourceChange
	for _, ch := range p.Changes {
		if ch.Action != NoOp {
			changes = append(changes, ch)
		}
	}
	title := "eksctl-lite plan"
	if p.Destroy {
		title = "eksctl-lite destroy plan"
	}
	m.printf("## %s\n\n", title)
	if len(changes) == 0 {
		if p.Destroy {
			m.printf("**No changes.** No objects need to be destroyed.\n\n")
			m.printf("Either nothing the configuration describes exists, or what exists was not\ncreated by eksctl-lite, which never destroys what it does not own.\n")
		} else {
			m.printf("**No changes.** Your infrastructure matches the configuration.\n\n")
			m.printf("eksctl-lite compared your configuration with live EKS and IAM and found no\ndifferences, so no changes are needed.\n")
		}
	} else {
		line, note := planSummary(p)
		m.printf("**Plan:** %s", mdText(line))
		if note != "" {
			// A hard line break (backslash), so that the note keeps its
			// line as in the text plan.
			m.printf("\\\n%s", strings.ReplaceAll(mdText(note), "\n", "\\\n"))
		}
		m.printf("\n")
		m.callout(changes)
		m.table(changes, len(p.Changes)-len(changes))
		m.details(changes)
	}
	m.warnings(p.Warnings)
	m.cost(p)
	m.instructions(p.ResolvedInstructions())
	_, err := io.WriteString(w, m.b.String())
	return err
}

type mdRenderer struct{ b strings.Builder }

func (m *mdRenderer) printf(format string, args ...any) { fmt.Fprintf(&m.b, format, args...) }

// actionWords is a change's action as the table shows it: the text plan's
// symbol and its legend's words.
func actionWords(ch *ResourceChange) string {
	switch ch.Action {
	case Create:
		return "create"
	case Update:
		return "update in-place"
	case Replace:
		return "replace (" + replaceOrderOf(ch.Type).Legend() + ")"
	case Delete:
		return "destroy"
	case Wait:
		return "wait (not ACTIVE yet)"
	}
	return string(ch.Action)
}

// callout lists the replacements and deletions before anything else, so
// that a reviewer cannot miss them: a GitHub alert, which plain CommonMark
// shows as a blockquote.
func (m *mdRenderer) callout(changes []*ResourceChange) {
	var items []string
	for _, ch := range changes {
		switch ch.Action {
		case Delete:
			item := "- **destroy** " + codeSpan(ch.Address) + " (" + codeSpan(string(ch.Type)) + ")"
			if ch.Reason != "" {
				item += ": " + mdText(oneLine(ch.Reason))
			}
			items = append(items, item)
		case Replace:
			item := "- **replace** " + codeSpan(ch.Address) + " (" + codeSpan(string(ch.Type)) + ")"
			if ch.Reason != "" {
				item += ": " + mdText(oneLine(ch.Reason))
			}
			items = append(items, item+"; "+mdText(oneLine(replaceNote(ch))))
		}
	}
	if len(items) == 0 {
		return
	}
	m.printf("\n> [!WARNING]\n> **This plan destroys or replaces %s.**\n>\n", plural(len(items), "resource"))
	for _, it := range items {
		m.printf("> %s\n", it)
	}
}

// table lists every resource that changes, with its action and reason.
func (m *mdRenderer) table(changes []*ResourceChange, unchanged int) {
	m.printf("\n| Address | Type | Action | Reason |\n|---|---|---|---|\n")
	for _, ch := range changes {
		action := actionWords(ch)
		if s := symbolOf(ch); s != "" {
			action = codeSpan(s) + " " + action
		}
		m.printf("| %s | %s | %s | %s |\n", cell(codeSpan(ch.Address)), cell(codeSpan(string(ch.Type))), cell(action), cell(mdText(ch.Reason)))
	}
	if unchanged > 0 {
		m.printf("\n%s not listed.\n", plural(unchanged, "unchanged resource"))
	}
}

// details writes, per resource that changes, a collapsed section with its
// attribute diff and its AWS calls.
func (m *mdRenderer) details(changes []*ResourceChange) {
	first := true
	for _, ch := range changes {
		if ch.Action == Wait {
			// Nothing to change: the resource matches the configuration.
			continue
		}
		if first {
			m.printf("\n### Changes\n")
			first = false
		}
		header := map[Action]string{
			Create:  "will be created",
			Update:  "will be updated in-place",
			Replace: "must be replaced",
			Delete:  "will be destroyed",
		}[ch.Action]
		summary := "<code>" + html.EscapeString(symbolOf(ch)) + "</code> <code>" + html.EscapeString(oneLine(ch.Address)) + "</code> " + header
		if ch.Reason != "" {
			summary += " (" + html.EscapeString(oneLine(ch.Reason)) + ")"
		}
		m.printf("\n<details><summary>%s</summary>\n\n", summary)
		if ch.Action == Replace {
			m.printf("%s\n\n", mdText(oneLine(replaceNote(ch))))
		}
		m.printf("%s", fenced("diff", diffBody(ch)))
		if len(ch.Steps) > 0 {
			m.printf("\nAWS calls, in order:\n\n")
			for i, s := range ch.Steps {
				detail := ""
				if s.Detail != "" {
					detail = " (" + mdText(oneLine(s.Detail)) + ")"
				}
				m.printf("%d. %s%s\n", i+1, codeSpan(s.Call), detail)
			}
		}
		m.printf("\n</details>\n")
	}
}

// The text renderer marks each attribute's sign with a colour; diffBody
// renders in colour only to find those signs (user values never hold an
// escape character: fmtValue quotes them) and then strips every colour.
var (
	ansiSign = regexp.MustCompile(`^( *)\x1b\[[0-9]+m([-+~])\x1b\[0m`)
	ansiCode = regexp.MustCompile(`\x1b\[[0-9;]*m`)
)

// diffBody is the text plan's block of a change ("~ aws_eks_cluster
// "cluster.demo" { ... }"), with each attribute's sign moved to the first
// column and the indentation kept after it, as diff syntax wants.
func diffBody(ch *ResourceChange) string {
	r := &textRenderer{color: true}
	r.changeBody(ch)
	var out strings.Builder
	for _, l := range strings.Split(strings.TrimSuffix(r.b.String(), "\n"), "\n") {
		if g := ansiSign.FindStringSubmatch(l); g != nil {
			l = g[2] + g[1] + l[len(g[0]):]
		}
		out.WriteString(ansiCode.ReplaceAllString(l, "") + "\n")
	}
	return out.String()
}

// changeBody writes what the text plan's change writes between its header
// and its AWS calls.
func (r *textRenderer) changeBody(ch *ResourceChange) {
	r.printf("%s %s %q {\n", r.symbol(ch), ch.Type, ch.Address)
	switch ch.Action {
	case Create:
		r.attrs(ch.After, "+")
	case Delete:
		r.attrs(ch.Before, "-")
	default:
		r.diffs(ch)
	}
	r.printf("    }\n")
}

func (m *mdRenderer) warnings(ws []PlanWarning) {
	if len(ws) == 0 {
		return
	}
	m.printf("\n### Warnings\n\n")
	for _, w := range ws {
		item := "- **" + mdText(oneLine(w.Summary)) + "**"
		if w.File != "" {
			loc := w.File
			if w.Line > 0 {
				loc += fmt.Sprintf(":%d", w.Line)
			}
			item += " (" + codeSpan(loc) + ")"
		}
		m.printf("%s\n", item)
		if w.Detail != "" {
			m.printf("\n")
			for _, l := range strings.Split(strings.TrimRight(w.Detail, "\n"), "\n") {
				if strings.TrimSpace(l) == "" {
					m.printf("\n")
					continue
				}
				m.printf("  %s\n", mdLine(strings.TrimSpace(l)))
			}
		}
	}
}

// cost is the text plan's cost block: per cluster before, after and the
// change, each resource's figure and formula collapsed under it.
func (m *mdRenderer) cost(p *Plan) {
	s := p.CostSummary
	if s == nil {
		return
	}
	m.printf("\n### Estimated monthly cost\n\n%s\n", mdText(fmt.Sprintf("%s, %d hours a month; prices of %s from %s.", s.Currency, s.HoursPerMonth, s.Date, s.From)))
	if s.Error != "" {
		m.printf("\nThe prices could not be read: %s\nEvery cost is unknown.\n", mdText(oneLine(s.Error)))
		return
	}
	if len(s.Clusters) == 0 {
		m.printf("\nNothing in the plan costs money.\n")
		return
	}
	m.printf("\n| Cluster | Region | Before | After | Change |\n|---|---|--:|--:|--:|\n")
	for _, cc := range s.Clusters {
		m.printf("| %s | %s |%s\n", cell(codeSpan(cc.Cluster)), cell(mdText(cc.Region)), totalsCells(cc.CostTotals))
	}
	if len(s.Clusters) > 1 {
		m.printf("| **Total** | |%s\n", totalsCells(s.CostTotals))
	}
	var rows []string
	for _, ch := range p.Changes {
		if c := ch.Cost; c != nil {
			rows = append(rows, fmt.Sprintf("| %s | %s | %s |", cell(codeSpan(ch.Address)), cell(mdText(strings.TrimSpace(costLine(ch.Action, c)))), cell(strings.Join(mdTexts(costItems(c)), "<br>"))))
		}
	}
	if len(rows) > 0 {
		m.printf("\n<details><summary>Cost by resource</summary>\n\n| Resource | Monthly cost | How |\n|---|---|---|\n%s\n\n</details>\n", strings.Join(rows, "\n"))
	}
	if s.Partial {
		m.printf("\nThe totals are partial: no price is known for %s.\nGive one with `--pricing FILE`, or read AWS's with `--pricing aws`.\n", mdText(strings.Join(s.Unknown, ", ")))
	}
	if p.hasFargateCost() {
		m.printf("\nFargate pods are not in the totals: Fargate bills each pod, by its size, for\nas long as it runs, and eksctl-lite does not know the pods.\n")
	}
}

// totalsCells are the Before, After and Change cells of a cost row, the
// figures totalsText puts on one line.
func totalsCells(t CostTotals) string {
	return fmt.Sprintf(" %s | %s | %s |",
		cell(mdText(spanText(t.Before, t.BeforeMax, false)+"/mo")),
		cell(mdText(spanText(t.After, t.AfterMax, false)+"/mo")),
		cell(mdText(changeText(t))))
}

// changeText is the change totalsText shows in parentheses: "+ $143.36",
// "+ $1.00 to $3.00", "no change".
func changeText(t CostTotals) string {
	switch {
	case t.Change == 0 && t.ChangeMax == 0:
		return "no change"
	case t.Change == t.ChangeMax:
		return signed(t.Change)
	case (t.Change < 0) == (t.ChangeMax < 0):
		return signed(t.Change) + " to " + dollars(math.Abs(t.ChangeMax))
	}
	return signed(t.Change) + " to " + signed(t.ChangeMax)
}

// costItems are what costNote says of a resource's figure, unwrapped.
func costItems(c *Cost) []string {
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
	return ls
}

func (m *mdRenderer) instructions(ins []ResolvedInstruction) {
	if len(ins) == 0 {
		return
	}
	m.printf("\n### After apply\n\nIn your shell (eksctl-lite installs no Kubernetes software):\n")
	for _, in := range ins {
		m.printf("\n%s (%s): %s\n\n%s", codeSpan(in.Cluster), mdText(in.Region), mdText(oneLine(in.Summary)), fenced("sh", in.Command))
	}
}

// fenced is body in a code fence with info string info, the fence longer
// than any run of backticks in body.
func fenced(info, body string) string {
	n := longestRun(body, '`') + 1
	if n < 3 {
		n = 3
	}
	f := strings.Repeat("`", n)
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	return f + info + "\n" + body + f + "\n"
}

func longestRun(s string, c byte) int {
	n, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			n = max(n, run)
		} else {
			run = 0
		}
	}
	return n
}

// codeSpan is s as inline code, delimited by more backticks than it holds.
func codeSpan(s string) string {
	s = oneLine(s)
	d := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || (strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.TrimSpace(s) != "") {
		s = " " + s + " "
	}
	return d + s + d
}

// mdEscaped are the characters mdText escapes: those that start inline
// markup (emphasis, code, links, raw HTML, entities, strikethrough) and
// $, which GitHub reads as maths. Pipes are escaped by cell, in tables; >
// opens a quote only at a line's start (mdLine).
const mdEscaped = "\\`*_[]<&~$"

// mdText is s as literal inline text.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && strings.ContainsRune(mdEscaped, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func mdTexts(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = mdText(s)
	}
	return out
}

// blockStart matches what would open a block at a line's start: a
// heading, quote, list item, thematic break or setext underline.
var blockStart = regexp.MustCompile(`^([#>+=-]|[0-9]+[.)])`)

// mdLine is s as a line of literal text in a paragraph.
func mdLine(s string) string {
	s = mdText(s)
	if loc := blockStart.FindStringIndex(s); loc != nil {
		s = s[:loc[1]-1] + "\\" + s[loc[1]-1:]
	}
	return s
}

// cell makes inline markdown fit one table cell: every pipe escaped (also
// in code spans and after a backslash: GFM takes `\|` out of the cell
// before it reads the inlines), line breaks as <br>.
func cell(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '|':
			b.WriteString(`\|`)
		case s[i] == '\r':
		case s[i] == '\n':
			b.WriteString("<br>")
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// oneLine folds s's line breaks into spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", "")), " ")
}

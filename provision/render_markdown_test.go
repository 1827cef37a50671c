package provision

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

func renderMarkdown(t *testing.T, p *Plan) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := RenderMarkdown(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRenderMarkdownGolden(t *testing.T) {
	for name, p := range goldenPlans(t) {
		t.Run(name, func(t *testing.T) {
			out := renderMarkdown(t, p)
			golden(t, "plan_"+name+".md", out)
			if bytes.Contains(out, []byte("\x1b")) {
				t.Error("an escape character (colour) in the markdown plan")
			}
		})
	}
}

// parseMarkdown parses src as GitHub does (CommonMark and its tables).
func parseMarkdown(src []byte) ast.Node {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	return md.Parser().Parse(text.NewReader(src))
}

// inlineText is the text a node shows, inline markup taken away and
// escapes and entities resolved; blocks inside it end with a line break.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if c != n && c.Type() == ast.TypeBlock && !strings.HasSuffix(b.String(), "\n") {
				b.WriteString("\n")
			}
			return ast.WalkContinue, nil
		}
		switch x := c.(type) {
		case *ast.CodeSpan:
			for t := x.FirstChild(); t != nil; t = t.NextSibling() {
				if tx, ok := t.(*ast.Text); ok {
					b.Write(tx.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			b.Write(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(x.Value(src)))))
			if x.SoftLineBreak() || x.HardLineBreak() {
				b.WriteString("\n")
			}
		case *ast.String:
			b.Write(x.Value)
		case *ast.RawHTML:
			for i := 0; i < x.Segments.Len(); i++ {
				s := x.Segments.At(i)
				b.Write(s.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSuffix(b.String(), "\n")
}

func linesOf(n ast.Node, src []byte) string {
	var b strings.Builder
	for i := 0; i < n.Lines().Len(); i++ {
		s := n.Lines().At(i)
		b.Write(s.Value(src))
	}
	return b.String()
}

// fenceClosed reports whether code block n ends with a closing fence: the
// line after its content is a run of the opening fence's character at
// least as long (goldmark ends an unclosed block at the document's end
// without saying so).
func fenceClosed(n *ast.FencedCodeBlock, src []byte) bool {
	open := n.Info.Segment.Start
	for open > 0 && src[open-1] != '\n' {
		open--
	}
	openLine := strings.TrimLeft(string(src[open:]), " ")
	ch := openLine[0]
	width := len(openLine) - len(strings.TrimLeft(openLine, string(ch)))
	end := n.Info.Segment.Stop
	if n.Lines().Len() > 0 {
		end = n.Lines().At(n.Lines().Len() - 1).Stop
	}
	for end < len(src) && src[end-1] != '\n' {
		end++
	}
	rest, _, _ := strings.Cut(string(src[end:]), "\n")
	rest = strings.TrimSpace(rest)
	return len(rest) >= width && strings.Trim(rest, string(ch)) == ""
}

// mdDoc is what the tests read of a parsed markdown plan.
type mdDoc struct {
	src      []byte
	top      []ast.Node
	headings map[string]int // text -> level
	tables   []*east.Table
	fences   []*ast.FencedCodeBlock
	quotes   []*ast.Blockquote
	// details are the top-level <details> sections: their summary and
	// the blocks between <details> and </details>.
	details []mdDetails
}

type mdDetails struct {
	summary string
	body    []ast.Node
}

func readMarkdown(t *testing.T, src []byte) *mdDoc {
	t.Helper()
	d := &mdDoc{src: src, headings: map[string]int{}}
	doc := parseMarkdown(src)
	var open *mdDetails
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		d.top = append(d.top, c)
		switch x := c.(type) {
		case *ast.Heading:
			d.headings[inlineText(x, src)] = x.Level
		case *east.Table:
			d.tables = append(d.tables, x)
		case *ast.Blockquote:
			d.quotes = append(d.quotes, x)
		case *ast.HTMLBlock:
			raw := strings.TrimSpace(linesOf(x, src))
			switch {
			case strings.HasPrefix(raw, "<details><summary>") && strings.HasSuffix(raw, "</summary>"):
				if open != nil {
					t.Fatalf("<details> opened inside another: %q", raw)
				}
				open = &mdDetails{summary: strings.TrimSuffix(strings.TrimPrefix(raw, "<details><summary>"), "</summary>")}
				continue
			case raw == "</details>":
				if open == nil {
					t.Fatalf("</details> without <details>")
				}
				d.details = append(d.details, *open)
				open = nil
				continue
			default:
				t.Errorf("unexpected HTML block %q", raw)
			}
		}
		if open != nil {
			open.body = append(open.body, c)
		}
	}
	if open != nil {
		t.Fatalf("<details><summary>%s</summary> never closed", open.summary)
	}
	_ = ast.Walk(doc, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch x := c.(type) {
		case *ast.FencedCodeBlock:
			d.fences = append(d.fences, x)
			if !fenceClosed(x, src) {
				t.Errorf("code fence at byte %d is not closed", x.Info.Segment.Start)
			}
		case *ast.CodeBlock:
			t.Errorf("an indented code block (something is indented by mistake): %q", linesOf(x, src))
		case *ast.RawHTML:
			var raw string
			for i := 0; i < x.Segments.Len(); i++ {
				s := x.Segments.At(i)
				raw += string(s.Value(src))
			}
			if raw != "<br>" {
				t.Errorf("inline HTML %q (only <br> is expected)", raw)
			}
		}
		return ast.WalkContinue, nil
	})
	return d
}

func (d *mdDoc) index(n ast.Node) int {
	for i, c := range d.top {
		if c == n {
			return i
		}
	}
	return -1
}

// rows are a table's body rows, cell by cell as text.
func (d *mdDoc) rows(tb *east.Table) [][]string {
	var out [][]string
	for r := tb.FirstChild(); r != nil; r = r.NextSibling() {
		if _, ok := r.(*east.TableRow); !ok {
			continue
		}
		var row []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			row = append(row, inlineText(c, d.src))
		}
		out = append(out, row)
	}
	return out
}

func (d *mdDoc) header(tb *east.Table) []string {
	var out []string
	for c := tb.FirstChild().FirstChild(); c != nil; c = c.NextSibling() {
		out = append(out, inlineText(c, d.src))
	}
	return out
}

func changed(p *Plan) []*ResourceChange {
	var out []*ResourceChange
	for _, ch := range p.Changes {
		if ch.Action != NoOp {
			out = append(out, ch)
		}
	}
	return out
}

// checkMarkdownPlan checks the structure of p's markdown plan.
func checkMarkdownPlan(t *testing.T, p *Plan, src []byte) *mdDoc {
	t.Helper()
	d := readMarkdown(t, src)
	title := "eksctl-lite plan"
	if p.Destroy {
		title = "eksctl-lite destroy plan"
	}
	if len(d.top) == 0 || d.index(d.top[0]) != 0 || d.headings[title] != 2 {
		t.Fatalf("no title %q: headings %v", title, d.headings)
	}
	if _, ok := d.top[0].(*ast.Heading); !ok {
		t.Error("the title is not the first block")
	}
	summary := inlineText(d.top[1], src)
	changes := changed(p)
	if len(changes) == 0 {
		if !strings.HasPrefix(summary, "No changes.") {
			t.Errorf("no-change plan's summary: %q", summary)
		}
		if len(d.tables) != 0 && p.CostSummary == nil {
			t.Error("a table without changes")
		}
	} else {
		line, note := planSummary(p)
		if want := strings.TrimSuffix("Plan: "+line+"\n"+note, "\n"); summary != want {
			t.Errorf("summary line %q, want %q", summary, want)
		}
		if len(d.tables) == 0 {
			t.Fatal("no table of resources")
		}
		tb := d.tables[0]
		if h := strings.Join(d.header(tb), ","); h != "Address,Type,Action,Reason" {
			t.Errorf("table header %s", h)
		}
		rows := d.rows(tb)
		if len(rows) != len(changes) {
			t.Fatalf("%d table rows for %d changed resources", len(rows), len(changes))
		}
		for i, ch := range changes {
			want := []string{ch.Address, string(ch.Type), strings.TrimSpace(symbolOf(ch) + " " + actionWords(ch)), strings.ReplaceAll(ch.Reason, "\n", "<br>")}
			if strings.Join(rows[i], "\x00") != strings.Join(want, "\x00") {
				t.Errorf("row %d = %q, want %q", i, rows[i], want)
			}
		}
		if d.headings["Changes"] != 3 {
			t.Errorf("no Changes heading: %v", d.headings)
		}
		// One collapsed section per change, in the table's order, each
		// with the text plan's diff in a diff fence.
		var withBody []*ResourceChange
		for _, ch := range changes {
			if ch.Action != Wait {
				withBody = append(withBody, ch)
			}
		}
		var sections []mdDetails
		for _, s := range d.details {
			if s.summary != "Cost by resource" {
				sections = append(sections, s)
			}
		}
		if len(sections) != len(withBody) {
			t.Fatalf("%d details sections for %d changes", len(sections), len(withBody))
		}
		for i, ch := range withBody {
			s := sections[i]
			if !strings.Contains(s.summary, "<code>"+ch.Address+"</code>") {
				t.Errorf("section %d is not %s: %q", i, ch.Address, s.summary)
			}
			var diffs []*ast.FencedCodeBlock
			for _, n := range s.body {
				if f, ok := n.(*ast.FencedCodeBlock); ok && string(f.Language(src)) == "diff" {
					diffs = append(diffs, f)
				}
			}
			if len(diffs) != 1 {
				t.Fatalf("%s: %d diff fences", ch.Address, len(diffs))
			}
			if got := linesOf(diffs[0], src); got != diffBody(ch) {
				t.Errorf("%s: diff fence holds\n%s\nwant\n%s", ch.Address, got, diffBody(ch))
			}
			var steps *ast.List
			for _, n := range s.body {
				if l, ok := n.(*ast.List); ok && l.IsOrdered() {
					steps = l
				}
			}
			if len(ch.Steps) == 0 {
				if steps != nil {
					t.Errorf("%s: a list of AWS calls without steps", ch.Address)
				}
				continue
			}
			if steps == nil || steps.ChildCount() != len(ch.Steps) {
				t.Fatalf("%s: AWS calls list %v for %d steps", ch.Address, steps, len(ch.Steps))
			}
			i := 0
			for item := steps.FirstChild(); item != nil; item = item.NextSibling() {
				if got := inlineText(item, src); !strings.HasPrefix(got, ch.Steps[i].Call) || !strings.Contains(got, ch.Steps[i].Detail) {
					t.Errorf("%s: step %d %q, want %s (%s)", ch.Address, i+1, got, ch.Steps[i].Call, ch.Steps[i].Detail)
				}
				i++
			}
		}
	}
	if len(p.Warnings) > 0 && d.headings["Warnings"] != 3 {
		t.Errorf("no Warnings heading: %v", d.headings)
	}
	if p.CostSummary != nil && d.headings["Estimated monthly cost"] != 3 {
		t.Errorf("no cost heading: %v", d.headings)
	}
	// Every instruction's command is a shell fence of its own, verbatim.
	var commands []string
	for _, f := range d.fences {
		if string(f.Language(src)) == "sh" {
			commands = append(commands, strings.TrimSuffix(linesOf(f, src), "\n"))
		}
	}
	var want []string
	for _, in := range p.ResolvedInstructions() {
		want = append(want, in.Command)
	}
	if strings.Join(commands, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("shell fences %q, want %q", commands, want)
	}
	if len(want) > 0 && d.headings["After apply"] != 3 {
		t.Errorf("no After apply heading: %v", d.headings)
	}
	return d
}

func TestRenderMarkdownCommonMark(t *testing.T) {
	plans := goldenPlans(t)
	for name, p := range plans {
		t.Run(name, func(t *testing.T) {
			d := checkMarkdownPlan(t, p, renderMarkdown(t, p))
			// Warnings: summary, place and detail, in order.
			if len(p.Warnings) > 0 {
				var list *ast.List
				for i := d.index(headingNode(d, "Warnings")) + 1; i < len(d.top); i++ {
					if l, ok := d.top[i].(*ast.List); ok {
						list = l
						break
					}
				}
				if list == nil || list.ChildCount() != len(p.Warnings) {
					t.Fatalf("warnings list %v for %d warnings", list, len(p.Warnings))
				}
				i := 0
				for item := list.FirstChild(); item != nil; item = item.NextSibling() {
					w := p.Warnings[i]
					got := inlineText(item, d.src)
					for _, part := range []string{w.Summary, fmt.Sprintf("%s:%d", w.File, w.Line), w.Detail} {
						if !strings.Contains(got, part) {
							t.Errorf("warning %d lacks %q: %q", i, part, got)
						}
					}
					i++
				}
			}
			// The cost table: a row per cluster (and a total when there
			// are several), the text plan's figures.
			if s := p.CostSummary; s != nil && len(s.Clusters) > 0 {
				var costs *east.Table
				for _, tb := range d.tables {
					if d.header(tb)[0] == "Cluster" {
						costs = tb
					}
				}
				if costs == nil {
					t.Fatal("no cost table")
				}
				rows := d.rows(costs)
				n := len(s.Clusters)
				if n > 1 {
					n++
				}
				if len(rows) != n {
					t.Fatalf("%d cost rows for %d clusters", len(rows), len(s.Clusters))
				}
				for i, cc := range s.Clusters {
					line := strings.TrimSuffix(rows[i][2], "/mo") + " -> " + rows[i][3] + " (" + rows[i][4] + ")"
					if rows[i][4] == "no change" {
						line = rows[i][3] + " (no change)"
					}
					want := totalsText(cc.CostTotals)
					if rows[i][0] != cc.Cluster || line != want {
						t.Errorf("cost row %q, want %s %s", rows[i], cc.Cluster, want)
					}
				}
			}
		})
	}
	t.Run("mixed essentials", func(t *testing.T) {
		out := string(renderMarkdown(t, plans["mixed"]))
		for _, want := range []string{
			"**Plan:** 2 to add, 3 to change, 3 to destroy.\\\n(1 of them is a replacement)\n",
			"| `cluster.demo.node_group.big` | `aws_eks_node_group` | `+/-` replace (create replacement and then destroy) | instance\\_types forces replacement |\n",
			"+/- aws_eks_node_group \"cluster.demo.node_group.big\" {\n",
			"~       instance_types  = [ # forces replacement\n",
			"-           \"t3.medium\",\n",
			"+           \"m5.2xlarge\",\n",
			"1. `UpdateClusterVersion` (to 1.32)\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("markdown plan lacks %q:\n%s", want, out)
			}
		}
	})
}

func headingNode(d *mdDoc, title string) ast.Node {
	for _, n := range d.top {
		if h, ok := n.(*ast.Heading); ok && inlineText(h, d.src) == title {
			return h
		}
	}
	return nil
}

// Reviewers must not miss a replacement or a deletion: they are called
// out in a blockquote before the table.
func TestRenderMarkdownCalloutFirst(t *testing.T) {
	for name, p := range goldenPlans(t) {
		t.Run(name, func(t *testing.T) {
			src := renderMarkdown(t, p)
			d := readMarkdown(t, src)
			var risky []*ResourceChange
			for _, ch := range p.Changes {
				if ch.Action == Delete || ch.Action == Replace {
					risky = append(risky, ch)
				}
			}
			if len(risky) == 0 {
				if len(d.quotes) != 0 {
					t.Errorf("a callout without deletions or replacements:\n%s", src)
				}
				return
			}
			if len(d.quotes) != 1 || len(d.tables) == 0 {
				t.Fatalf("%d callouts, %d tables", len(d.quotes), len(d.tables))
			}
			q := d.quotes[0]
			if d.index(q) > d.index(d.tables[0]) {
				t.Error("the callout comes after the table")
			}
			for _, n := range d.top[:d.index(q)] {
				switch n.(type) {
				case *ast.Heading, *ast.Paragraph:
				default:
					t.Errorf("a %s before the callout", n.Kind())
				}
			}
			quoted := inlineText(q, src)
			if !strings.HasPrefix(quoted, "[!WARNING]\nThis plan destroys or replaces "+plural(len(risky), "resource")+".") {
				t.Errorf("callout starts %q", quoted)
			}
			var list *ast.List
			for c := q.FirstChild(); c != nil; c = c.NextSibling() {
				if l, ok := c.(*ast.List); ok {
					list = l
				}
			}
			if list == nil || list.ChildCount() != len(risky) {
				t.Fatalf("callout list %v for %d resources", list, len(risky))
			}
			i := 0
			for item := list.FirstChild(); item != nil; item = item.NextSibling() {
				ch := risky[i]
				verb := map[Action]string{Delete: "destroy ", Replace: "replace "}[ch.Action]
				if got := inlineText(item, src); !strings.HasPrefix(got, verb+ch.Address+" ("+string(ch.Type)+")") || !strings.Contains(got, ch.Reason) {
					t.Errorf("callout item %q for %s %s", got, ch.Action, ch.Address)
				}
				i++
			}
		})
	}
}

// The diff fences are the text plan's blocks, only the signs moved.
func TestRenderMarkdownDiffIsTextPlan(t *testing.T) {
	unmove := regexp.MustCompile(`^([-+~])( *) `)
	for name, p := range goldenPlans(t) {
		var text bytes.Buffer
		if err := RenderText(&text, p, false); err != nil {
			t.Fatal(err)
		}
		for _, ch := range changed(p) {
			if ch.Action == Wait {
				continue
			}
			plain := &textRenderer{}
			plain.changeBody(ch)
			if !strings.Contains(text.String(), plain.b.String()) {
				t.Errorf("%s %s: changeBody is not the text plan's block:\n%s", name, ch.Address, plain.b.String())
			}
			var undone []string
			for _, l := range strings.Split(strings.TrimSuffix(diffBody(ch), "\n"), "\n") {
				if !strings.HasPrefix(l, "+/-") && !strings.HasPrefix(l, "-/+") {
					l = unmove.ReplaceAllString(l, "$2$1 ")
				}
				undone = append(undone, l)
			}
			if got := strings.Join(undone, "\n") + "\n"; got != plain.b.String() {
				t.Errorf("%s %s: diff fence, signs put back:\n%s\nwant\n%s", name, ch.Address, got, plain.b.String())
			}
		}
	}
}

// What users write (reasons, warnings, commands) stays text: no table
// cell split, no HTML, no fence ended early.
func TestRenderMarkdownEscaping(t *testing.T) {
	base := goldenPlans(t)["mixed"]
	var ng *ResourceChange
	for _, ch := range base.Changes {
		if ch.Address == "cluster.demo.node_group.general" {
			c := *ch
			ng = &c
		}
	}
	ng.Reason = "a | b <script>alert(1)</script> & *x* `y` $1 ~~z~~\nsecond line"
	ng.Steps = []Step{{Call: "UpdateNodegroupConfig", Detail: "<b>scaling</b> | x"}}
	waiting := &ResourceChange{Address: "cluster.demo.node_group.slow", Type: TypeNodeGroup, Cluster: "demo", Region: "eu-west-1", Action: Wait, Reason: "status UPDATING"}
	p := &Plan{
		FormatVersion: FormatVersion,
		Changes:       []*ResourceChange{ng, waiting},
		Warnings: []PlanWarning{{
			Summary: "Summary with <tags> & | pipes",
			Detail:  "first line\n- not a list\n# not a heading\n\n1. not a list either",
			File:    "dir/main.hcl", Line: 7,
		}},
		Instructions: []Instruction{{Cluster: "demo", Region: "eu-west-1", Summary: "run <this>", Command: "echo '```'\necho ````four````"}},
	}
	src := renderMarkdown(t, p)
	d := checkMarkdownPlan(t, p, src)
	var htm bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(src, &htm); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"<script>", "<b>", "<tags>", "<this>", "<em>", "<del>", "<code>y</code>"} {
		if strings.Contains(htm.String(), tag) {
			t.Errorf("%s in the HTML:\n%s", tag, htm.String())
		}
	}
	rows := d.rows(d.tables[0])
	if len(rows) != 2 || len(rows[0]) != 4 {
		t.Fatalf("rows %q", rows)
	}
	if want := strings.ReplaceAll(ng.Reason, "\n", "<br>"); rows[0][3] != want {
		t.Errorf("reason cell %q, want %q", rows[0][3], want)
	}
	if rows[1][2] != "wait (not ACTIVE yet)" {
		t.Errorf("wait row %q", rows[1])
	}
	var summaries []string
	for _, s := range d.details {
		summaries = append(summaries, s.summary)
	}
	if len(summaries) != 1 || !strings.Contains(summaries[0], "(a | b &lt;script&gt;alert(1)&lt;/script&gt; &amp; *x* `y` $1 ~~z~~ second line)") {
		t.Errorf("summaries %q", summaries)
	}
	list := d.top[d.index(headingNode(d, "Warnings"))+1].(*ast.List)
	if list.ChildCount() != 1 {
		t.Fatalf("warning list of %d", list.ChildCount())
	}
	item := list.FirstChild()
	var kinds []string
	for c := item.FirstChild(); c != nil; c = c.NextSibling() {
		kinds = append(kinds, c.Kind().String())
	}
	if strings.Join(kinds, ",") != "Paragraph,Paragraph,Paragraph" {
		t.Errorf("warning item holds %v:\n%s", kinds, src)
	}
	got := inlineText(item, src)
	for _, want := range []string{"Summary with <tags> & | pipes", "dir/main.hcl:7", "- not a list\n# not a heading", "1. not a list either"} {
		if !strings.Contains(got, want) {
			t.Errorf("warning lacks %q: %q", want, got)
		}
	}
}

// The cost table's Change column says what totalsText says.
func TestChangeText(t *testing.T) {
	for _, tt := range []CostTotals{
		{Before: 1, BeforeMax: 1, After: 3, AfterMax: 3, Change: 2, ChangeMax: 2},
		{Before: 3, BeforeMax: 3, After: 1, AfterMax: 1, Change: -2, ChangeMax: -2},
		{Before: 1, BeforeMax: 2, After: 3, AfterMax: 6, Change: 2, ChangeMax: 4},
		{Before: 5, BeforeMax: 6, After: 1, AfterMax: 4, Change: -4, ChangeMax: -2},
		{Before: 1, BeforeMax: 9, After: 3, AfterMax: 4, Change: 2, ChangeMax: -5},
		{Before: 1, BeforeMax: 1, After: 1, AfterMax: 1},
	} {
		want := totalsText(tt)
		got := fmt.Sprintf("%s -> %s/mo (%s)", spanText(tt.Before, tt.BeforeMax, false), spanText(tt.After, tt.AfterMax, false), changeText(tt))
		if changeText(tt) == "no change" {
			got = spanText(tt.After, tt.AfterMax, false) + "/mo (no change)"
		}
		if got != want {
			t.Errorf("%+v: %q, totalsText %q", tt, got, want)
		}
	}
}

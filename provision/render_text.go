package provision

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// RenderText writes the human view of a plan, shaped like terraform plan's:
// one block per resource that changes, attribute-level before and after,
// "# forces replacement" markers, the AWS calls of each update, and a
// summary line. color adds ANSI colours (callers decide: terminal, no
// --no-color, no NO_COLOR).
func RenderText(w io.Writer, p *Plan, color bool) error {
	r := &textRenderer{color: color}
	var changes []*ResourceChange
	used := map[Action]bool{}
	for _, ch := range p.Changes {
		if ch.Action != NoOp {
			changes = append(changes, ch)
			used[ch.Action] = true
		}
	}
	if len(changes) == 0 {
		if p.Destroy {
			r.printf("%s\n\n", r.paint(bold, "No changes. No objects need to be destroyed."))
			r.printf("Either nothing the configuration describes exists, or what exists was not\ncreated by eksctl-lite, which never destroys what it does not own.\n")
		} else {
			r.printf("%s\n\n", r.paint(bold, "No changes. Your infrastructure matches the configuration."))
			r.printf("eksctl-lite compared your configuration with live EKS and IAM and found no\ndifferences, so no changes are needed.\n")
		}
		r.instructions(p.ResolvedInstructions(), "After apply")
		r.costBlock(p)
		_, err := io.WriteString(w, r.b.String())
		return err
	}
	r.printf("Resource actions are indicated with the following symbols:\n")
	for _, l := range legend(changes) {
		sym := strings.TrimSpace(l.symbol)
		r.printf("%s%s %s\n", strings.Repeat(" ", 3-len(sym)), r.paint(l.code, sym), l.text)
	}
	r.printf("\neksctl-lite will perform the following actions:\n")
	for _, ch := range changes {
		r.printf("\n")
		r.change(ch)
	}
	line, note := planSummary(p)
	r.printf("\n%s", withNote(r.paint(bold, "Plan:")+" "+line, note))
	r.instructions(p.ResolvedInstructions(), "After apply")
	r.costBlock(p)
	_, err := io.WriteString(w, r.b.String())
	return err
}

type legendLine struct{ symbol, code, text string }

// legend lists the symbols the plan uses, in Terraform's order.
func legend(changes []*ResourceChange) []legendLine {
	used := map[string]bool{}
	for _, ch := range changes {
		used[symbolOf(ch)] = true
	}
	var out []legendLine
	for _, l := range []legendLine{
		{"  +", green, "create"},
		{"  ~", yellow, "update in-place"},
		{"  -", red, "destroy"},
		{DeleteThenCreate.Symbol(), magenta, DeleteThenCreate.Legend()},
		{CreateThenDelete.Symbol(), magenta, CreateThenDelete.Legend()},
	} {
		if used[strings.TrimSpace(l.symbol)] {
			out = append(out, l)
		}
	}
	return out
}

const (
	bold    = "1"
	red     = "31"
	green   = "32"
	yellow  = "33"
	magenta = "35"
)

type textRenderer struct {
	b     strings.Builder
	color bool
}

func (r *textRenderer) printf(format string, args ...any) { fmt.Fprintf(&r.b, format, args...) }

func (r *textRenderer) paint(code, s string) string {
	if !r.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// symbolOf is a change's marker: +, ~, -, or its kind's replacement order.
func symbolOf(ch *ResourceChange) string {
	switch ch.Action {
	case Create:
		return "+"
	case Update:
		return "~"
	case Replace:
		return replaceOrderOf(ch.Type).Symbol()
	case Delete:
		return "-"
	}
	return ""
}

// symbol is the change's marker, painted, three columns wide.
func (r *textRenderer) symbol(ch *ResourceChange) string {
	s := symbolOf(ch)
	code := map[Action]string{Create: green, Update: yellow, Replace: magenta, Delete: red}[ch.Action]
	return strings.Repeat(" ", 3-len(s)) + r.paint(code, s)
}

func (r *textRenderer) change(ch *ResourceChange) {
	header := map[Action]string{
		Create:  "will be created",
		Update:  "will be updated in-place",
		Replace: "must be replaced",
		Delete:  "will be destroyed",
		Wait:    "will be waited for",
	}[ch.Action]
	line := "  # " + ch.Address + " " + header
	if ch.Reason != "" {
		line += " (" + ch.Reason + ")"
	}
	r.printf("%s\n", r.paint(bold, line))
	if ch.Action == Replace {
		r.printf("  # %s\n", replaceNote(ch))
	}
	if ch.Action == Wait {
		// Nothing to change: the resource matches the configuration.
		return
	}
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
	if len(ch.Steps) > 0 {
		r.printf("    AWS calls, in order:\n")
		for i, s := range ch.Steps {
			detail := ""
			if s.Detail != "" {
				detail = " (" + s.Detail + ")"
			}
			r.printf("      %d. %s%s\n", i+1, s.Call, detail)
		}
	}
}

// replaceNote says how the replacement happens, which differs per kind.
func replaceNote(ch *ResourceChange) string {
	k := mustKind(ch.Type)
	if k.replaceNote != nil {
		if note := k.replaceNote(ch); note != "" {
			return note
		}
	}
	if k.replace == CreateThenDelete {
		return "the new resource is created before the old one is deleted"
	}
	return "the resource is deleted, then created again"
}

// attrs lists every non-empty attribute of a created or destroyed resource,
// collections element by element.
func (r *textRenderer) attrs(v any, sign string) {
	fields := jsonFields(v)
	keys := visibleKeys(v, fields)
	width := maxLen(keys)
	for _, k := range keys {
		r.lines(r.attrLines(attrCol, sign, pad(k, width), wholeValue(v, k, shownValue(v, k, fields[k]), sign), ""))
	}
}

// diffs lists the attributes that change, and a replaced resource's new
// physical name.
func (r *textRenderer) diffs(ch *ResourceChange) {
	type row struct {
		key, sign, comment string
		v                  value
	}
	var rows []row
	shown := map[string]bool{}
	// A name that is itself a diff (an access entry's principal) shows
	// once, as the diff.
	if k := mustKind(ch.Type).nameKey; k != "" && ch.Action == Replace && !diffPaths(ch.Diffs)[k] {
		b, a := jsonFields(ch.Before)[k], jsonFields(ch.After)[k]
		if !isEmpty(a) && !isEmpty(b) && encodeCanonical(a) != encodeCanonical(b) {
			comment := "# new name"
			if replaceOrderOf(ch.Type) == CreateThenDelete {
				comment = "# new name, created before the old is deleted"
			}
			rows = append(rows, row{k, "~", comment, scalarChange(b, a)})
			shown[k] = true
		}
	}
	schema := displaySchema(ch.Type)
	for _, d := range ch.Diffs {
		sign, v := changedValue(ch.After, d.Path, schema[d.Path], shownValue(ch.After, d.Path, d.Before), shownValue(ch.After, d.Path, d.After))
		comment := ""
		if d.ForcesReplacement {
			comment = r.paint(red, "# forces replacement")
		}
		rows = append(rows, row{d.Path, sign, comment, v})
		shown[d.Path] = true
	}
	var keys []string
	for _, row := range rows {
		keys = append(keys, row.key)
	}
	width := maxLen(keys)
	for _, row := range rows {
		r.lines(r.attrLines(attrCol, row.sign, pad(row.key, width), row.v, row.comment))
	}
	hidden := 0
	for _, k := range visibleKeys(ch.After, jsonFields(ch.After)) {
		if !shown[k] {
			hidden++
		}
	}
	if hidden > 0 {
		r.printf("%s# (%s hidden)\n", strings.Repeat(" ", attrCol+2), plural(hidden, "unchanged attribute"))
	}
}

// displaySchema is the kind's schema, or none for a kind this version
// does not know (a plan file from a newer eksctl-lite).
func displaySchema(t Type) (s Schema) {
	defer func() { _ = recover() }()
	return mustKind(t).schema
}

func (r *textRenderer) lines(ls []string) {
	for _, l := range ls {
		r.printf("%s\n", l)
	}
}

// visibleKeys are the attributes worth showing: declared order, without
// status and empty values.
func visibleKeys(v any, fields map[string]any) []string {
	if fields == nil {
		return nil
	}
	internal := map[string]bool{"status": true}
	if in, ok := v.(internalAttrs); ok {
		for _, k := range in.internalKeys() {
			internal[k] = true
		}
	}
	var keys []string
	for _, k := range attrKeys(v) {
		if internal[k] || isEmpty(fields[k]) {
			continue
		}
		keys = append(keys, k)
	}
	return keys
}

// fmtValue renders a JSON value in HCL-like syntax; policy documents are
// shown indented, as jsonencode(...).
func fmtValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if x == KnownAfterApply {
			return x
		}
		if strings.HasPrefix(x, "{") {
			var doc any
			if json.Unmarshal([]byte(x), &doc) == nil {
				b, _ := json.MarshalIndent(doc, "", "  ")
				return "jsonencode(" + string(b) + ")"
			}
		}
		if heredoc := heredocOf(x); heredoc != "" {
			return heredoc
		}
		return strconv.Quote(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmtValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k, v := range x {
			if v != nil {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			return "{}"
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strconv.Quote(k) + " = " + fmtValue(x[k])
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return fmt.Sprint(v)
}

func maxLen(keys []string) int {
	n := 0
	for _, k := range keys {
		if len(k) > n {
			n = len(k)
		}
	}
	return n
}

func pad(s string, width int) string {
	return s + strings.Repeat(" ", width-len(s))
}

// heredocOf shows a string of several lines (user data) as Terraform does,
// a heredoc, one line of the text a line; "" for a string that is one
// line, or holds what a heredoc cannot show (control characters other
// than newlines and tabs), which stays quoted.
func heredocOf(s string) string {
	body := strings.TrimSuffix(s, "\n")
	if !strings.Contains(body, "\n") {
		return ""
	}
	for _, r := range body {
		if r != '\n' && r != '\t' && (r < ' ' || r == 0x7f) {
			return ""
		}
	}
	delim := "EOT"
	for strings.Contains("\n"+body+"\n", "\n"+delim+"\n") {
		delim += "_"
	}
	var b strings.Builder
	b.WriteString("<<-" + delim + "\n")
	for _, l := range strings.Split(body, "\n") {
		if l != "" {
			l = "    " + l
		}
		b.WriteString(l + "\n")
	}
	b.WriteString(delim)
	return b.String()
}

// instructions lists what the user does next, under title.
func (r *textRenderer) instructions(ins []ResolvedInstruction, title string) {
	if len(ins) == 0 {
		return
	}
	r.printf("\n%s\n", r.paint(bold, title+", in your shell (eksctl-lite installs no Kubernetes software):"))
	for _, in := range ins {
		r.printf("\n  # %s (%s): %s\n  %s\n", in.Cluster, in.Region, in.Summary, in.Command)
	}
}

// WriteInstructions writes, after an apply, what the user does next.
func WriteInstructions(w io.Writer, ins []ResolvedInstruction, color bool) error {
	r := &textRenderer{color: color}
	r.instructions(ins, "Next")
	_, err := io.WriteString(w, r.b.String())
	return err
}

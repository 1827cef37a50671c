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
		_, err := io.WriteString(w, r.b.String())
		return err
	}
	r.printf("Resource actions are indicated with the following symbols:\n")
	for _, a := range []Action{Create, Update, Replace, Delete} {
		if used[a] {
			r.printf("%s %s\n", r.symbol(a), actionLegend[a])
		}
	}
	r.printf("\neksctl-lite will perform the following actions:\n")
	for _, ch := range changes {
		r.printf("\n")
		r.change(ch)
	}
	line, note := planSummary(p)
	r.printf("\n%s", withNote(r.paint(bold, "Plan:")+" "+line, note))
	_, err := io.WriteString(w, r.b.String())
	return err
}

var actionLegend = map[Action]string{
	Create:  "create",
	Update:  "update in-place",
	Replace: "replace",
	Delete:  "destroy",
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

// symbol is the action's marker, three columns wide.
func (r *textRenderer) symbol(a Action) string {
	switch a {
	case Create:
		return "  " + r.paint(green, "+")
	case Update:
		return "  " + r.paint(yellow, "~")
	case Replace:
		return r.paint(magenta, "-/+")
	case Delete:
		return "  " + r.paint(red, "-")
	}
	return "   "
}

func (r *textRenderer) change(ch *ResourceChange) {
	header := map[Action]string{
		Create:  "will be created",
		Update:  "will be updated in-place",
		Replace: "must be replaced",
		Delete:  "will be destroyed",
	}[ch.Action]
	line := "  # " + ch.Address + " " + header
	if ch.Reason != "" {
		line += " (" + ch.Reason + ")"
	}
	r.printf("%s\n", r.paint(bold, line))
	if ch.Action == Replace {
		r.printf("  # %s\n", replaceNote(ch))
	}
	r.printf("%s %s %q {\n", r.symbol(ch.Action), ch.Type, ch.Address)
	switch ch.Action {
	case Create:
		r.attrs(ch.After, "+", green)
	case Delete:
		r.attrs(ch.Before, "-", red)
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
	switch ch.Type {
	case TypeNodeGroup:
		b, _ := ch.Before.(*NodeGroupAttrs)
		a, _ := ch.After.(*NodeGroupAttrs)
		if a != nil && b != nil {
			return fmt.Sprintf("new node group %q is created and ACTIVE before %q is deleted", a.Name, b.Name)
		}
	case TypeFargateProfile:
		return "the profile is deleted, then created again: EKS cannot change Fargate profiles"
	}
	return "the resource is deleted, then created again"
}

// attrs lists every non-empty attribute of a created or destroyed resource.
func (r *textRenderer) attrs(v any, sign, code string) {
	fields := jsonFields(v)
	keys := visibleKeys(v, fields)
	width := maxLen(keys)
	for _, k := range keys {
		r.attrLine(r.paint(code, sign)+" "+pad(k, width)+" = ", fmtValue(fields[k]))
	}
}

// diffs lists the attributes that change.
func (r *textRenderer) diffs(ch *ResourceChange) {
	var keys []string
	for _, d := range ch.Diffs {
		keys = append(keys, d.Path)
	}
	width := maxLen(keys)
	for _, d := range ch.Diffs {
		value := fmtValue(d.Before) + " -> " + fmtValue(d.After)
		if strings.Contains(value, "\n") {
			value = fmtValue(d.Before) + "\n->\n" + fmtValue(d.After)
		}
		if d.ForcesReplacement {
			value += " " + r.paint(red, "# forces replacement")
		}
		r.attrLine(r.paint(yellow, "~")+" "+pad(d.Path, width)+" = ", value)
	}
	if hidden := len(visibleKeys(ch.After, jsonFields(ch.After))) - len(ch.Diffs); hidden > 0 {
		r.printf("        (%s hidden)\n", plural(hidden, "unchanged attribute"))
	}
}

// attrLine writes "      <prefix><value>", indenting a multi-line value
// under its first line.
func (r *textRenderer) attrLine(prefix, value string) {
	lines := strings.Split(value, "\n")
	r.printf("      %s%s\n", prefix, lines[0])
	for _, l := range lines[1:] {
		r.printf("        %s\n", l)
	}
}

// visibleKeys are the attributes worth showing: declared order, without
// status and empty values.
func visibleKeys(v any, fields map[string]any) []string {
	if fields == nil {
		return nil
	}
	var keys []string
	for _, k := range attrKeys(v) {
		if k == "status" || isEmpty(fields[k]) {
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

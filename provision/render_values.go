package provision

// This file lays out attribute values for the text plan the way Terraform
// does: scalars on one line ("1.31" -> "1.33"), maps and lists one element
// a line with its own + ~ - sign, unchanged elements of a changed
// collection hidden and counted, list elements that are objects (taints,
// selectors) shown field by field. A whole collection is never printed on
// one line: a tag change in a long tag map must be visible at a glance.

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// attrCol is the column of an attribute's sign inside a resource block.
const attrCol = 6

// value is one rendered value: a scalar's text, or a collection's elements.
type value struct {
	// text is a scalar, possibly several lines (a policy document).
	text string
	// open and close are "{" "}" or "[" "]" for a collection.
	open, close string
	// list marks list elements, which end with a comma.
	list   bool
	elems  []elem
	hidden int
}

// elem is one element of a collection: a map entry or object field (key
// set) or a list element (key empty).
type elem struct {
	sign, key string
	v         value
}

func (v value) isCollection() bool { return v.open != "" }

// attrLines lays out "<sign> <key> = <value> <comment>" at column col, a
// collection's elements at col+4 and its closing bracket at col+2.
func (r *textRenderer) attrLines(col int, sign, key string, v value, comment string) []string {
	prefix := strings.Repeat(" ", col) + r.paint(signColor[sign], sign) + " "
	if key != "" {
		prefix += key + " = "
	}
	if comment != "" {
		comment = " " + comment
	}
	if !v.isCollection() {
		lines := strings.Split(v.text, "\n")
		out := []string{prefix + lines[0]}
		for _, l := range lines[1:] {
			out = append(out, strings.TrimRight(strings.Repeat(" ", col+2)+l, " "))
		}
		out[len(out)-1] += comment
		return out
	}
	if len(v.elems) == 0 && v.hidden == 0 {
		return []string{prefix + v.open + v.close + comment}
	}
	out := []string{prefix + v.open + comment}
	var keys []string
	for _, e := range v.elems {
		keys = append(keys, e.key)
	}
	width := maxLen(keys)
	for _, e := range v.elems {
		key := e.key
		if key != "" {
			key = pad(key, width)
		}
		lines := r.attrLines(col+4, e.sign, key, e.v, "")
		if v.list {
			lines[len(lines)-1] += ","
		}
		out = append(out, lines...)
	}
	if v.hidden > 0 {
		out = append(out, strings.Repeat(" ", col+6)+"# ("+plural(v.hidden, "unchanged element")+" hidden)")
	}
	return append(out, strings.Repeat(" ", col+2)+v.close)
}

var signColor = map[string]string{"+": green, "-": red, "~": yellow}

// wholeValue renders attribute key of parent (a kind's attribute struct),
// whose JSON value is v, as created (sign "+") or destroyed ("-"): every
// element carries the sign.
func wholeValue(parent any, key string, v any, sign string) value {
	return renderWhole(v, sign, elemFields(parent, key))
}

func renderWhole(v any, sign string, fields []string) value {
	switch x := v.(type) {
	case map[string]any:
		out := value{open: "{", close: "}"}
		for _, k := range sortedKeys(x) {
			if x[k] != nil {
				out.elems = append(out.elems, elem{sign, strconv.Quote(k), renderWhole(x[k], sign, nil)})
			}
		}
		return out
	case []any:
		out := value{open: "[", close: "]", list: true}
		for _, e := range x {
			out.elems = append(out.elems, elem{sign, "", elementValue(e, sign, fields)})
		}
		return out
	}
	return value{text: fmtValue(v)}
}

// elementValue renders a list element; an object (a taint, a selector) is
// shown field by field in the order its struct declares them, empty fields
// left out.
func elementValue(e any, sign string, fields []string) value {
	obj, ok := e.(map[string]any)
	if !ok {
		return renderWhole(e, sign, nil)
	}
	out := value{open: "{", close: "}"}
	for _, k := range objectKeys(obj, fields) {
		if !isEmpty(obj[k]) {
			out.elems = append(out.elems, elem{sign, k, renderWhole(obj[k], sign, nil)})
		}
	}
	return out
}

// objectKeys are obj's keys in declared order, then any others sorted.
func objectKeys(obj map[string]any, declared []string) []string {
	var keys []string
	seen := map[string]bool{}
	for _, k := range declared {
		if _, ok := obj[k]; ok {
			keys = append(keys, k)
			seen[k] = true
		}
	}
	for _, k := range sortedKeys(obj) {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	return keys
}

// elemFields returns the JSON keys of the element struct of the list
// attribute key of parent (TaintAttrs for a node group's "taints"), nil
// when it is not a list of structs.
func elemFields(parent any, key string) []string {
	if parent == nil {
		return nil
	}
	t := reflect.TypeOf(parent)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if tag != key {
			continue
		}
		ft := t.Field(i).Type
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
			return attrKeys(reflect.New(ft.Elem()).Interface())
		}
	}
	return nil
}

// scalarChange is "<before> -> <after>", the two on lines of their own
// when either is several lines long.
func scalarChange(before, after any) value {
	b, a := fmtValue(before), fmtValue(after)
	if strings.Contains(b+a, "\n") {
		return value{text: b + "\n->\n" + a}
	}
	return value{text: b + " -> " + a}
}

// changedValue renders the diff of attribute path (of parent, the desired
// attributes) from before to after: the attribute's sign and its value.
func changedValue(parent any, path string, s AttrSchema, before, after any) (string, value) {
	fields := elemFields(parent, path)
	switch {
	case before == KnownAfterApply || after == KnownAfterApply:
		return "~", scalarChange(before, after)
	case isEmpty(before) && !isEmpty(after):
		return "+", renderWhole(after, "+", fields)
	case isEmpty(after) && !isEmpty(before):
		if _, ok := before.(map[string]any); ok {
			return "-", renderWhole(before, "-", fields)
		}
		if _, ok := before.([]any); ok {
			return "-", renderWhole(before, "-", fields)
		}
		return "-", value{text: fmtValue(before) + " -> null"}
	}
	bm, bok := before.(map[string]any)
	am, aok := after.(map[string]any)
	if bok && aok {
		return "~", mapChange(bm, am)
	}
	bl, bok := before.([]any)
	al, aok := after.([]any)
	if bok && aok {
		if s.Set {
			return "~", setChange(bl, al, fields)
		}
		return "~", listChange(bl, al, fields)
	}
	return "~", scalarChange(before, after)
}

// mapChange shows the entries added (+), removed (-) and changed (~), in
// key order, and counts the others.
func mapChange(before, after map[string]any) value {
	out := value{open: "{", close: "}"}
	keys := map[string]bool{}
	for k, v := range before {
		if v != nil {
			keys[k] = true
		}
	}
	for k, v := range after {
		if v != nil {
			keys[k] = true
		}
	}
	for _, k := range sortedKeys(keys) {
		bv, av := before[k], after[k]
		q := strconv.Quote(k)
		switch {
		case bv == nil:
			out.elems = append(out.elems, elem{"+", q, renderWhole(av, "+", nil)})
		case av == nil:
			out.elems = append(out.elems, elem{"-", q, renderWhole(bv, "-", nil)})
		case encodeCanonical(bv) == encodeCanonical(av):
			out.hidden++
		default:
			_, v := changedValue(nil, "", AttrSchema{}, bv, av)
			out.elems = append(out.elems, elem{"~", q, v})
		}
	}
	return out
}

// setChange shows the elements removed, then those added, each in a
// stable order, and counts the elements both have.
func setChange(before, after []any, fields []string) value {
	out := value{open: "[", close: "]", list: true}
	index := func(l []any) (map[string]any, []string) {
		m := map[string]any{}
		var keys []string
		for _, e := range l {
			k := encodeCanonical(e)
			if _, ok := m[k]; !ok {
				m[k] = e
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		return m, keys
	}
	bm, bkeys := index(before)
	am, akeys := index(after)
	for _, k := range bkeys {
		if _, ok := am[k]; ok {
			out.hidden++
		} else {
			out.elems = append(out.elems, elem{"-", "", elementValue(bm[k], "-", fields)})
		}
	}
	for _, k := range akeys {
		if _, ok := bm[k]; !ok {
			out.elems = append(out.elems, elem{"+", "", elementValue(am[k], "+", fields)})
		}
	}
	return out
}

// listChange shows an ordered list's changed middle, the elements before
// it removed and after it added; the common beginning and end are hidden
// and counted.
func listChange(before, after []any, fields []string) value {
	out := value{open: "[", close: "]", list: true}
	same := func(i, j int) bool { return encodeCanonical(before[i]) == encodeCanonical(after[j]) }
	head := 0
	for head < len(before) && head < len(after) && same(head, head) {
		head++
	}
	tail := 0
	for tail < len(before)-head && tail < len(after)-head && same(len(before)-1-tail, len(after)-1-tail) {
		tail++
	}
	out.hidden = head + tail
	for _, e := range before[head : len(before)-tail] {
		out.elems = append(out.elems, elem{"-", "", elementValue(e, "-", fields)})
	}
	for _, e := range after[head : len(after)-tail] {
		out.elems = append(out.elems, elem{"+", "", elementValue(e, "+", fields)})
	}
	return out
}

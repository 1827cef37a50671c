package provision

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// The diff is generic over a kind's attribute struct: both sides are
// compared through their JSON form, attribute by attribute, as the kind's
// Schema says. Paths are the JSON keys (node group keys are already dotted,
// e.g. "scaling.min_size"). Attributes missing from the schema (ARN, status,
// physical names) are never diffed.

// diffAttrs returns the attributes of after that differ from before, sorted
// by path. changing names the paths whose KnownAfterApply value stands for
// an upstream resource being created or replaced: those are diffs; any
// other unknown is assumed to equal the live value.
func diffAttrs(schema Schema, before, after any, changing map[string]bool) []AttrDiff {
	b, a := jsonFields(before), jsonFields(after)
	var out []AttrDiff
	for _, path := range sortedKeys(schema) {
		s := schema[path]
		bv, av := b[path], a[path]
		if av == KnownAfterApply {
			if changing[path] {
				out = append(out, AttrDiff{Path: path, Before: bv, After: av, ForcesReplacement: s.ForceNew})
			}
			continue
		}
		if s.Optional && isEmpty(av) {
			continue
		}
		if equalValues(s, bv, av) {
			continue
		}
		out = append(out, AttrDiff{Path: path, Before: bv, After: av, ForcesReplacement: s.ForceNew})
	}
	return out
}

// equalValues compares two JSON values of one attribute: nil equals empty,
// sets compare regardless of order and duplicates.
func equalValues(s AttrSchema, b, a any) bool {
	if isEmpty(a) && isEmpty(b) {
		return true
	}
	if s.Set {
		return encodeCanonical(canonicalSet(b)) == encodeCanonical(canonicalSet(a))
	}
	return encodeCanonical(a) == encodeCanonical(b)
}

// canonicalSet returns a list's distinct elements sorted by their JSON form.
func canonicalSet(v any) []string {
	l, _ := v.([]any)
	seen := map[string]bool{}
	out := []string{}
	for _, e := range l {
		k := encodeCanonical(e)
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// jsonFields is v's JSON object as a map; nil for a nil pointer.
func jsonFields(v any) map[string]any {
	if v == nil || (reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil()) {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err) // attribute structs are plain data
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		panic(err)
	}
	return m
}

// attrKeys lists the JSON keys of an attribute struct in declaration order,
// for renderers.
func attrKeys(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if tag != "" && tag != "-" {
			keys = append(keys, tag)
		}
	}
	return keys
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// hasForceNew reports whether any diff forces replacement.
func hasForceNew(diffs []AttrDiff) bool {
	for _, d := range diffs {
		if d.ForcesReplacement {
			return true
		}
	}
	return false
}

// replacePaths lists the diffs that force replacement.
func replacePaths(diffs []AttrDiff) []string {
	var out []string
	for _, d := range diffs {
		if d.ForcesReplacement {
			out = append(out, d.Path)
		}
	}
	return out
}

// diffPaths is the set of paths of diffs.
func diffPaths(diffs []AttrDiff) map[string]bool {
	m := make(map[string]bool, len(diffs))
	for _, d := range diffs {
		m[d.Path] = true
	}
	return m
}

// pathsIn returns the members of want that are in got, in want's order.
func pathsIn(got map[string]bool, want ...string) []string {
	var out []string
	for _, p := range want {
		if got[p] {
			out = append(out, p)
		}
	}
	return out
}

// ownedTags merges the ownership tags into the user's tags.
func ownedTags(user map[string]string, cluster, address string) map[string]string {
	out := make(map[string]string, len(user)+2)
	for k, v := range user {
		out[k] = v
	}
	out[TagCluster] = cluster
	out[TagAddress] = address
	return out
}

// liveTags drops the tags AWS itself sets ("aws:" prefix): nobody can
// change or remove them, so they are never part of a diff.
func liveTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		if !strings.HasPrefix(k, "aws:") {
			out[k] = v
		}
	}
	return out
}

// tagSteps plans the tag calls of a tags diff: one call adding or changing
// tags, one removing them, each only when needed. The tags are those apply
// will send (tagChanges), so the counts in the plan are the tags it sets
// and removes.
func tagSteps(tagCall, untagCall string, before, after map[string]string) []Step {
	set, remove := tagChanges(before, after)
	var steps []Step
	if len(set) > 0 {
		steps = append(steps, Step{Call: tagCall, Detail: "set " + plural(len(set), "tag"), Paths: []string{"tags"}})
	}
	if len(remove) > 0 {
		steps = append(steps, Step{Call: untagCall, Detail: "remove " + plural(len(remove), "tag"), Paths: []string{"tags"}})
	}
	return steps
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func intPtr(i int) *int { return &i }

func derefOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

package provision

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Add-on configuration values: checked at plan time against the JSON
// schema EKS publishes for the add-on version (DescribeAddonConfiguration
// configurationSchema, draft-07), and compared as JSON.
//
// The validator covers the keywords the EKS add-on schemas use for what a
// user writes: type, properties, additionalProperties, required, enum,
// items, pattern, minimum and maximum. Any other keyword ($ref, oneOf,
// format, ...) is not checked here: EKS checks the values again at
// CreateAddon/UpdateAddon, so leaving a keyword out only moves that error
// from plan to apply, never refuses what EKS accepts.

// canonicalJSON is doc re-encoded with sorted keys and no insignificant
// whitespace, numbers kept as written; ok is false when doc is not JSON
// (EKS also accepts YAML; such values are compared as text).
func canonicalJSON(doc string) (string, bool) {
	if strings.TrimSpace(doc) == "" {
		return "", true
	}
	v, err := decodeJSON(doc)
	if err != nil {
		return doc, false
	}
	b, err := json.Marshal(v) // map keys come sorted
	if err != nil {
		return doc, false
	}
	return string(b), true
}

// decodeJSON decodes one JSON value, numbers as json.Number.
func decodeJSON(doc string) (any, error) {
	d := json.NewDecoder(strings.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

// schemaErrors validates the JSON document doc against the JSON schema
// schemaDoc and returns each violation as "$.path: message", sorted; an
// error when either is not JSON.
func schemaErrors(schemaDoc, doc string) ([]string, error) {
	s, err := decodeJSON(schemaDoc)
	if err != nil {
		return nil, fmt.Errorf("the add-on's configuration schema is not JSON: %w", err)
	}
	v, err := decodeJSON(doc)
	if err != nil {
		return nil, err
	}
	var out []string
	validateSchema(v, s, "$", &out)
	sort.Strings(out)
	return out, nil
}

// validateSchema appends to out the violations of schema s by value v at
// path.
func validateSchema(v any, s any, path string, out *[]string) {
	schema, ok := s.(map[string]any)
	if !ok {
		if b, isBool := s.(bool); isBool && !b {
			*out = append(*out, path+": is not allowed by the schema")
		}
		return
	}
	if t, ok := schema["type"]; ok && !typeMatches(v, t) {
		*out = append(*out, fmt.Sprintf("%s: %s found, %s expected", path, jsonTypeOf(v), typeNames(t)))
		return
	}
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if encodeCanonical(e) == encodeCanonical(v) {
				found = true
				break
			}
		}
		if !found {
			var vals []string
			for _, e := range enum {
				vals = append(vals, encodeCanonical(e))
			}
			*out = append(*out, fmt.Sprintf("%s: %s is not one of %s", path, encodeCanonical(v), strings.Join(vals, ", ")))
		}
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, k := range sortedKeys(x) {
			if ps, ok := props[k]; ok {
				validateSchema(x[k], ps, path+"."+k, out)
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					*out = append(*out, fmt.Sprintf("%s.%s: is not defined in the schema and the schema does not allow additional properties", path, k))
				}
			case map[string]any:
				validateSchema(x[k], ap, path+"."+k, out)
			}
		}
		if req, ok := schema["required"].([]any); ok {
			for _, r := range req {
				if name, _ := r.(string); name != "" {
					if _, has := x[name]; !has {
						*out = append(*out, fmt.Sprintf("%s: %s is required", path, name))
					}
				}
			}
		}
	case []any:
		if items, ok := schema["items"]; ok {
			for i, e := range x {
				validateSchema(e, items, fmt.Sprintf("%s[%d]", path, i), out)
			}
		}
	case string:
		if p, ok := schema["pattern"].(string); ok {
			if re, err := regexp.Compile(p); err == nil && !re.MatchString(x) {
				*out = append(*out, fmt.Sprintf("%s: %q does not match the pattern %s", path, x, p))
			}
		}
	case json.Number:
		f, _ := x.Float64()
		if m, ok := schemaNumber(schema["minimum"]); ok && f < m {
			*out = append(*out, fmt.Sprintf("%s: %s is less than the minimum %v", path, x, m))
		}
		if m, ok := schemaNumber(schema["maximum"]); ok && f > m {
			*out = append(*out, fmt.Sprintf("%s: %s is more than the maximum %v", path, x, m))
		}
	}
}

func schemaNumber(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// typeMatches reports whether v has the JSON schema type t (a name or a
// list of names).
func typeMatches(v any, t any) bool {
	switch x := t.(type) {
	case string:
		return typeIs(v, x)
	case []any:
		for _, e := range x {
			if name, _ := e.(string); typeIs(v, name) {
				return true
			}
		}
		return false
	}
	return true
}

func typeIs(v any, name string) bool {
	switch name {
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		if _, err := n.Int64(); err == nil {
			return true
		}
		f, err := n.Float64()
		return err == nil && f == float64(int64(f))
	case "number":
		_, ok := v.(json.Number)
		return ok
	}
	return jsonTypeOf(v) == name
}

// jsonTypeOf names v's JSON type as JSON schema does.
func jsonTypeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

func typeNames(t any) string {
	if l, ok := t.([]any); ok {
		var names []string
		for _, e := range l {
			names = append(names, fmt.Sprint(e))
		}
		return strings.Join(names, " or ")
	}
	return fmt.Sprint(t)
}

// jsonEqual reports whether two configuration values are the same JSON
// (key order and whitespace aside); values that are not JSON compare as
// text.
func jsonEqual(a, b string) bool {
	ca, _ := canonicalJSON(a)
	cb, _ := canonicalJSON(b)
	return bytes.Equal([]byte(ca), []byte(cb))
}

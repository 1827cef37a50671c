package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ParseError is every problem Parse found in one price file.
type ParseError struct {
	File     string
	Problems []Problem // in file order
}

// Problem is one thing wrong in a price file.
type Problem struct {
	Line    int    // 1-based line of the value or key at fault
	Path    string // JSON path, e.g. regions["us-east-1"].ec2["m6i.large"]; "" for the whole file
	Message string // what is wrong and what to do
}

func (p Problem) String(file string) string {
	if p.Path == "" {
		return fmt.Sprintf("%s:%d: %s", file, p.Line, p.Message)
	}
	return fmt.Sprintf("%s:%d: %s: %s", file, p.Line, p.Path, p.Message)
}

func (e *ParseError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String(e.File)
	}
	return strings.Join(lines, "\n")
}

var (
	// regionPattern is the shape of every AWS region code: us-east-1,
	// ap-southeast-7, us-gov-west-1, eusc-de-east-1.
	regionPattern = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]+$`)
	// instancePattern is the shape of an EC2 instance type: m6i.large,
	// m7i-flex.2xlarge, u-6tb1.metal.
	instancePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9-]+$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Parse reads a price table in the JSON format of the package doc. name is
// the file's name, used in errors; every problem found is reported, each
// with its line and JSON path, as a *ParseError.
func Parse(name string, data []byte) (*Table, error) {
	root, err := readTree(data)
	if err != nil {
		var se *json.SyntaxError
		line := 1
		var te *trailingError
		if errors.As(err, &se) {
			line = lineOf(data, se.Offset)
		} else if errors.As(err, &te) {
			line = lineOf(data, te.off)
		} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			line = lineOf(data, int64(len(data)))
			err = errors.New("unexpected end of the file")
		}
		return nil, &ParseError{File: name, Problems: []Problem{{
			Line: line, Message: fmt.Sprintf("invalid JSON: %v; fix the syntax (see the format in the package doc of provision/pricing)", err),
		}}}
	}
	c := &checker{data: data}
	c.table(root)
	if len(c.problems) > 0 {
		slices.SortStableFunc(c.problems, func(a, b Problem) int { return a.Line - b.Line })
		return nil, &ParseError{File: name, Problems: c.problems}
	}
	// The checks above give every problem its path; the strict decode is
	// the Table's own definition of the format, and must agree.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t Table
	if err := dec.Decode(&t); err != nil {
		return nil, &ParseError{File: name, Problems: []Problem{{Line: 1, Message: err.Error()}}}
	}
	return &t, nil
}

// trailingError is a file with more after its one JSON value.
type trailingError struct{ off int64 }

func (e *trailingError) Error() string { return "more than one JSON value in the file" }

// node is a JSON value with where it starts.
type node struct {
	off     int64 // byte offset of its first character
	kind    byte  // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	members []member
	str     string
	num     json.Number
}

type member struct {
	key    string
	keyOff int64
	val    *node
}

// readTree reads one JSON value and nothing after it, keeping offsets.
func readTree(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readValue(dec, data)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return nil, err
		}
		return nil, &trailingError{off: skipSpace(data, dec.InputOffset())}
	}
	return n, nil
}

func readValue(dec *json.Decoder, data []byte) (*node, error) {
	off := skipSpace(data, dec.InputOffset())
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	n := &node{off: off}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			n.kind = 'o'
			for dec.More() {
				keyOff := skipSpace(data, dec.InputOffset())
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				val, err := readValue(dec, data)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, member{key: kt.(string), keyOff: keyOff, val: val})
			}
		case '[':
			n.kind = 'a'
			for dec.More() {
				if _, err := readValue(dec, data); err != nil {
					return nil, err
				}
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		n.kind, n.str = 's', v
	case json.Number:
		n.kind, n.num = 'n', v
	case bool:
		n.kind = 'b'
	case nil:
		n.kind = 'z'
	}
	return n, nil
}

// skipSpace moves an offset past the whitespace and separators before a token.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	return off
}

func lineOf(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// checker collects the problems of a parsed file.
type checker struct {
	data     []byte
	problems []Problem
}

func (c *checker) add(off int64, path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Line: lineOf(c.data, off), Path: path, Message: fmt.Sprintf(format, args...)})
}

func kindName(k byte) string {
	return map[byte]string{'o': "an object", 'a': "an array", 's': "a string", 'n': "a number", 'b': "a boolean", 'z': "null"}[k]
}

// object checks that n is an object with only the given keys, and returns
// its members by key (a key given twice is a problem; the first is kept).
func (c *checker) object(n *node, path string, keys []string) map[string]member {
	if n.kind != 'o' {
		c.add(n.off, path, "must be an object, not %s", kindName(n.kind))
		return nil
	}
	out := map[string]member{}
	for _, m := range n.members {
		if _, dup := out[m.key]; dup {
			c.add(m.keyOff, path, "key %q is given twice; keep one", m.key)
			continue
		}
		if keys != nil && !slices.Contains(keys, m.key) {
			c.add(m.keyOff, path, "unknown key %q; the keys here are %s", m.key, strings.Join(keys, ", "))
			continue
		}
		out[m.key] = m
	}
	return out
}

func (c *checker) text(m member, ok bool, parent, key, hint string) (string, int64) {
	path := join(parent, key)
	if !ok {
		c.add(0, "", "%s is missing; add %s", key, hint)
		return "", 0
	}
	if m.val.kind != 's' {
		c.add(m.val.off, path, "must be a string, not %s", kindName(m.val.kind))
		return "", m.val.off
	}
	if strings.TrimSpace(m.val.str) == "" {
		c.add(m.val.off, path, "is empty; add %s", hint)
	}
	return m.val.str, m.val.off
}

func (c *checker) table(root *node) {
	top := c.object(root, "", []string{"currency", "date", "regions", "source"})
	if top == nil {
		return
	}
	if cur, off := c.text(top["currency"], has(top, "currency"), "", "currency", `"currency": "USD"`); cur != "" && !currencyPattern.MatchString(cur) {
		c.add(off, "currency", "%q is not a 3-letter ISO 4217 currency code such as \"USD\" or \"EUR\"; write the code in capitals", cur)
	}
	if d, off := c.text(top["date"], has(top, "date"), "", "date", `the day the prices were read, e.g. "date": "2025-11-20"`); d != "" {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			c.add(off, "date", "%q is not a date of the form 2025-11-20; write the day the prices were read", d)
		}
	}
	c.text(top["source"], has(top, "source"), "", "source", `where the prices come from, e.g. "source": "negotiated rates, contract 2025-11"`)
	rm, ok := top["regions"]
	if !ok {
		c.add(0, "", `regions is missing; add "regions": {"us-east-1": {...}} with the regions you price`)
		return
	}
	regions := c.object(rm.val, "regions", nil)
	if regions == nil {
		return
	}
	if len(regions) == 0 && rm.val.kind == 'o' && len(rm.val.members) == 0 {
		c.add(rm.val.off, "regions", "is empty; add the regions you price, e.g. \"us-east-1\": {...}")
	}
	for _, m := range rm.val.members {
		if _, kept := regions[m.key]; !kept || regions[m.key].val != m.val {
			continue
		}
		path := fmt.Sprintf("regions[%q]", m.key)
		if !regionPattern.MatchString(m.key) {
			c.add(m.keyOff, "regions", "%q is not an AWS region code such as \"us-east-1\"; check its spelling", m.key)
			continue
		}
		c.region(m.val, path)
	}
}

func (c *checker) region(n *node, path string) {
	r := c.object(n, path, []string{"ebs_gb_month", "ec2", "eks", "fargate"})
	if r == nil {
		return
	}
	if m, ok := r["eks"]; ok {
		c.rates(m.val, join(path, "eks"), []string{"extended", "standard"})
	}
	if m, ok := r["fargate"]; ok {
		c.rates(m.val, join(path, "fargate"), []string{"gb_hour", "vcpu_hour"})
	}
	if m, ok := r["ebs_gb_month"]; ok {
		c.prices(m.val, join(path, "ebs_gb_month"), func(key string) string {
			if slices.Contains(VolumeTypes, key) {
				return ""
			}
			return fmt.Sprintf("unknown EBS volume type %q; the types are %s", key, strings.Join(VolumeTypes, ", "))
		})
	}
	if m, ok := r["ec2"]; ok {
		c.prices(m.val, join(path, "ec2"), func(key string) string {
			if instancePattern.MatchString(key) {
				return ""
			}
			return fmt.Sprintf("%q is not an EC2 instance type such as \"m6i.large\"; check its spelling", key)
		})
	}
}

// rates checks an object that must hold every one of keys, each a price.
func (c *checker) rates(n *node, path string, keys []string) {
	o := c.object(n, path, keys)
	if o == nil {
		return
	}
	for _, k := range keys {
		m, ok := o[k]
		if !ok {
			c.add(n.off, path, "%s is missing; give all of %s, or leave out %s to make these rates unknown", k, strings.Join(keys, ", "), path[strings.LastIndexByte(path, '.')+1:])
			continue
		}
		c.price(m.val, join(path, k))
	}
}

// prices checks an object of name -> price.
func (c *checker) prices(n *node, path string, badKey func(string) string) {
	o := c.object(n, path, nil)
	if o == nil {
		return
	}
	for _, m := range n.members {
		if kept, ok := o[m.key]; !ok || kept.val != m.val {
			continue
		}
		if msg := badKey(m.key); msg != "" {
			c.add(m.keyOff, path, "%s", msg)
			continue
		}
		c.price(m.val, fmt.Sprintf("%s[%q]", path, m.key))
	}
}

func (c *checker) price(n *node, path string) {
	if n.kind != 'n' {
		c.add(n.off, path, "must be a number (the price), not %s", kindName(n.kind))
		return
	}
	v, err := strconv.ParseFloat(n.num.String(), 64)
	if err != nil || v <= 0 {
		c.add(n.off, path, "price %s is not more than 0; give the price, or remove the entry to make it unknown", n.num)
	}
}

func has(m map[string]member, key string) bool {
	_, ok := m[key]
	return ok
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

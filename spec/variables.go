package spec

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// EnvVarPrefix starts the name of an environment variable that sets a
// variable: EKSCTL_LITE_VAR_region=eu-west-1 sets var.region.
const EnvVarPrefix = "EKSCTL_LITE_VAR_"

// rawVariable is a `variable "NAME"` block.
type rawVariable struct {
	Name        string         `hcl:"name,label"`
	Type        *hcl.Attribute `hcl:"type,optional"`
	Default     *hcl.Attribute `hcl:"default,optional"`
	Description *string        `hcl:"description,optional"`
	DefRange    hcl.Range      `hcl:",def_range"`
	NameRange   hcl.Range      `hcl:"name,label_range"`
}

// rawLocals is a `locals` block: any number of name = expression lines.
type rawLocals struct {
	Body hcl.Body `hcl:",remain"`
}

// variable is one declared variable and the value it ended up with.
type variable struct {
	name string
	// ty is the declared type; cty.DynamicPseudoType when none is given.
	ty cty.Type
	// value is cty.NilVal while no source has set it.
	value cty.Value
	// broken means an error was reported for it; expressions using it are
	// evaluated with an unknown value and their own errors are dropped.
	broken    bool
	declRange hcl.Range
}

// variables are the declared variables by name.
type variables struct {
	byName map[string]*variable
	names  []string // in declaration order
}

// declareVariables checks the variable blocks and sets their defaults.
func (l *loader) declareVariables(blocks []*rawVariable) *variables {
	vs := &variables{byName: map[string]*variable{}}
	for _, b := range blocks {
		subject := b.NameRange.Ptr()
		if prev, ok := vs.byName[b.Name]; ok {
			l.errorf(subject, "Duplicate variable declaration",
				"A variable named %q was already declared at %s. Variable names must be unique within a configuration; remove or rename one of them.",
				b.Name, prev.declRange)
			continue
		}
		if !hclsyntax.ValidIdentifier(b.Name) {
			l.errorf(subject, "Invalid variable name",
				"%q is not a valid variable name: a name starts with a letter and holds only letters, digits, underscores and dashes.", b.Name)
			continue
		}
		v := &variable{name: b.Name, ty: cty.DynamicPseudoType, declRange: b.DefRange}
		vs.byName[b.Name] = v
		vs.names = append(vs.names, b.Name)
		if b.Type != nil {
			ty, diags := typeexpr.TypeConstraint(b.Type.Expr)
			l.diags = append(l.diags, diags...)
			if diags.HasErrors() {
				v.broken = true
				continue
			}
			v.ty = ty
		}
		if b.Default != nil {
			val, diags := b.Default.Expr.Value(nil)
			l.diags = append(l.diags, diags...)
			if diags.HasErrors() {
				v.broken = true
				continue
			}
			if l.numbersAsText("default", b.Default.Expr, l.source(b.Default.Expr.Range().Filename), v.ty,
				fmt.Sprintf("in the default of variable %q", b.Name)) {
				v.broken = true
				continue
			}
			conv, err := convert.Convert(val, v.ty)
			if err != nil {
				l.errorf(b.Default.Expr.Range().Ptr(), "Invalid default value for variable",
					"The default of variable %q does not match its type %s: %s.", b.Name, typeexpr.TypeString(v.ty), err)
				v.broken = true
				continue
			}
			v.value = conv
		}
	}
	return vs
}

// setVariables applies the values from the environment, then from --var and
// --var-file flags in order; the later source wins. Then it reports every
// variable that is still without a value, unless a --var-file could not be
// read or parsed.
func (l *loader) setVariables(args []VarArg, environ []string) {
	for _, kv := range environ {
		key, value, ok := strings.Cut(kv, "=")
		name, isVar := strings.CutPrefix(key, EnvVarPrefix)
		if !ok || !isVar || name == "" {
			continue
		}
		// Like Terraform's TF_VAR_, an environment variable for a variable
		// this configuration does not declare is ignored: the environment
		// is shared by every configuration a user works with.
		v, declared := l.vars.byName[name]
		if !declared {
			continue
		}
		l.setFromString(v, value, "environment variable "+key)
	}
	for _, a := range args {
		if a.File != "" {
			l.readVarFile(a.File)
			continue
		}
		v, declared := l.vars.byName[a.Name]
		if !declared {
			l.errorf(nil, "Value for undeclared variable",
				"--var sets %q, but the configuration declares no variable %q.%s Declare it with a block variable %q {}, or fix the name.",
				a.Name, a.Name, l.vars.suggest(a.Name), a.Name)
			continue
		}
		l.setFromString(v, a.Value, "--var "+a.Name)
	}
	for _, name := range l.vars.names {
		v := l.vars.byName[name]
		if v.value == cty.NilVal && !v.broken && l.varFileFailed {
			// The variables file that could not be read may well set it:
			// saying it is missing would be a false lead. Expressions using
			// it are quiet until the file is fixed.
			v.broken = true
			continue
		}
		if v.value == cty.NilVal && !v.broken {
			l.errorf(v.declRange.Ptr(), "No value for required variable",
				"The variable %q has no default, so it must be set: with --var '%s=VALUE', with a line %s = VALUE in a file given to --var-file, or with the environment variable %s%s.",
				name, name, name, EnvVarPrefix, name)
			v.broken = true
		}
	}
}

// setFromString sets v from a command-line or environment value. For a
// string (or untyped) variable the value is taken as it is; for any other
// type it is parsed as an HCL expression, like Terraform's -var.
func (l *loader) setFromString(v *variable, value, source string) {
	if v.ty == cty.String || v.ty == cty.DynamicPseudoType {
		v.value = cty.StringVal(value)
		v.broken = false
		return
	}
	expr, diags := hclsyntax.ParseExpression([]byte(value), "<value for var."+v.name+">", hcl.InitialPos)
	if !diags.HasErrors() {
		var val cty.Value
		val, diags = expr.Value(nil)
		if !diags.HasErrors() {
			if l.numbersAsText(v.name, expr, []byte(value), v.ty, "in "+source) {
				v.broken = true
				return
			}
			l.assign(v, val, nil, source)
			return
		}
	}
	l.errorf(nil, "Invalid value for variable",
		"The value %q of %s is not a valid %s. Write it as an HCL expression, e.g. %s=%s (quote it for the shell).",
		value, source, typeexpr.TypeString(v.ty), v.name, example(v.ty))
	v.broken = true
}

// assign converts val to v's type and stores it.
func (l *loader) assign(v *variable, val cty.Value, subject *hcl.Range, source string) {
	conv, err := convert.Convert(val, v.ty)
	if err != nil {
		l.errorf(subject, "Invalid value for variable",
			"The value of %s is not a valid %s: %s.", source, typeexpr.TypeString(v.ty), err)
		v.broken = true
		return
	}
	v.value = conv
	v.broken = false
}

// example is an HCL literal of type ty, for error messages.
func example(ty cty.Type) string {
	switch {
	case ty == cty.Number:
		return "3"
	case ty == cty.Bool:
		return "true"
	case ty.IsListType(), ty.IsSetType(), ty.IsTupleType():
		return `["a", "b"]`
	case ty.IsMapType(), ty.IsObjectType():
		return `{ key = "value" }`
	}
	return "value"
}

// readVarFile reads a --var-file: HCL attribute syntax (or JSON when the
// name ends in .json), one attribute per variable. Its name may end in
// anything; a file ending in .hcl inside the configuration directory would
// also be loaded as configuration, so var files are best named *.vars.
func (l *loader) readVarFile(name string) {
	src, err := os.ReadFile(name)
	if err != nil {
		l.errorf(nil, "Cannot read variables file",
			"Reading the --var-file %s failed: %s.", name, err)
		l.varFileFailed = true
		return
	}
	var (
		f     *hcl.File
		diags hcl.Diagnostics
	)
	l.fileOrder = append(l.fileOrder, name)
	if d := notText(name, src, "--var-file",
		"Give --var-file a file of NAME = VALUE lines saved as UTF-8."); d != nil {
		l.diags = append(l.diags, d)
		l.varFileFailed = true
		return
	}
	if strings.HasSuffix(name, ".json") {
		f, diags = l.parser.ParseJSON(src, name)
	} else {
		f, diags = l.parser.ParseHCL(src, name)
	}
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() || f == nil {
		l.varFileFailed = true
		return
	}
	attrs, diags := f.Body.JustAttributes()
	l.diags = append(l.diags, diags...)
	for _, attr := range sortedAttributes(attrs) {
		v, declared := l.vars.byName[attr.Name]
		if !declared {
			l.errorf(attr.NameRange.Ptr(), "Value for undeclared variable",
				"The variables file sets %q, but the configuration declares no variable %q.%s Declare it with a block variable %q {}, or remove the line.",
				attr.Name, attr.Name, l.vars.suggest(attr.Name), attr.Name)
			continue
		}
		val, diags := attr.Expr.Value(nil)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			v.broken = true
			continue
		}
		if l.numbersAsText(attr.Name, attr.Expr, src, v.ty, fmt.Sprintf("in %s", name)) {
			v.broken = true
			continue
		}
		l.assign(v, val, attr.Expr.Range().Ptr(), fmt.Sprintf("%q in %s", attr.Name, name))
	}
}

// sortedAttributes returns attrs in source order.
func sortedAttributes(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Range.Filename != out[j].Range.Filename {
			return out[i].Range.Filename < out[j].Range.Filename
		}
		return out[i].Range.Start.Byte < out[j].Range.Start.Byte
	})
	return out
}

// suggest returns ` Did you mean "x"?` when a declared variable is close to name.
func (vs *variables) suggest(name string) string {
	return didYouMean(name, vs.names)
}

// didYouMean returns ` Did you mean "x"?` for the candidate closest to
// given when it is within a few edits, else "".
func didYouMean(given string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(given, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// local is one local value.
type local struct {
	attr   *hcl.Attribute
	value  cty.Value
	broken bool
}

// locals are the local values of every locals block, by name.
type locals struct {
	byName map[string]*local
	names  []string
}

// collectLocals gathers the attributes of every locals block.
func (l *loader) collectLocals(blocks []*rawLocals) *locals {
	ls := &locals{byName: map[string]*local{}}
	for _, b := range blocks {
		attrs, diags := b.Body.JustAttributes()
		l.diags = append(l.diags, diags...)
		for _, attr := range sortedAttributes(attrs) {
			if prev, ok := ls.byName[attr.Name]; ok {
				l.errorf(attr.NameRange.Ptr(), "Duplicate local value",
					"local.%s was already defined at %s. Local names must be unique within a configuration; remove or rename one of them.",
					attr.Name, prev.attr.NameRange)
				continue
			}
			ls.byName[attr.Name] = &local{attr: attr}
			ls.names = append(ls.names, attr.Name)
		}
	}
	return ls
}

// ref names the variable or local a traversal starts with: "var.x",
// "local.y", or "" for anything else.
func ref(t hcl.Traversal) (kind, name string) {
	root := t.RootName()
	if (root != "var" && root != "local") || len(t) < 2 {
		return "", ""
	}
	switch step := t[1].(type) {
	case hcl.TraverseAttr:
		return root, step.Name
	case hcl.TraverseIndex:
		if step.Key.Type() == cty.String && step.Key.IsKnown() && !step.Key.IsNull() {
			return root, step.Key.AsString()
		}
	}
	return "", ""
}

// checkReferences reports each reference to an undeclared variable or
// local in the given bodies.
func (l *loader) checkReferences(bodies []hcl.Body, ls *locals) {
	seen := map[hcl.Range]bool{}
	for _, body := range bodies {
		walkExpressions(body, func(e hcl.Expression) {
			for _, t := range e.Variables() {
				kind, name := ref(t)
				rng := t.SourceRange()
				if kind == "" || seen[rng] {
					continue
				}
				switch {
				case kind == "var" && l.vars.byName[name] == nil:
					seen[rng] = true
					l.errorf(rng.Ptr(), "Reference to undeclared variable",
						"No variable named %q is declared.%s Declare it with a block variable %q {}, or fix the name.",
						name, l.vars.suggest(name), name)
				case kind == "local" && ls.byName[name] == nil:
					seen[rng] = true
					l.errorf(rng.Ptr(), "Reference to undeclared local value",
						"No local value named %q is defined.%s Define it in a locals block, or fix the name.",
						name, didYouMean(name, ls.names))
				}
			}
		})
	}
}

// evalContext evaluates the locals in dependency order and returns the
// context every cluster expression is evaluated in. A local that refers to
// itself, directly or not, is reported once.
func (l *loader) evalContext(ls *locals) *hcl.EvalContext {
	varVals := map[string]cty.Value{}
	for name, v := range l.vars.byName {
		if v.broken || v.value == cty.NilVal {
			varVals[name] = cty.DynamicVal
			continue
		}
		varVals[name] = v.value
	}
	localVals := map[string]cty.Value{}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(varVals)},
		Functions: functions(),
	}

	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(name string)
	visit = func(name string) {
		lc := ls.byName[name]
		if lc == nil || state[name] == done {
			return
		}
		if state[name] == visiting {
			i := len(stack) - 1
			for i > 0 && stack[i] != name {
				i--
			}
			cycle := append(append([]string{}, stack[i:]...), name)
			for j := range cycle {
				cycle[j] = "local." + cycle[j]
			}
			l.errorf(lc.attr.NameRange.Ptr(), "Cycle in local values",
				"The local values refer to each other in a circle: %s. Break the circle by computing one of them without the others.",
				strings.Join(cycle, " -> "))
			for _, n := range stack[i:] {
				ls.byName[n].broken = true
			}
			return
		}
		state[name] = visiting
		stack = append(stack, name)
		for _, t := range lc.attr.Expr.Variables() {
			kind, dep := ref(t)
			switch kind {
			case "local":
				visit(dep)
				// A local computed from a broken one is broken too.
				if d := ls.byName[dep]; d == nil || d.broken {
					lc.broken = true
				}
			case "var":
				if v := l.vars.byName[dep]; v == nil || v.broken {
					lc.broken = true
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = done
		if lc.broken {
			localVals[name] = cty.DynamicVal
			return
		}
		val, diags := lc.attr.Expr.Value(l.localContext(ctx, lc, localVals))
		if diags.HasErrors() {
			lc.broken = true
			val = cty.DynamicVal
		}
		l.diags = append(l.diags, diags...)
		lc.value = val
		localVals[name] = val
	}
	for _, name := range ls.names {
		visit(name)
	}
	ctx.Variables["local"] = cty.ObjectVal(localVals)
	return ctx
}

// localContext is the context lc's expression is evaluated in: ctx with
// local.* holding only the locals the expression names, all evaluated
// already. Building local.* from every local evaluated so far, for each
// local, made loading quadratic in the number of locals. An expression that
// uses local.* without naming a local statically (local[var.name]) gets
// every local evaluated so far, as before.
func (l *loader) localContext(ctx *hcl.EvalContext, lc *local, localVals map[string]cty.Value) *hcl.EvalContext {
	deps := map[string]cty.Value{}
	for _, t := range lc.attr.Expr.Variables() {
		if t.RootName() != "local" {
			continue
		}
		kind, dep := ref(t)
		if kind == "" {
			deps = localVals
			break
		}
		if v, ok := localVals[dep]; ok {
			deps[dep] = v
		}
	}
	child := ctx.NewChild()
	child.Variables = map[string]cty.Value{"local": cty.ObjectVal(deps)}
	return child
}

// poisonRanges records the expressions that use a broken variable or local
// or an undeclared name, so that their consequential errors are dropped.
func (l *loader) poisonRanges(bodies []hcl.Body, ls *locals) {
	bad := func(t hcl.Traversal) bool {
		kind, name := ref(t)
		switch kind {
		case "var":
			v := l.vars.byName[name]
			return v == nil || v.broken
		case "local":
			lc := ls.byName[name]
			return lc == nil || lc.broken
		}
		return false
	}
	for _, body := range bodies {
		walkExpressions(body, func(e hcl.Expression) {
			for _, t := range e.Variables() {
				if bad(t) {
					l.poison = append(l.poison, e.Range())
					return
				}
			}
		})
	}
}

// walkExpressions calls fn for each attribute expression in body and its
// nested blocks, in source order where the syntax allows.
func walkExpressions(body hcl.Body, fn func(hcl.Expression)) {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return
	}
	attrs := make([]*hclsyntax.Attribute, 0, len(sb.Attributes))
	for _, a := range sb.Attributes {
		attrs = append(attrs, a)
	}
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].SrcRange.Start.Byte < attrs[j].SrcRange.Start.Byte })
	for _, a := range attrs {
		fn(a.Expr)
	}
	for _, b := range sb.Blocks {
		walkExpressions(b.Body, fn)
	}
}

// indexAttributes remembers the name of every attribute by its expression's
// range, to reword type errors.
func (l *loader) indexAttributes(body hcl.Body) {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return
	}
	for name, a := range sb.Attributes {
		l.attrNames[a.Expr.Range()] = name
	}
	for _, b := range sb.Blocks {
		l.indexAttributes(b.Body)
	}
}

// trailingZeroRE is a decimal number ending in a zero after the point,
// such as 1.30, which a conversion to text would shorten.
var trailingZeroRE = regexp.MustCompile(`^[0-9]+\.[0-9]*0$`)

// source returns the bytes of a parsed file, nil when it is not parsed.
func (l *loader) source(filename string) []byte {
	if f := l.parser.Files()[filename]; f != nil {
		return f.Bytes
	}
	return nil
}

// numbersAsText reports each number written where the variable's type
// wants a string (or takes any type) and whose digits the conversion would
// change: kubernetes_version = 1.30 is the number 1.3, and the string "1.3"
// once converted, a version nobody asked for. Such a number is almost
// always text the user forgot to quote. name is the attribute or object
// key the number is the value of; src is the text expr was parsed from,
// where for the command line there is no range to point at. It returns
// whether it reported anything.
func (l *loader) numbersAsText(name string, expr hcl.Expression, src []byte, ty cty.Type, where string) bool {
	found := false
	report := func(key string, e hcl.Expression) {
		rng := e.Range()
		if rng.End.Byte > len(src) || rng.Start.Byte > rng.End.Byte {
			return
		}
		text := strings.TrimSpace(string(src[rng.Start.Byte:rng.End.Byte]))
		val, diags := e.Value(nil)
		if diags.HasErrors() || val.Type() != cty.Number || !val.IsKnown() || val.IsNull() {
			return
		}
		str, err := convert.Convert(val, cty.String)
		if err != nil || str.AsString() == text {
			return
		}
		if ty == cty.DynamicPseudoType && !trailingZeroRE.MatchString(text) {
			return // an untyped variable may well hold a number
		}
		var subject *hcl.Range
		if !strings.HasPrefix(rng.Filename, "<value for") {
			subject = rng.Ptr()
		}
		found = true
		l.errorf(subject, "Number where text is meant",
			"%s = %s %s is a number, and a number keeps no trailing zeros: as text, which is what this value is used as, it becomes %q. Write it in quotes, as Kubernetes versions always are: %s = \"%s\".",
			key, text, where, str.AsString(), key, text)
	}
	var walk func(key string, e hcl.Expression, ty cty.Type)
	walk = func(key string, e hcl.Expression, ty cty.Type) {
		switch e := e.(type) {
		case *hclsyntax.ObjectConsExpr:
			for _, item := range e.Items {
				k, diags := item.KeyExpr.Value(nil)
				if diags.HasErrors() || k.Type() != cty.String || !k.IsKnown() || k.IsNull() {
					continue
				}
				sub := cty.NilType
				switch {
				case ty == cty.DynamicPseudoType:
					sub = cty.DynamicPseudoType
				case ty.IsMapType():
					sub = ty.ElementType()
				case ty.IsObjectType() && ty.HasAttribute(k.AsString()):
					sub = ty.AttributeType(k.AsString())
				}
				if sub != cty.NilType {
					walk(k.AsString(), item.ValueExpr, sub)
				}
			}
		case *hclsyntax.TupleConsExpr:
			for i, item := range e.Exprs {
				sub := cty.NilType
				switch {
				case ty == cty.DynamicPseudoType:
					sub = cty.DynamicPseudoType
				case ty.IsListType(), ty.IsSetType():
					sub = ty.ElementType()
				case ty.IsTupleType() && i < len(ty.TupleElementTypes()):
					sub = ty.TupleElementTypes()[i]
				}
				if sub != cty.NilType {
					walk(key, item, sub)
				}
			}
		case *hclsyntax.LiteralValueExpr:
			if e.Val.Type() == cty.Number && (ty == cty.String || ty == cty.DynamicPseudoType) {
				report(key, e)
			}
		default:
			// JSON var files: only a value that is the number itself.
			if _, ok := e.(hclsyntax.Expression); !ok && (ty == cty.String || ty == cty.DynamicPseudoType) {
				report(key, e)
			}
		}
	}
	walk(name, expr, ty)
	return found
}

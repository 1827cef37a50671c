package spec

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// nullBody is a block body in which an attribute whose value is null counts
// as not written, as in Terraform: `role_arn = var.role_arn`, with a
// variable whose default is null, leaves role_arn to its default, and
// every presence check (has, at, attrRanges) sees it absent. The bodies of
// nested blocks are wrapped too, so this holds at every depth.
//
// A required attribute set to null is reported like a missing one, but
// pointing at the attribute, since that is where the user wrote it.
type nullBody struct {
	body hcl.Body
	ctx  *hcl.EvalContext
	// nulls caches, by expression range, whether an expression evaluates
	// to null; it is shared by every nullBody of one Load.
	nulls map[hcl.Range]bool
}

// wrapNulls returns body as a nullBody evaluating in ctx.
func (l *loader) wrapNulls(body hcl.Body) hcl.Body {
	if body == nil {
		return nil
	}
	if l.nulls == nil {
		l.nulls = map[hcl.Range]bool{}
	}
	return &nullBody{body: body, ctx: l.ctx, nulls: l.nulls}
}

// isNull reports whether expr evaluates, without error, to a known null.
// An expression that fails is not null: decoding reports its error.
func (b *nullBody) isNull(expr hcl.Expression) bool {
	rng := expr.Range()
	if v, ok := b.nulls[rng]; ok {
		return v
	}
	val, diags := expr.Value(b.ctx)
	null := !diags.HasErrors() && val.IsKnown() && val.IsNull()
	b.nulls[rng] = null
	return null
}

// Content implements hcl.Body.
func (b *nullBody) Content(schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	content, diags := b.body.Content(schema)
	return b.filter(content, schema, diags)
}

// PartialContent implements hcl.Body.
func (b *nullBody) PartialContent(schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Body, hcl.Diagnostics) {
	content, remain, diags := b.body.PartialContent(schema)
	content, diags = b.filter(content, schema, diags)
	if remain != nil {
		remain = &nullBody{body: remain, ctx: b.ctx, nulls: b.nulls}
	}
	return content, remain, diags
}

// JustAttributes implements hcl.Body.
func (b *nullBody) JustAttributes() (hcl.Attributes, hcl.Diagnostics) {
	attrs, diags := b.body.JustAttributes()
	for name, a := range attrs {
		if b.isNull(a.Expr) {
			delete(attrs, name)
		}
	}
	return attrs, diags
}

// MissingItemRange implements hcl.Body.
func (b *nullBody) MissingItemRange() hcl.Range {
	return b.body.MissingItemRange()
}

// filter drops the null attributes from content, reports the required
// ones, and wraps the bodies of nested blocks.
func (b *nullBody) filter(content *hcl.BodyContent, schema *hcl.BodySchema, diags hcl.Diagnostics) (*hcl.BodyContent, hcl.Diagnostics) {
	if content == nil {
		return content, diags
	}
	required := map[string]bool{}
	for _, s := range schema.Attributes {
		required[s.Name] = s.Required
	}
	out := *content
	out.Attributes = hcl.Attributes{}
	for name, a := range content.Attributes {
		if !b.isNull(a.Expr) {
			out.Attributes[name] = a
			continue
		}
		if required[name] {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing required argument",
				Detail: fmt.Sprintf("The argument %q is required, but its value is null, which counts as not set. Give it a value.",
					name),
				Subject: a.Expr.Range().Ptr(),
			})
		}
	}
	out.Blocks = make(hcl.Blocks, len(content.Blocks))
	for i, blk := range content.Blocks {
		nb := *blk
		nb.Body = &nullBody{body: blk.Body, ctx: b.ctx, nulls: b.nulls}
		out.Blocks[i] = &nb
	}
	return &out, diags
}

// unwrapNulls returns the body a nullBody wraps and a function telling
// whether an expression in it is null; for any other body, the body itself
// and a function that always says no.
func unwrapNulls(body hcl.Body) (hcl.Body, func(hcl.Expression) bool) {
	if nb, ok := body.(*nullBody); ok {
		return nb.body, nb.isNull
	}
	return body, func(hcl.Expression) bool { return false }
}

package spec

import (
	"sort"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// functions is the curated set of functions a configuration may call. Each
// is pure: none reads files, the environment or the network, so a
// configuration means the same thing on every machine. Functions that can
// build arbitrarily large values from a small input (range, chunklist) are
// left out on purpose.
func functions() map[string]function.Function {
	return map[string]function.Function{
		// Encoding.
		"jsonencode": stdlib.JSONEncodeFunc,
		"jsondecode": stdlib.JSONDecodeFunc,
		// Strings.
		"format":     stdlib.FormatFunc,
		"formatlist": stdlib.FormatListFunc,
		"lower":      stdlib.LowerFunc,
		"upper":      stdlib.UpperFunc,
		"join":       stdlib.JoinFunc,
		"split":      stdlib.SplitFunc,
		"replace":    stdlib.ReplaceFunc,
		"trimspace":  stdlib.TrimSpaceFunc,
		"trimprefix": stdlib.TrimPrefixFunc,
		"trimsuffix": stdlib.TrimSuffixFunc,
		"substr":     stdlib.SubstrFunc,
		// Collections.
		"merge":    stdlib.MergeFunc,
		"concat":   stdlib.ConcatFunc,
		"contains": stdlib.ContainsFunc,
		"length":   lengthFunc,
		"lookup":   stdlib.LookupFunc,
		"keys":     stdlib.KeysFunc,
		"values":   stdlib.ValuesFunc,
		"distinct": stdlib.DistinctFunc,
		"flatten":  stdlib.FlattenFunc,
		"element":  stdlib.ElementFunc,
		"slice":    stdlib.SliceFunc,
		"zipmap":   stdlib.ZipmapFunc,
		"sort":     stdlib.SortFunc,
		"compact":  stdlib.CompactFunc,
		"coalesce": coalesceFunc,
		"min":      stdlib.MinFunc,
		"max":      stdlib.MaxFunc,
		// Type conversions.
		"tostring": stdlib.MakeToFunc(cty.String),
		"tonumber": stdlib.MakeToFunc(cty.Number),
		"tobool":   stdlib.MakeToFunc(cty.Bool),
		"tomap":    stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"toset":    stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		// Error handling.
		"try": tryfunc.TryFunc,
		"can": tryfunc.CanFunc,
	}
}

// FunctionNames lists the functions a configuration may call, sorted.
func FunctionNames() []string {
	fns := functions()
	names := make([]string, 0, len(fns))
	for name := range fns {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// coalesceFunc is Terraform's coalesce: the first argument that is neither
// null nor an empty string. go-cty's CoalesceFunc skips only nulls, so
// coalesce(var.name, "default") would return "" for an empty name.
var coalesceFunc = function.New(&function.Spec{
	Description: "Returns the first argument that is not null or an empty string.",
	VarParam: &function.Parameter{
		Name:             "vals",
		Type:             cty.DynamicPseudoType,
		AllowUnknown:     true,
		AllowDynamicType: true,
		AllowNull:        true,
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		return stdlib.CoalesceFunc.ReturnTypeForValues(args)
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var nonEmpty []cty.Value
		for _, a := range args {
			if a.IsKnown() && !a.IsNull() && a.Type() == cty.String && a.AsString() == "" {
				continue
			}
			nonEmpty = append(nonEmpty, a)
		}
		if len(nonEmpty) == 0 {
			return cty.NilVal, function.NewArgErrorf(0, "no non-null, non-empty argument")
		}
		return stdlib.CoalesceFunc.Call(nonEmpty)
	},
})

// lengthFunc is Terraform's length: the number of elements of a list, set,
// map, tuple or object, or the number of characters of a string. go-cty's
// LengthFunc alone rejects strings.
var lengthFunc = function.New(&function.Spec{
	Description: "Returns the number of elements of a collection or characters of a string.",
	Params: []function.Parameter{{
		Name:             "value",
		Type:             cty.DynamicPseudoType,
		AllowDynamicType: true,
		AllowUnknown:     true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty == cty.String, ty == cty.DynamicPseudoType,
			ty.IsCollectionType(), ty.IsTupleType(), ty.IsObjectType():
			return cty.Number, nil
		}
		return cty.NilType, function.NewArgErrorf(0, "argument must be a string, a collection or a structural type")
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		if v.IsNull() {
			return cty.NilVal, function.NewArgErrorf(0, "argument must not be null")
		}
		ty := v.Type()
		switch {
		case ty == cty.String:
			return stdlib.Strlen(v)
		case ty.IsTupleType():
			return cty.NumberIntVal(int64(ty.Length())), nil
		case ty.IsObjectType():
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))), nil
		}
		return v.Length(), nil
	},
})

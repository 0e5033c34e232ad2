package cell

import (
	"go/ast"
	"go/constant"
	"go/token"
	"strconv"
	"strings"
)

// The builtin pass: min, max, clear and new with a value, which yaegi v0.16.1
// lacks or gets wrong.

// builtin replaces the Go 1.21 builtins min, max and clear, which yaegi
// v0.16.1 does not know, when nothing in the source redefines them.
func (r *rewriter) builtin(call *ast.CallExpr, stack []ast.Node) {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Obj != nil || r.ctx.DeclaresValue(id.Name) {
		return // not the builtin: the cell or an earlier one declares the name
	}
	switch id.Name {
	case "min", "max":
		if v, ok := constantFold(id.Name, call.Args); ok {
			r.replace(call.Pos(), call.End(), v)
			return
		}
		r.replace(id.Pos(), id.End(), "__golab_"+id.Name)
	case "clear":
		r.replace(id.Pos(), id.End(), "__golab_clear")
	case "new":
		r.newValue(call, inFunction(stack))
	case "recover":
		// yaegi v0.16.1 recovers a reflect.Value holding the panic value,
		// so r.(error) and type switches on it never matched (see
		// goprint.Recovered).
		if len(call.Args) == 0 {
			r.insert(call.Pos(), "__golab_goprint.Recovered(")
			r.insertLate(call.End(), ")")
		}
	}
}

// newValue rewrites Go 1.26's new with a value, which yaegi v0.16.1 runs
// as new of the value's type (a silent zero): new(T{…}) becomes &T{…},
// and new of a literal a function that returns a pointer to a copy. Other
// values are refused before the cell runs (see Unsupported).
func (r *rewriter) newValue(call *ast.CallExpr, inFunc bool) {
	if len(call.Args) != 1 {
		return
	}
	switch arg := unparen(call.Args[0]).(type) {
	case *ast.CallExpr, *ast.BinaryExpr:
		// A value, never a type: the generic helper takes its address.
		// (Outside functions yaegi v0.16.1 crashes on the generic call;
		// FindUnsupported refuses those.)
		if inFunc {
			r.insert(call.Fun.Pos(), "__golab_")
		}
	case *ast.CompositeLit:
		if text, _ := r.text(arg); arg.Type != nil && text != "" {
			r.replace(call.Pos(), call.End(), "&"+text)
		}
	default:
		v, ok := literal(arg)
		if !ok {
			return
		}
		typ := map[constant.Kind]string{constant.Int: "int", constant.Float: "float64", constant.String: "string", constant.Complex: "complex128"}[v.Kind()]
		if lit, isLit := arg.(*ast.BasicLit); isLit && lit.Kind == token.CHAR {
			typ = "rune"
		}
		if typ == "" {
			return
		}
		if text, _ := r.text(arg); text != "" {
			r.replace(call.Pos(), call.End(), "func() *"+typ+" { v := "+typ+"("+text+"); return &v }()")
		}
	}
}

// constantFold computes min or max of literal arguments, keeping the kind
// of untyped constant Go would give the result.
func constantFold(fn string, args []ast.Expr) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	var best constant.Value
	float := false
	for _, a := range args {
		v, ok := literal(a)
		if !ok {
			return "", false
		}
		if v.Kind() == constant.Float {
			float = true
		}
		if best == nil ||
			(fn == "min" && constant.Compare(v, token.LSS, best)) ||
			(fn == "max" && constant.Compare(v, token.GTR, best)) {
			best = v
		}
	}
	if best.Kind() == constant.String {
		return best.ExactString(), true
	}
	if float {
		f, _ := constant.Float64Val(constant.ToFloat(best))
		s := strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		return "(" + s + ")", true
	}
	return "(" + best.ExactString() + ")", true
}

// literal evaluates a numeric or string literal, maybe negated.
func literal(e ast.Expr) (constant.Value, bool) {
	switch e := unparen(e).(type) {
	case *ast.BasicLit:
		v := constant.MakeFromLiteral(e.Value, e.Kind, 0)
		return v, v.Kind() != constant.Unknown
	case *ast.UnaryExpr:
		if e.Op == token.SUB {
			if v, ok := literal(e.X); ok && v.Kind() != constant.String {
				return constant.UnaryOp(token.SUB, v, 0), true
			}
		}
	}
	return nil, false
}

// rewrittenBuiltins are the builtins the builtins pass rewrites in place.
var rewrittenBuiltins = map[string]bool{"min": true, "max": true, "clear": true, "new": true, "recover": true}

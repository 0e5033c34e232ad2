package cell

import (
	"go/ast"
	"go/token"
	"go/types"
)

// The range pass: ranges over integers and over slices of channels, which
// yaegi v0.16.1 runs differently from Go.

// rangeStmt rewrites `for i := range n` over an integer as a counting loop
// (yaegi v0.16.1 crashes on it), and gives other range loops per-iteration
// variables.
func (r *rewriter) rangeStmt(n *ast.RangeStmt, stack []ast.Node) {
	if r.rangeChanSlice(n) {
		return
	}
	if !r.isInt(n.X, stack) {
		if n.Tok == token.DEFINE {
			r.perIteration(n.Body, n.Key, n.Value)
		}
		return
	}
	i, limit := r.name("i"), r.name("n")
	from := n.Range
	if n.Key != nil {
		from = n.Key.Pos()
	}
	// The counter has the range expression's type, as in Go: n - n for an
	// expression that is safe to evaluate twice, T(0) when go/types names
	// the type, and int otherwise.
	start := "0, int("
	closing := ")"
	if src, oneLine := r.text(n.X); pure(n.X) && oneLine {
		start = "(" + src + ")-(" + src + "), ("
	} else if name := intTypeName(r.typeOf(n.X)); name != "" {
		start = name + "(0), ("
	}
	r.replace(from, n.X.Pos(), i+", "+limit+" := "+start)
	r.insert(n.X.End(), closing+"; "+i+" < "+limit+"; "+i+"++")
	if id, ok := n.Key.(*ast.Ident); ok && id.Name != "_" {
		op := " := "
		if n.Tok == token.ASSIGN {
			op = " = "
		}
		r.insert(n.Body.Lbrace+1, " "+id.Name+op+i+";")
	}
}

// rangeChanSlice rewrites `for k, v := range cs` over a slice or array of
// channels, which yaegi v0.16.1 panics on ("reflect: call of
// reflect.Value.Len on int Value"), into a loop over the indexes: over a
// name, `for i := range cs { v := cs[i]; k := i; … }`; over any other
// expression, evaluated once as in Go, `for i, s := 0, X; i < len(s); i++
// { v := s[i]; k := i; … }`. The declaration or, where the syntax does not
// show it (make, a field, a call, an earlier cell), go/types tells the
// element type. It reports whether it did.
func (r *rewriter) rangeChanSlice(n *ast.RangeStmt) bool {
	if n.Tok != token.DEFINE || n.Value == nil {
		return false
	}
	value, ok := n.Value.(*ast.Ident)
	if !ok || value.Name == "_" {
		return false
	}
	id, isName := n.X.(*ast.Ident)
	if !(isName && isChanSlice(id)) && !r.rangesOverChans(n.X) {
		return false
	}
	i := r.name("i")
	var decl string
	if isName {
		r.replace(n.Key.Pos(), n.X.Pos(), i+" := range ")
		decl = " " + value.Name + " := " + id.Name + "[" + i + "];"
	} else {
		elems := r.name("chans")
		r.replace(n.Key.Pos(), n.X.Pos(), i+", "+elems+" := 0, ")
		r.insert(n.X.End(), "; "+i+" < len("+elems+"); "+i+"++")
		decl = " " + value.Name + " := " + elems + "[" + i + "];"
	}
	if key, ok := n.Key.(*ast.Ident); ok && key.Name != "_" {
		decl += " " + key.Name + " := " + i + "; _ = " + key.Name + ";"
	}
	r.insert(n.Body.Lbrace+1, decl)
	return true
}

// rangesOverChans asks go/types whether a range expression is a slice or
// an array of channels, unless the syntax already says it is not.
func (r *rewriter) rangesOverChans(x ast.Expr) bool {
	switch x := unparen(x).(type) {
	case *ast.BasicLit, *ast.FuncLit:
		return false
	case *ast.CompositeLit:
		if chans, known := syntaxShowsChans(x.Type); known {
			return chans
		}
	case *ast.Ident:
		if chans, known := syntaxShowsChans(declaredType(x)); known {
			return chans
		}
	}
	var elem types.Type
	switch t := r.typeOf(x).(type) {
	case nil:
		return false
	default:
		switch u := t.Underlying().(type) {
		case *types.Slice:
			elem = u.Elem()
		case *types.Array:
			elem = u.Elem()
		default:
			return false
		}
	}
	_, isChan := elem.Underlying().(*types.Chan)
	return isChan
}

// syntaxShowsChans tells from a written type whether it is a slice or an
// array of channels, when the syntax is enough to know.
func syntaxShowsChans(t ast.Expr) (chans, known bool) {
	var elem ast.Expr
	switch t := t.(type) {
	case nil:
		return false, false
	case *ast.ArrayType:
		elem = t.Elt
	case *ast.Ellipsis:
		elem = t.Elt
	case *ast.Ident:
		return false, t.Obj == nil && types.Universe.Lookup(t.Name) != nil // int, string, …
	case *ast.MapType, *ast.ChanType, *ast.StructType, *ast.FuncType, *ast.StarExpr:
		return false, true
	default:
		return false, false
	}
	switch e := elem.(type) {
	case *ast.ChanType:
		return true, true
	case *ast.Ident:
		return false, e.Obj == nil && types.Universe.Lookup(e.Name) != nil
	case *ast.MapType, *ast.StructType, *ast.FuncType, *ast.StarExpr, *ast.ArrayType:
		return false, true
	}
	return false, false
}

// isChanSlice reports whether an identifier is declared in the source as
// a slice of channels: a variadic or slice parameter, or a variable.
func isChanSlice(id *ast.Ident) bool {
	switch t := declaredType(id).(type) {
	case *ast.Ellipsis:
		_, isChan := t.Elt.(*ast.ChanType)
		return isChan
	case *ast.ArrayType:
		_, isChan := t.Elt.(*ast.ChanType)
		return isChan && t.Len == nil
	}
	return false
}

// declaredType is the type an identifier's declaration in the source
// writes out (a parameter's, `var x T`, `x := T{…}`, `x := make(T, n)`),
// or nil.
func declaredType(id *ast.Ident) ast.Expr {
	if id.Obj == nil {
		return nil
	}
	var names []*ast.Ident
	var values []ast.Expr
	switch d := id.Obj.Decl.(type) {
	case *ast.Field:
		return d.Type
	case *ast.ValueSpec:
		if d.Type != nil {
			return d.Type
		}
		names, values = d.Names, d.Values
	case *ast.AssignStmt:
		for _, l := range d.Lhs {
			li, _ := l.(*ast.Ident)
			names = append(names, li)
		}
		values = d.Rhs
	}
	for i, name := range names {
		if name == nil || name.Name != id.Name || i >= len(values) || len(values) != len(names) {
			continue
		}
		switch v := values[i].(type) {
		case *ast.CompositeLit:
			return v.Type
		case *ast.CallExpr:
			if fn, ok := v.Fun.(*ast.Ident); ok && fn.Name == "make" && fn.Obj == nil && len(v.Args) > 0 {
				return v.Args[0]
			}
		}
	}
	return nil
}

package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// The range-over-func pass: iterators (Go 1.23) rewritten as calls with the
// loop body as yield.

// rangeFunc rewrites a range over a function iterator that the source
// declares (Go 1.23), `for k, v := range pairs(m) { body }`, into a call
// of the iterator with the body as yield: `pairs(m)(func(k K, v V) bool {
// body; return true })`, break becoming return false and continue return
// true. yaegi v0.16.1 fails on the range itself ("nil type"). Bodies with
// a return, a defer, a goto or a labeled branch are left alone, as is a
// labeled loop. It reports whether it rewrote.
func (r *rewriter) rangeFunc(n *ast.RangeStmt, stack []ast.Node) bool {
	if n.Tok == token.ASSIGN {
		return false
	}
	if len(stack) > 0 {
		if _, labeled := stack[len(stack)-1].(*ast.LabeledStmt); labeled {
			return false
		}
	}
	params, ok := r.yieldParams(n.X)
	if !ok {
		return false
	}
	vars := []ast.Expr{n.Key, n.Value}
	if len(params) > 2 || len(params) == 0 && (n.Key != nil) {
		return false
	}
	for i := range params {
		name := "_"
		if i < len(vars) && vars[i] != nil {
			id, ok := vars[i].(*ast.Ident)
			if !ok {
				return false
			}
			name = id.Name
		}
		params[i] = name + " " + params[i]
	}
	var branches []*ast.BranchStmt
	var returns []*ast.ReturnStmt
	if !yieldBody(n.Body, &branches, &returns) {
		return false
	}
	if len(returns) > 0 && r.returnInNestedIterator(n.Body) {
		line := r.fset.Position(n.For).Line
		r.unsupported = append(r.unsupported, Unsupported{Line: line, Column: 1,
			What: "a return inside a range over a function iterator that is itself inside one: golab cannot run it " +
				"in the interpreter yet; move the inner loop into a function of its own, or paste a whole program (package main) to compile it"})
		return false
	}
	before, after, ok := r.returnsFromYield(returns, stack)
	if !ok {
		return false
	}
	r.replace(n.For, n.X.Pos(), before)
	r.replace(n.X.End(), n.Body.Lbrace+1, "(func("+strings.Join(params, ", ")+") bool {")
	for _, b := range branches {
		if b.Tok == token.BREAK {
			r.replace(b.Pos(), b.End(), "return false")
		} else {
			r.replace(b.Pos(), b.End(), "return true")
		}
	}
	r.insert(n.Body.Rbrace, "; return true ")
	r.insertLate(n.Body.Rbrace+1, ")"+after)
	return true
}

// returnsFromYield rewrites the return statements of a range body that
// becomes a yield function: each records how it returned and its values,
// and stops the iterator (`{ __golab_ret1 = 1; __golab_r2 = i; __golab_r3
// = true; return false }`); after the iterator's call, the enclosing
// function returns them (`if __golab_ret1 == 1 { return __golab_r2,
// __golab_r3 }`), or, for a bare return of named results, returns bare
// (2). The values are assigned one statement each, to fresh variables:
// yaegi v0.16.1 panics on `a, e = 1, nil` in a closure, and a named result
// may be shadowed in the body. before declares the variables, after
// returns. It fails when the enclosing function's result types cannot be
// written on one line, or a return gives several results through one
// call.
func (r *rewriter) returnsFromYield(returns []*ast.ReturnStmt, stack []ast.Node) (before, after string, ok bool) {
	if len(returns) == 0 {
		return "", "", true
	}
	var results *ast.FieldList
	for i := len(stack) - 1; i >= 0; i-- {
		if ft := funcTypeOf(stack[i]); ft != nil {
			results = ft.Results
			break
		}
	}
	flag := r.name("ret")
	before = "var " + flag + " int; "
	var vars []string // where the returned values go
	for _, t := range fieldTypes(results) {
		text, oneLine := r.text(t)
		if !oneLine {
			return "", "", false
		}
		v := r.name("r")
		vars = append(vars, v)
		before += "var " + v + " " + text + "; "
	}
	for _, ret := range returns {
		switch {
		case len(ret.Results) == 0:
			r.replace(ret.Pos(), ret.End(), "{ "+flag+" = 2; return false }")
		case len(ret.Results) == len(vars):
			// A receive goes through a variable of the closure's own (see
			// receiveIntoCaptured).
			assign := func(i int) string {
				if isReceive(ret.Results[i]) {
					return vars[i] + "_v := "
				}
				return vars[i] + " = "
			}
			done := func(i int) string {
				if isReceive(ret.Results[i]) {
					return "; " + vars[i] + " = " + vars[i] + "_v"
				}
				return ""
			}
			r.replace(ret.Pos(), ret.Results[0].Pos(), "{ "+flag+" = 1; "+assign(0))
			for i := 1; i < len(vars); i++ {
				r.replace(ret.Results[i-1].End(), ret.Results[i].Pos(), done(i-1)+"; "+assign(i))
			}
			last := len(vars) - 1
			r.replace(ret.Results[last].End(), ret.End(), done(last)+"; return false }")
		default:
			return "", "", false
		}
		if r.yieldReturns == nil {
			r.yieldReturns = map[*ast.ReturnStmt]bool{}
		}
		r.yieldReturns[ret] = true
	}
	named := results != nil && len(results.List) > 0 && len(results.List[0].Names) > 0
	if len(vars) > 0 {
		after = "; if " + flag + " == 1 { return " + strings.Join(vars, ", ") + " }"
	}
	if len(vars) == 0 || named { // a bare return is only Go where it can be written
		after += "; if " + flag + " == 2 { return }"
	}
	return before, after, true
}

// returnInNestedIterator reports whether a range body holds a range over
// a function iterator with a return inside: both rewrites would change
// that return.
func (r *rewriter) returnInNestedIterator(body *ast.BlockStmt) bool {
	return contains(body, true, func(n ast.Node) bool {
		rs, ok := n.(*ast.RangeStmt)
		if !ok || !hasReturn(rs.Body) {
			return false
		}
		_, iterates := r.yieldParams(rs.X)
		return iterates
	})
}

// yieldParams returns the parameter types of the yield function of the
// iterator x ranges over, as source, and whether x is one: from the
// declaration of a function the source calls, or else from go/types (a
// method or variable of type iter.Seq[V] or func(yield func(K, V) bool),
// with the earlier cells' declarations).
func (r *rewriter) yieldParams(x ast.Expr) ([]string, bool) {
	if yield := iteratorYield(x); yield != nil {
		var params []string
		for _, t := range fieldTypes(yield.Params) {
			typ, oneLine := r.text(t)
			if !oneLine {
				return nil, false
			}
			params = append(params, typ)
		}
		return params, true
	}
	if !mayBeIterator(x) {
		return nil, false // no type check for a range over what the syntax shows is none
	}
	t := r.typeOf(x)
	if t == nil {
		return nil, false
	}
	seq, ok := t.Underlying().(*types.Signature)
	if !ok || seq.Results().Len() != 0 || seq.Params().Len() != 1 {
		return nil, false
	}
	yield, ok := seq.Params().At(0).Type().Underlying().(*types.Signature)
	if !ok || yield.Results().Len() != 1 || !types.Identical(yield.Results().At(0).Type(), types.Typ[types.Bool]) {
		return nil, false
	}
	var params []string
	for i := 0; i < yield.Params().Len(); i++ {
		pt := yield.Params().At(i).Type()
		if !writableIn(pt, r.pkg, true) { // a generic method's T is in scope where it ranges
			return nil, false
		}
		params = append(params, types.TypeString(pt, func(p *types.Package) string {
			if p == r.pkg {
				return ""
			}
			return p.Name()
		}))
	}
	return params, true
}

// mayBeIterator reports whether a range expression could be a function
// iterator, as far as its syntax tells: not a literal, a slice expression,
// a make or conversion, nor a name the source declares from one of those
// or with a slice, map, array, channel or basic type. Only then is the
// source type-checked (which costs about a millisecond with a notebook's
// worth of earlier declarations).
func mayBeIterator(x ast.Expr) bool {
	switch x := unparen(x).(type) {
	case *ast.CompositeLit, *ast.BasicLit, *ast.SliceExpr:
		return false
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && id.Obj == nil {
			switch id.Name {
			case "make", "append", "len", "cap", "new", "string", "min", "max":
				return false
			}
		}
		if _, ok := x.Fun.(*ast.ArrayType); ok {
			return false // a conversion to a slice type
		}
	case *ast.Ident:
		if x.Obj == nil {
			return true // an earlier cell's: only the types tell
		}
		switch d := x.Obj.Decl.(type) {
		case *ast.Field:
			return !notIteratorType(d.Type)
		case *ast.ValueSpec:
			if d.Type != nil {
				return !notIteratorType(d.Type)
			}
			for i, n := range d.Names {
				if n.Name == x.Name && i < len(d.Values) {
					return mayBeIterator(d.Values[i])
				}
			}
		case *ast.AssignStmt:
			for i, l := range d.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == x.Name && len(d.Lhs) == len(d.Rhs) {
					return mayBeIterator(d.Rhs[i])
				}
			}
		}
	}
	return true
}

// notIteratorType reports whether a written type is one that cannot be a
// function iterator: a slice, array, map, channel or pointer type, or a
// predeclared type such as int or string.
func notIteratorType(t ast.Expr) bool {
	switch t := t.(type) {
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.StarExpr, *ast.Ellipsis:
		return true
	case *ast.Ident:
		return t.Obj == nil && types.Universe.Lookup(t.Name) != nil
	}
	return false
}

// iteratorYield returns the yield function type of an iterator: x calls a
// function the source declares whose one result is func(yield func(...)
// bool).
func iteratorYield(x ast.Expr) *ast.FuncType {
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return nil
	}
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Obj == nil {
		return nil
	}
	decl, ok := id.Obj.Decl.(*ast.FuncDecl)
	if !ok || decl.Recv != nil || decl.Type.TypeParams != nil || decl.Type.Results == nil || len(decl.Type.Results.List) != 1 {
		return nil
	}
	seq, ok := decl.Type.Results.List[0].Type.(*ast.FuncType)
	if !ok || seq.Results != nil || seq.Params == nil || len(seq.Params.List) != 1 {
		return nil
	}
	yield, ok := seq.Params.List[0].Type.(*ast.FuncType)
	if !ok || yield.Results == nil || len(yield.Results.List) != 1 {
		return nil
	}
	if b, ok := yield.Results.List[0].Type.(*ast.Ident); !ok || b.Name != "bool" {
		return nil
	}
	return yield
}

// yieldBody collects the break and continue statements of a range body
// that belong to the range loop itself, and its return statements, and
// reports whether the body can become a yield function (no defer, goto or
// labeled branch).
func yieldBody(body *ast.BlockStmt, branches *[]*ast.BranchStmt, returns *[]*ast.ReturnStmt) bool {
	ok := true
	var visit func(n ast.Node, breakable, continuable bool)
	visit = func(root ast.Node, breakable, continuable bool) {
		ast.Inspect(root, func(n ast.Node) bool {
			if !ok || n == nil || n == root {
				return ok
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				*returns = append(*returns, n)
			case *ast.DeferStmt:
				ok = false
			case *ast.BranchStmt:
				switch {
				case n.Label != nil || n.Tok == token.GOTO:
					ok = false
				case n.Tok == token.BREAK && breakable, n.Tok == token.CONTINUE && continuable:
					*branches = append(*branches, n)
				}
			case *ast.ForStmt, *ast.RangeStmt:
				visit(n, false, false)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				visit(n, false, continuable)
				return false
			}
			return ok
		})
	}
	visit(body, true, true)
	return ok
}

package cell

import (
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"strings"
)

// Method values. Go evaluates the receiver of a method value when the
// value is made: `f := t.Hi`, `go t.Hi(&wg)` and `defer t.Hi()` keep the t
// of that moment. yaegi v0.16.1 keeps the receiver's *variable* and reads
// it when the method is called (genFunctionWrapper reads the receiver
// inside the call, in the frame the value was made in), and it evaluates
// the function of a go or defer statement late: `for _, t := range ts { go
// t.Hi(&wg) }` called the last element three times, and `f := t.Hi; t =
// other; f()` called other's.
//
// The rewrites below make the receiver a variable of its own that nothing
// assigns again:
//   - go x.M(args): goCall copies the receiver with the arguments and calls
//     the method on the copy (see boundReceiver);
//   - f := x.M, and defer x.M(args): the method value is made in a call of
//     its own, `func() F { r := x; return r.M }()`, whose frame no later
//     code touches; a deferred one is made when the defer runs (deferArgs).
//
// They apply to methods declared in the notebook (yaegi's own rule for
// compiled types is right) when go/types can tell the method and the
// receiver's type from the cell and the earlier cells, promoted ones
// included (the receiver is then the embedded field); a method of a
// generic type is left as it is.

// mayBeMethod reports whether name is the name of a method the cell or an
// earlier cell declares: the cheap test before go/types is asked.
func (r *rewriter) mayBeMethod(name string) bool {
	for _, d := range r.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.Name == name {
			return true
		}
	}
	return r.ctx.IsMethod(name)
}

// boundReceiver returns the receiver of the method value sel as Go
// evaluates it when the value is made, written as source: x, &x for a
// pointer method of a value, *x for a value method of a pointer; and the
// method. ok is false when the rewrite does not apply (see above), or the
// receiver expression cannot be moved (it holds a call or spans lines).
//
// A pointer method of a variable that is not a loop's (c.Inc, c a
// Counter) is left to yaegi: reading the variable when the method is
// called is Go's &c. Taking &c would be worse there, because yaegi gives
// the variable new storage when a whole value is assigned to it (`c =
// Counter{}`), which an earlier &c does not see.
func (r *rewriter) boundReceiver(sel *ast.SelectorExpr, stack []ast.Node) (recv string, method *ast.FuncDecl, ok bool) {
	if !r.mayBeMethod(sel.Sel.Name) || !movable(sel.X) {
		return "", nil, false
	}
	x, oneLine := r.text(sel.X)
	if !oneLine {
		return "", nil, false
	}
	xType := r.typeOf(sel.X)
	s := r.facts.Selections[sel]
	if xType == nil || s == nil || s.Kind() != types.MethodVal {
		return "", nil, false
	}
	// A method promoted from an embedded field: the receiver is that
	// field (o.base for o.Get).
	for _, i := range s.Index()[:len(s.Index())-1] {
		st, ok := deref(xType).Underlying().(*types.Struct)
		if !ok || i >= st.NumFields() {
			return "", nil, false
		}
		if _, ok := sel.X.(*ast.Ident); !ok && !strings.HasPrefix(x, "(") {
			x = "(" + x + ")" // *p.f would be *(p.f)
		}
		f := st.Field(i)
		x, xType = x+"."+f.Name(), f.Type()
	}
	fn, _ := s.Obj().(*types.Func)
	if fn == nil || fn.Pkg() != r.pkg {
		return "", nil, false
	}
	method = r.methodDecl(fn)
	if method == nil || method.Type.TypeParams != nil || !plainReceiver(method) {
		return "", nil, false
	}
	_, xIsPointer := xType.Underlying().(*types.Pointer)
	_, wantsPointer := method.Recv.List[0].Type.(*ast.StarExpr)
	switch {
	case wantsPointer && !xIsPointer:
		if _, isName := sel.X.(*ast.Ident); isName && len(s.Index()) == 1 && !declaredInLoop(sel.X, stack) {
			return "", nil, false
		}
		return "&" + x, method, true
	case !wantsPointer && xIsPointer:
		return "*" + x, method, true
	}
	return x, method, true
}

// declaredInLoop reports whether x names a variable declared inside a for
// or range statement around it, in the same function: every iteration's
// has the same slot in yaegi's frame.
func declaredInLoop(x ast.Expr, stack []ast.Node) bool {
	id, ok := x.(*ast.Ident)
	if !ok || id.Obj == nil {
		return false
	}
	at := id.Obj.Pos()
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		case *ast.ForStmt, *ast.RangeStmt:
			if n.Pos() <= at && at < n.End() {
				return true
			}
		}
	}
	return false
}

// deref is the type a pointer type points to, or t.
func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// plainReceiver reports whether a method's receiver is T or *T, not a
// generic type's T[K].
func plainReceiver(fd *ast.FuncDecl) bool {
	t := fd.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	_, ok := t.(*ast.Ident)
	return ok
}

// methodDecl finds the declaration of a method among the files go/types
// checked (the source and the earlier cells').
func (r *rewriter) methodDecl(fn *types.Func) *ast.FuncDecl {
	for _, f := range r.checked {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.Pos() == fn.Pos() {
				return fd
			}
		}
	}
	return nil
}

// boundMethod returns an expression that makes the method value sel with
// its receiver evaluated now, in a frame of its own:
// `func() func(…) … { r := x; return r.M }()`.
func (r *rewriter) boundMethod(sel *ast.SelectorExpr, stack []ast.Node) (string, bool) {
	recv, method, ok := r.boundReceiver(sel, stack)
	if !ok {
		return "", false
	}
	var sig strings.Builder
	if err := printer.Fprint(&sig, r.fset, &ast.FuncType{Func: token.NoPos, Params: method.Type.Params, Results: method.Type.Results}); err != nil {
		return "", false
	}
	if strings.Contains(sig.String(), "\n") {
		return "", false // the cell's lines must stay where they are
	}
	rv := r.name("rv")
	return "func() " + sig.String() + " { " + rv + " := " + recv + "; return " + rv + "." + sel.Sel.Name + " }()", true
}

// methodValue rewrites a method value that is not called where it stands
// (f := t.Hi, append(fs, t.Hi), a method value passed to a function).
// The go and defer statements' own calls are goCall's and deferArgs'.
func (r *rewriter) methodValue(sel *ast.SelectorExpr, stack []ast.Node) {
	if len(stack) > 0 {
		if call, ok := stack[len(stack)-1].(*ast.CallExpr); ok {
			if call.Fun == sel {
				return // called at once: the receiver is read now
			}
			if len(stack) > 1 {
				if _, ok := stack[len(stack)-2].(*ast.DeferStmt); ok {
					return // an argument deferArgs moves (and binds)
				}
			}
		}
	}
	bound, ok := r.boundMethod(sel, stack)
	if !ok {
		return
	}
	r.replace(sel.Pos(), sel.End(), bound)
}

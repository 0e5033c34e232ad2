package cell

import (
	"go/ast"
	"go/token"
	"strings"
)

// selectOperands rewrites the select cases yaegi v0.16.1 gets wrong:
//
//   - a send of a value that is not a name or a literal (`case c <-
//     pair{1, f()}:`, `case c <- x + f():`) sends zeroed fields or 0;
//   - a comma-ok receive from a channel that is not a name (`case v, ok :=
//     <-s.Updates():`) is never ready (a false deadlock, or a hang);
//   - a receive that assigns (`case v = <-c:`) panics ("reflect.Select:
//     invalid Dir").
//
// The first two are evaluated into fresh variables just before the select,
// in source order, which is what Go does on entering a select (every
// channel operand and sent value, exactly once). The third receives into
// fresh variables and assigns them first thing in the case's body.
func (r *rewriter) selectOperands(n *ast.SelectStmt, stack []ast.Node) {
	var hoisted []string
	before := n.Pos()
	if len(stack) > 0 {
		if l, ok := stack[len(stack)-1].(*ast.LabeledStmt); ok && l.Stmt == n {
			before = l.Pos()
		}
	}
	// hoist evaluates e, in the case that ends at colon, before the select
	// into a fresh variable, when its text can be moved: written on one
	// line, and not holding code other passes rewrite (a function
	// literal). The line breaks it had go after the case's colon, so the
	// lines after it stay where they were.
	hoist := func(e ast.Expr, colon token.Pos) {
		text, ok := r.movableText(e)
		if !ok {
			return
		}
		name := r.name("sel")
		hoisted = append(hoisted, name+" := "+text+"; ")
		r.replace(e.Pos(), e.End(), name)
		if breaks := strings.Count(r.src[r.off(e.Pos()):r.off(e.End())], "\n"); breaks > 0 {
			r.insert(colon+1, strings.Repeat("\n", breaks))
		}
	}
	for _, c := range n.Body.List {
		cc, ok := c.(*ast.CommClause)
		if !ok || cc.Comm == nil {
			continue
		}
		switch comm := cc.Comm.(type) {
		case *ast.SendStmt:
			if !isName(comm.Chan) {
				hoist(comm.Chan, cc.Colon)
			}
			// A constant keeps its place: evaluated into a variable it
			// would take its default type (case c <- -1: on a chan float64).
			if !isName(comm.Value) && !constantLooking(comm.Value) {
				hoist(comm.Value, cc.Colon)
			}
		case *ast.AssignStmt:
			recv, ok := unparen(comm.Rhs[0]).(*ast.UnaryExpr)
			if !ok || recv.Op != token.ARROW {
				continue
			}
			if len(comm.Lhs) == 2 && !isName(recv.X) {
				hoist(recv.X, cc.Colon)
			}
			if comm.Tok == token.ASSIGN {
				r.receiveThenAssign(comm, cc)
			}
		}
	}
	if len(hoisted) > 0 {
		r.insert(before, strings.Join(hoisted, ""))
	}
}

// receiveThenAssign turns `case a, b = <-c:` into `case v1, v2 := <-c: a,
// b = v1, v2;`.
func (r *rewriter) receiveThenAssign(comm *ast.AssignStmt, cc *ast.CommClause) {
	var fresh, targets []string
	for _, l := range comm.Lhs {
		text, ok := r.text(l)
		if !ok {
			return
		}
		if text == "_" {
			fresh = append(fresh, "_")
			continue
		}
		v := r.name("recv")
		fresh = append(fresh, v)
		targets = append(targets, text)
	}
	if len(targets) == 0 {
		r.replace(comm.Lhs[0].Pos(), comm.Rhs[0].Pos(), "") // case _ = <-c: is case <-c:
		return
	}
	r.replace(comm.Lhs[0].Pos(), comm.Rhs[0].Pos(), strings.Join(fresh, ", ")+" := ")
	var values []string
	for _, v := range fresh {
		if v != "_" {
			values = append(values, v)
		}
	}
	r.insert(cc.Colon+1, " "+strings.Join(targets, ", ")+" = "+strings.Join(values, ", ")+";")
}

// isName reports whether e is a plain identifier.
func isName(e ast.Expr) bool {
	_, ok := unparen(e).(*ast.Ident)
	return ok
}

// movableText is an expression's source as one line, when it can be moved
// elsewhere: no comments (joining lines would swallow what follows them),
// and nothing other passes rewrite in place (rewrittenInPlace), whose edits
// a moved copy would lose.
func (r *rewriter) movableText(e ast.Expr) (string, bool) {
	text, _ := r.text(e)
	if text == "" || strings.Contains(text, "//") || strings.Contains(text, "/*") || strings.Contains(text, "`") {
		return "", false
	}
	if contains(e, false, rewrittenInPlace) {
		return "", false
	}
	lines := strings.Split(text, "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.TrimLeft(lines[i], " \t")
	}
	return strings.Join(lines, " "), true
}

// mainCall renames a call of the notebook's main function, `main()`, to
// the name Split gives that function (MainFunc): the interpreter keeps
// "main" for itself, and a later cell's `main()` blocked for good (a false
// deadlock report) or called nil.
func (r *rewriter) mainCall(call *ast.CallExpr) {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Name != "main" || id.Obj != nil || len(call.Args) != 0 {
		return
	}
	r.replace(id.Pos(), id.End(), MainFunc)
}

// rewrittenInPlace reports whether other passes edit a node where it is:
// a function literal (whose statements also need their line breaks), the
// builtins min, max, clear and new, and calls of the generic standard
// packages.
func rewrittenInPlace(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.FuncLit:
		return true
	case *ast.CallExpr:
		switch f := unparen(n.Fun).(type) {
		case *ast.Ident:
			switch f.Name {
			case "min", "max", "clear", "new":
				return f.Obj == nil
			}
		case *ast.SelectorExpr:
			pkg, ok := f.X.(*ast.Ident)
			return ok && pkg.Obj == nil && genericPackages[pkg.Name]
		}
	}
	return false
}

package cell

import (
	"go/ast"
	"go/token"
	"strings"
)

// The loop-variable pass: Go 1.22's per-iteration loop variables, where yaegi
// v0.16.1 shares one variable.

// loopVars gives a three-clause for loop's variables per-iteration copies
// in the body, as Go 1.22 does, when a closure, a defer, a go statement or
// an address taken in the body could keep one. A variable the body changes
// (`i++` inside) is copied back at the end of the iteration and before
// each continue, so the loop's condition and post statement see the
// change, as Go's own copy does.
func (r *rewriter) loopVars(n *ast.ForStmt, stack []ast.Node) {
	as, ok := n.Init.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE || !r.keepsLoopVars(n.Body, as.Lhs) {
		return
	}
	var copies []ast.Expr
	var back strings.Builder // the copy back, before each continue and at the end
	var head strings.Builder
	for _, lhs := range as.Lhs {
		id, ok := lhs.(*ast.Ident)
		if !ok || id.Name == "_" || declares(n.Body, id.Name) {
			continue
		}
		if !changes(n.Body, id.Name) {
			copies = append(copies, id)
			continue
		}
		outer := r.name("p")
		head.WriteString(" " + outer + " := &" + id.Name + "; " + id.Name + " := *" + outer + "; _ = " + id.Name + ";")
		back.WriteString(" *" + outer + " = " + id.Name + ";")
	}
	r.perIteration(n.Body, copies...)
	if head.Len() == 0 {
		return
	}
	r.insert(n.Body.Lbrace+1, head.String())
	for _, c := range continuesOf(n, stack) {
		r.insert(c.Pos(), "{"+back.String()+" ")
		r.insertLate(c.End(), " }")
	}
	r.insert(n.Body.Rbrace, back.String()+" ")
}

// continuesOf returns the continue statements that go on with loop n: an
// unlabeled one not inside a nested loop, or one naming n's label; those
// in function literals belong to other functions.
func continuesOf(n *ast.ForStmt, stack []ast.Node) []*ast.BranchStmt {
	label := ""
	if len(stack) > 0 {
		if l, ok := stack[len(stack)-1].(*ast.LabeledStmt); ok && l.Stmt == n {
			label = l.Label.Name
		}
	}
	var found []*ast.BranchStmt
	var visit func(node ast.Node, nested bool)
	visit = func(node ast.Node, nested bool) {
		ast.Inspect(node, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt:
				if m != n {
					visit(m.Body, true)
					return false
				}
			case *ast.RangeStmt:
				visit(m.Body, true)
				return false
			case *ast.BranchStmt:
				if m.Tok == token.CONTINUE && ((m.Label == nil && !nested) || (m.Label != nil && m.Label.Name == label)) {
					found = append(found, m)
				}
			}
			return true
		})
	}
	visit(n.Body, false)
	return found
}

// keepsLoopVars reports whether a loop body can keep one of its loop
// variables beyond the iteration: it holds a closure, a defer or a go
// statement, or takes the address of one of them.
func (r *rewriter) keepsLoopVars(body *ast.BlockStmt, vars []ast.Expr) bool {
	if body == nil {
		return false
	}
	if hasClosure(body) || hasDeferOrGo(body) {
		return true
	}
	for _, v := range vars {
		if id, ok := v.(*ast.Ident); ok && id.Name != "_" && takesAddress(body, id.Name) {
			return true
		}
	}
	return false
}

// perIteration declares fresh copies of loop variables at the top of the
// body when the body can keep one (keepsLoopVars): yaegi v0.16.1 gives a
// closure, a deferred call or a pointer the loop variable itself, so
// `defer fmt.Println(i)` in a three-clause loop printed its last value
// each time, and `&v` in a range loop was one address for all.
func (r *rewriter) perIteration(body *ast.BlockStmt, vars ...ast.Expr) {
	if !r.keepsLoopVars(body, vars) {
		return
	}
	var b strings.Builder
	for _, v := range vars {
		id, ok := v.(*ast.Ident)
		if !ok || id.Name == "_" || declares(body, id.Name) {
			continue
		}
		tmp := r.name("v")
		// Through a temporary: `i := i` at the top level of a cell hangs yaegi.
		b.WriteString(" " + tmp + " := " + id.Name + "; " + id.Name + " := " + tmp + "; _ = " + id.Name + ";")
	}
	if b.Len() > 0 {
		r.insert(body.Lbrace+1, b.String())
	}
}

// closureArgs binds, for each function literal passed to a call inside a
// loop, the loop variables it uses to their values of this iteration:
// `f(func() { use(i) })` becomes
// `f((func() func() { c := i; i := c; return func() { use(i) } })())`.
// yaegi v0.16.1 hands compiled code (timeline.Go, clock.Go, …) closures
// that see the loop variables of the last iteration; a closure made inside
// a fresh call keeps its own. Literals run by go or defer are left alone.
func (r *rewriter) closureArgs(call *ast.CallExpr, stack []ast.Node) {
	if _, ok := call.Fun.(*ast.FuncLit); ok {
		return // an immediately called literal
	}
	if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "append" && id.Obj == nil {
		return // no compiled code: the literal keeps the per-iteration variables loop-vars gives it
	}
	if _, lit := r.waitGroupGoCall(call); lit != nil {
		return // becomes a go statement (waitGroupGo), which gives each goroutine its own variables
	}
	if n := len(stack); n > 0 {
		switch stack[n-1].(type) {
		case *ast.GoStmt, *ast.DeferStmt:
			return
		}
	}
	loopVars := enclosingLoopVars(stack)
	if len(loopVars) == 0 {
		return
	}
	for _, arg := range call.Args {
		lit, ok := arg.(*ast.FuncLit)
		if !ok {
			continue
		}
		var used []string
		seen := map[token.Pos]bool{}
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Obj != nil && loopVars[id.Obj.Pos()] && !seen[id.Obj.Pos()] && !assigns(lit.Body, id.Name) {
				seen[id.Obj.Pos()] = true
				used = append(used, id.Name)
			}
			return true
		})
		if len(used) == 0 {
			continue
		}
		typ, _ := r.text(lit.Type)
		var b strings.Builder
		b.WriteString("(func() " + strings.Join(strings.Fields(typ), " ") + " {")
		for _, name := range used {
			tmp := r.name("v")
			b.WriteString(" " + tmp + " := " + name + "; " + name + " := " + tmp + ";")
		}
		b.WriteString(" return ")
		r.insert(lit.Pos(), b.String())
		r.insertLate(lit.End(), " })()")
	}
}

// enclosingLoopVars returns the variables that the loops around a node,
// within its function, declare in their headers, by declaring position.
func enclosingLoopVars(stack []ast.Node) map[token.Pos]bool {
	vars := map[token.Pos]bool{}
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return vars
		case *ast.ForStmt:
			if as, ok := n.Init.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Obj != nil {
						vars[id.Obj.Pos()] = true
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok && id.Obj != nil {
						vars[id.Obj.Pos()] = true
					}
				}
			}
		}
	}
	return vars
}

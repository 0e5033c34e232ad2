package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// The go-statement passes: goroutines that record where they started, and
// wg.Go.

// nameParams names the unnamed and blank parameters of a function: yaegi
// v0.16.1 crashes calling such a closure from a goroutine.
func (r *rewriter) nameParams(ft *ast.FuncType) {
	if ft.Params == nil {
		return
	}
	for _, f := range ft.Params.List {
		if len(f.Names) == 0 {
			r.insert(f.Type.Pos(), r.name("p")+" ")
			continue
		}
		for _, n := range f.Names {
			if n.Name == "_" {
				r.replace(n.Pos(), n.End(), r.name("p"))
			}
		}
	}
}

// goStmt makes a goroutine started with `go func() {…}()` or `go f(x)`
// record where it was started, for the kernel's reports of deadlocks and
// of goroutines a cell leaves running: the statement becomes a call of
// goroutines.Go with the line and a closure, which starts a compiled
// goroutine that records itself and calls the closure (5 µs a goroutine,
// where registering from inside the interpreted goroutine cost 27). A
// literal with parameters, go func(x T) {…}(v), registers itself in its
// body instead.
//
// Inside a loop, the go statement also runs in a call of its own,
// `func() { go … }()`. yaegi v0.16.1 writes a function literal's frame
// slot back when a call of the closure returns (interp/run.go, getFunc):
// a goroutine that ends while the loop evaluates the same literal again
// can make the next go statement call a nil func ("reflect.Value.Call:
// call of nil function", a crash) or an earlier iteration's closure (a
// silent wrong answer). In a call of its own, the literal has a slot that
// nothing reads again.
func (r *rewriter) goStmt(n *ast.GoStmt, stack []ast.Node) {
	line := r.fset.Position(n.Pos()).Line
	own := inLoop(stack)
	if lit, ok := n.Call.Fun.(*ast.FuncLit); ok && lit.Body != nil && len(n.Call.Args) == 0 && lit.Type.Params.NumFields() == 0 {
		// go func() { … }() becomes __golab_goroutines.Go(line, func() { … }),
		// in a loop inside a call of its own (see below).
		open, end := fmt.Sprintf("__golab_goroutines.Go(%d, ", line), ")"
		if own {
			open, end = "func() { "+open, end+" }()"
		}
		r.replace(n.Pos(), lit.Pos(), open)
		r.replace(lit.End(), n.Call.End(), end)
		return
	}
	if lit, ok := n.Call.Fun.(*ast.FuncLit); ok && lit.Body != nil {
		r.insert(lit.Body.Lbrace+1, registerGoroutine(line))
		if own {
			r.insert(n.Pos(), "func() { ")
			r.insertLate(n.End(), " }()")
		}
		return
	}
	r.goCall(n, line, own, stack)
}

// registerGoroutine is the code that records a goroutine's start line for
// leak and deadlock reports and for giving its output to its cell.
func registerGoroutine(line int) string {
	return fmt.Sprintf(" __golab_goroutines.Started(%d); defer __golab_goroutines.Ended();", line)
}

// goCall rewrites `go f(x, y)` into `{ a, b := x, y;
// __golab_goroutines.Go(line, func() { f(a, b) }) }`, so that the goroutine
// is registered like a function literal's,
// while the arguments (and the method value of a local receiver, `m :=
// c.Inc`) are still evaluated by the go statement, as Go does.
func (r *rewriter) goCall(n *ast.GoStmt, line int, own bool, stack []ast.Node) {
	call := n.Call
	fun, oneLine := r.text(call.Fun)
	if !oneLine {
		return
	}
	var copies, values []string // temporaries and what they hold, evaluated now
	switch f := call.Fun.(type) {
	case *ast.Ident:
	case *ast.SelectorExpr:
		if recv, _, ok := r.boundReceiver(f, stack); ok {
			// A method of the notebook's: the receiver as Go evaluates it
			// now, and the method called on that copy (see methodvalue.go).
			rv := r.name("rv")
			copies, values = append(copies, rv), append(values, recv)
			fun = rv + "." + f.Sel.Name
			break
		}
		x, ok := f.X.(*ast.Ident)
		if !ok {
			return
		}
		if x.Obj != nil {
			// A local variable: the method value now, as the go statement
			// takes it. (A copy of x would give a method with a pointer
			// receiver a copy too: c.Inc on its own mutex, not c's.)
			recv := r.name("r")
			copies, values = append(copies, recv), append(values, x.Name+"."+f.Sel.Name)
			fun = recv
		}
	default:
		return // generic instantiations, calls of calls, …: left as they are
	}
	var args []string
	for range call.Args {
		a := r.name("a")
		copies, args = append(copies, a), append(args, a)
	}
	spread := ""
	if call.Ellipsis.IsValid() {
		spread = "..."
	}
	body := fmt.Sprintf("__golab_goroutines.Go(%d, func() { %s(%s%s) }) }", line, fun, strings.Join(args, ", "), spread)
	if own { // see goStmt
		body = "func() { " + strings.TrimSuffix(body, " }") + " }() }"
	}
	if len(copies) == 0 {
		r.replace(n.Pos(), call.End(), "{ "+body)
		return
	}
	head := "{ " + strings.Join(copies, ", ") + " := " + strings.Join(values, ", ")
	if len(call.Args) == 0 {
		r.replace(n.Pos(), call.End(), head+"; "+body)
		return
	}
	if len(values) > 0 {
		head += ", "
	}
	// The arguments keep their place (and their own rewrites).
	r.replace(n.Pos(), call.Args[0].Pos(), head)
	r.replace(call.Args[len(call.Args)-1].End(), call.End(), "; "+body)
}

// isWaitGroup reports whether an expression is a variable of type
// sync.WaitGroup or *sync.WaitGroup, as far as the source and the earlier
// cells tell.
func (r *rewriter) isWaitGroup(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	if !ok {
		return false
	}
	if id.Obj == nil {
		return r.ctx.IsWaitGroup(id.Name)
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.ValueSpec: // var wg sync.WaitGroup
		return isWaitGroupType(d.Type)
	case *ast.Field: // func f(wg *sync.WaitGroup)
		return isWaitGroupType(d.Type)
	case *ast.AssignStmt: // wg := &sync.WaitGroup{}, new(sync.WaitGroup)
		for i, lhs := range d.Lhs {
			if l, ok := lhs.(*ast.Ident); ok && l.Obj == id.Obj && i < len(d.Rhs) {
				rhs := d.Rhs[i]
				if u, ok := rhs.(*ast.UnaryExpr); ok && u.Op == token.AND {
					rhs = u.X
				}
				switch v := rhs.(type) {
				case *ast.CompositeLit:
					return isWaitGroupType(v.Type)
				case *ast.CallExpr:
					if f, ok := v.Fun.(*ast.Ident); ok && f.Name == "new" && len(v.Args) == 1 {
						return isWaitGroupType(v.Args[0])
					}
				}
			}
		}
	}
	return false
}

// isWaitGroupType reports whether a type expression is sync.WaitGroup or a
// pointer to it.
func isWaitGroupType(e ast.Expr) bool {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "sync" && sel.Sel.Name == "WaitGroup"
}

// waitGroupGoCall returns the selector and literal of a call
// wg.Go(func() {…}) that waitGroupGo rewrites, or a nil literal.
func (r *rewriter) waitGroupGoCall(call *ast.CallExpr) (*ast.SelectorExpr, *ast.FuncLit) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Go" || len(call.Args) != 1 || !r.isWaitGroup(sel.X) {
		return nil, nil
	}
	lit, ok := call.Args[0].(*ast.FuncLit)
	if !ok || lit.Type.Results != nil || (lit.Type.Params != nil && len(lit.Type.Params.List) > 0) {
		return nil, nil
	}
	return sel, lit
}

// waitGroupGo turns wg.Go(func() {…}) into wg.Add(1); go func() { defer
// wg.Done(); … }(): yaegi v0.16.1 gives a closure handed to compiled code the
// loop variables of the last iteration, where its own go statement gives
// each goroutine its own.
func (r *rewriter) waitGroupGo(call *ast.CallExpr) {
	sel, lit := r.waitGroupGoCall(call)
	if lit == nil {
		return
	}
	wg, oneLine := r.text(sel.X)
	if !oneLine {
		return
	}
	line := r.fset.Position(call.Pos()).Line
	r.replace(call.Pos(), lit.Body.Lbrace+1, wg+".Add(1); go func() {"+registerGoroutine(line)+" defer "+wg+".Done();")
	r.replace(call.Rparen, call.Rparen+1, "()")
}

package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// The defer pass: arguments evaluated when the defer statement runs, and
// recover in a cell's own deferred calls.

// deferArgs evaluates a deferred call's arguments when the defer runs, as
// Go does: `defer f(i, i*10)` becomes `{ a, b := i, i*10; defer f(a, b) }`.
// yaegi v0.16.1 reads a variable argument when the function returns (x = 2
// after `defer fmt.Println(x)` printed 2) and keeps one slot per argument
// expression (in a loop every deferred i*10 printed the last one). Calls
// among the arguments are bound too (see movableWithCalls), function
// literals and composites are not, so that moved text loses no rewrite
// inside it; constants stay. A method value of the notebook's as the
// deferred function is made when the defer runs (see methodvalue.go), and
// recover() in a function deferred among the cell's statements takes the
// cell's panic (see recoverInCellDefer).
//
// A defer among the cell's own statements (cellLevel) is given to the
// worker, which runs it when the cell's statements end, as a function's
// defer runs when it returns: yaegi ran it again after every later cell.
func (r *rewriter) deferArgs(n *ast.DeferStmt, stack []ast.Node) {
	cellLevel := !inFunction(stack)
	var names, values []string
	if sel, ok := n.Call.Fun.(*ast.SelectorExpr); ok {
		// A method value of the notebook's, made now (see methodvalue.go).
		if bound, ok := r.boundMethod(sel, stack); ok {
			tmp := r.name("d")
			names, values = append(names, tmp), append(values, bound)
			r.replace(sel.Pos(), sel.End(), tmp)
		}
	}
	for _, arg := range n.Call.Args {
		if constantLooking(arg) || !movableWithCalls(arg) {
			continue
		}
		text, oneLine := r.text(arg)
		if !oneLine {
			continue
		}
		if sel, ok := arg.(*ast.SelectorExpr); ok {
			if bound, ok := r.boundMethod(sel, stack); ok {
				text = bound // a method value passed on, made now
			}
		}
		tmp := r.name("d")
		names, values = append(names, tmp), append(values, text)
		r.replace(arg.Pos(), arg.End(), tmp)
	}
	head, tail := "", ""
	if len(names) > 0 {
		head, tail = "{ "+strings.Join(names, ", ")+" := "+strings.Join(values, ", ")+"; ", " }"
	}
	if lit, ok := n.Call.Fun.(*ast.FuncLit); ok && cellLevel {
		r.recoverInCellDefer(lit)
	}
	switch {
	case cellLevel:
		// The arguments are bound in a fresh call that makes the deferred
		// function: a literal handed to compiled code (Defer) in a loop
		// would see the last iteration's variables.
		bind := ""
		if len(names) > 0 {
			bind = strings.Join(names, ", ") + " := " + strings.Join(values, ", ") + "; "
		}
		r.replace(n.Defer, n.Call.Pos(), "__golab_cell.Defer((func() func() { "+bind+"return func() { ")
		r.insertLate(n.End(), " } })())")
	case len(names) > 0:
		r.replace(n.Defer, n.Call.Pos(), head+"defer ")
		r.insertLate(n.End(), tail)
	}
}

// recoverInCellDefer makes recover() in a function deferred among a cell's
// own statements take the panic of the cell's code: the worker runs such
// calls after the statements ended (see __golab_cell.Defer), when the
// interpreter's recover has nothing to give. Calls in the literal itself
// only: a nested function's recover is its own, as in Go.
func (r *rewriter) recoverInCellDefer(lit *ast.FuncLit) {
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "recover" && id.Obj == nil && len(n.Args) == 0 {
				r.insert(n.Pos(), "__golab_cell.Recover(")
				r.insertLate(n.End(), ")")
			}
		}
		return true
	})
}

// constantLooking reports whether an expression is made of literals only.
func constantLooking(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		return e.Name == "nil" || e.Name == "true" || e.Name == "false" || e.Name == "iota" ||
			e.Obj != nil && e.Obj.Kind == ast.Con
	case *ast.ParenExpr:
		return constantLooking(e.X)
	case *ast.UnaryExpr:
		return constantLooking(e.X)
	case *ast.BinaryExpr:
		return constantLooking(e.X) && constantLooking(e.Y)
	}
	return false
}

// movable reports whether an expression holds no call or function literal.
func movable(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.CallExpr, *ast.FuncLit, *ast.CompositeLit:
			ok = false
		}
		return ok
	})
	return ok
}

// movableWithCalls is movable, but lets through calls of functions and
// methods (`defer fmt.Println("took", time.Since(start))`: Go calls
// time.Since when the defer runs, yaegi when the function returns), except
// the builtins and explicit instantiations other passes rewrite in place.
func movableWithCalls(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.CompositeLit:
			ok = false
		case *ast.CallExpr:
			switch f := unparen(n.Fun).(type) {
			case *ast.Ident:
				ok = !rewrittenBuiltins[f.Name]
			case *ast.SelectorExpr:
			default:
				ok = false
			}
		}
		return ok
	})
	return ok
}

// deferLoopVars hands a deferred function literal in a loop the loop's
// variables it reads as arguments, bound when the defer runs:
//
//	for i := 0; i < 3; i++ { defer func() { out = append(out, i) }() }
//	→  for i := 0; i < 3; i++ { { __golab_l1 := i; defer func(i int) { out = append(out, i) }(__golab_l1) } }
//
// yaegi v0.16.1 makes a deferred literal's closure when the function
// returns, so every one saw the last iteration's variables (2 2 2 where Go
// 1.22 gives 2 1 0). Variables declared in the loop's header or body count;
// a literal that assigns one, or whose type go/types cannot write, is left
// as it is.
func (r *rewriter) deferLoopVars(n *ast.DeferStmt, stack []ast.Node) {
	lit, ok := n.Call.Fun.(*ast.FuncLit)
	if !ok || lit.Type.Params == nil || !lit.Type.Params.Opening.IsValid() {
		return
	}
	// The loops around the defer, inside its own function.
	var loops []ast.Node
	for i := len(stack) - 1; i >= 0; i-- {
		switch s := stack[i].(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			loops = append(loops, s)
			continue
		case *ast.FuncLit, *ast.FuncDecl:
		default:
			continue
		}
		break
	}
	if len(loops) == 0 {
		return
	}
	inLoop := func(p token.Pos) bool {
		for _, l := range loops {
			if l.Pos() <= p && p < l.End() && !(lit.Pos() <= p && p < lit.End()) {
				return true
			}
		}
		return false
	}
	var names, types []string
	seen := map[string]bool{}
	ok = true
	ast.Inspect(lit.Body, func(m ast.Node) bool {
		id, isID := m.(*ast.Ident)
		if !ok || !isID || id.Obj == nil || id.Obj.Kind != ast.Var || seen[id.Name] {
			return ok
		}
		decl, isNode := id.Obj.Decl.(ast.Node)
		if !isNode || !inLoop(decl.Pos()) {
			return true
		}
		typ := r.writableType(r.typeOf(id))
		if typ == "" || changes(lit.Body, id.Name) || takesAddress(lit.Body, id.Name) {
			ok = false
			return false
		}
		seen[id.Name] = true
		names, types = append(names, id.Name), append(types, id.Name+" "+typ)
		return true
	})
	if !ok || len(names) == 0 {
		return
	}
	var bound []string
	for range names {
		bound = append(bound, r.name("l"))
	}
	sep := func(more bool) string {
		if more {
			return ", "
		}
		return ""
	}
	r.insert(n.Pos(), "{ "+strings.Join(bound, ", ")+" := "+strings.Join(names, ", ")+"; ")
	r.insertLate(n.End(), " }")
	r.insert(lit.Type.Params.Opening+1, strings.Join(types, ", ")+sep(len(lit.Type.Params.List) > 0))
	r.insert(n.Call.Lparen+1, strings.Join(bound, ", ")+sep(len(n.Call.Args) > 0))
}

// writableType is how a cell writes a type go/types found: the universe's
// and the notebook's own types, and composites of them; "" for none (a
// type of an imported package, which the type check does not know, or an
// untyped one).
func (r *rewriter) writableType(t types.Type) string {
	if t == nil {
		return ""
	}
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		return ""
	}
	foreign := false
	s := types.TypeString(t, func(p *types.Package) string {
		if p != r.pkg {
			foreign = true
			return p.Name()
		}
		return ""
	})
	if foreign {
		return ""
	}
	return s
}

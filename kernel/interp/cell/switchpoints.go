package cell

import (
	"go/ast"
	"go/token"
	"strings"
)

// The switch-points pass: a read-modify-write of a variable other
// goroutines may share becomes its read and its write with a switch point
// between (see kernel/interp/noise), so that the races a lesson teaches
// show on one CPU and on a busy machine as they do when goroutines run at
// the same instant:
//
//	counter++      →  { __golab_v1 := counter; __golab_noise.Switch(); counter = __golab_v1 + 1 }
//	c.total += n   →  { __golab_v1 := c.total; __golab_noise.Switch(); c.total = __golab_v1 + (n) }
//	out = append(out, f(i))
//	               →  { __golab_a2 := f(i); __golab_v1 := out; __golab_noise.Switch(); out = append(__golab_v1, __golab_a2) }
//
// (The appended values that are calls are evaluated first, as gc evaluates
// calls before it reads plain operands: a call that changed the slice
// gives the same result.)
//
// A switch is only a delay, so a program that synchronizes its goroutines
// gives the same results. Left alone: a variable the statement's own
// function declares (no other goroutine sees it unless the function hands
// it over), a cell's own top-level statements, and statements whose
// operands are not plain names, fields and indexes (evaluating them twice
// could change the program). After a Lock in the same function the switch
// is made only in a replayable run (noise.Exclusive), where goroutines take
// turns and would otherwise never meet inside a lock that does not keep
// them apart (each goroutine locking a mutex of its own):
//
//	{ __golab_v1 := counter; if __golab_turns { __golab_noise.Switch() }; counter = __golab_v1 + 1 }
//
// elsewhere the lock keeps the others out, and the test of an interpreted
// global is all it costs.

// switchOps are the operators of the assignments the pass splits.
var switchOps = map[token.Token]string{
	token.ADD_ASSIGN: "+", token.SUB_ASSIGN: "-", token.MUL_ASSIGN: "*", token.QUO_ASSIGN: "/", token.REM_ASSIGN: "%",
	token.AND_ASSIGN: "&", token.OR_ASSIGN: "|", token.XOR_ASSIGN: "^", token.AND_NOT_ASSIGN: "&^",
}

// switchPoint splits an increment, a decrement or an arithmetic
// assignment of a shared variable.
func (r *rewriter) switchPoint(n ast.Stmt, stack []ast.Node) {
	var target, operand ast.Expr
	op := ""
	switch n := n.(type) {
	case *ast.IncDecStmt:
		target, operand, op = n.X, &ast.BasicLit{Kind: token.INT, Value: "1"}, "+"
		if n.Tok == token.DEC {
			op = "-"
		}
	case *ast.AssignStmt:
		if len(n.Lhs) != 1 || len(n.Rhs) != 1 {
			return
		}
		if call, ok := unparen(n.Rhs[0]).(*ast.CallExpr); ok && n.Tok == token.ASSIGN && isBuiltin(call.Fun, "append") &&
			len(call.Args) > 1 && sameText(r, call.Args[0], n.Lhs[0]) {
			r.switchAppend(n, call, stack)
			return
		}
		target = n.Lhs[0]
		if o, ok := switchOps[n.Tok]; ok {
			operand, op = n.Rhs[0], o
		} else if b, ok := unparen(n.Rhs[0]).(*ast.BinaryExpr); ok && n.Tok == token.ASSIGN && sameText(r, b.X, target) {
			operand, op = b.Y, b.Op.String()
		}
	}
	if op == "" || !plainValue(operand) {
		return
	}
	x, sw, ok := r.sharedTarget(n, target, stack)
	if !ok {
		return
	}
	y := "1"
	if lit, isLit := operand.(*ast.BasicLit); !isLit || lit.ValuePos.IsValid() {
		if y, ok = r.text(operand); !ok {
			return
		}
		y = "(" + y + ")"
	}
	v := r.name("v")
	r.replace(n.Pos(), n.End(), "{ "+v+" := "+x+"; "+sw+" "+x+" = "+v+" "+op+" "+y+" }")
}

// switchAppend splits `x = append(x, …)` of a shared slice: its read of x
// and its write, with a switch point between, as for an increment.
func (r *rewriter) switchAppend(n *ast.AssignStmt, call *ast.CallExpr, stack []ast.Node) {
	x, sw, ok := r.sharedTarget(n, n.Lhs[0], stack)
	if !ok {
		return
	}
	var before, args []string
	for _, a := range call.Args[1:] {
		text, ok := r.text(a)
		if !ok {
			return
		}
		switch {
		case plainValue(a):
			args = append(args, text)
		case typedValue(a):
			v := r.name("a")
			before = append(before, v+" := "+text+"; ")
			args = append(args, v)
		default:
			return // an untyped constant would take another type in a variable
		}
	}
	dots := ""
	if call.Ellipsis.IsValid() {
		dots = "..."
	}
	v := r.name("v")
	r.replace(n.Pos(), n.End(), "{ "+strings.Join(before, "")+v+" := "+x+"; "+sw+" "+x+" = append("+v+", "+strings.Join(args, ", ")+dots+") }")
}

// sharedTarget returns the text of the place statement n writes, and the
// switch point to put between its read and its write, when the pass may
// split n: n stands in a statement list (it can become a block) on one
// line (lines must stay where they are), and target is a plain place that
// other goroutines may reach, in a function that is not a cell's own
// statements. After a Lock in that function the switch is the one of
// replayable runs only.
func (r *rewriter) sharedTarget(n ast.Stmt, target ast.Expr, stack []ast.Node) (place, switchPoint string, ok bool) {
	if len(stack) == 0 || !inStatementList(stack[len(stack)-1]) || !plainPlace(target) {
		return "", "", false
	}
	fn := innermostFunc(stack)
	if fn == nil || isCellBody(fn) || !sharedPlace(target, fn) {
		return "", "", false
	}
	if _, ok := r.text(n); !ok {
		return "", "", false
	}
	switchPoint = "__golab_noise.Switch();"
	if afterLock(fn, n.Pos()) {
		switchPoint = "if __golab_turns { __golab_noise.Switch() };"
	}
	place, ok = r.text(target)
	return place, switchPoint, ok
}

// typedValue reports whether an expression has a type of its own (it is
// not an untyped constant), so that a variable can hold it unchanged.
func typedValue(e ast.Expr) bool {
	switch e := unparen(e).(type) {
	case *ast.CallExpr:
		return !isBuiltin(e.Fun, "complex") && !isBuiltin(e.Fun, "real") && !isBuiltin(e.Fun, "imag")
	case *ast.CompositeLit, *ast.FuncLit, *ast.TypeAssertExpr, *ast.SliceExpr, *ast.IndexExpr:
		return true
	case *ast.UnaryExpr:
		return e.Op == token.AND || e.Op == token.ARROW
	}
	return false
}

// isBuiltin reports whether a call's function is the builtin of that name
// (written as the bare name: a cell that declares its own is rare enough).
func isBuiltin(fun ast.Expr, name string) bool {
	id, ok := fun.(*ast.Ident)
	return ok && id.Name == name
}

// sameText reports whether two expressions are written alike.
func sameText(r *rewriter, a, b ast.Expr) bool {
	x, ok1 := r.text(a)
	y, ok2 := r.text(b)
	return ok1 && ok2 && strings.TrimSpace(x) == strings.TrimSpace(y)
}

// inStatementList reports whether a node's statements are a list, where
// one statement can become a block.
func inStatementList(parent ast.Node) bool {
	switch parent.(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
		return true
	}
	return false
}

// plainPlace reports whether an assignable expression is a name, a field,
// an index or a dereference of such, with plain indexes: reading it twice
// reads the same place.
func plainPlace(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name != "_"
	case *ast.ParenExpr:
		return plainPlace(e.X)
	case *ast.SelectorExpr:
		return plainPlace(e.X)
	case *ast.StarExpr:
		return plainPlace(e.X)
	case *ast.IndexExpr:
		return plainPlace(e.X) && plainValue(e.Index)
	}
	return false
}

// plainValue reports whether an expression only reads names, fields,
// indexes and literals, with arithmetic: evaluating it after the switch
// instead of before changes nothing but what a racing write changes.
func plainValue(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.BinaryExpr:
		switch e.Op {
		case token.SHL, token.SHR: // the untyped-shift pass may rewrite it
			return false
		}
		return plainValue(e.X) && plainValue(e.Y)
	case *ast.UnaryExpr:
		return e.Op == token.SUB && plainValue(e.X)
	}
	return plainPlace(e)
}

// innermostFunc returns the function around the last node of a stack.
func innermostFunc(stack []ast.Node) ast.Node {
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return stack[i]
		}
	}
	return nil
}

// isCellBody reports whether fn is the function a cell's own statements
// are parsed in (func _): they run on the cell's goroutine, which the
// goroutines it starts race with through their own statements.
func isCellBody(fn ast.Node) bool {
	fd, ok := fn.(*ast.FuncDecl)
	return ok && fd.Name.Name == "_" && fd.Recv == nil
}

// sharedPlace reports whether another goroutine may reach a place: a name
// fn does not declare (a global, or a variable a closure captured), or
// anything reached through a field, an index or a pointer.
func sharedPlace(e ast.Expr, fn ast.Node) bool {
	if p, ok := e.(*ast.ParenExpr); ok {
		return sharedPlace(p.X, fn)
	}
	id, ok := e.(*ast.Ident)
	return !ok || !declaredIn(fn, id.Name)
}

// declaredIn reports whether a function declares a name: a parameter, a
// result, or a variable of its body (not of the function literals in it).
func declaredIn(fn ast.Node, name string) bool {
	var ft *ast.FuncType
	var body *ast.BlockStmt
	switch fn := fn.(type) {
	case *ast.FuncLit:
		ft, body = fn.Type, fn.Body
	case *ast.FuncDecl:
		ft, body = fn.Type, fn.Body
		if fn.Recv != nil && fieldsName(fn.Recv, name) {
			return true
		}
	}
	if fieldsName(ft.Params, name) || fieldsName(ft.Results, name) {
		return true
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					found = found || namesIt(l, name)
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				found = found || namesIt(n.Key, name) || namesIt(n.Value, name)
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				found = found || id.Name == name
			}
		}
		return !found
	})
	return found
}

func fieldsName(fields *ast.FieldList, name string) bool {
	if fields == nil {
		return false
	}
	for _, f := range fields.List {
		for _, id := range f.Names {
			if id.Name == name {
				return true
			}
		}
	}
	return false
}

func namesIt(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// afterLock reports whether fn calls Lock or RLock before pos (outside the
// function literals in it): the statement likely runs with a lock held,
// which keeps the other goroutines out, so a switch would only cost time.
func afterLock(fn ast.Node, pos token.Pos) bool {
	var body *ast.BlockStmt
	switch fn := fn.(type) {
	case *ast.FuncLit:
		body = fn.Body
	case *ast.FuncDecl:
		body = fn.Body
	}
	locked := false
	ast.Inspect(body, func(n ast.Node) bool {
		if _, lit := n.(*ast.FuncLit); lit || locked || n == nil || n.Pos() >= pos {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Lock" || sel.Sel.Name == "RLock") && call.End() <= pos {
				locked = true
			}
		}
		return true
	})
	return locked
}

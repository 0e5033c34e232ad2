package cell

import (
	"fmt"
	"go/ast"
)

// The lock-site pass: Lock and Unlock calls that record their cell line, for
// deadlock reports.

// lockSite tells the cell's locks where a Lock or RLock call is:
// `from.mu.Lock()` becomes `__golab_sync.At(3); from.mu.Lock()`, where 3
// is what Context.LockSite gave for line 8 of Transfer, "from.mu.Lock()".
// (A number costs the interpreter less to pass than the strings: a
// Lock/Unlock pair in a cell takes 540 ns with it, 680 ns with the strings,
// 340 ns with neither.) The interpreter's stacks show no
// cell lines, and a deadlock report names the line where each goroutine
// took the lock it holds and the one where it waits (see kernel/interp/sync).
// A call of another type's Lock method leaves a site that nothing takes.
func (r *rewriter) lockSite(n *ast.ExprStmt, stack []ast.Node) {
	call, ok := n.X.(*ast.CallExpr)
	if !ok || len(call.Args) != 0 || len(stack) == 0 {
		return
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || (sel.Sel.Name != "Lock" && sel.Sel.Name != "RLock") {
		return
	}
	switch parent := stack[len(stack)-1].(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.LabeledStmt:
	case *ast.CommClause:
		if parent.Comm == ast.Stmt(n) {
			return
		}
	default:
		return // a for loop's post statement, say, takes one statement
	}
	text, oneLine := r.text(call)
	if !oneLine {
		return
	}
	line := r.fset.Position(n.Pos()).Line
	site := r.ctx.LockSite(line, declaredFunc(stack), text)
	if site == 0 {
		return
	}
	r.insert(n.Pos(), fmt.Sprintf("__golab_sync.At(%d); ", site))
}

// declaredFunc names the function declaration around a node, as
// "Transfer" or "Box.Move", or "" outside one (a cell's statements, which
// the rewriter parses inside `func _()`).
func declaredFunc(stack []ast.Node) string {
	for _, n := range stack {
		fd, ok := n.(*ast.FuncDecl)
		if !ok || fd.Name.Name == "_" {
			continue
		}
		if fd.Recv == nil || len(fd.Recv.List) == 0 {
			return fd.Name.Name
		}
		recv := fd.Recv.List[0].Type
		for {
			switch t := recv.(type) {
			case *ast.StarExpr:
				recv = t.X
				continue
			case *ast.IndexExpr:
				recv = t.X
				continue
			case *ast.IndexListExpr:
				recv = t.X
				continue
			case *ast.ParenExpr:
				recv = t.X
				continue
			}
			break
		}
		if id, ok := recv.(*ast.Ident); ok {
			return id.Name + "." + fd.Name.Name
		}
		return fd.Name.Name
	}
	return ""
}

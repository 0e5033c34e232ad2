package cell

import "go/ast"

// topLevelReturn rewrites a return among a cell's own statements (outside
// any function) as a panic with golab's return value, which the worker
// takes as the end of the cell's statements: a cell is the body of a
// function, and a return there ends it. yaegi v0.16.1 fails inside a loop
// or select ("CFG post-order panic"). A return with values is left to the
// interpreter's error, as Go refuses it in main too.
func (r *rewriter) topLevelReturn(n *ast.ReturnStmt, stack []ast.Node) {
	if len(n.Results) > 0 || inFunction(stack) || r.yieldReturns[n] {
		return
	}
	r.replace(n.Pos(), n.End(), "panic(__golab_cell.Return)")
}

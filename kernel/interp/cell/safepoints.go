package cell

import "go/ast"

// The safe-points pass: every loop body starts with a test of the stop
// flag (kernel/interp/stop), so that an interrupt stops interpreted code
// at its next iteration without ending the worker, and the notebook's
// variables survive:
//
//	for { n++ }  →  for { if __golab_stopping { __golab_stop.Unwind() }; n++ }
//
// The test is inline (a call per iteration would cost 5 times the loop).
// A range over a function iterator, which the range-func pass turns into a
// call with the body as yield, gets none: its iterator's own loop has one.
func (r *rewriter) safePoint(n ast.Node) {
	var body *ast.BlockStmt
	switch n := n.(type) {
	case *ast.ForStmt:
		body = n.Body
	case *ast.RangeStmt:
		body = n.Body
	}
	if body == nil || !body.Lbrace.IsValid() {
		return
	}
	r.insert(body.Lbrace+1, " if __golab_stopping { __golab_stop.Unwind() };")
}

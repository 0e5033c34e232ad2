package cell

import (
	"go/ast"
	"go/token"
)

// compositeAssign parenthesizes a composite literal assigned to an
// existing variable (`c = Counter{n: 8}`, `p, q = P{1}, P{2}`): yaegi
// v0.16.1 writes such a literal straight into a new value in the
// variable's slot instead of setting the variable, so a pointer taken
// earlier (`p := &c`) keeps the old value, and inside a function literal
// the assignment to a captured variable is lost altogether (`go func() {
// res = Result{…} }()` left res empty). In parentheses the literal is
// assigned like any other value.
func (r *rewriter) compositeAssign(n *ast.AssignStmt) {
	// A := of several names may assign to one that exists.
	if n.Tok != token.ASSIGN && (n.Tok != token.DEFINE || len(n.Lhs) < 2) {
		return
	}
	for _, rhs := range n.Rhs {
		if _, ok := rhs.(*ast.CompositeLit); ok {
			r.insert(rhs.Pos(), "(")
			r.insertLate(rhs.End(), ")")
		}
	}
}

package cell

import (
	"go/ast"
	"go/token"
)

// untypedShift writes out the type of an untyped constant shifted by a
// value that is not constant (`word & (1 << uint(j))`, word a uint64): Go
// gives the constant the type the expression needs there (uint64), yaegi
// v0.16.1 gives it int, and the & then panics ("reflect: call of
// reflect.Value.Uint on int Value") or the value is of the wrong type.
// go/types tells the type; the constant becomes uint64(1).
func (r *rewriter) untypedShift(n *ast.BinaryExpr) {
	if n.Op != token.SHL && n.Op != token.SHR {
		return
	}
	if !constantLooking(n.X) || constantLooking(n.Y) {
		return
	}
	name := intTypeName(r.typeOf(n.X))
	if name == "" || name == "int" {
		return
	}
	r.insert(n.X.Pos(), name+"(")
	r.insertLate(n.X.End(), ")")
}

package cell

import (
	"go/ast"
	"go/token"
)

// The top-level-var pass: a var declaration among a cell's statements (one
// that Split moved there, because its value uses a name the statements
// define or one the cell does not declare) becomes a short variable
// declaration. yaegi v0.16.1 runs a top-level var as a package variable,
// whose initializer may not name a variable of an earlier Eval: an earlier
// cell's, or the safe points' stop flag in a function literal ("variable
// definition loop"). A declared type becomes a conversion of each value,
// which gives a value that is assignable to it the same value:
//
//	var b = g + 1             →  b := g + 1
//	var f func(int) int = fn  →  f := (func(int) int)(fn)
func (r *rewriter) topLevelVar(st ast.Stmt) {
	decl, ok := st.(*ast.DeclStmt)
	if !ok {
		return
	}
	gd, ok := decl.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR || gd.Lparen.IsValid() || len(gd.Specs) != 1 {
		return
	}
	spec := gd.Specs[0].(*ast.ValueSpec)
	if len(spec.Values) == 0 || (spec.Type != nil && len(spec.Values) != len(spec.Names)) {
		return // no value, or a typed call of several results
	}
	typ := ""
	if spec.Type != nil {
		text, oneLine := r.text(spec.Type)
		if !oneLine {
			return
		}
		typ = "(" + text + ")"
	}
	r.replace(gd.Pos(), spec.Names[0].Pos(), "")
	r.replace(spec.Names[len(spec.Names)-1].End(), spec.Values[0].Pos(), " := ")
	if typ != "" {
		for _, v := range spec.Values {
			r.insert(v.Pos(), typ+"(")
			r.insertLate(v.End(), ")")
		}
	}
}

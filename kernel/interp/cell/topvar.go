package cell

import (
	"go/ast"
	"go/token"
	"strings"
)

// The top-level-var pass: a var declaration among a cell's statements (one
// that Split moved there, because its value uses a name the statements
// define or an earlier cell's variable) becomes a short variable
// declaration; with a declared type, one of zero values and an
// assignment, which keeps Go's rules of assignability. yaegi v0.16.1 runs a
// top-level var as a package variable, whose initializer may not name a
// variable of an earlier Eval: an earlier cell's, or the safe points' stop
// flag in a function literal ("variable definition loop"). (A source that
// starts with var is taken for declarations only, so the result must not.)
//
//	var b = g + 1             →  b := g + 1
//	var f func(int) int = fn  →  f := *new(func(int) int); f = fn
//	var _ = g                 →  _ = g
//	var _ fmt.Stringer = nil  →  _ = (fmt.Stringer)(nil)
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
	if len(spec.Values) == 0 {
		return // no value
	}
	var named []string // the names that are not blank
	for _, n := range spec.Names {
		if n.Name != "_" {
			named = append(named, n.Name)
		}
	}
	last := spec.Names[len(spec.Names)-1]
	switch {
	case len(named) == 0:
		// Only blanks: an assignment, through a conversion to a declared
		// type (`_ = nil` has none).
		typ, oneLine := "", true
		if spec.Type != nil {
			typ, oneLine = r.text(spec.Type)
		}
		if !oneLine {
			return
		}
		r.replace(gd.Pos(), spec.Names[0].Pos(), "")
		r.replace(last.End(), spec.Values[0].Pos(), " = ")
		for _, v := range spec.Values {
			if typ != "" {
				r.insert(v.Pos(), "("+typ+")(")
				r.insertLate(v.End(), ")")
			}
		}
	case spec.Type != nil:
		typ, oneLine := r.text(spec.Type)
		if !oneLine {
			return
		}
		zeros := strings.TrimSuffix(strings.Repeat("*new("+typ+"), ", len(named)), ", ")
		r.replace(gd.Pos(), spec.Names[0].Pos(), strings.Join(named, ", ")+" := "+zeros+"; ")
		r.replace(last.End(), spec.Values[0].Pos(), " = ")
	default:
		r.replace(gd.Pos(), spec.Names[0].Pos(), "")
		r.replace(last.End(), spec.Values[0].Pos(), " := ")
	}
}

package cell

import (
	"go/ast"
	"strings"
)

// The named-results pass: a declared function's named results start at
// their zero values on every call. yaegi v0.16.1 keeps them from the call
// before when the same call runs again, as in a loop: `func sum(xs []int)
// (t int)` gave running totals. The zeroing goes before the first
// statement, where a panic's frame in the function points:
//
//	func f(n int) (s int, ok bool) {\n\ts += n
//	→  func f(n int) (s int, ok bool) {\n\ts, ok = *new(int), *new(bool); s += n
func (r *rewriter) namedResults(fd *ast.FuncDecl) {
	if fd.Body == nil || len(fd.Body.List) == 0 || fd.Type.Results == nil {
		return
	}
	var names, zeros []string
	for _, field := range fd.Type.Results.List {
		if len(field.Names) == 0 {
			return // unnamed results
		}
		typ, oneLine := r.text(field.Type)
		if !oneLine {
			return
		}
		for _, n := range field.Names {
			if n.Name != "_" {
				names = append(names, n.Name)
				zeros = append(zeros, "*new("+typ+")")
			}
		}
	}
	if len(names) > 0 {
		r.insert(fd.Body.List[0].Pos(), strings.Join(names, ", ")+" = "+strings.Join(zeros, ", ")+"; ")
	}
}

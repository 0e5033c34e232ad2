package cell

import (
	"go/ast"
	"go/token"
	"strings"
)

// The function-literal passes: var declarations and receives into captured
// variables inside closures.

// varInFuncLit rewrites `var x = f()` inside a function literal as
// `x := f()`, the same declaration: yaegi v0.16.1 gives x the zero value
// there when f is generic (a silent wrong answer; in a declared function,
// or with := or a written type, it is right). Only a lone, untyped var
// with values is rewritten.
func (r *rewriter) varInFuncLit(n *ast.DeclStmt, stack []ast.Node) {
	gd, ok := n.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR || gd.Lparen.IsValid() || len(gd.Specs) != 1 {
		return
	}
	vs := gd.Specs[0].(*ast.ValueSpec)
	if vs.Type != nil || len(vs.Values) == 0 || !inFuncLit(stack) {
		return
	}
	names := make([]string, len(vs.Names))
	for i, id := range vs.Names {
		names[i] = id.Name
	}
	// "var " becomes the names and ":=", and the names and "=" are removed.
	r.replace(gd.Pos(), vs.Names[0].Pos(), "")
	r.replace(vs.Names[0].Pos(), vs.Values[0].Pos(), strings.Join(names, ", ")+" := ")
}

// receiveIntoCaptured rewrites `x = <-ch` inside a function literal as
// `{ v := <-ch; x = v }`: yaegi v0.16.1 assigns the zero value when x is a
// variable of the enclosing function (`go func() { r = <-ch; done <- true
// }()` left r empty), a silent wrong answer; through a variable of the
// literal's own it is right.
func (r *rewriter) receiveIntoCaptured(n *ast.AssignStmt, stack []ast.Node) {
	if n.Tok != token.ASSIGN || len(n.Lhs) != 1 || len(n.Rhs) != 1 || !isReceive(n.Rhs[0]) || !inFuncLit(stack) {
		return
	}
	if _, ok := n.Lhs[0].(*ast.Ident); !ok {
		return
	}
	switch stack[len(stack)-1].(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
	default:
		return // an if or for statement's init or post: one simple statement only
	}
	if cc, ok := stack[len(stack)-1].(*ast.CommClause); ok && cc.Comm == ast.Stmt(n) {
		return // case x = <-ch: in a select receives into x as Go does
	}
	v := r.name("v")
	r.replace(n.Pos(), n.Rhs[0].Pos(), "{ "+v+" := ")
	r.insertLate(n.End(), "; "+r.src[r.off(n.Lhs[0].Pos()):r.off(n.Lhs[0].End())]+" = "+v+" }")
}

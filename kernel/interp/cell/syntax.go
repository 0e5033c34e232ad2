package cell

import (
	"go/ast"
	"go/token"
	"slices"
	"strings"
)

// Questions the rewrite passes ask of the syntax tree, shared by several of
// them.

// text is the source of a node, before rewriting, and whether it fits on
// one line (copying a longer one would move the lines after it).
func (r *rewriter) text(n ast.Node) (string, bool) {
	start, end := r.off(n.Pos()), r.off(n.End())
	if start < 0 || end > len(r.src) || start > end {
		return "", false
	}
	s := r.src[start:end]
	return s, !strings.Contains(s, "\n")
}

// pure reports whether evaluating an expression twice is harmless.
func pure(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit, *ast.Ident:
		return true
	case *ast.ParenExpr:
		return pure(e.X)
	case *ast.SelectorExpr:
		return pure(e.X)
	case *ast.BinaryExpr:
		return pure(e.X) && pure(e.Y)
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && (id.Name == "len" || id.Name == "cap") && len(e.Args) == 1 {
			return pure(e.Args[0])
		}
	}
	return false
}

// declares reports whether a block's own statements declare a name with
// := (the pre-1.22 idiom i := i), which makes a copy of our own redundant.
func declares(body *ast.BlockStmt, name string) bool {
	for _, st := range body.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == name {
					return true
				}
			}
		}
	}
	return false
}

// hasDeferOrGo reports whether a node holds a defer or go statement.
func hasDeferOrGo(n ast.Node) bool {
	return contains(n, false, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.DeferStmt, *ast.GoStmt:
			return true
		}
		return false
	})
}

// hasClosure reports whether a node holds a function literal.
func hasClosure(n ast.Node) bool {
	return contains(n, false, func(n ast.Node) bool { _, ok := n.(*ast.FuncLit); return ok })
}

// hasReturn reports whether a node returns, outside function literals.
func hasReturn(n ast.Node) bool {
	return contains(n, true, func(n ast.Node) bool { _, ok := n.(*ast.ReturnStmt); return ok })
}

// contains reports whether a node, or one inside it, matches; with
// skipFuncLits, the insides of function literals are not searched.
func contains(root ast.Node, skipFuncLits bool, match func(ast.Node) bool) bool {
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		if found || n == nil {
			return false
		}
		if match(n) {
			found = true
			return false
		}
		_, lit := n.(*ast.FuncLit)
		return !(skipFuncLits && lit)
	})
	return found
}

// assigns reports whether a body assigns to or increments a name.
func assigns(body ast.Node, name string) bool {
	found := false
	is := func(e ast.Expr) bool { id, ok := e.(*ast.Ident); return ok && id.Name == name }
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, l := range n.Lhs {
					found = found || is(l)
				}
			}
		case *ast.IncDecStmt:
			found = found || is(n.X)
		case *ast.UnaryExpr:
			found = found || (n.Op == token.AND && is(n.X))
		}
		return !found
	})
	return found
}

// changes reports whether a body assigns to name or increments it.
func changes(body ast.Node, name string) bool {
	return contains(body, false, func(n ast.Node) bool {
		is := func(e ast.Expr) bool { id, ok := e.(*ast.Ident); return ok && id.Name == name }
		switch n := n.(type) {
		case *ast.AssignStmt:
			return n.Tok != token.DEFINE && slices.ContainsFunc(n.Lhs, is)
		case *ast.IncDecStmt:
			return is(n.X)
		}
		return false
	})
}

// takesAddress reports whether a body takes the address of name.
func takesAddress(body ast.Node, name string) bool {
	return contains(body, false, func(n ast.Node) bool {
		u, ok := n.(*ast.UnaryExpr)
		if !ok || u.Op != token.AND {
			return false
		}
		id, ok := u.X.(*ast.Ident)
		return ok && id.Name == name
	})
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// inLoop reports whether the innermost function around a node runs it in
// a for or range loop.
func inLoop(stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		}
	}
	return false
}

// mentionsAny reports whether a node uses one of the names.
func mentionsAny(n ast.Node, names map[string]bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && names[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

// inFuncLit reports whether the innermost function around a node is a
// function literal.
func inFuncLit(stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].(type) {
		case *ast.FuncLit:
			return true
		case *ast.FuncDecl:
			return false
		}
	}
	return false
}

// inFunction reports whether a node is inside a function of the cell, not
// among its top-level statements (wrapped in func _ for parsing) or
// declarations.
func inFunction(stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncLit:
			return true
		case *ast.FuncDecl:
			return n.Name.Name != "_" || n.Recv != nil
		}
	}
	return false
}

// isReceive reports whether an expression is a receive, <-ch.
func isReceive(e ast.Expr) bool {
	u, ok := unparen(e).(*ast.UnaryExpr)
	return ok && u.Op == token.ARROW
}

// funcTypeOf returns the type of a function declaration or literal.
func funcTypeOf(n ast.Node) *ast.FuncType {
	switch n := n.(type) {
	case *ast.FuncDecl:
		return n.Type
	case *ast.FuncLit:
		return n.Type
	}
	return nil
}

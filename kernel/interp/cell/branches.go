package cell

import (
	"go/ast"
	"go/token"
	"strings"
)

// The branch passes: break inside select, and return of a receive.

// breakInSelect turns `break L` inside a select case into a goto to just
// after the statement labeled L: yaegi v0.16.1 loops forever on the break.
func (r *rewriter) breakInSelect(n *ast.BranchStmt, stack []ast.Node) {
	if n.Tok != token.BREAK || n.Label == nil {
		return
	}
	inSelect := false
	for i := len(stack) - 1; i >= 0; i-- {
		switch s := stack[i].(type) {
		case *ast.FuncLit:
			return
		case *ast.SelectStmt:
			inSelect = true
		case *ast.LabeledStmt:
			if s.Label.Name != n.Label.Name {
				continue
			}
			if !inSelect {
				return
			}
			target := "__golab_break_" + n.Label.Name
			r.replace(n.Pos(), n.End(), "goto "+target)
			r.labelAfter(s, target)
			return
		}
	}
}

// labelAfter places a label right after a statement, once.
func (r *rewriter) labelAfter(s *ast.LabeledStmt, label string) {
	at := r.off(s.End())
	for _, e := range r.edits {
		if e.start == at && strings.Contains(e.text, label+":") {
			return
		}
	}
	r.insert(s.End(), "; "+label+": ;")
}

// returnReceive hoists a receive that is a whole return value into a
// variable: yaegi v0.16.1 panics on `return <-ch`.
func (r *rewriter) returnReceive(n *ast.ReturnStmt) {
	if r.yieldReturns[n] {
		return // a return that range-func turns into assignments, where a receive is fine
	}
	var pre strings.Builder
	for _, res := range n.Results {
		u, ok := unparen(res).(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW {
			continue
		}
		recv, oneLine := r.text(u)
		if !oneLine {
			continue
		}
		tmp := r.name("r")
		pre.WriteString(tmp + " := " + recv + "; ")
		r.replace(res.Pos(), res.End(), tmp)
	}
	if pre.Len() > 0 {
		r.insert(n.Pos(), pre.String())
	}
}

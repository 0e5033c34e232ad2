package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"

	"github.com/golab-notebooks/golab/kernel/failure"
)

// RefineFrames corrects the frames of a panic that the interpreter places
// at the first statement of a function the cell declares, which it does
// for every frame inside a function, wherever it failed: the innermost
// frame moves to the one statement of that function that can fail as the
// panic says (the one `m[k] = v` for "assignment to entry in nil map", the
// one `panic(…)` for a panic), and a caller's frame to its one call of the
// function below it. With no such statement, or several, the frame stays.
func RefineFrames(frames []failure.Frame, src string, explicit bool, value string) []failure.Frame {
	if len(frames) == 0 {
		return frames
	}
	plan, err := Split(src)
	if err != nil || strings.TrimSpace(plan.Decls) == "" {
		return frames
	}
	const prefix = "package p;"
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "cell.go", prefix+plan.Decls, 0)
	if err != nil {
		return frames
	}
	// where gives a node's cell line and column (the prefix is on line 1).
	where := func(p token.Pos) (int, int) {
		pos := fset.Position(p)
		if pos.Line == 1 {
			return 1, pos.Column - len(prefix)
		}
		return pos.Line, pos.Column
	}
	funcs := map[string]*ast.FuncDecl{}
	for _, d := range file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Body != nil && len(fd.Body.List) > 0 {
			funcs[fd.Name.Name] = fd
		}
	}
	out := append([]failure.Frame(nil), frames...)
	for i, f := range frames {
		fd := funcs[f.Func]
		if fd == nil {
			continue
		}
		// The interpreter names the function's start: its first
		// statement, or the safe point's stop test before it (on the
		// statement's line; its condition, which it names, three columns
		// on: see safepoints.go).
		line, col := where(fd.Body.List[0].Pos())
		if line != f.Line || (col != f.Col && col+len("if ") != f.Col) {
			continue // the interpreter named another statement: keep it
		}
		out[i].Line, out[i].Col = line, col
		var match func(ast.Node) bool
		if i == 0 {
			match = failsAs(explicit, value)
		} else {
			callee := frames[i-1].Func
			match = func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return false
				}
				id, ok := call.Fun.(*ast.Ident)
				return ok && id.Name == callee
			}
		}
		if match == nil {
			continue
		}
		var found []token.Pos
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if _, lit := n.(*ast.FuncLit); lit {
				return false // its own frame
			}
			if n != nil && match(n) {
				found = append(found, n.Pos())
			}
			return true
		})
		if len(found) == 1 {
			out[i].Line, out[i].Col = where(found[0])
		}
	}
	return out
}

// failsAs returns what a statement that can panic with value looks like,
// or nil when the kind of panic does not say.
func failsAs(explicit bool, value string) func(ast.Node) bool {
	isCallOf := func(fn string) func(ast.Node) bool {
		return func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return false
			}
			id, ok := call.Fun.(*ast.Ident)
			return ok && id.Name == fn
		}
	}
	switch {
	case explicit:
		return isCallOf("panic")
	case strings.Contains(value, "assignment to entry in nil map"):
		return func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if _, ok := l.(*ast.IndexExpr); ok {
						return true
					}
				}
			case *ast.IncDecStmt:
				_, ok := n.X.(*ast.IndexExpr)
				return ok
			}
			return false
		}
	case strings.Contains(value, "index out of range"):
		return func(n ast.Node) bool { _, ok := n.(*ast.IndexExpr); return ok }
	case strings.Contains(value, "slice bounds out of range"):
		return func(n ast.Node) bool { _, ok := n.(*ast.SliceExpr); return ok }
	case strings.Contains(value, "integer divide by zero"):
		return func(n ast.Node) bool {
			b, ok := n.(*ast.BinaryExpr)
			return ok && (b.Op == token.QUO || b.Op == token.REM)
		}
	case strings.Contains(value, "close of"):
		return isCallOf("close")
	}
	return nil
}

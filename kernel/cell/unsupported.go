package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
)

// Unsupported is a construct of a cell that the interpreter would run
// wrongly and that no rewrite fixes: the worker refuses the cell rather
// than give a silent wrong answer.
type Unsupported struct {
	Line, Column int
	What         string // what it is, and what to write instead
}

// FindUnsupported lists a cell's unsupported constructs. Today: Go 1.26's
// new with a value that is not a literal (new(f()), new(x + 1)), which
// yaegi v0.16.1 runs as new of the value's type, giving a zero.
func FindUnsupported(src string) []Unsupported {
	plan, err := Split(src)
	if err != nil {
		return nil
	}
	var out []Unsupported
	for _, piece := range []struct{ prefix, text, suffix string }{
		{"package p;", plan.Decls, ""}, {"package p;func _(){", plan.Stmts, "\n}"}, {"package p;func _(){", plan.Trailing, "\n}"},
	} {
		if blank(piece.text) {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "cell.go", piece.prefix+piece.text+piece.suffix, 0)
		if err != nil {
			continue
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "new" || id.Obj != nil {
				return true
			}
			switch arg := unparen(call.Args[0]).(type) {
			case *ast.CallExpr, *ast.BinaryExpr:
			case *ast.UnaryExpr:
				if _, ok := literal(arg); ok {
					return true // -1: rewritten
				}
			default:
				return true
			}
			pos := fset.Position(call.Pos())
			col := pos.Column
			if pos.Line == 1 {
				col -= len(piece.prefix)
			}
			out = append(out, Unsupported{Line: pos.Line, Column: col,
				What: "new with a value (Go 1.26's new(expr)) is not supported by the interpreter for this expression; " +
					"write v := expr, then &v (or paste a whole program, which runs compiled)"})
			return true
		})
	}
	return out
}

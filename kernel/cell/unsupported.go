package cell

import (
	"go/ast"
	"go/token"
)

// Unsupported is a construct of a cell that the interpreter would run
// wrongly and that no rewrite fixes: the worker refuses the cell rather
// than give a silent wrong answer.
type Unsupported struct {
	Line, Column int
	What         string // what it is, and what to write instead
}

// callerNames are what report source positions through runtime.Caller,
// which in an interpreted cell finds yaegi's files ("value.go:586").
var callerNames = map[string]bool{
	"log.Lshortfile": true, "log.Llongfile": true, "runtime.Caller": true, "runtime.Callers": true,
}

// FindUnsupported lists a cell's unsupported constructs: Go 1.26's new
// with a value that is not a literal (new(f()), new(x + 1)), which yaegi
// v0.16.1 runs as new of the value's type, giving a zero; and positions
// from runtime.Caller (log.Lshortfile), which name yaegi's source files.
func FindUnsupported(src string) []Unsupported {
	var out []Unsupported
	for _, piece := range parsePieces(src) {
		fset, file := piece.fset, piece.file
		at := func(p token.Pos) (int, int) {
			pos := fset.Position(p)
			if pos.Line == 1 {
				return pos.Line, pos.Column - len(piece.prefix)
			}
			return pos.Line, pos.Column
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if pkg, ok := sel.X.(*ast.Ident); ok && callerNames[pkg.Name+"."+sel.Sel.Name] {
					line, col := at(sel.Pos())
					out = append(out, Unsupported{Line: line, Column: col,
						What: pkg.Name + "." + sel.Sel.Name + " names the interpreter's own source files in an interpreted cell, not your cell's lines; " +
							"leave it out, or paste a whole program (package main with func main), which runs compiled"})
				}
				return true
			}
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
			line, col := at(call.Pos())
			out = append(out, Unsupported{Line: line, Column: col,
				What: "new with a value (Go 1.26's new(expr)) is not supported by the interpreter for this expression; " +
					"write v := expr, then &v (or paste a whole program, which runs compiled)"})
			return true
		})
	}
	return out
}

package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// Wait is an operation in a cell that can block a goroutine: the kernel
// uses them to say at which line a deadlocked goroutine waits.
type Wait struct {
	Line int
	Kind string // "send", "receive", "select", "lock" or "wait"
	// GoLine is the line of the `go func() {…}()` whose body holds the
	// operation, or 0 for the cell's own statements. Operations inside
	// other functions have GoLine -1.
	GoLine int
}

// Waits lists the operations of a cell that can block.
func Waits(src string) []Wait {
	var out []Wait
	for _, p := range parsePieces(src) {
		out = append(out, waitsIn(p.fset, p.file, p.stmts)...)
	}
	return out
}

// piece is one part of a cell (its declarations, statements or trailing
// expression) parsed as a file whose lines are the cell's.
type piece struct {
	fset   *token.FileSet
	file   *ast.File
	prefix string // what precedes the cell's text on line 1
	stmts  bool   // statements, wrapped in a function
}

// at is the cell line and column of a position in the piece.
func (pc piece) at(p token.Pos) (line, column int) {
	pos := pc.fset.Position(p)
	if pos.Line == 1 {
		return pos.Line, pos.Column - len(pc.prefix)
	}
	return pos.Line, pos.Column
}

// parsePieces splits a cell and parses its parts; a part that does not
// parse is left out.
func parsePieces(src string) []piece {
	plan, err := Split(src)
	if err != nil {
		return nil
	}
	return piecesOf(plan)
}

// piecesOf parses the parts of a split cell.
func piecesOf(plan *Plan) []piece {
	var out []piece
	for _, part := range []struct {
		prefix, text, suffix string
	}{{"package p;", plan.Decls, ""}, {"package p;func _(){", plan.Stmts, "\n}"}, {"package p;func _(){", plan.Trailing, "\n}"}} {
		if blank(part.text) {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "cell.go", part.prefix+part.text+part.suffix, 0)
		if err != nil {
			continue
		}
		out = append(out, piece{fset: fset, file: file, prefix: part.prefix, stmts: strings.HasSuffix(part.prefix, "{")})
	}
	return out
}

func waitsIn(fset *token.FileSet, file *ast.File, stmtPiece bool) []Wait {
	var out []Wait
	var stack []ast.Node
	owner := func() int {
		for i := len(stack) - 1; i >= 0; i-- {
			if lit, ok := stack[i].(*ast.FuncLit); ok {
				if i > 0 {
					if call, ok := stack[i-1].(*ast.CallExpr); ok && call.Fun == lit && i > 1 {
						if g, ok := stack[i-2].(*ast.GoStmt); ok {
							return fset.Position(g.Pos()).Line
						}
					}
				}
				return -1
			}
			if fd, ok := stack[i].(*ast.FuncDecl); ok {
				if stmtPiece && fd.Name.Name == "_" {
					return 0
				}
				return -1
			}
		}
		return -1
	}
	add := func(n ast.Node, kind string) {
		out = append(out, Wait{Line: fset.Position(n.Pos()).Line, Kind: kind, GoLine: owner()})
	}
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		switch n := n.(type) {
		case *ast.SendStmt:
			add(n, "send")
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				add(n, "receive")
			}
		case *ast.RangeStmt:
			add(n, "receive")
		case *ast.SelectStmt:
			add(n, "select")
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "Lock", "RLock":
					add(n, "lock")
				case "Wait":
					add(n, "wait")
				}
			}
		}
		stack = append(stack, n)
		return true
	})
	return out
}

// WaitKind maps a goroutine state from a runtime dump ("chan send",
// "sync.Mutex.Lock", …) to the Kind of Wait that causes it.
func WaitKind(state string) []string {
	switch {
	case strings.HasPrefix(state, "chan send"):
		return []string{"send"}
	case strings.HasPrefix(state, "chan receive"):
		return []string{"receive"}
	case strings.HasPrefix(state, "select"):
		return []string{"select"}
	case strings.Contains(state, "WaitGroup"), strings.Contains(state, "Cond"):
		return []string{"wait"}
	case strings.Contains(state, "Mutex"):
		return []string{"lock"}
	case strings.HasPrefix(state, "semacquire"), strings.HasPrefix(state, "sync."):
		return []string{"lock", "wait"}
	}
	return nil
}

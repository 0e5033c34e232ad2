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

// stackNames print goroutine stacks, which in an interpreted cell are the
// interpreter's own frames (reflect calls and yaegi's run loop), not the
// cell's functions and lines.
var stackNames = map[string]bool{"runtime.Stack": true, "debug.PrintStack": true, "debug.Stack": true}

// FindUnsupported lists a cell's unsupported constructs: Go 1.26's new
// of a value outside functions (yaegi v0.16.1 crashes on the generic
// helper that serves it inside them); method expressions (*T).M of a type
// the cell declares, whose calls crash yaegi v0.16.1; positions from
// runtime.Caller (log.Lshortfile), which name yaegi's source files; and
// stacks from runtime.Stack or debug.PrintStack, which show yaegi's frames.
func FindUnsupported(src string) []Unsupported {
	return findUnsupported(parsePieces(src))
}

func findUnsupported(pieces []piece) []Unsupported {
	var out []Unsupported
	for _, piece := range pieces {
		file, at := piece.file, piece.at
		var stack []ast.Node
		ast.Inspect(file, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			stack = append(stack, n)
			if call, ok := n.(*ast.CallExpr); ok && isNewOfValue(call) && !inFunction(stack[:len(stack)-1]) {
				line, col := at(call.Pos())
				out = append(out, Unsupported{Line: line, Column: col,
					What: "new with a value (Go 1.26's new(expr)) among a cell's own statements is not supported by the interpreter; " +
						"write v := expr, then &v, or use it inside a function"})
			}
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if pkg, ok := sel.X.(*ast.Ident); ok && callerNames[pkg.Name+"."+sel.Sel.Name] {
					line, col := at(sel.Pos())
					out = append(out, Unsupported{Line: line, Column: col,
						What: pkg.Name + "." + sel.Sel.Name + " names the interpreter's own source files in an interpreted cell, not your cell's lines; " +
							"leave it out, or paste a whole program (package main with func main), which runs compiled"})
				}
				if pkg, ok := sel.X.(*ast.Ident); ok && stackNames[pkg.Name+"."+sel.Sel.Name] {
					line, col := at(sel.Pos())
					out = append(out, Unsupported{Line: line, Column: col,
						What: pkg.Name + "." + sel.Sel.Name + " prints the interpreter's own frames in an interpreted cell, not your functions and cell lines; " +
							"leave it out (a panic's message names the cell line), or paste a whole program (package main with func main), which runs compiled"})
				}
				if paren, ok := sel.X.(*ast.ParenExpr); ok {
					if star, ok := paren.X.(*ast.StarExpr); ok {
						if id, ok := star.X.(*ast.Ident); ok && id.Obj != nil && id.Obj.Kind == ast.Typ {
							line, col := at(sel.Pos())
							out = append(out, Unsupported{Line: line, Column: col,
								What: "a method expression such as (*T).Method is not supported by the interpreter (it crashes on the call); " +
									"use a function literal, func(t *T) { t.Method() }, or a method value, t.Method"})
						}
					}
				}
				return true
			}
			return true
		})
	}
	return out
}

// FindCaveats lists constructs of a cell that the interpreter runs, but
// not always as Go does, so that the worker can say so instead of giving a
// silent wrong answer: a type switch with a case for error (yaegi v0.16.1
// sends errors of the standard library to default), and a type switch or
// assertion naming a type that basic reports is declared over a basic
// type (yaegi stores type celsius float64 as a float64, so a float64
// matches case celsius). basic may be nil.
func FindCaveats(src string, basic func(name string) bool) []Unsupported {
	return findCaveats(parsePieces(src), basic)
}

func findCaveats(pieces []piece, basic func(name string) bool) []Unsupported {
	var out []Unsupported
	for _, piece := range pieces {
		at := piece.at
		declaredBasic := func(e ast.Expr) string {
			id, ok := e.(*ast.Ident)
			if ok && basic != nil && basic(id.Name) {
				return id.Name
			}
			return ""
		}
		ast.Inspect(piece.file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.TypeSwitchStmt:
				for _, c := range n.Body.List {
					for _, e := range c.(*ast.CaseClause).List {
						line, col := at(e.Pos())
						if id, ok := e.(*ast.Ident); ok && id.Name == "error" && id.Obj == nil {
							out = append(out, Unsupported{Line: line, Column: col,
								What: "the interpreter's type switches can miss case error for errors made by the standard library (errors.New, fmt.Errorf) " +
									"and run default instead; test with err, ok := v.(error), or run the program as a whole program"})
						} else if name := declaredBasic(e); name != "" {
							out = append(out, Unsupported{Line: line, Column: col, What: basicCaveat(name)})
						}
					}
				}
			case *ast.TypeAssertExpr:
				if name := declaredBasic(n.Type); name != "" {
					line, col := at(n.Type.Pos())
					out = append(out, Unsupported{Line: line, Column: col, What: basicCaveat(name)})
				}
			case *ast.SelectorExpr:
				pkg, ok := n.X.(*ast.Ident)
				if !ok || pkg.Obj != nil {
					break
				}
				line, col := at(n.Pos())
				switch {
				case pkg.Name == "reflect" && (n.Sel.Name == "TypeOf" || n.Sel.Name == "ValueOf"):
					out = append(out, Unsupported{Line: line, Column: col,
						What: "for types declared in cells, reflect sees the interpreter's own types: Name() is empty and struct fields have other names " +
							"(fmt's %T and %v print them as Go does); run the program as a whole program for Go's reflect"})
				case (pkg.Name == "os" && (n.Sel.Name == "TempDir" || n.Sel.Name == "CreateTemp" || n.Sel.Name == "MkdirTemp")) ||
					(pkg.Name == "ioutil" && (n.Sel.Name == "TempFile" || n.Sel.Name == "TempDir")):
					out = append(out, Unsupported{Line: line, Column: col,
						What: "temporary files of cells go to the kernel's private directory, not /tmp (os.TempDir() is the worker's $TMPDIR), " +
							"and golab removes it when the worker restarts or the kernel shuts down; write to a path of your own to keep a file"})
				case pkg.Name == "log" && n.Sel.Name == "New":
					out = append(out, Unsupported{Line: line, Column: col,
						What: "a logger made by log.New prints values of types declared in cells with the interpreter's field names " +
							"(log.Printf and fmt print them as Go does)"})
				}
			case *ast.BinaryExpr:
				isNil := func(e ast.Expr) bool {
					id, ok := unparen(e).(*ast.Ident)
					return ok && id.Name == "nil" && id.Obj == nil
				}
				if (n.Op == token.EQL || n.Op == token.NEQ) && !isNil(n.X) && !isNil(n.Y) &&
					(isCallOf(n.X, "errors", "Unwrap") || isCallOf(n.Y, "errors", "Unwrap")) {
					line, col := at(n.Pos())
					out = append(out, Unsupported{Line: line, Column: col,
						What: "errors.Unwrap of an error that wraps a value of a type declared in a cell gives the interpreter's wrapper, " +
							"which == does not find equal to your value; compare with errors.Is(err, target), which does"})
				}
			case *ast.AssignStmt:
				if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
					if id, ok := n.Lhs[0].(*ast.Ident); ok && id.Name == "_" {
						if _, ok := unparen(n.Rhs[0]).(*ast.StarExpr); ok {
							line, col := at(n.Pos())
							out = append(out, Unsupported{Line: line, Column: col,
								What: "the interpreter skips `_ = *p`, so a nil p does not panic here as it does in compiled Go; use the value (`v := *p`) to test it"})
						}
					}
				}
			}
			return true
		})
	}
	return out
}

func basicCaveat(name string) string {
	return "the interpreter stores values of " + name + " as values of its underlying type, so this type switch or assertion " +
		"also matches a plain value of that type (compiled Go tells them apart); run the program as a whole program to be sure"
}

// isNewOfValue reports whether a call is new of a call or an expression.
func isNewOfValue(call *ast.CallExpr) bool {
	if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "new" || id.Obj != nil || len(call.Args) != 1 {
		return false
	}
	switch unparen(call.Args[0]).(type) {
	case *ast.CallExpr, *ast.BinaryExpr:
		return true
	}
	return false
}

// isCallOf reports whether e is a call of pkg.name.
func isCallOf(e ast.Expr, pkg, name string) bool {
	call, ok := unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg && id.Obj == nil && sel.Sel.Name == name
}

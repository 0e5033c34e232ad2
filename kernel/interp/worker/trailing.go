package worker

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/golab-notebooks/golab/kernel/interp/cell"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// singleValueBuiltins are the builtins whose call has exactly one value.
var singleValueBuiltins = map[string]bool{
	"append": true, "cap": true, "complex": true, "copy": true, "imag": true, "len": true,
	"make": true, "max": true, "min": true, "new": true, "real": true, "recover": true,
}

// evalTrailing evaluates the cell's last expression and formats its value.
//
// yaegi cannot be asked whether an expression has a single value: a call
// with no result or with several still runs when assigned. So the kernel
// decides from the syntax and what it knows of the callee, stores a single
// value in a fresh variable and formats it with the interpreter's own fmt
// (so String methods of cell types apply). Anything else runs as a plain
// statement and shows nothing, as in Go.
func (w *Worker) evalTrailing(piece, src string) (string, *protocol.Error) {
	trimmed := strings.TrimLeft(piece, " \t\n")
	lead := piece[:len(piece)-len(trimmed)]
	expr, err := parser.ParseExpr(trimmed)
	piece = w.rewriteStmts(piece)
	if err != nil || !w.singleValue(expr) {
		return "", w.eval(piece, src)
	}
	trimmed = strings.TrimLeft(piece, " \t\n")
	if id, ok := expr.(*ast.Ident); ok && id.Name == "nil" {
		return "<nil>", nil
	}
	// One variable serves every cell, and is emptied once shown: a new
	// top-level variable per cell would keep each value, and a slot in the
	// interpreter's global frame, for the rest of the session.
	if _, err := w.tryShifted(w.assignShown(lead, trimmed)); err != nil {
		var p interp.Panic
		if errors.As(err, &p) {
			return "", w.describe(err, src)
		}
		// Did not compile: nothing ran. Evaluate the expression itself for an
		// error message with the cell's columns.
		return "", w.eval(piece, src)
	}
	v, err := w.try("__golab_show(" + shownVar + ")")
	if _, clearErr := w.try(shownVar + " = nil"); clearErr != nil && err == nil {
		err = fmt.Errorf("empty the shown value: %w", clearErr)
	}
	if err != nil {
		return "", w.describe(err, src)
	}
	if v.IsValid() && v.Kind() == reflect.String {
		return v.String(), nil
	}
	return "", nil
}

// assignShown returns the statement that stores a trailing expression in
// shownVar, placed so that the expression keeps its cell line and column
// (the assignment ends the line before it), and the columns the
// assignment adds to the expression's line when it has no line before.
func (w *Worker) assignShown(lead, expr string) (string, int) {
	const assign = shownVar + " ="
	if i := strings.LastIndex(lead, "\n"); i >= 0 {
		return lead[:i] + assign + lead[i:] + expr, 0
	}
	return lead + assign + " " + expr, len(assign) + 1
}

// singleValue reports whether an expression surely has exactly one value.
func (w *Worker) singleValue(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return w.singleValue(e.X)
	case *ast.CallExpr:
		return w.callResults(e) == 1
	case *ast.UnaryExpr, *ast.BinaryExpr, *ast.Ident, *ast.BasicLit, *ast.CompositeLit,
		*ast.SelectorExpr, *ast.IndexExpr, *ast.IndexListExpr, *ast.SliceExpr, *ast.StarExpr,
		*ast.TypeAssertExpr, *ast.FuncLit:
		return true
	}
	return false
}

// callResults returns how many values a call has, or -1 when unknown.
func (w *Worker) callResults(call *ast.CallExpr) int {
	fun := call.Fun
	if p, ok := fun.(*ast.ParenExpr); ok {
		fun = p.X
	}
	switch f := fun.(type) {
	case *ast.FuncLit:
		return fieldCount(f.Type.Results)
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.InterfaceType, *ast.StructType, *ast.StarExpr:
		return 1 // a conversion
	case *ast.IndexExpr: // generic function instantiation f[T](...)
		if id, ok := f.X.(*ast.Ident); ok {
			return w.funcResults(id.Name)
		}
	case *ast.IndexListExpr:
		if id, ok := f.X.(*ast.Ident); ok {
			return w.funcResults(id.Name)
		}
	case *ast.Ident:
		if _, declared := w.defs.value(f.Name); declared {
			return w.funcResults(f.Name) // a function of the learner's, maybe named like a builtin
		}
		if singleValueBuiltins[f.Name] {
			return 1
		}
		if contains(builtins, f.Name) { // a conversion like int(x), or print/close/...
			switch f.Name {
			case "close", "delete", "panic", "print", "println", "clear":
				return 0
			}
			return 1
		}
		if _, ok := w.defs.typ(f.Name); ok {
			return 1
		}
		return w.funcResults(f.Name)
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			if syms := w.packageNamed(x.Name); syms != nil && !w.isValue(x.Name) {
				v, ok := syms[f.Sel.Name]
				if !ok {
					return -1
				}
				if v.Kind() == reflect.Func {
					return v.Type().NumOut()
				}
				return 1 // a conversion to a package's type
			}
			if v, ok := w.globals()[x.Name]; ok && v.IsValid() {
				for _, t := range []reflect.Type{v.Type(), reflect.PointerTo(v.Type())} {
					if m, ok := t.MethodByName(f.Sel.Name); ok {
						return m.Type.NumOut()
					}
				}
			}
		}
		// A method declared in a cell: match by name.
		n := -1
		for _, d := range w.defs.all() {
			if d.Kind == cell.Method && strings.HasSuffix(d.Name, "."+f.Sel.Name) {
				r := resultsOf(d.Source)
				if n != -1 && r != n {
					return -1 // two methods of that name disagree
				}
				n = r
			}
		}
		return n
	}
	return -1
}

// isValue reports whether a cell declared name as a variable, constant or
// function, which would shadow a package of the same name.
func (w *Worker) isValue(name string) bool {
	_, ok := w.defs.value(name)
	return ok
}

// funcResults returns the result count of a function declared in a cell.
func (w *Worker) funcResults(name string) int {
	if d, ok := w.defs.value(name); ok && d.Kind == cell.Func {
		return resultsOf(d.Source)
	}
	// A function of a package imported with a dot, or a variable that
	// holds a function (f := func() int {…}): its type says.
	v, ok := w.dotSymbol(name, nil)
	if !ok {
		v, ok = w.globals()[name]
	}
	if !ok || !v.IsValid() {
		return -1
	}
	t := v.Type()
	for t.Kind() == reflect.Pointer { // yaegi keeps globals addressable
		t = t.Elem()
	}
	if t.Kind() != reflect.Func {
		return -1
	}
	return t.NumOut()
}

// resultsOf parses a function declaration and counts its results.
func resultsOf(src string) int {
	plan, err := cell.Split(src)
	if err != nil {
		return -1
	}
	f, err := parser.ParseFile(tokenFileSet(), "", "package p;"+plan.Decls, 0)
	if err != nil || len(f.Decls) == 0 {
		return -1
	}
	fd, ok := f.Decls[0].(*ast.FuncDecl)
	if !ok {
		return -1
	}
	return fieldCount(fd.Type.Results)
}

func fieldCount(fl *ast.FieldList) int {
	if fl == nil {
		return 0
	}
	n := 0
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			n++
		} else {
			n += len(f.Names)
		}
	}
	return n
}

func tokenFileSet() *token.FileSet { return token.NewFileSet() }

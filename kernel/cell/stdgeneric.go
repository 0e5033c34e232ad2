package cell

import (
	"go/ast"
	"go/token"
	"strings"

	"github.com/golab-notebooks/golab/kernel/generics"
)

// This file rewrites uses of generic standard library functions that yaegi
// v0.16.1 cannot run as written (see kernel/generics):
//
//   - sync.OnceValue(f) and sync.OnceValues(f) are served by non-generic
//     stand-ins that return `any`; the call gets a type assertion to f's
//     type, read from the function literal.
//   - slices.Sorted(maps.Keys(m)) and its kin become calls of slice-returning
//     stand-ins in package generics.Package (package extra).
//   - for k := range maps.Keys(m), maps.Values, maps.All, slices.Values and
//     slices.All become range loops over m itself, which visit the same
//     keys and values.
//
// Each applies only when the package name is not shadowed in the source.

// collectors maps outer(inner(m)) call pairs to the stand-in doing both.
var collectors = map[[2]string]string{
	{"slices.Sorted", "maps.Keys"}:    "SortedKeys",
	{"slices.Sorted", "maps.Values"}:  "SortedValues",
	{"slices.Collect", "maps.Keys"}:   "Keys",
	{"slices.Collect", "maps.Values"}: "Values",
}

// packageCall returns "pkg.Func" when e calls a function of an imported
// package (an identifier the source does not declare), with its arguments.
func packageCall(e ast.Expr) (string, []ast.Expr) {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return "", nil
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", nil
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || pkg.Obj != nil {
		return "", nil
	}
	return pkg.Name + "." + sel.Sel.Name, call.Args
}

// genericCall rewrites the calls listed above.
func (r *rewriter) genericCall(call *ast.CallExpr) {
	name, args := packageCall(call)
	if len(args) != 1 {
		return
	}
	switch name {
	case "sync.OnceValue", "sync.OnceValues":
		if typ := r.funcType(args[0]); typ != "" && !call.Ellipsis.IsValid() {
			r.insert(call.End(), ".("+typ+")")
		} // else the type is not written in this source, and the cell sees `any`
		return
	}
	inner, innerArgs := packageCall(args[0])
	standIn, ok := collectors[[2]string{name, inner}]
	if !ok || len(innerArgs) != 1 {
		return
	}
	m := innerArgs[0]
	r.replace(call.Pos(), m.Pos(), generics.Package+"."+standIn+"(")
	r.replace(m.End(), call.End(), ")")
}

// rangeIterator rewrites a range over an iterator of a map or slice into a
// range over the map or slice.
func (r *rewriter) rangeIterator(n *ast.RangeStmt) {
	name, args := packageCall(n.X)
	if len(args) != 1 {
		return
	}
	valuesOnly := false
	switch name {
	case "maps.Keys", "maps.All", "slices.All":
	case "maps.Values", "slices.Values":
		valuesOnly = true
	default:
		return
	}
	x := args[0]
	r.replace(n.X.Pos(), x.Pos(), "")
	r.replace(x.End(), n.X.End(), "")
	if valuesOnly && n.Key != nil && n.Tok != token.ILLEGAL {
		r.insert(n.Key.Pos(), "_, ")
	}
}

// funcType is the written type of a function value: a function literal, or
// a name this source declares as a function or as a variable set to a
// function literal. It is "" when the source does not say.
func (r *rewriter) funcType(e ast.Expr) string {
	var typ ast.Node
	switch e := e.(type) {
	case *ast.FuncLit:
		typ = e.Type
	case *ast.Ident:
		if e.Obj == nil {
			return ""
		}
		switch d := e.Obj.Decl.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil || d.Type.TypeParams != nil {
				return ""
			}
			params, _ := r.text(d.Type.Params)
			results := ""
			if d.Type.Results != nil {
				results, _ = r.text(d.Type.Results)
			}
			return strings.Join(strings.Fields("func"+params+" "+results), " ")
		case *ast.AssignStmt:
			for i, lhs := range d.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && id.Obj == e.Obj && len(d.Rhs) == len(d.Lhs) {
					if lit, ok := d.Rhs[i].(*ast.FuncLit); ok {
						typ = lit.Type
					}
				}
			}
		}
	}
	if typ == nil {
		return ""
	}
	text, _ := r.text(typ)
	return strings.Join(strings.Fields(text), " ")
}

// procCall names the function handed to golab/proc, which the child process
// must find by name: proc.Start(hello, "bob") becomes
// proc.Start(proc.Func("hello", hello), "bob"). Also for proc.Run and
// proc.Map.
func (r *rewriter) procCall(call *ast.CallExpr) {
	name, args := packageCall(call)
	switch name {
	case "proc.Start", "proc.Run", "proc.Map":
	default:
		return
	}
	if len(args) == 0 {
		return
	}
	f, ok := args[0].(*ast.Ident)
	if !ok {
		return
	}
	r.insert(f.Pos(), "proc.Func(\""+f.Name+"\", ")
	r.insertLate(f.End(), ")")
}

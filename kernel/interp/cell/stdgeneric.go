package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"

	"github.com/golab-notebooks/golab/kernel/interp/generics"
)

// This file rewrites uses of generic standard library functions that yaegi
// v0.16.1 cannot run as written (see kernel/interp/generics):
//
//   - sync.OnceValue(f) and sync.OnceValues(f) are served by non-generic
//     stand-ins that return `any`; the call gets a type assertion to f's
//     type, read from the function literal.
//   - slices.Sorted(maps.Keys(m)) and its kin become calls of slice-returning
//     stand-ins in package generics.Package (package extra).
//   - errors.AsType[E](err) (Go 1.26) becomes a call of the stand-in
//     AsType in package generics.Package.
//   - slices.Collect, slices.Sorted and maps.Collect of another iterator
//     become a function literal that ranges over it (collectIterator).
//   - for k := range maps.Keys(m), maps.Values, maps.All, slices.Values and
//     slices.All become range loops over m itself, which visit the same
//     keys and values.
//
// Each applies only when the package name is not shadowed in the source.

// collectors maps outer(inner(m)) call pairs to the stand-in doing both.
var collectors = map[[2]string]string{
	{"slices.Sorted", "maps.Keys"}:      "SortedKeys",
	{"slices.Sorted", "maps.Values"}:    "SortedValues",
	{"slices.Collect", "maps.Keys"}:     "Keys",
	{"slices.Collect", "maps.Values"}:   "Values",
	{"maps.Collect", "maps.All"}:        "Clone",
	{"slices.Collect", "slices.Values"}: "CloneSlice",
	{"slices.Sorted", "slices.Values"}:  "SortedSlice",
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
	if ix, ok := call.Fun.(*ast.IndexExpr); ok {
		if sel, ok := ix.X.(*ast.SelectorExpr); ok {
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Obj == nil && pkg.Name == "errors" && sel.Sel.Name == "AsType" {
				r.replace(sel.Pos(), sel.End(), generics.Package+".AsType")
			}
		}
		return
	}
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
		r.collectIterator(call, name, args[0])
		return
	}
	m := innerArgs[0]
	r.replace(call.Pos(), m.Pos(), generics.Package+"."+standIn+"(")
	r.replace(m.End(), call.End(), ")")
}

// collectIterator rewrites slices.Collect(it), slices.Sorted(it) and
// maps.Collect(it) of an iterator it whose element types the source or
// go/types shows, into a function literal that ranges over it: yaegi
// v0.16.1 fails on a generic function that takes an iter.Seq.
// slices.Collect(lst.All()) becomes
// `func() (s []int) { lst.All()(func(v int) bool { s = append(s, v); return true }); return }()`.
func (r *rewriter) collectIterator(call *ast.CallExpr, name string, it ast.Expr) {
	if name != "slices.Collect" && name != "slices.Sorted" && name != "maps.Collect" {
		return
	}
	elems, ok := r.yieldParams(it)
	if !ok || (name == "maps.Collect") != (len(elems) == 2) || (name != "maps.Collect" && len(elems) != 1) {
		return
	}
	out, k, v := r.name("s"), r.name("k"), r.name("v")
	var open, yield string
	switch name {
	case "maps.Collect":
		open = fmt.Sprintf("func() (%s map[%s]%s) { %s = map[%s]%s{}; ", out, elems[0], elems[1], out, elems[0], elems[1])
		yield = fmt.Sprintf("(func(%s %s, %s %s) bool { %s[%s] = %s; return true }); return }()", k, elems[0], v, elems[1], out, k, v)
	default:
		open = fmt.Sprintf("func() (%s []%s) { ", out, elems[0])
		sort := ""
		if name == "slices.Sorted" {
			pkg := call.Fun.(*ast.SelectorExpr).X.(*ast.Ident).Name
			sort = pkg + ".Sort(" + out + "); "
		}
		yield = fmt.Sprintf("(func(%s %s) bool { %s = append(%s, %s); return true }); %sreturn }()", v, elems[0], out, out, v, sort)
	}
	r.replace(call.Pos(), it.Pos(), open)
	r.replace(it.End(), call.End(), yield)
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

// instantiateFromLiterals writes out the type arguments of a call of a
// generic function this source declares when a function literal among the
// arguments shows them all: Map(xs, func(n int) string { … }) becomes
// Map[int, string](…). yaegi v0.16.1 infers the type arguments of such a
// call once per function, so a second call with another literal type
// failed ("cannot use type func(int) string as type func(int) int").
func (r *rewriter) instantiateFromLiterals(call *ast.CallExpr) {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Obj == nil {
		return
	}
	decl, ok := id.Obj.Decl.(*ast.FuncDecl)
	if !ok || decl.Recv != nil || decl.Type.TypeParams == nil {
		return
	}
	var typeParams []string
	for _, f := range decl.Type.TypeParams.List {
		for _, n := range f.Names {
			typeParams = append(typeParams, n.Name)
		}
	}
	bound := map[string]string{}
	isParam := map[string]bool{}
	for _, p := range typeParams {
		isParam[p] = true
	}
	// unify matches a declared type against a written one, binding type
	// parameters to the written text; false on a mismatch of shape.
	var unify func(declared, written ast.Expr) bool
	unify = func(declared, written ast.Expr) bool {
		switch d := declared.(type) {
		case *ast.Ident:
			if isParam[d.Name] {
				text, oneLine := r.text(written)
				if !oneLine {
					return false
				}
				text = strings.Join(strings.Fields(text), " ")
				if old, ok := bound[d.Name]; ok && old != text {
					return false
				}
				bound[d.Name] = text
			}
			return true
		case *ast.FuncType:
			w, ok := written.(*ast.FuncType)
			if !ok {
				return false
			}
			return unifyFields(d.Params, w.Params, unify) && unifyFields(d.Results, w.Results, unify)
		case *ast.ArrayType:
			if w, ok := written.(*ast.ArrayType); ok && (d.Len == nil) == (w.Len == nil) {
				return unify(d.Elt, w.Elt)
			}
			return false
		case *ast.StarExpr:
			if w, ok := written.(*ast.StarExpr); ok {
				return unify(d.X, w.X)
			}
			return false
		case *ast.MapType:
			if w, ok := written.(*ast.MapType); ok {
				return unify(d.Key, w.Key) && unify(d.Value, w.Value)
			}
			return false
		}
		return true // a type this unifier does not read: it binds nothing
	}
	declaredTypes := fieldTypes(decl.Type.Params)
	sawLiteral := false
	for i, arg := range call.Args {
		if i >= len(declaredTypes) {
			break
		}
		switch a := arg.(type) {
		case *ast.FuncLit:
			sawLiteral = true
			if !unify(declaredTypes[i], a.Type) {
				return
			}
		case *ast.CompositeLit:
			if a.Type != nil && !unify(declaredTypes[i], a.Type) {
				return
			}
		}
	}
	if !sawLiteral || call.Ellipsis.IsValid() {
		return
	}
	args := make([]string, len(typeParams))
	for i, p := range typeParams {
		text, ok := bound[p]
		if !ok {
			return
		}
		args[i] = text
	}
	r.insert(id.End(), "["+strings.Join(args, ", ")+"]")
}

// unifyFields unifies two parameter or result lists, field by field.
func unifyFields(declared, written *ast.FieldList, unify func(d, w ast.Expr) bool) bool {
	d, w := fieldTypes(declared), fieldTypes(written)
	if len(d) != len(w) {
		return false
	}
	for i := range d {
		if !unify(d[i], w[i]) {
			return false
		}
	}
	return true
}

// fieldTypes is the type of each parameter, result or field of a list, one
// per name (func(a, b int) gives int, int), or one for an unnamed field.
func fieldTypes(l *ast.FieldList) []ast.Expr {
	var out []ast.Expr
	if l == nil {
		return out
	}
	for _, f := range l.List {
		for range max(1, len(f.Names)) {
			out = append(out, f.Type)
		}
	}
	return out
}

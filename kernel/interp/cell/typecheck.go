package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
)

// What the rewrite passes learn from go/types: the types of expressions,
// checked against the earlier cells' declarations.

// isInt reports whether a range expression is an integer, as far as the
// cell's syntax and the earlier cells' definitions tell.
func (r *rewriter) isInt(e ast.Expr, stack []ast.Node) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.INT
	case *ast.ParenExpr:
		return r.isInt(e.X, stack)
	case *ast.UnaryExpr:
		return r.isInt(e.X, stack)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.SHL, token.SHR, token.AND, token.OR, token.XOR:
			return r.isInt(e.X, stack) || r.isInt(e.Y, stack)
		}
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok {
			switch id.Name {
			case "len", "cap", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "min", "max":
				return true
			}
		}
	case *ast.Ident:
		if r.identIsInt(e) {
			return true
		}
	}
	// What the syntax does not show, go/types may: range count(), range
	// m["k"], range p.n, with the earlier cells' declarations.
	switch e := e.(type) {
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && id.Obj == nil && types.Universe.Lookup(id.Name) != nil {
			return false // make, append, a conversion: the integer ones were taken above
		}
	case *ast.SelectorExpr, *ast.IndexExpr, *ast.BinaryExpr, *ast.ParenExpr, *ast.StarExpr:
	default:
		return false // a name, a literal: the syntax and the earlier cells have answered
	}
	if t := r.typeOf(e); t != nil {
		b, ok := t.Underlying().(*types.Basic)
		return ok && b.Info()&types.IsInteger != 0
	}
	return false
}

// identIsInt decides from the identifier's declaration, in this source or
// an earlier cell.
func (r *rewriter) identIsInt(id *ast.Ident) bool {
	obj := id.Obj
	if obj == nil {
		return r.ctx.IsInt(id.Name)
	}
	switch d := obj.Decl.(type) {
	case *ast.AssignStmt: // n := 10
		for i, lhs := range d.Lhs {
			if l, ok := lhs.(*ast.Ident); ok && l.Name == id.Name && i < len(d.Rhs) && len(d.Lhs) == len(d.Rhs) {
				return r.isInt(d.Rhs[i], nil)
			}
		}
	case *ast.ValueSpec: // var n int, const n = 10
		if d.Type != nil {
			return isIntType(d.Type)
		}
		for i, name := range d.Names {
			if name.Name == id.Name && i < len(d.Values) {
				return r.isInt(d.Values[i], nil)
			}
		}
	case *ast.Field: // func f(n int)
		return isIntType(d.Type)
	}
	return false
}

func isIntType(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	if !ok {
		return false
	}
	switch id.Name {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "byte", "rune":
		return true
	}
	return false
}

// typeOf returns go/types' type of an expression of the source, or nil
// when it cannot tell. The source is checked once, when first asked, with
// the earlier cells' declarations (Context.Sources); imported packages are
// empty (emptyPackages), so expressions that use them have no type here.
func (r *rewriter) typeOf(e ast.Expr) types.Type {
	if r.facts == nil {
		r.facts = &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
		if r.sources == nil {
			s := r.ctx.Sources()
			r.sources = &s
		}
		ctx := *r.sources
		// Imports are per file: each file gets the notebook's, the source
		// itself (whose imports a Plan keeps apart) a copy with them.
		var imports []ast.Decl
		if len(ctx.Imports) > 0 {
			f, err := parser.ParseFile(r.fset, "imports.go", "package p\nimport (\n"+strings.Join(ctx.Imports, "\n")+"\n)", 0)
			if err == nil {
				imports = f.Decls
			}
		}
		own := *r.file
		own.Decls = append(append([]ast.Decl(nil), imports...), r.file.Decls...)
		files := []*ast.File{&own}
		names := map[string]bool{}
		for _, d := range r.file.Decls {
			if name := declName(d); name != "" {
				names[name] = true
			}
		}
		files = append(files, contextFiles(r.fset, ctx, names)...)
		r.checked = files
		conf := types.Config{Importer: emptyPackages{}, Error: func(error) {}}
		r.pkg, _ = conf.Check("p", r.fset, files, r.facts) // errors leave some types unknown
	}
	tv, ok := r.facts.Types[e]
	if !ok || tv.Type == nil || tv.Type == types.Typ[types.Invalid] {
		return nil
	}
	return tv.Type
}

// contextFiles parses the notebook's earlier declarations, each with the
// notebook's imports, as files for go/types. With redeclared set, a
// declaration whose name it holds (the source declares it again), or that
// is not one declaration on its own, is left out; one that does not parse
// always is.
func contextFiles(fset *token.FileSet, ctx Sources, redeclared map[string]bool) []*ast.File {
	head := "package p\nimport (\n" + strings.Join(ctx.Imports, "\n") + "\n)\n"
	var files []*ast.File
	for i, src := range ctx.Decls {
		f, err := parser.ParseFile(fset, fmt.Sprintf("context%d.go", i), head+src, 0)
		if err != nil || redeclared != nil && (len(f.Decls) != 2 || redeclared[declName(f.Decls[1])]) {
			continue
		}
		files = append(files, f)
	}
	return files
}

// intTypeName is how a cell writes an integer type go/types found: "int64",
// or the name of a type the cell's code declares at its top level; "" when
// it is not such a type, or untyped.
func intTypeName(t types.Type) string {
	switch t := t.(type) {
	case *types.Basic:
		if t.Info()&types.IsInteger != 0 && t.Info()&types.IsUntyped == 0 {
			return t.Name()
		}
	case *types.Named:
		b, ok := t.Underlying().(*types.Basic)
		obj := t.Obj()
		if ok && b.Info()&types.IsInteger != 0 && obj.Pkg() != nil && obj.Parent() == obj.Pkg().Scope() && t.TypeArgs().Len() == 0 {
			return obj.Name()
		}
	}
	return ""
}

// declName is the name a top-level declaration of one function, type,
// variable or constant declares, or "".
func declName(d ast.Decl) string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			return d.Name.Name
		}
	case *ast.GenDecl:
		if len(d.Specs) == 1 {
			switch s := d.Specs[0].(type) {
			case *ast.TypeSpec:
				return s.Name.Name
			case *ast.ValueSpec:
				if len(s.Names) == 1 {
					return s.Names[0].Name
				}
			}
		}
	}
	return ""
}

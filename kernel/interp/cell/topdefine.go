package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"unicode"
)

// yaegi v0.16.1 crashes on a variable defined at the top level of a cell
// (`ks := Keys(m)`, `var s = slices.Sorted(…)`) whose value comes from a
// call of a generic function — a cell's own, slices/maps/cmp's, errors.AsType
// or the stand-ins of min and max: "nil pointer dereference" or "nil
// reflect type", after which earlier variables can be lost. The same
// statement runs inside a function. SplitTopDefines finds these statements
// so that the kernel can run each inside a function literal and declare its
// variables afterwards, with the types the values turned out to have.

// StmtPiece is a run of a cell's statements, or one top-level definition
// that needs the kernel's help (Define set).
type StmtPiece struct {
	// Source is the piece in its cell positions: everything else blanked,
	// so lines and columns stay those of the cell.
	Source string
	// Define is set when the piece is one statement that defines
	// variables from a generic call.
	Define *TopDefine
}

// TopDefine is a statement at the top level of a cell that defines
// variables from a call of a generic function.
type TopDefine struct {
	Names []string // the variables, in order; "_" where the statement discards a value
	Line  int      // the statement's first cell line
	Text  string   // the statement as written
	// Start and End are the statement's byte offsets in the cell.
	Start, End int
}

// genericPackages are the standard packages whose calls the interpreter
// runs as generic functions.
var genericPackages = map[string]bool{"slices": true, "maps": true, "cmp": true, "iter": true}

// SplitTopDefines cuts stmts (a Plan's Stmts) into pieces around its
// top-level definitions whose values come from a generic call. isGeneric
// tells whether a name of the notebook's is a generic function. With no
// such definition it returns stmts as one piece.
func SplitTopDefines(stmts string, isGeneric func(name string) bool) []StmtPiece {
	whole := []StmtPiece{{Source: stmts}}
	if blank(stmts) {
		return whole
	}
	fset := token.NewFileSet()
	_, list, err := parseStmts(fset, stmts)
	if err != nil {
		return whole
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset - len(stmtsPrefix) }
	var pieces []StmtPiece
	at := 0 // the start of the statements not yet in a piece
	for _, st := range list {
		names, values := definedBy(st)
		if len(names) == 0 || !(callsGeneric(values, isGeneric) || commaOk(st)) {
			continue
		}
		start, end := off(st.Pos()), off(st.End())
		if rest := maskRange(stmts, at, start); !blank(rest) {
			pieces = append(pieces, StmtPiece{Source: rest})
		}
		pieces = append(pieces, StmtPiece{Source: maskRange(stmts, start, end), Define: &TopDefine{
			Names: names, Line: fset.Position(st.Pos()).Line, Text: stmts[start:end], Start: start, End: end,
		}})
		at = end
	}
	if len(pieces) == 0 {
		return whole
	}
	if rest := maskRange(stmts, at, len(stmts)); !blank(rest) {
		pieces = append(pieces, StmtPiece{Source: rest})
	}
	return pieces
}

// SplitDeclDefines takes out of decls (a Plan's Decls) its var
// declarations whose values come from a generic call, and returns the rest
// with them blanked, and each as a statement piece to run before the
// cell's statements.
func SplitDeclDefines(decls string, isGeneric func(name string) bool) (rest string, moved []StmtPiece) {
	if blank(decls) {
		return decls, nil
	}
	const prefix = "package p;"
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "cell.go", prefix+decls, 0)
	if err != nil {
		return decls, nil
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset - len(prefix) }
	b := []byte(decls)
	for _, decl := range file.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		names, _ := definedBy(&ast.DeclStmt{Decl: gd})
		allGeneric := len(gd.Specs) > 0
		for _, spec := range gd.Specs {
			allGeneric = allGeneric && callsGeneric(spec.(*ast.ValueSpec).Values, isGeneric)
		}
		if !allGeneric {
			continue
		}
		start, end := off(gd.Pos()), off(gd.End())
		moved = append(moved, StmtPiece{Source: maskRange(decls, start, end), Define: &TopDefine{
			Names: names, Line: fset.Position(gd.Pos()).Line, Text: decls[start:end], Start: start, End: end,
		}})
		for i := start; i < end; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	return string(b), moved
}

// commaOk reports whether a statement is a comma-ok definition: `v, ok :=
// <-c`, `v, ok := m[k]` or `v, ok := x.(T)`. yaegi v0.16.1 crashes on them
// at a cell's top level ("nil type") when the operand is the cell's own,
// and runs them inside a function.
func commaOk(st ast.Stmt) bool {
	as, ok := st.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
		return false
	}
	switch rhs := unparen(as.Rhs[0]).(type) {
	case *ast.UnaryExpr:
		return rhs.Op == token.ARROW
	case *ast.IndexExpr, *ast.TypeAssertExpr:
		return true
	}
	return false
}

// DefineDecls returns, for each variable that a top-level `a, b := f()`
// of stmts (a Plan's Stmts) defines, that statement as a package-level
// declaration, `var a, b = f()`: what go/types needs to know the variable
// when the interpreter's type of it cannot be written (an instance of a
// generic type, List[int]). Statements over several lines are left out.
func DefineDecls(stmts string) map[string]string {
	out := map[string]string{}
	if blank(stmts) {
		return out
	}
	fset := token.NewFileSet()
	_, list, err := parseStmts(fset, stmts)
	if err != nil {
		return out
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset - len(stmtsPrefix) }
	for _, st := range list {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE {
			continue
		}
		names, values := definedBy(st)
		if len(names) == 0 || len(values) == 0 {
			continue
		}
		rhs := stmts[off(values[0].Pos()):off(values[len(values)-1].End())]
		if strings.Contains(rhs, "\n") {
			continue
		}
		decl := "var " + strings.Join(names, ", ") + " = " + rhs
		for _, n := range names {
			if n != "_" {
				out[n] = decl
			}
		}
	}
	return out
}

// definedBy returns the names a statement defines (x, y := …; var x, y = …)
// and the expressions that give them their values.
func definedBy(st ast.Stmt) (names []string, values []ast.Expr) {
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok != token.DEFINE {
			return nil, nil
		}
		for _, l := range st.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok {
				return nil, nil
			}
			names = append(names, id.Name)
		}
		return names, st.Rhs
	case *ast.DeclStmt:
		gd, ok := st.Decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			return nil, nil
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for _, id := range vs.Names {
				names = append(names, id.Name)
			}
			values = append(values, vs.Values...)
		}
		return names, values
	}
	return nil, nil
}

// callsGeneric reports whether the expressions call a generic function
// outside any function literal (inside one, yaegi runs it).
func callsGeneric(values []ast.Expr, isGeneric func(string) bool) bool {
	found := false
	for _, v := range values {
		ast.Inspect(v, func(n ast.Node) bool {
			if found {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				found = isGenericCallee(n.Fun, isGeneric)
			}
			return !found
		})
	}
	return found
}

// isGenericCallee reports whether a call's function is a generic one: an
// explicit instantiation (F[int]), a notebook function isGeneric names,
// min or max (the interpreter's stand-ins are generic), a function of
// slices, maps, cmp or iter, or errors.AsType.
func isGenericCallee(fun ast.Expr, isGeneric func(string) bool) bool {
	switch f := unparen(fun).(type) {
	case *ast.IndexExpr, *ast.IndexListExpr:
		return true
	case *ast.Ident:
		if f.Obj != nil { // a name the cell's own statements declare
			return false
		}
		return f.Name == "min" || f.Name == "max" || (isGeneric != nil && isGeneric(f.Name))
	case *ast.SelectorExpr:
		pkg, ok := f.X.(*ast.Ident)
		return ok && pkg.Obj == nil && genericPackages[pkg.Name]
	}
	return false
}

// IsGenericFunc reports whether the source of a function declaration
// declares type parameters: "func Name[". It reads only the head, so it is
// cheap enough to ask of every earlier definition for every cell.
func IsGenericFunc(source string) bool {
	rest, ok := strings.CutPrefix(strings.TrimLeft(source, " \t\n"), "func")
	if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return false
	}
	rest = strings.TrimLeft(rest, " \t")
	name := strings.IndexFunc(rest, func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') })
	if name <= 0 {
		return false // a method ("func (r T) …") or no name
	}
	return strings.HasPrefix(strings.TrimLeft(rest[name:], " \t"), "[")
}

// maskRange returns src with everything outside [start, end) blanked
// (newlines kept).
func maskRange(src string, start, end int) string {
	if start >= end {
		return ""
	}
	return mask(src, []segment{{kind: segStmt, start: start, end: end}})
}

// DefineInFunction returns the source that runs a TopDefine inside a
// function literal and stores pointers to its variables, as a []any, in
// the global named holder. piece is the define's StmtPiece.Source: the
// statement keeps its cell position (the assignment to holder is put on
// the line before it, or before it on line 1).
func DefineInFunction(piece string, d *TopDefine, holder string) string {
	ptrs := make([]string, len(d.Names))
	for i, n := range d.Names {
		ptrs[i] = "nil"
		if n != "_" {
			ptrs[i] = "&" + n
		}
	}
	open := holder + " = func() any { "
	end := "; return []any{" + strings.Join(ptrs, ", ") + "} }()"
	if d.Start > len(piece) || d.End > len(piece) {
		return open + d.Text + end
	}
	before := piece[:d.Start]
	if nl := strings.LastIndexByte(before, '\n'); nl >= 0 {
		// On the (blank) line before the statement: its columns stay.
		before = before[:nl] + open + before[nl:]
	} else {
		before += open
	}
	return before + piece[d.Start:d.End] + end + piece[d.End:]
}

// StaticTypes type-checks one statement that defines names (a TopDefine's
// Text) with the notebook's declarations, and returns the type go/types
// gives each name, written as a cell writes it. A name whose type it
// cannot tell, or not write, is missing. The interpreter's own type of a
// value cannot tell int from a cell's `type Weekday int`; the statement's
// static types can.
func StaticTypes(stmt string, names []string, ctx Sources) map[string]string {
	fset := token.NewFileSet()
	head := "package p\nimport (\n" + strings.Join(ctx.Imports, "\n") + "\n)\n"
	own, err := parser.ParseFile(fset, "stmt.go", head+"func __golab_static() {\n"+stmt+"\n}\n", 0)
	if err != nil {
		return nil
	}
	files := append([]*ast.File{own}, contextFiles(fset, ctx, nil)...)
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: emptyPackages{}, Error: func(error) {}}
	pkg, _ := conf.Check("p", fset, files, info) // errors leave some types unknown
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	qualify := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	out := map[string]string{}
	for id, obj := range info.Defs {
		if obj == nil || !want[id.Name] || fset.File(id.Pos()).Name() != "stmt.go" {
			continue
		}
		if _, isVar := obj.(*types.Var); isVar && writable(obj.Type(), pkg) {
			out[id.Name] = types.TypeString(obj.Type(), qualify)
		}
	}
	return out
}

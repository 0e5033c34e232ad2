package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// Replay is a cell's declarations made safe to run a second time, in a new
// worker that restores earlier cells: nothing in it runs the learner's
// code (an initializer that calls a function might print, block, exit or
// panic again).
type Replay struct {
	// Source is the declarations to evaluate.
	Source string
	// Zeroed names the variables declared with their type's zero value
	// instead of their initializer.
	Zeroed []string
	// Skipped names the declarations left out, each with the reason.
	Skipped []string
}

// ReplayDecls rewrites declarations (a Plan's Decls) for a restore:
//   - a variable whose initializer only builds values (literals, make, new,
//     conversions, other variables, pure standard library functions such as
//     errors.New or fmt.Sprintf) is kept as it is;
//   - one whose initializer calls other code, or receives from a channel,
//     is declared with its zero value when its type is known (written, or
//     the result type of the function literal or function it calls), and
//     left out otherwise;
//   - func init is left out: it ran when its cell did.
//
// Earlier cells' declarations are known through ctx (TypeDecl, ResultType).
func ReplayDecls(decls string, ctx Context) Replay {
	ctx = orEmpty(ctx)
	const pkg = "package p\n"
	src := pkg + decls
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		return Replay{Source: decls} // the interpreter will say what is wrong
	}
	text := func(n ast.Node) string {
		return src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset]
	}
	local := map[string]*ast.FuncDecl{}
	localTypes := map[string]bool{}
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				local[d.Name.Name] = d
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				if ts, ok := spec.(*ast.TypeSpec); ok {
					localTypes[ts.Name.Name] = true
				}
			}
		}
	}
	isType := func(name string) bool {
		return localTypes[name] || ctx.TypeDecl(name) != ""
	}
	typeOf := func(call *ast.CallExpr) string {
		switch fn := unparen(call.Fun).(type) {
		case *ast.FuncLit:
			return singleResult(fn.Type, text)
		case *ast.Ident:
			if fd, ok := local[fn.Name]; ok {
				return singleResult(fd.Type, text)
			}
			return ctx.ResultType(fn.Name)
		}
		return ""
	}

	type edit struct {
		start, end int
		with       string
	}
	var edits []edit
	var r Replay
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == "init" {
				edits = append(edits, edit{fset.Position(d.Pos()).Offset, fset.Position(d.End()).Offset, ""})
				r.Skipped = append(r.Skipped, "func init (it ran with its cell)")
			}
		case *ast.GenDecl:
			if d.Tok != token.VAR {
				continue
			}
			dropped := 0
			for _, spec := range d.Specs {
				vs := spec.(*ast.ValueSpec)
				if len(vs.Values) == 0 || allPure(vs.Values, isType) {
					continue
				}
				var names []string
				for _, n := range vs.Names {
					names = append(names, n.Name)
				}
				typ := ""
				switch {
				case vs.Type != nil:
					typ = text(vs.Type)
				case len(vs.Names) == 1 && len(vs.Values) == 1:
					if call, ok := unparen(vs.Values[0]).(*ast.CallExpr); ok {
						typ = typeOf(call)
					}
				}
				start, end := fset.Position(vs.Pos()).Offset, fset.Position(vs.End()).Offset
				if typ != "" {
					edits = append(edits, edit{start, end, strings.Join(names, ", ") + " " + typ})
					r.Zeroed = append(r.Zeroed, names...)
					continue
				}
				edits = append(edits, edit{start, end, ""})
				dropped++
				for _, n := range names {
					r.Skipped = append(r.Skipped, "var "+n+" (its initializer runs code, and its type is not written)")
				}
			}
			if dropped == len(d.Specs) && !d.Lparen.IsValid() {
				// "var x = f()" alone: drop the whole declaration.
				edits[len(edits)-1] = edit{fset.Position(d.Pos()).Offset, fset.Position(d.End()).Offset, ""}
			}
		}
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	out := src
	for _, e := range edits {
		out = out[:e.start] + e.with + out[e.end:]
	}
	r.Source = strings.TrimPrefix(out, pkg)
	return r
}

// singleResult returns the type of a function's one unnamed-or-named
// result, as source text, or "".
func singleResult(ft *ast.FuncType, text func(ast.Node) string) string {
	if ft.Results == nil || len(ft.Results.List) != 1 || len(ft.Results.List[0].Names) > 1 {
		return ""
	}
	return text(ft.Results.List[0].Type)
}

// pureBuiltins build values without running other code.
var pureBuiltins = map[string]bool{
	"make": true, "new": true, "len": true, "cap": true, "append": true, "complex": true, "real": true, "imag": true,
	"min": true, "max": true, "bool": true, "string": true, "int": true, "int8": true, "int16": true, "int32": true,
	"int64": true, "uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"float32": true, "float64": true, "complex64": true, "complex128": true, "byte": true, "rune": true, "any": true,
}

// purePackages are standard library packages whose functions build values
// without effects outside them.
var purePackages = map[string]bool{
	"strings": true, "strconv": true, "math": true, "unicode": true, "utf8": true, "cmplx": true, "bits": true,
	"errors": true, "regexp": true, "big": true, "netip": true, "path": true, "filepath": true, "slices": true, "maps": true,
}

// pureFunctions are functions of other packages that only build values.
var pureFunctions = map[string]bool{
	"fmt.Sprintf": true, "fmt.Sprint": true, "fmt.Sprintln": true, "fmt.Errorf": true,
	"time.Duration": true, "time.Date": true, "time.Unix": true, "time.Now": true, "time.ParseDuration": true,
	"context.Background": true, "context.TODO": true, "sync.NewCond": true,
	"bytes.NewBuffer": true, "bytes.NewBufferString": true, "bytes.Repeat": true,
	"rand.New": true, "rand.NewSource": true, "rand.NewPCG": true,
}

// golabConstructors are the golab helper packages whose New… functions
// only build values.
var golabConstructors = map[string]bool{"safe": true, "race": true, "timing": true, "timeline": true, "chart": true, "display": true}

// allPure reports whether evaluating the expressions runs no code but
// building values.
func allPure(exprs []ast.Expr, isType func(string) bool) bool {
	for _, e := range exprs {
		if !buildsOnly(e, isType) {
			return false
		}
	}
	return true
}

func buildsOnly(e ast.Expr, isType func(string) bool) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // a function value; its body runs only when called
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				ok = false
			}
		case *ast.CallExpr:
			if !pureCall(n.Fun, isType) {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// pureCall reports whether calling fn only builds a value: a builtin, a
// conversion to a composite type, or a known pure library function.
func pureCall(fn ast.Expr, isType func(string) bool) bool {
	switch f := unparen(fn).(type) {
	case *ast.Ident:
		return pureBuiltins[f.Name] || isType(f.Name)
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.StarExpr, *ast.FuncType, *ast.InterfaceType:
		return true // a conversion
	case *ast.IndexExpr:
		return pureCall(f.X, isType) // a generic function, instantiated
	case *ast.IndexListExpr:
		return pureCall(f.X, isType)
	case *ast.SelectorExpr:
		pkg, ok := f.X.(*ast.Ident)
		if !ok {
			return false
		}
		if purePackages[pkg.Name] || pureFunctions[pkg.Name+"."+f.Sel.Name] {
			return true
		}
		return golabConstructors[pkg.Name] && strings.HasPrefix(f.Sel.Name, "New")
	}
	return false
}

// ReplaySource is a cell's entry in the notebook's journal: what a new
// worker (after a crash, an interrupt or a changed type) and a golab/proc
// child load of it, by the same rules. decls holds the cell's imports and
// its type, func, const and var declarations; vars its top-level variables
// whose values call nothing (`x := 0` becomes `var x = 0`), kept apart so
// that the journal can leave out those of a cell that ended the worker (a
// `b := make([]byte, 20<<30)` would end the next one too). None of the
// cell's other statements is kept, and the worker's restore runs none of
// the learner's code (see ReplayDecls).
func ReplaySource(plan *Plan) (decls, vars string) {
	var b strings.Builder
	for _, imp := range plan.ImportSpecs {
		b.WriteString(imp.Source() + "\n")
	}
	b.WriteString(plan.Decls)
	return b.String(), topLevelVars(plan.Stmts)
}

// topLevelVars turns a cell's `x := value` statements whose value calls no
// function (other than make and new) into `var x = value`: a new worker or
// a child gets the variable with its first value, as a re-run script would.
func topLevelVars(stmts string) string {
	if strings.TrimSpace(stmts) == "" {
		return ""
	}
	const prefix = "package p;func _(){"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+stmts+"\n}", 0)
	if err != nil {
		return ""
	}
	var b strings.Builder
	body := f.Decls[0].(*ast.FuncDecl).Body
	for _, st := range body.List {
		start, end := fset.Position(st.Pos()).Offset-len(prefix), fset.Position(st.End()).Offset-len(prefix)
		text := stmts[start:end]
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE && len(st.Lhs) == len(st.Rhs) && callsNothing(st) {
				b.WriteString("var " + strings.Replace(text, ":=", "=", 1) + "\n")
			}
		case *ast.DeclStmt:
			// A var Split moved among the statements (its value uses an
			// earlier cell's variable or one the statements define).
			if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR && callsNothing(st) {
				b.WriteString(text + "\n")
			}
		}
	}
	return b.String()
}

// TopLevelVarNames lists the variables that a source of statements
// declares at its top level with var.
func TopLevelVarNames(stmts string) []string {
	fset := token.NewFileSet()
	_, list, err := parseStmts(fset, stmts)
	if err != nil {
		return nil
	}
	var names []string
	for _, st := range list {
		if decl, ok := st.(*ast.DeclStmt); ok {
			if gd, ok := decl.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, spec := range gd.Specs {
					for _, n := range spec.(*ast.ValueSpec).Names {
						names = append(names, n.Name)
					}
				}
			}
		}
	}
	return names
}

func callsNothing(n ast.Node) bool {
	ok := true
	ast.Inspect(n, func(n ast.Node) bool {
		switch c := n.(type) {
		case *ast.CallExpr:
			if id, isIdent := c.Fun.(*ast.Ident); !isIdent || (id.Name != "make" && id.Name != "new") {
				ok = false
			}
		case *ast.FuncLit:
			ok = false
		}
		return ok
	})
	return ok
}

package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/golab-notebooks/golab/kernel/interp/generics"
	"github.com/golab-notebooks/golab/kernel/interp/stdsyms"
)

// ExplicitTypeArgs writes out the type arguments of calls to the
// notebook's generic functions where yaegi v0.16.1 cannot infer them: from
// variadic arguments (Max(3, 9, 2) with Max[T cmp.Ordered](xs ...T) fails
// with "undefined type for T"), from a channel (Sum(ch) with
// Sum[T Number](ch <-chan T)), and from a function (Map(xs, func(x int)
// float64 {…}) with Map[T, U any](xs []T, f func(T) U) failed "cannot use
// type func(int) float64 as type func(int) int" from a later cell). go/types infers them instead, from the cell
// and the earlier cells' declarations (context); a call whose types it
// cannot tell is left as it is. plan is Split(src). Type arguments are
// inserted right after the function's name, so lines stay; src is
// returned unchanged when there is nothing to do.
func ExplicitTypeArgs(src string, plan *Plan, context []string) string {
	if !declaresGeneric(plan, context) || (blank(plan.Decls) && blank(plan.Stmts) && blank(plan.Trailing)) {
		return src // the common case: no parse, no type check
	}
	var imports strings.Builder
	imports.WriteString("package main;")
	for _, imp := range plan.ImportSpecs {
		imports.WriteString("import " + imp.Name + " " + strconv.Quote(imp.Path) + ";")
	}
	head := imports.String()
	fset := token.NewFileSet()
	type piece struct {
		file *ast.File
		base int // where the cell's offset 0 is in the file
	}
	var pieces []piece
	var files []*ast.File
	parse := func(name, text string, base int) {
		f, err := parser.ParseFile(fset, name, text, 0)
		if err == nil {
			files = append(files, f)
			if base >= 0 {
				pieces = append(pieces, piece{f, base})
			}
		}
	}
	if !blank(plan.Decls) {
		// Split renamed main: back to the cell's own text, whose offsets
		// the edits use.
		decls := strings.Replace(plan.Decls, "func "+MainFunc+"(", "func main(", 1)
		parse("decls.go", head+decls, len(head))
	}
	if body := MergeMasks(plan.Stmts, plan.Trailing); !blank(body) {
		const open = "func __golab_cell(){"
		parse("stmts.go", head+open+body+"\n}", len(head+open))
	}
	if len(pieces) == 0 {
		return src
	}
	redefined := map[string]bool{}
	for _, d := range plan.Defined {
		redefined[d.Name] = true
	}
	var ctx strings.Builder
	ctx.WriteString("package main\n")
	for _, c := range context {
		if name := declaredName(c); name != "" && redefined[name] {
			continue // the cell's own definition replaces it
		}
		ctx.WriteString(c + "\n")
	}
	parse("context.go", ctx.String(), -1)

	info := &types.Info{Instances: map[*ast.Ident]types.Instance{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: emptyPackages{}, Error: func(error) {}}
	pkg, _ := conf.Check("main", fset, files, info)
	qualify := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	type insertion struct {
		at   int
		text string
	}
	var edits []insertion
	for _, pc := range pieces {
		ast.Inspect(pc.file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok {
				return true
			}
			fn, ok := info.Uses[id].(*types.Func)
			inst, found := info.Instances[id]
			if !ok || !found || fn.Pkg() != pkg || !needsExplicitTypeArgs(fn.Type().(*types.Signature)) {
				return true
			}
			args := make([]string, inst.TypeArgs.Len())
			for i := range args {
				t := inst.TypeArgs.At(i)
				if !writable(t, pkg) {
					return true
				}
				args[i] = types.TypeString(t, qualify)
			}
			at := fset.Position(id.End()).Offset - pc.base
			edits = append(edits, insertion{at, "[" + strings.Join(args, ", ") + "]"})
			return true
		})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].at > edits[j].at })
	for _, e := range edits {
		if e.at < 0 || e.at > len(src) {
			continue
		}
		src = src[:e.at] + e.text + src[e.at:]
	}
	return src
}

// needsExplicitTypeArgs reports whether yaegi fails to infer a generic
// function's type arguments: it has a variadic parameter of a type
// parameter, or a channel of one.
func needsExplicitTypeArgs(sig *types.Signature) bool {
	if sig.TypeParams().Len() == 0 {
		return false
	}
	params := sig.Params()
	for i := 0; i < params.Len(); i++ {
		t := params.At(i).Type()
		if sig.Variadic() && i == params.Len()-1 && mentionsTypeParam(t, false) {
			return true // ...T, ...<-chan T, ...[]T
		}
		if mentionsTypeParam(t, true) {
			return true // <-chan T, []<-chan T
		}
		if f, ok := t.(*types.Signature); ok && signatureMentionsTypeParam(f) {
			return true // func(T) U: inferred from a function literal, yaegi takes U for T
		}
	}
	return false
}

// signatureMentionsTypeParam reports whether a function type's parameters
// or results hold a type parameter.
func signatureMentionsTypeParam(f *types.Signature) bool {
	for _, tuple := range []*types.Tuple{f.Params(), f.Results()} {
		for i := 0; i < tuple.Len(); i++ {
			if mentionsTypeParam(tuple.At(i).Type(), false) {
				return true
			}
		}
	}
	return false
}

// mentionsTypeParam reports whether t holds a type parameter: anywhere, or
// with inChan only as (part of) a channel's element type.
func mentionsTypeParam(t types.Type, inChan bool) bool {
	switch t := t.(type) {
	case *types.TypeParam:
		return !inChan
	case *types.Chan:
		return mentionsTypeParam(t.Elem(), false)
	case *types.Slice:
		return mentionsTypeParam(t.Elem(), inChan)
	case *types.Array:
		return mentionsTypeParam(t.Elem(), inChan)
	case *types.Pointer:
		return mentionsTypeParam(t.Elem(), inChan)
	case *types.Map:
		return mentionsTypeParam(t.Key(), inChan) || mentionsTypeParam(t.Elem(), inChan)
	}
	return false
}

// writable reports whether a type can be written in the cell as go/types
// names it: no invalid parts (from packages the check did not load), no
// type parameters, and named types only of the notebook or the standard
// packages' predeclared kind.
func writable(t types.Type, pkg *types.Package) bool {
	return writableIn(t, pkg, false)
}

// writableIn is writable, and with typeParams it also takes the type
// parameters of the function around the place the type is written (a
// generic method's T).
func writableIn(t types.Type, pkg *types.Package, typeParams bool) bool {
	ok := true
	var walk func(types.Type)
	walk = func(t types.Type) {
		if !ok {
			return
		}
		switch t := t.(type) {
		case *types.Basic:
			ok = t.Kind() != types.Invalid && t.Info()&types.IsUntyped == 0
		case *types.Named:
			ok = t.Obj().Pkg() == nil || t.Obj().Pkg() == pkg
			if ok && t.Obj().Parent() != pkg.Scope() && t.Obj().Pkg() != nil {
				ok = false // a type declared inside a function
			}
			if ok && t.TypeArgs().Len() > 0 {
				ok = false
			}
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Chan:
			walk(t.Elem())
		case *types.TypeParam:
			ok = typeParams
		default:
			ok = false
		}
	}
	walk(t)
	return ok
}

// emptyPackages imports every package as an empty one: the check is only
// for the types of the notebook's own code, and loading the standard
// library's would need the Go toolchain and time. Uses of their members
// are errors that leave those expressions' types unknown.
type emptyPackages struct{}

func (emptyPackages) Import(path string) (*types.Package, error) {
	if p := knownPackage(path); p != nil {
		return p, nil // what a range over an iterator needs to know
	}
	p := types.NewPackage(path, PackageName(path))
	p.MarkComplete()
	return p, nil
}

// knownPackage returns the packages go/types is told about, as source:
// iter (kernel/interp/generics/iter, as the interpreter has it), and the iterator
// functions of strings and bytes (kernel/interp/stdsyms); nil for others.
func knownPackage(path string) *types.Package {
	switch path {
	case "iter":
		return iterPackage()
	case "strings":
		return stringsPackage()
	case "bytes":
		return bytesPackage()
	}
	return nil
}

var (
	iterPackage    = sync.OnceValue(func() *types.Package { return checkSource("iter", generics.IterSource()) })
	stringsPackage = sync.OnceValue(func() *types.Package { return checkSource("strings", stdsyms.Signatures["strings"]) })
	bytesPackage   = sync.OnceValue(func() *types.Package { return checkSource("bytes", stdsyms.Signatures["bytes"]) })
)

// checkSource type-checks one file as the package at path, or returns nil.
func checkSource(path, src string) *types.Package {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path+".go", src, 0)
	if err != nil {
		return nil
	}
	p, err := (&types.Config{Importer: emptyPackages{}}).Check(path, fset, []*ast.File{f}, nil)
	if err != nil {
		return nil
	}
	return p
}

// PackageName is the name a package is imported by when the import does
// not rename it: the last element of its path, without a major version
// ("math/rand/v2" is rand).
func PackageName(path string) string {
	parts := strings.Split(path, "/")
	name := parts[len(parts)-1]
	if len(parts) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = parts[len(parts)-2]
	}
	return name
}

// declaresGeneric reports whether the cell or its context declares a
// generic function: only then can the check find a call to rewrite.
func declaresGeneric(plan *Plan, context []string) bool {
	for _, d := range plan.Defined {
		if d.Kind == Func && IsGenericFunc(d.Source) {
			return true
		}
	}
	for _, c := range context {
		if IsGenericFunc(c) {
			return true
		}
	}
	return false
}

// declaredName returns the name a declaration's source declares (see
// declName), or "".
func declaredName(src string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, 0)
	if err != nil || len(f.Decls) != 1 {
		return ""
	}
	return declName(f.Decls[0])
}

// MergeMasks overlays two masked pieces of one cell (a Plan's Stmts and
// Trailing, say): where one is blank, the other's text shows.
func MergeMasks(a, b string) string {
	if len(b) > len(a) {
		a, b = b, a
	}
	out := []byte(a)
	for i := 0; i < len(b); i++ {
		if b[i] != ' ' && b[i] != '\n' {
			out[i] = b[i]
		}
	}
	return string(out)
}

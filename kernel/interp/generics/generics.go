// Package generics holds Go source for generic standard library functions
// that yaegi v0.16.1 lacks (slices.Sort, maps.Keys, sync.OnceValue, ...).
// A compiled package cannot hand the interpreter a generic function, so
// these are given to it as source, which it instantiates itself.
//
// The sources live in the subdirectories as ordinary Go packages, so they
// are compiled and tested against the standard library like any other code.
package generics

import (
	_ "embed"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

var (
	//go:embed slices/slices.go
	slicesSource string
	//go:embed extra/extra.go
	extraSource string
	//go:embed iter/iter.go
	iterSource string
)

// IterSource is package iter as source (see kernel/interp/generics/iter), for the
// interpreter and for the rewriter's type checks.
func IterSource() string { return iterSource }

// Package is the name under which the interpreter knows package extra:
// the stand-ins that rewritten cells call (see kernel/interp/cell).
const Package = "__golab_generics"

// Sources returns the source files to compile into an interpreter after
// yaegi's standard library symbols are loaded: they add to its "slices"
// package and define package iter and package Package.
func Sources() []string {
	return []string{
		HideTypeParams(slicesSource),
		iterSource,
		HideTypeParams(strings.Replace(extraSource, "package extra\n", "package "+Package+"\n", 1)),
	}
}

// HideTypeParams renames the type parameters of a source's generic
// functions (E, S, K, V) to names no cell uses: in yaegi v0.16.1 a type
// a cell declares with the same name (type E struct{…}) takes their place,
// and slices.Sort then fails with "undefined type for E" at a line of this
// source. The worker applies it to these sources and to yaegi's own
// (slices.Index, maps.Clone, …) before an interpreter loads them.
func HideTypeParams(src string) string {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		return src // compiling it reports the error
	}
	var at []int // offsets of the type parameters' identifiers
	for _, d := range file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Type.TypeParams == nil {
			continue
		}
		names := map[string]bool{}
		for _, f := range fd.Type.TypeParams.List {
			for _, n := range f.Names {
				names[n.Name] = true
			}
		}
		// Every use of a parameter's name in the function is the parameter
		// (these sources declare nothing else by those names), except a
		// field or method name: x.K, T{K: v}.
		notParam := map[*ast.Ident]bool{}
		ast.Inspect(fd, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				notParam[n.Sel] = true
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok {
					notParam[id] = true
				}
			case *ast.Ident:
				if names[n.Name] && !notParam[n] {
					at = append(at, fset.Position(n.Pos()).Offset)
				}
			}
			return true
		})
	}
	sort.Sort(sort.Reverse(sort.IntSlice(at)))
	for _, off := range at {
		src = src[:off] + typeParamPrefix + src[off:]
	}
	return src
}

// typeParamPrefix starts the hidden names of type parameters.
const typeParamPrefix = "__golab_tp_"

package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// The core-type pass: generic functions whose type parameters have a core
// type yaegi v0.16.1 cannot use.

// corePlan is what coreTypeParams does to a function: the type
// parameters kept (as written), the removed ones (by name and by position
// among all), and the core type written in their place.
type corePlan struct {
	kept     []string
	core     map[string]bool
	coreText string
	removed  []int // positions among the type parameters, in order
	total    int   // the number of type parameters
}

// corePlan decides whether coreTypeParams rewrites fd, and how.
func (r *rewriter) corePlan(fd *ast.FuncDecl) (corePlan, bool) {
	tps := fd.Type.TypeParams
	if tps == nil || len(tps.List) < 2 {
		return corePlan{}, false
	}
	names := map[string]bool{}
	for _, f := range tps.List {
		for _, n := range f.Names {
			names[n.Name] = true
		}
	}
	plan := corePlan{core: map[string]bool{}}
	var coreType ast.Expr // the core type of the removed parameters
	for _, f := range tps.List {
		text, oneLine := r.text(f)
		if !oneLine {
			return corePlan{}, false
		}
		first := plan.total
		plan.total += len(f.Names)
		if u, ok := f.Type.(*ast.UnaryExpr); ok && u.Op == token.TILDE && len(f.Names) > 0 && mentionsAny(u.X, names) {
			own := map[string]bool{}
			for _, n := range f.Names {
				own[n.Name] = true
			}
			switch u.X.(type) {
			case *ast.ArrayType, *ast.MapType:
				results := fd.Type.Results
				if t, ok := r.text(u.X); ok && (results == nil || !mentionsAny(results, own)) {
					if plan.coreText != "" && t != plan.coreText {
						// Two different core types (maps.EqualFunc's map[K]V1
						// and map[K]V2): yaegi then infers the wrong element
						// types ("cannot use map[string]int as
						// map[string]string"), so it is left alone.
						return corePlan{}, false
					}
					for n := range own {
						plan.core[n] = true
					}
					for i := range f.Names {
						plan.removed = append(plan.removed, first+i)
					}
					coreType, plan.coreText = u.X, t
					continue
				}
			}
		}
		plan.kept = append(plan.kept, text)
	}
	if len(plan.core) == 0 || len(plan.kept) == 0 || mentionsAny(coreType, plan.core) {
		return corePlan{}, false // nothing to do, or a core type in terms of a removed parameter
	}
	return plan, true
}

// coreTypeArgs drops, from an explicit instantiation of a function that
// coreTypeParams rewrote, the type arguments of the removed parameters:
// SlicesIndex[[]string, string](s, "zoo") becomes SlicesIndex[string](s,
// "zoo"), and SlicesIndex[[]string](s, v) SlicesIndex(s, v) (the rest is
// inferred, as Go would). Without it yaegi says "not a generic type".
func (r *rewriter) coreTypeArgs(n ast.Node, stack []ast.Node) {
	var fun ast.Expr
	var args []ast.Expr
	var lbrack, rbrack token.Pos
	switch n := n.(type) {
	case *ast.IndexExpr:
		fun, args, lbrack, rbrack = n.X, []ast.Expr{n.Index}, n.Lbrack, n.Rbrack
	case *ast.IndexListExpr:
		fun, args, lbrack, rbrack = n.X, n.Indices, n.Lbrack, n.Rbrack
	default:
		return
	}
	id, ok := fun.(*ast.Ident)
	if !ok {
		return
	}
	plan, ok := r.corePlans()[id.Name]
	if !ok && len(stack) > 0 {
		if call, isCall := stack[len(stack)-1].(*ast.CallExpr); isCall && call.Fun == n {
			plan, ok = r.earlierCorePlan(id.Name) // F[A, B](…) of a function an earlier cell declared
		}
	}
	if !ok || len(args) > plan.total {
		return
	}
	removed := map[int]bool{}
	for _, i := range plan.removed {
		removed[i] = true
	}
	var kept []string
	dropped := false
	for i, a := range args {
		if removed[i] {
			dropped = true
			continue
		}
		text, oneLine := r.text(a)
		if !oneLine {
			return
		}
		kept = append(kept, text)
	}
	switch {
	case !dropped:
	case len(kept) == 0:
		r.replace(lbrack, rbrack+1, "")
	default:
		r.replace(lbrack+1, rbrack, strings.Join(kept, ", "))
	}
}

// earlierCorePlan returns what coreTypeParams did to the function name of
// an earlier cell (Context.Sources), if anything.
func (r *rewriter) earlierCorePlan(name string) (corePlan, bool) {
	if r.sources == nil {
		s := r.ctx.Sources()
		r.sources = &s
	}
	for _, src := range r.sources.Decls {
		const prefix = "package p;"
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "earlier.go", prefix+src, 0)
		if err != nil || len(f.Decls) != 1 {
			continue
		}
		fd, ok := f.Decls[0].(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Name.Name != name {
			continue
		}
		earlier := &rewriter{src: src, fset: fset, base: len(prefix), file: f}
		return earlier.corePlan(fd)
	}
	return corePlan{}, false
}

// corePlans returns, by name, the functions of the source that
// coreTypeParams rewrites.
func (r *rewriter) corePlans() map[string]corePlan {
	if r.cores == nil {
		r.cores = map[string]corePlan{}
		for _, d := range r.file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				if plan, ok := r.corePlan(fd); ok {
					r.cores[fd.Name.Name] = plan
				}
			}
		}
	}
	return r.cores
}

// coreTypeParams removes from a generic function a type parameter that
// stands for a slice or map of the others, `S ~[]E` or `M ~map[K]V`, and
// writes its core type where it was used: Sum[S ~[]E, E Number](s S)
// becomes Sum[E Number](s []E). yaegi v0.16.1 cannot declare such a
// function ("undefined type for E"); the rewritten one accepts the same
// arguments (a named slice type is assignable to []E) and infers the same
// other type arguments. When the parameter is a result type the function
// would return the unnamed type instead of the caller's named one, so such
// functions are left as they are (the interpreter refuses them).
func (r *rewriter) coreTypeParams(fd *ast.FuncDecl) {
	plan, ok := r.corePlan(fd)
	if !ok {
		return
	}
	tps, kept, core, coreText := fd.Type.TypeParams, plan.kept, plan.core, plan.coreText
	r.replace(tps.Opening+1, tps.Closing, strings.Join(kept, ", "))
	skip := map[*ast.Ident]bool{}
	ast.Inspect(fd, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			skip[n.Sel] = true
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok {
				skip[id] = true
			}
		case *ast.Field:
			for _, id := range n.Names {
				skip[id] = true // a field or parameter name, not a type
			}
		case *ast.FieldList:
			if n == tps {
				return false // the list itself is rewritten whole
			}
		case *ast.Ident:
			if core[n.Name] && !skip[n] {
				r.replace(n.Pos(), n.End(), coreText)
			}
		}
		return true
	})
}

// CoreTypeParamsInFile applies the core type rewrite (see coreTypeParams)
// to the generic functions of a whole source file: yaegi's own generic
// standard library (maps.Equal, maps.Copy, …), which the worker loads.
func CoreTypeParamsInFile(src string) string {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "lib.go", src, 0)
	if err != nil {
		return src
	}
	r := &rewriter{src: src, fset: fset, file: file}
	for _, d := range file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			r.coreTypeParams(fd)
		}
	}
	out, _ := apply(src, r.edits) // one pass, over separate declarations: no overlap
	return out
}

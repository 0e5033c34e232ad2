package cell

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// This file rewrites cell source on its syntax tree so that yaegi v0.16.1
// runs modern Go as the compiler does. Each rewrite keeps every line where
// it was (text is only inserted or replaced within a line), so errors and
// panics still point at cell lines. The measured gaps they close are listed
// in docs/kernel-notes.md; each has its own test in rewrite_test.go.

// Prelude declares the helpers rewritten cells call. The kernel evaluates
// it once, before the first cell.
const Prelude = `
import __golab_math "math"
import __golab_reflect "reflect"
import __golab_goroutines "golab.internal/goroutines"
import __golab_goprint "golab.internal/goprint"
import __golab_cell "golab.internal/cell"
import __golab_sync "golab.internal/sync"

func __golab_min[T any](x T, ys ...T) T {
	for _, y := range ys {
		if __golab_replaces(__golab_reflect.ValueOf(x), __golab_reflect.ValueOf(y), -1) {
			x = y
		}
	}
	return x
}

func __golab_max[T any](x T, ys ...T) T {
	for _, y := range ys {
		if __golab_replaces(__golab_reflect.ValueOf(x), __golab_reflect.ValueOf(y), 1) {
			x = y
		}
	}
	return x
}

// __golab_replaces reports whether y takes x's place as the min (side -1)
// or the max (side 1): it is on that side of x, or a NaN, which both
// return; of two zeros, min takes -0 and max +0. The helpers take any type
// and compare through reflect, because yaegi v0.16.1 panics instantiating
// a cmp.Ordered function with a compiled package's named type
// (min(best, time.Since(start)), a time.Duration).
func __golab_replaces(x, y __golab_reflect.Value, side int) bool {
	switch x.Kind() {
	case __golab_reflect.Int, __golab_reflect.Int8, __golab_reflect.Int16, __golab_reflect.Int32, __golab_reflect.Int64:
		return (side < 0 && y.Int() < x.Int()) || (side > 0 && y.Int() > x.Int())
	case __golab_reflect.Uint, __golab_reflect.Uint8, __golab_reflect.Uint16, __golab_reflect.Uint32, __golab_reflect.Uint64, __golab_reflect.Uintptr:
		return (side < 0 && y.Uint() < x.Uint()) || (side > 0 && y.Uint() > x.Uint())
	case __golab_reflect.String:
		return (side < 0 && y.String() < x.String()) || (side > 0 && y.String() > x.String())
	case __golab_reflect.Float32, __golab_reflect.Float64:
		a, b := x.Float(), y.Float()
		switch {
		case __golab_math.IsNaN(a):
			return false
		case __golab_math.IsNaN(b):
			return true
		case a == 0 && b == 0:
			return __golab_math.Signbit(b) == (side < 0) && __golab_math.Signbit(a) != __golab_math.Signbit(b)
		}
		return (side < 0 && b < a) || (side > 0 && b > a)
	}
	panic("invalid argument: min and max need ordered values (numbers or strings), not " + x.Type().String())
}

func __golab_clear(x interface{}) { __golab_reflect.ValueOf(x).Clear() }

func __golab_new[T any](v T) *T { return &v }

`

// TypeContext is what the earlier cells declared, as source.
type TypeContext struct {
	// Imports are the notebook's imports, each as written in an import
	// declaration: `"fmt"`, `r "math/rand"`.
	Imports []string
	// Decls are the declarations of earlier cells, and `var name T` for
	// the variables their statements made.
	Decls []string
}

// Earlier tells the rewriter about names that earlier cells defined, which
// the cell's own syntax cannot show. Any of its functions may be nil.
type Earlier struct {
	// IsInt reports whether a name is an integer variable or constant, so
	// that `for i := range n` can be told apart from ranging over a slice.
	IsInt func(name string) bool
	// IsWaitGroup reports whether a name is a sync.WaitGroup variable (or
	// a pointer to one), so that wg.Go is told apart from other Go methods.
	IsWaitGroup func(name string) bool
	// IsMethod reports whether an earlier cell declared a method of that
	// name, on any type (see boundReceiver).
	IsMethod func(name string) bool
	// Context tells go/types what the earlier cells declared, for it to
	// tell the type of an expression the syntax does not show (see
	// typeOf). It is called at most once per rewrite, and only when needed.
	Context func() TypeContext
	// LockSite numbers a place where code calls Lock or RLock: its line,
	// the function declared around it ("Transfer", "Box.Move", or "" for a
	// cell's statements) and the call as written. If it is set, each such
	// call reports its number first (see lockSite).
	LockSite func(line int, fn, call string) int
}

// RewriteDecls rewrites a source of declarations (Plan.Decls, or one
// Definition's Source) for the interpreter.
func RewriteDecls(src string, earlier Earlier) Rewritten {
	const prefix = "package p;"
	return rewrite(prefix, src, "", earlier, false)
}

// RewriteStmts rewrites a source of statements (Plan.Stmts or
// Plan.Trailing) for the interpreter. Top-level compound statements (for,
// if, switch, select, blocks) are run inside a function literal: yaegi
// mishandles variables that select cases and loop bodies declare at the top
// level of a cell.
func RewriteStmts(src string, earlier Earlier) Rewritten {
	const prefix = "package p;func _(){"
	return rewrite(prefix, src, "\n}", earlier, true)
}

func rewrite(prefix, src, suffix string, earlier Earlier, topLevel bool) Rewritten {
	if blank(src) {
		return Rewritten{Source: src}
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "cell.go", prefix+src+suffix, 0)
	if err != nil {
		return Rewritten{Source: src} // the caller reports syntax errors from the original
	}
	r := &rewriter{src: src, fset: fset, base: len(prefix), earlier: earlier, file: file}
	if topLevel {
		if fn, ok := file.Decls[0].(*ast.FuncDecl); ok {
			for _, st := range fn.Body.List {
				for _, p := range passes {
					if p.topLevel != nil {
						r.pass = p.name
						p.topLevel(r, st)
					}
				}
			}
		}
	}
	r.walk(file)
	out, conflicts := apply(src, r.edits)
	return Rewritten{Source: out, Conflicts: conflicts, Unsupported: r.unsupported, edits: r.edits}
}

// Rewritten is a source as the rewriter left it.
type Rewritten struct {
	Source string
	// Conflicts are the edits that were dropped because an earlier one
	// had changed the same text: the source may run differently from Go
	// there. (None is known to happen; the kernel says so if one does.)
	Conflicts []Conflict
	// Unsupported lists what the rewriter found the interpreter cannot run
	// as Go does, and left as it was: the cell should be refused with it.
	Unsupported []Unsupported
	edits       []edit
}

// Conflict is an edit of one pass dropped because it overlapped an edit
// of another (or of the same) pass.
type Conflict struct {
	Line          int    // the line of the dropped edit's start
	Kept, Dropped string // the passes' names
}

func (c Conflict) String() string {
	return fmt.Sprintf("line %d: the %s rewrite overlapped the %s rewrite and was left out", c.Line, c.Dropped, c.Kept)
}

// edit replaces src[start:end] with text; an insertion has start == end.
// Insertions at one offset keep the order they were made in, except that
// late ones (closing a wrapper) come after the others, in the reverse
// order: a wrapper made later is inside one made earlier.
type edit struct {
	start, end int
	text       string
	late       bool
	seq        int
	pass       string // the pass that made it
}

type rewriter struct {
	src     string // the source being rewritten
	fset    *token.FileSet
	base    int
	earlier Earlier
	edits   []edit
	fresh   int    // counter for fresh names
	pass    string // the pass running, whose name edits carry
	file    *ast.File
	facts   *types.Info    // go/types' view of the source, made when first asked (see typeOf)
	pkg     *types.Package // the package that check made
	checked []*ast.File    // the files check read: the source's and the earlier cells'
	cores   map[string]corePlan
	context *TypeContext // Earlier.Context's answer, once asked
	// yieldReturns are the return statements range-func rewrote.
	yieldReturns map[*ast.ReturnStmt]bool
	// Unsupported collects what the rewrite cannot give Go's meaning.
	unsupported []Unsupported
}

func (r *rewriter) off(p token.Pos) int { return r.fset.Position(p).Offset - r.base }

func (r *rewriter) insert(p token.Pos, text string) {
	at := r.off(p)
	r.edits = append(r.edits, edit{start: at, end: at, text: text, seq: len(r.edits), pass: r.pass})
}

func (r *rewriter) insertLate(p token.Pos, text string) {
	at := r.off(p)
	r.edits = append(r.edits, edit{start: at, end: at, text: text, late: true, seq: len(r.edits), pass: r.pass})
}

func (r *rewriter) replace(from, to token.Pos, text string) {
	r.edits = append(r.edits, edit{start: r.off(from), end: r.off(to), text: text, seq: len(r.edits), pass: r.pass})
}

func (r *rewriter) name(kind string) string {
	r.fresh++
	return "__golab_" + kind + strconv.Itoa(r.fresh)
}

// apply makes the edits; a replacement that overlaps an earlier one is
// dropped rather than corrupting the source, and reported.
func apply(src string, edits []edit) (string, []Conflict) {
	sort.SliceStable(edits, func(i, j int) bool {
		a, b := edits[i], edits[j]
		if a.start != b.start {
			return a.start < b.start
		}
		if a.late != b.late {
			return !a.late
		}
		if a.late {
			return a.seq > b.seq // closings nest: the inner wrapper, made later, closes first
		}
		return a.seq < b.seq
	})
	var b strings.Builder
	var conflicts []Conflict
	at := 0
	var last edit // the last edit made, which a dropped one overlapped
	for _, e := range edits {
		if e.start < at || e.start > len(src) || e.end > len(src) {
			line := 1 + strings.Count(src[:min(max(e.start, 0), len(src))], "\n")
			conflicts = append(conflicts, Conflict{Line: line, Kept: last.pass, Dropped: e.pass})
			continue
		}
		b.WriteString(src[at:e.start])
		b.WriteString(e.text)
		at = e.end
		last = e
	}
	b.WriteString(src[at:])
	return b.String(), conflicts
}

// wrapTopLevel runs a top-level compound statement inside func(){ … }(),
// unless it jumps out of itself (return, goto, a labeled branch to an outer
// label) or defers, which a function literal would change.
func (r *rewriter) wrapTopLevel(st ast.Stmt) {
	inner := st
	if l, ok := st.(*ast.LabeledStmt); ok {
		inner = l.Stmt
	}
	switch inner.(type) {
	case *ast.ForStmt, *ast.RangeStmt, *ast.SelectStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.IfStmt, *ast.BlockStmt:
	default:
		return
	}
	labels := map[string]bool{}
	escapes := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.LabeledStmt:
			labels[n.Label.Name] = true
		case *ast.ReturnStmt:
			escapes = true
			// (A defer at a cell's top level becomes __golab_cell.Defer, a
			// call that registers it for the cell's end: a function literal
			// around it changes nothing.)
		case *ast.BranchStmt:
			if n.Tok == token.GOTO || n.Tok == token.FALLTHROUGH {
				escapes = true
			}
		}
		return !escapes
	})
	ast.Inspect(st, func(n ast.Node) bool {
		if b, ok := n.(*ast.BranchStmt); ok && b.Label != nil && !labels[b.Label.Name] {
			escapes = true
		}
		return !escapes
	})
	if escapes {
		return
	}
	r.insert(st.Pos(), "(func() { ")
	r.insertLate(st.End(), " })()")
}

// parenthesizeFuncLitCall writes a top-level call of a function literal,
// `func() { … }()`, as `(func() { … })()`: yaegi v0.16.1 takes a source
// that starts with func for a declaration, and then runs the literal
// again after every later cell (a silent repetition of its output and
// effects).
func (r *rewriter) parenthesizeFuncLitCall(st ast.Stmt) {
	es, ok := st.(*ast.ExprStmt)
	if !ok {
		return
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok {
		return
	}
	if lit, ok := call.Fun.(*ast.FuncLit); ok {
		r.insert(lit.Pos(), "(")
		r.insertLate(lit.End(), ")")
	}
}

// walk runs the passes over every node of a source.
func (r *rewriter) walk(root ast.Node) {
	var stack []ast.Node
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		for _, p := range passes {
			if p.visit == nil {
				continue
			}
			r.pass = p.name
			if p.visit(r, n, stack) {
				break
			}
		}
		stack = append(stack, n)
		return true
	})
}

// rangeStmt rewrites `for i := range n` over an integer as a counting loop
// (yaegi v0.16.1 crashes on it), and gives other range loops per-iteration
// variables.
func (r *rewriter) rangeStmt(n *ast.RangeStmt, stack []ast.Node) {
	if r.rangeChanSlice(n) {
		return
	}
	if !r.isInt(n.X, stack) {
		if n.Tok == token.DEFINE {
			r.perIteration(n.Body, n.Key, n.Value)
		}
		return
	}
	i, limit := r.name("i"), r.name("n")
	from := n.Range
	if n.Key != nil {
		from = n.Key.Pos()
	}
	// The counter has the range expression's type, as in Go: n - n for an
	// expression that is safe to evaluate twice, T(0) when go/types names
	// the type, and int otherwise.
	start := "0, int("
	closing := ")"
	if src, oneLine := r.text(n.X); pure(n.X) && oneLine {
		start = "(" + src + ")-(" + src + "), ("
	} else if name := intTypeName(r.typeOf(n.X)); name != "" {
		start = name + "(0), ("
	}
	r.replace(from, n.X.Pos(), i+", "+limit+" := "+start)
	r.insert(n.X.End(), closing+"; "+i+" < "+limit+"; "+i+"++")
	if id, ok := n.Key.(*ast.Ident); ok && id.Name != "_" {
		op := " := "
		if n.Tok == token.ASSIGN {
			op = " = "
		}
		r.insert(n.Body.Lbrace+1, " "+id.Name+op+i+";")
	}
}

// rangeChanSlice rewrites `for k, v := range cs` over a slice or array of
// channels, which yaegi v0.16.1 panics on ("reflect: call of
// reflect.Value.Len on int Value"), into a loop over the indexes: over a
// name, `for i := range cs { v := cs[i]; k := i; … }`; over any other
// expression, evaluated once as in Go, `for i, s := 0, X; i < len(s); i++
// { v := s[i]; k := i; … }`. The declaration or, where the syntax does not
// show it (make, a field, a call, an earlier cell), go/types tells the
// element type. It reports whether it did.
func (r *rewriter) rangeChanSlice(n *ast.RangeStmt) bool {
	if n.Tok != token.DEFINE || n.Value == nil {
		return false
	}
	value, ok := n.Value.(*ast.Ident)
	if !ok || value.Name == "_" {
		return false
	}
	id, isName := n.X.(*ast.Ident)
	if !(isName && isChanSlice(id)) && !r.rangesOverChans(n.X) {
		return false
	}
	i := r.name("i")
	var decl string
	if isName {
		r.replace(n.Key.Pos(), n.X.Pos(), i+" := range ")
		decl = " " + value.Name + " := " + id.Name + "[" + i + "];"
	} else {
		elems := r.name("chans")
		r.replace(n.Key.Pos(), n.X.Pos(), i+", "+elems+" := 0, ")
		r.insert(n.X.End(), "; "+i+" < len("+elems+"); "+i+"++")
		decl = " " + value.Name + " := " + elems + "[" + i + "];"
	}
	if key, ok := n.Key.(*ast.Ident); ok && key.Name != "_" {
		decl += " " + key.Name + " := " + i + "; _ = " + key.Name + ";"
	}
	r.insert(n.Body.Lbrace+1, decl)
	return true
}

// rangesOverChans asks go/types whether a range expression is a slice or
// an array of channels, unless the syntax already says it is not.
func (r *rewriter) rangesOverChans(x ast.Expr) bool {
	switch x := unparen(x).(type) {
	case *ast.BasicLit, *ast.FuncLit:
		return false
	case *ast.CompositeLit:
		if chans, known := syntaxShowsChans(x.Type); known {
			return chans
		}
	case *ast.Ident:
		if chans, known := syntaxShowsChans(declaredType(x)); known {
			return chans
		}
	}
	var elem types.Type
	switch t := r.typeOf(x).(type) {
	case nil:
		return false
	default:
		switch u := t.Underlying().(type) {
		case *types.Slice:
			elem = u.Elem()
		case *types.Array:
			elem = u.Elem()
		default:
			return false
		}
	}
	_, isChan := elem.Underlying().(*types.Chan)
	return isChan
}

// syntaxShowsChans tells from a written type whether it is a slice or an
// array of channels, when the syntax is enough to know.
func syntaxShowsChans(t ast.Expr) (chans, known bool) {
	var elem ast.Expr
	switch t := t.(type) {
	case nil:
		return false, false
	case *ast.ArrayType:
		elem = t.Elt
	case *ast.Ellipsis:
		elem = t.Elt
	case *ast.Ident:
		return false, t.Obj == nil && types.Universe.Lookup(t.Name) != nil // int, string, …
	case *ast.MapType, *ast.ChanType, *ast.StructType, *ast.FuncType, *ast.StarExpr:
		return false, true
	default:
		return false, false
	}
	switch e := elem.(type) {
	case *ast.ChanType:
		return true, true
	case *ast.Ident:
		return false, e.Obj == nil && types.Universe.Lookup(e.Name) != nil
	case *ast.MapType, *ast.StructType, *ast.FuncType, *ast.StarExpr, *ast.ArrayType:
		return false, true
	}
	return false, false
}

// isChanSlice reports whether an identifier is declared in the source as
// a slice of channels: a variadic or slice parameter, or a variable.
func isChanSlice(id *ast.Ident) bool {
	switch t := declaredType(id).(type) {
	case *ast.Ellipsis:
		_, isChan := t.Elt.(*ast.ChanType)
		return isChan
	case *ast.ArrayType:
		_, isChan := t.Elt.(*ast.ChanType)
		return isChan && t.Len == nil
	}
	return false
}

// declaredType is the type an identifier's declaration in the source
// writes out (a parameter's, `var x T`, `x := T{…}`, `x := make(T, n)`),
// or nil.
func declaredType(id *ast.Ident) ast.Expr {
	if id.Obj == nil {
		return nil
	}
	var names []*ast.Ident
	var values []ast.Expr
	switch d := id.Obj.Decl.(type) {
	case *ast.Field:
		return d.Type
	case *ast.ValueSpec:
		if d.Type != nil {
			return d.Type
		}
		names, values = d.Names, d.Values
	case *ast.AssignStmt:
		for _, l := range d.Lhs {
			li, _ := l.(*ast.Ident)
			names = append(names, li)
		}
		values = d.Rhs
	}
	for i, name := range names {
		if name == nil || name.Name != id.Name || i >= len(values) || len(values) != len(names) {
			continue
		}
		switch v := values[i].(type) {
		case *ast.CompositeLit:
			return v.Type
		case *ast.CallExpr:
			if fn, ok := v.Fun.(*ast.Ident); ok && fn.Name == "make" && fn.Obj == nil && len(v.Args) > 0 {
				return v.Args[0]
			}
		}
	}
	return nil
}

// text is the source of a node, before rewriting, and whether it fits on
// one line (copying a longer one would move the lines after it).
func (r *rewriter) text(n ast.Node) (string, bool) {
	start, end := r.off(n.Pos()), r.off(n.End())
	if start < 0 || end > len(r.src) || start > end {
		return "", false
	}
	s := r.src[start:end]
	return s, !strings.Contains(s, "\n")
}

// pure reports whether evaluating an expression twice is harmless.
func pure(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit, *ast.Ident:
		return true
	case *ast.ParenExpr:
		return pure(e.X)
	case *ast.SelectorExpr:
		return pure(e.X)
	case *ast.BinaryExpr:
		return pure(e.X) && pure(e.Y)
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && (id.Name == "len" || id.Name == "cap") && len(e.Args) == 1 {
			return pure(e.Args[0])
		}
	}
	return false
}

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
		return r.earlier.IsInt != nil && r.earlier.IsInt(id.Name)
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

// loopVars gives a three-clause for loop's variables per-iteration copies
// in the body, as Go 1.22 does, when a closure, a defer, a go statement or
// an address taken in the body could keep one. A variable the body changes
// (`i++` inside) is copied back at the end of the iteration and before
// each continue, so the loop's condition and post statement see the
// change, as Go's own copy does.
func (r *rewriter) loopVars(n *ast.ForStmt, stack []ast.Node) {
	as, ok := n.Init.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE || !r.keepsLoopVars(n.Body, as.Lhs) {
		return
	}
	var copies []ast.Expr
	var back strings.Builder // the copy back, before each continue and at the end
	var head strings.Builder
	for _, lhs := range as.Lhs {
		id, ok := lhs.(*ast.Ident)
		if !ok || id.Name == "_" || declares(n.Body, id.Name) {
			continue
		}
		if !changes(n.Body, id.Name) {
			copies = append(copies, id)
			continue
		}
		outer := r.name("p")
		head.WriteString(" " + outer + " := &" + id.Name + "; " + id.Name + " := *" + outer + "; _ = " + id.Name + ";")
		back.WriteString(" *" + outer + " = " + id.Name + ";")
	}
	r.perIteration(n.Body, copies...)
	if head.Len() == 0 {
		return
	}
	r.insert(n.Body.Lbrace+1, head.String())
	for _, c := range continuesOf(n, stack) {
		r.insert(c.Pos(), "{"+back.String()+" ")
		r.insertLate(c.End(), " }")
	}
	r.insert(n.Body.Rbrace, back.String()+" ")
}

// continuesOf returns the continue statements that go on with loop n: an
// unlabeled one not inside a nested loop, or one naming n's label; those
// in function literals belong to other functions.
func continuesOf(n *ast.ForStmt, stack []ast.Node) []*ast.BranchStmt {
	label := ""
	if len(stack) > 0 {
		if l, ok := stack[len(stack)-1].(*ast.LabeledStmt); ok && l.Stmt == n {
			label = l.Label.Name
		}
	}
	var found []*ast.BranchStmt
	var visit func(node ast.Node, nested bool)
	visit = func(node ast.Node, nested bool) {
		ast.Inspect(node, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt:
				if m != n {
					visit(m.Body, true)
					return false
				}
			case *ast.RangeStmt:
				visit(m.Body, true)
				return false
			case *ast.BranchStmt:
				if m.Tok == token.CONTINUE && ((m.Label == nil && !nested) || (m.Label != nil && m.Label.Name == label)) {
					found = append(found, m)
				}
			}
			return true
		})
	}
	visit(n.Body, false)
	return found
}

// keepsLoopVars reports whether a loop body can keep one of its loop
// variables beyond the iteration: it holds a closure, a defer or a go
// statement, or takes the address of one of them.
func (r *rewriter) keepsLoopVars(body *ast.BlockStmt, vars []ast.Expr) bool {
	if body == nil {
		return false
	}
	if hasClosure(body) || hasDeferOrGo(body) {
		return true
	}
	for _, v := range vars {
		if id, ok := v.(*ast.Ident); ok && id.Name != "_" && takesAddress(body, id.Name) {
			return true
		}
	}
	return false
}

// perIteration declares fresh copies of loop variables at the top of the
// body when the body can keep one (keepsLoopVars): yaegi v0.16.1 gives a
// closure, a deferred call or a pointer the loop variable itself, so
// `defer fmt.Println(i)` in a three-clause loop printed its last value
// each time, and `&v` in a range loop was one address for all.
func (r *rewriter) perIteration(body *ast.BlockStmt, vars ...ast.Expr) {
	if !r.keepsLoopVars(body, vars) {
		return
	}
	var b strings.Builder
	for _, v := range vars {
		id, ok := v.(*ast.Ident)
		if !ok || id.Name == "_" || declares(body, id.Name) {
			continue
		}
		tmp := r.name("v")
		// Through a temporary: `i := i` at the top level of a cell hangs yaegi.
		b.WriteString(" " + tmp + " := " + id.Name + "; " + id.Name + " := " + tmp + "; _ = " + id.Name + ";")
	}
	if b.Len() > 0 {
		r.insert(body.Lbrace+1, b.String())
	}
}

// closureArgs binds, for each function literal passed to a call inside a
// loop, the loop variables it uses to their values of this iteration:
// `f(func() { use(i) })` becomes
// `f((func() func() { c := i; i := c; return func() { use(i) } })())`.
// yaegi v0.16.1 hands compiled code (timeline.Go, clock.Go, …) closures
// that see the loop variables of the last iteration; a closure made inside
// a fresh call keeps its own. Literals run by go or defer are left alone.
func (r *rewriter) closureArgs(call *ast.CallExpr, stack []ast.Node) {
	if _, ok := call.Fun.(*ast.FuncLit); ok {
		return // an immediately called literal
	}
	if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "append" && id.Obj == nil {
		return // no compiled code: the literal keeps the per-iteration variables loop-vars gives it
	}
	if _, lit := r.waitGroupGoCall(call); lit != nil {
		return // becomes a go statement (waitGroupGo), which gives each goroutine its own variables
	}
	if n := len(stack); n > 0 {
		switch stack[n-1].(type) {
		case *ast.GoStmt, *ast.DeferStmt:
			return
		}
	}
	loopVars := enclosingLoopVars(stack)
	if len(loopVars) == 0 {
		return
	}
	for _, arg := range call.Args {
		lit, ok := arg.(*ast.FuncLit)
		if !ok {
			continue
		}
		var used []string
		seen := map[token.Pos]bool{}
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Obj != nil && loopVars[id.Obj.Pos()] && !seen[id.Obj.Pos()] && !assigns(lit.Body, id.Name) {
				seen[id.Obj.Pos()] = true
				used = append(used, id.Name)
			}
			return true
		})
		if len(used) == 0 {
			continue
		}
		typ, _ := r.text(lit.Type)
		var b strings.Builder
		b.WriteString("(func() " + strings.Join(strings.Fields(typ), " ") + " {")
		for _, name := range used {
			tmp := r.name("v")
			b.WriteString(" " + tmp + " := " + name + "; " + name + " := " + tmp + ";")
		}
		b.WriteString(" return ")
		r.insert(lit.Pos(), b.String())
		r.insertLate(lit.End(), " })()")
	}
}

// enclosingLoopVars returns the variables that the loops around a node,
// within its function, declare in their headers, by declaring position.
func enclosingLoopVars(stack []ast.Node) map[token.Pos]bool {
	vars := map[token.Pos]bool{}
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return vars
		case *ast.ForStmt:
			if as, ok := n.Init.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Obj != nil {
						vars[id.Obj.Pos()] = true
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok && id.Obj != nil {
						vars[id.Obj.Pos()] = true
					}
				}
			}
		}
	}
	return vars
}

// declares reports whether a block's own statements declare a name with
// := (the pre-1.22 idiom i := i), which makes a copy of our own redundant.
func declares(body *ast.BlockStmt, name string) bool {
	for _, st := range body.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == name {
					return true
				}
			}
		}
	}
	return false
}

// hasDeferOrGo reports whether a node holds a defer or go statement.
func hasDeferOrGo(n ast.Node) bool {
	return contains(n, false, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.DeferStmt, *ast.GoStmt:
			return true
		}
		return false
	})
}

// hasClosure reports whether a node holds a function literal.
func hasClosure(n ast.Node) bool {
	return contains(n, false, func(n ast.Node) bool { _, ok := n.(*ast.FuncLit); return ok })
}

// hasReturn reports whether a node returns, outside function literals.
func hasReturn(n ast.Node) bool {
	return contains(n, true, func(n ast.Node) bool { _, ok := n.(*ast.ReturnStmt); return ok })
}

// contains reports whether a node, or one inside it, matches; with
// skipFuncLits, the insides of function literals are not searched.
func contains(root ast.Node, skipFuncLits bool, match func(ast.Node) bool) bool {
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		if found || n == nil {
			return false
		}
		if match(n) {
			found = true
			return false
		}
		_, lit := n.(*ast.FuncLit)
		return !(skipFuncLits && lit)
	})
	return found
}

// assigns reports whether a body assigns to or increments a name.
func assigns(body ast.Node, name string) bool {
	found := false
	is := func(e ast.Expr) bool { id, ok := e.(*ast.Ident); return ok && id.Name == name }
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, l := range n.Lhs {
					found = found || is(l)
				}
			}
		case *ast.IncDecStmt:
			found = found || is(n.X)
		case *ast.UnaryExpr:
			found = found || (n.Op == token.AND && is(n.X))
		}
		return !found
	})
	return found
}

// changes reports whether a body assigns to name or increments it.
func changes(body ast.Node, name string) bool {
	return contains(body, false, func(n ast.Node) bool {
		is := func(e ast.Expr) bool { id, ok := e.(*ast.Ident); return ok && id.Name == name }
		switch n := n.(type) {
		case *ast.AssignStmt:
			return n.Tok != token.DEFINE && slices.ContainsFunc(n.Lhs, is)
		case *ast.IncDecStmt:
			return is(n.X)
		}
		return false
	})
}

// takesAddress reports whether a body takes the address of name.
func takesAddress(body ast.Node, name string) bool {
	return contains(body, false, func(n ast.Node) bool {
		u, ok := n.(*ast.UnaryExpr)
		if !ok || u.Op != token.AND {
			return false
		}
		id, ok := u.X.(*ast.Ident)
		return ok && id.Name == name
	})
}

// breakInSelect turns `break L` inside a select case into a goto to just
// after the statement labeled L: yaegi v0.16.1 loops forever on the break.
func (r *rewriter) breakInSelect(n *ast.BranchStmt, stack []ast.Node) {
	if n.Tok != token.BREAK || n.Label == nil {
		return
	}
	inSelect := false
	for i := len(stack) - 1; i >= 0; i-- {
		switch s := stack[i].(type) {
		case *ast.FuncLit:
			return
		case *ast.SelectStmt:
			inSelect = true
		case *ast.LabeledStmt:
			if s.Label.Name != n.Label.Name {
				continue
			}
			if !inSelect {
				return
			}
			target := "__golab_break_" + n.Label.Name
			r.replace(n.Pos(), n.End(), "goto "+target)
			r.labelAfter(s, target)
			return
		}
	}
}

// labelAfter places a label right after a statement, once.
func (r *rewriter) labelAfter(s *ast.LabeledStmt, label string) {
	at := r.off(s.End())
	for _, e := range r.edits {
		if e.start == at && strings.Contains(e.text, label+":") {
			return
		}
	}
	r.insert(s.End(), "; "+label+": ;")
}

// returnReceive hoists a receive that is a whole return value into a
// variable: yaegi v0.16.1 panics on `return <-ch`.
func (r *rewriter) returnReceive(n *ast.ReturnStmt) {
	if r.yieldReturns[n] {
		return // a return that range-func turns into assignments, where a receive is fine
	}
	var pre strings.Builder
	for _, res := range n.Results {
		u, ok := unparen(res).(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW {
			continue
		}
		recv, oneLine := r.text(u)
		if !oneLine {
			continue
		}
		tmp := r.name("r")
		pre.WriteString(tmp + " := " + recv + "; ")
		r.replace(res.Pos(), res.End(), tmp)
	}
	if pre.Len() > 0 {
		r.insert(n.Pos(), pre.String())
	}
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// builtin replaces the Go 1.21 builtins min, max and clear, which yaegi
// v0.16.1 does not know, when nothing in the source redefines them.
func (r *rewriter) builtin(call *ast.CallExpr, stack []ast.Node) {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Obj != nil {
		return
	}
	switch id.Name {
	case "min", "max":
		if v, ok := constantFold(id.Name, call.Args); ok {
			r.replace(call.Pos(), call.End(), v)
			return
		}
		r.replace(id.Pos(), id.End(), "__golab_"+id.Name)
	case "clear":
		r.replace(id.Pos(), id.End(), "__golab_clear")
	case "new":
		r.newValue(call, inFunction(stack))
	case "recover":
		// yaegi v0.16.1 recovers a reflect.Value holding the panic value,
		// so r.(error) and type switches on it never matched (see
		// goprint.Recovered).
		if len(call.Args) == 0 {
			r.insert(call.Pos(), "__golab_goprint.Recovered(")
			r.insertLate(call.End(), ")")
		}
	}
}

// newValue rewrites Go 1.26's new with a value, which yaegi v0.16.1 runs
// as new of the value's type (a silent zero): new(T{…}) becomes &T{…},
// and new of a literal a function that returns a pointer to a copy. Other
// values are refused before the cell runs (see Unsupported).
func (r *rewriter) newValue(call *ast.CallExpr, inFunc bool) {
	if len(call.Args) != 1 {
		return
	}
	switch arg := unparen(call.Args[0]).(type) {
	case *ast.CallExpr, *ast.BinaryExpr:
		// A value, never a type: the generic helper takes its address.
		// (Outside functions yaegi v0.16.1 crashes on the generic call;
		// FindUnsupported refuses those.)
		if inFunc {
			r.insert(call.Fun.Pos(), "__golab_")
		}
	case *ast.CompositeLit:
		if text, _ := r.text(arg); arg.Type != nil && text != "" {
			r.replace(call.Pos(), call.End(), "&"+text)
		}
	default:
		v, ok := literal(arg)
		if !ok {
			return
		}
		typ := map[constant.Kind]string{constant.Int: "int", constant.Float: "float64", constant.String: "string", constant.Complex: "complex128"}[v.Kind()]
		if lit, isLit := arg.(*ast.BasicLit); isLit && lit.Kind == token.CHAR {
			typ = "rune"
		}
		if typ == "" {
			return
		}
		if text, _ := r.text(arg); text != "" {
			r.replace(call.Pos(), call.End(), "func() *"+typ+" { v := "+typ+"("+text+"); return &v }()")
		}
	}
}

// constantFold computes min or max of literal arguments, keeping the kind
// of untyped constant Go would give the result.
func constantFold(fn string, args []ast.Expr) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	var best constant.Value
	float := false
	for _, a := range args {
		v, ok := literal(a)
		if !ok {
			return "", false
		}
		if v.Kind() == constant.Float {
			float = true
		}
		if best == nil ||
			(fn == "min" && constant.Compare(v, token.LSS, best)) ||
			(fn == "max" && constant.Compare(v, token.GTR, best)) {
			best = v
		}
	}
	if best.Kind() == constant.String {
		return best.ExactString(), true
	}
	if float {
		f, _ := constant.Float64Val(constant.ToFloat(best))
		s := strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		return "(" + s + ")", true
	}
	return "(" + best.ExactString() + ")", true
}

// literal evaluates a numeric or string literal, maybe negated.
func literal(e ast.Expr) (constant.Value, bool) {
	switch e := unparen(e).(type) {
	case *ast.BasicLit:
		v := constant.MakeFromLiteral(e.Value, e.Kind, 0)
		return v, v.Kind() != constant.Unknown
	case *ast.UnaryExpr:
		if e.Op == token.SUB {
			if v, ok := literal(e.X); ok && v.Kind() != constant.String {
				return constant.UnaryOp(token.SUB, v, 0), true
			}
		}
	}
	return nil, false
}

// nameParams names the unnamed and blank parameters of a function: yaegi
// v0.16.1 crashes calling such a closure from a goroutine.
func (r *rewriter) nameParams(ft *ast.FuncType) {
	if ft.Params == nil {
		return
	}
	for _, f := range ft.Params.List {
		if len(f.Names) == 0 {
			r.insert(f.Type.Pos(), r.name("p")+" ")
			continue
		}
		for _, n := range f.Names {
			if n.Name == "_" {
				r.replace(n.Pos(), n.End(), r.name("p"))
			}
		}
	}
}

// goStmt makes a goroutine started with `go func() {…}()` or `go f(x)`
// record where it was started, for the kernel's reports of deadlocks and
// of goroutines a cell leaves running: the statement becomes a call of
// goroutines.Go with the line and a closure, which starts a compiled
// goroutine that records itself and calls the closure (5 µs a goroutine,
// where registering from inside the interpreted goroutine cost 27). A
// literal with parameters, go func(x T) {…}(v), registers itself in its
// body instead.
//
// Inside a loop, the go statement also runs in a call of its own,
// `func() { go … }()`. yaegi v0.16.1 writes a function literal's frame
// slot back when a call of the closure returns (interp/run.go, getFunc):
// a goroutine that ends while the loop evaluates the same literal again
// can make the next go statement call a nil func ("reflect.Value.Call:
// call of nil function", a crash) or an earlier iteration's closure (a
// silent wrong answer). In a call of its own, the literal has a slot that
// nothing reads again.
func (r *rewriter) goStmt(n *ast.GoStmt, stack []ast.Node) {
	line := r.fset.Position(n.Pos()).Line
	own := inLoop(stack)
	if lit, ok := n.Call.Fun.(*ast.FuncLit); ok && lit.Body != nil && len(n.Call.Args) == 0 && lit.Type.Params.NumFields() == 0 {
		// go func() { … }() becomes __golab_goroutines.Go(line, func() { … }),
		// in a loop inside a call of its own (see below).
		open, end := fmt.Sprintf("__golab_goroutines.Go(%d, ", line), ")"
		if own {
			open, end = "func() { "+open, end+" }()"
		}
		r.replace(n.Pos(), lit.Pos(), open)
		r.replace(lit.End(), n.Call.End(), end)
		return
	}
	if lit, ok := n.Call.Fun.(*ast.FuncLit); ok && lit.Body != nil {
		r.insert(lit.Body.Lbrace+1, registerGoroutine(line))
		if own {
			r.insert(n.Pos(), "func() { ")
			r.insertLate(n.End(), " }()")
		}
		return
	}
	r.goCall(n, line, own, stack)
}

// inLoop reports whether the innermost function around a node runs it in
// a for or range loop.
func inLoop(stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		}
	}
	return false
}

// registerGoroutine is the code that records a goroutine's start line for
// leak and deadlock reports and for giving its output to its cell.
func registerGoroutine(line int) string {
	return fmt.Sprintf(" __golab_goroutines.Started(%d); defer __golab_goroutines.Ended();", line)
}

// goCall rewrites `go f(x, y)` into `{ a, b := x, y;
// __golab_goroutines.Go(line, func() { f(a, b) }) }`, so that the goroutine
// is registered like a function literal's,
// while the arguments (and the method value of a local receiver, `m :=
// c.Inc`) are still evaluated by the go statement, as Go does.
func (r *rewriter) goCall(n *ast.GoStmt, line int, own bool, stack []ast.Node) {
	call := n.Call
	fun, oneLine := r.text(call.Fun)
	if !oneLine {
		return
	}
	var copies, values []string // temporaries and what they hold, evaluated now
	switch f := call.Fun.(type) {
	case *ast.Ident:
	case *ast.SelectorExpr:
		if recv, _, ok := r.boundReceiver(f, stack); ok {
			// A method of the notebook's: the receiver as Go evaluates it
			// now, and the method called on that copy (see methodvalue.go).
			rv := r.name("rv")
			copies, values = append(copies, rv), append(values, recv)
			fun = rv + "." + f.Sel.Name
			break
		}
		x, ok := f.X.(*ast.Ident)
		if !ok {
			return
		}
		if x.Obj != nil {
			// A local variable: the method value now, as the go statement
			// takes it. (A copy of x would give a method with a pointer
			// receiver a copy too: c.Inc on its own mutex, not c's.)
			recv := r.name("r")
			copies, values = append(copies, recv), append(values, x.Name+"."+f.Sel.Name)
			fun = recv
		}
	default:
		return // generic instantiations, calls of calls, …: left as they are
	}
	var args []string
	for range call.Args {
		a := r.name("a")
		copies, args = append(copies, a), append(args, a)
	}
	spread := ""
	if call.Ellipsis.IsValid() {
		spread = "..."
	}
	body := fmt.Sprintf("__golab_goroutines.Go(%d, func() { %s(%s%s) }) }", line, fun, strings.Join(args, ", "), spread)
	if own { // see goStmt
		body = "func() { " + strings.TrimSuffix(body, " }") + " }() }"
	}
	if len(copies) == 0 {
		r.replace(n.Pos(), call.End(), "{ "+body)
		return
	}
	head := "{ " + strings.Join(copies, ", ") + " := " + strings.Join(values, ", ")
	if len(call.Args) == 0 {
		r.replace(n.Pos(), call.End(), head+"; "+body)
		return
	}
	if len(values) > 0 {
		head += ", "
	}
	// The arguments keep their place (and their own rewrites).
	r.replace(n.Pos(), call.Args[0].Pos(), head)
	r.replace(call.Args[len(call.Args)-1].End(), call.End(), "; "+body)
}

// isWaitGroup reports whether an expression is a variable of type
// sync.WaitGroup or *sync.WaitGroup, as far as the source and the earlier
// cells tell.
func (r *rewriter) isWaitGroup(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	if !ok {
		return false
	}
	if id.Obj == nil {
		return r.earlier.IsWaitGroup != nil && r.earlier.IsWaitGroup(id.Name)
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.ValueSpec: // var wg sync.WaitGroup
		return isWaitGroupType(d.Type)
	case *ast.Field: // func f(wg *sync.WaitGroup)
		return isWaitGroupType(d.Type)
	case *ast.AssignStmt: // wg := &sync.WaitGroup{}, new(sync.WaitGroup)
		for i, lhs := range d.Lhs {
			if l, ok := lhs.(*ast.Ident); ok && l.Obj == id.Obj && i < len(d.Rhs) {
				rhs := d.Rhs[i]
				if u, ok := rhs.(*ast.UnaryExpr); ok && u.Op == token.AND {
					rhs = u.X
				}
				switch v := rhs.(type) {
				case *ast.CompositeLit:
					return isWaitGroupType(v.Type)
				case *ast.CallExpr:
					if f, ok := v.Fun.(*ast.Ident); ok && f.Name == "new" && len(v.Args) == 1 {
						return isWaitGroupType(v.Args[0])
					}
				}
			}
		}
	}
	return false
}

// isWaitGroupType reports whether a type expression is sync.WaitGroup or a
// pointer to it.
func isWaitGroupType(e ast.Expr) bool {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "sync" && sel.Sel.Name == "WaitGroup"
}

// waitGroupGoCall returns the selector and literal of a call
// wg.Go(func() {…}) that waitGroupGo rewrites, or a nil literal.
func (r *rewriter) waitGroupGoCall(call *ast.CallExpr) (*ast.SelectorExpr, *ast.FuncLit) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Go" || len(call.Args) != 1 || !r.isWaitGroup(sel.X) {
		return nil, nil
	}
	lit, ok := call.Args[0].(*ast.FuncLit)
	if !ok || lit.Type.Results != nil || (lit.Type.Params != nil && len(lit.Type.Params.List) > 0) {
		return nil, nil
	}
	return sel, lit
}

// waitGroupGo turns wg.Go(func() {…}) into wg.Add(1); go func() { defer
// wg.Done(); … }(): yaegi v0.16.1 gives a closure handed to compiled code the
// loop variables of the last iteration, where its own go statement gives
// each goroutine its own.
func (r *rewriter) waitGroupGo(call *ast.CallExpr) {
	sel, lit := r.waitGroupGoCall(call)
	if lit == nil {
		return
	}
	wg, oneLine := r.text(sel.X)
	if !oneLine {
		return
	}
	line := r.fset.Position(call.Pos()).Line
	r.replace(call.Pos(), lit.Body.Lbrace+1, wg+".Add(1); go func() {"+registerGoroutine(line)+" defer "+wg+".Done();")
	r.replace(call.Rparen, call.Rparen+1, "()")
}

// deferArgs evaluates a deferred call's arguments when the defer runs, as
// Go does: `defer f(i, i*10)` becomes `{ a, b := i, i*10; defer f(a, b) }`.
// yaegi v0.16.1 reads a variable argument when the function returns (x = 2
// after `defer fmt.Println(x)` printed 2) and keeps one slot per argument
// expression (in a loop every deferred i*10 printed the last one). Calls
// among the arguments are bound too (see movableWithCalls), function
// literals and composites are not, so that moved text loses no rewrite
// inside it; constants stay. A method value of the notebook's as the
// deferred function is made when the defer runs (see methodvalue.go), and
// recover() in a function deferred among the cell's statements takes the
// cell's panic (see recoverInCellDefer).
//
// A defer among the cell's own statements (cellLevel) is given to the
// worker, which runs it when the cell's statements end, as a function's
// defer runs when it returns: yaegi ran it again after every later cell.
func (r *rewriter) deferArgs(n *ast.DeferStmt, stack []ast.Node) {
	cellLevel := !inFunction(stack)
	var names, values []string
	if sel, ok := n.Call.Fun.(*ast.SelectorExpr); ok {
		// A method value of the notebook's, made now (see methodvalue.go).
		if bound, ok := r.boundMethod(sel, stack); ok {
			tmp := r.name("d")
			names, values = append(names, tmp), append(values, bound)
			r.replace(sel.Pos(), sel.End(), tmp)
		}
	}
	for _, arg := range n.Call.Args {
		if constantLooking(arg) || !movableWithCalls(arg) {
			continue
		}
		text, oneLine := r.text(arg)
		if !oneLine {
			continue
		}
		if sel, ok := arg.(*ast.SelectorExpr); ok {
			if bound, ok := r.boundMethod(sel, stack); ok {
				text = bound // a method value passed on, made now
			}
		}
		tmp := r.name("d")
		names, values = append(names, tmp), append(values, text)
		r.replace(arg.Pos(), arg.End(), tmp)
	}
	head, tail := "", ""
	if len(names) > 0 {
		head, tail = "{ "+strings.Join(names, ", ")+" := "+strings.Join(values, ", ")+"; ", " }"
	}
	if lit, ok := n.Call.Fun.(*ast.FuncLit); ok && cellLevel {
		r.recoverInCellDefer(lit)
	}
	switch {
	case cellLevel:
		// The arguments are bound in a fresh call that makes the deferred
		// function: a literal handed to compiled code (Defer) in a loop
		// would see the last iteration's variables.
		bind := ""
		if len(names) > 0 {
			bind = strings.Join(names, ", ") + " := " + strings.Join(values, ", ") + "; "
		}
		r.replace(n.Defer, n.Call.Pos(), "__golab_cell.Defer((func() func() { "+bind+"return func() { ")
		r.insertLate(n.End(), " } })())")
	case len(names) > 0:
		r.replace(n.Defer, n.Call.Pos(), head+"defer ")
		r.insertLate(n.End(), tail)
	}
}

// recoverInCellDefer makes recover() in a function deferred among a cell's
// own statements take the panic of the cell's code: the worker runs such
// calls after the statements ended (see __golab_cell.Defer), when the
// interpreter's recover has nothing to give. Calls in the literal itself
// only: a nested function's recover is its own, as in Go.
func (r *rewriter) recoverInCellDefer(lit *ast.FuncLit) {
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "recover" && id.Obj == nil && len(n.Args) == 0 {
				r.insert(n.Pos(), "__golab_cell.Recover(")
				r.insertLate(n.End(), ")")
			}
		}
		return true
	})
}

// constantLooking reports whether an expression is made of literals only.
func constantLooking(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		return e.Name == "nil" || e.Name == "true" || e.Name == "false" || e.Name == "iota" ||
			e.Obj != nil && e.Obj.Kind == ast.Con
	case *ast.ParenExpr:
		return constantLooking(e.X)
	case *ast.UnaryExpr:
		return constantLooking(e.X)
	case *ast.BinaryExpr:
		return constantLooking(e.X) && constantLooking(e.Y)
	}
	return false
}

// movable reports whether an expression holds no call or function literal.
func movable(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.CallExpr, *ast.FuncLit, *ast.CompositeLit:
			ok = false
		}
		return ok
	})
	return ok
}

// movableWithCalls is movable, but lets through calls of functions and
// methods (`defer fmt.Println("took", time.Since(start))`: Go calls
// time.Since when the defer runs, yaegi when the function returns), except
// the builtins and explicit instantiations other passes rewrite in place.
func movableWithCalls(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.CompositeLit:
			ok = false
		case *ast.CallExpr:
			switch f := unparen(n.Fun).(type) {
			case *ast.Ident:
				ok = !rewrittenBuiltins[f.Name]
			case *ast.SelectorExpr:
			default:
				ok = false
			}
		}
		return ok
	})
	return ok
}

// rewrittenBuiltins are the builtins the builtins pass rewrites in place.
var rewrittenBuiltins = map[string]bool{"min": true, "max": true, "clear": true, "new": true, "recover": true}

// varInFuncLit rewrites `var x = f()` inside a function literal as
// `x := f()`, the same declaration: yaegi v0.16.1 gives x the zero value
// there when f is generic (a silent wrong answer; in a declared function,
// or with := or a written type, it is right). Only a lone, untyped var
// with values is rewritten.
func (r *rewriter) varInFuncLit(n *ast.DeclStmt, stack []ast.Node) {
	gd, ok := n.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR || gd.Lparen.IsValid() || len(gd.Specs) != 1 {
		return
	}
	vs := gd.Specs[0].(*ast.ValueSpec)
	if vs.Type != nil || len(vs.Values) == 0 || !inFuncLit(stack) {
		return
	}
	names := make([]string, len(vs.Names))
	for i, id := range vs.Names {
		names[i] = id.Name
	}
	// "var " becomes the names and ":=", and the names and "=" are removed.
	r.replace(gd.Pos(), vs.Names[0].Pos(), "")
	r.replace(vs.Names[0].Pos(), vs.Values[0].Pos(), strings.Join(names, ", ")+" := ")
}

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
// an earlier cell (Earlier.Context), if anything.
func (r *rewriter) earlierCorePlan(name string) (corePlan, bool) {
	if r.earlier.Context == nil {
		return corePlan{}, false
	}
	if r.context == nil {
		ctx := r.earlier.Context()
		r.context = &ctx
	}
	for _, src := range r.context.Decls {
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

// mentionsAny reports whether a node uses one of the names.
func mentionsAny(n ast.Node, names map[string]bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && names[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

// inFuncLit reports whether the innermost function around a node is a
// function literal.
func inFuncLit(stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].(type) {
		case *ast.FuncLit:
			return true
		case *ast.FuncDecl:
			return false
		}
	}
	return false
}

// inFunction reports whether a node is inside a function of the cell, not
// among its top-level statements (wrapped in func _ for parsing) or
// declarations.
func inFunction(stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncLit:
			return true
		case *ast.FuncDecl:
			return n.Name.Name != "_" || n.Recv != nil
		}
	}
	return false
}

// rangeFunc rewrites a range over a function iterator that the source
// declares (Go 1.23), `for k, v := range pairs(m) { body }`, into a call
// of the iterator with the body as yield: `pairs(m)(func(k K, v V) bool {
// body; return true })`, break becoming return false and continue return
// true. yaegi v0.16.1 fails on the range itself ("nil type"). Bodies with
// a return, a defer, a goto or a labeled branch are left alone, as is a
// labeled loop. It reports whether it rewrote.
func (r *rewriter) rangeFunc(n *ast.RangeStmt, stack []ast.Node) bool {
	if n.Tok == token.ASSIGN {
		return false
	}
	if len(stack) > 0 {
		if _, labeled := stack[len(stack)-1].(*ast.LabeledStmt); labeled {
			return false
		}
	}
	params, ok := r.yieldParams(n.X)
	if !ok {
		return false
	}
	vars := []ast.Expr{n.Key, n.Value}
	if len(params) > 2 || len(params) == 0 && (n.Key != nil) {
		return false
	}
	for i := range params {
		name := "_"
		if i < len(vars) && vars[i] != nil {
			id, ok := vars[i].(*ast.Ident)
			if !ok {
				return false
			}
			name = id.Name
		}
		params[i] = name + " " + params[i]
	}
	var branches []*ast.BranchStmt
	var returns []*ast.ReturnStmt
	if !yieldBody(n.Body, &branches, &returns) {
		return false
	}
	if len(returns) > 0 && r.returnInNestedIterator(n.Body) {
		line := r.fset.Position(n.For).Line
		r.unsupported = append(r.unsupported, Unsupported{Line: line, Column: 1,
			What: "a return inside a range over a function iterator that is itself inside one: golab cannot run it " +
				"in the interpreter yet; move the inner loop into a function of its own, or paste a whole program (package main) to compile it"})
		return false
	}
	before, after, ok := r.returnsFromYield(returns, stack)
	if !ok {
		return false
	}
	r.replace(n.For, n.X.Pos(), before)
	r.replace(n.X.End(), n.Body.Lbrace+1, "(func("+strings.Join(params, ", ")+") bool {")
	for _, b := range branches {
		if b.Tok == token.BREAK {
			r.replace(b.Pos(), b.End(), "return false")
		} else {
			r.replace(b.Pos(), b.End(), "return true")
		}
	}
	r.insert(n.Body.Rbrace, "; return true ")
	r.insertLate(n.Body.Rbrace+1, ")"+after)
	return true
}

// returnsFromYield rewrites the return statements of a range body that
// becomes a yield function: each records how it returned and its values,
// and stops the iterator (`{ __golab_ret1 = 1; __golab_r2 = i; __golab_r3
// = true; return false }`); after the iterator's call, the enclosing
// function returns them (`if __golab_ret1 == 1 { return __golab_r2,
// __golab_r3 }`), or, for a bare return of named results, returns bare
// (2). The values are assigned one statement each, to fresh variables:
// yaegi v0.16.1 panics on `a, e = 1, nil` in a closure, and a named result
// may be shadowed in the body. before declares the variables, after
// returns. It fails when the enclosing function's result types cannot be
// written on one line, or a return gives several results through one
// call.
func (r *rewriter) returnsFromYield(returns []*ast.ReturnStmt, stack []ast.Node) (before, after string, ok bool) {
	if len(returns) == 0 {
		return "", "", true
	}
	var results *ast.FieldList
	for i := len(stack) - 1; i >= 0; i-- {
		if ft := funcTypeOf(stack[i]); ft != nil {
			results = ft.Results
			break
		}
	}
	flag := r.name("ret")
	before = "var " + flag + " int; "
	var vars []string // where the returned values go
	for _, t := range fieldTypes(results) {
		text, oneLine := r.text(t)
		if !oneLine {
			return "", "", false
		}
		v := r.name("r")
		vars = append(vars, v)
		before += "var " + v + " " + text + "; "
	}
	for _, ret := range returns {
		switch {
		case len(ret.Results) == 0:
			r.replace(ret.Pos(), ret.End(), "{ "+flag+" = 2; return false }")
		case len(ret.Results) == len(vars):
			// A receive goes through a variable of the closure's own (see
			// receiveIntoCaptured).
			assign := func(i int) string {
				if isReceive(ret.Results[i]) {
					return vars[i] + "_v := "
				}
				return vars[i] + " = "
			}
			done := func(i int) string {
				if isReceive(ret.Results[i]) {
					return "; " + vars[i] + " = " + vars[i] + "_v"
				}
				return ""
			}
			r.replace(ret.Pos(), ret.Results[0].Pos(), "{ "+flag+" = 1; "+assign(0))
			for i := 1; i < len(vars); i++ {
				r.replace(ret.Results[i-1].End(), ret.Results[i].Pos(), done(i-1)+"; "+assign(i))
			}
			last := len(vars) - 1
			r.replace(ret.Results[last].End(), ret.End(), done(last)+"; return false }")
		default:
			return "", "", false
		}
		if r.yieldReturns == nil {
			r.yieldReturns = map[*ast.ReturnStmt]bool{}
		}
		r.yieldReturns[ret] = true
	}
	named := results != nil && len(results.List) > 0 && len(results.List[0].Names) > 0
	if len(vars) > 0 {
		after = "; if " + flag + " == 1 { return " + strings.Join(vars, ", ") + " }"
	}
	if len(vars) == 0 || named { // a bare return is only Go where it can be written
		after += "; if " + flag + " == 2 { return }"
	}
	return before, after, true
}

// isReceive reports whether an expression is a receive, <-ch.
func isReceive(e ast.Expr) bool {
	u, ok := unparen(e).(*ast.UnaryExpr)
	return ok && u.Op == token.ARROW
}

// receiveIntoCaptured rewrites `x = <-ch` inside a function literal as
// `{ v := <-ch; x = v }`: yaegi v0.16.1 assigns the zero value when x is a
// variable of the enclosing function (`go func() { r = <-ch; done <- true
// }()` left r empty), a silent wrong answer; through a variable of the
// literal's own it is right.
func (r *rewriter) receiveIntoCaptured(n *ast.AssignStmt, stack []ast.Node) {
	if n.Tok != token.ASSIGN || len(n.Lhs) != 1 || len(n.Rhs) != 1 || !isReceive(n.Rhs[0]) || !inFuncLit(stack) {
		return
	}
	if _, ok := n.Lhs[0].(*ast.Ident); !ok {
		return
	}
	switch stack[len(stack)-1].(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
	default:
		return // an if or for statement's init or post: one simple statement only
	}
	if cc, ok := stack[len(stack)-1].(*ast.CommClause); ok && cc.Comm == ast.Stmt(n) {
		return // case x = <-ch: in a select receives into x as Go does
	}
	v := r.name("v")
	r.replace(n.Pos(), n.Rhs[0].Pos(), "{ "+v+" := ")
	r.insertLate(n.End(), "; "+r.src[r.off(n.Lhs[0].Pos()):r.off(n.Lhs[0].End())]+" = "+v+" }")
}

// returnInNestedIterator reports whether a range body holds a range over
// a function iterator with a return inside: both rewrites would change
// that return.
func (r *rewriter) returnInNestedIterator(body *ast.BlockStmt) bool {
	return contains(body, true, func(n ast.Node) bool {
		rs, ok := n.(*ast.RangeStmt)
		if !ok || !hasReturn(rs.Body) {
			return false
		}
		_, iterates := r.yieldParams(rs.X)
		return iterates
	})
}

// funcTypeOf returns the type of a function declaration or literal.
func funcTypeOf(n ast.Node) *ast.FuncType {
	switch n := n.(type) {
	case *ast.FuncDecl:
		return n.Type
	case *ast.FuncLit:
		return n.Type
	}
	return nil
}

// yieldParams returns the parameter types of the yield function of the
// iterator x ranges over, as source, and whether x is one: from the
// declaration of a function the source calls, or else from go/types (a
// method or variable of type iter.Seq[V] or func(yield func(K, V) bool),
// with the earlier cells' declarations).
func (r *rewriter) yieldParams(x ast.Expr) ([]string, bool) {
	if yield := iteratorYield(x); yield != nil {
		var params []string
		for _, t := range fieldTypes(yield.Params) {
			typ, oneLine := r.text(t)
			if !oneLine {
				return nil, false
			}
			params = append(params, typ)
		}
		return params, true
	}
	if !mayBeIterator(x) {
		return nil, false // no type check for a range over what the syntax shows is none
	}
	t := r.typeOf(x)
	if t == nil {
		return nil, false
	}
	seq, ok := t.Underlying().(*types.Signature)
	if !ok || seq.Results().Len() != 0 || seq.Params().Len() != 1 {
		return nil, false
	}
	yield, ok := seq.Params().At(0).Type().Underlying().(*types.Signature)
	if !ok || yield.Results().Len() != 1 || !types.Identical(yield.Results().At(0).Type(), types.Typ[types.Bool]) {
		return nil, false
	}
	var params []string
	for i := 0; i < yield.Params().Len(); i++ {
		pt := yield.Params().At(i).Type()
		if !writableIn(pt, r.pkg, true) { // a generic method's T is in scope where it ranges
			return nil, false
		}
		params = append(params, types.TypeString(pt, func(p *types.Package) string {
			if p == r.pkg {
				return ""
			}
			return p.Name()
		}))
	}
	return params, true
}

// mayBeIterator reports whether a range expression could be a function
// iterator, as far as its syntax tells: not a literal, a slice expression,
// a make or conversion, nor a name the source declares from one of those
// or with a slice, map, array, channel or basic type. Only then is the
// source type-checked (which costs about a millisecond with a notebook's
// worth of earlier declarations).
func mayBeIterator(x ast.Expr) bool {
	switch x := unparen(x).(type) {
	case *ast.CompositeLit, *ast.BasicLit, *ast.SliceExpr:
		return false
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && id.Obj == nil {
			switch id.Name {
			case "make", "append", "len", "cap", "new", "string", "min", "max":
				return false
			}
		}
		if _, ok := x.Fun.(*ast.ArrayType); ok {
			return false // a conversion to a slice type
		}
	case *ast.Ident:
		if x.Obj == nil {
			return true // an earlier cell's: only the types tell
		}
		switch d := x.Obj.Decl.(type) {
		case *ast.Field:
			return !notIteratorType(d.Type)
		case *ast.ValueSpec:
			if d.Type != nil {
				return !notIteratorType(d.Type)
			}
			for i, n := range d.Names {
				if n.Name == x.Name && i < len(d.Values) {
					return mayBeIterator(d.Values[i])
				}
			}
		case *ast.AssignStmt:
			for i, l := range d.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == x.Name && len(d.Lhs) == len(d.Rhs) {
					return mayBeIterator(d.Rhs[i])
				}
			}
		}
	}
	return true
}

// notIteratorType reports whether a written type is one that cannot be a
// function iterator: a slice, array, map, channel or pointer type, or a
// predeclared type such as int or string.
func notIteratorType(t ast.Expr) bool {
	switch t := t.(type) {
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.StarExpr, *ast.Ellipsis:
		return true
	case *ast.Ident:
		return t.Obj == nil && types.Universe.Lookup(t.Name) != nil
	}
	return false
}

// iteratorYield returns the yield function type of an iterator: x calls a
// function the source declares whose one result is func(yield func(...)
// bool).
func iteratorYield(x ast.Expr) *ast.FuncType {
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return nil
	}
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Obj == nil {
		return nil
	}
	decl, ok := id.Obj.Decl.(*ast.FuncDecl)
	if !ok || decl.Recv != nil || decl.Type.TypeParams != nil || decl.Type.Results == nil || len(decl.Type.Results.List) != 1 {
		return nil
	}
	seq, ok := decl.Type.Results.List[0].Type.(*ast.FuncType)
	if !ok || seq.Results != nil || seq.Params == nil || len(seq.Params.List) != 1 {
		return nil
	}
	yield, ok := seq.Params.List[0].Type.(*ast.FuncType)
	if !ok || yield.Results == nil || len(yield.Results.List) != 1 {
		return nil
	}
	if b, ok := yield.Results.List[0].Type.(*ast.Ident); !ok || b.Name != "bool" {
		return nil
	}
	return yield
}

// yieldBody collects the break and continue statements of a range body
// that belong to the range loop itself, and its return statements, and
// reports whether the body can become a yield function (no defer, goto or
// labeled branch).
func yieldBody(body *ast.BlockStmt, branches *[]*ast.BranchStmt, returns *[]*ast.ReturnStmt) bool {
	ok := true
	var visit func(n ast.Node, breakable, continuable bool)
	visit = func(root ast.Node, breakable, continuable bool) {
		ast.Inspect(root, func(n ast.Node) bool {
			if !ok || n == nil || n == root {
				return ok
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				*returns = append(*returns, n)
			case *ast.DeferStmt:
				ok = false
			case *ast.BranchStmt:
				switch {
				case n.Label != nil || n.Tok == token.GOTO:
					ok = false
				case n.Tok == token.BREAK && breakable, n.Tok == token.CONTINUE && continuable:
					*branches = append(*branches, n)
				}
			case *ast.ForStmt, *ast.RangeStmt:
				visit(n, false, false)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				visit(n, false, continuable)
				return false
			}
			return ok
		})
	}
	visit(body, true, true)
	return ok
}

// lockSite tells the cell's locks where a Lock or RLock call is:
// `from.mu.Lock()` becomes `__golab_sync.At(3); from.mu.Lock()`, where 3
// is what Earlier.LockSite gave for line 8 of Transfer, "from.mu.Lock()".
// (A number costs the interpreter less to pass than the strings: a
// Lock/Unlock pair in a cell takes 540 ns with it, 680 ns with the strings,
// 340 ns with neither.) The interpreter's stacks show no
// cell lines, and a deadlock report names the line where each goroutine
// took the lock it holds and the one where it waits (see kernel/sync).
// A call of another type's Lock method leaves a site that nothing takes.
func (r *rewriter) lockSite(n *ast.ExprStmt, stack []ast.Node) {
	call, ok := n.X.(*ast.CallExpr)
	if !ok || len(call.Args) != 0 || len(stack) == 0 || r.earlier.LockSite == nil {
		return
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || (sel.Sel.Name != "Lock" && sel.Sel.Name != "RLock") {
		return
	}
	switch parent := stack[len(stack)-1].(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.LabeledStmt:
	case *ast.CommClause:
		if parent.Comm == ast.Stmt(n) {
			return
		}
	default:
		return // a for loop's post statement, say, takes one statement
	}
	text, oneLine := r.text(call)
	if !oneLine {
		return
	}
	line := r.fset.Position(n.Pos()).Line
	site := r.earlier.LockSite(line, declaredFunc(stack), text)
	r.insert(n.Pos(), fmt.Sprintf("__golab_sync.At(%d); ", site))
}

// declaredFunc names the function declaration around a node, as
// "Transfer" or "Box.Move", or "" outside one (a cell's statements, which
// the rewriter parses inside `func _()`).
func declaredFunc(stack []ast.Node) string {
	for _, n := range stack {
		fd, ok := n.(*ast.FuncDecl)
		if !ok || fd.Name.Name == "_" {
			continue
		}
		if fd.Recv == nil || len(fd.Recv.List) == 0 {
			return fd.Name.Name
		}
		recv := fd.Recv.List[0].Type
		for {
			switch t := recv.(type) {
			case *ast.StarExpr:
				recv = t.X
				continue
			case *ast.IndexExpr:
				recv = t.X
				continue
			case *ast.IndexListExpr:
				recv = t.X
				continue
			case *ast.ParenExpr:
				recv = t.X
				continue
			}
			break
		}
		if id, ok := recv.(*ast.Ident); ok {
			return id.Name + "." + fd.Name.Name
		}
		return fd.Name.Name
	}
	return ""
}

// typeOf returns go/types' type of an expression of the source, or nil
// when it cannot tell. The source is checked once, when first asked, with
// the earlier cells' declarations (Earlier.Context); imported packages are
// empty (emptyPackages), so expressions that use them have no type here.
func (r *rewriter) typeOf(e ast.Expr) types.Type {
	if r.facts == nil {
		r.facts = &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
		var ctx TypeContext
		if r.context != nil {
			ctx = *r.context
		} else if r.earlier.Context != nil {
			ctx = r.earlier.Context()
			r.context = &ctx
		}
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
func contextFiles(fset *token.FileSet, ctx TypeContext, redeclared map[string]bool) []*ast.File {
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

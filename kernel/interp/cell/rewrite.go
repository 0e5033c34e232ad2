package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// This file rewrites cell source on its syntax tree so that yaegi v0.16.1
// runs modern Go as the compiler does. Each rewrite keeps every line where
// it was (text is only inserted or replaced within a line), so errors and
// panics still point at cell lines. The measured gaps they close are listed
// in docs/kernel-notes.md; each has golden cases in testdata/rewrite.
//
// This file holds the rewriter and the walk that calls the passes; each
// family of passes has a file of its own (rangeloop.go, loopvars.go,
// branches.go, builtins.go, gostmt.go, deferstmt.go, funclit.go,
// coretypes.go, rangefunc.go, locksite.go, methodvalue.go,
// compositeassign.go, untypedshift.go, toplevelreturn.go), with the
// questions they share in syntax.go and typecheck.go.

// Prelude declares the helpers rewritten cells call. The kernel evaluates
// it once, before the first cell.
const Prelude = `
import __golab_math "math"
import __golab_reflect "reflect"
import __golab_goroutines "golab.internal/goroutines"
import __golab_goprint "golab.internal/goprint"
import __golab_cell "golab.internal/cell"
import __golab_sync "golab.internal/sync"
import __golab_noise "golab.internal/noise"
import __golab_stop "golab.internal/stop"

// __golab_stopping is the stop flag the safe points test (see
// kernel/interp/stop): an interpreted global, the cheapest read there is.
var __golab_stopping bool

// __golab_unwind starts an interrupt's unwinding (stop.Unwind), for the
// safe points: a call of an interpreted function, because a compiled
// function named in a function's body costs each call of that function
// (yaegi gives it a slot in the function's frame): fib(22) 10% slower.
func __golab_unwind() { __golab_stop.Unwind() }

// __golab_turns is set while a replayable run takes turns (see
// kernel/interp/noise and the switch-points pass).
var __golab_turns bool

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

// UnwindFunc is the Prelude's function that the safe points call: its
// frame is golab's, not the cell's, and reports of where code stopped
// leave it out.
const UnwindFunc = "__golab_unwind"

// RewriteDecls rewrites a source of declarations (Plan.Decls, or one
// Definition's Source) for the interpreter.
func RewriteDecls(src string, ctx Context) Rewritten {
	const prefix = "package p;"
	return rewrite(prefix, src, "", ctx, false)
}

// RewriteStmts rewrites a source of statements (Plan.Stmts or
// Plan.Trailing) for the interpreter. Top-level compound statements (for,
// if, switch, select, blocks) are run inside a function literal: yaegi
// mishandles variables that select cases and loop bodies declare at the top
// level of a cell.
func RewriteStmts(src string, ctx Context) Rewritten {
	const prefix = "package p;func _(){"
	return rewrite(prefix, src, "\n}", ctx, true)
}

func rewrite(prefix, src, suffix string, ctx Context, topLevel bool) Rewritten {
	if blank(src) {
		return Rewritten{Source: src}
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "cell.go", prefix+src+suffix, 0)
	if err != nil {
		return Rewritten{Source: src} // the caller reports syntax errors from the original
	}
	r := &rewriter{src: src, fset: fset, base: len(prefix), ctx: orEmpty(ctx), file: file}
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
	ctx     Context // what the notebook so far defined
	edits   []edit
	fresh   int    // counter for fresh names
	pass    string // the pass running, whose name edits carry
	file    *ast.File
	facts   *types.Info    // go/types' view of the source, made when first asked (see typeOf)
	pkg     *types.Package // the package that check made
	checked []*ast.File    // the files check read: the source's and the earlier cells'
	cores   map[string]corePlan
	sources *Sources // ctx.Sources()'s answer, once asked
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
			if p.visit == nil || (p.feature && r.ctx.PassOff(p.name)) {
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

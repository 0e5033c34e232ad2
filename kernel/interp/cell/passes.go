package cell

import "go/ast"

// A pass is one rewrite of a cell's syntax tree. Most close a gap where
// yaegi v0.16.1 runs Go wrong, which gap names as measured; the others add
// what golab's own reports need, and say so. Each pass has golden cases in
// testdata/rewrite/<name>.txt, and each that closes a gap has a canary in
// kernel/interp/worker's TestRewriteCanaries: a program yaegi runs wrong without
// the pass, which fails the test once an upgraded yaegi runs it right, so
// that the pass can be retired rather than kept out of habit.
type pass struct {
	name string
	gap  string
	// feature is set for a pass that adds to golab rather than closing a
	// gap in yaegi (it has no canary).
	feature bool
	// topLevel, if set, is called for each statement of a cell's own (a
	// RewriteStmts source), before the walk.
	topLevel func(r *rewriter, st ast.Stmt)
	// visit, if set, is called for every node of the source, with the
	// nodes around it; done stops the later passes at that node.
	visit func(r *rewriter, n ast.Node, stack []ast.Node) (done bool)
}

// on adapts a rewrite of one kind of node to a pass's visit.
func on[N ast.Node](f func(r *rewriter, n N, stack []ast.Node)) func(*rewriter, ast.Node, []ast.Node) bool {
	return func(r *rewriter, n ast.Node, stack []ast.Node) bool {
		if n, ok := n.(N); ok {
			f(r, n, stack)
		}
		return false
	}
}

// passes lists every rewrite, in the order they visit a node: the order
// matters only among passes of one node kind (a range over a function
// iterator is rewritten whole, so the other range passes skip it), and for
// insertions at one place, which keep the order they were made in.
var passes = []pass{
	{name: "wrap-top-level", gap: "top-level for, if, switch, select and blocks: yaegi loses variables that select cases declare at a cell's top level, and `i := i` in a top-level loop hangs",
		topLevel: (*rewriter).wrapTopLevel},
	{name: "top-level-var", gap: "a var among a cell's statements whose value names an earlier cell's variable, or has a function literal (which tests the stop flag), fails (\"variable definition loop\")",
		topLevel: (*rewriter).topLevelVar},
	{name: "parenthesize-funclit-call", gap: "an Eval that starts with `func() {…}()` is taken for a declaration, and the literal runs again after every later Eval",
		topLevel: (*rewriter).parenthesizeFuncLitCall},
	{name: "range-func", gap: "a range over a function iterator (Go 1.23) fails with \"nil type\"",
		visit: func(r *rewriter, n ast.Node, stack []ast.Node) bool {
			rs, ok := n.(*ast.RangeStmt)
			return ok && r.rangeFunc(rs, stack)
		}},
	{name: "named-results", gap: "a declared function's named results keep the values of the call before when the same call runs again (`func sum(xs []int) (t int)` called in a loop gives running totals)",
		visit: on(func(r *rewriter, n *ast.FuncDecl, _ []ast.Node) { r.namedResults(n) })},
	{name: "safe-points", feature: true, gap: "an interrupt must stop a runaway loop or recursion without ending the worker, which would lose every variable (yaegi's own cancellation leaves closures returning zero values): each function tests a stop flag on entry, each loop on every iteration or, a counting loop with a cheap body, every chunk of iterations (kernel/interp/stop)",
		visit: func(r *rewriter, n ast.Node, stack []ast.Node) bool {
			switch n.(type) {
			case *ast.ForStmt, *ast.RangeStmt, *ast.FuncDecl, *ast.FuncLit:
				r.safePoint(n, stack)
			}
			return false
		}},
	{name: "range-iterator", gap: "no iterator functions of slices and maps (Go 1.23): maps.Keys(m) and the like are ranged over as the map or slice",
		visit: on(func(r *rewriter, n *ast.RangeStmt, _ []ast.Node) { r.rangeIterator(n) })},
	{name: "range-loops", gap: "`for i := range n` over an integer crashes; range loop variables are not per iteration; a range over a slice of channels panics (\"reflect: call of reflect.Value.Len on int Value\")",
		visit: on((*rewriter).rangeStmt)},
	{name: "loop-vars", gap: "three-clause for loop variables are shared by every iteration (Go 1.22 gives each its own): closures, deferred calls and pointers see the last value",
		visit: on((*rewriter).loopVars)},
	{name: "break-in-select", gap: "`break L` inside a select case loops forever",
		visit: on((*rewriter).breakInSelect)},
	{name: "select-operands", gap: "in a select, a sent value that is not a name or a literal arrives zeroed (`case c <- pair{1, f()}:` sends {1 0}), a comma-ok receive from a call's channel is never ready, and `case v = <-c:` panics",
		visit: on((*rewriter).selectOperands)},
	{name: "main-calls", gap: "a call of the notebook's `func main` from a later cell blocks for good (the interpreter keeps the name main for itself)",
		visit: on(func(r *rewriter, n *ast.CallExpr, _ []ast.Node) { r.mainCall(n) })},
	{name: "return-receive", gap: "`return <-ch` panics",
		visit: on(func(r *rewriter, n *ast.ReturnStmt, _ []ast.Node) { r.returnReceive(n) })},
	{name: "builtins", gap: "the Go 1.21 builtins min, max and clear are unknown, and Go 1.26's new(value) gives a zero value",
		visit: on((*rewriter).builtin)},
	{name: "waitgroup-go", gap: "a closure handed to compiled code, as wg.Go's is, sees the loop variables of the last iteration",
		visit: on(func(r *rewriter, n *ast.CallExpr, _ []ast.Node) { r.waitGroupGo(n) })},
	{name: "std-generic-calls", gap: "generic standard library functions yaegi lacks (slices.Sorted(maps.Keys(m)), sync.OnceValue's result type) are rewritten to golab's stand-ins",
		visit: on(func(r *rewriter, n *ast.CallExpr, _ []ast.Node) { r.genericCall(n) })},
	{name: "instantiate-from-literals", gap: "type arguments inferred from a function literal argument are fixed at the first call, so a second call with another literal type fails",
		visit: on(func(r *rewriter, n *ast.CallExpr, _ []ast.Node) { r.instantiateFromLiterals(n) })},
	{name: "closure-args", gap: "a function literal passed to compiled code inside a loop sees the loop variables of the last iteration",
		visit: on((*rewriter).closureArgs)},
	{name: "proc-names", feature: true, gap: "golab/proc finds a child process's function by name, and interpreted function values carry none",
		visit: on(func(r *rewriter, n *ast.CallExpr, _ []ast.Node) { r.procCall(n) })},
	{name: "top-level-return", gap: "a return among a cell's own statements inside a loop or a select fails (\"CFG post-order panic\"); elsewhere it is not the end of the cell's statements that a function body's return is",
		visit: on((*rewriter).topLevelReturn)},
	{name: "untyped-shift", gap: "an untyped constant shifted by a variable takes int, not the type the expression needs (`word & (1 << uint(j))`, word a uint64, panics \"reflect: call of reflect.Value.Uint on int Value\")",
		visit: on(func(r *rewriter, n *ast.BinaryExpr, _ []ast.Node) { r.untypedShift(n) })},
	{name: "composite-assign", gap: "a composite literal assigned to an existing struct variable replaces its storage: a pointer taken before keeps the old value (`p := &c; c = C{2}`: p.n is still 1), and inside a function literal the assignment to a captured variable is lost (`func() { c = C{n: 2} }()` leaves c as it was)",
		visit: on(func(r *rewriter, n *ast.AssignStmt, _ []ast.Node) { r.compositeAssign(n) })},
	{name: "receive-into-captured", gap: "`x = <-ch` in a function literal, x a variable of the enclosing function, assigns the zero value",
		visit: on((*rewriter).receiveIntoCaptured)},
	{name: "var-in-funclit", gap: "`var v = Generic(x)` inside a function literal gives v the zero value",
		visit: on((*rewriter).varInFuncLit)},
	{name: "switch-points", feature: true, gap: "on one CPU or a busy machine goroutines rarely switch between the read and the write of `counter++`, so a lesson's race does not show: golab's scheduling noise switches them there (kernel/interp/noise)",
		visit: func(r *rewriter, n ast.Node, stack []ast.Node) bool {
			switch n := n.(type) {
			case *ast.IncDecStmt:
				r.switchPoint(n, stack)
			case *ast.AssignStmt:
				r.switchPoint(n, stack)
			}
			return false
		}},
	{name: "lock-sites", feature: true, gap: "deadlock reports name the line where each goroutine took a lock and where it waits; interpreted stacks show no cell lines",
		visit: on((*rewriter).lockSite)},
	{name: "method-values", gap: "a method value keeps its receiver variable, read when the method is called: `go t.Hi(&wg)` in a range loop calls the last element, `f := t.Hi; t = other; f()` calls other's, and a deferred method call sees later assignments",
		visit: on((*rewriter).methodValue)},
	{name: "go-statements", gap: "a go statement in a loop could call nil or an earlier iteration's closure (a function literal's frame slot is written back when a closure returns); golab also records where each goroutine started, for its reports",
		visit: on((*rewriter).goStmt)},
	{name: "defer-loop-vars", gap: "a deferred function literal in a loop sees the last iteration's variables (`defer func() { fmt.Println(i) }()` prints 2 2 2, not 2 1 0): yaegi makes its closure when the function returns",
		visit: on((*rewriter).deferLoopVars)},
	{name: "defer-args", gap: "a deferred call's arguments are read when the function returns, not when the defer runs, and one slot per argument expression is kept (in a loop every deferred i*10 is the last)",
		visit: on((*rewriter).deferArgs)},
	{name: "name-params", gap: "calling a closure with unnamed or blank parameters from a goroutine crashes",
		visit: func(r *rewriter, n ast.Node, _ []ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				r.nameParams(n.Type)
			case *ast.FuncDecl:
				r.nameParams(n.Type)
			}
			return false
		}},
	{name: "core-type-params", gap: "a type parameter constrained by a slice or map of the others (`S ~[]E`) cannot be declared (\"undefined type for E\")",
		visit: on(func(r *rewriter, n *ast.FuncDecl, _ []ast.Node) { r.coreTypeParams(n) })},
	{name: "core-type-args", gap: "an explicit instantiation of a function whose `S ~[]E` parameter core-type-params removed names one type argument too many (\"not a generic type\", or a reflect panic when the function is an earlier cell's)",
		visit: func(r *rewriter, n ast.Node, stack []ast.Node) bool { r.coreTypeArgs(n, stack); return false }},
}

// Pass describes one of the rewriter's passes, for tests and documentation.
type Pass struct {
	Name string
	Gap  string // what yaegi v0.16.1 gets wrong without it, or what golab adds
	// Feature is set for a pass that adds to golab rather than closing a
	// gap in yaegi.
	Feature bool
}

// Passes returns the rewriter's passes, in the order they run.
func Passes() []Pass {
	out := make([]Pass, len(passes))
	for i, p := range passes {
		out[i] = Pass{Name: p.name, Gap: p.gap, Feature: p.feature}
	}
	return out
}

package cell

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"math/big"
	"strconv"
	"strings"
)

// The safe-points pass: tests of the stop flag (kernel/interp/stop), so
// that an interrupt stops interpreted code without ending the worker, and
// the notebook's variables survive. Every function (declared or literal)
// tests it on entry, so that a runaway recursion stops too, and every loop
// on each iteration:
//
//	for { n++ }  →  for { if __golab_stopping { __golab_unwind() }; n++ }
//
// The test is inline (a call per iteration would cost 5 times the loop),
// but an interpreted test still costs a tight loop a fifth of its time. So
// a counting loop whose body is cheap (no calls but a few builtins, no
// channel operations, no function literals: each iteration takes a bounded
// time) tests the flag once per chunk of up to chunkSize iterations. The
// loop runs in chunks whose end it computes from its bound, which neither
// the body nor the post statement can change:
//
//	for i := 0; i < n; i++ { s += i }
//	→  for i := 0; i < n; { if __golab_stopping { __golab_unwind() }; __golab_e1 := int(n);
//	       if __golab_d2 := __golab_e1 - i; __golab_d2 < 0 { __golab_e1 = i + 1 } else if __golab_d2 > 1024 { __golab_e1 = i + 1024 };
//	       for ; i < __golab_e1; i++ { s += i } }
//
// (all on the loop's line). The inner loop visits the values the original
// would, in order, and its last chunk's condition is the original's own.
// A range over a function iterator, which the range-func pass turns into a
// call with the body as yield, gets no test: the iterator's own loop has one.
const stopTest = " if __golab_stopping { __golab_unwind() };"

// chunkSize is how many iterations of a cheap loop run between two tests
// of the stop flag: tens of microseconds of the tightest loop, a fraction
// of a percent of its time for the chunk's own arithmetic.
const chunkSize = 1024

func (r *rewriter) safePoint(n ast.Node, stack []ast.Node) {
	if inPackageVar(stack) {
		// yaegi v0.16.1 refuses a package-level initializer that names
		// an earlier cell's variable, as the stop flag is ("variable
		// definition loop"): such code runs without safe points.
		return
	}
	var body *ast.BlockStmt
	switch n := n.(type) {
	case *ast.FuncDecl:
		r.entryTest(n.Body)
		return
	case *ast.FuncLit:
		r.entryTest(n.Body)
		return
	case *ast.ForStmt:
		if r.chunkLoop(n, stack) {
			return
		}
		body = n.Body
	case *ast.RangeStmt:
		if r.chunkRange(n, stack) {
			return
		}
		body = n.Body
	}
	if body == nil || !body.Lbrace.IsValid() || r.off(body.Lbrace) < 0 {
		return // the function RewriteStmts wraps a cell's statements in
	}
	r.insert(body.Lbrace+1, stopTest)
}

// inPackageVar reports whether the walk is inside a package-level
// variable's or constant's initializer.
func inPackageVar(stack []ast.Node) bool {
	for _, n := range stack {
		switch n.(type) {
		case *ast.FuncDecl:
			return false
		case *ast.GenDecl:
			return true
		}
	}
	return false
}

// entryTest puts the stop test before a function's first statement, where
// a panic's frame in the function points (the interpreter names a
// function's start for every frame in it, see RefineFrames).
func (r *rewriter) entryTest(body *ast.BlockStmt) {
	if body == nil || !body.Lbrace.IsValid() || r.off(body.Lbrace) < 0 {
		return // the function RewriteStmts wraps a cell's statements in
	}
	if len(body.List) == 0 {
		r.insert(body.Lbrace+1, stopTest)
		return
	}
	r.insert(body.List[0].Pos(), stopTest[1:]+" ")
}

// countingLoop is a three-clause loop that counts its variable toward a
// bound that its body leaves alone: `for v := x; v < bound; v += step`,
// and the like with <=, >, >=, ++ and --.
type countingLoop struct {
	v      *ast.Ident
	up     bool   // counting up (++ or +=), or down
	op     string // the condition's operator, with v on its left
	bound  ast.Expr
	step   string // "1", a positive constant, or a name known positive
	stepID *ast.Ident
}

// chunkLoop rewrites a counting loop with a cheap body to test the stop
// flag once per chunk (see the pass's comment); it reports whether it did.
func (r *rewriter) chunkLoop(n *ast.ForStmt, stack []ast.Node) bool {
	if n.Body == nil || !n.Body.Rbrace.IsValid() {
		return false
	}
	if len(stack) > 0 {
		if _, labeled := stack[len(stack)-1].(*ast.LabeledStmt); labeled {
			return false // a continue naming the label would skip the post statement
		}
	}
	loop, ok := r.countingLoop(n, stack)
	if !ok {
		return false
	}
	fixed := map[string]bool{loop.v.Name: true}
	if !r.invariant(loop.bound, fixed) {
		return false
	}
	if loop.stepID != nil {
		fixed[loop.stepID.Name] = true
	}
	breaks, cheap := r.cheapLoopBody(n.Body, fixed)
	if !cheap {
		return false
	}
	typ, ok := r.chunkType(n, loop)
	if !ok {
		return false
	}
	bound, oneLine := r.text(loop.bound)
	if !oneLine {
		return false
	}
	r.breakOuter(n.For, n.Body.Rbrace+1, breaks)
	v, end, dist := loop.v.Name, r.name("e"), r.name("d")
	sign, far := "+", dist+" > "+strconv.Itoa(chunkSize)
	if !loop.up {
		sign = "-"
	}
	jump := strconv.Itoa(chunkSize)
	if loop.step != "1" {
		far = dist + "/(" + loop.step + ") > " + jump
		jump += "*(" + loop.step + ")"
	}
	diff := end + " - " + v
	if !loop.up {
		diff = v + " - " + end
	}
	var b strings.Builder
	b.WriteString("{" + stopTest + " " + end + " := " + typ.name + "(" + bound + "); if " + dist + " := " + diff + "; ")
	if typ.signed {
		// The distance overflowed: the bound and v are more than the
		// type's range apart. One iteration (two with <=) is safe.
		one := " " + sign + " 1"
		if len(loop.op) == 2 {
			one = ""
		}
		b.WriteString(dist + " < 0 { " + end + " = " + v + one + " } else if ")
	}
	b.WriteString(far + " { " + end + " = " + v + " " + sign + " " + jump + " }; for ; " + v + " " + loop.op + " " + end + "; ")
	r.insert(n.Post.Pos(), b.String())
	r.insertLate(n.Body.Rbrace+1, " }")
	return true
}

// chunkRange rewrites a range over a slice that names no index, with a
// cheap body, to range over chunks of the slice, testing the flag once per
// chunk; it reports whether it did:
//
//	for _, x := range xs { s += x }
//	→  for __golab_s1 := xs; len(__golab_s1) > 0; { if __golab_stopping { __golab_unwind() };
//	       __golab_c2 := __golab_s1; if len(__golab_c2) > 1024 { __golab_c2 = __golab_c2[:1024] }; __golab_s1 = __golab_s1[len(__golab_c2):];
//	       for _, x := range __golab_c2 { s += x } }
//
// The slice is evaluated once, as a range does, and its chunks share its
// elements, so the body sees them as the range would. (With an index, each
// iteration would add the chunk's offset: as dear as the test.)
func (r *rewriter) chunkRange(n *ast.RangeStmt, stack []ast.Node) bool {
	if key, ok := n.Key.(*ast.Ident); n.Key != nil && (!ok || key.Name != "_") {
		return false
	}
	if len(stack) > 0 {
		if _, labeled := stack[len(stack)-1].(*ast.LabeledStmt); labeled {
			return false
		}
	}
	x, oneLine := r.text(n.X)
	if !oneLine || !pure(n.X) || n.Body == nil || !n.Body.Rbrace.IsValid() {
		return false
	}
	t := r.typeOf(n.X)
	if t == nil {
		return false
	}
	slice, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	if _, chans := slice.Elem().Underlying().(*types.Chan); chans {
		return false // the range-loops pass rewrites ranges over slices of channels
	}
	breaks, cheap := r.cheapLoopBody(n.Body, map[string]bool{})
	if !cheap {
		return false
	}
	r.breakOuter(n.For, n.Body.Rbrace+1, breaks)
	rest, chunk := r.name("s"), r.name("c")
	r.insert(n.For, "for "+rest+" := "+x+"; len("+rest+") > 0; {"+stopTest+" "+chunk+" := "+rest+"; if len("+chunk+") > "+strconv.Itoa(chunkSize)+
		" { "+chunk+" = "+chunk+"[:"+strconv.Itoa(chunkSize)+"] }; "+rest+" = "+rest+"[len("+chunk+"):]; ")
	r.replace(n.X.Pos(), n.X.End(), chunk)
	r.insertLate(n.Body.Rbrace+1, " }")
	return true
}

// countingLoop recognizes the header of a counting loop.
func (r *rewriter) countingLoop(n *ast.ForStmt, stack []ast.Node) (countingLoop, bool) {
	var loop countingLoop
	init, ok := n.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
		return loop, false
	}
	if loop.v, ok = init.Lhs[0].(*ast.Ident); !ok || loop.v.Name == "_" {
		return loop, false
	}
	isV := func(e ast.Expr) bool { id, ok := unparen(e).(*ast.Ident); return ok && id.Name == loop.v.Name }
	switch post := n.Post.(type) {
	case *ast.IncDecStmt:
		if !isV(post.X) {
			return loop, false
		}
		loop.up, loop.step = post.Tok == token.INC, "1"
	case *ast.AssignStmt:
		if len(post.Lhs) != 1 || len(post.Rhs) != 1 || !isV(post.Lhs[0]) || (post.Tok != token.ADD_ASSIGN && post.Tok != token.SUB_ASSIGN) {
			return loop, false
		}
		loop.up = post.Tok == token.ADD_ASSIGN
		step := unparen(post.Rhs[0])
		if lit, ok := step.(*ast.BasicLit); ok && lit.Kind == token.INT {
			if v, err := strconv.ParseInt(lit.Value, 0, 64); err != nil || v <= 0 || v > 1<<20 {
				return loop, false
			}
			loop.step = lit.Value
		} else if id, ok := step.(*ast.Ident); ok && r.positiveCounter(id.Name, stack) {
			loop.step, loop.stepID = id.Name, id
		} else {
			return loop, false
		}
	default:
		return loop, false
	}
	cond, ok := unparen(n.Cond).(*ast.BinaryExpr)
	if !ok {
		return loop, false
	}
	flipped := map[token.Token]token.Token{token.LSS: token.GTR, token.LEQ: token.GEQ, token.GTR: token.LSS, token.GEQ: token.LEQ}
	op := cond.Op
	if _, ok := flipped[op]; !ok {
		return loop, false
	}
	switch {
	case isV(cond.X):
		loop.bound = cond.Y
	case isV(cond.Y):
		loop.bound, op = cond.X, flipped[op]
	default:
		return loop, false
	}
	if (loop.up && op != token.LSS && op != token.LEQ) || (!loop.up && op != token.GTR && op != token.GEQ) {
		return loop, false // a loop that runs once, never, or for good
	}
	loop.op = op.String()
	return loop, true
}

// positiveCounter reports whether name is, where the walk stands, the
// variable of an enclosing loop that counts up from a positive constant
// and that nothing else changes (`for i := 2; i <= n; i++`): a step that
// can be neither zero nor negative.
func (r *rewriter) positiveCounter(name string, stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch outer := stack[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		case *ast.ForStmt:
			init, ok := outer.Init.(*ast.AssignStmt)
			if !ok || init.Tok != token.DEFINE || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
				continue
			}
			if id, ok := init.Lhs[0].(*ast.Ident); !ok || id.Name != name {
				continue
			}
			lit, ok := unparen(init.Rhs[0]).(*ast.BasicLit)
			if !ok || lit.Kind != token.INT {
				return false
			}
			if v, err := strconv.ParseInt(lit.Value, 0, 64); err != nil || v <= 0 {
				return false
			}
			post, ok := outer.Post.(*ast.IncDecStmt)
			if !ok || post.Tok != token.INC {
				return false
			}
			if id, ok := post.X.(*ast.Ident); !ok || id.Name != name {
				return false
			}
			return !touches(outer.Body, map[string]bool{name: true})
		}
	}
	return false
}

// invariant reports whether a loop's bound is an expression of names
// and constants that evaluating again gives the same value: names,
// integer literals, arithmetic, len and cap of names. Its names join
// fixed, which the body may not change.
func (r *rewriter) invariant(e ast.Expr, fixed map[string]bool) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.INT || e.Kind == token.CHAR
	case *ast.Ident:
		if fixed[e.Name] || e.Name == "_" {
			return false // the loop's own variable
		}
		fixed[e.Name] = true
		return true
	case *ast.ParenExpr:
		return r.invariant(e.X, fixed)
	case *ast.UnaryExpr:
		return (e.Op == token.SUB || e.Op == token.ADD) && r.invariant(e.X, fixed)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR:
			return r.invariant(e.X, fixed) && r.invariant(e.Y, fixed)
		}
	case *ast.CallExpr:
		if len(e.Args) == 1 && (r.namesBuiltin(e.Fun, "len") || r.namesBuiltin(e.Fun, "cap")) && fixedLength(r.typeOf(e.Args[0])) {
			return r.invariant(e.Args[0], fixed)
		}
	case *ast.SelectorExpr:
		return r.constant(e) != nil // math.MaxInt32
	}
	return false
}

// fixedLength reports whether a value of type t keeps its length unless
// it is assigned: a slice, an array or a string, not a map that the body
// may delete from or a channel that other goroutines fill.
func fixedLength(t types.Type) bool {
	if t == nil {
		return false
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	switch u := t.Underlying().(type) {
	case *types.Slice, *types.Array:
		return true
	case *types.Basic:
		return u.Info()&types.IsString != 0
	}
	return false
}

// namesBuiltin reports whether fun names the builtin name: the cell declares
// nothing of that name, and no earlier cell did.
func (r *rewriter) namesBuiltin(fun ast.Expr, name string) bool {
	id, ok := fun.(*ast.Ident)
	return ok && id.Name == name && id.Obj == nil && !r.ctx.DeclaresValue(name)
}

// constant returns an expression's constant value, as go/types finds it,
// or nil.
func (r *rewriter) constant(e ast.Expr) constant.Value {
	r.typeOf(e) // makes the facts
	if tv, ok := r.facts.Types[e]; ok {
		return tv.Value
	}
	return nil
}

// cheapBuiltins are the builtins and conversions a cheap loop body may
// call: each takes a time bounded by its operands' sizes, not by a loop.
var cheapBuiltins = map[string]bool{
	"len": true, "cap": true, "append": true, "min": true, "max": true, "complex": true, "real": true, "imag": true,
	"delete": true, "bool": true, "int": true, "int8": true, "int16": true, "int32": true, "int64": true, "uint": true,
	"uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true, "float32": true, "float64": true,
	"complex64": true, "complex128": true, "byte": true, "rune": true,
}

// cheapLoopBody reports whether each iteration of a loop body takes a
// bounded time and leaves the loop's fixed names alone: no calls but the
// cheapBuiltins, no channel operations, go, defer or select statements, no
// function literals, labels or gotos, and no range loops (over a channel or
// an iterator they could wait or call). Inner three-clause loops may be
// there, with headers as cheap: each tests the flag itself. It returns
// the body's breaks of the loop itself, which a chunked loop makes breaks
// of its outer loop.
func (r *rewriter) cheapLoopBody(body *ast.BlockStmt, fixed map[string]bool) (breaks []*ast.BranchStmt, cheap bool) {
	if touches(body, fixed) {
		return nil, false
	}
	cheap = true
	var walk func(root ast.Node, nested bool)
	walk = func(root ast.Node, nested bool) {
		ast.Inspect(root, func(n ast.Node) bool {
			if !cheap || n == nil {
				return false
			}
			switch n := n.(type) {
			case *ast.ForStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt:
				if n != root {
					walk(n, true) // a break inside is the inner statement's
					return false
				}
			case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt, *ast.SelectStmt, *ast.SendStmt, *ast.RangeStmt, *ast.LabeledStmt:
				cheap = false
			case *ast.UnaryExpr:
				cheap = n.Op != token.ARROW
			case *ast.BranchStmt:
				cheap = n.Label == nil && n.Tok != token.GOTO
				if cheap && n.Tok == token.BREAK && !nested {
					breaks = append(breaks, n)
				}
			case *ast.CallExpr:
				id, ok := n.Fun.(*ast.Ident)
				cheap = ok && cheapBuiltins[id.Name] && r.namesBuiltin(id, id.Name) && !(id.Name == "append" && n.Ellipsis.IsValid())
			}
			return cheap
		})
	}
	walk(body, false)
	return breaks, cheap
}

// breakOuter labels a chunked loop's outer loop, from at to end, for the
// breaks of the original loop, which would otherwise end only a chunk. The
// labeled loop is in a block of its own: yaegi v0.16.1 does not find a
// label on a statement directly in a switch or select case ("undefined").
func (r *rewriter) breakOuter(at, end token.Pos, breaks []*ast.BranchStmt) {
	if len(breaks) == 0 {
		return
	}
	label := r.name("chunks")
	r.insert(at, "{ "+label+": ")
	r.insertLate(end, " }")
	for _, b := range breaks {
		r.replace(b.Pos(), b.End(), "break "+label)
	}
}

// touches reports whether a body may change one of the names: assigns,
// declares, increments or takes the address of it, or assigns through a
// pointer (which could point at it).
func touches(body ast.Node, names map[string]bool) bool {
	named := func(e ast.Expr) bool { id, ok := unparen(e).(*ast.Ident); return ok && names[id.Name] }
	return contains(body, false, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if _, star := unparen(l).(*ast.StarExpr); star || named(l) {
					return true
				}
			}
		case *ast.IncDecStmt:
			_, star := unparen(n.X).(*ast.StarExpr)
			return star || named(n.X)
		case *ast.UnaryExpr:
			return n.Op == token.AND && named(n.X)
		case *ast.ValueSpec:
			for _, id := range n.Names {
				if names[id.Name] {
					return true
				}
			}
		case *ast.RangeStmt:
			return (n.Key != nil && named(n.Key)) || (n.Value != nil && named(n.Value))
		}
		return false
	})
}

// chunkType is the loop variable's type, as a chunked loop writes it.
type chunkType struct {
	name   string // "int", "int64", "uint32", ...
	signed bool
}

// chunkType finds the type of a counting loop's variable, and whether a
// chunked loop can count in it: 32 or 64 bits, so that a chunk's end
// fits, and no wraparound at the type's end that would keep the last
// chunk's inner loop going without a test. `v < n; v++` cannot wrap; for
// the other forms of a 32-bit type the bound must be a constant that
// leaves room, and for a 64-bit type one that is not within reach of its
// ends (a bound held in a variable would need the loop to start near the
// type's end for it to wrap, which a program does only on purpose, and
// then an interrupt falls back to a new worker, as for a loop no test
// reaches).
func (r *rewriter) chunkType(n *ast.ForStmt, loop countingLoop) (chunkType, bool) {
	init := n.Init.(*ast.AssignStmt).Rhs[0]
	var basic *types.Basic
	if lit, ok := unparen(init).(*ast.BasicLit); ok && lit.Kind == token.INT {
		basic = types.Typ[types.Int]
	} else if t, ok := types.Default(r.typeOf(init)).(*types.Basic); ok && t.Info()&types.IsInteger != 0 {
		basic = t
	} else {
		return chunkType{}, false
	}
	var bits int
	switch basic.Kind() {
	case types.Int, types.Uint, types.Uintptr:
		bits = strconv.IntSize
	case types.Int64, types.Uint64:
		bits = 64
	case types.Int32, types.Uint32:
		bits = 32
	default:
		return chunkType{}, false
	}
	typ := chunkType{name: basic.Name(), signed: basic.Info()&types.IsUnsigned == 0}
	if loop.step == "1" && len(loop.op) == 1 {
		return typ, true // v < n; v++ and v > n; v--
	}
	lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), uint(bits))
	if typ.signed {
		hi.Rsh(hi, 1)
		lo.Neg(hi)
	}
	hi.Sub(hi, big.NewInt(1))
	value := r.constant(loop.bound)
	if value == nil || value.Kind() != constant.Int {
		return typ, bits == 64
	}
	bound, ok := new(big.Int).SetString(value.ExactString(), 10)
	if !ok {
		return chunkType{}, false
	}
	room := big.NewInt(1 << 20) // at least the largest constant step
	if loop.stepID != nil || bits == 64 {
		room.Lsh(room, 20)
	}
	if loop.up {
		return typ, new(big.Int).Sub(hi, bound).Cmp(room) > 0
	}
	return typ, new(big.Int).Sub(bound, lo).Cmp(room) > 0
}

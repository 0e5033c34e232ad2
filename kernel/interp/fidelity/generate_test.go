package fidelity

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/golab-notebooks/golab/kernel/interp/worker"
)

// GeneratedSeedsEnv sets the seeds TestGeneratedPrograms tries, as
// "FIRST-LAST" (default 1-40: the test command's run). A longer run is the
// benchmark-style script: GOLAB_GEN_SEEDS=1-10000.
const GeneratedSeedsEnv = "GOLAB_GEN_SEEDS"

// GeneratedStrictEnv, set to 1, generates programs without the constructs
// golab says it prints differently (and with one piece of each family, so
// that no two types of the notebook look alike to the interpreter), and
// shows every noted difference whole, to check that the note is all of it.
const GeneratedStrictEnv = "GOLAB_GEN_STRICT"

// A generated program is made of pieces of the features course material
// uses, each drawn with random types, values and shapes: method values in
// go, defer and plain values; closures over loop variables; defer and
// recover; shifts and conversions of every integer type; struct printing
// with %v, %+v and %T, with String methods on values and pointers;
// goroutines with WaitGroup, Mutex and channels; maps; generics; slices
// that share or do not share their array; struct literals assigned through
// pointers and closures. Every piece prints what it computes, in an order
// the scheduler cannot change.
type generator struct {
	r *rand.Rand
	// strict leaves out what golab says it prints differently (a named
	// integer type's String inside a slice, errors.Unwrap ==, a pointer's
	// String on a value of a larger struct), so that the few differences
	// left can be read whole: a second difference cannot hide behind a
	// note.
	strict  bool
	imports map[string]bool
	decls   []string
	body    []string
	n       int // pieces so far, for unique names
}

// generated is one program, whole and as a learner pastes it into cells:
// imports and declarations, then the body of main as statements.
type generated struct {
	seed         uint64
	whole        string
	decls, stmts string
}

func generate(seed uint64, strict bool) generated {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15)), imports: map[string]bool{"fmt": true}, strict: strict}
	pieces := []func(){g.methodValues, g.loopClosures, g.deferRecover, g.shifts, g.structPrinting,
		g.workers, g.maps, g.generics, g.sliceSharing, g.structAssign, g.selectReady,
		g.embedding, g.interfaces, g.errorsWrapped, g.runes, g.counters, g.labels,
		g.enums, g.arrays, g.switches}
	used := map[int]bool{}
	for range 2 + g.r.IntN(3) {
		g.n++
		i := g.r.IntN(len(pieces))
		for g.strict && used[i] {
			// Two types of one family (two enums, two shapes) are values
			// the interpreter cannot tell apart, which golab says.
			i = g.r.IntN(len(pieces))
		}
		used[i] = true
		pieces[i]()
	}
	var imports []string
	for p := range g.imports {
		imports = append(imports, strconv.Quote(p))
	}
	sort.Strings(imports)
	head := "import (\n\t" + strings.Join(imports, "\n\t") + "\n)\n\n" + strings.Join(g.decls, "\n\n")
	stmts := strings.Join(g.body, "\n")
	whole := "package main\n\n" + head + "\n\nfunc main() {\n" + indent(stmts) + "\n}\n"
	return generated{seed: seed, whole: whole, decls: head, stmts: stmts}
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "\t" + l
		}
	}
	return strings.Join(lines, "\n")
}

func (g *generator) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *generator) name(prefix string) string { return fmt.Sprintf("%s%d", prefix, g.n) }

func (g *generator) decl(format string, a ...any) {
	g.decls = append(g.decls, fmt.Sprintf(format, a...))
}

func (g *generator) stmt(format string, a ...any) { g.body = append(g.body, fmt.Sprintf(format, a...)) }

// methodValues: methods with pointer and value receivers taken as values
// in go statements, deferred calls and plain variables, then the receiver
// changed.
func (g *generator) methodValues() {
	T := g.name("item")
	g.decl("type %s struct {\n\tname string\n\tv    int\n}\n\nfunc (t *%s) Ptr() string { return fmt.Sprintf(\"p%%s%%d\", t.name, t.v) }\n\nfunc (t %s) Val() string { return fmt.Sprintf(\"v%%s%%d\", t.name, t.v) }", T, T, T)
	k, k2 := g.r.IntN(50), 50+g.r.IntN(50)
	switch g.r.IntN(4) {
	case 0:
		g.imports["sync"] = true
		m := g.pick("Ptr", "Val")
		g.stmt("{\n\titems := []*%s{{\"a\", %d}, {\"b\", %d}, {\"c\", %d}}\n\tout := make([]string, len(items))\n\tvar wg sync.WaitGroup\n\tfor i, it := range items {\n\t\twg.Add(1)\n\t\tgo func(i int, f func() string) {\n\t\t\tdefer wg.Done()\n\t\t\tout[i] = f()\n\t\t}(i, it.%s)\n\t}\n\twg.Wait()\n\tfmt.Println(out)\n}", T, k, k2, k+k2, m)
	case 1:
		g.stmt("{\n\tx := &%s{\"x\", %d}\n\tf, h := x.Ptr, x.Val\n\tx.v = %d\n\tx = &%s{\"y\", 0}\n\tfmt.Println(f(), h(), x.Ptr())\n}", T, k, k2, T)
	case 2:
		g.stmt("func() {\n\tfor i, s := range []string{\"d\", \"e\", \"f\"} {\n\t\tt := &%s{s, i + %d}\n\t\tdefer fmt.Println(\"deferred\", t.%s())\n\t}\n}()", T, k, g.pick("Ptr", "Val"))
	default:
		g.imports["sync"] = true
		g.stmt("{\n\titems := []*%s{{\"g\", %d}, {\"h\", %d}}\n\tvar wg sync.WaitGroup\n\tvar mu sync.Mutex\n\tseen := map[string]bool{}\n\tfor _, it := range items {\n\t\twg.Add(1)\n\t\tgo it.record(&wg, &mu, seen)\n\t}\n\twg.Wait()\n\tfmt.Println(seen)\n}", T, k, k2)
		g.decl("func (t *%s) record(wg *sync.WaitGroup, mu *sync.Mutex, seen map[string]bool) {\n\tdefer wg.Done()\n\tmu.Lock()\n\tseen[t.Ptr()] = true\n\tmu.Unlock()\n}", T)
	}
}

// loopClosures: closures and pointers that capture loop variables.
func (g *generator) loopClosures() {
	k, m := 2+g.r.IntN(5), 1+g.r.IntN(9)
	switch g.r.IntN(3) {
	case 0:
		g.stmt("{\n\tvar fs []func() int\n\tfor i := 0; i < %d; i++ {\n\t\tfs = append(fs, func() int { return i * %d })\n\t}\n\ts := 0\n\tfor _, f := range fs {\n\t\ts += f()\n\t}\n\tfmt.Println(\"closures\", s)\n}", k, m)
	case 1:
		g.stmt("{\n\tvar ps []*int\n\tfor i := range %d {\n\t\tps = append(ps, &i)\n\t}\n\tfor _, p := range ps {\n\t\tfmt.Print(*p*%d, \" \")\n\t}\n\tfmt.Println()\n}", k, m)
	default:
		g.stmt("{\n\tvar fs []func() string\n\tfor _, w := range []string{\"a\", \"bb\", \"ccc\"}[:%d] {\n\t\tfs = append(fs, func() string { return w + fmt.Sprint(len(w)*%d) })\n\t}\n\tfor _, f := range fs {\n\t\tfmt.Print(f(), \" \")\n\t}\n\tfmt.Println()\n}", 1+g.r.IntN(3), m)
	}
}

// deferRecover: a function whose deferred call recovers a panic of one
// kind, and reports it with its type.
func (g *generator) deferRecover() {
	F := g.name("guarded")
	x := g.r.IntN(20)
	cause := g.pick(
		fmt.Sprintf("panic(\"boom %d\")", x),
		fmt.Sprintf("panic(fmt.Errorf(\"wrapped %%d\", %d))", x),
		fmt.Sprintf("panic(%d)", x),
		"var m map[string]int\n\tm[\"k\"] = x\n\treturn \"ok\"",
		"var p *struct{ n int }\n\t_ = p.n + x\n\treturn \"ok\"",
		"return fmt.Sprint(\"no panic \", x)",
	)
	g.decl("func %s(x int) (res string) {\n\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\tres = fmt.Sprintf(\"recovered %%v (%%T)\", r, r)\n\t\t}\n\t}()\n\t%s\n}", F, cause)
	g.stmt("fmt.Println(%s(%d))", F, x)
}

var intTypes = []struct {
	name     string
	min, max int64
	unsigned bool
}{
	{"int8", -128, 127, false}, {"int16", -32768, 32767, false}, {"int32", -1 << 31, 1<<31 - 1, false},
	{"int64", -1 << 40, 1 << 40, false}, {"int", -1 << 40, 1 << 40, false},
	{"uint8", 0, 255, true}, {"uint16", 0, 65535, true}, {"uint32", 0, 1<<32 - 1, true},
	{"uint64", 0, 1 << 40, true}, {"uint", 0, 1 << 40, true},
}

// shifts: integer values of random types shifted by variables, masked,
// converted (wrapping at run time) and printed in several bases.
func (g *generator) shifts() {
	a, b := intTypes[g.r.IntN(len(intTypes))], intTypes[g.r.IntN(len(intTypes))]
	v := a.min + g.r.Int64N(a.max-a.min+1)
	s := g.r.IntN(8)
	var w uint64 = g.r.Uint64() >> g.r.IntN(60)
	g.stmt("{\n\tv := %s(%d)\n\ts := uint(%d)\n\tvar w uint64 = %d\n\tfmt.Println(v<<s, v>>s, %s(v), w&(1<<s) != 0, w>>s&0xff)\n\tfmt.Printf(\"%%d %%x %%b %%v\\n\", %s(v)+%s(%d), v&%d, uint8(s)|1<<(s%%4), -v)\n}",
		a.name, v, s, w, b.name, b.name, b.name, b.max/2, 1+g.r.IntN(100))
}

// structPrinting: a struct type with or without String on the value or
// the pointer, printed as a value, a pointer, in a slice and in a map.
func (g *generator) structPrinting() {
	T := g.name("rec")
	// Fields of their own per type: yaegi gives struct types of one shape
	// one reflect type (golab says so when it matters).
	g.decl("type %s struct {\n\tID   int\n\tname string\n\tTags []string\n\tN%d   [%d]byte\n}", T, g.n, g.n)
	kinds := 3
	if g.strict {
		kinds = 2 // no String on the pointer only
	}
	switch g.r.IntN(kinds) {
	case 0:
		g.decl("func (r %s) String() string { return fmt.Sprintf(\"<%%d %%s>\", r.ID, r.name) }", T)
	case 2:
		g.decl("func (r *%s) String() string { return fmt.Sprintf(\"<*%%d %%s>\", r.ID, r.name) }", T)
	}
	id := g.r.IntN(1000)
	g.stmt("{\n\tr := %s{ID: %d, name: %q, Tags: []string{%q}}\n\tfmt.Println(r, &r, []%s{r}, map[string]%s{\"k\": r})\n\tfmt.Printf(\"%%+v|%%T|%%v|%%s\\n\", r, r, []%s{r, r}, &r)\n}",
		T, id, g.pick("ann", "bob", "cy"), g.pick("x", "yy"), T, T, T)
}

// workers: goroutines with a WaitGroup and a Mutex, or a channel.
func (g *generator) workers() {
	g.imports["sync"] = true
	w, j := 2+g.r.IntN(5), 10+g.r.IntN(200)
	if g.r.IntN(2) == 0 {
		g.stmt("{\n\ttotal := 0\n\tvar mu sync.Mutex\n\tvar wg sync.WaitGroup\n\tfor w := 0; w < %d; w++ {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tfor j := 0; j < %d; j++ {\n\t\t\t\tmu.Lock()\n\t\t\t\ttotal += w + 1\n\t\t\t\tmu.Unlock()\n\t\t\t}\n\t\t}()\n\t}\n\twg.Wait()\n\tfmt.Println(\"total\", total)\n}", w, j)
		return
	}
	g.stmt("{\n\tch := make(chan int, %d)\n\tvar wg sync.WaitGroup\n\tfor w := 0; w < %d; w++ {\n\t\twg.Add(1)\n\t\tgo func(w int) {\n\t\t\tdefer wg.Done()\n\t\t\tfor j := 0; j < %d; j++ {\n\t\t\t\tch <- w*1000 + j\n\t\t\t}\n\t\t}(w)\n\t}\n\tgo func() {\n\t\twg.Wait()\n\t\tclose(ch)\n\t}()\n\tn, sum := 0, 0\n\tfor v := range ch {\n\t\tn++\n\t\tsum += v\n\t}\n\tfmt.Println(\"received\", n, sum)\n}", g.r.IntN(8), w, j)
}

// maps: counting, comma-ok, delete, and fmt's sorted printing.
func (g *generator) maps() {
	g.imports["strings"] = true
	words := []string{"go", "run", "go", "chan", "run", "go", "select", "mutex"}
	g.r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	g.stmt("{\n\tcount := map[string]int{}\n\tfor _, w := range strings.Fields(%q) {\n\t\tcount[w]++\n\t}\n\tv, ok := count[%q]\n\tdelete(count, %q)\n\tfmt.Println(count, len(count), v, ok)\n}",
		strings.Join(words[:3+g.r.IntN(5)], " "), g.pick("go", "run", "none"), g.pick("chan", "select", "go"))
}

// generics: generic functions over slices with constraints.
func (g *generator) generics() {
	M, S := g.name("Map"), g.name("Sum")
	g.decl("func %s[T, U any](xs []T, f func(T) U) []U {\n\tout := make([]U, 0, len(xs))\n\tfor _, x := range xs {\n\t\tout = append(out, f(x))\n\t}\n\treturn out\n}\n\nfunc %s[T ~int | ~float64](xs []T) T {\n\tvar s T\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}", M, S)
	k := 1 + g.r.IntN(9)
	g.stmt("{\n\tys := %s([]int{1, 2, 3, %d}, func(x int) float64 { return float64(x) / 2 })\n\tfmt.Println(ys, %s(ys), %s([]int{%d, %d}))\n\tfmt.Println(%s([]string{\"a\", \"bc\"}, func(s string) int { return len(s) * %d }))\n}",
		M, k, S, S, k, k*k, M, k)
}

// sliceSharing: append within and beyond capacity, then a write.
func (g *generator) sliceSharing() {
	c := 3 + g.r.IntN(3)
	g.stmt("{\n\ta := make([]int, 3, %d)\n\tb := append(a, %d)\n\ta[0] = %d\n\tc := a[1:2]\n\tc = append(c, 7)\n\tfmt.Println(a, b, c, len(b), cap(b), cap(c))\n}", c, g.r.IntN(10), 10+g.r.IntN(10))
}

// structAssign: a struct literal assigned to a variable a pointer points
// to, and from a goroutine and a closure.
func (g *generator) structAssign() {
	g.imports["sync"] = true
	P := g.name("pt")
	g.decl("type %s struct{ X, Y int }", P)
	x := g.r.IntN(100)
	g.stmt("{\n\tp := %s{1, 2}\n\tq := &p\n\tp = %s{%d, %d}\n\tvar got %s\n\tvar wg sync.WaitGroup\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tgot = %s{X: q.X + 1}\n\t}()\n\twg.Wait()\n\treset := func() { p = %s{} }\n\treset()\n\tfmt.Println(*q, got, p)\n}", P, P, x, x+1, P, P, P)
}

// selectReady: a select whose ready case is known.
func (g *generator) selectReady() {
	k := g.r.IntN(50)
	g.stmt("{\n\tc := make(chan int, 1)\n\tdone := make(chan struct{})\n\tif %d%%2 == 0 {\n\t\tc <- %d\n\t} else {\n\t\tclose(done)\n\t}\n\tselect {\n\tcase v := <-c:\n\t\tfmt.Println(\"value\", v)\n\tcase <-done:\n\t\tfmt.Println(\"done\")\n\t}\n\tselect {\n\tcase v, ok := <-c:\n\t\tfmt.Println(\"again\", v, ok)\n\tdefault:\n\t\tfmt.Println(\"empty\")\n\t}\n}", k, k)
}

// embedding: methods promoted from embedded structs, called, taken as
// values and in go statements.
func (g *generator) embedding() {
	g.imports["sync"] = true
	B, O := g.name("base"), g.name("outer")
	g.decl("type %s struct{ n int }\n\nfunc (b *%s) Inc() { b.n++ }\n\nfunc (b %s) Get() int { return b.n }\n\ntype %s struct {\n\t%s\n\tlabel string\n}", B, B, B, O, B)
	k := 1 + g.r.IntN(5)
	g.stmt("{\n\to := &%s{label: %q}\n\tfor range %d {\n\t\to.Inc()\n\t}\n\tget := o.Get\n\to.Inc()\n\tvar wg sync.WaitGroup\n\tvar mu sync.Mutex\n\tfor range %d {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tmu.Lock()\n\t\t\to.Inc()\n\t\t\tmu.Unlock()\n\t\t}()\n\t}\n\twg.Wait()\n\tfmt.Println(o.label, o.n, o.Get(), get(), o.%s.n)\n}", O, g.pick("a", "b"), k, k, B)
}

// interfaces: values of several types behind an interface, a type
// switch, and a method value taken from an interface.
func (g *generator) interfaces() {
	I, A, B := g.name("Shape"), g.name("Sq"), g.name("Circ")
	g.decl("type %s interface{ Area() int }\n\ntype %s struct{ s int }\n\nfunc (q %s) Area() int { return q.s * q.s }\n\ntype %s struct{ r int }\n\nfunc (c *%s) Area() int { return 3 * c.r * c.r }", I, A, A, B, B)
	x, y := 1+g.r.IntN(9), 1+g.r.IntN(9)
	g.stmt("{\n\tshapes := []%s{%s{%d}, &%s{%d}}\n\ttotal := 0\n\tfor _, sh := range shapes {\n\t\tswitch v := sh.(type) {\n\t\tcase %s:\n\t\t\ttotal += v.s\n\t\tcase *%s:\n\t\t\ttotal += 100 * v.r\n\t\t}\n\t\ttotal += sh.Area()\n\t}\n\tarea := shapes[0].Area\n\tshapes[0] = %s{%d}\n\tfmt.Printf(\"%%d %%d %%T %%v\\n\", total, area(), shapes[1], shapes[0])\n}", I, A, x, B, y, A, B, A, x+1)
}

// errorsWrapped: an error type of the notebook's, wrapped and found with
// errors.Is and errors.As.
func (g *generator) errorsWrapped() {
	g.imports["errors"] = true
	E := g.name("NotFound")
	g.decl("type %s struct{ key string }\n\nfunc (e *%s) Error() string { return e.key + \" not found\" }", E, E)
	unwrap := "errors.Unwrap(err) == base"
	if g.strict {
		unwrap = "errors.Unwrap(err) != nil"
	}
	g.stmt("{\n\tbase := &%s{%q}\n\terr := fmt.Errorf(\"lookup %%d: %%w\", %d, base)\n\tvar nf *%s\n\tfmt.Println(err, errors.Is(err, base), errors.As(err, &nf), nf.key, %s)\n}", E, g.pick("k1", "key"), g.r.IntN(100), E, unwrap)
}

// runes: strings ranged by rune, converted to bytes and runes.
func (g *generator) runes() {
	g.imports["strings"] = true
	w := g.pick("héllo", "naïve", "go", "日本語", "Zoë")
	g.stmt("{\n\ts := %q\n\tvar b strings.Builder\n\tfor i, r := range s {\n\t\tfmt.Fprintf(&b, \"%%d:%%c \", i, r)\n\t}\n\tfmt.Println(b.String(), len(s), len([]rune(s)), []byte(s)[0], string([]rune(s)[1:]), strings.ToUpper(s))\n}", w)
}

// counters: closures that keep state, made by a function.
func (g *generator) counters() {
	F := g.name("counter")
	g.decl("func %s(step int) (func() int, func()) {\n\tn := 0\n\treturn func() int { n += step; return n }, func() { n = 0 }\n}", F)
	g.stmt("{\n\tnext, reset := %s(%d)\n\tnext()\n\ta := next()\n\treset()\n\tother, _ := %s(1)\n\tfmt.Println(a, next(), other(), other())\n}", F, 1+g.r.IntN(5), F)
}

// labels: labeled break and continue out of nested loops.
func (g *generator) labels() {
	k := 2 + g.r.IntN(4)
	g.stmt("{\n\tfound := []int{}\nouter%d:\n\tfor i := 0; i < 6; i++ {\n\t\tfor j := 0; j < 6; j++ {\n\t\t\tif j == i {\n\t\t\t\tcontinue outer%d\n\t\t\t}\n\t\t\tif i*j > %d {\n\t\t\t\tbreak outer%d\n\t\t\t}\n\t\t\tfound = append(found, i*10+j)\n\t\t}\n\t}\n\tfmt.Println(found)\n}", g.n, g.n, k, g.n)
}

// enums: a named integer type with iota constants and a String method,
// printed alone, in a slice, and with %d.
func (g *generator) enums() {
	D := g.name("Day")
	g.decl("type %s int\n\nconst (\n\tMon%d %s = iota\n\tTue%d\n\tWed%d\n)\n\nfunc (d %s) String() string { return [...]string{\"mon\", \"tue\", \"wed\"}[d] }", D, g.n, D, g.n, g.n, D)
	inSlice := fmt.Sprintf("[]%s{Mon%d, d}", D, g.n)
	if g.strict {
		inSlice = fmt.Sprintf("len([]%s{Mon%d, d})", D, g.n)
	}
	g.stmt("{\n\td := Tue%d\n\td++\n\tfmt.Println(d, Mon%d, %s)\n\tfmt.Printf(\"%%d %%v %%s\\n\", d, d, Tue%d)\n}", g.n, g.n, inSlice, g.n)
}

// arrays: arrays are values: copied on assignment and compared with ==.
func (g *generator) arrays() {
	k := g.r.IntN(10)
	g.stmt("{\n\ta := [3]int{1, %d, 3}\n\tb := a\n\tb[0] = 9\n\tp := &a\n\tp[2] = %d\n\tgrid := [2][2]int{{1, 2}, {3, 4}}\n\trow := grid[1]\n\trow[0] = 0\n\tfmt.Println(a, b, a == b, a == [3]int{1, %d, %d}, grid, row, len(grid))\n}", k, k+1, k, k+1)
}

// switches: fallthrough, no-condition switches and a switch on types of
// values.
func (g *generator) switches() {
	k := g.r.IntN(6)
	g.stmt("{\n\tout := \"\"\n\tswitch n := %d; {\n\tcase n < 2:\n\t\tout += \"small \"\n\t\tfallthrough\n\tcase n < 4:\n\t\tout += \"medium \"\n\tdefault:\n\t\tout += \"large \"\n\t}\n\tfor _, v := range []any{%d, \"s\", %d.5, nil, []int{1}} {\n\t\tswitch v.(type) {\n\t\tcase int:\n\t\t\tout += \"int \"\n\t\tcase string:\n\t\t\tout += \"string \"\n\t\tcase nil:\n\t\t\tout += \"nil \"\n\t\tdefault:\n\t\t\tout += fmt.Sprintf(\"%%T \", v)\n\t\t}\n\t}\n\tfmt.Println(out)\n}", k, k, k)
}

// seedRange reads GeneratedSeedsEnv.
func seedRange(t *testing.T) (first, last uint64) {
	spec := os.Getenv(GeneratedSeedsEnv)
	if spec == "" {
		return 1, 40
	}
	a, b, ok := strings.Cut(spec, "-")
	first, err1 := strconv.ParseUint(a, 10, 64)
	last, err2 := strconv.ParseUint(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || last < first {
		t.Fatalf("%s=%q: want FIRST-LAST", GeneratedSeedsEnv, spec)
	}
	return first, last
}

// TestGeneratedPrograms runs generated programs compiled and in the
// interpreter, whole and split into cells as a learner pastes them, and
// fails on any silent difference: the kernel must print what go run
// prints, or fail, or say why it differs. Each difference is reported with
// its seed and the program.
func TestGeneratedPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and runs generated programs")
	}
	t.Setenv("GOLAB_TEST_WORKER", "1")
	t.Setenv(worker.WholeProgramsEnv, "interpret")
	first, last := seedRange(t)
	strict := os.Getenv(GeneratedStrictEnv) == "1"
	dir := t.TempDir()
	var progs []generated
	for seed := first; seed <= last; seed++ {
		p := generate(seed, strict)
		progs = append(progs, p)
		pdir := filepath.Join(dir, fmt.Sprintf("seed%d", seed))
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pdir, "main.go"), []byte(p.whole), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := buildDirs(t, dir, progs)
	counts := map[outcome]int{}
	var silent []string
	for _, p := range progs {
		want, err := runCompiled(bin, fmt.Sprintf("seed%d", p.seed))
		if err != nil {
			t.Errorf("seed %d: the compiled program failed: %v\n%s", p.seed, err, p.whole)
			continue
		}
		for _, form := range []struct {
			name  string
			cells []string
		}{{"whole", []string{p.whole}}, {"cells", []string{p.decls, p.stmts}}} {
			got, stderr, cellErr := runCellsInKernel(t, form.cells)
			var o outcome
			switch {
			case cellErr == nil && got == want:
				o = outSame
			case cellErr != nil:
				o = outRefused
			case explains(stderr):
				o = outNoted
			default:
				o = outSilent
				silent = append(silent, fmt.Sprintf("seed %d (%s): differs silently\n--- go run printed:\n%s--- the kernel printed:\n%s--- program:\n%s",
					p.seed, form.name, want, got, p.whole))
			}
			counts[o]++
			if o == outNoted {
				t.Logf("seed %d (%s): noted: %s", p.seed, form.name, firstNote(stderr))
				if strict {
					// Few enough to read: each is shown whole, to check that
					// the note is the whole difference.
					t.Logf("seed %d (%s, strict): differs, with a note\n--- go run printed:\n%s--- the kernel printed:\n%s--- program:\n%s",
						p.seed, form.name, want, got, p.whole)
				}
			}
			if o == outRefused {
				t.Logf("seed %d (%s): %s: %s", p.seed, form.name, cellErr.Name, firstLine(cellErr.Value))
			}
		}
	}
	mode := ""
	if strict {
		mode = " (strict)"
	}
	t.Logf("generated programs%s: seeds %d-%d, %d programs, %d runs: %d identical, %d refused or failed with an error, %d noted, %d silent",
		mode, first, last, len(progs), 2*len(progs), counts[outSame], counts[outRefused], counts[outNoted], counts[outSilent])
	for _, s := range silent {
		t.Error(s)
	}
}

// buildDirs compiles every program of dir (one directory each) in one go
// build, into a directory it returns.
func buildDirs(t *testing.T, dir string, progs []generated) string {
	t.Helper()
	mod := "module gen\n\ngo 1.24\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	for _, p := range progs {
		args = append(args, fmt.Sprintf("./seed%d", p.seed))
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the generated programs: %v\n%s", err, out)
	}
	return bin
}

// firstNote is the first golab note of a cell's stderr, cut short.
func firstNote(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "golab: ") && !strings.Contains(line, "whole program runs in the interpreter") {
			return firstLine(line)
		}
	}
	return ""
}

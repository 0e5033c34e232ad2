package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"golang.org/x/sys/unix"

	"github.com/golab-notebooks/golab/kernel/interp/cell"
)

// A canary is a notebook that yaegi v0.16.1 runs wrong without one of the
// rewriter's passes: cells run one after the other, the last one's value
// a string, which compiled Go gives as want (measured with go run on the
// same code written as a program).
type canary struct {
	pass  string
	name  string
	cells []string
	want  string
}

// canaries holds one or more per pass that closes a gap in yaegi (see
// kernel/interp/cell/passes.go); noCanary says why a pass has none.
var canaries = []canary{
	{"range-loops", "range over an integer", []string{`import "fmt"
func digits() string {
	s := ""
	for i := range 3 {
		s += fmt.Sprint(i)
	}
	return s
}
digits()`}, "012"},
	{"range-loops", "range variables captured by closures", []string{`func letters() string {
	var fs []func() string
	for _, s := range []string{"a", "b", "c"} {
		fs = append(fs, func() string { return s })
	}
	out := ""
	for _, f := range fs {
		out += f()
	}
	return out
}
letters()`}, "abc"},
	{"range-loops", "range over a slice of channels", []string{`import "fmt"
func drain() string {
	cs := []chan int{make(chan int, 1), make(chan int, 1)}
	for k, c := range cs {
		c <- k * 10
	}
	out := ""
	for k, v := range cs {
		out += fmt.Sprint(k, <-v, ";")
	}
	return out
}
drain()`}, "0 0;1 10;"},
	{"loop-vars", "closures made in a three-clause loop", []string{`import "fmt"
func collect() string {
	var fs []func() string
	for i := 0; i < 3; i++ {
		fs = append(fs, func() string { return fmt.Sprint(i) })
	}
	out := ""
	for _, f := range fs {
		out += f()
	}
	return out
}
collect()`}, "012"},
	{"break-in-select", "break out of a loop from a select case", []string{`func firstValue() string {
	ch := make(chan string, 1)
	ch <- "got it"
	out := ""
L:
	for {
		select {
		case v := <-ch:
			out = v
			break L
		}
	}
	return out
}
firstValue()`}, "got it"},
	{"return-receive", "return <-ch", []string{`import "fmt"
func recv(ch chan int) int {
	return <-ch
}
ch := make(chan int, 1)
ch <- 7
fmt.Sprint(recv(ch))`}, "7"},
	{"builtins", "min, max and clear", []string{`import "fmt"
func builtins() string {
	a, b := 3, 1
	s := []int{4, 5}
	clear(s)
	return fmt.Sprint(min(a, b, 2), max(a, b), s)
}
builtins()`}, "1 3 [0 0]"},
	{"builtins", "new with a value (Go 1.26)", []string{`import "fmt"
type T struct{ A int }
func fresh() string {
	p := new(42)
	q := new(T{1})
	return fmt.Sprint(*p, q.A)
}
fresh()`}, "42 1"},
	{"waitgroup-go", "wg.Go in a loop", []string{`import ("fmt"; "sort"; "sync")
func started() string {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var got []int
	mu.Lock() // the goroutines record only once the loop has ended
	for i := 0; i < 3; i++ {
		wg.Go(func() { mu.Lock(); got = append(got, i); mu.Unlock() })
	}
	mu.Unlock()
	wg.Wait()
	sort.Ints(got)
	return fmt.Sprint(got)
}
started()`}, "[0 1 2]"},
	{"closure-args", "a literal handed to compiled code in a loop", []string{`import ("fmt"; "sync")
func onces() string {
	out := ""
	var fs []func()
	for i := 0; i < 3; i++ {
		fs = append(fs, sync.OnceFunc(func() { out += fmt.Sprint(i) }))
	}
	for _, f := range fs {
		f()
	}
	return out
}
onces()`}, "012"},
	{"defer-args", "a deferred call's argument, read at the defer", []string{`import "fmt"
func deferred() (out string) {
	func() {
		x := 1
		defer func(v int) { out += fmt.Sprint(v) }(x)
		x = 2
	}()
	return out
}
deferred()`}, "1"},
	{"defer-args", "a call among a deferred call's arguments runs at the defer", []string{`type task struct{ name string }
func (t *task) Name() string { return t.name }
func order() (out string) {
	func() {
		for _, n := range []string{"a", "b", "c"} {
			t := &task{n}
			defer func(s string) { out += s }(t.Name())
		}
	}()
	return out
}
order()`}, "cba"},
	{"method-values", "go t.Hi() in a range loop, one goroutine per element", []string{`import ("sort"; "strings"; "sync")
type task struct{ name string }
func (t *task) run(wg *sync.WaitGroup, mu *sync.Mutex, done *[]string) { defer wg.Done(); mu.Lock(); *done = append(*done, t.name); mu.Unlock() }
func all() string {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var done []string
	for _, t := range []*task{{"a"}, {"b"}, {"c"}} {
		wg.Add(1)
		go t.run(&wg, &mu, &done)
	}
	wg.Wait()
	sort.Strings(done)
	return strings.Join(done, "")
}
all()`}, "abc"},
	{"method-values", "split into cells as a learner pastes them: declarations, then main's body at the top level", []string{`import ("sort"; "strings"; "sync")
type T struct{ name string }
func (t *T) Hi(wg *sync.WaitGroup, mu *sync.Mutex, said *[]string) { defer wg.Done(); mu.Lock(); *said = append(*said, "hi "+t.name); mu.Unlock() }
func (t T) Name() string { return t.name }`, `ts := []*T{{"a"}, {"b"}, {"c"}}
var wg sync.WaitGroup
var mu sync.Mutex
var said []string
for _, t := range ts { wg.Add(1); go t.Hi(&wg, &mu, &said) }
wg.Wait()
sort.Strings(said)
var names []func() string
for _, t := range ts { names = append(names, t.Name) }
ts[0].name = "changed"
strings.Join(said, ",") + " " + names[0]() + names[1]() + names[2]()`}, "hi a,hi b,hi c abc"},
	{"method-values", "a method value keeps the receiver it was made with", []string{`type task struct{ name string }
func (t *task) Name() string { return t.name }
func named() string {
	t := &task{"one"}
	f := t.Name
	t = &task{"two"}
	return f() + t.Name()
}
named()`}, "onetwo"},
	{"method-values", "deferred method calls in a loop", []string{`import "fmt"
type task struct{ name string }
func (t *task) add(out *string) { *out += t.name }
func order() (out string) {
	func() {
		for _, n := range []string{"a", "b", "c"} {
			t := &task{n}
			defer t.add(&out)
		}
	}()
	return fmt.Sprint(out)
}
order()`}, "cba"},
	{"top-level-return", "a return in a loop among a cell's statements", []string{`import "fmt"
log := ""`, `for i := 0; i < 10; i++ {
	if i == 3 {
		return
	}
	log += fmt.Sprint(i)
}`, `log`}, "012"},
	{"untyped-shift", "a bit test on a uint64 with a variable shift", []string{`import "fmt"
func bits(word uint64) string {
	s := ""
	for j := 0; j < 4; j++ {
		s += fmt.Sprint(word&(1<<uint(j)) != 0, " ")
	}
	return s
}
bits(5)`}, "true false true false "},
	{"composite-assign", "a goroutine assigns a struct literal to the caller's variable", []string{`import ("fmt"; "sync")
type result struct{ sum int }
func compute() string {
	var res result
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); res = result{sum: 42} }()
	wg.Wait()
	return fmt.Sprint(res.sum)
}
compute()`}, "42"},
	{"composite-assign", "a pointer sees a struct literal assigned to its variable", []string{`import "fmt"
type point struct{ x int }
func moved() string {
	p := point{1}
	q := &p
	p = point{2}
	return fmt.Sprint(q.x)
}
moved()`}, "2"},
	{"select-operands", "a select sends a composite with a call in it", []string{`import "fmt"
type pair struct{ a, b int }
func f() int { return 42 }
c := make(chan pair, 1)
select {
case c <- pair{1, f()}:
}
fmt.Sprint(<-c)`}, "{1 42}"},
	{"receive-into-captured", "a goroutine receives into the caller's variable", []string{`func get(ch chan string) string {
	var r string
	done := make(chan bool)
	go func() {
		r = <-ch
		done <- true
	}()
	<-done
	return r
}
c := make(chan string, 1)
c <- "hi"
get(c)`}, "hi"},
	{"var-in-funclit", "var v = Generic(x) in a function literal", []string{`import "fmt"
func Id[T any](v T) T { return v }
func viaLiteral() string {
	f := func(x int) string {
		var v = Id(x)
		return fmt.Sprint(v)
	}
	return f(5)
}
viaLiteral()`}, "5"},
	{"core-type-params", "S ~[]E", []string{`import "fmt"
func Sum[S ~[]E, E int | float64](s S) E {
	var t E
	for _, v := range s {
		t += v
	}
	return t
}
fmt.Sprint(Sum([]int{1, 2, 3}))`}, "6"},
	{"range-func", "range over a function iterator", []string{`import "fmt"
func pairs(m map[string]int) func(yield func(string, int) bool) {
	return func(yield func(string, int) bool) {
		for k, v := range m {
			if !yield(k, v) {
				return
			}
		}
	}
}
func ranged() string {
	out := ""
	for k, v := range pairs(map[string]int{"a": 1}) {
		out += fmt.Sprint(k, v)
	}
	return out
}
ranged()`}, "a1"},
	{"instantiate-from-literals", "one generic function, two literal types", []string{`import "fmt"
func Map[T, U any](xs []T, f func(T) U) []U {
	var r []U
	for _, x := range xs {
		r = append(r, f(x))
	}
	return r
}
func twice() string {
	a := Map([]int{1, 2}, func(x int) string { return fmt.Sprint("s", x) })
	b := Map([]int{1, 2}, func(x int) int { return x * 10 })
	return fmt.Sprint(a, b)
}
twice()`}, "[s1 s2] [10 20]"},
	{"std-generic-calls", "slices.Sorted(maps.Keys(m))", []string{`import ("fmt"; "maps"; "slices")
m := map[string]int{"b": 2, "a": 1}
fmt.Sprint(slices.Sorted(maps.Keys(m)))`}, "[a b]"},
	{"range-iterator", "for k := range maps.Keys(m)", []string{`import "maps"
func keys() string {
	out := ""
	for k := range maps.Keys(map[string]int{"a": 1}) {
		out += k
	}
	return out
}
keys()`}, "a"},
	{"name-params", "a closure with an unnamed parameter, run by a goroutine", []string{`import "sync"
func unnamed() string {
	var wg sync.WaitGroup
	out := ""
	wg.Add(1)
	f := func(int) { out = "hi"; wg.Done() }
	go f(1)
	wg.Wait()
	return out
}
unnamed()`}, "hi"},
	{"wrap-top-level", "v, ok := in a select case at a cell's top level", []string{`import "fmt"`, `b := make(chan string, 1)
b <- "x"
s := ""
select {
case v, ok := <-b:
	s = fmt.Sprint(v, " ", ok)
}`, `s`}, "x true"},
	{"wrap-top-level", "i := i in a top-level loop", []string{`import "fmt"`, `s := ""
for i := 0; i < 3; i++ {
	i := i
	s += fmt.Sprint(i)
}`, `s`}, "012"},
	{"defer-loop-vars", "a deferred function literal in a loop", []string{`import "fmt"`, `func order(words []string) (out []string) {
	for i := 0; i < 3; i++ {
		defer func() { out = append(out, fmt.Sprint(i)) }()
	}
	for _, w := range words {
		defer func() { out = append(out, w) }()
	}
	return nil
}`, `fmt.Sprint(order([]string{"a", "b"}))`}, "[b a 2 1 0]"},
	{"named-results", "named results of a function called in a loop", []string{`import "fmt"`, `func early(n int) (s int) {
	s += n
	return
}`, `out := ""
for i := 1; i < 4; i++ {
	out += fmt.Sprint(early(i))
}`, `out`}, "123"},
	{"top-level-var", "a var whose value names an earlier cell's variable", []string{`import "fmt"`, `var g = 1`, `var b = g + 1
var c = func() int { return g * 10 }()`, `fmt.Sprint(b, c)`}, "2 10"},
	{"parenthesize-funclit-call", "a function literal called at a cell's top level", []string{`import "fmt"`, `n := 0`, `func() { n++ }()`, `1`, `1`, `fmt.Sprint(n)`}, "1"},
}

// noCanary says why a pass that closes a gap has no canary.
var noCanary = map[string]string{
	"main-calls":     "the gap comes with golab's renaming of a cell's func main (cell.Split, so that main is not run as the program's entry by every later Eval); bare yaegi, which sees no renaming, has nothing to show; TestRewritesMatchGo checks it",
	"core-type-args": "it repairs what core-type-params changes (the type arguments of a function that pass rewrote); bare yaegi, which sees no rewrite, runs such a call; TestRewritesMatchGo checks it",
	"go-statements":  "the gap (a go statement in a loop calling nil or an earlier iteration's closure) showed in 1 run of 90, too rarely for a test that must fail every time",
}

// TestRewriteCanaries runs each canary twice: through the worker, which
// must give what Go gives; and in a bare yaegi v0.16.1 without golab's
// rewrites, in a process of its own (it may crash or hang), which must
// not. When yaegi gets one right, the test fails: the pass may be retired.
func TestRewriteCanaries(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range canaries {
		covered[c.pass] = true
	}
	for _, p := range cell.Passes() {
		switch {
		case p.Feature:
			if covered[p.Name] {
				t.Errorf("pass %s adds a feature: a canary for it means nothing", p.Name)
			}
		case !covered[p.Name] && noCanary[p.Name] == "":
			t.Errorf("pass %s closes a gap in yaegi (%s) and has no canary, nor a reason in noCanary", p.Name, p.Gap)
		}
	}
	// The bare run itself works: a canary that fails there fails because of
	// yaegi, not because the child could not run.
	if got := runRawYaegi(t, []string{`import "fmt"`, `func two() int { return 2 }`, `fmt.Sprint(two())`}); got != "value: 2" {
		t.Fatalf("bare yaegi ran a plain notebook as %q, want \"value: 2\"", got)
	}
	for _, c := range canaries {
		t.Run(c.pass+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			if got := lastValue(t, c.cells); got != strconv.Quote(c.want) {
				t.Errorf("golab gives %s, Go gives %q", got, c.want)
			}
			raw := runRawYaegi(t, c.cells)
			if raw == "value: "+c.want {
				t.Errorf("yaegi v0.16.1 without the %s pass now gives what Go gives (%q): the pass may no longer be needed", c.pass, c.want)
			}
			t.Logf("bare yaegi: %s", raw)
		})
	}
}

// runRawYaegi runs cells in a bare yaegi, in a child process of the test
// binary (TestRawYaegiChild) stopped after 3 s, and says how it ended:
// "value: …", "error: …", "crashed: …" or "hung".
func runRawYaegi(t *testing.T, cells []string) string {
	t.Helper()
	data, err := json.Marshal(cells)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestRawYaegiChild$")
	cmd.Env = append(os.Environ(), "GOLAB_RAW_YAEGI_CELLS="+string(data))
	// A hanging child spins a core: it dies with the test process, even one
	// that panics before the timeout kills it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: unix.SIGKILL}
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return "hung"
	case errors.As(err, &exit):
		return "crashed: " + firstLine(string(exit.Stderr))
	case err != nil:
		t.Fatalf("run bare yaegi: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "value: ") || strings.HasPrefix(line, "error: ") {
			return line
		}
	}
	return "no answer: " + firstLine(string(out))
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// TestRawYaegiChild is runRawYaegi's child: it runs the cells in
// GOLAB_RAW_YAEGI_CELLS in yaegi with the standard library only and prints
// the last cell's value or the first error. Without the variable it does
// nothing.
func TestRawYaegiChild(t *testing.T) {
	env := os.Getenv("GOLAB_RAW_YAEGI_CELLS")
	if env == "" {
		t.Skip("only run as runRawYaegi's child")
	}
	var cells []string
	if err := json.Unmarshal([]byte(env), &cells); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(10*time.Second, func() { os.Exit(3) }) // hung, and its parent did not kill it
	i := interp.New(interp.Options{Stdout: io.Discard, Stderr: io.Discard})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	var last string
	for _, src := range cells {
		// yaegi takes imports, declarations and statements in separate
		// Evals, as any notebook front end must give them: split, not
		// rewritten.
		plan, err := cell.Split(src)
		if err != nil {
			t.Fatal(err)
		}
		pieces := []string{plan.Decls, plan.Stmts, plan.Trailing}
		for _, imp := range plan.ImportSpecs {
			pieces = append([]string{imp.Source()}, pieces...)
		}
		for _, piece := range pieces {
			if strings.TrimSpace(piece) == "" {
				continue
			}
			v, err := i.Eval(piece)
			if err != nil {
				fmt.Println("error: " + strings.ReplaceAll(err.Error(), "\n", " "))
				return
			}
			last = ""
			if v.IsValid() && v.CanInterface() {
				last = fmt.Sprint(v.Interface())
			}
		}
	}
	fmt.Println("value: " + last)
}

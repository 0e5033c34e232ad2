package worker

import (
	"strings"
	"testing"
	"time"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// TestRewritesMatchGo runs, for each gap of yaegi v0.16.1 that the cell
// rewriter closes, a cell whose value shows whether the program behaved as
// compiled Go does. Without the rewrite each case fails, hangs or crashes.
func TestRewritesMatchGo(t *testing.T) {
	tests := []struct {
		name   string
		before string // an earlier cell, if any
		cell   string
		want   string
	}{
		{"range over integers that only the types tell: a call, a field, a map value, an int64", `func count() int { return 3 }
func big() int64 { return 2 }
type pt struct{ n int }
p := pt{2}
m := map[string]int{"a": 2}`, `s := ""
for i := range count() {
	s += fmt.Sprint(i)
}
for i := range p.n + m["a"] {
	s += fmt.Sprint(i)
}
for i := range big() {
	var x int64 = i // the counter is an int64, as in Go
	s += fmt.Sprint(x)
}
s`, `"012012301"`},
		// Go by Example's generics: explicit type arguments of a function whose
		// S ~[]E core-type-params removed, declared in an earlier cell.
		{"explicit type arguments for a function with S ~[]E", `func SlicesIndex[S ~[]E, E comparable](s S, v E) int {
	for i := range s {
		if v == s[i] {
			return i
		}
	}
	return -1
}`, `fmt.Sprint(SlicesIndex[[]string, string]([]string{"foo", "zoo"}, "zoo"), SlicesIndex[[]string]([]string{"zoo"}, "zoo"))`, `"1 0"`},
		// Returns inside range-over-func bodies (found in review): Go gives
		// "3 <nil> 200 3 2 42012" for the same code.
		{"returns of several values, nil, shadowed and blank named results, a receive, one-line bodies", `import "iter"
func seq(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}`, `func first() (int, error) { for i := range seq(5) { if i == 3 { return i, nil } }; return -1, nil }
func shadow() (n int) { for i := range seq(5) { n := i * 100; if i == 2 { return n } }; return }
func blank() (_ int) { for i := range seq(5) { if i == 3 { return i } }; return }
func bare() (n int) { for i := range seq(5) { n = i; if i == 2 { return } }; return 9 }
func rr(ch chan int) int { for i := range seq(5) { if i == 2 { return <-ch } }; return -1 }
func oneLine() (s string) { for x := range seq(3) { s += fmt.Sprint(x) }; return }
c := make(chan int, 1)
c <- 42
i, err := first()
fmt.Sprint(i, err, shadow(), blank(), bare(), rr(c), oneLine())`, `"3 <nil> 200 3 2 42012"`},
		// Go gives "2 true|-1 false|bb|3|01" for the same code (package iter, Go 1.23).
		{"iterators of package iter: a method's Seq2, a variable's Seq, returns from the loop body", "", `import "iter"
type List struct{ xs []string }
func (l *List) All() iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for i, x := range l.xs {
			if !yield(i, x) {
				return
			}
		}
	}
}
func find(l *List, want string) (int, bool) {
	for i, x := range l.All() {
		if x == want {
			return i, true
		}
	}
	return -1, false
}
func firstLong(l *List) (s string) {
	for _, x := range l.All() {
		if len(x) > 1 {
			s = x
			return
		}
	}
	return "none"
}
func count(l *List) int {
	n := 0
	for range l.All() {
		n++
	}
	return n
}
func upTo(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}
l := &List{[]string{"a", "bb", "c"}}
i, ok := find(l, "c")
j, ok2 := find(l, "z")
var seq iter.Seq[int] = upTo(5)
digits := ""
for x := range seq {
	if x == 2 {
		break
	}
	digits += fmt.Sprint(x)
}
fmt.Sprint(i, " ", ok, "|", j, " ", ok2, "|", firstLong(l), "|", count(l), "|", digits)`, `"2 true|-1 false|bb|3|01"`},
		// Go gives "map[a:1 b:2] [b a] [a b]".
		{"copies through iterators: maps.Collect(maps.All(m)), slices.Collect and slices.Sorted of slices.Values", "",
			`m := map[string]int{"b": 2, "a": 1}
s := []string{"b", "a"}
fmt.Sprint(maps.Collect(maps.All(m)), " ", slices.Collect(slices.Values(s)), " ", slices.Sorted(slices.Values(s)))`, `"map[a:1 b:2] [b a] [a b]"`},
		// Go gives "1s 3ms [2 9 a 250] [NaN NaN true false]" for the same code.
		{"min and max of a compiled package's named type, NaN and signed zeros", "", `import "math"
func best() string {
	slow := func() time.Duration { return time.Second }
	b := time.Hour
	for i := 0; i < 3; i++ {
		b = min(b, slow())
	}
	x, y := 3, 7
	nan, negz := math.NaN(), math.Copysign(0, -1)
	return fmt.Sprint(b, " ", max(3*time.Millisecond, time.Microsecond), " ",
		[]any{min(x, y, 2), max(x, y, 9), min("b", "a"), max(uint8(3), 250)}, " ",
		[]any{min(1.5, nan), max(nan, 2.0), math.Signbit(min(0.0, negz)), math.Signbit(max(negz, 0.0))})
}
best()`, `"1s 3ms [2 9 a 250] [NaN NaN true false]"`},
		{"a go statement on a method with a pointer receiver shares the receiver", "", `type counter struct {
	mu sync.Mutex
	wg sync.WaitGroup
	n  int
}
func (c *counter) inc() { defer c.wg.Done(); c.mu.Lock(); c.n++; c.mu.Unlock() }
c := counter{}
for i := 0; i < 500; i++ {
	c.wg.Add(1)
	go c.inc()
}
c.wg.Wait()
c.n`, "500"},
		{"deferred arguments are evaluated at the defer, in a loop too", "", `func order() string {
	s := ""
	func() {
		x := 1
		defer func(a, b int) { s += fmt.Sprint(a, b, " ") }(x, x*10)
		x = 2
		for i := 0; i < 3; i++ {
			defer func(a, b int) { s += fmt.Sprint(a, b, " ") }(i, i*10)
		}
	}()
	return s
}
order()`, `"2 20 1 10 0 0 1 10 "`},
		{"a recovered error is an error", "", `func try() (s string) {
	defer func() {
		r := recover()
		err, ok := r.(error)
		s = fmt.Sprintf("%v %v", err, ok)
	}()
	panic(fmt.Errorf("negative"))
}
try()`, `"negative true"`},
		{"new with a value that is a call or an expression", "", `func double(n int) int { return 2 * n }
func use() int {
	p := new(double(21))
	*p++
	q := new(3 + 4)
	return *p + *q
}
use()`, "50"},
		{"range over a function iterator, with break and continue", "", `func upTo(n int) func(func(int, int) bool) {
	return func(yield func(int, int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i, i*i) {
				return
			}
		}
	}
}
func squares() string {
	s := ""
	for i, sq := range upTo(10) {
		if i == 1 {
			continue
		}
		if i == 4 {
			break
		}
		s += fmt.Sprint(sq, " ")
	}
	return s
}
squares()`, `"0 4 9 "`},
		{"a generic function called with function literals of two types", "", `func apply[T, U any](xs []T, f func(T) U) []U {
	var out []U
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}
func both() string {
	a := apply([]int{1, 2}, func(n int) int { return n * 10 })
	b := apply([]int{1, 2}, func(n int) string { return fmt.Sprint(n, "!") })
	return fmt.Sprint(a, b)
}
both()`, `"[10 20] [1! 2!]"`},
		{"a defer among a cell's statements runs once, when they end", `order := ""
x := 1
defer func(v int) { order += fmt.Sprint("deferred ", v, "; ") }(x)
defer func() { order += "second; " }()
x = 2
order += "body; "`, `order += "later cell; "
order`, `"body; second; deferred 1; later cell; "`},
		{"range over an int literal", "", `s := ""
for i := range 3 { s += fmt.Sprint(i) }
s`, `"012"`},
		{"range over an int variable of an earlier cell", "n := 4", `t := 0
for i := range n { t += i }
for range n { t++ }
t`, "10"},
		{"a for loop without a condition at the top level", "", `n := 0
for i := 0; ; i++ { n += i; if i == 3 { break } }
n`, "6"},
		{"range over a variadic parameter of channels", "", `func total(cs ...chan int) int {
	n := 0
	for i, c := range cs {
		n += i + len(c)
	}
	return n
}
a, b := make(chan int, 1), make(chan int, 1)
a <- 1
total(a, b)`, "2"},
		// Where only the types show a slice of channels: make, a struct
		// field, a call's result, an array, an earlier cell's variable
		// (yaegi: "reflect: call of reflect.Value.Len on int Value").
		{"range over channel slices that only the types show", `type hub struct{ subs []chan string }
func pair() []chan int { return []chan int{make(chan int, 1), make(chan int, 1)} }
early := make([]chan int, 2)`, `cs := make([]chan int, 3)
for i := range cs {
	cs[i] = make(chan int, 1)
	cs[i] <- i * 10
}
s := ""
for i, c := range cs {
	s += fmt.Sprint(i, <-c, " ")
}
h := hub{subs: []chan string{make(chan string, 1)}}
h.subs[0] <- "x"
for _, c := range h.subs {
	s += <-c
}
for i, c := range pair() {
	s += fmt.Sprint(i, cap(c))
}
var arr [2]chan int
for i, c := range arr {
	s += fmt.Sprint(i, c == nil)
}
for _, c := range early {
	s += fmt.Sprint(c == nil)
}
s`, `"0 0 1 10 2 20 x0 11 10 true1 truetruetrue"`},
		// Found running the Go blog's pipelines (every MD5 sum came out
		// zero) and Sameer Ajmani's advanced concurrency talk.
		{"select: sent composites, comma-ok receive from a call, receives that assign", `type pair struct{ a, b int }
func f() int { return 42 }
func get(c chan int) chan int { return c }`, `c := make(chan pair, 1)
select {
case c <- pair{1, f()}:
}
got := fmt.Sprint(<-c)
d := make(chan int, 1)
d <- 9
select {
case v, ok := <-get(d):
	got += fmt.Sprint(" ", v, ok)
default:
	got += " default"
}
w, ok := 0, false
d <- 7
select {
case w, ok = <-d:
}
got += fmt.Sprint(" ", w, ok)
ps := make(chan *pair, 1)
for i := range 2 {
	select {
	case ps <- &pair{
		a: i,
		b: f() + i,
	}:
	}
	got += fmt.Sprint(" ", *<-ps)
}
got`, `"{1 42} 9 true 7 true {0 42} {1 43}"`},
		// Comma-ok definitions at a cell's top level crashed the interpreter
		// ("nil type"); they now run inside a function (cell.SplitTopDefines).
		// With a cell type over int or bool in the notebook, the
		// interpreter's type of the values is ambiguous: go/types tells.
		{"comma-ok receive, map lookup and type assertion at a cell's top level", `func get(c chan int) chan int { return c }
type P struct{ X int }
type Weekday int
func (d Weekday) String() string { return "day" }
type Flag bool`, `d := make(chan int, 1)
d <- 9
v, ok := <-get(d)
c := make(chan P, 1)
c <- P{7}
p, more := <-c
p.X++
m := map[string]int{"a": 1}
a, found := m["a"]
var x any = 3
n, isInt := x.(int)
days := map[string]Weekday{"mon": 1}
day, isDay := days["mon"]
fmt.Sprint(v, ok, p, more, a, found, n, isInt, " ", day, isDay)`, `"9 true {8} true 1 true 3 true day true"`},
		// Found by a helper trying textbook loop-variable programs: an
		// address of the variable, and a body that changes it (Go 1.22
		// gives "0 1 2 1 2 3 0 1 2 1 4 6" for the same code).
		{"loop variables whose address is taken, or which the body changes", "", `var ps []*int
for i := 0; i < 3; i++ {
	ps = append(ps, &i)
}
got := fmt.Sprint(*ps[0], *ps[1], *ps[2])
var ptrs []*int
for _, j := range []int{1, 2, 3} {
	ptrs = append(ptrs, &j)
}
got += fmt.Sprint(" ", *ptrs[0], *ptrs[1], *ptrs[2])
res := make([]*int, 3)
var wg sync.WaitGroup
for i := 0; i < 3; i++ {
	wg.Add(1)
	go func() { defer wg.Done(); res[i] = &i }()
}
wg.Wait()
got += fmt.Sprint(" ", *res[0], *res[1], *res[2])
var fs []func() int
for i := 0; i < 6; i++ {
	if i == 2 {
		continue
	}
	fs = append(fs, func() int { return i })
	i++
}
for _, f := range fs {
	got += fmt.Sprint(" ", f())
}
got`, `"0 1 2 1 2 3 0 1 2 1 4 6"`},
		{"a later cell calls the notebook's main", `var calls int
func main() { calls++ }`, `main()
for i := 0; i < 2; i++ {
	main()
}
calls`, "4"},
		// A cell that declares main and calls it runs it once, not twice.
		{"a cell declares main and calls it", "var runs int", `func main() { runs++ }
main()
runs`, "1"},
		// Declarations ran before the cell's statements: "constant
		// definition loop" (found by a helper with a textbook counter).
		{"var declarations that use the cell's own := variables", "", `var wg sync.WaitGroup
count := 0
var mu sync.Mutex
for range 10 {
	wg.Add(1)
	go func() { defer wg.Done(); mu.Lock(); count++; mu.Unlock() }()
}
wg.Wait()
var total = count
var doubled, label = total * 2, fmt.Sprint("n=", total)
fmt.Sprint(total, doubled, label)`, `"10 20n=10"`},
		// The generic fan-in: "undefined type for T" (found by a helper).
		{"type arguments of generic functions over channel variadics and slices of channels", `func merge[T any](cs ...<-chan T) <-chan T {
	var wg sync.WaitGroup
	out := make(chan T)
	for _, c := range cs {
		wg.Add(1)
		go func() { defer wg.Done(); for v := range c { out <- v } }()
	}
	go func() { wg.Wait(); close(out) }()
	return out
}
func first[T any](cs []chan T) T { return <-cs[0] }`, `a := make(chan int, 1)
a <- 1
close(a)
b := make(chan int, 1)
b <- 5
close(b)
n := 0
for v := range merge(a, b) {
	n += v
}
c := make(chan string, 1)
c <- "x"
fmt.Sprint(n, first([]chan string{c}))`, `"6x"`},
		{"range over an int parameter", "", `func sum(k int) int { s := 0; for j := range k { s += j }; return s }
sum(5)`, "10"},
		{"range over an int constant", "const rounds = 3", `c := 0
for range rounds { c++ }
c`, "3"},
		{"per-iteration loop variable captured by goroutines", "", `var mu sync.Mutex
var got []int
var wg sync.WaitGroup
for i := 0; i < 3; i++ {
	wg.Add(1)
	go func() { defer wg.Done(); mu.Lock(); got = append(got, i); mu.Unlock() }()
}
wg.Wait()
sort.Ints(got)
fmt.Sprint(got)`, `"[0 1 2]"`},
		{"per-iteration range variable captured by goroutines", "", `var mu sync.Mutex
var got []string
var wg sync.WaitGroup
for _, s := range []string{"a", "b", "c"} {
	wg.Add(1)
	go func() { defer wg.Done(); mu.Lock(); got = append(got, s); mu.Unlock() }()
}
wg.Wait()
sort.Strings(got)
fmt.Sprint(got)`, `"[a b c]"`},
		{"shadowing copy at the top level", "", `s := ""
for i := 0; i < 3; i++ { i := i; s += fmt.Sprint(i) }
s`, `"012"`},
		{"labeled break directly in a select case", "", `ch := make(chan int)
go func() { ch <- 1 }()
timeout := time.After(20 * time.Millisecond)
got := 0
loop:
for {
	select {
	case v := <-ch:
		got += v
	case <-timeout:
		break loop
	}
}
got`, "1"},
		{"select case with v, ok at the top level", "", `ch := make(chan int)
go func() { ch <- 1; close(ch) }()
s := ""
for i := 0; i < 2; i++ {
	select {
	case v, ok := <-ch:
		s += fmt.Sprint(v, ok, ";")
	}
}
s`, `"1 true;0 false;"`},
		{"return of a receive", "", `func get(ch chan int) int { return <-ch }
ch := make(chan int, 1)
ch <- 5
get(ch)`, "5"},
		{"min and max of constants and variables", "", `n := 2
f := 0.5
fmt.Sprint(min(2.5, 1), max(3, 7, 1), min(n, 1), max("a", "b"), min(f, 1))`, `"1 7 1b0.5"`},
		{"clear of a map and a slice", "", `m := map[string]int{"a": 1, "b": 2}
s := []int{1, 2, 3}
clear(m)
clear(s)
fmt.Sprint(len(m), s)`, `"0 [0 0 0]"`},
		{"closures with unnamed and blank parameters called from goroutines", "", `var wg sync.WaitGroup
var mu sync.Mutex
calls := 0
f := func(int) { mu.Lock(); calls++; mu.Unlock(); wg.Done() }
g := func(_ int, s string) { mu.Lock(); calls += len(s); mu.Unlock(); wg.Done() }
wg.Add(2)
go f(1)
go g(1, "ab")
wg.Wait()
calls`, "3"},
		{"closures handed to compiled code see their iteration's variables", "", `var mu sync.Mutex
var got []int
var wg sync.WaitGroup
for i := 0; i < 3; i++ {
	wg.Add(1)
	time.AfterFunc(time.Millisecond, func() { mu.Lock(); got = append(got, i); mu.Unlock(); wg.Done() })
}
wg.Wait()
sort.Ints(got)
fmt.Sprint(got)`, `"[0 1 2]"`},
		{"wg.Go closures see their own loop variable", "", `var wg sync.WaitGroup
var mu sync.Mutex
var got []int
for i := 0; i < 3; i++ {
	wg.Go(func() { mu.Lock(); got = append(got, i); mu.Unlock() })
}
wg.Wait()
sort.Ints(got)
fmt.Sprint(got)`, `"[0 1 2]"`},
		{"wg.Go on a WaitGroup pointer of an earlier cell", "wg := &sync.WaitGroup{}", `var mu sync.Mutex
total := 0
for _, v := range []int{1, 2, 3} {
	wg.Go(func() { mu.Lock(); total += v; mu.Unlock() })
}
wg.Wait()
total`, "6"},
		{"a Go method of another type is left alone", `type pool struct{ n int }
func (p *pool) Go(f func()) { p.n++; f() }`, `p := &pool{}
ran := 0
p.Go(func() { ran++ })
fmt.Sprint(p.n, ran)`, `"1 1"`},
		{"slices.Sorted of maps.Keys and maps.Values", "", `m := map[string]int{"b": 2, "a": 1, "c": 3}
fmt.Sprint(slices.Sorted(maps.Keys(m)), slices.Sorted(maps.Values(m)), len(slices.Collect(maps.Keys(m))), len(slices.Collect(maps.Values(m))))`, `"[a b c] [1 2 3] 3 3"`},
		{"range over map and slice iterators", "", `m := map[string]int{"a": 1, "b": 2}
sum := 0
for k := range maps.Keys(m) { sum += m[k] }
for v := range maps.Values(m) { sum += 10 * v }
for k, v := range maps.All(m) { sum += 100 * (m[k] + v) }
for i, v := range slices.All([]int{5, 6}) { sum += 1000 * (i + v) }
for v := range slices.Values([]int{7}) { sum += 10000 * v }
sum`, "82633"},
		{"sync.OnceValue and sync.OnceValues from goroutines", "", `var mu sync.Mutex
calls := 0
config := sync.OnceValue(func() string { mu.Lock(); calls++; mu.Unlock(); return "loaded" })
pair := sync.OnceValues(func() (int, error) { mu.Lock(); calls++; mu.Unlock(); return 7, nil })
var wg sync.WaitGroup
got := make([]string, 4)
for i := 0; i < 4; i++ {
	wg.Add(1)
	go func() { defer wg.Done(); n, _ := pair(); got[i] = config() + fmt.Sprint(n) }()
}
wg.Wait()
fmt.Sprint(got, calls)`, `"[loaded7 loaded7 loaded7 loaded7] 2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorker(t)
			if _, e := run(t, w, `import ("fmt"; "maps"; "slices"; "sort"; "sync"; "time")
var _ = fmt.Sprint
var _ = sort.Ints
var _ sync.Mutex
var _ = time.Second`); e != nil {
				t.Fatal(e)
			}
			if tt.before != "" {
				if _, e := run(t, w, tt.before); e != nil {
					t.Fatal(e)
				}
			}
			type answer struct {
				got string
				err *protocol.Error
			}
			done := make(chan answer, 1)
			go func() {
				got, e := w.run(tt.cell)
				done <- answer{got, e}
			}()
			select {
			case a := <-done:
				if a.err != nil {
					t.Fatalf("cell failed: %s: %s", a.err.Name, a.err.Value)
				}
				if a.got != tt.want {
					t.Errorf("got %s, want %s (compiled Go's answer)", a.got, tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the cell hangs")
			}
		})
	}
}

// A return inside a range over an iterator nested in another, which the
// rewrite cannot carry out yet, is refused with a message naming the line,
// not run as broken source.
func TestNestedIteratorReturnIsRefused(t *testing.T) {
	w := newWorker(t)
	if _, e := w.run(`import "iter"
func seq(n int) iter.Seq[int] { return func(yield func(int) bool) { for i := 0; i < n; i++ { if !yield(i) { return } } } }`); e != nil {
		t.Fatal(e.Value)
	}
	_, e := w.run("func find2() int {\n\tfor i := range seq(3) {\n\t\tfor j := range seq(3) {\n\t\t\tif i*j == 2 {\n\t\t\t\treturn i*10 + j\n\t\t\t}\n\t\t}\n\t}\n\treturn -1\n}")
	if e == nil || e.Name != "not supported" || !strings.Contains(e.Value, "line 2:") {
		t.Fatalf("got %+v, want a refusal at line 2", e)
	}
	if v, e := w.run("seq(2) != nil"); e != nil || v != "true" {
		t.Errorf("the notebook after the refusal: %q %v", v, e)
	}
}

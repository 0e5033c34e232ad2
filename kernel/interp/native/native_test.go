package native

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/golab-notebooks/golab/kernel/interp/stop"
)

// TestPrepareRefuses: each cell is refused, at the line that does not
// qualify, with a reason that names what.
func TestPrepareRefuses(t *testing.T) {
	cases := []struct {
		name, src string
		line      int
		reason    string
	}{
		{"goroutine", "%compile\nfunc f() {\n\tgo f()\n}", 3, "go statement"},
		{"channel param", "%compile\nfunc f(c chan int) {}", 2, "takes or returns chan int"},
		{"channel in body", "%compile\nfunc f() int {\n\tc := make(chan int, 1)\n\treturn len(c)\n}", 3, "channel"},
		{"receive", "%compile\nfunc f(n int) int {\n\tvar c = map[int]int{}\n\t_ = <-c\n\treturn n\n}", 4, "channel"},
		{"select", "%compile\nfunc f() {\n\tselect {}\n}", 3, "channel"},
		{"fmt.Println", "%compile\nimport \"fmt\"\nfunc f() {\n\tfmt.Println(1)\n}", 4, "prints"},
		{"println", "%compile\nfunc f() {\n\tprintln(1)\n}", 3, "println prints"},
		{"os import", "%compile\nimport \"os\"\nfunc f() {}", 2, `import "os"`},
		{"sync import", "%compile\nimport \"sync\"\nfunc f() {}", 2, `import "sync"`},
		{"package var", "%compile\nvar n int\nfunc f() int { return n }", 2, "package variable"},
		{"type", "%compile\ntype P struct{}\nfunc f() {}", 2, "type declaration"},
		{"method", "%compile\nfunc (p P) f() {}", 2, "method f"},
		{"generic", "%compile\nfunc f[T any](x T) T { return x }", 2, "generic"},
		{"struct param", "%compile\nfunc f(p struct{ x int }) {}", 2, "takes or returns struct"},
		{"func param", "%compile\nfunc f(g func(int) int) int { return g(1) }", 2, "takes or returns func(int) int"},
		{"error param", "%compile\nfunc f(errs []error) int { return len(errs) }", 2, "an error made by interpreted code"},
		{"pointer result", "%compile\nfunc f() *int { return nil }", 2, "takes or returns *int"},
		{"notebook name", "%compile\nfunc f() int {\n\treturn helper(2)\n}", 3, "helper is not declared in this cell"},
		{"no functions", "%compile\nconst n = 1", 0, "declares none"},
		{"main", "%compile\nfunc main() {}", 2, "func main"},
		{"arguments", "%compile now\nfunc f() {}", 1, "alone"},
		{"syntax", "%compile\nfunc f( {}", 2, "syntax error"},
		{"golab's names", "%compile\nfunc f() int {\n\tGolabStop := 1\n\treturn GolabStop\n}", 3, "golab's own"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Prepare(c.src)
			var r *Refusal
			if !errors.As(err, &r) {
				t.Fatalf("Prepare(%q) = %v, want a refusal", c.src, err)
			}
			if r.Line != c.line || !strings.Contains(r.Reason, c.reason) {
				t.Errorf("refusal at line %d: %q; want line %d, with %q", r.Line, r.Reason, c.line, c.reason)
			}
		})
	}
}

// TestPrepareAccepts: cells of pure functions qualify, and the wrappers
// pass every parameter on, as the function declares them.
func TestPrepareAccepts(t *testing.T) {
	cases := []struct {
		name, src string
		wrappers  string
	}{
		{"plain", "%compile\nfunc f(a, b int) int { return a + b }",
			"\nfunc f(p0 int, p1 int) int { return golab_cH.F_f(p0, p1) }\n"},
		{"variadic, results", "%compile\nfunc f(s string, xs ...float64) (n int, err error) { return }",
			"\nfunc f(p0 string, p1 ...float64) (int, error) { return golab_cH.F_f(p0, p1...) }\n"},
		{"no results, unnamed", "%compile\n\nfunc f(map[string][]int, [3]byte) {}",
			"\n\nfunc f(p0 map[string][]int, p1 [3]byte) { golab_cH.F_f(p0, p1) }\n"},
		{"imports, consts, two on a line", "%compile\nimport (\n\t\"math\"\n\tr \"math/rand/v2\"\n)\nconst k = 2\nfunc f() float64 { return math.Sqrt(k) * r.Float64() }; func g() {}",
			"\n\n\n\n\nconst k = 2\nfunc f() float64 { return golab_cH.F_f() }; func g() { golab_cH.F_g() }\n"},
		{"a const block in a signature", "%compile\nconst (\n\tN = iota + 2\n\tM\n)\nfunc first(a [N]int) int { return a[0] }",
			"\nconst (\n\tN = iota + 2\n\tM\n)\nfunc first(p0 [N]int) int { return golab_cH.F_first(p0) }\n"},
		{"after blank lines", "\n\n%compile\nfunc f(_ int) {}",
			"\n\n\nfunc f(p0 int) { golab_cH.F_f(p0) }\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, err := Prepare(c.src)
			if err != nil {
				t.Fatalf("Prepare: %v", err)
			}
			if got := strings.ReplaceAll(u.Wrappers(), u.PackageName(), "golab_cH"); got != c.wrappers {
				t.Errorf("wrappers:\n%q\nwant\n%q", got, c.wrappers)
			}
		})
	}
}

// TestBuildOpenStop builds a plugin (a cold build cache takes a few
// seconds: the standard library is built again for plugins), calls its
// function, and stops its loop with stop.Request as an interrupt would.
func TestBuildOpenStop(t *testing.T) {
	u := prepared(t, "%compile\nfunc sum(xs []int) int {\n\ts := 0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n\nfunc spin(n int) int {\n\tfor {\n\t\tn++\n\t}\n}\n\nfunc bad(i int) []int {\n\treturn make([]int, 2)[i:]\n}\n")
	built, err := Build(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if built.Cached {
		t.Error("the first build says it came from the cache")
	}
	again, err := Build(u, nil)
	if err != nil || !again.Cached || again.Path != built.Path {
		t.Errorf("second Build = %+v, %v; want the first one's plugin from the cache", again, err)
	}
	funcs, err := Open(built.Path)
	if err != nil {
		t.Fatal(err)
	}
	sum := funcs[Exported("sum")].Interface().(func([]int) int)
	if got := sum([]int{1, 2, 3}); got != 6 {
		t.Errorf("sum = %d, want 6", got)
	}
	// A panic in compiled code names its cell line.
	func() {
		defer func() {
			r := recover()
			if r == nil || !strings.Contains(stackOf(r), "slice bounds out of range") {
				t.Errorf("bad(5) panicked with %v, want a slice bounds panic", r)
			}
		}()
		funcs[Exported("bad")].Interface().(func(int) []int)(5)
	}()
	if got := PanicFrames(errorString("runtime error: slice bounds out of range [5:2]")); len(got) != 1 || got[0] != (Frame{"bad", 17}) {
		t.Errorf("the panic's compiled frames = %v, want bad at cell line 17", got)
	}
	spin := funcs[Exported("spin")].Interface().(func(int) int)
	var stopped atomic.Bool
	done := make(chan bool)
	go func() {
		defer func() { done <- stop.Is(recover()) }()
		stopped.Store(true)
		spin(0)
	}()
	for !stopped.Load() {
	}
	stop.Request()
	defer stop.Clear()
	if !<-done {
		t.Error("spin did not unwind with stop.Signal on stop.Request")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(built.Path), "main.go")); err != nil {
		t.Errorf("the plugin's source is not kept beside it: %v", err)
	}
}

// errorString prints as an error of that text does.
type errorString string

func (e errorString) Error() string { return string(e) }

// prepared returns the unit of src, with the plugin cache in a folder of
// the test's own; it skips the test where plugins cannot work.
func prepared(t *testing.T, src string) *Unit {
	t.Helper()
	if why := Unavailable(); why != "" {
		t.Skip(why)
	}
	t.Setenv(CacheEnv, t.TempDir())
	u, err := Prepare(src)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func stackOf(r any) string {
	if e, ok := r.(error); ok {
		return e.Error()
	}
	return ""
}

// TestBuildErrorAtCellLines: the compiler's message names the cell's line
// and column, as the learner wrote them (the stop checks golab adds after
// an opening brace do not shift the columns).
func TestBuildErrorAtCellLines(t *testing.T) {
	u := prepared(t, "%compile\nfunc f(n int) string {\n\tfor i := 0; i < n; i++ { return i }\n\treturn \"\"\n}\n")
	_, err := Build(u, nil)
	var be *BuildError
	if !errors.As(err, &be) || len(be.Lines) == 0 {
		t.Fatalf("Build = %v, want a compiler error", err)
	}
	if m := be.Lines[0]; m.Line != 3 || m.Column != 34 {
		t.Errorf("compiler error at %d:%d (%s), want 3:34 (the i after return)", m.Line, m.Column, m.Message)
	}
}

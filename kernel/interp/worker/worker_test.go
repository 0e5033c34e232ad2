package worker

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

func newWorker(t *testing.T) *Worker {
	t.Helper()
	w, err := New("testtoken", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	w.frames.dst = io.Discard
	return w
}

func run(t *testing.T, w *Worker, code string) (string, *protocol.Error) {
	t.Helper()
	return w.run(code)
}

// lastValue runs cells one after the other in a new worker, each of which
// must succeed, and returns the value the last one shows.
func lastValue(t *testing.T, cells []string) string {
	t.Helper()
	w := newWorker(t)
	var got string
	for i, src := range cells {
		v, e := w.run(src)
		if e != nil {
			t.Fatalf("cell %d in golab: %s: %s", i+1, e.Name, e.Value)
		}
		got = v
	}
	return got
}

// step is a cell and the value it shows ("" for none).
type step struct{ code, want string }

// runSteps runs cells one after the other in w, each of which must succeed
// and show its value.
func runSteps(t *testing.T, w *Worker, steps []step) {
	t.Helper()
	for _, s := range steps {
		got, e := run(t, w, s.code)
		if e != nil {
			t.Fatalf("%q: %s: %s", s.code, e.Name, e.Value)
		}
		if got != s.want {
			t.Errorf("%q = %q, want %q", s.code, got, s.want)
		}
	}
}

func TestTrailingValues(t *testing.T) {
	w := newWorker(t)
	if _, e := run(t, w, "import (\"fmt\"; \"strings\")\nfunc pair() (int, int) { return 1, 2 }\nfunc one() int { return 1 }\nfunc none() {}\ntype T struct{}\nfunc (T) Two() (int, error) { return 2, nil }\nfunc (T) Name() string { return \"t\" }\nvar v T"); e != nil {
		t.Fatal(e)
	}
	tests := []struct {
		code, want string
	}{
		{"1 + 2", "3"},
		{`"x"`, `"x"`},
		{"one()", "1"},
		{"pair()", ""},        // two values: not shown, as Go would refuse to print it as one
		{"none()", ""},        // no value
		{`fmt.Println()`, ""}, // (n int, err error)
		{`fmt.Sprint(4)`, `"4"`},
		{`strings.ToUpper("go")`, `"GO"`},
		{"v.Two()", ""},
		{"v.Name()", `"t"`},
		{"len([]int{1, 2})", "2"},
		{"func() int { return 9 }()", "9"},
		{"nil", "<nil>"},
		{"[]int{1, 2}", "[1 2]"},
		{"int64(3)", "3"},
	}
	for _, tt := range tests {
		got, e := run(t, w, tt.code)
		if e != nil {
			t.Errorf("%s: error %v", tt.code, e)
			continue
		}
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestErrorsAreCellErrors(t *testing.T) {
	w := newWorker(t)
	tests := []struct {
		code, name, value string
	}{
		{"x := )", "syntax error", "line 1:6"},
		{"a := 1\n_ = a\nb + 1", "undefined", "line 3:1: undefined: b"},
		{"fmt.Println(1)", "undefined", "undefined: fmt"},
		{"var s []int\n_ = s[3]", "runtime error", "index out of range"},
		{`panic("stop")`, "panic", "stop"},
	}
	for _, tt := range tests {
		_, e := run(t, w, tt.code)
		if e == nil {
			t.Errorf("%q: no error", tt.code)
			continue
		}
		if e.Name != tt.name || !strings.Contains(e.Value, tt.value) {
			t.Errorf("%q: %s: %s, want %s containing %q", tt.code, e.Name, e.Value, tt.name, tt.value)
		}
	}
	_, e := run(t, w, "fmt.Println(1)")
	if e == nil || !strings.Contains(strings.Join(e.Traceback, "\n"), `import "fmt"`) {
		t.Errorf("no import hint: %+v", e)
	}
}

func TestCompleteAndInspect(t *testing.T) {
	w := newWorker(t)
	if _, e := run(t, w, "import (\"fmt\"; \"sync\")\nvar wg sync.WaitGroup\nfunc helper() int { return 1 }\ncounter := 0\n_ = counter"); e != nil {
		t.Fatal(e)
	}
	tests := []struct {
		code    string
		want    string // a match that must be present
		wantNot string
	}{
		{"fmt.Spr", "Sprintf", "Println"},
		{"wg.", "Wait", ""},
		{"hel", "helper", ""},
		{"cou", "counter", ""},
		{"go", "go", ""},
		{"sy", "sync", ""},
	}
	for _, tt := range tests {
		matches, _, start, end := w.complete(tt.code, len(tt.code))
		joined := "," + strings.Join(matches, ",") + ","
		if !strings.Contains(joined, ","+tt.want+",") || (tt.wantNot != "" && strings.Contains(joined, ","+tt.wantNot+",")) {
			t.Errorf("complete(%q) = %v", tt.code, matches)
		}
		if end != len(tt.code) || start > end {
			t.Errorf("complete(%q) range %d..%d", tt.code, start, end)
		}
	}
	found, data := w.inspect("helper()", 2, 0)
	if !found || !strings.Contains(data["text/plain"].(string), "func helper() int") {
		t.Errorf("inspect helper: %v %v", found, data)
	}
	found, data = w.inspect("fmt.Println", 6, 0)
	if !found || !strings.Contains(data["text/plain"].(string), "func fmt.Println") {
		t.Errorf("inspect fmt.Println: %v %v", found, data)
	}
	if found, _ := w.inspect("nosuch", 3, 0); found {
		t.Error("inspect found an undefined name")
	}
	// After the opening parenthesis of a call (or among its arguments), as
	// JupyterLab asks on Shift+Tab: the function called.
	for _, code := range []string{"fmt.Println(", `fmt.Println("a", `, "x := fmt.Println(len(s), "} {
		found, data = w.inspect(code, len(code), 0)
		if !found || !strings.Contains(data["text/plain"].(string), "func fmt.Println") {
			t.Errorf("inspect %q at its end: %v %v", code, found, data)
		}
	}
}

// TestFailedCellsLeaveTheInterpreterWorking runs failing cells one after
// another in one worker; after each, a plain cell must still work. yaegi
// leaves its global memory short after some failed compilations.
func TestFailedCellsLeaveTheInterpreterWorking(t *testing.T) {
	w := newWorker(t)
	if _, e := run(t, w, "kept := 40"); e != nil {
		t.Fatal(e)
	}
	tests := []struct {
		code, contains string
		line, col      int
	}{
		{"var x int = \"s\"", `cannot use "s" as int value`, 1, 13},
		{"y := 1\ny = \"s\"", `cannot use "s" as int value`, 2, 5},
		{"func f(a int) int { return a }\nf(\"x\")", `cannot use "x" as int value`, 2, 3},
		{"import \"fmt\"\nfmt.Printn(1)", "undefined: fmt.Printn", 2, 1},
		{"a, b := 1", "assignment mismatch", 1, 1},
		{"import \"nosuchpkg/zzz\"", "is not available", 1, 8},
		{"type S struct{ A int }\ns := S{}\ns.B", "s.B undefined (no field or method B)", 3, 1},
	}
	for _, tt := range tests {
		_, e := run(t, w, tt.code)
		if e == nil {
			t.Errorf("%q: no error", tt.code)
			continue
		}
		want := fmt.Sprintf("line %d:%d:", tt.line, tt.col)
		if !strings.Contains(e.Value, want) || !strings.Contains(e.Value, tt.contains) {
			t.Errorf("%q: %q, want %q and %q", tt.code, e.Value, want, tt.contains)
		}
		if got, e := run(t, w, "kept + 2"); e != nil || got != "42" {
			t.Fatalf("after %q, kept + 2 = %q, %v", tt.code, got, e)
		}
	}
}

func TestReadingStdinWithoutAFrontEndSaysSo(t *testing.T) {
	w := newWorker(t)
	for _, code := range []string{
		"import \"fmt\"\nvar s string\nfmt.Scanln(&s)",
		"import (\"bufio\"; \"os\")\nbufio.NewReader(os.Stdin).ReadString('\\n')",
	} {
		_, e := run(t, w, code)
		if e == nil || !strings.Contains(e.Value, "allow_stdin is false") {
			t.Errorf("%q: %+v, want a message about allow_stdin", code, e)
		}
	}
}

func TestCompletionKinds(t *testing.T) {
	w := newWorker(t)
	if _, e := run(t, w, "import \"sync\"\ntype Box struct{}\nconst limit = 3\nfunc helper() {}"); e != nil {
		t.Fatal(e)
	}
	tests := []struct{ code, match, kind string }{
		{"sync.Wait", "WaitGroup", "class"},
		{"sync.OnceF", "OnceFunc", "function"},
		{"Bo", "Box", "class"},
		{"lim", "limit", "instance"},
		{"hel", "helper", "function"},
		{"sel", "select", "keyword"},
		{"stri", "strings", "module"},
	}
	for _, tt := range tests {
		_, kinds, _, _ := w.complete(tt.code, len(tt.code))
		if got := kinds[tt.match]; got != tt.kind {
			t.Errorf("complete(%q): %s is %q, want %q", tt.code, tt.match, got, tt.kind)
		}
	}
}

// A first line starting with % that is no magic is refused with the list
// of magics (before, it was a syntax error about '%'); known magics are
// recognized with space around them.
func TestUnknownMagic(t *testing.T) {
	w := newWorker(t)
	for _, src := range []string{"%timeit fib(20)", "\n  %racex\nx := 1", "%%go run"} {
		_, e := run(t, w, src)
		if e == nil || e.Name != "unknown magic" || !strings.Contains(strings.Join(e.Traceback, "\n"), "%check NAME") {
			t.Errorf("%q: %+v, want an unknown magic error listing the magics", src, e)
		}
	}
	if _, e := run(t, w, "x := 100 % 7\nx"); e != nil {
		t.Errorf("a %% inside Go code: %v", e)
	}
	if _, e := run(t, w, "\r\n%check nosuch\r\n"); e == nil || e.Name == "unknown magic" {
		t.Errorf("%%check after CRLF line ends: %+v, want the check cell's own error", e)
	}
	if _, e := run(t, w, "  %check nosuch  \n"); e == nil || e.Name == "unknown magic" {
		t.Errorf("%%check with space around it: %+v, want the check cell's own error", e)
	}
	// A comment above a magic: the magic must come first, and the cell
	// says so rather than a syntax error about '%'.
	_, e := run(t, w, "// fast versions\n\n%compile\nfunc f() int { return 1 }")
	if e == nil || e.Name != "magic not first" || !strings.Contains(strings.Join(e.Traceback, "\n"), "%compile is on cell line 3") {
		t.Errorf("a comment above %%compile: %+v", e)
	}
	if _, e := run(t, w, "// a comment\nx := 5 % 3\nx"); e != nil {
		t.Errorf("a comment above Go code: %v", e)
	}
}

// Package syscall has its names: Go by Example's signals program and any
// signal.Notify(c, syscall.SIGINT, syscall.SIGTERM) use them (it imported
// with none: "undefined: syscall.SIGTERM").
func TestSyscallHasItsNames(t *testing.T) {
	w := newWorker(t)
	got, e := run(t, w, "import (\"fmt\"; \"syscall\")\nfmt.Sprint(syscall.SIGTERM, syscall.SIGINT, syscall.Getpid() > 0)")
	if e != nil {
		t.Fatal(e)
	}
	if want := `"terminated interrupt true"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// A panic inside a function the cell declares is placed at the statement
// that failed and at the caller's call, where the interpreter names the
// function's first statement for every frame (found by a helper: the
// caret sat under fmt.Println("before")).
func TestPanicFramesPointAtTheFailingStatement(t *testing.T) {
	w := newWorker(t)
	if _, e := run(t, w, `import "fmt"`); e != nil {
		t.Fatal(e)
	}
	tests := []struct {
		code  string
		lines []string // "at cell line …" lines of the traceback, in order
	}{
		{"func a() {\n\tfmt.Print(\"\")\n\tvar m map[string]int\n\tm[\"a\"] = 1\n}\na()",
			[]string{"  at cell line 4, column 2 (in a)", "  at cell line 6, column 1"}},
		{"func b(xs []int) int {\n\tfmt.Print(\"\")\n\ti := 5\n\treturn xs[i]\n}\nb([]int{1})",
			// The interpreter places a trailing call's frame at its argument
			// (column 3); 17, past the end of the line, counted the columns
			// of the variable golab stored the value in.
			[]string{"  at cell line 4, column 9 (in b)", "  at cell line 6, column 3"}},
		{"func c() {\n\tfmt.Print(\"\")\n\tpanic(\"boom\")\n}\nfunc d() {\n\tfmt.Print(\"\")\n\tc()\n}\nd()",
			[]string{"  at cell line 3, column 2 (in c)", "  at cell line 7, column 2 (in d)", "  at cell line 9, column 1"}},
		// Two statements that could fail so: the interpreter's line stays.
		{"func e(xs []int) int {\n\tfmt.Print(\"\")\n\t_ = xs[0]\n\treturn xs[5]\n}\ne([]int{1})",
			[]string{"  at cell line 2, column 2 (in e)", "  at cell line 6, column 3"}},
	}
	for _, tt := range tests {
		_, e := run(t, w, tt.code)
		if e == nil {
			t.Errorf("%q: no error", tt.code)
			continue
		}
		var got []string
		for _, l := range e.Traceback {
			if strings.HasPrefix(l, "  at cell line") {
				got = append(got, l)
			}
		}
		if !slices.Equal(got, tt.lines) {
			t.Errorf("%q: frames %q, want %q", tt.code, got, tt.lines)
		}
	}
}

// Showing a cell's value keeps nothing: no new global per cell (each one
// kept its value and a slot of the interpreter's frame for the whole
// session, and 3,000 cells grew the worker by hundreds of MiB), and the
// value itself is let go once shown.
func TestShownValuesAreNotKept(t *testing.T) {
	w := newWorker(t)
	if _, e := run(t, w, "1"); e != nil {
		t.Fatal(e)
	}
	before := len(w.globals())
	for i := range 20 {
		if got, e := run(t, w, fmt.Sprintf("len(make([]byte, %d))", i)); e != nil || got != fmt.Sprint(i) {
			t.Fatalf("cell %d: %q, %v", i, got, e)
		}
	}
	if after := len(w.globals()); after != before {
		t.Errorf("%d globals after 20 shown values, %d before", after, before)
	}
	if v, ok := w.globals()["__golab_v"]; !ok || !v.IsValid() || !v.IsNil() {
		t.Errorf("__golab_v after showing: %v, want nil", v)
	}
}

// A trailing expression's panic names its own column, on the cell's first
// line and on a later one.
func TestTrailingPanicColumns(t *testing.T) {
	w := newWorker(t)
	if _, e := run(t, w, "xs := []int{1}\ni := 5"); e != nil {
		t.Fatal(e)
	}
	for _, tt := range []struct{ code, want string }{
		{"xs[i] + 1", "  at cell line 1, column 1"},
		{"   xs[i]", "  at cell line 1, column 4"},
		{"\n\n  xs[i]", "  at cell line 3, column 3"},
	} {
		_, e := run(t, w, tt.code)
		if e == nil {
			t.Fatalf("%q: no error", tt.code)
		}
		if !slices.Contains(e.Traceback, tt.want) {
			t.Errorf("%q: traceback %q, want a line %q", tt.code, e.Traceback, tt.want)
		}
	}
}

// A package imported with a dot gives the cell its names (it said
// "undefined: ToUpper"), and a trailing call of such a function, or of a
// variable that holds a function, shows its value as Go's notebooks do.
func TestDotImportsAndFunctionValues(t *testing.T) {
	w := newWorker(t)
	runSteps(t, w, []step{
		{`import . "strings"`, ""},
		{`ToUpper("abc")`, `"ABC"`},
		{"import (\n\t\"fmt\"\n\t. \"math\"\n)\nfmt.Sprint(Sqrt(16), Max(2, 3))", `"4 3"`},
		{"f := func() int { return 7 }", ""},
		{"f()", "7"},
		{"g := func() (int, error) { return 1, nil }\ng()", ""},
	})
	if _, e := run(t, w, "Nope(1)"); e == nil || e.Value != "line 1:1: undefined: Nope" {
		t.Errorf("an unknown name: %+v", e)
	}
}

// A return among a cell's own statements ends them, as a function body's
// return does: the rest and the trailing expression do not run, the
// deferred calls do, variables made before stay (yaegi failed with "CFG
// post-order panic" in a loop or select).
func TestReturnEndsTheCellsStatements(t *testing.T) {
	w := newWorker(t)
	steps := []step{
		{"import \"fmt\"\nlog := \"\"", ""},
		{"for i := 0; i < 10; i++ {\n\tif i == 3 {\n\t\treturn\n\t}\n\tlog += fmt.Sprint(i)\n}\nlog += \"not reached\"\nlog", ""},
		{"log", `"012"`},
		{"c := make(chan int, 1)\nc <- 7\ndefer func() { log += \" deferred\" }()\nselect {\ncase v := <-c:\n\tlog += fmt.Sprint(\" got \", v)\n\treturn\n}\nlog += \" not reached\"", ""},
		{"log", `"012 got 7 deferred"`},
		{"func f() int {\n\tfor {\n\t\treturn 5\n\t}\n}\nf()", "5"},
	}
	runSteps(t, w, steps)
}

// A function deferred among a cell's statements recovers the cell's panic,
// as a deferred call recovers a panic of the function it belongs to: the
// cell ends without error, the statements after the panic do not run
// (the cell reported the panic before).
func TestACellsDeferredRecoverRecovers(t *testing.T) {
	w := newWorker(t)
	steps := []step{
		{"import (\"errors\"; \"fmt\")\nlog := \"\"", ""},
		{"defer func() {\n\tif r := recover(); r != nil {\n\t\tlog += fmt.Sprint(\"recovered: \", r)\n\t}\n}()\nlog += \"before \"\npanic(\"boom\")\nlog += \"not reached\"", ""},
		{"log", `"before recovered: boom"`},
		{"defer func() {\n\terr, _ := recover().(error)\n\tlog = fmt.Sprint(errors.Is(err, errors.ErrUnsupported))\n}()\npanic(errors.ErrUnsupported)", ""},
		{"log", `"true"`},
		{"defer func() { log = fmt.Sprint(recover()) }()\nlog = \"no panic\"", ""},
		{"log", `"<nil>"`},
	}
	runSteps(t, w, steps)
	// Without a recover, the panic is the cell's error, as before.
	if _, e := run(t, w, "defer func() { log = \"deferred ran\" }()\npanic(\"unrecovered\")"); e == nil || e.Value != "unrecovered" {
		t.Errorf("an unrecovered panic: %+v", e)
	}
	if got, _ := run(t, w, "log"); got != `"deferred ran"` {
		t.Errorf("the deferred call of a panicking cell: log = %s", got)
	}
}

// The worker answers is_complete, so that the kernel process, which asks
// it, never parses Go.
func TestIsCompleteIsAnsweredByTheWorker(t *testing.T) {
	w := newWorker(t)
	for _, tt := range []struct{ code, status, indent string }{
		{"x := 1", "complete", ""},
		{"func f() {", "incomplete", "\t"},
		{"x := []int{1,", "incomplete", "\t"},
		{"x := )", "invalid", ""},
	} {
		t.Run(tt.code, func(t *testing.T) {
			ev := w.handle(protocol.Request{Op: protocol.OpIsComplete, Code: tt.code})
			if ev.Status != "ok" || ev.Completeness != tt.status || ev.Indent != tt.indent {
				t.Errorf("is_complete(%q) = %q %q %q, want ok %q %q", tt.code, ev.Status, ev.Completeness, ev.Indent, tt.status, tt.indent)
			}
		})
	}
}

// A function a cell declares with a builtin's name hides the builtin, in
// later cells too, as a package-level function does in Go (golab rewrote
// min, max, clear and new(value) for the interpreter regardless: max(3, 4)
// gave 4 after func max(a, b int) int { return a * 100 }).
func TestDeclaredFunctionsHideBuiltins(t *testing.T) {
	w := newWorker(t)
	runSteps(t, w, []step{
		{"func max(a, b int) int { return a * 100 }\nfunc min(a, b int) int { return -1 }\nfunc new(a int) int { return a + 2 }\nfunc clear(s []int) int { return len(s) }\nmax(3, 4)", "300"},
		{"min(1, 2)", "-1"},
		{"new(1)", "3"},
		{"clear([]int{1, 2})", "2"},
		{"func f() int { max := func(a, b int) int { return 1000 }; return max(1, 2) }\nf()", "1000"},
	})
}

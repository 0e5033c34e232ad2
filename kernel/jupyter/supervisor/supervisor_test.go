package supervisor

import (
	"io"
	"log"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golab-notebooks/golab/kernel/interp/worker"
	"github.com/golab-notebooks/golab/kernel/limits"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// TestMain lets the test binary double as the worker process: the
// supervisor under test starts this binary with GOLAB_TEST_WORKER set.
func TestMain(m *testing.M) {
	worker.ServeIfTestWorker()
	os.Exit(m.Run())
}

func newSupervisor(t testing.TB) *Supervisor {
	t.Helper()
	return newSupervisorWith(t, limits.Limits{})
}

func newSupervisorWith(t testing.TB, lim limits.Limits) *Supervisor {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOLAB_TEST_WORKER", "1")
	s, err := New(Options{Command: []string{exe}, Log: log.New(io.Discard, "", 0), Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// recorder is a Sink that keeps everything, with arrival times.
type recorder struct {
	mu      sync.Mutex
	start   time.Time
	streams []streamPart
	outputs []protocol.Output
}

type streamPart struct {
	name, text string
	at         time.Duration
}

func (r *recorder) sink() *Sink {
	r.start = time.Now()
	return &Sink{
		Stream: func(name, text string) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.streams = append(r.streams, streamPart{name, text, time.Since(r.start)})
		},
		Display: func(o protocol.Output) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.outputs = append(r.outputs, o)
		},
	}
}

func (r *recorder) text(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, p := range r.streams {
		if p.name == name {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

func TestExecute(t *testing.T) {
	s := newSupervisor(t)
	tests := []struct {
		name       string
		code       string
		status     string
		result     string // text/plain of execute_result
		stdout     string
		stderr     string
		errContain string
	}{
		{name: "expression", code: "1 + 2", status: "ok", result: "3"},
		{name: "print", code: "import \"fmt\"\nfmt.Println(\"hello\")", status: "ok", stdout: "hello\n"},
		{name: "state kept", code: "x := 40", status: "ok"},
		{name: "state used", code: "x + 2", status: "ok", result: "42"},
		{name: "string quoted", code: `"go"`, status: "ok", result: `"go"`},
		{name: "stderr", code: "import \"os\"\nfmt.Fprintln(os.Stderr, \"oops\")", status: "ok", stderr: "oops\n"},
		{name: "mixed order", code: "y := double(4)\nfunc double(n int) int { return 2 * n }\ny", status: "ok", result: "8"},
		{name: "stringer", code: "type P struct{ X int }\nfunc (p P) String() string { return fmt.Sprintf(\"P(%d)\", p.X) }\nP{7}", status: "ok", result: "P(7)"},
		{name: "whole program", code: "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"from main\")\n}", status: "ok", stdout: "from main\n"},
		{name: "syntax error names line", code: "a := 1\nb := )", status: "error", errContain: "line 2"},
		{name: "panic names line", code: "var s []int\n_ = s\nfunc at(i int) int { return s[i] }\nat(5)", status: "error", errContain: "index out of range"},
		{name: "unchanged type accepted", code: "type P struct{ X int }", status: "ok"},
		{name: "function redefinition reaches callers", code: "func base() int { return 1 }\nfunc twice() int { return 2 * base() }", status: "ok"},
		{name: "redefine base", code: "func base() int { return 10 }\ntwice()", status: "ok", result: "20"},
		{name: "input refused without stdin", code: "var name string\nfmt.Scanln(&name)", status: "error", errContain: "allow_stdin is false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r recorder
			res := s.Execute(tt.code, false, nil, r.sink())
			if res.Status != tt.status {
				t.Fatalf("status %q, want %q (error %+v)", res.Status, tt.status, res.Error)
			}
			if got, _ := res.Data["text/plain"].(string); got != tt.result {
				t.Errorf("result %q, want %q", got, tt.result)
			}
			if got := r.text("stdout"); got != tt.stdout {
				t.Errorf("stdout %q, want %q", got, tt.stdout)
			}
			if got := r.text("stderr"); got != tt.stderr {
				t.Errorf("stderr %q, want %q", got, tt.stderr)
			}
			if tt.errContain != "" {
				all := res.Error.Value + "\n" + strings.Join(res.Error.Traceback, "\n")
				if !strings.Contains(all, tt.errContain) {
					t.Errorf("error %q does not mention %q", all, tt.errContain)
				}
			}
		})
	}
}

func TestStreamingArrivesWhileRunning(t *testing.T) {
	s := newSupervisor(t)
	var r recorder
	code := `
import ("fmt"; "time"; "sync")
var wg sync.WaitGroup
wg.Add(1)
go func() {
	defer wg.Done()
	for i := 0; i < 10; i++ {
		fmt.Println("tick", i)
		time.Sleep(200 * time.Millisecond)
	}
}()
wg.Wait()`
	res := s.Execute(code, false, nil, r.sink())
	if res.Status != protocol.StatusOK {
		t.Fatalf("cell failed: %+v", res.Error)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.streams) < 5 {
		t.Fatalf("got %d stream messages, want the ticks to arrive in several batches", len(r.streams))
	}
	first, last := r.streams[0].at, r.streams[len(r.streams)-1].at
	if first > time.Second || last-first < 1200*time.Millisecond {
		t.Errorf("first batch at %v, last at %v: output did not stream while the cell ran", first, last)
	}
}

func TestCrashRestoresDeclarations(t *testing.T) {
	s := newSupervisor(t)
	var r recorder
	if res := s.Execute("func greet() string { return \"hi\" }\nn := 5", false, nil, r.sink()); res.Status != protocol.StatusOK {
		t.Fatalf("setup: %+v", res.Error)
	}
	if res := s.Execute("n = 7", false, nil, r.sink()); res.Status != protocol.StatusOK {
		t.Fatalf("n = 7: %+v", res.Error)
	}
	res := s.Execute("import \"time\"\ngo func() { panic(\"boom\") }()\ntime.Sleep(2 * time.Second)", false, nil, r.sink())
	if res.Status != "error" {
		t.Fatalf("status %q, want error", res.Status)
	}
	all := strings.Join(res.Error.Traceback, "\n")
	for _, want := range []string{"boom", "goroutine", "func greet", "declared again with their initial values: n"} {
		if !strings.Contains(all, want) {
			t.Errorf("crash report does not mention %q:\n%s", want, all)
		}
	}
	if got := s.Execute("greet()", false, nil, r.sink()); got.Data["text/plain"] != `"hi"` {
		t.Errorf("after the crash greet() = %+v, want restored function", got)
	}
	// A top-level variable comes back as the journal has it, with its
	// initial value (as in a golab/proc child): not its last value.
	if got := s.Execute("n", false, nil, r.sink()); got.Data["text/plain"] != "5" {
		t.Errorf("after the crash n = %+v, want its initial value 5", got)
	}
}

func TestInterruptStopsBusyGoroutines(t *testing.T) {
	s := newSupervisor(t)
	var r recorder
	done := make(chan Result)
	go func() {
		done <- s.Execute("for i := 0; i < 10; i++ { go func() { for {} }() }\nfor {}", false, nil, r.sink())
	}()
	time.Sleep(500 * time.Millisecond)
	start := time.Now()
	s.Interrupt()
	select {
	case res := <-done:
		if res.Status != "error" || res.Error.Name != "interrupted" {
			t.Errorf("result %+v, want interrupted", res.Error)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the cell did not stop within 5 s of the interrupt")
	}
	t.Logf("interrupt took %v", time.Since(start))
	if res := s.Execute("1 + 1", false, nil, r.sink()); res.Data["text/plain"] != "2" {
		t.Errorf("after interrupt: %+v", res)
	}
}

func TestOutputLimit(t *testing.T) {
	exe, _ := os.Executable()
	t.Setenv("GOLAB_TEST_WORKER", "1")
	s, err := New(Options{Command: []string{exe}, Limits: limits.Limits{OutputShown: 1000}, Log: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var r recorder
	res := s.Execute("import \"fmt\"\nfor i := 0; i < 10000; i++ { fmt.Println(\"line\", i) }", false, nil, r.sink())
	if res.Status != protocol.StatusOK {
		t.Fatalf("%+v", res.Error)
	}
	if out := r.text("stdout"); len(out) > 1000 || !strings.HasPrefix(out, "line 0\n") {
		t.Errorf("stdout shown: %d bytes", len(out))
	}
	notice := r.text("stderr")
	if !strings.Contains(notice, "more than the notebook shows") || !strings.Contains(notice, "golab-output-") {
		t.Fatalf("no truncation notice: %q", notice)
	}
	path := notice[strings.Index(notice, "/"):]
	path = path[:strings.Index(path, ".txt")+4]
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	if !strings.HasSuffix(string(saved), "line 9999\n") {
		t.Errorf("saved output does not end with the last line")
	}
}

func TestCrashBetweenCellsIsReported(t *testing.T) {
	s := newSupervisor(t)
	var r recorder
	res := s.Execute("import \"time\"\nfunc keep() int { return 7 }\ngo func() { time.Sleep(200 * time.Millisecond); panic(\"late boom\") }()", false, nil, r.sink())
	if res.Status != protocol.StatusOK {
		t.Fatalf("%+v", res.Error)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(r.text("stderr"), "late boom") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	report := r.text("stderr")
	if !strings.Contains(report, "late boom") || !strings.Contains(report, "While no cell was running") || !strings.Contains(report, "func keep") {
		t.Fatalf("report: %q", report)
	}
	if got := s.Execute("keep()", false, nil, r.sink()); got.Data["text/plain"] != "7" {
		t.Errorf("after the crash keep() = %+v", got)
	}
}

// A restore that does not finish in time is abandoned: the kernel serves
// on without the earlier cells, and says what it dropped.
func TestSlowRestoreIsAbandoned(t *testing.T) {
	s := newSupervisorWith(t, limits.Limits{Restore: 10 * time.Millisecond})
	var r recorder
	// A plain initializer (restored as it is) that takes over 100 ms: 512 MB to fill.
	if res := s.Execute("import \"strings\"\nfunc keep() int { return 1 }\nvar big = strings.Repeat(\"ab\", 1<<28)", false, nil, r.sink()); res.Status != protocol.StatusOK {
		t.Fatalf("%+v", res.Error)
	}
	res := s.Execute("import \"os\"\nos.Exit(1)", false, nil, r.sink())
	tb := strings.Join(res.Error.Traceback, "\n")
	if !strings.Contains(tb, "did not finish within 10ms") || !strings.Contains(tb, "dropped: func keep, var big") {
		t.Fatalf("traceback: %s", tb)
	}
	if got := s.Execute("1 + 1", false, nil, r.sink()); got.Data["text/plain"] != "2" {
		t.Fatalf("after the abandoned restore: %+v", got)
	}
	// The dropped cells are not tried again at the next restart.
	res = s.Execute("import \"os\"\nos.Exit(1)", false, nil, r.sink())
	if tb := strings.Join(res.Error.Traceback, "\n"); strings.Contains(tb, "func keep") {
		t.Errorf("the dropped cell came back: %s", tb)
	}
}

// Restoring runs no learner code: an initializer that exits is replaced by
// the zero value, and func init does not run again.
func TestRestoreRunsNoLearnerCode(t *testing.T) {
	s := newSupervisor(t)
	var r recorder
	for _, code := range []string{
		"import (\n\t\"fmt\"\n\t\"os\"\n)\nvar count = func() int { fmt.Println(\"side effect\"); return 3 }()",
		"func init() { fmt.Println(\"init ran\") }",
		"var limit = 10\nvar name string = fmt.Sprint(\"pure\")",
	} {
		if res := s.Execute(code, false, nil, r.sink()); res.Status != protocol.StatusOK {
			t.Fatalf("%s: %+v", code, res.Error)
		}
	}
	before := r.text("stdout")
	res := s.Execute("os.Exit(1)", false, nil, r.sink())
	tb := strings.Join(res.Error.Traceback, "\n")
	if after := r.text("stdout"); after != before {
		t.Errorf("the restore printed %q", strings.TrimPrefix(after, before))
	}
	for _, want := range []string{"declared again with zero values, since their initializers run code that golab does not run twice: count", "not run again: func init", "declared again with their initial values: limit, name"} {
		if !strings.Contains(tb, want) {
			t.Errorf("no %q in %s", want, tb)
		}
	}
	if got := s.Execute("count + limit", false, nil, r.sink()); got.Data["text/plain"] != "10" {
		t.Errorf("count + limit = %+v, want 10 (count zeroed)", got.Data)
	}
}

// A variable whose value uses an earlier cell's variable (which yaegi
// refuses in a package-level initializer) comes back after a crash, as a
// var or as a short declaration.
func TestRestoreVariablesOfEarlierVariables(t *testing.T) {
	s := newSupervisor(t)
	var r recorder
	for _, code := range []string{"var g = 1", "var b = g + 1\nc := g * 5", "import \"os\""} {
		if res := s.Execute(code, false, nil, r.sink()); res.Status != protocol.StatusOK {
			t.Fatalf("%s: %+v", code, res.Error)
		}
	}
	res := s.Execute("os.Exit(1)", false, nil, r.sink())
	if tb := strings.Join(res.Error.Traceback, "\n"); !strings.Contains(tb, "declared again with their initial values: g, b, c") {
		t.Errorf("traceback: %s", tb)
	}
	if got := s.Execute("b + c", false, nil, r.sink()); got.Data["text/plain"] != "7" {
		t.Errorf("b + c = %+v, want 7", got)
	}
}

// Goroutines started in a loop each run their own closure exactly once.
// yaegi v0.16.1 races on a function literal's frame slot (see the cell
// rewriter's goStmt): without the rewrite, about 6 runs in 10 of this cell
// crashed ("call of nil function") or ran a closure twice and another
// never; five runs all passing without it has a chance of about 1%.
func TestGoroutinesInALoopRunTheirOwnClosure(t *testing.T) {
	s := newSupervisor(t)
	var r recorder
	setup := `import "sync"
func Spawn(n int) []int {
	marks := make([]int, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			marks[i]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return marks
}
func wrong() int {
	bad := 0
	for k := 0; k < 500; k++ {
		for _, m := range Spawn(40) {
			if m != 1 {
				bad++
			}
		}
	}
	return bad
}`
	if res := s.Execute(setup, false, nil, r.sink()); res.Status != protocol.StatusOK {
		t.Fatalf("%+v", res.Error)
	}
	for run := 0; run < 5; run++ {
		res := s.Execute("wrong()", false, nil, r.sink())
		if res.Status != protocol.StatusOK {
			t.Fatalf("run %d: %s: %s", run, res.Error.Name, res.Error.Value)
		}
		if got := res.Data["text/plain"]; got != "0" {
			t.Fatalf("run %d: %v goroutines ran another's closure or none", run, got)
		}
	}
}

// TestChangedMethodReplacesTheOld: a cell that fixes a method (as a
// learner fixes an exercise) changes it for every caller, including a
// function of an earlier cell, and a later crash restores the new one.
func TestChangedMethodReplacesTheOld(t *testing.T) {
	s := newSupervisor(t)
	var r recorder
	steps := []struct{ code, want string }{
		{"type account struct{ balance int }\nfunc (a *account) Withdraw(n int) bool { a.balance -= n; return true }", ""},
		{"func spend(a *account) bool { return a.Withdraw(50) }\nconst start = 20", ""},
		{"func (a *account) Withdraw(n int) bool {\n\tif n > a.balance {\n\t\treturn false\n\t}\n\ta.balance -= n\n\treturn true\n}", ""},
		{"a := &account{start}\nspend(a)", "false"},
		{"type account struct{ balance, limit int }", ""},
		{"b := &account{balance: 10, limit: 5}\nfmt.Sprint(spend(b), b.limit)", `"false 5"`},
	}
	for i, st := range steps {
		code := st.code
		if i == len(steps)-1 {
			code = "import \"fmt\"\n" + code
		}
		res := s.Execute(code, false, nil, r.sink())
		if res.Status != protocol.StatusOK {
			t.Fatalf("cell %d: %s: %s\n%s", i+1, res.Error.Name, res.Error.Value, strings.Join(res.Error.Traceback, "\n"))
		}
		if got, _ := res.Data["text/plain"].(string); got != st.want {
			t.Errorf("cell %d = %q, want %q", i+1, got, st.want)
		}
	}
	if note := r.text("stderr"); !strings.Contains(note, "method account.Withdraw changes its earlier definition") ||
		!strings.Contains(note, "type account changes its earlier definition") {
		t.Errorf("the cells did not say what changed:\n%s", note)
	}
	// A crash now restores the new definitions, not the first ones.
	s.Execute("import \"os\"\nos.Exit(3)", false, nil, r.sink())
	if res := s.Execute("c := &account{balance: 1}\nspend(c)", false, nil, r.sink()); res.Data["text/plain"] != "false" {
		t.Errorf("after a crash spend = %+v, want the fixed Withdraw", res)
	}
}

// Every worker's router, stream readers, event reader and memory watch end
// with the worker, however it ended: a crash in a cell, an interrupt, a
// crash between cells, Close.
func TestWorkerGoroutinesEndWithTheWorker(t *testing.T) {
	s := newSupervisor(t)
	run := func(code string) Result { return s.Execute(code, false, nil, new(recorder).sink()) }
	run(`import ("fmt"; "time")`)
	run("go func() { panic(\"boom\") }()\ntime.Sleep(time.Minute)")
	done := make(chan Result)
	go func() { done <- run("for i := 0; ; i++ { fmt.Println(i) }") }()
	time.Sleep(300 * time.Millisecond)
	s.Interrupt()
	<-done
	run("go func() { time.Sleep(100 * time.Millisecond); panic(\"late\") }()")
	time.Sleep(time.Second) // the crash between cells, and the new worker
	run("1 + 1")
	s.Close()
	perWorker := []string{"(*router).run", "(*router).read", "(*process).readEvents", "(*process).watchLoop"}
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<22)
		buf = buf[:runtime.Stack(buf, true)]
		var left []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			for _, f := range perWorker {
				if strings.Contains(g, f) {
					left = append(left, g)
				}
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines of ended workers are left:\n%s", len(left), strings.Join(left, "\n\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A stack overflow names the functions that call themselves, in this cell
// and in earlier ones: the worker says what each cell declares, and the
// kernel words it without parsing Go.
func TestStackOverflowNamesRecursiveFunctions(t *testing.T) {
	if raceDetector {
		// The worker is this test binary: under -race, ThreadSanitizer's
		// allocator can run out of memory on a 256 MiB stack (exit status
		// 66, "internal allocator is out of memory"; 1 run in 25 here).
		// The plain test run covers it.
		t.Skip("a stack overflow under the race detector can exhaust ThreadSanitizer's memory")
	}
	s := newSupervisor(t)
	var r recorder
	if res := s.Execute("func down(n int) int { return down(n+1) + 1 }\nfunc flat() int { return 1 }", false, nil, r.sink()); res.Status != protocol.StatusOK {
		t.Fatalf("%+v", res.Error)
	}
	res := s.Execute("var x = 1\nfunc up(n int) int {\n\treturn up(n-1) + x\n}\n_ = flat()\ndown(0)", false, nil, r.sink())
	if res.Error == nil {
		t.Fatalf("no error: %+v", res)
	}
	tb := strings.Join(res.Error.Traceback, "\n")
	for _, want := range []string{"stack overflow", "up calls itself (defined at cell line 2)", "down calls itself (defined in an earlier cell)"} {
		if !strings.Contains(tb, want) {
			t.Errorf("traceback lacks %q:\n%s", want, tb)
		}
	}
	if strings.Contains(tb, "flat calls itself") {
		t.Errorf("traceback names a function that does not recurse:\n%s", tb)
	}
}

// A refused cell's top-level variables never had a value: a restart does
// not give them one.
func TestRefusedCellsVariablesAreNotRestored(t *testing.T) {
	s := newSupervisor(t)
	var r recorder
	if res := s.Execute("import \"fmt\"\nghost := 5\nfmt.Println(nosuchname)", false, nil, r.sink()); res.Status != protocol.StatusError {
		t.Fatalf("the cell ran: %+v", res)
	}
	if res := s.Execute("import \"os\"\nos.Exit(1)", false, nil, r.sink()); res.Status != protocol.StatusError {
		t.Fatalf("os.Exit: %+v", res)
	}
	if got := s.Execute("ghost", false, nil, r.sink()); got.Status != protocol.StatusError {
		t.Errorf("ghost came back after the restart: %+v", got)
	}
}

// An interrupt stops interpreted code at its next safe point and keeps the
// worker: a variable keeps the value the last cells gave it (a restart
// would give back only its initial value), goroutines that spin in loops
// end, and a cell blocked where no safe point comes is still stopped, by
// a new worker.
func TestInterruptKeepsTheNotebooksVariables(t *testing.T) {
	s := newSupervisor(t)
	var r recorder
	for _, c := range []string{"import \"fmt\"\ntotal := 1", "total = 41", "data := []int{1, 2, 3}\ndata = append(data, 4)"} {
		if res := s.Execute(c, false, nil, r.sink()); res.Status != protocol.StatusOK {
			t.Fatalf("%s: %+v", c, res.Error)
		}
	}
	interrupt := func(code string) (Result, time.Duration) {
		done := make(chan Result)
		go func() { done <- s.Execute(code, false, nil, r.sink()) }()
		time.Sleep(300 * time.Millisecond)
		start := time.Now()
		s.Interrupt()
		select {
		case res := <-done:
			return res, time.Since(start)
		case <-time.After(10 * time.Second):
			t.Fatal("the cell did not stop within 10 s of the interrupt")
			return Result{}, 0
		}
	}
	res, took := interrupt("for i := 0; i < 4; i++ { go func() { n := 0; for { n++ } }() }\nfunc spin() int { n := 0; for { n++ } }\nspin()")
	if res.Error == nil || res.Error.Name != "interrupted" || !strings.Contains(strings.Join(res.Error.Traceback, "\n"), "variables are kept") {
		t.Fatalf("result %+v, want interrupted with the variables kept", res.Error)
	}
	t.Logf("a spinning cell stopped %v after the interrupt", took)
	if got := s.Execute("fmt.Sprint(total, data)", false, nil, r.sink()); got.Data["text/plain"] != `"41 [1 2 3 4]"` {
		t.Errorf("after the interrupt: %+v, want \"41 [1 2 3 4]\"", got)
	}
	// A cell blocked in a receive reaches no safe point: the worker is replaced.
	res, _ = interrupt("ch := make(chan int)\n<-ch")
	if res.Error == nil || res.Error.Name != "interrupted" || !strings.Contains(strings.Join(res.Error.Traceback, "\n"), "fresh Go worker") {
		t.Fatalf("blocked cell: %+v, want interrupted by a new worker", res.Error)
	}
}

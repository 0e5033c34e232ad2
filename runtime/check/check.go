// Package check runs the tests of a lesson's exercises against the code a
// learner wrote in the notebook, and says clearly which case failed.
//
// Learners do not call it directly: a cell that starts with
//
//	%check NAME
//
// runs the exercise's tests (written by the teacher, see lessons/README.md)
// and shows a pass or fail box. A test is a function body with t in scope:
//
//	got := Count(4, 1000)
//	check.Equal(t, "Count(4, 1000)", got, 4000)
//
// A test can run its body many times (stress) with scheduling noise, so
// that a racy solution fails reliably, and has a timeout, so that a
// deadlocked solution fails instead of hanging the notebook.
package check

import (
	"fmt"
	"html"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golab-notebooks/golab/internal/replay"

	"github.com/golab-notebooks/golab/runtime/display"
)

// T is handed to a test body; its methods record failures.
type T struct {
	mu     sync.Mutex
	failed bool
	msgs   []string
	run    int
}

// Errorf records a failure and goes on.
func (t *T) Errorf(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
	t.msgs = append(t.msgs, fmt.Sprintf(format, args...))
}

// Fatalf records a failure and ends this run of the test.
func (t *T) Fatalf(format string, args ...any) {
	t.Errorf(format, args...)
	panic(fatal{})
}

// Failed reports whether the test has failed.
func (t *T) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// Run returns which run of a stressed test this is, from 1.
func (t *T) Run() int { return t.run }

// fatal ends a test run after Fatalf.
type fatal struct{}

// Equal fails the test if got and want differ (reflect.DeepEqual, with
// numbers of different integer types compared by value).
func Equal(t *T, what string, got, want any) {
	if !equal(got, want) {
		t.Errorf("%s = %v, want %v", what, show(got), show(want))
	}
}

// True fails the test with the message if cond is false.
func True(t *T, cond bool, message string) {
	if !cond {
		t.Errorf("%s", message)
	}
}

func equal(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	av, bv := reflect.ValueOf(a), reflect.ValueOf(b)
	if av.IsValid() && bv.IsValid() && av.CanInt() && bv.CanInt() {
		return av.Int() == bv.Int()
	}
	if av.IsValid() && bv.IsValid() && av.CanUint() && bv.CanUint() {
		return av.Uint() == bv.Uint()
	}
	return false
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// Options say how to run a test.
type Options struct {
	Runs    int           // how many times to run the body; 0 means 1
	Timeout time.Duration // for all runs together; 0 means 10 s
	Noise   bool          // add scheduling noise: more threads, goroutines yielding
}

// Outcome is how one test went.
type Outcome struct {
	Exercise, Test string
	Passed         bool
	Runs           int    // runs completed
	Failure        string // the first failing run's messages
}

// Inspector lets the golab kernel, which can see the interpreter's
// goroutines, tell a learner more than "timed out" or "wrong". Tests run
// without one in compiled programs.
type Inspector struct {
	// Stuck is called as a test begins and watches until stop is closed;
	// it sends one description if every goroutine the test started
	// is blocked for good (a deadlock), so the test fails at once.
	Stuck func(stop <-chan struct{}) <-chan string
	// Running is called as a run begins; the function it returns counts
	// the goroutines started since then that are still running.
	Running func() func() int
	// Hint is called with a failed test's failure and returns what the
	// code under test shows of a likely cause, or "".
	Hint func(failure string) string
}

var (
	inspectorMu sync.Mutex
	inspector   Inspector
)

// SetInspector installs the kernel's inspector.
func SetInspector(i Inspector) {
	inspectorMu.Lock()
	defer inspectorMu.Unlock()
	inspector = i
}

func currentInspector() Inspector {
	inspectorMu.Lock()
	defer inspectorMu.Unlock()
	return inspector
}

// DefaultTimeout bounds the runs of a test whose Options give no Timeout.
const DefaultTimeout = 10 * time.Second

// Test runs a test body under the options and returns its outcome.
func Test(exercise, name string, opts Options, body func(t *T)) Outcome {
	runs := max(opts.Runs, 1)
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	// With noise, in golab with its scheduling noise on, run i takes the
	// turns seed i decides (see race.Histogram): a test fails or passes
	// the same way on every machine, loaded or not. Elsewhere, more OS
	// threads than cores make the interleavings vary.
	turns := opts.Noise && replay.Run != nil
	if turns {
		if _, on := replay.Seeds(0); !on {
			turns = false
		}
	}
	if opts.Noise && !turns {
		stop := noise()
		defer stop()
	}
	look := currentInspector()
	out := Outcome{Exercise: exercise, Test: name, Passed: true}
	done := make(chan struct{})
	var completed atomic.Int32
	var failure atomic.Value
	var stuck <-chan string
	if look.Stuck != nil { // before the runs start, so that it counts them
		stopLooking := make(chan struct{})
		defer close(stopLooking)
		stuck = look.Stuck(stopLooking)
	}
	go func() {
		defer close(done)
		for i := 1; i <= runs; i++ {
			t := &T{run: i}
			var running func() int
			if look.Running != nil {
				running = look.Running()
			}
			var msg string
			if turns {
				replay.Run(uint64(i), func() { msg = runOnce(t, body) })
			} else {
				msg = runOnce(t, body)
			}
			if msg != "" {
				if running != nil {
					if n := running(); n > 0 {
						msg += fmt.Sprintf(" (%d %s the code started %s still running when it returned: did it return before they finished, without waiting for them, as with wg.Wait()?)",
							n, plural(n, "goroutine", "goroutines"), plural(n, "was", "were"))
					}
				}
				failure.Store(fmt.Sprintf("run %d of %d: %s", i, runs, msg))
				return
			}
			completed.Add(1)
		}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-done:
	case why := <-stuck:
		out.Passed = false
		out.Failure = fmt.Sprintf("deadlock in run %d of %d: %s", completed.Load()+1, runs, why)
		out.Runs = int(completed.Load())
		return withHint(out, look)
	case <-timer.C:
		out.Passed = false
		out.Failure = fmt.Sprintf("did not finish within %v (after %d of %d runs): is something waiting forever (a deadlock)?", timeout, completed.Load(), runs)
	}
	out.Runs = int(completed.Load())
	if f, ok := failure.Load().(string); ok {
		out.Passed, out.Failure = false, f
	}
	return withHint(out, look)
}

// withHint adds the inspector's hint to a failed outcome.
func withHint(out Outcome, look Inspector) Outcome {
	if !out.Passed && look.Hint != nil {
		if h := look.Hint(out.Failure); h != "" {
			out.Failure += "\n" + h
		}
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// runOnce runs the body once and returns its failure, if any; a panic in
// the body is a failure.
func runOnce(t *T, body func(t *T)) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			if _, isFatal := r.(fatal); !isFatal {
				t.Errorf("panic: %v", r)
			}
		}
		if t.Failed() {
			msg = strings.Join(t.msgs, "; ")
		}
	}()
	body(t)
	return ""
}

// noise makes interleavings vary from run to run: more OS threads than
// cores, so that the operating system preempts goroutines at arbitrary
// points while others run. (Goroutines that only yield were tried and made
// races rarer: they took the cores the racing goroutines needed.) It
// returns the function that undoes it.
func noise() (stop func()) {
	old := runtime.GOMAXPROCS(max(8, runtime.NumCPU()*4))
	return func() { runtime.GOMAXPROCS(old) }
}

var (
	lastMu  sync.Mutex
	last    Outcome
	hasLast bool
)

// Begin forgets the last outcome, before a Case.
func Begin() {
	lastMu.Lock()
	defer lastMu.Unlock()
	hasLast = false
}

// Case runs a test (see Test) and keeps its outcome for Last: the kernel
// runs each test of a %check cell as one interpreted call of Case.
func Case(exercise, name string, opts Options, body func(t *T)) {
	o := Test(exercise, name, opts, body)
	lastMu.Lock()
	defer lastMu.Unlock()
	last, hasLast = o, true
}

// Last returns the outcome of the last Case since Begin.
func Last() (Outcome, bool) {
	lastMu.Lock()
	defer lastMu.Unlock()
	return last, hasLast
}

// OnReport, if set, receives every report too (for tests of the kernel).
var OnReport func(exercise string, outcomes []Outcome)

// testResults is each test's outcome, for the box's metadata.
func testResults(outcomes []Outcome) []map[string]any {
	out := make([]map[string]any, 0, len(outcomes))
	for _, o := range outcomes {
		out = append(out, map[string]any{"test": o.Test, "passed": o.Passed, "failure": o.Failure})
	}
	return out
}

// Report shows the outcomes of an exercise's tests as a pass or fail box,
// and returns whether all passed. The box carries the result in its
// metadata ("golab_check") for tools such as golab lesson check.
func Report(exercise string, outcomes []Outcome) bool {
	if OnReport != nil {
		OnReport(exercise, outcomes)
	}
	passed := 0
	for _, o := range outcomes {
		if o.Passed {
			passed++
		}
	}
	all := passed == len(outcomes)
	var text, body strings.Builder
	color, verdict := "#1a7f37", "PASS"
	if !all {
		color, verdict = "#cf222e", "FAIL"
	}
	fmt.Fprintf(&text, "%s %s: %d of %d tests passed\n", verdict, exercise, passed, len(outcomes))
	for _, o := range outcomes {
		mark := "✓"
		if !o.Passed {
			mark = "✗"
		}
		runs := ""
		if o.Runs > 1 {
			runs = fmt.Sprintf(" (%d runs)", o.Runs)
		}
		fmt.Fprintf(&text, "  %s %s%s\n", mark, o.Test, runs)
		fmt.Fprintf(&body, "<li>%s %s%s", mark, html.EscapeString(o.Test), html.EscapeString(runs))
		if !o.Passed {
			fmt.Fprintf(&text, "      %s\n", strings.ReplaceAll(o.Failure, "\n", "\n      "))
			fmt.Fprintf(&body, `<br><code style="white-space:pre-wrap">%s</code>`, html.EscapeString(o.Failure))
		}
		body.WriteString("</li>")
	}
	box := fmt.Sprintf(`<div style="border-left:4px solid %s;padding:4px 10px"><b style="color:%s">%s</b> %s: %d of %d tests passed<ul style="margin:4px 0">%s</ul></div>`,
		color, color, verdict, html.EscapeString(exercise), passed, len(outcomes), body.String())
	display.ShowWithMetadata(display.Bundle{"text/html": box, "text/plain": text.String()},
		map[string]any{"golab_check": map[string]any{"exercise": exercise, "passed": passed, "total": len(outcomes), "tests": testResults(outcomes)}})
	return all
}

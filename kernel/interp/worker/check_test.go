package worker

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golab-notebooks/golab/kernel/teach/exercise"
	"github.com/golab-notebooks/golab/runtime/check"
)

// A %check cell passes a correct solution and fails a racy, a deadlocked
// and a missing one, each with a message naming the failing case.
func TestCheckCell(t *testing.T) {
	tests := []exercise.Test{
		{Name: "one goroutine", Body: `check.Equal(t, "Count(1, 100)", Count(1, 100), 100)`},
		{Name: "many goroutines", Runs: 20, Timeout: 20 * time.Second, Noise: true, Body: `check.Equal(t, "Count(8, 2000)", Count(8, 2000), 16000)`},
		{Name: "hidden zero", Hidden: true, Body: `check.Equal(t, "Count(0, 5)", Count(0, 5), 0)`},
	}
	cell := exercise.Format("counter", tests)
	timesOut := exercise.Format("counter", []exercise.Test{{Name: "times out", Timeout: time.Second, Body: `check.Equal(t, "Count(1, 1)", Count(1, 1), 1)`}})
	// A deadlock is found within 0.4 s, or 3 s while goroutines that are
	// older than the test still run (other tests' leftovers, here): the
	// timeout is longer than both.
	deadlocks := exercise.Format("counter", []exercise.Test{{Name: "times out", Timeout: 20 * time.Second, Body: `check.Equal(t, "Count(1, 1)", Count(1, 1), 1)`}})
	cases := []struct {
		name     string
		solution string
		cell     string // the check cell, if not the usual one
		passed   int
		failure  string
	}{
		{"correct", `import "sync"
func Count(goroutines, each int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	n := 0
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				mu.Lock()
				n++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return n
}`, "", 3, ""},
		// Racy with a forced switch between the read and the write, so that
		// updates are lost in every run (a bare n++ in the interpreter lost
		// none in about one run of ten on a loaded machine).
		{"racy", `import (
	"runtime"
	"sync"
)
func Count(goroutines, each int) int {
	var wg sync.WaitGroup
	n := 0
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				v := n
				runtime.Gosched()
				n = v + 1
			}
		}()
	}
	wg.Wait()
	return n
}`, "", 2, "want 16000"},
		// A deadlock fails at once and says what waits for what.
		{"locks itself out", `import "sync"
func Count(goroutines, each int) int {
	var mu sync.Mutex
	mu.Lock()
	mu.Lock()
	return 0
}`, deadlocks, 0, "deadlock in run 1 of 1: the test's only goroutine is blocked for good:\n  1 goroutine waits for a lock (sync.Mutex.Lock)\n" +
			"The locks they wait for:\n  mutex mu: goroutine G1 holds it (mu.Lock() in Count, cell line 4); goroutine G1 waits for it (mu.Lock() in Count, cell line 5)\n" +
			"A goroutine waits for a lock it holds itself: Go's mutexes are not reentrant."},
		{"locks in opposite orders", `import "sync"
func Count(goroutines, each int) int {
	var a, b sync.Mutex
	var wg, held sync.WaitGroup
	wg.Add(2)
	held.Add(2)
	go func() {
		defer wg.Done()
		a.Lock()
		held.Done()
		held.Wait()
		b.Lock()
	}()
	go func() {
		defer wg.Done()
		b.Lock()
		held.Done()
		held.Wait()
		a.Lock()
	}()
	wg.Wait()
	return 0
}`, deadlocks, 0, "2 goroutines wait for a lock (sync.Mutex.Lock)\n  1 goroutine waits in wg.Wait() for Done calls that do not come\n" +
			// G1, G2: goroutine IDs by first mention. The one that locked a first
			// (the lower ID, the circle's start) waits at line 12 for b.
			"The locks they wait for:\n" +
			"  mutex b: goroutine G1 holds it (b.Lock() in Count, cell line 16); goroutine G2 waits for it (b.Lock() in Count, cell line 12)\n" +
			"  mutex a: goroutine G2 holds it (a.Lock() in Count, cell line 9); goroutine G1 waits for it (a.Lock() in Count, cell line 19)\n" +
			"A circular wait: goroutines G2 → G1 → G2 each wait for a lock the next one holds"},
		// Not blocked but never done: the timeout ends it.
		{"sleeps", `import "time"
func Count(goroutines, each int) int {
	time.Sleep(2 * time.Second)
	return 0
}`, timesOut, 0, "did not finish within 1s"},
		// A wrong count, and goroutines still running: the forgotten Wait.
		{"returns before its goroutines end", `import (
	"sync"
	"time"
)
func Count(goroutines, each int) int {
	var mu sync.Mutex
	n := 0
	for g := 0; g < goroutines; g++ {
		go func() {
			time.Sleep(500 * time.Millisecond)
			mu.Lock()
			n += each
			mu.Unlock()
		}()
	}
	return n
}`, timesOut, 0, "Count(1, 1) = 0, want 1 (1 goroutine the code started was still running when it returned"},
		// The forgotten Wait when the goroutines have ended by the time the
		// check looks (it came bare: "= 0, want 100"): read in the source.
		{"returns without waiting, goroutines already done", `import "sync"
func Count(goroutines, each int) int {
	var mu sync.Mutex
	n := 0
	for g := 0; g < goroutines; g++ {
		go func() {
			mu.Lock()
			n += each
			mu.Unlock()
		}()
	}
	return n
}`, timesOut, 0, "hint: Count starts goroutines and returns without waiting for them: count them with a sync.WaitGroup (wg.Add(1) before each go, defer wg.Done() in it) and call wg.Wait() before returning (line 6 of the cell that defines it)"},
		// A WaitGroup by value: Wait waits for good (a deadlock), and the
		// hint says why.
		{"a WaitGroup passed by value", `import "sync"
func add(mu *sync.Mutex, n *int, wg sync.WaitGroup) {
	defer wg.Done()
	mu.Lock()
	*n++
	mu.Unlock()
}
func Count(goroutines, each int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	n := 0
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go add(&mu, &n, wg)
	}
	wg.Wait()
	return n
}`, deadlocks, 0, "hint: add takes its sync.WaitGroup by value"},
		{"missing", `func Other() {}`, "", 0, "is the exercise's function defined"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorker(t)
			if _, e := w.run(c.solution); e != nil {
				t.Fatalf("solution: %v", e.Value)
			}
			var got []check.Outcome
			check.OnReport = func(exercise string, outcomes []check.Outcome) { got = outcomes }
			defer func() { check.OnReport = nil }()
			src := cell
			if c.cell != "" {
				src = c.cell
			}
			if _, e := w.run(src); e != nil {
				t.Fatalf("check cell: %v", e.Value)
			}
			passed := 0
			var failures []string
			for _, o := range got {
				if o.Passed {
					passed++
				} else {
					failures = append(failures, o.Test+": "+o.Failure)
				}
			}
			if passed != c.passed {
				t.Errorf("%d tests passed, want %d; failures: %v", passed, c.passed, failures)
			}
			if c.failure != "" && !strings.Contains(namedByMention(strings.Join(failures, "\n")), c.failure) {
				t.Errorf("failures %v do not say %q", failures, c.failure)
			}
		})
	}
}

// namedByMention writes goroutine IDs as G1, G2, … in the order a report
// first mentions them, since the IDs differ from run to run.
func namedByMention(report string) string {
	names := map[string]string{}
	return goroutineIDs.ReplaceAllStringFunc(report, func(m string) string {
		return goroutineID.ReplaceAllStringFunc(m, func(id string) string {
			if names[id] == "" {
				names[id] = fmt.Sprintf("G%d", len(names)+1)
			}
			return names[id]
		})
	})
}

var (
	goroutineIDs = regexp.MustCompile(`goroutines? \d+( → \d+)*`)
	goroutineID  = regexp.MustCompile(`\d+`)
)

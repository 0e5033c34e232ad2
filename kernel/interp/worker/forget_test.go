package worker

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// The forgetter reaches into yaegi's unexported fields: on a yaegi whose
// layout moved, it does nothing, and this test says why.
func TestForgetterKnowsThisYaegi(t *testing.T) {
	w := newWorker(t)
	if !w.forgetter.known() {
		t.Fatalf("the forgetter does not know this yaegi: %s", w.forgetter.why)
	}
}

// What the forgetter lets go of is never something a later cell or a
// running goroutine reaches: closures from top-level function literals kept
// in variables, in slices, in goroutines that still run, and captured loop
// variables of function type.
func TestForgettingKeepsWhatCellsReach(t *testing.T) {
	w := newWorker(t)
	cells := []struct{ code, want string }{
		{`import ("sync"; "time")`, ""},
		{"f := func() int { return 7 }", ""},
		{"fs := []func() int{}\nfor i := 0; i < 3; i++ { fs = append(fs, func() int { return i * 10 }) }", ""},
		{"steps := []func() int{func() int { return 1 }, func() int { return 2 }}\nsum := 0\nvar mu sync.Mutex\ndone := make(chan bool)\n" +
			"for _, step := range steps { go func() { time.Sleep(50 * time.Millisecond); mu.Lock(); sum += step(); mu.Unlock(); done <- true }() }", ""},
		{"ticks := make(chan int)\ngo func() { for k := 0; k < 3; k++ { time.Sleep(20 * time.Millisecond); ticks <- f() + k } }()", ""},
		{"1 + 1", "2"},
		{"f() + 0", "7"},
		{"fs[0]() + fs[1]() + fs[2]()", "30"},
		{"<-done; <-done; sum", "3"},
		{"<-ticks + <-ticks + <-ticks", "24"},
		{"g := func() string { return \"later\" }\ng() + \"\"", `"later"`},
		{"g() + \"\"", `"later"`},
	}
	for i, c := range cells {
		got, e := run(t, w, c.code)
		if e != nil {
			t.Fatalf("cell %d %q: %s: %s", i, c.code, e.Name, e.Value)
		}
		if got != c.want {
			t.Fatalf("cell %d %q: %q, want %q", i, c.code, got, c.want)
		}
		runtime.GC()
	}
}

// Cells that start goroutines leave the worker's heap as they found it:
// without the forgetter, each kept its whole compiled tree (about 100 KB
// here; the bound is a quarter of that).
func TestCellsDoNotAccumulate(t *testing.T) {
	w := newWorker(t)
	if _, e := run(t, w, `import "sync"`); e != nil {
		t.Fatal(e)
	}
	cell := "var wg sync.WaitGroup\nvar mu sync.Mutex\ntotal := 0\nfor g := 0; g < 20; g++ {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tmu.Lock()\n\t\ttotal++\n\t\tmu.Unlock()\n\t}()\n}\nwg.Wait()\ntotal"
	heap := func() uint64 {
		time.Sleep(10 * time.Millisecond) // goroutines that ended are gone
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	step := func(n int) {
		for range n {
			if got, e := run(t, w, cell); e != nil || got != "20" {
				t.Fatalf("%q, %v", got, e)
			}
		}
	}
	step(50)
	before := heap()
	const cells = 300
	step(cells)
	after := heap()
	perCell := (float64(after) - float64(before)) / cells
	t.Logf("heap %d → %d bytes over %d cells: %.0f bytes a cell", before, after, cells, perCell)
	if perCell > 25_000 {
		t.Errorf("the heap grew by %s a cell", fmt.Sprintf("%.0f bytes", perCell))
	}
}

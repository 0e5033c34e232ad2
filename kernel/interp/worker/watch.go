package worker

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/cell"
	"github.com/golab-notebooks/golab/kernel/interp/goroutines"
	"github.com/golab-notebooks/golab/kernel/interp/stop"
	"github.com/golab-notebooks/golab/kernel/teach/exercise"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// watchCell starts looking for a deadlock in the cell about to run, and
// returns the function to call when the cell has returned: it stops the
// watch and reports the goroutines the cell left running.
func (w *Worker) watchCell(src string, tag int64) (done func()) {
	if w.watcher == nil {
		w.watcher = goroutines.NewWatcher(func(g goroutines.Goroutine) bool {
			return strings.Contains(g.Stack, "(*stdinReader).Read") || // waiting for the notebook
				strings.Contains(g.Stack, "runtime/check.Test(") // a %check test has its own timeout
		})
	}
	cellNo := goroutines.BeginCell(tag)
	w.interruptMu.Lock() // the interrupt handler reads it
	w.watching = watchedCell{src: src, no: cellNo}
	w.interruptMu.Unlock()
	before := goroutines.MarkNow(cellNo)
	quit := make(chan struct{})
	go w.watcher.Watch(quit, func(d goroutines.Deadlock) {
		if stop.Pending() {
			// Interrupted: the goroutines the interrupt stopped may be
			// what the others waited for; the interrupt's own account
			// (reportStuck) says which goroutines did not stop.
			return
		}
		if d.Outsiders > 0 {
			// Goroutines of earlier cells still run: Go would wait too,
			// as one of them might yet wake the cell's. Say so, and let
			// the learner decide.
			var running []failure.Goroutine
			for _, g := range d.Running {
				running = append(running, goroutineFacts(g, d.Origins, cellNo, nil))
			}
			fmt.Fprint(os.Stderr, failure.BlockedBesideRunning(w.deadlockReport(d, src, cellNo), running, 5*time.Second))
			return
		}
		// Go ends a deadlocked program; golab ends the worker the same way,
		// and the kernel reports it and starts a fresh one.
		w.outMu.Lock() // no event may follow the report
		report, _ := json.Marshal(failure.Deadlock(w.deadlockReport(d, src, cellNo)))
		_, _ = io.WriteString(os.Stderr, protocol.Marker(w.token, protocol.FailureMarker, string(report)))
		os.Exit(2)
	})
	return func() {
		close(quit)
		var leaked []goroutines.Goroutine
		if stop.Pending() {
			// Interrupted: the goroutines that run or sleep are being
			// stopped (see endCell); those blocked for good are not.
			for _, g := range goroutines.Leaked(before, 0) {
				if g.Blocked() {
					leaked = append(leaked, g)
				}
			}
		} else {
			leaked = goroutines.Leaked(before, 20*time.Millisecond)
		}
		switch {
		case len(leaked) > 0 && exercise.IsCheckCell(src):
			// The tests' code is not the cell's: its lines would mislead.
			fmt.Fprintf(os.Stderr, "golab: the tests left %d %s running (the failed test above says why); "+
				"blocked ones stay until the kernel restarts.\n", len(leaked), plural(len(leaked), "goroutine", "goroutines"))
		case len(leaked) > 0:
			fmt.Fprint(os.Stderr, leakReport(leaked, src, cellNo))
		}
	}
}

// watchedCell is the cell being watched: its source and its number.
type watchedCell struct {
	src string
	no  int
}

// reportStuck tells the kernel, on stderr, which goroutines of the cell
// still run some time after an interrupt: if the cell does not end, the
// kernel ends the worker with them and gives this account. Each is
// described as in a deadlock report: its state and its cell lines.
func (w *Worker) reportStuck(c watchedCell) {
	if w.watcher == nil {
		return
	}
	d := w.watcher.Snapshot()
	d.Others = slices.DeleteFunc(d.Others, func(g goroutines.Goroutine) bool { return g.ID == d.Main.ID })
	report := w.deadlockReport(d, c.src, c.no)
	b, _ := json.Marshal(failure.Unstoppable(report))
	_, _ = io.WriteString(os.Stderr, protocol.Marker(w.token, protocol.StuckMarker, string(b)))
}

// deadlockReport gathers what a deadlock's report says: the cell's own
// goroutine, the others, and the locks they wait for.
func (w *Worker) deadlockReport(d goroutines.Deadlock, src string, cellNo int) []string {
	// Goroutines that earlier %check cells' tests left blocked are not the
	// learner's: they are counted, not listed, and no lock report names them.
	fromTests := 0
	d.Others = slices.DeleteFunc(slices.Clone(d.Others), func(g goroutines.Goroutine) bool {
		o, ok := d.Origins[g.ID]
		if ok && o.Cell != cellNo && w.isCheckCell(o.Cell) {
			fromTests++
			return true
		}
		return false
	})
	waits := cell.Waits(src)
	among := map[int]bool{d.Main.ID: true}
	for _, g := range d.Others {
		among[g.ID] = true
	}
	// The cell's own goroutine is the program's main goroutine: Go calls it 1.
	locks := lockReport(among, d.Alive, map[int]int{d.Main.ID: 1}, false)
	main := failure.Goroutine{ID: 1, State: d.Main.State, Lock: locks.Waiting[1]}
	main.WaitKind, main.WaitLines = waitLines(waits, 0, d.Main.State)
	var others []failure.Goroutine
	for _, g := range d.Others {
		f := goroutineFacts(g, d.Origins, cellNo, waits)
		f.Lock = locks.Waiting[g.ID]
		others = append(others, f)
	}
	report := failure.DeadlockReport(main, others, locks)
	if fromTests > 0 {
		report = append(report, fmt.Sprintf("(and %d %s that the tests of an earlier %%check left blocked)", fromTests, plural(fromTests, "goroutine", "goroutines")))
	}
	return report
}

// markCheckCell records that execution n (goroutines.Origin.Cell) is a
// %check cell, so that what its tests leave is told apart from the
// learner's goroutines; isCheckCell asks.
func (w *Worker) markCheckCell(n int) { w.checkCells.Store(n, true) }

func (w *Worker) isCheckCell(n int) bool { _, ok := w.checkCells.Load(n); return ok }

// leakReport gathers what the report of the goroutines a cell left
// running says.
func leakReport(leaked []goroutines.Goroutine, src string, cellNo int) string {
	waits := cell.Waits(src)
	origins := map[int]goroutines.Origin{}
	for _, g := range leaked {
		if o, ok := goroutines.OriginOf(g.ID); ok {
			origins[g.ID] = o
		}
	}
	facts := make([]failure.Goroutine, len(leaked))
	for i, g := range leaked {
		facts[i] = goroutineFacts(g, origins, cellNo, waits)
	}
	return failure.LeakReport(facts)
}

// goroutineFacts is what a report says of a goroutine: where it was
// started and, when the cell that runs started it, where it may wait.
func goroutineFacts(g goroutines.Goroutine, origins map[int]goroutines.Origin, cellNo int, waits []cell.Wait) failure.Goroutine {
	f := failure.Goroutine{ID: g.ID, State: g.State}
	o, ok := origins[g.ID]
	if !ok {
		return f
	}
	f.StartLine, f.Earlier = o.Line, o.Cell != cellNo
	if !f.Earlier {
		f.WaitKind, f.WaitLines = waitLines(waits, o.Line, g.State)
	}
	return f
}

// waitLines returns the kind of operation that puts a goroutine in state,
// and the cell lines of such operations in the code of the goroutine the
// go statement at goLine started (0: the cell's own code).
func waitLines(waits []cell.Wait, goLine int, state string) (string, []int) {
	kinds := cell.WaitKind(state)
	seen := map[int]bool{}
	var lines []int
	for _, wt := range waits {
		if wt.GoLine != goLine || seen[wt.Line] {
			continue
		}
		for _, k := range kinds {
			if wt.Kind == k {
				seen[wt.Line] = true
				lines = append(lines, wt.Line)
			}
		}
	}
	sort.Ints(lines)
	if len(kinds) == 0 {
		return "", lines
	}
	return kinds[0], lines
}

// originWriter is the interpreter's standard output. Text that a goroutine
// of an earlier cell writes is enclosed in "from" markers naming that
// cell's request, so the kernel can give it to the cell that started the
// goroutine (golab run does; a live notebook shows it in the running cell).
type originWriter struct {
	token string
	dst   io.Writer // stdoutNow: one write, one write of the file, whose lock keeps other goroutines' text outside it
}

func (o *originWriter) Write(p []byte) (int, error) {
	tag, earlier := goroutines.EarlierCellTag()
	if !earlier {
		return o.dst.Write(p)
	}
	open := protocol.Marker(o.token, "from", strconv.FormatInt(tag, 10))
	end := protocol.Marker(o.token, "from", "0")
	b := make([]byte, 0, len(open)+len(p)+len(end))
	b = append(append(append(b, open...), p...), end...)
	// One write: the file's lock keeps other goroutines' text outside it.
	if _, err := o.dst.Write(b); err != nil {
		return 0, fmt.Errorf("write cell output: %w", err)
	}
	return len(p), nil
}

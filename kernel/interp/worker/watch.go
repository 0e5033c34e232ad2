package worker

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/cell"
	"github.com/golab-notebooks/golab/kernel/interp/goroutines"
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
	before := goroutines.MarkNow(cellNo)
	stop := make(chan struct{})
	go w.watcher.Watch(stop, func(d goroutines.Deadlock) {
		// Go ends a deadlocked program; golab ends the worker the same way,
		// and the kernel reports it and starts a fresh one.
		w.outMu.Lock() // no event may follow the report
		report, _ := json.Marshal(failure.Deadlock(deadlockReport(d, src, cellNo)))
		_, _ = io.WriteString(os.Stderr, protocol.Marker(w.token, protocol.FailureMarker, string(report)))
		os.Exit(2)
	})
	return func() {
		close(stop)
		leaked := goroutines.Leaked(before, 20*time.Millisecond)
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

// deadlockReport says which goroutine waits on what at which cell line,
// one line for each goroutine (or group of goroutines that wait alike),
// then the locks they wait for.
func deadlockReport(d goroutines.Deadlock, src string, cellNo int) []string {
	waits := cell.Waits(src)
	among := map[int]bool{d.Main.ID: true}
	for _, g := range d.Others {
		among[g.ID] = true
	}
	// The cell's own goroutine is the program's main goroutine: Go calls it 1.
	locks := lockReport(among, d.Alive, map[int]int{d.Main.ID: 1}, false)
	var b strings.Builder
	mainWhere := where(waits, 0, d.Main.State)
	if at, ok := locks.waiting[1]; ok {
		mainWhere = ", " + at
	}
	fmt.Fprintf(&b, "goroutine 1 [%s]: the cell's own code%s\n", d.Main.State, mainWhere)
	// Goroutines that wait alike share a line when there are many of them
	// (a daisy chain of 10,000 gave 10,000 lines, 660 kB).
	type group struct {
		state, from string
		ids         []int
	}
	var groups []*group
	index := map[string]*group{}
	for _, g := range d.Others {
		from := origin(g.ID, d.Origins, cellNo, waits, g.State)
		if at, ok := locks.waiting[g.ID]; ok {
			from = originOnly(g.ID, d.Origins, cellNo) + ", " + at
		}
		key := g.State + "\x00" + from
		if index[key] == nil {
			index[key] = &group{state: g.State, from: from}
			groups = append(groups, index[key])
		}
		index[key].ids = append(index[key].ids, g.ID)
	}
	const eachUpTo = 3 // goroutines a group lists one by one
	for _, gr := range groups {
		if len(gr.ids) <= eachUpTo {
			for _, id := range gr.ids {
				fmt.Fprintf(&b, "goroutine %d [%s]: %s\n", id, gr.state, gr.from)
			}
			continue
		}
		fmt.Fprintf(&b, "goroutines %d, %d, %d and %d more (%d in all) [%s]: %s\n",
			gr.ids[0], gr.ids[1], gr.ids[2], len(gr.ids)-3, len(gr.ids), gr.state, gr.from)
	}
	if locks.text != "" {
		b.WriteString("The locks they wait for:\n" + locks.text)
	}
	return strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
}

// leakReport tells which goroutines a cell left running.
func leakReport(leaked []goroutines.Goroutine, src string, cellNo int) string {
	waits := cell.Waits(src)
	origins := map[int]goroutines.Origin{}
	for _, g := range leaked {
		if o, ok := goroutines.OriginOf(g.ID); ok {
			origins[g.ID] = o
		}
	}
	noun := "goroutines are"
	if len(leaked) == 1 {
		noun = "goroutine is"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "golab: the cell has finished, but %d %s still running:\n", len(leaked), noun)
	// One line per place and state: "100 goroutines [sleep]: started at cell line 7".
	type group struct {
		state, from string
		ids         []int
	}
	var groups []*group
	index := map[string]*group{}
	for _, g := range leaked {
		from := origin(g.ID, origins, cellNo, waits, g.State)
		key := g.State + "\x00" + from
		if index[key] == nil {
			index[key] = &group{state: g.State, from: from}
			groups = append(groups, index[key])
		}
		index[key].ids = append(index[key].ids, g.ID)
	}
	const shown = 5
	for i, gr := range groups {
		if i == shown {
			rest := 0
			for _, other := range groups[shown:] {
				rest += len(other.ids)
			}
			fmt.Fprintf(&b, "  … and %d more in %d other places or states\n", rest, len(groups)-shown)
			break
		}
		if len(gr.ids) == 1 {
			fmt.Fprintf(&b, "  goroutine %d [%s]: %s\n", gr.ids[0], gr.state, gr.from)
		} else {
			fmt.Fprintf(&b, "  %d goroutines [%s]: %s\n", len(gr.ids), gr.state, gr.from)
		}
	}
	b.WriteString("They keep running in the background; what they print later is shown (under this cell when no other runs).\n" +
		"(In a compiled program they would end when main returns. Wait for them with a sync.WaitGroup or a channel.)\n")
	return b.String()
}

// origin describes where a goroutine was started and, if the cell shows
// it, where it waits.
func origin(id int, origins map[int]goroutines.Origin, cellNo int, waits []cell.Wait, state string) string {
	o, ok := origins[id]
	if !ok || o.Cell != cellNo {
		return originOnly(id, origins, cellNo)
	}
	return originOnly(id, origins, cellNo) + where(waits, o.Line, state)
}

// originOnly says where a goroutine was started.
func originOnly(id int, origins map[int]goroutines.Origin, cellNo int) string {
	o, ok := origins[id]
	switch {
	case !ok:
		return "started by a call such as `go f(x)`"
	case o.Cell != cellNo:
		return fmt.Sprintf("started at line %d of an earlier cell", o.Line)
	}
	return fmt.Sprintf("started at cell line %d", o.Line)
}

// where names the cell lines of the operations that can put a goroutine
// in a state, among those of one goroutine's code.
func where(waits []cell.Wait, goLine int, state string) string {
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
	verb := map[string]string{"send": "sends on a channel", "receive": "receives from a channel", "select": "waits in select",
		"lock": "waits for a lock", "wait": "waits for a WaitGroup or Cond"}[firstOr(kinds, "")]
	switch len(lines) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(", %s at cell line %d", verb, lines[0])
	}
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprint(l)
	}
	return fmt.Sprintf(", %s at one of cell lines %s", verb, strings.Join(parts, ", "))
}

func firstOr(list []string, def string) string {
	if len(list) == 0 {
		return def
	}
	return list[0]
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

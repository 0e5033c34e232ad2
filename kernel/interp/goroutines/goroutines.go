// Package goroutines watches the goroutines of interpreted cells from
// inside the worker process: where each was started, which are still
// running when a cell ends, and whether they are all blocked for good.
//
// Go's own "all goroutines are asleep" check cannot fire in the worker (its
// own goroutines wait on pipes), so a Watcher samples the runtime's
// goroutine dump instead: when the cell's goroutine and every goroutine
// the notebook started are blocked on channels, select, locks, wait groups
// or condition variables, no timer is pending, and nothing changes for a
// few samples in a row, the cell is deadlocked.
package goroutines

import (
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golab-notebooks/golab/internal/goid"
	"github.com/golab-notebooks/golab/kernel/interp/noise"
	"github.com/golab-notebooks/golab/kernel/interp/stop"
)

// interpreterFrame marks a goroutine that runs interpreted code, and
// startFrame one that Go started for a cell (it may not have entered the
// interpreter yet). thisPackage is this package's import path, as stack
// traces name it, whatever folder the package lives in.
var (
	interpreterFrame = "github.com/traefik/yaegi/interp."
	thisPackage      = reflect.TypeFor[Goroutine]().PkgPath()
	startFrame       = thisPackage + ".Go.func1("
)

// Goroutine is one goroutine of a runtime dump.
type Goroutine struct {
	ID    int
	State string // "chan receive", "select", "sleep", "running", …
	Stack string // the frames, as runtime.Stack prints them
	// Interpreted is set when the goroutine runs cell code.
	Interpreted bool
}

// Blocked reports whether the goroutine waits for another goroutine (a
// channel, select, lock, wait group or condition variable), as opposed to
// sleeping, waiting for I/O or a system call, or running.
func (g Goroutine) Blocked() bool {
	return goid.Goroutine{State: g.State}.Blocked()
}

// Dump returns the process's goroutines, from runtime.Stack.
func Dump() []Goroutine {
	all := goid.All()
	out := make([]Goroutine, len(all))
	for i, g := range all {
		out[i] = Goroutine{ID: g.ID, State: g.State, Stack: g.Stack,
			Interpreted: strings.Contains(g.Stack, interpreterFrame) || strings.Contains(g.Stack, startFrame)}
	}
	return out
}

// currentID returns the calling goroutine's ID.
func currentID() int { return goid.Current() }

// Origin is where a goroutine was started.
type Origin struct {
	Cell int   // the execution of the worker that started it, counting from 1
	Line int   // the cell line of its go statement
	Tag  int64 // the tag the worker gave that execution (its request ID)
}

var (
	mu      sync.Mutex
	origins = map[int]Origin{}
	cellNo  int
	cellTag int64
)

// Go starts f in a new goroutine, as a cell's go statement does, and
// records that it was started at a cell line until it ends. Rewritten
// cells call it in place of `go func() { … }()` and `go f(x)`.
//
// The goroutine is a compiled one that calls f, so that its registration
// costs no interpreted code.
func Go(line int, f func()) {
	mu.Lock()
	o := Origin{Cell: cellNo, Line: line, Tag: cellTag}
	mu.Unlock()
	begin, end := noise.Starting() // in a replayable run, it takes turns
	go func() {
		id := currentID()
		mu.Lock()
		origins[id] = o
		mu.Unlock()
		defer func() {
			mu.Lock()
			delete(origins, id)
			mu.Unlock()
			r := recover()
			switch {
			case r == nil:
			case stop.Is(r):
				// An interrupt stopped it at a safe point: it ends here,
				// its deferred calls run, and the worker goes on.
				stop.Ended()
			default:
				if hook := panicHook.Load(); hook != nil {
					(*hook)(o, o.Cell == CurrentCell())
				}
				panic(r) // the program still crashes, as Go's would
			}
		}()
		if begin != nil {
			defer end()
			begin()
		}
		f()
	}()
}

// Live returns how many goroutines that Go started are still running.
func Live() int {
	mu.Lock()
	defer mu.Unlock()
	return len(origins)
}

// panicHook is called when a goroutine Go started panics.
var panicHook atomic.Pointer[func(o Origin, thisCell bool)]

// SetPanicHook makes a goroutine that Go started and that panics call
// hook with where it was started, and whether the running cell started it,
// before the panic goes on to crash the process: the crash report cannot
// otherwise tell which go statement started it.
func SetPanicHook(hook func(o Origin, thisCell bool)) {
	panicHook.Store(&hook)
}

// CurrentCell returns the number BeginCell gave the running cell.
func CurrentCell() int {
	mu.Lock()
	defer mu.Unlock()
	return cellNo
}

// Started records that the calling goroutine was started at a cell line.
// Rewritten cells call it first thing in the body of a `go func(x T) {…}(v)`
// with parameters, which Go cannot take.
func Started(line int) {
	id := currentID()
	mu.Lock()
	origins[id] = Origin{Cell: cellNo, Line: line, Tag: cellTag}
	mu.Unlock()
}

// Ended forgets the calling goroutine; rewritten cells defer it.
func Ended() {
	id := currentID()
	mu.Lock()
	delete(origins, id)
	mu.Unlock()
}

// OriginOf returns where the goroutine with an ID was started, if known.
func OriginOf(id int) (Origin, bool) {
	mu.Lock()
	defer mu.Unlock()
	o, ok := origins[id]
	return o, ok
}

// BeginCell numbers the cell about to run and records its tag; goroutines
// it starts carry both.
func BeginCell(tag int64) int {
	mu.Lock()
	defer mu.Unlock()
	cellNo++
	cellTag = tag
	return cellNo
}

// EarlierCellTag returns the tag of the cell that started the calling
// goroutine when that is not the running cell: the caller is a goroutine
// an earlier cell left running. It is cheap when no such goroutine exists.
func EarlierCellTag() (int64, bool) {
	mu.Lock()
	none := len(origins) == 0
	mu.Unlock()
	if none {
		return 0, false
	}
	id := currentID()
	mu.Lock()
	defer mu.Unlock()
	o, ok := origins[id]
	if !ok || o.Cell == cellNo {
		return 0, false
	}
	return o.Tag, true
}

// Mark is what Leaked compares with: how many goroutines there were when
// a cell started, which ones (when there were few enough to list), and the
// cell's number.
type Mark struct {
	count int
	ids   map[int]bool // nil when there were more than manyGoroutines
	cell  int
}

// manyGoroutines is where listing every goroutine, a stack dump of each,
// gets too slow to do for every cell (20,000 blocked goroutines an earlier
// cell left took 3.5 s a cell): above it, a cell's leaks are the
// goroutines its go statements started (Go) that still run.
const manyGoroutines = 1000

// MarkNow records how things stand as cell begins.
func MarkNow(cell int) Mark {
	m := Mark{count: runtime.NumGoroutine(), cell: cell}
	if m.count <= manyGoroutines {
		m.ids = IDs()
	}
	return m
}

// Leaked returns the interpreted goroutines, other than the caller's, that
// the cell of m left running: with few goroutines, those that did not
// exist at m; with many, those its go statements started. It looks twice,
// a moment apart, so goroutines that were just finishing are not counted.
// When no goroutine of the cell's still runs and there are no more
// goroutines than at m, it lists none: trivial cells stay fast, also with
// thousands of goroutines that earlier cells left blocked.
func Leaked(m Mark, settle time.Duration) []Goroutine {
	own := startedIn(m.cell)
	if len(own) == 0 && runtime.NumGoroutine() <= m.count {
		return nil
	}
	self := currentID()
	var candidates map[int]bool
	if m.ids == nil {
		time.Sleep(settle) // (and a goroutine registers once it runs)
		candidates = startedIn(m.cell)
	} else {
		candidates = map[int]bool{}
		for _, g := range Dump() {
			if g.Interpreted && g.ID != self && !m.ids[g.ID] {
				candidates[g.ID] = true
			}
		}
		if len(candidates) > 0 {
			time.Sleep(settle)
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	var out []Goroutine
	for _, g := range Dump() {
		if g.Interpreted && g.ID != self && candidates[g.ID] {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// startedIn returns the goroutines a cell's go statements started that
// still run.
func startedIn(cell int) map[int]bool {
	mu.Lock()
	defer mu.Unlock()
	own := map[int]bool{}
	for id, o := range origins {
		if o.Cell == cell {
			own[id] = true
		}
	}
	return own
}

// IDs returns the IDs of the goroutines that exist now.
func IDs() map[int]bool {
	ids := map[int]bool{}
	for _, g := range Dump() {
		ids[g.ID] = true
	}
	return ids
}

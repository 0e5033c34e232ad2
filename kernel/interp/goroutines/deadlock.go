package goroutines

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

// Deadlock describes a cell whose goroutines are all blocked for good.
type Deadlock struct {
	Main    Goroutine   // the goroutine running the cell (none for a group)
	Others  []Goroutine // the notebook's other goroutines, all blocked
	Origins map[int]Origin
	// Outsiders counts, for a group, the older goroutines that are not
	// blocked, and for a cell, the goroutines earlier cells started that
	// are not (Running lists those): one of them might yet wake the
	// others, so this is no certain deadlock, and the watcher waits longer
	// (Patience) before it calls it one.
	Outsiders int
	Running   []Goroutine
	// Alive holds the IDs of every goroutine of the process at the time.
	Alive map[int]bool
}

// Watcher looks for a deadlock while a cell runs.
type Watcher struct {
	// Every is the time between samples; Samples is how many identical
	// all-blocked samples make a deadlock.
	Every   time.Duration
	Samples int
	// Patience is how many samples make a deadlock of a group while
	// older goroutines still run, or of a cell while goroutines earlier
	// cells started run (0 means Samples).
	Patience int

	main     int          // the ID of the goroutine that runs cells
	baseline map[int]bool // the worker's own goroutines, not the notebook's
	ignore   func(Goroutine) bool
}

// NewWatcher makes a watcher for cells run by the calling goroutine. The
// goroutines that exist now are the worker's own and are never counted;
// ignore, if set, excludes others (a goroutine waiting for the notebook's
// input, say).
func NewWatcher(ignore func(Goroutine) bool) *Watcher {
	return &Watcher{Every: 100 * time.Millisecond, Samples: 4, Patience: 50, main: currentID(), baseline: IDs(), ignore: ignore}
}

// NewGroupWatcher makes a watcher for the goroutines started after it is
// made (a %check test's): they deadlock when every one of them is blocked
// for good, whatever the goroutines that existed before do.
func NewGroupWatcher(ignore func(Goroutine) bool) *Watcher {
	return &Watcher{Every: 100 * time.Millisecond, Samples: 4, Patience: 30, main: -1, baseline: IDs(), ignore: ignore}
}

// Watch samples until stop is closed, and calls found (once) if the
// goroutines deadlock before that.
func (w *Watcher) Watch(stop <-chan struct{}, found func(Deadlock)) {
	t := time.NewTimer(w.Every)
	defer t.Stop()
	same := 0
	last := ""
	var since time.Time // when the first of the same samples was taken
	count := -1         // how many goroutines there were at the last sample
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		// While goroutines start or end, something runs: no deadlock, and
		// no need to list thousands of stacks to see it.
		if n := runtime.NumGoroutine(); n != count {
			count, same, last = n, 0, ""
			t.Reset(w.Every)
			continue
		}
		began := time.Now()
		d, key, ok := w.sample()
		// While something runs, samples are spaced out so as not to slow
		// it; while everything is blocked, nothing is slowed.
		took := time.Since(began)
		t.Reset(nextSample(w.Every, took, ok))
		if !ok {
			same, last = 0, ""
			continue
		}
		if key == last {
			same++
		} else {
			same, last, since = 1, key, began
		}
		needed := w.Samples
		if d.Outsiders > 0 && w.Patience > needed {
			needed = w.Patience
		}
		// Samples that take longer than the time between them (thousands
		// of goroutines) need not be as many: two the same, as far apart
		// as the needed ones would be.
		if same >= needed || (took > w.Every && same >= 2 && time.Since(since) >= time.Duration(needed-1)*w.Every) {
			found(d)
			return
		}
	}
}

// nextSample is the wait before the next sample, given how long the last
// one took. A sample stops the world while it lists every goroutine's
// stack, and that takes as long as the deepest stack is deep: a runaway
// recursion 100,000 interpreted calls deep made each sample take long
// enough that the recursion, running between samples, never reached Go's
// stack limit (the cell hung instead of ending with "stack overflow").
// Waiting 20 times as long as a sample took keeps the world stopped for at
// most 5% of the time. When a sample that took longer than every found
// every goroutine blocked (thousands of them), nothing runs to be slowed,
// and the next sample comes after every: a deadlock among 10,000
// goroutines (a sample takes about a second) took 85 s to report with the
// long waits. Faster samples keep the long waits, which also give a
// blocked state time to change before it is called a deadlock.
func nextSample(every, took time.Duration, allBlocked bool) time.Duration {
	if allBlocked && took > every {
		return every
	}
	return max(every, 20*took)
}

// sample reports a deadlock candidate and a key that changes whenever any
// goroutine's state does.
func (w *Watcher) sample() (Deadlock, string, bool) {
	timers := pendingTimers(time.Now())
	if timers && w.main < 0 {
		return Deadlock{}, "", false
	}
	d := Deadlock{Alive: map[int]bool{}}
	cell := CurrentCell()
	var key strings.Builder
	haveMain := false
	for _, g := range Dump() {
		d.Alive[g.ID] = true
		switch {
		case g.ID == w.main:
			if !g.Blocked() || (w.ignore != nil && w.ignore(g)) {
				return Deadlock{}, "", false
			}
			d.Main, haveMain = g, true
		case w.baseline[g.ID] && !g.Interpreted:
			continue // the worker's own
		case w.baseline[g.ID] && w.main < 0:
			// Older than the group: if it runs, it may be what the group
			// waits for, and the watcher waits longer (Patience).
			if !g.Blocked() {
				d.Outsiders++
			}
			continue
		case isWatcher(g):
			continue
		case w.main >= 0 && startedBefore(g.ID, cell) && (!g.Blocked() || timers):
			// An earlier cell's goroutine that runs or sleeps, or that a
			// pending timer may wake (a ticker's), might yet wake this
			// cell's: it is not in the key, as it changes state as it runs.
			d.Outsiders++
			d.Running = append(d.Running, g)
			continue
		default:
			if !g.Blocked() || (w.ignore != nil && w.ignore(g)) {
				return Deadlock{}, "", false
			}
			d.Others = append(d.Others, g)
		}
		fmt.Fprintf(&key, "%d:%s;", g.ID, g.State)
	}
	if (w.main >= 0 && !haveMain) || (w.main < 0 && len(d.Others) == 0) {
		return Deadlock{}, "", false
	}
	if timers && d.Outsiders == 0 {
		// A timer may wake them. (With earlier cells' goroutines about,
		// the timer is as likely theirs: the wait is then Patience.)
		return Deadlock{}, "", false
	}
	d.Origins = map[int]Origin{}
	for _, g := range append(d.Others, d.Running...) {
		if o, ok := OriginOf(g.ID); ok {
			d.Origins[g.ID] = o
		}
	}
	return d, key.String(), true
}

// Snapshot returns the cell's goroutine and the notebook's other
// goroutines as they are now, blocked or not (for the account of the
// goroutines an interrupt could not stop).
func (w *Watcher) Snapshot() Deadlock {
	d := Deadlock{Alive: map[int]bool{}, Origins: map[int]Origin{}}
	for _, g := range Dump() {
		d.Alive[g.ID] = true
		switch {
		case g.ID == w.main:
			d.Main = g
		case w.baseline[g.ID] && !g.Interpreted, isWatcher(g), !g.Interpreted:
		case w.ignore != nil && w.ignore(g):
		default:
			d.Others = append(d.Others, g)
			if o, ok := OriginOf(g.ID); ok {
				d.Origins[g.ID] = o
			}
		}
	}
	return d
}

// startedBefore reports whether a goroutine was started by a cell before
// the given one.
func startedBefore(id, cell int) bool {
	o, ok := OriginOf(id)
	return ok && o.Cell < cell
}

// isWatcher recognises the watcher's own goroutine.
func isWatcher(g Goroutine) bool {
	return strings.Contains(g.Stack, thisPackage+".(*Watcher).Watch")
}

package goroutines

import (
	"context"
	"reflect"
	"sync"
	"time"
	"unsafe"
	"weak"

	"github.com/golab-notebooks/golab/internal/wakeups"
	"github.com/golab-notebooks/golab/kernel/interp/noise"
	"github.com/golab-notebooks/golab/kernel/interp/stop"
)

// Timers that could still wake a blocked goroutine rule out a deadlock.
// Cells get these versions of the time and context functions that make
// timers, so the watcher knows which timers exist: each Timer and Ticker a
// cell makes is kept (weakly), and the watcher reads from the runtime's
// record of it when it fires next, which follows Reset and Stop (a timer
// Reset to later, then waited for, was taken for a deadlock). Timers
// whose timer cannot be read (time.After, context deadlines) count by the
// latest deadline they were made with.
var (
	timersMu sync.Mutex
	lastFire time.Time
	timers   []weak.Pointer[time.Timer]
	tickers  []weak.Pointer[time.Ticker]
)

func firesAt(d time.Duration) {
	t := time.Now().Add(d)
	timersMu.Lock()
	if t.After(lastFire) {
		lastFire = t
	}
	timersMu.Unlock()
}

// pendingTimers reports whether a timer made by a cell may still fire.
func pendingTimers(now time.Time) bool {
	timersMu.Lock()
	defer timersMu.Unlock()
	if now.Before(lastFire) {
		return true
	}
	pending := false
	timers = keepLive(timers, func(t *time.Timer) {
		pending = pending || whenReadable() && firesLater(unsafe.Pointer(t))
	})
	tickers = keepLive(tickers, func(t *time.Ticker) {
		// A ticker whose record cannot be read counts until it is collected.
		pending = pending || !whenReadable() || running(unsafe.Pointer(t))
	})
	return pending
}

// keepLive drops the collected pointers of list and calls each on the rest.
func keepLive[T any](list []weak.Pointer[T], each func(*T)) []weak.Pointer[T] {
	live := list[:0]
	for _, p := range list {
		if v := p.Value(); v != nil {
			live = append(live, p)
			each(v)
		}
	}
	return live
}

// The runtime keeps, behind a *time.Timer or *time.Ticker, when it fires
// next in nanotime's clock, or 0 when it is stopped or has fired. Its
// place is found once, by making a timer and looking for its deadline
// (whenOffset < 0: not found, and timers count by their first deadline).
var (
	whenOnce   sync.Once
	whenOffset = -1
)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// whenReadable finds where the runtime keeps a timer's next firing time,
// and reports whether it did: the one word that holds now+1h for a timer
// of an hour, and now+2h after a Reset to two hours.
func whenReadable() bool {
	whenOnce.Do(func() {
		t := time.NewTimer(time.Hour)
		defer t.Stop()
		near := func(off int, d time.Duration) bool {
			v := *(*int64)(unsafe.Add(unsafe.Pointer(t), off))
			want := nanotime() + int64(d)
			return v > want-int64(time.Minute) && v <= want
		}
		for off := 8; off <= 64; off += 8 {
			if near(off, time.Hour) {
				t.Reset(2 * time.Hour)
				if near(off, 2*time.Hour) {
					whenOffset = off
				}
				return
			}
		}
	})
	return whenOffset >= 0
}

// firesLater reports whether the timer at t will fire. (One that fired
// while nobody waited on its channel keeps its past time until someone
// does: it wakes nobody blocked elsewhere.)
func firesLater(t unsafe.Pointer) bool {
	return when(t) > nanotime()
}

// running reports whether the ticker at t ticks: it was not stopped. (A
// ticker nobody waits on is not kept up to date: its time may be past.)
func running(t unsafe.Pointer) bool {
	return when(t) != 0
}

func when(t unsafe.Pointer) int64 { return *(*int64)(unsafe.Add(t, whenOffset)) }

func after(d time.Duration) <-chan time.Time { firesAt(d); return time.After(d) }

func newTimer(d time.Duration) *time.Timer { firesAt(d); return track(time.NewTimer(d)) }

func afterFunc(d time.Duration, f func()) *time.Timer { firesAt(d); return track(time.AfterFunc(d, f)) }

func init() {
	// The helpers' own timers: safe.Queue.GetTimeout, proc.Process.JoinTimeout, …
	wakeups.Watch(func(t *time.Timer, d time.Duration) { firesAt(d); track(t) })
}

func track(t *time.Timer) *time.Timer {
	timersMu.Lock()
	timers = append(timers, weak.Make(t))
	timersMu.Unlock()
	return t
}

func newTicker(d time.Duration) *time.Ticker {
	t := time.NewTicker(d)
	timersMu.Lock()
	tickers = append(tickers, weak.Make(t))
	timersMu.Unlock()
	return t
}

func tick(d time.Duration) <-chan time.Time {
	if d <= 0 {
		return nil
	}
	return newTicker(d).C
}

func withTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	firesAt(d)
	return context.WithTimeout(parent, d)
}

func withDeadline(parent context.Context, t time.Time) (context.Context, context.CancelFunc) {
	firesAt(time.Until(t))
	return context.WithDeadline(parent, t)
}

func withTimeoutCause(parent context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
	firesAt(d)
	return context.WithTimeoutCause(parent, d, cause)
}

func withDeadlineCause(parent context.Context, t time.Time, cause error) (context.Context, context.CancelFunc) {
	firesAt(time.Until(t))
	return context.WithDeadlineCause(parent, t, cause)
}

// sleepSlice is how long a cell's time.Sleep sleeps at a time: an interrupt
// ends the sleep within it, and the goroutine reaches its next safe point
// (kernel/interp/stop) instead of holding the cell until the sleep is over.
const sleepSlice = 50 * time.Millisecond

// sleep is a cell's time.Sleep: the same sleep, in slices, that an
// interrupt during it ends by unwinding the goroutine at the end of the
// slice, as a safe point would, also once the interrupt is over:
// the statements after the sleep do not run (in a Go program, Ctrl-C ends
// the program in its sleep). The goroutine still sleeps ("[sleep]" in a
// stack dump) almost all the time, as the deadlock watch expects.
func sleep(d time.Duration) {
	if noise.Sleep(d, slices) {
		return // a replayable run's: in turn, on the run's clock
	}
	slices(d)
}

// slices sleeps d in slices of sleepSlice, unwinding when an interrupt
// came during one.
func slices(d time.Duration) {
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return
		}
		before := stop.Epoch()
		time.Sleep(min(left, sleepSlice))
		if stop.Pending() || stop.Epoch() != before {
			stop.Unwind()
			return // a deferred call's sleep, while its goroutine unwinds: it ends early
		}
	}
}

// Symbols are the interpreter symbols that replace the standard library's
// timer makers in cells, keyed as yaegi's interp.Use expects, plus the
// package "golab.internal/goroutines" that rewritten cells call.
func Symbols() map[string]map[string]reflect.Value {
	return map[string]map[string]reflect.Value{
		"time/time": {
			"After":     reflect.ValueOf(after),
			"NewTimer":  reflect.ValueOf(newTimer),
			"AfterFunc": reflect.ValueOf(afterFunc),
			"NewTicker": reflect.ValueOf(newTicker),
			"Tick":      reflect.ValueOf(tick),
			"Sleep":     reflect.ValueOf(sleep),
		},
		// runtime.Gosched lets another goroutine run: in a replayable run,
		// the one the run's seed chooses (see noise.Exclusive).
		"runtime/runtime": {"Gosched": reflect.ValueOf(noise.Yield)},
		"context/context": {
			"WithTimeout":       reflect.ValueOf(withTimeout),
			"WithDeadline":      reflect.ValueOf(withDeadline),
			"WithTimeoutCause":  reflect.ValueOf(withTimeoutCause),
			"WithDeadlineCause": reflect.ValueOf(withDeadlineCause),
		},
		"golab.internal/goroutines/goroutines": {
			"Go":      reflect.ValueOf(Go),
			"Started": reflect.ValueOf(Started),
			"Ended":   reflect.ValueOf(Ended),
		},
	}
}

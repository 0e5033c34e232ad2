package goroutines

import (
	"context"
	"reflect"
	"sync"
	"time"
	"weak"
)

// Timers that could still wake a blocked goroutine rule out a deadlock.
// Cells get these versions of the time and context functions that make
// timers, so the watcher knows until when one may fire. A Timer that is
// Reset to a later time is not seen (a deadlock could then be reported
// after its first deadline), and a Ticker counts as pending until it is
// garbage collected.
var (
	timersMu sync.Mutex
	lastFire time.Time
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
	live := tickers[:0]
	for _, p := range tickers {
		if p.Value() != nil {
			live = append(live, p)
		}
	}
	tickers = live
	return len(tickers) > 0
}

func after(d time.Duration) <-chan time.Time { firesAt(d); return time.After(d) }

func newTimer(d time.Duration) *time.Timer { firesAt(d); return time.NewTimer(d) }

func afterFunc(d time.Duration, f func()) *time.Timer { firesAt(d); return time.AfterFunc(d, f) }

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
		},
		"context/context": {
			"WithTimeout":  reflect.ValueOf(withTimeout),
			"WithDeadline": reflect.ValueOf(withDeadline),
		},
		"golab.internal/goroutines/goroutines": {
			"Go":      reflect.ValueOf(Go),
			"Started": reflect.ValueOf(Started),
			"Ended":   reflect.ValueOf(Ended),
		},
	}
}

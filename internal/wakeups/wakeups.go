// Package wakeups lets the kernel's deadlock watcher see the timers that
// golab's helper packages (runtime/safe, runtime/proc) make in compiled
// code: a goroutine that waits on one of them is not deadlocked, although
// every goroutine of the cell is blocked.
package wakeups

import (
	"sync/atomic"
	"time"
)

var watcher atomic.Pointer[func(*time.Timer, time.Duration)]

// NewTimer is time.NewTimer, with the new timer shown to the watcher.
func NewTimer(d time.Duration) *time.Timer {
	t := time.NewTimer(d)
	if w := watcher.Load(); w != nil {
		(*w)(t, d)
	}
	return t
}

// Watch has w called with every timer NewTimer makes, and the duration it
// was made with.
func Watch(w func(t *time.Timer, d time.Duration)) { watcher.Store(&w) }

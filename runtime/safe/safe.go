// Package safe holds synchronized data structures for the lessons: a
// blocking Queue with the semantics of Python's queue.Queue, a Counter, a
// Map, a reusable Barrier and a Semaphore. Each is safe for concurrent use
// (its tests run under the race detector), and each can record who waited
// on what in a timeline.Recorder, so a lesson can draw it.
//
// In a golab notebook, import it as "golab/safe":
//
//	q := safe.NewQueue(2) // at most two items waiting
//	go func() {
//		for i := range 5 {
//			q.Put(i) // waits while the queue is full
//		}
//		q.Close()
//	}()
//	for {
//		v, ok := q.GetOK() // waits while the queue is empty
//		if !ok {
//			break // closed and drained
//		}
//		fmt.Println(v)
//	}
//
// Values are of type any: cells are interpreted, and the interpreter cannot
// instantiate generic types of compiled packages.
package safe

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golab-notebooks/golab/runtime/timeline"

	"github.com/golab-notebooks/golab/internal/wakeups"
)

// The errors of the non-blocking and timed operations.
var (
	ErrFull    = errors.New("safe: the queue is full")
	ErrEmpty   = errors.New("safe: the queue is empty")
	ErrClosed  = errors.New("safe: the queue is closed")
	ErrTimeout = errors.New("safe: timed out")
)

// signal lets goroutines wait, with a timeout if they want, until the state
// guarded by a mutex changes. It is a condition variable whose waits can
// time out: every broadcast closes the channel the waiters hold.
type signal struct {
	ch chan struct{}
}

// wait releases mu, waits for a broadcast or the deadline (zero: none),
// and locks mu again. It reports false if the deadline passed.
func (s *signal) wait(mu *sync.Mutex, deadline time.Time) bool {
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	ch := s.ch
	mu.Unlock()
	defer mu.Lock()
	if deadline.IsZero() {
		<-ch
		return true
	}
	timer := wakeups.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case <-ch:
		return true
	case <-timer.C:
		return false
	}
}

// broadcast wakes every waiter; callers hold the mutex.
func (s *signal) broadcast() {
	if s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}

// recording is the instrumented mode every structure shares. The recorder
// is set under the structure's lock and read with an atomic pointer, so
// the lock-free fast paths may read it too.
type recording struct {
	rec atomic.Pointer[timeline.Recorder]
}

func (r *recording) setRecorder(rec *timeline.Recorder) { r.rec.Store(rec) }

// waitSpan starts a wait span if recording; the returned func ends it.
func (r *recording) waitSpan(label string) func() {
	rec := r.rec.Load()
	if rec == nil {
		return func() {}
	}
	return rec.BeginWait(label)
}

func deadlineAfter(d time.Duration) time.Time {
	return time.Now().Add(max(d, 0))
}

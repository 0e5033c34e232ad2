package safe

import (
	"fmt"
	"sync"
	"time"

	"github.com/golab-notebooks/golab/runtime/timeline"
)

// Queue is a first-in, first-out queue for handing values between
// goroutines, like Python's queue.Queue: Put waits while the queue is full,
// Get waits while it is empty, and Join waits until every item put has
// been marked done with TaskDone. Close ends it: Get then drains what is
// left and reports the end. Make one with NewQueue.
type Queue struct {
	mu         sync.Mutex
	changed    signal
	items      []any
	capacity   int
	unfinished int
	closed     bool
	recording
}

// NewQueue returns a queue that holds at most capacity items; 0 means no
// limit.
func NewQueue(capacity int) *Queue {
	if capacity < 0 {
		panic(fmt.Sprintf("safe.NewQueue(%d): capacity cannot be negative", capacity))
	}
	return &Queue{capacity: capacity}
}

// Record makes the queue record, in rec, every wait of a goroutine for
// room (Put), for an item (Get) or for the work to be done (Join). Pass nil
// to stop.
func (q *Queue) Record(rec *timeline.Recorder) {
	q.setRecorder(rec)
}

func (q *Queue) full() bool { return q.capacity > 0 && len(q.items) >= q.capacity }

// Put adds v at the back, waiting while the queue is full. Put on a closed
// queue panics, as a send on a closed channel does.
func (q *Queue) Put(v any) {
	if err := q.put(v, time.Time{}, true); err != nil {
		panic("safe: Put on a closed Queue")
	}
}

// PutNowait adds v if there is room now; otherwise it returns ErrFull (or
// ErrClosed).
func (q *Queue) PutNowait(v any) error { return q.put(v, time.Time{}, false) }

// PutTimeout adds v, waiting at most d for room; it returns ErrTimeout if
// there was none (or ErrClosed).
func (q *Queue) PutTimeout(v any, d time.Duration) error { return q.put(v, deadlineAfter(d), true) }

func (q *Queue) put(v any, deadline time.Time, wait bool) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.full() && !q.closed {
		if !wait {
			return ErrFull
		}
		end := q.waitSpan("Put (queue full)")
		for q.full() && !q.closed {
			if !q.changed.wait(&q.mu, deadline) {
				end()
				return ErrTimeout
			}
		}
		end()
	}
	if q.closed {
		return ErrClosed
	}
	q.items = append(q.items, v)
	q.unfinished++
	q.changed.broadcast()
	return nil
}

// Get removes and returns the front item, waiting while the queue is
// empty. On a closed, drained queue it returns nil at once; use GetOK to
// tell that apart from a nil item.
func (q *Queue) Get() any {
	v, _ := q.GetOK()
	return v
}

// GetOK is Get that also reports whether an item came: false means the
// queue is closed and drained, so a loop of GetOK calls ends like a range
// over a closed channel.
func (q *Queue) GetOK() (any, bool) {
	v, err := q.get(time.Time{}, true)
	return v, err == nil
}

// GetNowait returns the front item if there is one now; otherwise it
// returns ErrEmpty (ErrClosed once the queue is closed and drained).
func (q *Queue) GetNowait() (any, error) { return q.get(time.Time{}, false) }

// GetTimeout returns the front item, waiting at most d for one; it returns
// ErrTimeout if none came (ErrClosed once the queue is closed and drained).
func (q *Queue) GetTimeout(d time.Duration) (any, error) { return q.get(deadlineAfter(d), true) }

func (q *Queue) get(deadline time.Time, wait bool) (any, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 && !q.closed {
		if !wait {
			return nil, ErrEmpty
		}
		end := q.waitSpan("Get (queue empty)")
		for len(q.items) == 0 && !q.closed {
			if !q.changed.wait(&q.mu, deadline) {
				end()
				return nil, ErrTimeout
			}
		}
		end()
	}
	if len(q.items) == 0 {
		return nil, ErrClosed
	}
	v := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	q.changed.broadcast()
	return v, nil
}

// TaskDone marks one item taken with Get as processed. Calling it more
// times than items were put panics, as Python's raises ValueError.
func (q *Queue) TaskDone() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.unfinished <= 0 {
		panic("safe: TaskDone called more times than items were put")
	}
	q.unfinished--
	if q.unfinished == 0 {
		q.changed.broadcast()
	}
}

// Join waits until every item put so far has been marked with TaskDone.
func (q *Queue) Join() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.unfinished == 0 {
		return
	}
	end := q.waitSpan("Join (tasks not done)")
	defer end()
	for q.unfinished > 0 {
		q.changed.wait(&q.mu, time.Time{})
	}
}

// Close ends the queue: waiting and later Puts panic (PutNowait and
// PutTimeout return ErrClosed), and Get drains the items left, then
// reports the end. Closing twice panics, as closing a channel twice does.
func (q *Queue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		panic("safe: Close of a closed Queue")
	}
	q.closed = true
	q.changed.broadcast()
}

// Len returns how many items wait in the queue.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Cap returns the queue's capacity (0: no limit).
func (q *Queue) Cap() int { return q.capacity }

// Closed reports whether Close was called.
func (q *Queue) Closed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

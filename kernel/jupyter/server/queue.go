package server

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/golab-notebooks/golab/kernel/jupyter/wire"
)

// requestQueue holds the shell requests waiting for the one being
// handled: one first-in-first-out line per client, served in turn, so a
// client that sends thousands of requests delays another client by at most
// one request of its own. Nothing is dropped: push refuses a request only
// when its client already has perClient waiting, and the caller answers
// that request with an error.
type requestQueue struct {
	perClient int

	mu      sync.Mutex
	wake    chan struct{} // signalled (without blocking) when a request arrives
	lines   map[string][]queued
	turns   []string // clients with waiting requests, in serving order
	waiting int
}

// queued is a request and when it arrived.
type queued struct {
	msg     *wire.Message
	arrived time.Time
}

func newRequestQueue(perClient int) *requestQueue {
	return &requestQueue{perClient: perClient, wake: make(chan struct{}, 1), lines: map[string][]queued{}}
}

// clientOf names the sender of a message: its ZeroMQ routing identity.
func clientOf(msg *wire.Message) string {
	var b strings.Builder
	for _, id := range msg.Identities {
		b.Write(id)
		b.WriteByte(0)
	}
	return b.String()
}

// push queues msg; false means its client has perClient requests waiting.
func (q *requestQueue) push(msg *wire.Message) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	c := clientOf(msg)
	line := q.lines[c]
	if len(line) >= q.perClient {
		return false
	}
	if len(line) == 0 {
		q.turns = append(q.turns, c)
	}
	q.lines[c] = append(line, queued{msg: msg, arrived: time.Now()})
	q.waiting++
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

// pop takes the next request, the first of the next client's line, and
// waits for one if none is queued. It returns false when ctx ends.
func (q *requestQueue) pop(ctx context.Context) (*wire.Message, bool) {
	for {
		q.mu.Lock()
		if len(q.turns) > 0 {
			c := q.turns[0]
			line := q.lines[c]
			next := line[0]
			q.turns = q.turns[1:]
			if len(line) > 1 {
				q.lines[c] = line[1:]
				q.turns = append(q.turns, c) // its next request waits for the others' turn
			} else {
				delete(q.lines, c)
			}
			q.waiting--
			q.mu.Unlock()
			return next.msg, true
		}
		q.mu.Unlock()
		select {
		case <-q.wake:
		case <-ctx.Done():
			return nil, false
		}
	}
}

// takeExecutesBefore removes and returns the execute requests that arrived
// before t, in arrival order per client: the cells stop_on_error aborts.
func (q *requestQueue) takeExecutesBefore(t time.Time) []*wire.Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	var taken []*wire.Message
	var turns []string
	for _, c := range q.turns {
		var keep []queued
		for _, r := range q.lines[c] {
			if r.msg.Header.MsgType == "execute_request" && r.arrived.Before(t) {
				taken = append(taken, r.msg)
				q.waiting--
			} else {
				keep = append(keep, r)
			}
		}
		if len(keep) == 0 {
			delete(q.lines, c)
			continue
		}
		q.lines[c] = keep
		turns = append(turns, c)
	}
	q.turns = turns
	return taken
}

package proc

import (
	"encoding/gob"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"

	"github.com/golab-notebooks/golab/runtime/safe"
)

// Queue carries values between processes, and between a process and the
// notebook: Put in one, Get in another. Make it in the notebook with
// NewQueue and pass it to Start as an argument. Values go by gob, so they
// keep their Go types (int stays int); send plain values.
type Queue struct {
	Addr string // where the notebook's queue server listens
	ID   int

	local *safe.Queue // set in the process that made the queue
}

// hub serves the queues made in this process to child processes.
var hub struct {
	sync.Mutex
	listener net.Listener
	addr     string
	queues   map[int]*safe.Queue
}

// NewQueue makes a queue that holds any number of values.
func NewQueue() (*Queue, error) {
	hub.Lock()
	defer hub.Unlock()
	if hub.listener == nil {
		dir, err := os.MkdirTemp("", "golab-proc-")
		if err != nil {
			return nil, fmt.Errorf("proc.NewQueue: %w", err)
		}
		addr := filepath.Join(dir, "queues.sock")
		l, err := net.Listen("unix", addr)
		if err != nil {
			return nil, fmt.Errorf("proc.NewQueue: listen for child processes: %w", err)
		}
		hub.listener, hub.addr, hub.queues = l, addr, map[int]*safe.Queue{}
		go serve(l)
	}
	id := len(hub.queues) + 1
	q := safe.NewQueue(0)
	hub.queues[id] = q
	return &Queue{Addr: hub.addr, ID: id, local: q}, nil
}

// request is one queue operation sent by a child process.
type request struct {
	Op    string // "put", "get", "close"
	ID    int
	Value any
}

// reply answers a request.
type reply struct {
	Value any
	OK    bool
	Err   string
}

func serve(l net.Listener) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			var req request
			if err := gob.NewDecoder(conn).Decode(&req); err != nil {
				return
			}
			hub.Lock()
			q := hub.queues[req.ID]
			hub.Unlock()
			var rep reply
			switch {
			case q == nil:
				rep.Err = fmt.Sprintf("no queue %d", req.ID)
			case req.Op == "put":
				if err := q.PutNowait(req.Value); err != nil {
					rep.Err = err.Error()
				}
				rep.OK = rep.Err == ""
			case req.Op == "get":
				rep.Value, rep.OK = q.GetOK()
			case req.Op == "close":
				q.Close()
				rep.OK = true
			}
			_ = gob.NewEncoder(conn).Encode(rep) // a child that went away needs no answer
		}()
	}
}

func (q *Queue) call(op string, v any) (reply, error) {
	conn, err := net.Dial("unix", q.Addr)
	if err != nil {
		return reply{}, fmt.Errorf("proc.Queue: reach the notebook's queue: %w", err)
	}
	defer conn.Close()
	if err := gob.NewEncoder(conn).Encode(request{Op: op, ID: q.ID, Value: v}); err != nil {
		return reply{}, fmt.Errorf("proc.Queue: %T cannot be sent to another process: %w", v, err)
	}
	var rep reply
	if err := gob.NewDecoder(conn).Decode(&rep); err != nil {
		return reply{}, fmt.Errorf("proc.Queue: no answer from the notebook: %w", err)
	}
	if rep.Err != "" {
		return rep, errors.New("proc.Queue: " + rep.Err)
	}
	return rep, nil
}

// Put adds v to the queue. It panics if the queue is closed or v cannot be
// sent, as a send on a closed channel does.
func (q *Queue) Put(v any) {
	if q.local != nil {
		q.local.Put(v)
		return
	}
	if _, err := q.call("put", v); err != nil {
		panic(err.Error())
	}
}

// Get takes the oldest value, waiting for one; ok is false once the queue
// is closed and empty.
func (q *Queue) Get() (v any, ok bool) {
	if q.local != nil {
		return q.local.GetOK()
	}
	rep, err := q.call("get", nil)
	if err != nil {
		panic(err.Error())
	}
	return rep.Value, rep.OK
}

// Close says no more values will come.
func (q *Queue) Close() {
	if q.local != nil {
		q.local.Close()
		return
	}
	if _, err := q.call("close", nil); err != nil {
		panic(err.Error())
	}
}

package supervisor

import "fmt"

// workerState is where a worker process is in its life as the supervisor
// sees it, as net/http's ConnState is for a connection. Its exit is not a
// state but an event (process.done): a worker dies in any state, and how
// it ends is explained from the state it died in.
//
//	starting → idle ⇄ busy
//	starting, idle, busy → ending
type workerState int32

const (
	// starting: launched, not yet ready; only start sees it.
	starting workerState = iota
	// idle: ready, no request in flight. A death now is a goroutine of an
	// earlier cell's doing, which watch reports.
	idle
	// busy: a request is in flight; its caller explains a death.
	busy
	// ending: the supervisor ended it (interrupt, restart, close, a failed
	// start): nobody reports its death as a crash. It is final.
	ending
)

var stateNames = [...]string{starting: "starting", idle: "idle", busy: "busy", ending: "ending"}

func (s workerState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("workerState(%d)", int32(s))
}

// allowed reports whether a worker may move from one state to another.
func allowed(from, to workerState) bool {
	switch to {
	case idle:
		return from == starting || from == busy
	case busy:
		return from == idle
	case ending:
		return true // ending again is a no-op
	}
	return false
}

// moveTo moves the worker to state to, if its lifecycle allows that from
// where it is, and reports whether it did. It is the only way the state
// changes.
func (p *process) moveTo(to workerState) bool {
	for {
		from := workerState(p.lifecycle.Load())
		if !allowed(from, to) {
			return false
		}
		if p.lifecycle.CompareAndSwap(int32(from), int32(to)) {
			return true
		}
	}
}

// state returns where the worker is in its life.
func (p *process) state() workerState { return workerState(p.lifecycle.Load()) }

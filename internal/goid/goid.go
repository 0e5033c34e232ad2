// Package goid tells the calling goroutine's ID, as the Go runtime prints
// it in stack traces. The helpers use it to name the goroutine that waits,
// works or writes; Go offers no API for it on purpose, so it is used only
// to label pictures and reports, and to know whose turn it is in golab's
// replayable runs (kernel/interp/noise), never to change what a program
// computes.
package goid

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"

	petermattis "github.com/petermattis/goid"
)

// Current returns the calling goroutine's ID. It reads the runtime's own
// record through github.com/petermattis/goid, in about a nanosecond: a
// mutex in a cell asks it on every Lock, and reading it from the stack as
// fromStack does takes a microsecond or more (a traceback of the caller's
// stack, which in the interpreter is a dozen frames deep).
func Current() int { return int(petermattis.Get()) }

// fromStack returns the calling goroutine's ID, read from the first line of
// its stack ("goroutine 7 [running]:"): the runtime's own word, against
// which the tests check Current.
func fromStack() int {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := strings.Fields(string(buf[:n]))
	if len(f) < 2 {
		return 0
	}
	id, _ := strconv.Atoi(f[1])
	return id
}

// Goroutine is one goroutine of a stack dump.
type Goroutine struct {
	ID    int
	State string // "chan receive", "select", "sleep", "running", …
	Stack string // the frames, as runtime.Stack prints them
}

// Blocked reports whether the goroutine waits for another goroutine (a
// channel, select, lock, wait group or condition variable), as opposed to
// sleeping, waiting for I/O or a system call, or running.
func (g Goroutine) Blocked() bool {
	s := g.State
	return strings.HasPrefix(s, "chan ") || strings.HasPrefix(s, "select") ||
		strings.HasPrefix(s, "sync.") || strings.HasPrefix(s, "semacquire")
}

// All returns every goroutine of the process, from runtime.Stack.
func All() []Goroutine {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return Parse(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// Parse reads runtime.Stack's format: blocks separated by blank lines, each
// starting "goroutine 7 [chan receive, 2 minutes]:".
func Parse(dump []byte) []Goroutine {
	var out []Goroutine
	for _, block := range bytes.Split(dump, []byte("\n\n")) {
		head, rest, _ := bytes.Cut(block, []byte("\n"))
		h := string(head)
		if !strings.HasPrefix(h, "goroutine ") {
			continue
		}
		idText, state, ok := strings.Cut(strings.TrimPrefix(h, "goroutine "), " [")
		id, err := strconv.Atoi(idText)
		if !ok || err != nil {
			continue
		}
		state = strings.TrimSuffix(state, "]:")
		if i := strings.Index(state, ","); i >= 0 { // ", 2 minutes", ", locked to thread"
			state = state[:i]
		}
		out = append(out, Goroutine{ID: id, State: state, Stack: string(rest)})
	}
	return out
}

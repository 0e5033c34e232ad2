// Package worker is the process that owns the yaegi interpreter.
//
// The kernel process keeps the Jupyter sockets and starts `golab worker` as
// a child. A panic in an interpreted goroutine, concurrent map writes or an
// interpreter bug can kill the process that runs the cell; with the
// interpreter in a worker, that kills only the worker, and the kernel tells
// the learner and starts a new one.
//
// The two processes talk over two pipes (file descriptors 3 and 4 in the
// worker) with one JSON object per line: Requests go in, Events come out.
// The worker's standard output and error stay plain pipes that the kernel
// reads and streams to the notebook, so fmt, os.Stdout, child processes and
// the Go runtime's own crash report are all captured. To keep rich outputs
// in order with that text, the worker writes a sync marker to both streams
// right before each Event; the kernel publishes an Event only after it has
// read the text before its marker.
package worker

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"syscall"

	"github.com/golab-notebooks/golab/internal/inherited"
)

// Request is a message from the kernel to the worker.
type Request struct {
	ID int64  `json:"id"`
	Op string `json:"op"` // OpExecute, OpComplete, OpInspect, OpInput or OpRestore

	Code            string            `json:"code,omitempty"`
	Cursor          int               `json:"cursor,omitempty"` // byte offset in Code
	AllowStdin      bool              `json:"allow_stdin,omitempty"`
	UserExpressions map[string]string `json:"user_expressions,omitempty"`
	DetailLevel     int               `json:"detail_level,omitempty"`

	// Value is the learner's answer to an input request (OpInput).
	Value string `json:"value,omitempty"`
	// Cells are the sources of earlier successful cells whose declarations
	// a new worker restores (OpRestore).
	Cells []string `json:"cells,omitempty"`
	// Failed lists the indexes in Cells of cells that ended in an error:
	// their declarations are restored when they compile, silently when not.
	Failed []int `json:"failed,omitempty"`
}

// The request operations.
const (
	OpExecute  = "execute"
	OpComplete = "complete"
	OpInspect  = "inspect"
	OpInput    = "input"
	OpRestore  = "restore"
)

// Event is a message from the worker to the kernel.
type Event struct {
	Op  string `json:"op"` // EvReady, EvOutput, EvInputRequest or EvDone
	ID  int64  `json:"id,omitempty"`
	Seq int64  `json:"seq"` // the sync marker written just before this event

	Output *Output `json:"output,omitempty"` // EvOutput

	Prompt   string `json:"prompt,omitempty"` // EvInputRequest
	Password bool   `json:"password,omitempty"`

	// EvDone fields.
	Status          string            `json:"status,omitempty"` // "ok" or "error"
	Result          map[string]any    `json:"result,omitempty"` // execute_result data, if any
	Error           *Error            `json:"error,omitempty"`
	UserExpressions map[string]any    `json:"user_expressions,omitempty"`
	Matches         []string          `json:"matches,omitempty"`
	Kinds           map[string]string `json:"kinds,omitempty"`        // completion kind per match
	CursorStart     int               `json:"cursor_start,omitempty"` // byte offsets
	CursorEnd       int               `json:"cursor_end,omitempty"`
	Found           bool              `json:"found,omitempty"`
	Data            map[string]any    `json:"data,omitempty"` // inspect result
	Restored        []string          `json:"restored,omitempty"`
	Zeroed          []string          `json:"zeroed,omitempty"`  // vars declared again with zero values
	Skipped         []string          `json:"skipped,omitempty"` // declarations not run again, and why
	NotRestored     []string          `json:"not_restored,omitempty"`
}

// The event operations.
const (
	EvReady        = "ready"
	EvOutput       = "output"
	EvInputRequest = "input_request"
	EvDone         = "done"
)

// Output is a rich output a cell produced through the display helpers.
type Output struct {
	Kind      string         `json:"kind"` // "display", "update" or "clear"
	Data      map[string]any `json:"data,omitempty"`
	Metadata  map[string]any `json:"metadata,omitempty"`
	DisplayID string         `json:"display_id,omitempty"`
	Wait      bool           `json:"wait,omitempty"`
}

// Error is a failed cell, in the shape of a Jupyter error output.
type Error struct {
	Name      string   `json:"ename"`
	Value     string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// Markers are written into the worker's stdout and stderr. They start and
// end with a NUL byte, carry the worker's random token so a cell cannot
// forge one by accident, and have a kind and a payload:
//
//	"\x00golab:<token>:sync:<seq>\x00"        all text before it was written before event seq
//	"\x00golab:<token>:frame:<text>\x00"      a line of interpreter panic trace (stderr only)
const markerStart = "\x00golab:"

// Marker returns the marker of the given kind and payload for a worker token.
func Marker(token, kind, payload string) string {
	return markerStart + token + ":" + kind + ":" + payload + "\x00"
}

// SyncMarker returns the sync marker for event seq.
func SyncMarker(token string, seq int64) string {
	return Marker(token, "sync", strconv.FormatInt(seq, 10))
}

// MarkerPrefix returns what every marker of the worker with this token
// starts with.
func MarkerPrefix(token string) string {
	return markerStart + token + ":"
}

// String is the error's one-line form, "name: value".
func (e *Error) String() string {
	return fmt.Sprintf("%s: %s", e.Name, e.Value)
}

// AddressSpaceEnv names the environment variable that carries the
// worker's address space limit in bytes (RLIMIT_AS), set by the supervisor
// from the memory limit.
const AddressSpaceEnv = "GOLAB_WORKER_ADDRESS_SPACE"

// MaxStack is the most stack, in bytes, one goroutine of the worker may use.
const MaxStack = 256 << 20

// limitAddressSpace applies the address space limit the supervisor asks
// for. Only the soft limit is set, so child processes inherit it but may
// raise it.
func limitAddressSpace() error {
	v := os.Getenv(AddressSpaceEnv)
	if v == "" {
		return nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return fmt.Errorf("golab worker: %s=%q is not a number of bytes", AddressSpaceEnv, v)
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &lim); err != nil {
		return fmt.Errorf("golab worker: read the address space limit: %w", err)
	}
	if n < lim.Cur {
		lim.Cur = n
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &lim); err != nil {
			return fmt.Errorf("golab worker: limit the address space to %d bytes: %w", n, err)
		}
	}
	return nil
}

// TestWorkerEnv, set to "1", makes a test binary whose TestMain calls
// ServeIfTestWorker act as the kernel's worker process, so that tests can
// start supervisors with the test binary itself as the worker command.
const TestWorkerEnv = "GOLAB_TEST_WORKER"

// ServeIfTestWorker runs Main and exits when TestWorkerEnv is "1"; else it
// returns at once.
func ServeIfTestWorker() {
	if os.Getenv(TestWorkerEnv) != "1" {
		return
	}
	// The helpers' source is the repository's, as the golab binary embeds it.
	for dir, _ := os.Getwd(); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			HelperModule = os.DirFS(dir)
			break
		}
	}
	if err := Main(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Main is the body of `golab worker`: it serves requests from file
// descriptor 3 and writes events to file descriptor 4, as the supervisor
// arranges them.
func Main() error {
	token := os.Getenv("GOLAB_WORKER_TOKEN")
	if token == "" {
		return errors.New("golab worker is started by the golab kernel, not by hand (GOLAB_WORKER_TOKEN is not set)")
	}
	// The request and event pipes must not leak into the processes cells
	// start (a child that wrote to the event pipe would speak for the
	// worker), and waiting for the next request must not block in a system
	// call (see package inherited: it hung the worker).
	in, err := inherited.File(3, "requests")
	if err != nil {
		return fmt.Errorf("golab worker: %w", err)
	}
	out, err := inherited.File(4, "events")
	if err != nil {
		return fmt.Errorf("golab worker: %w", err)
	}
	if err := limitAddressSpace(); err != nil {
		return err
	}
	// A runaway recursion should end in about a second with Go's "stack
	// overflow", not grow towards Go's 1 GB default (measured: yaegi
	// frames take about 600 bytes, so 256 MiB allows a depth of ~440,000).
	debug.SetMaxStack(MaxStack)
	w, err := New(token, out)
	if err != nil {
		return err
	}
	// The worker leads its own process group (the supervisor starts it so):
	// when the kernel is gone, end the group, with the processes cells started.
	w.OnKernelGone = func() {
		_ = syscall.Kill(-os.Getpid(), syscall.SIGKILL)
		os.Exit(0)
	}
	return w.Serve(in)
}

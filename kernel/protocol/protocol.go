// Package protocol is what the kernel process and its worker process say
// to each other. It is a leaf: the Jupyter side (kernel/jupyter/supervisor,
// kernel/jupyter/server) imports it, not the worker with its interpreter.
//
// The two processes talk over two pipes (file descriptors 3 and 4 in the
// worker) with one JSON object per line: Requests go in, Events come out.
// The worker's standard output and error stay plain pipes that the kernel
// reads and streams to the notebook, so fmt, os.Stdout, child processes and
// the Go runtime's own crash report are all captured. To keep rich outputs
// in order with that text, the worker writes a sync marker to both streams
// right before each Event; the kernel publishes an Event only after it has
// read the text before its marker.
package protocol

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Request is a message from the kernel to the worker.
type Request struct {
	ID int64  `json:"id"`
	Op string `json:"op"` // OpExecute, OpComplete, OpInspect, OpIsComplete, OpInput or OpRestore

	Code            string            `json:"code,omitempty"`
	Cursor          int               `json:"cursor,omitempty"` // byte offset in Code
	AllowStdin      bool              `json:"allow_stdin,omitempty"`
	UserExpressions map[string]string `json:"user_expressions,omitempty"`
	DetailLevel     int               `json:"detail_level,omitempty"`

	// Value is the learner's answer to an input request (OpInput).
	Value string `json:"value,omitempty"`
	// Interrupted says that the input request was interrupted rather than
	// answered (OpInput): the cell ends as interrupted.
	Interrupted bool `json:"interrupted,omitempty"`
	// Cells are the notebook's journal, the replay source of each earlier
	// cell (Event.Replay), which a new worker restores (OpRestore).
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
	// OpIsComplete asks whether Code is a whole cell or needs more lines
	// (Jupyter's is_complete_request): the worker, which parses Go,
	// answers it, so that the kernel process never parses Go.
	OpIsComplete = "is_complete"
)

// Event is a message from the worker to the kernel.
type Event struct {
	Op  string `json:"op"` // EvReady, EvOutput, EvInputRequest, EvDeclared or EvDone
	ID  int64  `json:"id,omitempty"`
	Seq int64  `json:"seq"` // the sync marker written just before this event

	Output *Output `json:"output,omitempty"` // EvOutput

	Prompt   string `json:"prompt,omitempty"` // EvInputRequest
	Password bool   `json:"password,omitempty"`

	// EvDeclared fields: what the cell declares, and its entry in the
	// notebook's journal, the source a new worker or a golab/proc child
	// loads of it: its imports and declarations, and apart, its top-level
	// variables whose values call nothing, as var declarations.
	Declared   []Declaration `json:"declared,omitempty"`
	Replay     string        `json:"replay,omitempty"`
	ReplayVars string        `json:"replay_vars,omitempty"`

	// EvDone fields.
	Status          string                    `json:"status,omitempty"` // StatusOK or StatusError
	Result          map[string]any            `json:"result,omitempty"` // execute_result data, if any
	Error           *Error                    `json:"error,omitempty"`
	UserExpressions map[string]UserExpression `json:"user_expressions,omitempty"`
	Matches         []string                  `json:"matches,omitempty"`
	Kinds           map[string]string         `json:"kinds,omitempty"`        // completion kind per match
	CursorStart     int                       `json:"cursor_start,omitempty"` // byte offsets
	CursorEnd       int                       `json:"cursor_end,omitempty"`
	Found           bool                      `json:"found,omitempty"`
	Data            map[string]any            `json:"data,omitempty"`         // inspect result
	Completeness    string                    `json:"completeness,omitempty"` // OpIsComplete: "complete", "incomplete" or "invalid"
	Indent          string                    `json:"indent,omitempty"`       // OpIsComplete: the next line's indent, if incomplete
	Restored        []string                  `json:"restored,omitempty"`
	Zeroed          []string                  `json:"zeroed,omitempty"`  // vars declared again with zero values
	Skipped         []string                  `json:"skipped,omitempty"` // declarations not run again, and why
	NotRestored     []string                  `json:"not_restored,omitempty"`
}

// The status of a finished request, as Jupyter's replies say it.
const (
	StatusOK    = "ok"
	StatusError = "error"
)

// The event operations.
const (
	EvReady        = "ready"
	EvOutput       = "output"
	EvInputRequest = "input_request"
	EvDone         = "done"
	// EvDeclared says what the running cell declares and what of it a new
	// worker replays, sent once its code is parsed and before it runs: the
	// kernel keeps it in the notebook's journal, and names the cell's
	// functions when a crash ends the worker midway, without parsing Go.
	EvDeclared = "declared"
)

// Declaration is one top-level name a cell declares.
type Declaration struct {
	Kind string `json:"kind"` // "func", "method", "type", "var" or "const"
	Name string `json:"name"` // for a method, "Receiver.Method"
	Line int    `json:"line"` // the cell line where it starts
	// CallsItself is set for a function that names itself in its body:
	// the usual cause of a stack overflow.
	CallsItself bool `json:"calls_itself,omitempty"`
}

// UserExpression is the value of one of an execute request's
// user_expressions, in the shape of Jupyter's execute_reply: the value's
// data when Status is StatusOK, the error fields otherwise.
type UserExpression struct {
	Status    string         `json:"status"`
	Data      map[string]any `json:"data,omitempty"`
	Metadata  map[string]any `json:"metadata,omitempty"`
	Name      string         `json:"ename,omitempty"`
	Value     string         `json:"evalue,omitempty"`
	Traceback []string       `json:"traceback,omitempty"`
}

// MarshalJSON writes the fields of the entry's status only: data and
// metadata (an object even when empty) for StatusOK, the error fields
// otherwise, as ipykernel does.
func (u UserExpression) MarshalJSON() ([]byte, error) {
	if u.Status == StatusOK {
		if u.Metadata == nil {
			u.Metadata = map[string]any{}
		}
		return json.Marshal(struct {
			Status   string         `json:"status"`
			Data     map[string]any `json:"data"`
			Metadata map[string]any `json:"metadata"`
		}{u.Status, u.Data, u.Metadata})
	}
	return json.Marshal(struct {
		Status    string   `json:"status"`
		Name      string   `json:"ename"`
		Value     string   `json:"evalue"`
		Traceback []string `json:"traceback"`
	}{u.Status, u.Name, u.Value, u.Traceback})
}

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
//	"\x00golab:<token>:frame:<json>\x00"      a frame of an interpreter panic (failure.Frame; stderr only)
//	"\x00golab:<token>:failure:<json>\x00"    the worker's account of why it ends (an Error; stderr only)
//	"\x00golab:<token>:stuck:<json>\x00"      the goroutines an interrupt could not stop (an Error; stderr only)
const markerStart = "\x00golab:"

// The kinds of marker that carry a failure's facts on stderr, written
// there because the worker may be about to end: the kernel reads them
// when it explains the end.
const (
	FrameMarker   = "frame"
	FailureMarker = "failure"
	// StuckMarker carries the worker's account of the goroutines an
	// interrupt could not stop, which the kernel gives if it must end the
	// worker for them (and forgets if the cell ends after all).
	StuckMarker = "stuck"
)

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

// ChangedDefinition is the name of the error a cell ends with when it
// changes a type or method an earlier cell defined: the supervisor answers
// it by restoring the earlier cells into a fresh worker with the new
// definition (see Request.Cells) and running the cell again.
const ChangedDefinition = "changed definition"

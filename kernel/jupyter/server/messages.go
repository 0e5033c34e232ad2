package server

import (
	"github.com/golab-notebooks/golab/kernel/jupyter/spec"
	"github.com/golab-notebooks/golab/kernel/protocol"
)

// The contents of the messages the kernel sends, typed after Jupyter's
// messaging protocol (version 5.3). Each field's JSON name is the
// protocol's; a field the protocol makes optional is omitted when empty.

// The execution states a status message announces on iopub.
const (
	stateStarting = "starting"
	stateBusy     = "busy"
	stateIdle     = "idle"
)

// The status of a reply; "ok" and "error" are protocol.StatusOK and
// protocol.StatusError, which the worker and the supervisor use too.
const statusAborted = "aborted"

// statusContent is an iopub status message.
type statusContent struct {
	ExecutionState string `json:"execution_state"`
}

// kernelInfoReply answers kernel_info_request.
type kernelInfoReply struct {
	Status                string            `json:"status"`
	ProtocolVersion       string            `json:"protocol_version"`
	Implementation        string            `json:"implementation"`
	ImplementationVersion string            `json:"implementation_version"`
	LanguageInfo          spec.LanguageInfo `json:"language_info"`
	Banner                string            `json:"banner"`
	HelpLinks             []helpLink        `json:"help_links"`
	Debugger              bool              `json:"debugger"`
}

type helpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// executeReply answers execute_request; the error fields are set when
// Status is "error".
type executeReply struct {
	Status          string                             `json:"status"`
	ExecutionCount  int                                `json:"execution_count"`
	UserExpressions map[string]protocol.UserExpression `json:"user_expressions"`
	Payload         []any                              `json:"payload"`
	*errorFields
}

// noExpressions is the user_expressions of a reply to a request that
// asked for none, or that did not run: an empty object, never null.
var noExpressions = map[string]protocol.UserExpression{}

// errorFields are the fields of an error reply: all three are sent, as
// the protocol requires, and absent from a reply that is not an error.
type errorFields struct {
	Name      string   `json:"ename"`
	Value     string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// errorOf makes the fields of an error reply; a missing traceback is an
// empty list, never null.
func errorOf(name, value string, traceback []string) *errorFields {
	if traceback == nil {
		traceback = []string{}
	}
	return &errorFields{Name: name, Value: value, Traceback: traceback}
}

// errorReply answers a request golab cannot serve.
type errorReply struct {
	Status string `json:"status"`
	*errorFields
}

// errorContent is an iopub error message: a cell's failure.
type errorContent errorFields

// pagePayload shows a help query's answer in the front end's pager.
type pagePayload struct {
	Source string         `json:"source"` // "page"
	Data   map[string]any `json:"data"`
	Start  int            `json:"start"`
}

// executeInput re-broadcasts a cell's code on iopub.
type executeInput struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
}

// executeResult is a cell's trailing value.
type executeResult struct {
	ExecutionCount int            `json:"execution_count"`
	Data           map[string]any `json:"data"`
	Metadata       map[string]any `json:"metadata"`
}

// streamContent is text a cell wrote to stdout or stderr.
type streamContent struct {
	Name string `json:"name"` // "stdout" or "stderr"
	Text string `json:"text"`
}

// displayContent is display_data and update_display_data.
type displayContent struct {
	Data      map[string]any `json:"data"`
	Metadata  map[string]any `json:"metadata"`
	Transient map[string]any `json:"transient"`
}

// clearOutput clears the cell's output area.
type clearOutput struct {
	Wait bool `json:"wait"`
}

// inputRequest asks the front end for a line of input, on stdin.
type inputRequest struct {
	Prompt   string `json:"prompt"`
	Password bool   `json:"password"`
}

// completeReply answers complete_request. Cursor positions count
// characters, not bytes.
type completeReply struct {
	Status      string           `json:"status"`
	Matches     []string         `json:"matches"`
	CursorStart int              `json:"cursor_start"`
	CursorEnd   int              `json:"cursor_end"`
	Metadata    completeMetadata `json:"metadata"`
}

// completeMetadata carries JupyterLab's (experimental) kind of each match,
// from which it shows an icon.
type completeMetadata struct {
	Types []completionType `json:"_jupyter_types_experimental"`
}

type completionType struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
	Type  string `json:"type"`
}

// inspectReply answers inspect_request.
type inspectReply struct {
	Status   string         `json:"status"`
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}

// isCompleteReply answers is_complete_request; Indent is sent only with
// "incomplete", as the protocol says.
type isCompleteReply struct {
	Status string  `json:"status"`
	Indent *string `json:"indent,omitempty"`
}

// historyReply answers history_request: each entry is [session, line,
// input] or [session, line, [input, output]].
type historyReply struct {
	Status  string `json:"status"`
	History []any  `json:"history"`
}

// commInfoReply answers comm_info_request: golab has no comms.
type commInfoReply struct {
	Status string         `json:"status"`
	Comms  map[string]any `json:"comms"`
}

// commClose closes a comm a front end opened.
type commClose struct {
	CommID string         `json:"comm_id"`
	Data   map[string]any `json:"data"`
}

// interruptReply answers interrupt_request.
type interruptReply struct {
	Status string `json:"status"`
}

// shutdownReply answers shutdown_request.
type shutdownReply struct {
	Status  string `json:"status"`
	Restart bool   `json:"restart"`
}

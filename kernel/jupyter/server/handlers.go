package server

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golab-notebooks/golab/kernel/jupyter/spec"
	"github.com/golab-notebooks/golab/kernel/jupyter/supervisor"
	"github.com/golab-notebooks/golab/kernel/jupyter/wire"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// handleRequest answers one shell or control request between a busy and an
// idle status, as Jupyter clients expect for every request.
func (k *Kernel) handleRequest(s *socket, msg *wire.Message) {
	k.publish("status", msg, statusContent{ExecutionState: stateBusy})
	defer k.publish("status", msg, statusContent{ExecutionState: stateIdle})
	t := msg.Header.MsgType
	switch t {
	case "kernel_info_request":
		k.reply(s, msg, "kernel_info_reply", k.kernelInfo())
	case "execute_request":
		k.execute(s, msg)
	case "complete_request":
		k.complete(s, msg)
	case "inspect_request":
		k.inspect(s, msg)
	case "is_complete_request":
		k.isComplete(s, msg)
	case "history_request":
		k.historyRequest(s, msg)
	case "comm_info_request":
		k.reply(s, msg, "comm_info_reply", commInfoReply{Status: protocol.StatusOK, Comms: map[string]any{}})
	case "comm_open":
		// golab has no comm targets: close the comm so the front end knows.
		var c struct {
			CommID string `json:"comm_id"`
		}
		if err := msg.DecodeContent(&c); err == nil {
			k.publish("comm_close", msg, commClose{CommID: c.CommID, Data: map[string]any{}})
		}
	case "comm_msg", "comm_close":
		// No comms are open: nothing to do.
	case "interrupt_request":
		k.interrupt()
		k.reply(s, msg, "interrupt_reply", interruptReply{Status: protocol.StatusOK})
	case "shutdown_request":
		var c struct {
			Restart bool `json:"restart"`
		}
		if err := msg.DecodeContent(&c); err != nil {
			k.log.Printf("%v", err)
		}
		k.reply(s, msg, "shutdown_reply", shutdownReply{Status: protocol.StatusOK, Restart: c.Restart})
		k.publish("status", msg, statusContent{ExecutionState: stateIdle})
		go func() {
			// Let the reply and the status leave before the sockets close.
			time.Sleep(50 * time.Millisecond)
			k.shutdown(c.Restart)
		}()
	default:
		k.log.Printf("unknown message type %q on %s: answered with busy and idle only", t, s.name)
		if strings.HasSuffix(t, "_request") {
			why := fmt.Sprintf("golab does not handle %q", t)
			k.reply(s, msg, strings.TrimSuffix(t, "_request")+"_reply", errorReply{Status: protocol.StatusError,
				errorFields: errorOf("UnknownMessageType", why, []string{why})})
		}
	}
}

func (k *Kernel) kernelInfo() kernelInfoReply {
	return kernelInfoReply{
		Status:                protocol.StatusOK,
		ProtocolVersion:       "5.3",
		Implementation:        "golab",
		ImplementationVersion: Version,
		LanguageInfo:          spec.Language(),
		Banner:                "golab " + Version + " — Go cells for learning concurrency, interpreted by yaegi",
		HelpLinks: []helpLink{
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "Go standard library", URL: "https://pkg.go.dev/std"},
			{Text: "golab", URL: "https://github.com/golab-notebooks/golab"},
		},
	}
}

type executeRequest struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    *bool             `json:"store_history"`
	UserExpressions map[string]string `json:"user_expressions"`
	AllowStdin      *bool             `json:"allow_stdin"`
	StopOnError     *bool             `json:"stop_on_error"`
}

func orDefault(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

func (k *Kernel) execute(s *socket, msg *wire.Message) {
	var req executeRequest
	if err := msg.DecodeContent(&req); err != nil {
		k.reply(s, msg, "execute_reply", executeReply{Status: protocol.StatusError, ExecutionCount: k.count(), UserExpressions: noExpressions, Payload: []any{},
			errorFields: errorOf("BadRequest", err.Error(), []string{err.Error()})})
		return
	}
	if name, ok := helpQuery(req.Code); ok {
		k.page(s, msg, name)
		return
	}
	store := orDefault(req.StoreHistory, !req.Silent) && !req.Silent
	k.mu.Lock()
	if store {
		k.executionCount++
	}
	count := k.executionCount
	k.mu.Unlock()
	if !req.Silent {
		k.publish("execute_input", msg, executeInput{Code: req.Code, ExecutionCount: count})
	}

	sink := k.sinkFor(msg, req.Silent, orDefault(req.AllowStdin, true))
	res := k.sup.Execute(req.Code, orDefault(req.AllowStdin, true), req.UserExpressions, sink)

	if store {
		entry := historyEntry{line: count, input: req.Code}
		if t, ok := res.Data["text/plain"].(string); ok {
			entry.output = t
		}
		k.remember(entry)
	}
	if res.UserExpressions == nil {
		res.UserExpressions = noExpressions
	}
	reply := executeReply{Status: res.Status, ExecutionCount: count, UserExpressions: res.UserExpressions, Payload: []any{}}
	switch res.Status {
	case protocol.StatusOK:
		if len(res.Data) > 0 && !req.Silent {
			k.publish("execute_result", msg, executeResult{ExecutionCount: count, Data: res.Data, Metadata: map[string]any{}})
		}
	case protocol.StatusError:
		e := res.Error
		if !req.Silent {
			k.publish("error", msg, errorContent(*errorOf(e.Name, e.Value, e.Traceback)))
		}
		reply.errorFields = errorOf(e.Name, e.Value, e.Traceback)
	}
	failedAt := time.Now()
	k.reply(s, msg, "execute_reply", reply)
	// As ipykernel: a silent cell (a front end's own probe) that fails
	// does not abort the learner's queued cells.
	if res.Status == protocol.StatusError && !req.Silent && orDefault(req.StopOnError, true) {
		k.abortQueued(failedAt)
	}
}

// helpPattern matches a help query cell: "?name", "name?" or "??name".
var helpPattern = regexp.MustCompile(`^\s*(?:\?{1,2}\s*([\pL_][\pL\pN_.]*)|([\pL_][\pL\pN_.]*)\s*\?{1,2})\s*$`)

// helpQuery reports whether a cell only asks for help on a name.
func helpQuery(code string) (string, bool) {
	m := helpPattern.FindStringSubmatch(code)
	if m == nil {
		return "", false
	}
	return m[1] + m[2], true
}

// page answers a help query with the name's documentation in the pager,
// as IPython's "?" does.
func (k *Kernel) page(s *socket, msg *wire.Message, name string) {
	found, data := k.sup.Inspect(name, len(name), 1)
	reply := executeReply{Status: protocol.StatusOK, ExecutionCount: k.count(), UserExpressions: noExpressions, Payload: []any{}}
	if !found {
		k.publish("stream", msg, streamContent{Name: "stderr", Text: fmt.Sprintf("no documentation found for %s\n", name)})
	} else {
		reply.Payload = []any{pagePayload{Source: "page", Data: data}}
	}
	k.reply(s, msg, "execute_reply", reply)
}

// abortQueued answers the execute requests that were already waiting when
// a cell failed (its reply went out at failedAt) with status "aborted", as
// Jupyter's stop_on_error asks. A request that arrives after the reply
// runs: its client sent it knowing the cell had failed.
func (k *Kernel) abortQueued(failedAt time.Time) {
	for _, m := range k.shellQueue.takeExecutesBefore(failedAt) {
		k.publish("status", m, statusContent{ExecutionState: stateBusy})
		k.reply(k.shell, m, "execute_reply", executeReply{Status: statusAborted, ExecutionCount: k.count(), UserExpressions: noExpressions, Payload: []any{}})
		k.publish("status", m, statusContent{ExecutionState: stateIdle})
	}
}

func (k *Kernel) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.executionCount
}

// sinkFor publishes a cell's outputs on iopub with the request as parent.
func (k *Kernel) sinkFor(request *wire.Message, silent, allowStdin bool) *supervisor.Sink {
	parent := request.AsParent()
	sink := &supervisor.Sink{
		Stream: func(name, text string) {
			if !silent {
				k.publish("stream", parent, streamContent{Name: name, Text: text})
			}
		},
		Display: func(o protocol.Output) {
			if silent {
				return
			}
			k.publishDisplay(parent, o)
		},
	}
	if allowStdin {
		sink.Input = func(prompt string, password bool) (string, error) {
			return k.askInput(parent, prompt, password)
		}
	}
	return sink
}

func (k *Kernel) publishDisplay(parent *wire.Message, o protocol.Output) {
	meta := o.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	transient := map[string]any{}
	if o.DisplayID != "" {
		transient["display_id"] = o.DisplayID
	}
	switch o.Kind {
	case "clear":
		k.publish("clear_output", parent, clearOutput{Wait: o.Wait})
	case "update":
		k.publish("update_display_data", parent, displayContent{Data: o.Data, Metadata: meta, Transient: transient})
	default:
		k.publish("display_data", parent, displayContent{Data: o.Data, Metadata: meta, Transient: transient})
	}
}

// askInput sends an input_request on stdin and waits for the answer, or
// for an interrupt.
func (k *Kernel) askInput(parent *wire.Message, prompt string, password bool) (string, error) {
	p := &pendingInput{reply: make(chan *wire.Message, 1), cancel: make(chan struct{})}
	k.mu.Lock()
	k.input = p
	k.mu.Unlock()
	k.reply(k.stdin, parent, "input_request", inputRequest{Prompt: prompt, Password: password})
	select {
	case reply := <-p.reply:
		var c struct {
			Value string `json:"value"`
		}
		if err := reply.DecodeContent(&c); err != nil {
			return "", err
		}
		return c.Value, nil
	case <-p.cancel:
		return "", errors.New("input request interrupted")
	}
}

// byteOffset and charOffset convert between Jupyter's cursor positions, counted in
// characters, and byte offsets; out-of-range positions are clamped.
func byteOffset(code string, chars int) int {
	if chars <= 0 {
		return 0
	}
	i := 0
	for n := 0; n < chars && i < len(code); n++ {
		_, size := utf8.DecodeRuneInString(code[i:])
		i += size
	}
	return i
}

func charOffset(code string, bytes int) int {
	bytes = max(0, min(bytes, len(code)))
	return utf8.RuneCountInString(code[:bytes])
}

func (k *Kernel) complete(s *socket, msg *wire.Message) {
	var c struct {
		Code      string `json:"code"`
		CursorPos *int   `json:"cursor_pos"`
	}
	if err := msg.DecodeContent(&c); err != nil {
		k.log.Printf("%v", err)
	}
	cursor := len(c.Code)
	if c.CursorPos != nil {
		cursor = byteOffset(c.Code, *c.CursorPos)
	}
	matches, kinds, start, end := k.sup.Complete(c.Code, cursor)
	if matches == nil {
		matches = []string{}
	}
	cs, ce := charOffset(c.Code, start), charOffset(c.Code, end)
	// JupyterLab shows an icon per match from this (experimental) metadata.
	types := make([]completionType, 0, len(matches))
	for _, m := range matches {
		types = append(types, completionType{Start: cs, End: ce, Text: m, Type: kinds[m]})
	}
	k.reply(s, msg, "complete_reply", completeReply{
		Status: protocol.StatusOK, Matches: matches, CursorStart: cs, CursorEnd: ce,
		Metadata: completeMetadata{Types: types},
	})
}

func (k *Kernel) inspect(s *socket, msg *wire.Message) {
	var c struct {
		Code        string `json:"code"`
		CursorPos   int    `json:"cursor_pos"`
		DetailLevel int    `json:"detail_level"`
	}
	if err := msg.DecodeContent(&c); err != nil {
		k.log.Printf("%v", err)
	}
	found, data := k.sup.Inspect(c.Code, byteOffset(c.Code, c.CursorPos), c.DetailLevel)
	if data == nil {
		data = map[string]any{}
	}
	k.reply(s, msg, "inspect_reply", inspectReply{Status: protocol.StatusOK, Found: found, Data: data, Metadata: map[string]any{}})
}

func (k *Kernel) isComplete(s *socket, msg *wire.Message) {
	var c struct {
		Code string `json:"code"`
	}
	if err := msg.DecodeContent(&c); err != nil {
		k.log.Printf("%v", err)
	}
	status, indent := k.sup.IsComplete(c.Code)
	reply := isCompleteReply{Status: status}
	if status == "incomplete" {
		reply.Indent = &indent
	}
	k.reply(s, msg, "is_complete_reply", reply)
}

type historyRequest struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           *int   `json:"stop"`
	N              int    `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// historyRequest answers from this kernel session's history: session 1 is
// the current session (and 0 or a negative number name it too).
func (k *Kernel) historyRequest(s *socket, msg *wire.Message) {
	var h historyRequest
	if err := msg.DecodeContent(&h); err != nil {
		k.log.Printf("%v", err)
	}
	k.mu.Lock()
	entries := append([]historyEntry(nil), k.history...)
	k.mu.Unlock()

	var picked []historyEntry
	switch h.HistAccessType {
	case "tail":
		n := h.N
		if n <= 0 || n > len(entries) {
			n = len(entries)
		}
		picked = entries[len(entries)-n:]
	case "range":
		if h.Session > 1 {
			break // only the current session is kept
		}
		for _, e := range entries {
			if e.line >= h.Start && (h.Stop == nil || e.line < *h.Stop) {
				picked = append(picked, e)
			}
		}
	case "search":
		pattern := h.Pattern
		if pattern == "" {
			pattern = "*"
		}
		seen := map[string]bool{}
		for i := len(entries) - 1; i >= 0; i-- {
			e := entries[i]
			if ok, _ := path.Match(pattern, e.input); !ok && !globContains(pattern, e.input) {
				continue
			}
			if h.Unique && seen[e.input] {
				continue
			}
			seen[e.input] = true
			picked = append([]historyEntry{e}, picked...)
			if h.N > 0 && len(picked) >= h.N {
				break
			}
		}
	}
	out := make([]any, 0, len(picked))
	for _, e := range picked {
		if h.Output {
			out = append(out, []any{1, e.line, []any{e.input, e.output}})
		} else {
			out = append(out, []any{1, e.line, e.input})
		}
	}
	k.reply(s, msg, "history_reply", historyReply{Status: protocol.StatusOK, History: out})
}

// globContains matches a shell-style pattern against text that may span
// lines, where path.Match's * stops at '/'.
func globContains(pattern, text string) bool {
	parts := strings.Split(pattern, "*")
	rest := text
	for i, p := range parts {
		j := strings.Index(rest, p)
		if j < 0 || (i == 0 && j != 0 && !strings.HasPrefix(pattern, "*")) {
			return false
		}
		rest = rest[j+len(p):]
	}
	return strings.HasSuffix(pattern, "*") || rest == ""
}

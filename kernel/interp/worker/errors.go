package worker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/cell"
	"github.com/golab-notebooks/golab/kernel/interp/stop"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// positioned matches an interpreter message that starts with a position:
// "_.go:3:5: msg" from the parser, "3:5: msg" from the compiler.
var positioned = regexp.MustCompile(`^(?:[^\s:]*\.go:)?(\d+):(\d+): ((?s).*)$`)

// panicFrame matches the line yaegi prints for each interpreted frame a
// panic unwinds through: "3:5: panic: main.f(...)".
var panicFrame = regexp.MustCompile(`^(\d+):(\d+): panic(?:: (.*))?$`)

// syntaxError describes a cell that does not parse.
func syntaxError(err error, src string) *protocol.Error {
	var list cell.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		return &protocol.Error{Name: "syntax error", Value: err.Error(), Traceback: []string{err.Error()}}
	}
	first := list[0]
	tb := []string{failure.Red("syntax error") + fmt.Sprintf(" at cell line %d, column %d: %s", first.Line, first.Column, first.Msg)}
	tb = append(tb, failure.SourceContext(src, first.Line, first.Column)...)
	for _, e := range list[1:] {
		tb = append(tb, fmt.Sprintf("also at line %d, column %d: %s", e.Line, e.Column, e.Msg))
	}
	return &protocol.Error{Name: "syntax error", Value: fmt.Sprintf("line %d:%d: %s", first.Line, first.Column, first.Msg), Traceback: tb}
}

// describe turns an interpreter error into an error output that points at
// the cell's own lines.
func (w *Worker) describe(err error, src string) *protocol.Error {
	var p interp.Panic
	if errors.As(err, &p) && stop.Is(p.Value) {
		return w.interrupted()
	}
	if errors.As(err, &p) {
		name := "panic"
		if _, ok := p.Value.(runtime.Error); ok {
			name = "runtime error"
		}
		value := fmt.Sprint(p.Value)
		if e, ok := p.Value.(error); ok {
			value = e.Error()
		}
		if plain, ok := failure.GoPanicText(value); ok {
			name, value = "runtime error", plain
		}
		tb := []string{failure.Red("panic: ") + value}
		var frames []failure.Frame
		for _, f := range w.frames.take() {
			frames = append(frames, failure.Frame{Line: f.line, Col: f.col, Func: f.function()})
		}
		frames = cell.RefineFrames(frames, src, name == "panic", value)
		if lines, ok := w.compiledFrames(p.Value); ok {
			// It panicked in compiled code: where, in its own cell,
			// then the interpreted callers (not the wrappers).
			tb = append(tb, lines...)
			kept := frames[:0]
			for _, f := range frames {
				if !w.isCompiledWrapper(f) {
					kept = append(kept, f)
				}
			}
			for _, f := range kept {
				tb = append(tb, f.String())
			}
			return &protocol.Error{Name: name, Value: value, Traceback: tb}
		}
		for i, f := range frames {
			tb = append(tb, f.String())
			if i == 0 {
				tb = append(tb, failure.SourceContext(src, f.Line, f.Col)...)
			}
		}
		if value == "send on closed channel" {
			// yaegi names where the channel was made; Go names the send.
			if sends := sendLines(src); len(sends) > 0 {
				tb = append([]string{tb[0]}, sends...)
			}
		}
		return &protocol.Error{Name: name, Value: value, Traceback: tb}
	}
	msg := strings.TrimSpace(err.Error())
	if m := positioned.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		col = w.frames.column(line, col)
		text := strings.TrimSpace(m[3])
		text = failure.CompilerWords(text, src, line, col)
		if line > strings.Count(src, "\n")+1 {
			// Past the cell's end: a line of a generic library function's
			// source that the interpreter instantiated for this cell.
			tb := []string{failure.Red("error") + " in a generic function of the library, instantiated for this cell: " + text,
				"The interpreter (yaegi) cannot instantiate it for these arguments (maps.Clone and functions with a type",
				"parameter constrained by ~map[K]V or ~[]E are known cases). Write the loop yourself, or put the code in a",
				"whole program (package main with func main), which golab compiles."}
			return &protocol.Error{Name: "error", Value: "in a generic library function: " + text, Traceback: tb}
		}
		tb := []string{failure.Red("error") + fmt.Sprintf(" at cell line %d, column %d: %s", line, col, text)}
		tb = append(tb, failure.SourceContext(src, line, col)...)
		return &protocol.Error{Name: "error", Value: fmt.Sprintf("line %d:%d: %s", line, col, text), Traceback: tb}
	}
	return &protocol.Error{Name: "error", Value: msg, Traceback: []string{failure.Red("error: ") + msg}}
}

// interrupted is the end of a cell an interrupt stopped at a safe point.
func (w *Worker) interrupted() *protocol.Error {
	at := ""
	if frames := w.frames.take(); len(frames) > 0 {
		at = fmt.Sprintf(" at cell line %d", frames[0].line)
		if fn := frames[0].function(); fn != "" && fn != "main" && !strings.HasPrefix(fn, "func") {
			at += " (in " + fn + ")" // a function, maybe of an earlier cell, or a %compile'd one
		}
	}
	return failure.New("interrupted", "the cell was stopped", []string{
		failure.Red("Interrupted:") + " the cell was stopped" + at + ", with the goroutines it started; the notebook's variables are kept.",
	})
}

// sendLines points at the cell's channel sends.
func sendLines(src string) []string {
	var out []string
	for _, w := range cell.Waits(src) {
		if w.Kind == "send" {
			out = append(out, fmt.Sprintf("  at cell line %d (a send)", w.Line))
			out = append(out, failure.SourceContext(src, w.Line, 0)...)
		}
	}
	return out
}

// frame is one interpreted frame of a panic.
type frame struct {
	line, col int
	fn        string
}

// function is the name of the frame's function as the cell wrote it
// ("main" for the renamed main, "func1…" for a literal).
func (f frame) function() string {
	fn := strings.TrimPrefix(strings.TrimSuffix(f.fn, "(...)"), "main.")
	if fn == cell.MainFunc {
		fn = "main"
	}
	return fn
}

// frameSniffer is the interpreter's Stderr. It passes text through to the
// real standard error, except yaegi's panic frame lines: those it keeps
// for the cell's error message, and forwards as markers so the kernel can
// name the cell line when a goroutine's panic kills the worker.
type frameSniffer struct {
	token string
	dst   io.Writer
	// quiet drops the frame lines instead of marking them for the kernel
	// (a golab/proc child has no kernel reading its markers).
	quiet bool

	mu     sync.Mutex
	frames []frame
	shift  int // columns yaegi added to line 1 of the source it runs
}

func (s *frameSniffer) setShift(n int) {
	s.mu.Lock()
	s.shift = n
	s.mu.Unlock()
}

// column converts a column yaegi reported to a column in the cell.
func (s *frameSniffer) column(line, col int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if line == 1 && col > s.shift {
		return col - s.shift
	}
	return col
}

// Write passes text on, keeping panic frame lines aside.
func (s *frameSniffer) Write(p []byte) (int, error) {
	line := strings.TrimSpace(string(p))
	if m := panicFrame.FindStringSubmatch(line); m != nil && !strings.Contains(line, "\n") {
		if (frame{fn: m[3]}).function() == cell.UnwindFunc {
			return len(p), nil // the safe point's own call, in the Prelude
		}
		l, _ := strconv.Atoi(m[1])
		c := s.column(l, atoi(m[2]))
		s.mu.Lock()
		s.frames = append(s.frames, frame{line: l, col: c, fn: m[3]})
		s.mu.Unlock()
		if s.quiet {
			return len(p), nil
		}
		fixed, _ := json.Marshal(failure.Frame{Line: l, Col: c, Func: frame{fn: m[3]}.function()})
		if _, err := io.WriteString(s.dst, protocol.Marker(s.token, protocol.FrameMarker, string(fixed))); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return s.dst.Write(p)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func (s *frameSniffer) reset() {
	s.mu.Lock()
	s.frames = nil
	s.mu.Unlock()
}

func (s *frameSniffer) take() []frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.frames
	s.frames = nil
	return f
}

// Package failure turns what went wrong in a cell into the learner's
// words, for both of golab's processes: the worker for what it sees (a
// panic, a compile error, a deadlock) and the kernel process for how a
// worker ended (a crash report, its memory, a signal, an exit). The facts
// come in as data (frames with cell lines and columns, declarations,
// memory figures, the lines of a report) and the words go out as a
// protocol.Error, so that the same fact is said the same way whichever
// process saw it. Nothing here parses Go: the kernel process imports it.
package failure

import (
	"fmt"
	"strings"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// Red colours a traceback's heading as Jupyter front ends show errors.
func Red(s string) string { return "\x1b[31m" + s + "\x1b[0m" }

// New makes the error output for a failure: a name ("panic", "out of
// memory"), the one-line value front ends show, and the traceback lines
// (the name and value alone when tb is empty).
func New(name, value string, tb []string) *protocol.Error {
	if len(tb) == 0 {
		tb = []string{name + ": " + value}
	}
	return &protocol.Error{Name: name, Value: value, Traceback: tb}
}

// Frame is one place a panic went through, in the cell's terms. The
// worker sends the frames of a goroutine's panic to the kernel (in a
// marker, as JSON) before the panic ends the worker.
type Frame struct {
	Line int `json:"line"` // the cell line
	Col  int `json:"col"`  // the column, 0 when unknown
	// Func is the function as the cell wrote it: "" or "main" for the
	// cell's own statements, "func1"… for a function literal.
	Func string `json:"func,omitempty"`
	// GoStatement marks the go statement that started the goroutine that
	// panicked (at Line of the cell that ran, or of an earlier cell).
	GoStatement bool `json:"go_statement,omitempty"`
	ThisCell    bool `json:"this_cell,omitempty"`
}

// String says where the frame is, as a traceback line.
func (f Frame) String() string {
	if f.GoStatement {
		if f.ThisCell {
			return fmt.Sprintf("  in the goroutine started at cell line %d", f.Line)
		}
		return fmt.Sprintf("  in the goroutine started at line %d of an earlier cell", f.Line)
	}
	at := fmt.Sprintf("  at cell line %d", f.Line)
	if f.Col > 0 {
		at += fmt.Sprintf(", column %d", f.Col)
	}
	switch {
	case f.Func == "" || f.Func == "main":
		return at
	case strings.HasPrefix(f.Func, "func"):
		return at + " (in a function literal)"
	}
	return at + " (in " + f.Func + ")"
}

// SourceContext returns a cell's line (1-based) and a caret under column
// col (none when col is 0), indented for a traceback.
func SourceContext(src string, line, col int) []string {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) {
		return nil
	}
	text := strings.ReplaceAll(lines[line-1], "\t", "    ")
	out := []string{"    " + text}
	if col > 0 {
		// Columns count bytes; tabs were widened above.
		raw := lines[line-1]
		if col-1 <= len(raw) {
			prefix := strings.ReplaceAll(raw[:col-1], "\t", "    ")
			out = append(out, "    "+strings.Repeat(" ", len([]rune(prefix)))+"^")
		}
	}
	return out
}

// Mentions points at the cell lines that contain one of the needles (a
// call of os.Exit, say), as traceback lines.
func Mentions(code string, needles ...string) []string {
	var out []string
	for i, line := range strings.Split(code, "\n") {
		for _, n := range needles {
			if strings.Contains(line, n) {
				out = append(out, fmt.Sprintf("  at cell line %d: %s", i+1, strings.TrimSpace(line)))
				break
			}
		}
	}
	return out
}

// reflectPanics are panics yaegi raises through the reflect package, with
// the runtime errors compiled Go reports for them.
var reflectPanics = map[string]string{
	"reflect: slice index out of range":                      "runtime error: index out of range",
	"reflect: array index out of range":                      "runtime error: index out of range",
	"reflect: string index out of range":                     "runtime error: index out of range",
	"reflect: call of reflect.Value.Elem on zero Value":      "runtime error: invalid memory address or nil pointer dereference",
	"reflect: call of reflect.Value.Field on zero Value":     "runtime error: invalid memory address or nil pointer dereference",
	"reflect: call of reflect.Value.Set on zero Value":       "runtime error: invalid memory address or nil pointer dereference",
	"reflect: call of reflect.Value.Interface on zero Value": "runtime error: invalid memory address or nil pointer dereference",
	"reflect.Value.Slice: slice index out of bounds":         "runtime error: slice bounds out of range",
	"assignment to entry in nil map":                         "assignment to entry in nil map",
}

// GoPanicText returns the panic value compiled Go would report for one
// the interpreter raised (yaegi's reflect wording for a nil pointer, an
// index out of range, …), and whether value is one of those.
func GoPanicText(value string) (string, bool) {
	plain, ok := reflectPanics[value]
	return plain, ok
}

// Deadlock is Go's fatal error for a program whose goroutines all wait,
// with report's lines (which goroutine waits on what, at which cell line)
// and what to look for.
func Deadlock(report []string) *protocol.Error {
	const value = "all goroutines are asleep - deadlock!"
	tb := append([]string{Red("fatal error:") + " " + value}, report...)
	tb = append(tb, "Every goroutine waits for another one, so none can ever go on. Go stops such a program;",
		"golab stopped the cell. Look for a send nobody receives, a lock never unlocked, or a Done never called.")
	return New("fatal error", value, tb)
}

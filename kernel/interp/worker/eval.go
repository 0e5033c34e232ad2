package worker

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/cell"
	"github.com/golab-notebooks/golab/kernel/protocol"
	"github.com/traefik/yaegi/interp"
)

// Evaluating the pieces of a cell with the interpreter, and what a cell's own
// return, panic and recover do.

// recoverCell is recover() in a function deferred among a cell's own
// statements: while the deferred calls run after the cell's code panicked,
// the first call takes the panic value (and the cell ends without error,
// as a function whose deferred call recovers returns normally); otherwise
// it is what the interpreter's recover gave.
func (w *Worker) recoverCell(v any) any {
	if v != nil || !w.recovering || w.recovered {
		return v
	}
	w.recovered = true
	return w.types.Recovered(w.panicked)
}

// cellReturned is what a return among a cell's own statements panics with
// (the top-level-return rewrite): the cell's statements end there, as a
// function body's do, and the cell succeeds.
var cellReturned = &struct{ name string }{"return"}

// errReturned is eval's answer for a piece that returned.
var errReturned = &protocol.Error{Name: "return"}

// returned reports whether an evaluation ended with the cell's return.
func returned(err error) bool {
	var p interp.Panic
	if !errors.As(err, &p) {
		return false
	}
	v := p.Value
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		v = rv.Interface()
	}
	return v == any(cellReturned)
}

// eval evaluates one piece of a cell.
func (w *Worker) eval(piece, src string) *protocol.Error {
	if u := w.refused; u != nil {
		w.refused = nil
		return notSupported(*u, src) // the rewrite of piece found it (see rewritten)
	}
	if strings.TrimSpace(piece) == "" {
		return nil
	}
	_, err := w.try(piece)
	if returned(err) {
		w.frames.take() // the frames of the return's panic
		return errReturned
	}
	if err != nil {
		return w.describe(err, src)
	}
	return nil
}

// try evaluates source, repairing the interpreter when it fails.
func (w *Worker) try(src string) (reflect.Value, error) {
	return w.tryShifted(src, 0)
}

// tryShifted is try for source whose first line has extra columns before
// the cell's own text.
func (w *Worker) tryShifted(src string, extra int) (reflect.Value, error) {
	w.frames.setShift(line1Shift(src) + extra)
	v, err := w.interp.Eval(src)
	if err != nil {
		w.heal()
		var p interp.Panic
		if errors.As(err, &p) {
			w.panicked = p.Value
		}
	}
	w.forgetter.forget()
	return v, err
}

// line1Shift is how many columns yaegi adds to line 1 of a source: it
// parses declarations as "package main;" + src and statements as
// "package main; func main() {" + src.
func line1Shift(src string) int {
	const file, stmts = "package main;", "package main; func main() {"
	if cell.ParsesAsDecls(src) {
		return len(file)
	}
	return len(stmts)
}

// heal repairs the interpreter after a failed compilation: yaegi keeps the
// symbols the failed code declared without memory for them, and the next
// look at the globals would index past the end. Running any code sizes the
// memory again.
func (w *Worker) heal() {
	if _, err := w.interp.Eval("0"); err != nil {
		fmt.Fprintf(os.Stderr, "golab worker: could not repair the interpreter: %v\n", err)
	}
}

// globals returns the interpreter's global variables, or none if yaegi
// cannot list them.
func (w *Worker) globals() (g map[string]reflect.Value) {
	defer func() {
		if recover() != nil {
			g = map[string]reflect.Value{}
		}
	}()
	return w.interp.Globals()
}

// notSupported is the error of a cell with something the interpreter
// cannot run as Go does.
func notSupported(u cell.Unsupported, src string) *protocol.Error {
	tb := []string{failure.Red("not supported") + fmt.Sprintf(" at cell line %d, column %d: %s", u.Line, u.Column, u.What)}
	return &protocol.Error{Name: "not supported", Value: fmt.Sprintf("line %d:%d: %s", u.Line, u.Column, u.What),
		Traceback: append(tb, failure.SourceContext(src, u.Line, u.Column)...)}
}

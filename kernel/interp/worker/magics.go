package worker

import (
	"fmt"
	"strings"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/protocol"
	"github.com/golab-notebooks/golab/kernel/teach/exercise"
)

// A magic is a first line, starting with %, that asks for a cell to run
// some other way than in the interpreter. Go code never starts with %, so
// a first line that does and is no magic is refused with the list below.
type magic struct {
	usage string // as a learner writes it: "%check NAME"
	about string // what it does, for that list
	is    func(src string) bool
	run   func(w *Worker, src string) *protocol.Error
}

// magics returns the cell magics the worker knows, in the order they are
// tried. (A function, not a variable: the magics' runners run cells.)
func magics() []magic {
	return []magic{
		{RaceMagic, "runs the cell compiled, under Go's race detector", isRaceCell, (*Worker).runRace},
		{exercise.Magic + " NAME", "runs the tests of the exercise NAME against the notebook's code", exercise.IsCheckCell, (*Worker).runCheck},
		{GoRunMagic, "builds the cell with the Go toolchain and runs it, as go run does", isGoRunCell, (*Worker).runCompiled},
	}
}

// runMagic runs a cell that starts with a magic line. It reports false
// for a cell that does not start with %.
func (w *Worker) runMagic(src string) (*protocol.Error, bool) {
	first, _, _ := strings.Cut(strings.TrimLeft(src, " \t\r\n"), "\n")
	if !strings.HasPrefix(first, "%") {
		return nil, false
	}
	w.announcing = false // what a magic runs is not the cell's declarations
	all := magics()
	probe := strings.ReplaceAll(src, "\r", "") // a notebook saved with CRLF line ends
	for _, m := range all {
		if m.is(probe) {
			return m.run(w, src), true
		}
	}
	first = strings.TrimSpace(first)
	known := make([]string, len(all))
	for i, m := range all {
		known[i] = fmt.Sprintf("  %-12s %s", m.usage, m.about)
	}
	return &protocol.Error{Name: "unknown magic", Value: first,
		Traceback: append([]string{failure.Red("unknown magic") + " " + first + ": golab knows these first lines:"}, known...)}, true
}

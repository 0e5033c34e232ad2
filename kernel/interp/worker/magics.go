package worker

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/native"
	"github.com/golab-notebooks/golab/kernel/interp/noise"
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
	// declares is set for a magic whose cell declares names for later
	// cells (and for the notebook's journal), as a plain cell does.
	declares bool
}

// magics returns the cell magics the worker knows, in the order they are
// tried. (A function, not a variable: the magics' runners run cells.)
func magics() []magic {
	return []magic{
		{RaceMagic, "runs the cell compiled, under Go's race detector", isRaceCell, (*Worker).runRace, false},
		{exercise.Magic + " NAME", "runs the tests of the exercise NAME against the notebook's code", exercise.IsCheckCell, (*Worker).runCheck, false},
		{GoRunMagic, "builds the cell with the Go toolchain and runs it, as go run does", isGoRunCell, (*Worker).runCompiled, false},
		{native.Magic, "builds the cell's functions with the Go toolchain: later cells call them at compiled speed", isCompileCell, (*Worker).runCompile, true},
		{NoiseMagic + " [off|on|seed=N|rate=R]", "shows or sets the scheduling noise: goroutines switching between the read and the write of a shared variable, as on a busy machine", isNoiseCell, (*Worker).runNoise, false},
	}
}

// runMagic runs a cell that starts with a magic line. It reports false
// for a cell that does not start with %.
func (w *Worker) runMagic(src string) (*protocol.Error, bool) {
	first, _, _ := strings.Cut(strings.TrimLeft(src, " \t\r\n"), "\n")
	if !strings.HasPrefix(first, "%") {
		if line, at, ok := magicAfterComments(src); ok {
			// Go would read the magic as a syntax error.
			return &protocol.Error{Name: "magic not first", Value: "line " + strconv.Itoa(at) + ": " + line,
				Traceback: []string{failure.Red("magic not first") + fmt.Sprintf(": %s is on cell line %d; a magic must be the cell's first line (put the comments above it below it).", line, at)}}, true
		}
		return nil, false
	}
	announcing := w.announcing
	w.announcing = false // what a magic runs is not the cell's declarations…
	all := magics()
	probe := strings.ReplaceAll(src, "\r", "") // a notebook saved with CRLF line ends
	for _, m := range all {
		if m.is(probe) {
			w.announcing = announcing && m.declares // …unless it declares them
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

// magicAfterComments finds a magic line that only comment and blank lines
// come before, and its cell line.
func magicAfterComments(src string) (line string, at int, ok bool) {
	for i, l := range strings.Split(src, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "//"):
			continue
		case strings.HasPrefix(l, "%"):
			return l, i + 1, true
		}
		return "", 0, false
	}
	return "", 0, false
}

// NoiseMagic shows or sets golab's scheduling noise (kernel/interp/noise).
const NoiseMagic = "%noise"

// isNoiseCell reports whether a cell starts with the %noise line.
func isNoiseCell(src string) bool {
	first, _, _ := strings.Cut(strings.TrimLeft(src, " \t\r\n"), "\n")
	f := strings.Fields(first)
	return len(f) > 0 && f[0] == NoiseMagic
}

// runNoise shows the scheduling noise, or sets it: "%noise off",
// "%noise seed=42", "%noise rate=0.3", "%noise on". The line must be the
// cell's only one.
func (w *Worker) runNoise(src string) *protocol.Error {
	first, rest, _ := strings.Cut(strings.TrimLeft(src, " \t\r\n"), "\n")
	usage := func(why string) *protocol.Error {
		msg := why + `: write "%noise" to see the scheduling noise, "%noise off" or "%noise on" to turn it off or on, "%noise seed=42" to choose its random source, "%noise rate=0.3" to switch more often (0 to 1), alone in a cell`
		return &protocol.Error{Name: "usage", Value: msg, Traceback: []string{failure.Red("%noise: ") + msg}}
	}
	if strings.TrimSpace(rest) != "" {
		return usage("%noise must be alone in its cell")
	}
	_, seed, rate := noise.State()
	set := false
	for _, arg := range strings.Fields(first)[1:] {
		key, value, hasValue := strings.Cut(arg, "=")
		switch {
		case arg == "off":
			noise.Off()
			fmt.Println(noise.Describe())
			return nil
		case arg == "on":
			set = true
		case key == "seed" && hasValue:
			n, err := strconv.ParseUint(value, 10, 64)
			if err != nil {
				return usage(fmt.Sprintf("seed %q is not a whole number", value))
			}
			seed, set = n, true
		case key == "rate" && hasValue:
			r, err := strconv.ParseFloat(value, 64)
			if err != nil || r < 0 || r > 1 {
				return usage(fmt.Sprintf("rate %q is not a number from 0 to 1", value))
			}
			rate, set = r, true
		default:
			return usage(fmt.Sprintf("%q is not a %%noise setting", arg))
		}
	}
	if set {
		noise.Set(seed, rate)
	}
	fmt.Println(noise.Describe())
	return nil
}

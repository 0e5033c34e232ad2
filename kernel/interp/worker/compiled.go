package worker

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/internal/outlet"
	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/cell"
	"github.com/golab-notebooks/golab/kernel/interp/gobuild"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// GoRunMagic, as the first line of a cell, runs the cell as a program
// built by the Go toolchain, as `go run` would, instead of in the
// interpreter. A cell that is a whole program (package main with func
// main) runs so without it.
const GoRunMagic = "%go run"

// WholeProgramsEnv names the environment variable that chooses how whole
// program cells run: "compile" (the default: with the Go toolchain when
// one is installed) or "interpret" (always in the interpreter).
const WholeProgramsEnv = "GOLAB_WHOLE_PROGRAMS"

// isGoRunCell reports whether a cell starts with the %go run line.
func isGoRunCell(src string) bool {
	first, _, _ := strings.Cut(strings.TrimLeft(src, " \t\n"), "\n")
	return strings.Join(strings.Fields(first), " ") == GoRunMagic
}

// HelperModule holds golab's go.mod, go.sum and the sources of its
// helper packages (runtime/ and internal/), for compiled programs that
// import them. The golab command sets it from the copy embedded in its
// binary; without it such programs run in the interpreter.
var HelperModule fs.FS

// compileWholePrograms says whether whole-program cells are compiled here,
// and why not.
func compileWholePrograms() (bool, string) {
	if os.Getenv(WholeProgramsEnv) == "interpret" {
		return false, WholeProgramsEnv + "=interpret"
	}
	if goBin, _ := gobuild.Toolchain(); goBin == "" {
		return false, "no Go toolchain (the go command) is installed here"
	}
	return true, ""
}

// runCompiled builds a program and runs it: its output streams as the
// interpreter's does, Go's own runtime reports it, and its exit status
// ends the cell. The program's declarations are also made in the
// interpreter, so that later cells can use them.
func (w *Worker) runCompiled(src string) *protocol.Error {
	program := src
	if isGoRunCell(src) {
		program = withoutMagicLine(src)
	}
	goBin, version := gobuild.Toolchain()
	if goBin == "" {
		return &protocol.Error{Name: GoRunMagic, Value: "the Go toolchain is not installed", Traceback: []string{
			failure.Red(GoRunMagic) + " builds the cell with the go command, which is not on this machine's PATH.",
			"Install Go from https://go.dev/dl/ and restart the kernel, or remove the %go run line.",
		}}
	}
	if !cell.IsWholeProgram(program) {
		return &protocol.Error{Name: GoRunMagic, Value: "the cell is not a whole program", Traceback: []string{
			failure.Red(GoRunMagic) + " runs a whole program: a cell that starts with package main and declares func main.",
		}}
	}
	dir, err := os.MkdirTemp("", "golab-run-")
	if err != nil {
		return &protocol.Error{Name: GoRunMagic, Value: fmt.Sprintf("make a build directory: %v", err)}
	}
	defer os.RemoveAll(dir)
	if err := gobuild.WriteModule(dir, program, version, HelperModule); err != nil {
		return &protocol.Error{Name: GoRunMagic, Value: err.Error(), Traceback: []string{failure.Red(GoRunMagic+": ") + err.Error()}}
	}
	status := w.progress("go build: compiling the program with the Go toolchain…")
	start := time.Now()
	build := exec.Command(goBin, "build", "-trimpath", "-o", "cell", ".")
	build.Dir = dir
	build.Env = gobuild.Env()
	if out, err := build.CombinedOutput(); err != nil {
		status("go build: the program does not compile")
		return buildError(string(out), program)
	}
	status(fmt.Sprintf("compiled by go build in %s and run as a program (not interpreted)", roundDuration(time.Since(start))))

	w.declareForLaterCells(program)
	err = w.runProgram(filepath.Join(dir, "cell"))
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() >= 0:
		code := exitErr.ExitCode()
		return &protocol.Error{Name: "exit status " + strconv.Itoa(code), Value: fmt.Sprintf("the program exited with status %d", code),
			Traceback: []string{failure.Red("exit status "+strconv.Itoa(code)) + " (as go run says: the program ended with a non-zero status)"}}
	default:
		return &protocol.Error{Name: "program failed", Value: err.Error(), Traceback: []string{failure.Red("the program failed: ") + err.Error()}}
	}
}

// runProgram runs a compiled program with the worker's standard output and
// error, and a door for golab/display's outputs (see outlet.ProgramEnv).
func (w *Worker) runProgram(path string) error {
	outR, outW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("make the pipe for rich output: %w", err)
	}
	ackR, ackW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return fmt.Errorf("make the pipe for rich output: %w", err)
	}
	run := exec.Command(path)
	run.Stdout, run.Stderr = os.Stdout, os.Stderr
	run.ExtraFiles = []*os.File{outW, ackR} // descriptors 3 and 4
	run.Env = append(os.Environ(), outlet.ProgramEnv+"=3,4")
	// The program's stderr is its own: a "panic:" there is the program's
	// report, not the worker's crash.
	_, _ = os.Stderr.WriteString(protocol.Marker(w.token, "plain", "1"))
	defer func() { _, _ = os.Stderr.WriteString(protocol.Marker(w.token, "plain", "0")) }()
	err = run.Start()
	outW.Close()
	ackR.Close()
	if err != nil {
		outR.Close()
		ackW.Close()
		return err
	}
	served := make(chan error, 1)
	go func() {
		served <- outlet.Serve(outR, ackW, func(o outlet.Output) {
			w.send(protocol.Event{Op: protocol.EvOutput, Output: &protocol.Output{Kind: o.Kind, Data: o.Data, Metadata: o.Metadata, DisplayID: o.DisplayID, Wait: o.Wait}})
		})
		outR.Close()
		ackW.Close()
	}()
	// Wait for the program through its outlet first: the pipe is read by
	// Go's poller, where run.Wait blocks in a system call for as long as
	// the program runs, and a stop of the world that races with entering it
	// would wait as long (see package inherited) while the program waits for
	// the worker to answer its next display.
	serveErr := <-served
	err = run.Wait()
	if serveErr != nil {
		_, _ = fmt.Fprintf(os.Stderr, "golab: the program's rich output was cut short: %v\n", serveErr)
	}
	return err
}

// declareForLaterCells makes a program's imports and declarations in the
// interpreter (not its main), as an interpreted cell would, so later cells
// can call its functions. What the interpreter cannot take is left out.
func (w *Worker) declareForLaterCells(program string) {
	defer func() {
		// The program runs compiled whatever the interpreter makes of it.
		if r := recover(); r != nil {
			w.heal()
			_, _ = fmt.Fprintf(os.Stderr, "golab: this program's declarations are not available to later cells: the interpreter failed on them (%v).\n", r)
		}
	}()
	plan, err := cell.Split(program)
	if err != nil {
		return
	}
	if w.checkUndefined(plan, program) != nil || w.importAll(plan, program) != nil {
		return
	}
	skip, refusal := w.checkRedefinitions(plan, program)
	if refusal != nil {
		return
	}
	// The program ran compiled: keeping its declarations must run none of
	// its code again (func init and initializers that call code printed
	// twice), by the rules of a restore.
	replay := cell.ReplayDecls(plan.DeclsWithout(skip), w.context())
	if _, err := w.try(w.rewriteDecls(replay.Source)); err == nil {
		w.record(plan)
		w.updateTypes(plan)
		w.children.record(replayCell(cell.ReplaySource(plan)))
		w.announce(plan)
		if len(replay.Zeroed) > 0 {
			_, _ = fmt.Fprintf(os.Stderr, "golab: for later cells, %s %s the zero value: the initializer calls code, which ran in the compiled program and is not run again.\n",
				strings.Join(replay.Zeroed, ", "), map[bool]string{true: "has", false: "have"}[len(replay.Zeroed) == 1])
		}
	}
}

// progress shows a one-line status under the cell and returns the
// function that replaces it.
func (w *Worker) progress(text string) func(string) {
	id := fmt.Sprintf("golab-build-%d", time.Now().UnixNano())
	show := func(kind, text string) {
		w.send(protocol.Event{Op: protocol.EvOutput, Output: &protocol.Output{Kind: kind, DisplayID: id, Data: map[string]any{
			"text/plain": text,
			"text/html":  `<span style="color:#666;font-size:90%">` + htmlEscape(text) + `</span>`,
		}}})
	}
	show("display", text)
	return func(text string) { show("update", text) }
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func roundDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	default:
		return d.Round(time.Millisecond).String()
	}
}

// buildPosition matches the compiler's "./main.go:3:5: message".
var buildPosition = regexp.MustCompile(`^\.?/?main\.go:(\d+):(\d+): (.*)$`)

// buildError turns the compiler's messages into the cell's error, at cell
// lines (the program is the cell, line for line).
func buildError(out, program string) *protocol.Error {
	var tb []string
	first := ""
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "# ") {
			continue // "# cell": the package name
		}
		m := buildPosition.FindStringSubmatch(line)
		if m == nil {
			tb = append(tb, line)
			continue
		}
		l, _ := strconv.Atoi(m[1])
		c, _ := strconv.Atoi(m[2])
		if first == "" {
			first = fmt.Sprintf("line %d:%d: %s", l, c, m[3])
		}
		tb = append(tb, failure.Red("error")+fmt.Sprintf(" at cell line %d, column %d: %s", l, c, m[3]))
		tb = append(tb, failure.SourceContext(program, l, c)...)
	}
	if first == "" {
		first = "the program does not compile"
	}
	return &protocol.Error{Name: "error", Value: first, Traceback: tb}
}

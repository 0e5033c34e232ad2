package worker

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golab-notebooks/golab/kernel/cell"
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

// isWholeProgram reports whether a cell is a complete Go program: a file
// of package main that declares func main.
func isWholeProgram(src string) bool {
	file, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.SkipObjectResolution)
	if err != nil || file.Name.Name != "main" {
		return false
	}
	for _, d := range file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return true
		}
	}
	return false
}

// usesGolabHelpers reports whether a program imports golab's helper
// packages, which only the interpreter provides for now.
func usesGolabHelpers(src string) bool {
	file, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.ImportsOnly)
	if err != nil {
		return false
	}
	for _, imp := range file.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if strings.HasPrefix(p, "golab/") || strings.HasPrefix(p, "github.com/golab-notebooks/golab/") {
			return true
		}
	}
	return false
}

// toolchain finds the go command and its language version once.
var toolchain = sync.OnceValues(func() (goBin, version string) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", ""
	}
	out, err := exec.Command(goBin, "env", "GOVERSION").Output()
	if err != nil {
		return "", ""
	}
	// "go1.26.8" → "1.26"
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "go")
	if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
		v = parts[0] + "." + parts[1]
	}
	return goBin, v
})

// compileWholePrograms says whether whole-program cells are compiled here,
// and why not.
func compileWholePrograms() (bool, string) {
	if os.Getenv(WholeProgramsEnv) == "interpret" {
		return false, WholeProgramsEnv + "=interpret"
	}
	if goBin, _ := toolchain(); goBin == "" {
		return false, "no Go toolchain (the go command) is installed here"
	}
	return true, ""
}

// runCompiled builds a program and runs it: its output streams as the
// interpreter's does, Go's own runtime reports it, and its exit status
// ends the cell. The program's declarations are also made in the
// interpreter, so that later cells can use them.
func (w *Worker) runCompiled(src string) *Error {
	program := src
	if isGoRunCell(src) {
		at := strings.Index(src, "%go")
		end := at + strings.IndexByte(src[at:]+"\n", '\n')
		program = src[:at] + strings.Repeat(" ", end-at) + src[end:] // keep every line where it is
	}
	goBin, version := toolchain()
	if goBin == "" {
		return &Error{Name: GoRunMagic, Value: "the Go toolchain is not installed", Traceback: []string{
			red(GoRunMagic) + " builds the cell with the go command, which is not on this machine's PATH.",
			"Install Go from https://go.dev/dl/ and restart the kernel, or remove the %go run line.",
		}}
	}
	if !isWholeProgram(program) {
		return &Error{Name: GoRunMagic, Value: "the cell is not a whole program", Traceback: []string{
			red(GoRunMagic) + " runs a whole program: a cell that starts with package main and declares func main.",
		}}
	}
	dir, err := os.MkdirTemp("", "golab-run-")
	if err != nil {
		return &Error{Name: GoRunMagic, Value: fmt.Sprintf("make a build directory: %v", err)}
	}
	defer os.RemoveAll(dir)
	mod := "module cell\n\ngo " + version + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o600); err != nil {
		return &Error{Name: GoRunMagic, Value: fmt.Sprintf("write go.mod: %v", err)}
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(program), 0o600); err != nil {
		return &Error{Name: GoRunMagic, Value: fmt.Sprintf("write the program: %v", err)}
	}
	status := w.progress("go build: compiling the program with the Go toolchain…")
	start := time.Now()
	build := exec.Command(goBin, "build", "-trimpath", "-o", "cell", ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		status("go build: the program does not compile")
		return buildError(string(out), program)
	}
	status(fmt.Sprintf("compiled by go build in %s and run as a program (not interpreted)", roundDuration(time.Since(start))))

	w.declareForLaterCells(program)
	run := exec.Command(filepath.Join(dir, "cell"))
	run.Stdout, run.Stderr = os.Stdout, os.Stderr
	// The program's stderr is its own: a "panic:" there is the program's
	// report, not the worker's crash.
	_, _ = os.Stderr.WriteString(Marker(w.token, "plain", "1"))
	err = run.Run()
	_, _ = os.Stderr.WriteString(Marker(w.token, "plain", "0"))
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() >= 0:
		code := exitErr.ExitCode()
		return &Error{Name: "exit status " + strconv.Itoa(code), Value: fmt.Sprintf("the program exited with status %d", code),
			Traceback: []string{red("exit status "+strconv.Itoa(code)) + " (as go run says: the program ended with a non-zero status)"}}
	default:
		return &Error{Name: "program failed", Value: err.Error(), Traceback: []string{red("the program failed: ") + err.Error()}}
	}
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
	if _, err := w.try(cell.RewriteDecls(plan.DeclsWithout(skip), w.earlier())); err == nil {
		w.record(plan)
		w.children.record(declarations(plan))
	}
}

// progress shows a one-line status under the cell and returns the
// function that replaces it.
func (w *Worker) progress(text string) func(string) {
	id := fmt.Sprintf("golab-build-%d", time.Now().UnixNano())
	show := func(kind, text string) {
		w.send(Event{Op: EvOutput, Output: &Output{Kind: kind, DisplayID: id, Data: map[string]any{
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
func buildError(out, program string) *Error {
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
		tb = append(tb, red("error")+fmt.Sprintf(" at cell line %d, column %d: %s", l, c, m[3]))
		tb = append(tb, sourceContext(program, l, c)...)
	}
	if first == "" {
		first = "the program does not compile"
	}
	return &Error{Name: "error", Value: first, Traceback: tb}
}

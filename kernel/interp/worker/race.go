package worker

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/cell"
	"github.com/golab-notebooks/golab/kernel/interp/gobuild"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// RaceMagic, as the first line of a cell, runs the cell as a compiled
// program under Go's race detector instead of in the interpreter.
const RaceMagic = "%race"

// isRaceCell reports whether a cell starts with the %race line.
func isRaceCell(src string) bool {
	first, _, _ := strings.Cut(strings.TrimLeft(src, " \t\n"), "\n")
	return strings.TrimSpace(first) == RaceMagic
}

// runRace compiles the cell, with the imports and declarations of earlier
// cells, as a program with -race, runs it, and maps the detector's report
// back to cell lines.
func (w *Worker) runRace(src string) *protocol.Error {
	// Blank the magic line, keeping every other line where it is.
	at := strings.Index(src, RaceMagic)
	body := src[:at] + strings.Repeat(" ", len(RaceMagic)) + src[at+len(RaceMagic):]
	fmt.Fprintln(os.Stderr, "golab: compiling the cell with the race detector (go build -race)…")
	races, e, runErr := w.raceRun(body, os.Stdout, os.Stderr)
	if e != nil {
		return e
	}
	if races > 0 {
		return &protocol.Error{Name: "data race", Value: fmt.Sprintf("the race detector found %d data race(s)", races), Traceback: []string{
			failure.Red("data race:") + fmt.Sprintf(" the race detector found %d data race(s); the report above names the cell lines.", races),
			"Two goroutines used the same variable at once, at least one of them writing, with nothing",
			"ordering the two: guard it with a sync.Mutex, use sync/atomic, or pass it over a channel.",
		}}
	}
	if runErr != nil {
		return &protocol.Error{Name: "%race", Value: fmt.Sprintf("the program failed: %v", runErr)}
	}
	return nil
}

// raceRun compiles cell code (the statements and declarations of one
// cell), with the imports and declarations of earlier cells, as a program
// with -race and runs it: its standard output goes to stdout, the race
// detector's report, mapped to cell lines, to report. It returns how many
// races the detector reported and how the program ended; the error is for
// a program that could not be made.
func (w *Worker) raceRun(code string, stdout, report io.Writer) (races int, e *protocol.Error, runErr error) {
	problem := func(value string, tb ...string) *protocol.Error {
		if len(tb) == 0 {
			tb = []string{failure.Red("%race: ") + value}
		}
		return &protocol.Error{Name: "%race", Value: value, Traceback: tb}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return 0, problem("the Go toolchain is not installed",
			failure.Red("%race")+" compiles the cell with Go's race detector, which needs the go command;",
			"it is not on this machine's PATH. Install Go from https://go.dev/dl/ and restart the kernel."), nil
	}
	plan, err := cell.Split(code)
	if err != nil {
		return 0, syntaxError(err, code), nil
	}
	prog, lines, err := w.raceProgram(plan)
	if err != nil {
		return 0, problem(err.Error()), nil
	}
	dir, err := os.MkdirTemp("", "golab-race-")
	if err != nil {
		return 0, problem(fmt.Sprintf("make a build directory: %v", err)), nil
	}
	defer os.RemoveAll(dir)
	_, version := gobuild.Toolchain()
	if err := gobuild.WriteModule(dir, prog, version, HelperModule); err != nil {
		return 0, problem(err.Error()), nil
	}
	build := exec.Command(goBin, "build", "-race", "-o", "cell", ".")
	build.Dir = dir
	build.Env = append(gobuild.Env(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		text := lines.mapText(string(out))
		if strings.Contains(text, "requires cgo") || strings.Contains(text, "C compiler") {
			text += "\nThe race detector needs cgo and a C compiler (gcc); install gcc and restart the kernel."
		}
		return 0, &protocol.Error{Name: "%race", Value: "the cell does not compile as a program",
			Traceback: append([]string{failure.Red("%race:") + " the cell does not compile as a program:"}, strings.Split(strings.TrimSpace(text), "\n")...)}, nil
	}
	run := exec.Command(filepath.Join(dir, "cell"))
	run.Stdout = stdout
	r := &raceReport{lines: lines, dst: report}
	run.Stderr = r
	runErr = run.Run()
	r.flush()
	return r.races, nil, runErr
}

// lineMap maps lines of the generated program back to the cell.
type lineMap struct {
	file        string // the program's name in compiler messages
	declsFrom   int    // program line of cell line 1 in the declarations
	declsTo     int
	stmtsFrom   int // program line of cell line 1 in main's body
	stmtsTo     int
	earlierUpTo int // program lines up to this hold earlier cells' code
	earlier     []earlierSpan
}

// earlierSpan is where an earlier cell's declaration sits in the program.
type earlierSpan struct {
	from, to int    // program lines from+1 … to
	name     string // what it declares
	line     int    // the line of its cell where it starts
}

func (m lineMap) cellLine(progLine int) (int, bool) {
	switch {
	case progLine > m.declsFrom && progLine <= m.declsTo:
		return progLine - m.declsFrom, true
	case progLine > m.stmtsFrom && progLine <= m.stmtsTo:
		return progLine - m.stmtsFrom, true
	}
	return 0, false
}

var fileLine = regexp.MustCompile(`(?:\S*/)?main\.go:(\d+)(?::(\d+))?(?: \+0x[0-9a-f]+)?`)

// mapText replaces main.go:N positions with cell lines.
func (m lineMap) mapText(s string) string {
	return fileLine.ReplaceAllStringFunc(s, func(pos string) string {
		sub := fileLine.FindStringSubmatch(pos)
		n, _ := strconv.Atoi(sub[1])
		if l, ok := m.cellLine(n); ok {
			return "cell line " + strconv.Itoa(l)
		}
		for _, s := range m.earlier {
			if n > s.from && n <= s.to {
				return fmt.Sprintf("line %d of the cell that defines %s", s.line+n-s.from-1, s.name)
			}
		}
		if n <= m.earlierUpTo {
			return "an earlier cell"
		}
		return "golab's wrapper"
	})
}

// raceReport maps the race detector's report line by line to dst.
type raceReport struct {
	lines   lineMap
	dst     io.Writer
	partial []byte
	races   int
}

func (r *raceReport) Write(p []byte) (int, error) {
	r.partial = append(r.partial, p...)
	for {
		i := strings.IndexByte(string(r.partial), '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(r.partial[:i+1])
		r.partial = r.partial[i+1:]
		r.emit(line)
	}
}

func (r *raceReport) emit(line string) {
	if strings.HasPrefix(line, "WARNING: DATA RACE") {
		r.races++
	}
	if strings.Contains(line, "/src/runtime/") || strings.Contains(line, "/src/internal/") {
		return // frames inside Go's runtime say nothing about the cell
	}
	_, _ = io.WriteString(r.dst, r.lines.mapText(line))
}

func (r *raceReport) flush() {
	if len(r.partial) > 0 {
		r.emit(string(r.partial) + "\n")
		r.partial = nil
	}
}

// raceProgram assembles package main from the earlier cells' imports and
// declarations and this cell's, with the cell's statements as main's body.
func (w *Worker) raceProgram(plan *cell.Plan) (string, lineMap, error) {
	var earlier []cell.Definition
	imports := map[string]string{} // path -> alias
	for _, p := range w.defs.importPaths() {
		imports[p] = ""
	}
	for _, d := range w.defs.all() {
		if d.Name != "main" {
			earlier = append(earlier, d)
		}
	}
	for _, imp := range plan.ImportSpecs {
		imports[imp.Path] = imp.Name
	}
	sort.Slice(earlier, func(i, j int) bool { return earlier[i].Line < earlier[j].Line || earlier[i].Name < earlier[j].Name })
	own := map[string]bool{}
	for _, d := range plan.Defined {
		own[d.Name] = true
	}
	var code strings.Builder // the earlier cells' declarations
	var spans []earlierSpan  // their lines, counted from the first
	seen := map[string]bool{}
	for _, d := range earlier {
		if seen[d.Source] || own[d.Name] {
			continue
		}
		seen[d.Source] = true
		from := strings.Count(code.String(), "\n")
		code.WriteString(d.Source + "\n")
		spans = append(spans, earlierSpan{from: from, to: strings.Count(code.String(), "\n"), name: d.Name, line: d.Line})
	}
	earlierCode := code.String()
	// Only the imports the program uses: Go rejects the others.
	var head strings.Builder
	head.WriteString("package main\n\n")
	paths := make([]string, 0, len(imports))
	for p := range imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		name := imports[p]
		if !usesPackage(earlierCode+plan.Decls+plan.Stmts+plan.Trailing, pkgName(name, p)) {
			continue
		}
		fmt.Fprintf(&head, "import %s %q\n", name, p)
	}
	base := strings.Count(head.String(), "\n")
	head.WriteString(earlierCode)
	var m lineMap
	for _, s := range spans {
		m.earlier = append(m.earlier, earlierSpan{from: base + s.from, to: base + s.to, name: s.name, line: s.line})
	}
	m.file = "main.go"
	lineNo := strings.Count(head.String(), "\n")
	m.earlierUpTo = lineNo
	m.declsFrom = lineNo
	decls := strings.ReplaceAll(plan.Decls, cell.MainFunc, "cellMain")
	m.declsTo = lineNo + strings.Count(decls, "\n") + 1
	var out strings.Builder
	out.WriteString(head.String())
	out.WriteString(decls + "\n")
	out.WriteString("func main() {\n")
	m.stmtsFrom = strings.Count(out.String(), "\n")
	stmts := cell.MergeMasks(plan.Stmts, usedTrailing(plan.Trailing))
	out.WriteString(stmts + "\n")
	m.stmtsTo = m.stmtsFrom + strings.Count(stmts, "\n") + 1
	for _, name := range cell.DeclaredNames(stmts) {
		out.WriteString("_ = " + name + "\n")
	}
	if plan.RunMain {
		out.WriteString("cellMain()\n")
	}
	out.WriteString("}\n")
	return out.String(), m, nil
}

// usedTrailing turns a trailing expression whose value the notebook would
// show into a statement a compiled program accepts.
func usedTrailing(trailing string) string {
	trimmed := strings.TrimLeft(trailing, " \t\n")
	if trimmed == "" {
		return trailing
	}
	if cell.IsCall(trimmed) {
		return trailing
	}
	lead := trailing[:len(trailing)-len(trimmed)]
	if i := strings.LastIndex(lead, "\n"); i >= 0 && len(lead)-i-1 >= 4 {
		return lead[:len(lead)-4] + "_ = " + trimmed
	}
	return lead + "_ = " + trimmed
}

func pkgName(alias, path string) string {
	if alias != "" {
		return alias
	}
	return path[strings.LastIndex(path, "/")+1:]
}

// usesPackage reports whether source refers to name.Something.
func usesPackage(src, name string) bool {
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		if strings.Contains(sc.Text(), name+".") {
			return true
		}
	}
	return false
}

package worker

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/cell"
	"github.com/golab-notebooks/golab/kernel/interp/native"
	"github.com/golab-notebooks/golab/kernel/interp/stop"
	"github.com/golab-notebooks/golab/kernel/protocol"
	"github.com/traefik/yaegi/interp"
)

// %compile cells: pure functions built by the Go toolchain as a plugin
// (kernel/interp/native) and bound into the interpreter under their own
// names, so that later cells and earlier callers run them compiled.
//
// The notebook's definitions keep each function's own source (what %race,
// %check and the type checks read, and what a restore without plugins
// falls back to); the interpreter holds a wrapper of the same name that
// calls the compiled function. The journal keeps the %compile cell itself:
// a new worker binds the plugin again from the cache.

// isCompileCell reports whether a cell starts with the %compile line.
func isCompileCell(src string) bool {
	first, _, _ := strings.Cut(strings.TrimLeft(src, " \t\r\n"), "\n")
	f := strings.Fields(first)
	return len(f) > 0 && f[0] == native.Magic
}

// runCompile runs a %compile cell.
func (w *Worker) runCompile(src string) *protocol.Error {
	u, err := native.Prepare(src)
	if err != nil {
		return compileRefusal(err, src)
	}
	if why := native.Unavailable(); why != "" {
		return w.interpretInstead(src, why)
	}
	names := make([]string, len(u.Funcs))
	for i, f := range u.Funcs {
		names[i] = f.Name
	}
	list := strings.Join(names, ", ")
	status := w.progress(fmt.Sprintf("%s: building %s with the Go toolchain…", native.Magic, list))
	start := time.Now()
	built, err := native.Build(u, stop.Pending)
	var refused *native.BuildError
	switch {
	case errors.Is(err, native.ErrInterrupted):
		status(fmt.Sprintf("%s: the build of %s was interrupted", native.Magic, list))
		return w.interrupted()
	case errors.As(err, &refused):
		status(fmt.Sprintf("%s: %s did not compile", native.Magic, list))
		return compilerRefusal(refused, src)
	case err != nil:
		status(fmt.Sprintf("%s: %s could not be built", native.Magic, list))
		return w.interpretInstead(src, err.Error())
	}
	took := roundDuration(time.Since(start))
	if err := w.openCompiled(u, built); err != nil {
		status(fmt.Sprintf("%s: the plugin could not be opened", native.Magic))
		return w.interpretInstead(src, err.Error())
	}
	if e := w.declareCompiled(u, src); e != nil {
		status(fmt.Sprintf("%s: %s compiled, but not declared", native.Magic, list))
		return e
	}
	how := "compiled by go build in " + took
	if built.Cached {
		how = "compiled earlier (from golab's plugin cache)"
	}
	status(fmt.Sprintf("%s: %s %s; later cells call the compiled %s", native.Magic, list, how, plural(len(names), "function", "functions")))
	return nil
}

// openCompiled opens a unit's plugin and imports its functions into the
// interpreter, once per worker.
func (w *Worker) openCompiled(u *native.Unit, built native.Built) error {
	if w.compiledBound[u.ImportPath()] {
		return nil
	}
	exports, err := native.Open(built.Path)
	if err != nil {
		return err
	}
	if err := w.interp.Use(interp.Exports{u.ImportPath() + "/" + u.PackageName(): exports}); err != nil {
		return fmt.Errorf("bind the plugin's functions: %w", err)
	}
	if _, err := w.try(u.Import()); err != nil {
		return fmt.Errorf("import the plugin's functions: %w", err)
	}
	w.compiledBound[u.ImportPath()] = true
	return nil
}

// declareCompiled declares an opened unit's functions' wrappers (and its
// constants) in the interpreter, and records the cell's definitions:
// earlier functions that call them are bound again, to call the compiled
// ones.
func (w *Worker) declareCompiled(u *native.Unit, src string) *protocol.Error {
	plan, err := cell.Split(withoutMagicLine(src))
	if err != nil {
		return &protocol.Error{Name: native.Magic, Value: err.Error()}
	}
	if e := w.importAll(plan, src); e != nil {
		return e
	}
	if e := w.eval(w.rewriteDecls(u.Wrappers()), src); e != nil {
		return e
	}
	changed := w.record(plan)
	for _, d := range plan.Defined {
		if d.Kind == cell.Func {
			w.compiledFuncs[d.Name] = d
		}
	}
	w.children.record(src)
	if w.announcing {
		w.announcing = false
		for _, d := range plan.Defined {
			w.declaring = append(w.declaring, d.Name)
		}
		w.send(protocol.Event{Op: protocol.EvDeclared, Declared: declaredIn(plan), Replay: src})
	}
	return w.rebindCallers(changed, src)
}

// restoreCompiled binds a %compile cell again in a new worker, from the
// plugin cache (or built again if the cache lost it). Where plugins do not
// work (any more), the functions are declared interpreted.
func (w *Worker) restoreCompiled(src string) (restoredNames []string) {
	u, err := native.Prepare(src)
	if err != nil {
		return nil
	}
	bound := false
	if native.Unavailable() == "" {
		if built, err := native.Build(u, nil); err == nil && w.openCompiled(u, built) == nil {
			bound = w.declareCompiled(u, src) == nil
		}
	}
	plan, err := cell.Split(withoutMagicLine(src))
	if err != nil {
		return nil
	}
	if !bound {
		if w.importAll(plan, src) != nil {
			return nil
		}
		if _, err := w.try(w.rewriteDecls(plan.Decls)); err != nil {
			return nil
		}
		w.record(plan)
		w.children.record(src)
	}
	how := ""
	if bound {
		how = " (compiled)"
	}
	for _, d := range plan.Defined {
		restoredNames = append(restoredNames, string(d.Kind)+" "+d.Name+how)
	}
	return restoredNames
}

// hintAfter is how long a cell's statements run before golab offers
// %compile for the functions they call.
const hintAfter = time.Second

// hintCompile offers %compile, once for each set of functions, when a
// cell's statements ran longer than hintAfter and call notebook functions
// that, with the functions they call, qualify.
func (w *Worker) hintCompile(plan *cell.Plan, took time.Duration) {
	if took < hintAfter || native.Unavailable() != "" {
		return
	}
	interpreted := func(name string) (cell.Definition, bool) {
		d, ok := w.defs.value(name)
		return d, ok && d.Kind == cell.Func && w.compiledFuncs[name].Source != d.Source
	}
	var called, sources []string
	seen := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		d, ok := interpreted(name)
		if !ok || seen[name] {
			return
		}
		seen[name] = true
		sources = append(sources, d.Source)
		for _, u := range d.Uses {
			visit(u)
		}
	}
	for _, id := range plan.Free {
		if _, ok := interpreted(id.Name); ok && !seen[id.Name] {
			called = append(called, id.Name)
			visit(id.Name)
		}
	}
	if len(called) == 0 {
		return
	}
	var imports []string // those the functions use
	body := strings.Join(sources, "\n")
	for spec := range w.defs.imports {
		if strings.Contains(body, importName(spec.name, spec.path)+".") {
			imports = append(imports, "import "+strings.TrimSpace(spec.name+" "+strconv.Quote(spec.path)))
		}
	}
	candidate := native.Magic + "\n" + strings.Join(imports, "\n") + "\n" + strings.Join(sources, "\n")
	if _, err := native.Prepare(candidate); err != nil {
		return
	}
	var all []string // in the order visited: the called ones first
	for _, src := range sources {
		if m := funcLine.FindStringSubmatch(src); m != nil {
			all = append(all, m[1])
		}
	}
	it, does := "it", "only computes"
	if len(called) > 1 {
		it, does = "they", "only compute"
	}
	w.noteOnce("compile hint "+strings.Join(all, " "), fmt.Sprintf(
		"golab: this cell ran %s. If the time went to %s: %s %s, so a cell that starts with %s and declares %s would run %s compiled, often 10 to 100 times faster.\n",
		roundDuration(took), strings.Join(called, ", "), it, does, native.Magic, strings.Join(all, ", "), map[bool]string{true: "it", false: "them"}[len(called) == 1]))
}

// compiledFrames returns the lines of a panic's account for the frames
// of compiled functions it went through (the interpreter sees only their
// wrappers, at their declarations), with the line of their cell, and
// whether there were any.
func (w *Worker) compiledFrames(value any) ([]string, bool) {
	frames := native.PanicFrames(value)
	var tb []string
	for i, f := range frames {
		if i > 0 && f == frames[i-1] {
			continue // a recursion's frames, said once with their count
		}
		base, _, _ := strings.Cut(f.Func, ".")
		line := fmt.Sprintf("  at line %d of the %s cell that declares %s (in %s, compiled)", f.Line, native.Magic, base, f.Func)
		if n := repeats(frames[i:]); n > 1 {
			line += fmt.Sprintf(", %d calls deep", n)
		}
		tb = append(tb, line)
		if d, ok := w.compiledFuncs[base]; ok && i == 0 {
			if lines := strings.Split(d.Source, "\n"); f.Line-d.Line >= 0 && f.Line-d.Line < len(lines) {
				tb = append(tb, "    "+strings.TrimSpace(lines[f.Line-d.Line]))
			}
		}
	}
	return tb, len(frames) > 0
}

// repeats counts the frames at the start of frames that are alike.
func repeats(frames []native.Frame) int {
	n := 1
	for n < len(frames) && frames[n] == frames[0] {
		n++
	}
	return n
}

// isCompiledWrapper reports whether an interpreter frame is the wrapper
// of a %compile'd function.
func (w *Worker) isCompiledWrapper(f failure.Frame) bool {
	d, ok := w.compiledFuncs[f.Func]
	return ok && d.Line == f.Line
}

// interpretInstead runs a %compile cell's functions in the interpreter,
// after one line that says why they are not compiled.
func (w *Worker) interpretInstead(src, why string) *protocol.Error {
	fmt.Fprintf(os.Stderr, "golab: %s: %s; the functions run interpreted (to run Go at compiled speed here, %s runs a whole program).\n",
		native.Magic, why, GoRunMagic)
	w.announcing = true
	_, e := w.run(withoutMagicLine(src))
	return e
}

// withoutMagicLine blanks a cell's magic line (%compile, %go run), keeping
// every line where it is.
func withoutMagicLine(src string) string {
	at := strings.Index(src, "%")
	end := at + strings.IndexByte(src[at:]+"\n", '\n')
	return src[:at] + strings.Repeat(" ", end-at) + src[end:]
}

// compileRefusal says why a %compile cell does not qualify, at its line.
func compileRefusal(err error, src string) *protocol.Error {
	var r *native.Refusal
	if !errors.As(err, &r) {
		return &protocol.Error{Name: native.Magic, Value: err.Error(), Traceback: []string{failure.Red(native.Magic+": ") + err.Error()}}
	}
	tb := []string{failure.Red(native.Magic+" refused") + ": " + r.Error()}
	if r.Line > 0 {
		tb = append(tb, failure.SourceContext(src, r.Line, r.Column)...)
	}
	tb = append(tb, "Without the "+native.Magic+" line the cell runs interpreted, as any other.")
	return &protocol.Error{Name: native.Magic + " refused", Value: r.Error(), Traceback: tb}
}

// compilerRefusal is the compiler's error on a %compile cell, at cell
// lines.
func compilerRefusal(be *native.BuildError, src string) *protocol.Error {
	if len(be.Lines) == 0 {
		return &protocol.Error{Name: "error", Value: be.Error(), Traceback: []string{failure.Red("go build: ") + strings.TrimSpace(be.Text)}}
	}
	var tb []string
	for _, m := range be.Lines {
		at := fmt.Sprintf(" at cell line %d", m.Line)
		if m.Column > 0 {
			at += fmt.Sprintf(", column %d", m.Column)
		}
		tb = append(tb, failure.Red("error")+at+": "+m.Message)
		tb = append(tb, failure.SourceContext(src, m.Line, m.Column)...)
	}
	first := be.Lines[0]
	return &protocol.Error{Name: "error", Value: fmt.Sprintf("line %d: %s", first.Line, first.Message), Traceback: tb}
}

package worker

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/generic"
	"github.com/traefik/yaegi/stdlib/syscall"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"github.com/golab-notebooks/golab/internal/outlet"
	"github.com/golab-notebooks/golab/kernel/cell"
	"github.com/golab-notebooks/golab/kernel/generics"
	"github.com/golab-notebooks/golab/kernel/gobuild"
	"github.com/golab-notebooks/golab/kernel/goprint"
	"github.com/golab-notebooks/golab/kernel/goroutines"
	"github.com/golab-notebooks/golab/kernel/stdsyms"
	cellsync "github.com/golab-notebooks/golab/kernel/sync"
	"github.com/golab-notebooks/golab/runtime/proc"
	"github.com/golab-notebooks/golab/runtime/symbols"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// showFunc is the interpreted helper that formats a trailing expression's
// value with the interpreter's own fmt, so String methods of types defined
// in cells are honoured, and the variable that holds the value meanwhile.
// shownVar holds a trailing expression's value while it is formatted.
const shownVar = "__golab_v"

const showFunc = `
import __golab_fmt "fmt"
var ` + shownVar + ` any
func __golab_show(v interface{}) string {
	if s, ok := v.(string); ok {
		return __golab_fmt.Sprintf("%q", s)
	}
	return __golab_fmt.Sprint(v)
}`

// sharedCommandLine gives cells one command line, the process's, as a
// program has: yaegi's os.Args is a copy of its own that the compiled flag
// package never reads, so os.Args = []string{"prog", "-n", "3"} and then
// flag.Parse() parsed the worker's own arguments (flag.Args() was
// [worker]). The worker process starts cells on a fresh command line
// (see cellCommandLine).
func sharedCommandLine() interp.Exports {
	return interp.Exports{
		"os/os":     {"Args": reflect.ValueOf(&os.Args).Elem()},
		"flag/flag": {"CommandLine": reflect.ValueOf(&flag.CommandLine).Elem()},
	}
}

// cellCommandLine makes the process's command line the one a cell starts
// with: os.Args is ["cell"] (the worker has read its own arguments), and
// flag.CommandLine a fresh set whose bad flag is a panic in the cell, not
// the worker's exit.
func cellCommandLine() {
	os.Args = []string{"cell"}
	flag.CommandLine = flag.NewFlagSet("cell", flag.PanicOnError)
}

// Worker is the interpreter side of a golab kernel. Make one with New and
// call Serve.
type Worker struct {
	token  string
	interp *interp.Interpreter

	outMu sync.Mutex
	out   *json.Encoder
	seq   int64

	inputs     chan string // answers to input requests
	allowStdin bool

	// forgetter lets go of what yaegi keeps of each evaluation for its
	// debugger.
	forgetter *forgetter
	frames    *frameSniffer
	std       stdio               // copies of fd 1 and 2, for a cell that closes them
	watcher   *goroutines.Watcher // created by the first cell, on the goroutine that runs cells

	// OnKernelGone, if set, is called when the request pipe closes: the
	// kernel has exited, maybe killed, and a running cell must not outlive it.
	OnKernelGone func()
	// defs holds every top-level definition and import made so far.
	defs *definitions
	// refused is what the last rewrite found it cannot give Go's meaning
	// to; the next eval reports it instead of running the piece.
	refused *cell.Unsupported
	// children starts processes for golab/proc with the declarations so far.
	children *launcher
	// runner runs cells; nil until the first request, and after a Goexit.
	runner *runner
	// noted holds the notes already given (each is given once per worker).
	noted map[string]bool
	// types tells the interpreter's fmt the names of the cells' types.
	types *goprint.Types
	// printNotes are the printer's notes, given once each from any goroutine.
	printNotes onceNotes
	// cellDefers are the calls deferred by the running cell's own
	// statements (not by its functions), run when they end.
	cellDefers deferred
	// panicked is the value of the last panic of the running cell's own
	// code, and recovering is set while its deferred calls run after it:
	// recover() in them (rewritten as recoverCell) takes it, as in Go.
	panicked   any
	recovering bool
	recovered  bool
}

// deferred holds a cell's deferred calls.
type deferred struct {
	mu    sync.Mutex
	calls []func()
}

func (d *deferred) add(f func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, f)
}

// run calls the deferred functions, last first, as Go does when a function
// returns; a panic in one ends the cell as it would end the function.
func (d *deferred) run() (err error) {
	d.mu.Lock()
	calls := d.calls
	d.calls = nil
	d.mu.Unlock()
	for i := len(calls) - 1; i >= 0; i-- {
		func() {
			defer func() {
				if r := recover(); r != nil && err == nil {
					err = fmt.Errorf("panic in a deferred call: %v", r)
				}
			}()
			calls[i]()
		}()
	}
	return err
}

// onceNotes writes each distinct note to the cell's stderr once.
type onceNotes struct {
	mu    sync.Mutex
	given map[string]bool
}

func (o *onceNotes) give(text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.given == nil {
		o.given = map[string]bool{}
	}
	if !o.given[text] {
		o.given[text] = true
		_, _ = os.Stderr.WriteString(text)
	}
}

// withLatestDefinitions returns the cells with each type and method
// definition replaced by the last one the cells make of it, in the place
// of the first: a cell that changed Account.Withdraw restores as if the
// earlier cells had always had the new Withdraw.
func withLatestDefinitions(cells []string) []string {
	latest := map[definitionKey]string{}
	plans := make([]*cell.Plan, len(cells))
	for i, src := range cells {
		plan, err := cell.Split(src)
		if err != nil {
			continue
		}
		plans[i] = plan
		for _, d := range plan.Defined {
			if d.Kind == cell.Type || d.Kind == cell.Method {
				latest[key(d)] = d.Source
			}
		}
	}
	out := make([]string, len(cells))
	for i, src := range cells {
		out[i] = src
		if plans[i] == nil {
			continue
		}
		defs := append([]cell.Definition(nil), plans[i].Defined...)
		sort.Slice(defs, func(a, b int) bool { return defs[a].Start > defs[b].Start })
		for _, d := range defs {
			next, ok := latest[key(d)]
			if !ok || next == d.Source || d.Start < 0 || d.End > len(src) || src[d.Start:d.End] != d.Source {
				continue
			}
			// Keep the line count, so that later positions in the cell stay.
			if pad := strings.Count(d.Source, "\n") - strings.Count(next, "\n"); pad > 0 {
				next += strings.Repeat("\n", pad)
			}
			src = src[:d.Start] + next + src[d.End:]
		}
		out[i] = src
	}
	return out
}

// declaredOverBasic reports, for a type name the cell or an earlier one
// declares, whether its underlying type is not a struct or interface: the
// interpreter cannot tell its values from the underlying type's.
func (w *Worker) declaredOverBasic(plan *cell.Plan) func(string) bool {
	return func(name string) bool {
		src := ""
		for _, d := range plan.Defined {
			if d.Kind == cell.Type && d.Name == name {
				src = d.Source
			}
		}
		if d, ok := w.defs.typ(name); ok && src == "" {
			src = d.Source
		}
		if src == "" {
			return false
		}
		file, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, 0)
		if err != nil {
			return false
		}
		for _, decl := range file.Decls {
			if gd, ok := decl.(*ast.GenDecl); ok {
				for _, spec := range gd.Specs {
					if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.Name == name && !ts.Assign.IsValid() {
						switch ts.Type.(type) {
						case *ast.StructType, *ast.InterfaceType:
							return false
						}
						return true
					}
				}
			}
		}
		return false
	}
}

// updateTypes tells the printer about the types and methods declared so
// far, if plan declares any.
func (w *Worker) updateTypes(plan *cell.Plan) {
	declares := false
	for _, d := range plan.Defined {
		declares = declares || d.Kind == cell.Type || d.Kind == cell.Method
	}
	if !declares {
		return
	}
	var decls []goprint.Declaration
	for _, d := range w.defs.all() {
		if d.Kind == cell.Type || d.Kind == cell.Method {
			decls = append(decls, goprint.Declaration{Source: d.Source, Name: d.Name})
		}
	}
	sort.Slice(decls, func(i, j int) bool { return decls[i].Name < decls[j].Name })
	if err := w.types.Update(decls, w.interp.Eval); err != nil {
		w.noteOnce("types: "+err.Error(), "golab: "+err.Error()+"; values of these types may print with the interpreter's names.\n")
	}
}

// noteOnce writes a note to the cell's stderr the first time key comes up.
func (w *Worker) noteOnce(key, text string) {
	if w.noted == nil {
		w.noted = map[string]bool{}
	}
	if !w.noted[key] {
		w.noted[key] = true
		_, _ = os.Stderr.WriteString(text)
	}
}

// hideStdlibTypeParams renames the type parameters in yaegi's generic
// standard library sources once, before the first interpreter loads them
// (see generics.HideTypeParams), and writes the core type for those that
// stand for a map of the others (maps.Equal; see cell.CoreTypeParamsInFile).
var hideStdlibTypeParams sync.Once

// New makes a worker that writes events to out and marks its standard
// streams with token.
func New(token string, out io.Writer) (*Worker, error) {
	w := &Worker{
		token:    token,
		out:      json.NewEncoder(out),
		inputs:   make(chan string),
		defs:     newDefinitions(),
		children: &launcher{},
	}
	proc.SetLauncher(w.children)
	std, err := saveStdio()
	if err != nil {
		return nil, err
	}
	w.std = std
	w.frames = &frameSniffer{token: token, dst: stderrNow{}}
	goroutines.SetPanicHook(func(o goroutines.Origin, thisCell bool) {
		// A frame with column 0: the go statement that started the
		// goroutine (the supervisor words it so).
		where := "this cell"
		if !thisCell {
			where = "an earlier cell"
		}
		_, _ = io.WriteString(os.Stderr, protocol.Marker(token, "frame", fmt.Sprintf("%d:0: go statement of %s", o.Line, where)))
	})
	var stdin io.Reader = &stdinReader{w: w}
	stdout := &originWriter{token: token, dst: stdoutNow{}}
	w.interp = interp.New(interp.Options{
		Stdin:        stdin,
		Stdout:       stdout,
		Stderr:       w.frames,
		Unrestricted: true,
		Args:         []string{"cell"},
	})
	w.forgetter = newForgetter(w.interp)
	if !w.forgetter.known() {
		fmt.Fprintf(os.Stderr, "golab worker: this yaegi differs from the one golab knows (%s): each cell's compiled code stays in memory for the session\n", w.forgetter.why)
	}
	// os.Stdin in cells is the same input as fmt.Scan's, so
	// bufio.NewReader(os.Stdin) asks the notebook for input too. (It is an
	// io.Reader rather than an *os.File: Read works, Fd does not.)
	hideStdlibTypeParams.Do(func() {
		for i, src := range generic.Sources {
			generic.Sources[i] = cell.CoreTypeParamsInFile(generics.HideTypeParams(src))
		}
	})
	stdinSymbol := interp.Exports{"os/os": {"Stdin": reflect.ValueOf(&stdin).Elem()}}
	for _, table := range []interp.Exports{stdlib.Symbols, syscall.Symbols, unrestricted.Symbols, symbols.ShortPaths(), stdinSymbol, stdsyms.Symbols(), goroutines.Symbols(), cellsync.Symbols(), generics.Symbols()} {
		if err := w.interp.Use(table); err != nil {
			return nil, fmt.Errorf("load interpreter symbols: %w", err)
		}
	}
	cellSymbols := interp.Exports{"golab.internal/cell/cell": {
		"Defer":   reflect.ValueOf(w.cellDefers.add),
		"Return":  reflect.ValueOf(&cellReturned).Elem(),
		"Recover": reflect.ValueOf(w.recoverCell),
	}}
	if err := w.interp.Use(cellSymbols); err != nil {
		return nil, fmt.Errorf("load the cell helpers: %w", err)
	}
	if err := w.interp.Use(sharedCommandLine()); err != nil {
		return nil, fmt.Errorf("load the command line of cells: %w", err)
	}
	w.types = &goprint.Types{Note: w.printNotes.give}
	if err := w.interp.Use(w.types.Symbols(stdout, w.frames)); err != nil {
		return nil, fmt.Errorf("load the printer of cell types: %w", err)
	}
	for _, src := range generics.Sources() {
		if _, err := w.interp.Compile(src); err != nil {
			return nil, fmt.Errorf("compile the generic standard library functions: %w", err)
		}
	}
	if _, err := w.interp.Eval(showFunc); err != nil {
		return nil, fmt.Errorf("define the value formatter: %w", err)
	}
	if _, err := w.interp.Eval(cell.Prelude); err != nil {
		return nil, fmt.Errorf("define the helpers of rewritten cells: %w", err)
	}
	outlet.SetTarget(func(o outlet.Output) {
		w.send(protocol.Event{Op: protocol.EvOutput, Output: &protocol.Output{Kind: o.Kind, Data: o.Data, Metadata: o.Metadata, DisplayID: o.DisplayID, Wait: o.Wait}})
	})
	return w, nil
}

// Serve reads requests from in until it closes, answering each with events.
// Requests are handled one at a time, except input answers, which reach the
// cell that is waiting for them.
func (w *Worker) Serve(in io.Reader) error {
	work := make(chan protocol.Request)
	readErr := make(chan error, 1)
	go func() {
		defer close(work)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 256*1024*1024)
		for sc.Scan() {
			var req protocol.Request
			if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
				readErr <- fmt.Errorf("decode request: %w", err)
				return
			}
			if req.Op == protocol.OpInput {
				select {
				case w.inputs <- req.Value:
				default: // nobody is waiting: a stale answer
				}
				continue
			}
			work <- req
		}
		readErr <- sc.Err()
		if w.OnKernelGone != nil {
			w.OnKernelGone()
		}
	}()
	w.send(protocol.Event{Op: protocol.EvReady})
	for req := range work {
		w.send(w.handleOnRunner(req))
	}
	return <-readErr
}

// runner is the goroutine that runs cells, one at a time. The deadlock
// watcher knows it as the cell's own goroutine.
type runner struct {
	requests chan protocol.Request
	answers  chan protocol.Event
	exited   chan struct{} // closed when the goroutine ends
}

// handleOnRunner handles a request on the runner goroutine. A cell that
// calls runtime.Goexit ends that goroutine, as Goexit ends any: the cell
// is then reported as ended, and the next request gets a new runner.
func (w *Worker) handleOnRunner(req protocol.Request) protocol.Event {
	if w.runner == nil {
		r := &runner{requests: make(chan protocol.Request), answers: make(chan protocol.Event), exited: make(chan struct{})}
		go func() {
			defer close(r.exited)
			// A cell's own deferred calls run when Goexit ends the runner,
			// as a function's do, before the cell is reported ended.
			defer func() {
				if err := w.cellDefers.run(); err != nil {
					fmt.Fprintf(os.Stderr, "golab: %v\n", err)
				}
			}()
			for req := range r.requests {
				r.answers <- w.handle(req)
			}
		}()
		w.runner = r
	}
	r := w.runner
	r.requests <- req
	select {
	case ev := <-r.answers:
		return ev
	case <-r.exited:
		w.runner = nil
		w.watcher = nil // it watched the goroutine that ended
		return protocol.Event{Op: protocol.EvDone, ID: req.ID, Status: "error", Error: &protocol.Error{
			Name:  "runtime.Goexit",
			Value: "runtime.Goexit ended the goroutine that runs the cell",
			Traceback: []string{
				red("runtime.Goexit()") + " ended the goroutine that runs the cell, as it ends any goroutine:",
				"the deferred calls ran, the statements after it did not, and the cell ends here.",
				"(In a Go program, Goexit in main lets the other goroutines run until they finish.)",
				"Goroutines the cell started go on running; the kernel is ready for the next cell.",
			},
		}}
	}
}

func (w *Worker) handle(req protocol.Request) (ev protocol.Event) {
	ev = protocol.Event{Op: protocol.EvDone, ID: req.ID, Status: "ok"}
	defer func() {
		// An interpreter bug must not take the worker down with it.
		if r := recover(); r != nil {
			ev = protocol.Event{Op: protocol.EvDone, ID: req.ID, Status: "error", Error: &protocol.Error{
				Name: "internal error", Value: fmt.Sprint(r),
				Traceback: []string{fmt.Sprintf("the Go interpreter failed on this cell: %v", r)},
			}}
		}
	}()
	switch req.Op {
	case protocol.OpExecute:
		w.execute(req, &ev)
	case protocol.OpRestore:
		r := w.restore(req.Cells, req.Failed)
		ev.Restored, ev.Zeroed, ev.Skipped, ev.NotRestored = r.restored, r.zeroed, r.skipped, r.lost
	case protocol.OpComplete:
		var kinds map[string]string
		ev.Matches, kinds, ev.CursorStart, ev.CursorEnd = w.complete(req.Code, req.Cursor)
		ev.Kinds = map[string]string{}
		for _, m := range ev.Matches {
			ev.Kinds[m] = kinds[m]
		}
	case protocol.OpInspect:
		ev.Found, ev.Data = w.inspect(req.Code, req.Cursor, req.DetailLevel)
	default:
		ev.Status = "error"
		ev.Error = &protocol.Error{Name: "protocol error", Value: fmt.Sprintf("unknown worker request %q", req.Op)}
	}
	return ev
}

// send writes an event, preceded by a sync marker on stdout and stderr.
func (w *Worker) send(ev protocol.Event) {
	w.outMu.Lock()
	defer w.outMu.Unlock()
	w.seq++
	ev.Seq = w.seq
	marker := protocol.SyncMarker(w.token, w.seq)
	// Errors writing our own pipes mean the kernel is gone; the encoder's
	// error below ends the worker.
	_, _ = os.Stdout.WriteString(marker)
	_, _ = os.Stderr.WriteString(marker)
	if err := w.out.Encode(ev); err != nil {
		fmt.Fprintf(os.Stderr, "golab worker: cannot reach the kernel: %v\n", err)
		os.Exit(3)
	}
}

// execute runs one cell.
func (w *Worker) execute(req protocol.Request, ev *protocol.Event) {
	w.allowStdin = req.AllowStdin
	w.frames.reset()
	done := w.watchCell(req.Code, req.ID)
	defer done() // also when the cell calls runtime.Goexit
	result, cellErr := w.run(req.Code)
	if cellErr != nil {
		ev.Status = "error"
		ev.Error = cellErr
	} else if result != "" {
		ev.Result = map[string]any{"text/plain": result}
	}
	if len(req.UserExpressions) > 0 {
		ev.UserExpressions = map[string]any{}
		for name, expr := range req.UserExpressions {
			ev.UserExpressions[name] = w.userExpression(expr)
		}
	}
	if note := w.std.reopen(); note != "" {
		fmt.Fprint(os.Stderr, note)
	}
}

// run evaluates a cell and returns the formatted value of its trailing
// expression, if it has one with a single value.
func (w *Worker) run(src string) (string, *protocol.Error) {
	if e, ok := w.runMagic(src); ok {
		return "", e
	}
	if isWholeProgram(src) {
		compile, why := compileWholePrograms()
		if compile && HelperModule == nil && len(gobuild.HelperImports(src)) > 0 {
			compile, why = false, "it imports golab's helper packages, and this golab binary has not their source to compile them"
		}
		if compile {
			return "", w.runCompiled(src)
		}
		w.noteOnce("interpreted: "+why, "golab: this whole program runs in the interpreter (yaegi), not compiled, because "+why+
			"; it can differ from go run (see the README's known differences).\n")
	}
	plan, err := cell.Split(src)
	if err != nil {
		return "", syntaxError(err, src)
	}
	if explicit := cell.ExplicitTypeArgs(src, plan, w.declarationSources()); explicit != src {
		src = explicit
		if plan, err = cell.Split(src); err != nil {
			return "", syntaxError(err, src)
		}
	}
	skip, refusal := w.checkRedefinitions(plan, src)
	if refusal != nil {
		return "", refusal
	}
	if e := w.checkUndefined(plan, src); e != nil {
		return "", e
	}
	if found := cell.FindUnsupported(src); len(found) > 0 {
		return "", notSupported(found[0], src)
	}
	for _, c := range cell.FindCaveats(src, w.declaredOverBasic(plan)) {
		w.printNotes.give(fmt.Sprintf("golab: cell line %d: %s.\n", c.Line, c.What))
	}
	if e := w.importAll(plan, src); e != nil {
		return "", e
	}
	decls, fromGeneric := cell.SplitDeclDefines(plan.DeclsWithout(skip), w.isGenericIn(plan))
	if e := w.eval(w.rewriteDecls(decls), src); e != nil {
		return "", e
	}
	changed := w.record(plan)
	w.updateTypes(plan)
	w.children.record(declarations(plan))
	if e := w.rebindCallers(changed, src); e != nil {
		return "", e
	}
	for _, p := range fromGeneric {
		if e := w.defineFromFunction(p, src); e != nil {
			return "", e
		}
	}
	w.panicked = nil
	e := w.runStmts(plan.Stmts, src)
	var result string
	if e == errReturned {
		// A return among the cell's statements: the rest of them, and the
		// trailing expression, do not run; the deferred calls do.
		e = nil
	} else if e == nil && strings.TrimSpace(plan.Trailing) != "" {
		// The last statement is part of the cell's body: the deferred
		// calls run after it, as after the end of a main function.
		result, e = w.evalTrailing(plan.Trailing, src)
	}
	w.recovering, w.recovered = e != nil && e.Name != protocol.ChangedDefinition && w.panicked != nil, false
	if err := w.cellDefers.run(); err != nil && e == nil {
		e = &protocol.Error{Name: "panic", Value: err.Error(), Traceback: []string{red("panic: ") + err.Error()}}
	} else if w.recovered {
		e = nil // a deferred call recovered the cell's panic
	}
	w.recovering, w.panicked = false, nil
	if e != nil {
		return "", e
	}
	if plan.RunMain && !cell.CallsMain(plan.Stmts+"\n"+plan.Trailing) {
		if e := w.eval(cell.MainFunc+"()", src); e != nil {
			return "", e
		}
	}
	return result, nil
}

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
	if _, err := parser.ParseFile(token.NewFileSet(), "", file+src, 0); err == nil {
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
	tb := []string{red("not supported") + fmt.Sprintf(" at cell line %d, column %d: %s", u.Line, u.Column, u.What)}
	return &protocol.Error{Name: "not supported", Value: fmt.Sprintf("line %d:%d: %s", u.Line, u.Column, u.What),
		Traceback: append(tb, sourceContext(src, u.Line, u.Column)...)}
}

// rewriteDecls and rewriteStmts rewrite a source for the interpreter (see
// kernel/cell), and say so if two of the rewrites overlapped: the source
// then runs without one of them, maybe differently from Go.
func (w *Worker) rewriteDecls(src string) string {
	return w.rewritten(cell.RewriteDecls(src, w.earlier()))
}

func (w *Worker) rewriteStmts(src string) string {
	return w.rewritten(cell.RewriteStmts(src, w.earlier()))
}

func (w *Worker) rewritten(r cell.Rewritten) string {
	w.refused = nil
	if len(r.Unsupported) > 0 {
		w.refused = &r.Unsupported[0] // eval refuses the piece with it
	}
	for _, c := range r.Conflicts {
		w.noteOnce("rewrite conflict: "+c.String(), fmt.Sprintf("golab: %s; the code there may run differently "+
			"from Go. Please report it with the cell (golab's rewrites for the interpreter are in kernel/cell).\n", c))
	}
	return r.Source
}

// earlier tells the cell rewriter about earlier cells' globals.
func (w *Worker) earlier() cell.Earlier {
	return cell.Earlier{IsInt: w.isInt, IsWaitGroup: w.isWaitGroup, IsMethod: w.defs.hasMethod, LockSite: cellsync.NumberSite, Context: w.typeContext}
}

// typeContext returns what go/types needs to know of the earlier cells:
// their imports and declarations, and `var name T` for each variable their
// statements made whose type can be written (goprint.TypeSource).
func (w *Worker) typeContext() cell.TypeContext {
	out := w.declarationSources()
	var names []string
	globals := w.globals()
	for name := range globals {
		if _, declared := w.defs.value(name); !declared && !strings.HasPrefix(name, "__golab") && name != "_" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	seen := map[string]bool{}
	for _, name := range names {
		v := globals[name]
		if !v.IsValid() {
			continue
		}
		t := v.Type()
		if t.Kind() == reflect.Pointer { // yaegi keeps globals addressable
			t = t.Elem()
		}
		if src, ok := w.types.TypeSource(t); ok {
			out = append(out, "var "+name+" "+src)
		} else if decl, ok := w.defs.definesOf(name); ok && !seen[decl] {
			seen[decl] = true
			out = append(out, decl) // var lst = List[int]{}
		}
	}
	return cell.TypeContext{Imports: w.defs.importLines(), Decls: out}
}

// isWaitGroup reports whether a global is a sync.WaitGroup or a pointer
// to one.
func (w *Worker) isWaitGroup(name string) bool {
	v, ok := w.globals()[name]
	if !ok || !v.IsValid() {
		return false
	}
	t := v.Type()
	for t.Kind() == reflect.Pointer { // yaegi keeps globals addressable
		t = t.Elem()
	}
	return t == reflect.TypeOf(sync.WaitGroup{})
}

// isInt reports whether an earlier cell defined name as an integer variable
// or constant; the cell rewriter asks, to recognise range over an integer.
func (w *Worker) isInt(name string) bool {
	if d, ok := w.defs.value(name); ok && d.Kind == cell.Const {
		return constIsInt(d.Source, name)
	}
	v, ok := w.globals()[name]
	if !ok || !v.IsValid() {
		return false
	}
	t := v.Type()
	if t.Kind() == reflect.Pointer { // yaegi keeps globals addressable
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

var intTypes = map[string]bool{"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true, "byte": true, "rune": true}

// constIsInt reports whether a constant declaration gives name an integer
// value: an integer literal or an integer type.
func constIsInt(decl, name string) bool {
	file, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+decl, 0)
	if err != nil {
		return false
	}
	found := false
	ast.Inspect(file, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, id := range vs.Names {
			if id.Name != name {
				continue
			}
			if t, ok := vs.Type.(*ast.Ident); ok {
				found = intTypes[t.Name]
			} else if i < len(vs.Values) {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				found = ok && lit.Kind == token.INT
			}
		}
		return false
	})
	return found
}

// userExpression evaluates an expression from an execute request's
// user_expressions, in the shape Jupyter expects. Each expression stands
// alone, as in ipykernel: its failure (an undefined name, a panic) is its
// own entry's error and touches neither the cell nor the other entries.
func (w *Worker) userExpression(expr string) (entry map[string]any) {
	failed := func(name, value string) map[string]any {
		return map[string]any{"status": "error", "ename": name, "evalue": value, "traceback": []string{value}}
	}
	defer func() {
		if r := recover(); r != nil {
			entry = failed("internal error", fmt.Sprintf("the Go interpreter failed on this expression: %v", r))
		}
	}()
	if _, err := parser.ParseExpr(expr); err != nil {
		return failed("SyntaxError", fmt.Sprintf("%q is not a Go expression: %v", expr, err))
	}
	// Checked and evaluated as a cell whose only line is the expression.
	text, err := w.run(expr)
	if err != nil {
		return failed(err.Name, err.Value)
	}
	return map[string]any{"status": "ok", "data": map[string]any{"text/plain": text}, "metadata": map[string]any{}}
}

// checkRedefinitions decides what to do with names the cell defines again.
// Unchanged types and methods are skipped (the interpreter ignores a second
// declaration anyway); changed ones are refused with a message, because
// yaegi would silently keep the old ones.
func (w *Worker) checkRedefinitions(plan *cell.Plan, src string) ([]cell.Definition, *protocol.Error) {
	var skip []cell.Definition
	for _, d := range plan.Defined {
		if d.Kind != cell.Type && d.Kind != cell.Method {
			continue
		}
		old, ok := w.defs.earlier(d)
		if !ok {
			continue
		}
		if old.Source == d.Source {
			skip = append(skip, d)
			continue
		}
		what := "type " + d.Name
		if d.Kind == cell.Method {
			what = "method " + d.Name
		}
		// yaegi would keep the old definition for the values and methods
		// made with it: the supervisor starts a fresh worker, restores the
		// earlier cells with the new definition in place of the old, and
		// runs this cell again.
		return nil, &protocol.Error{Name: protocol.ChangedDefinition, Value: what + " changes its earlier definition",
			Traceback: []string{fmt.Sprintf("%s changes its earlier definition (cell line %d).", what, d.Line)}}
	}
	return skip, nil
}

// dotSymbol returns what a package imported with a dot (import . "math")
// exports as name, looking at the notebook's imports and those of the cell
// being run.
func (w *Worker) dotSymbol(name string, cellImports []cell.Import) (reflect.Value, bool) {
	var dotted []string
	for _, imp := range cellImports {
		if imp.Name == "." {
			dotted = append(dotted, imp.Path)
		}
	}
	for imp := range w.defs.imports {
		if imp.name == "." {
			dotted = append(dotted, imp.path)
		}
	}
	for _, path := range dotted {
		for _, names := range w.interp.Symbols(path) {
			if v, ok := names[name]; ok {
				return v, true
			}
		}
	}
	return reflect.Value{}, false
}

// checkUndefined reports the first identifier the cell uses that nothing
// declares, in Go's words. yaegi's own answer to an undefined name ranges
// from a misleading message to a crash.
func (w *Worker) checkUndefined(plan *cell.Plan, src string) *protocol.Error {
	imported := map[string]bool{}
	for _, imp := range plan.ImportSpecs {
		imported[importName(imp.Name, imp.Path)] = true
	}
	exportedByDotted := func(name string) bool {
		_, ok := w.dotSymbol(name, plan.ImportSpecs)
		return ok
	}
	globals := w.globals()
	for _, id := range plan.Free {
		name := id.Name
		_, isValue := w.defs.value(name)
		_, isType := w.defs.typ(name)
		isPkg := w.defs.isPackage(name)
		_, isGlobal := globals[name]
		if isValue || isType || isPkg || isGlobal || imported[name] || types.Universe.Lookup(name) != nil || exportedByDotted(name) {
			continue
		}
		tb := []string{red("error") + fmt.Sprintf(" at cell line %d, column %d: undefined: %s", id.Line, id.Column, name)}
		tb = append(tb, sourceContext(src, id.Line, id.Column)...)
		if path := packagePathNamed(name); path != "" {
			tb = append(tb, fmt.Sprintf("(did you forget import %q?)", path))
		}
		return &protocol.Error{Name: "undefined", Value: fmt.Sprintf("line %d:%d: undefined: %s", id.Line, id.Column, name), Traceback: tb}
	}
	return nil
}

// importAll evaluates the cell's imports that are new: yaegi refuses to
// import a package a second time, and re-running a cell is common.
func (w *Worker) importAll(plan *cell.Plan, src string) *protocol.Error {
	for _, imp := range plan.ImportSpecs {
		if w.defs.imported(imp.Name, imp.Path) {
			continue
		}
		if e := w.eval(imp.Source(), src); e != nil {
			return e
		}
		w.defs.addImport(imp.Name, imp.Path)
	}
	return nil
}

// record remembers the cell's definitions and returns the names of
// functions whose body changed.
func (w *Worker) record(plan *cell.Plan) []string {
	var changed []string
	for _, d := range plan.Defined {
		if old, ok := w.defs.earlier(d); ok && d.Kind == cell.Func && old.Source != d.Source {
			changed = append(changed, d.Name)
		}
		w.defs.put(d)
	}
	return changed
}

// rebindCallers re-evaluates the functions that call a redefined function,
// directly or not, so that they call the new body: yaegi binds calls when a
// function is declared.
func (w *Worker) rebindCallers(changed []string, src string) *protocol.Error {
	if len(changed) == 0 {
		return nil
	}
	pending := append([]string(nil), changed...)
	seen := map[string]bool{}
	for _, n := range changed {
		seen[n] = true
	}
	for len(pending) > 0 {
		name := pending[0]
		pending = pending[1:]
		for _, d := range w.defs.all() {
			if d.Kind != cell.Func || seen[d.Name] || !contains(d.Uses, name) {
				continue
			}
			seen[d.Name] = true
			pending = append(pending, d.Name)
			if _, err := w.try(w.rewriteDecls(d.Source)); err != nil {
				return &protocol.Error{Name: "redefinition", Value: fmt.Sprintf("could not update %s to call the new %s: %v", d.Name, name, err),
					Traceback: []string{fmt.Sprintf("%s calls %s, which this cell redefines, and could not be updated: %v", d.Name, name, err)}}
			}
		}
	}
	return nil
}

// restored is what a restore brought back.
type restored struct {
	restored, zeroed, skipped, lost []string
}

// restore evaluates the imports and declarations of earlier cells in a
// fresh interpreter, and says which names came back. It runs none of the
// learner's code: variables whose initializers would are declared with
// zero values or left out (see cell.ReplayDecls), and func init is not run
// again. Cells that failed contribute what compiles, without complaint
// about the rest.
func (w *Worker) restore(cells []string, failed []int) (r restored) {
	isFailed := map[int]bool{}
	for _, i := range failed {
		isFailed[i] = true
	}
	known := w.replayKnown()
	cells = withLatestDefinitions(cells)
	for i, src := range cells {
		plan, err := cell.Split(src)
		if err != nil {
			continue
		}
		if w.checkUndefined(plan, src) != nil && isFailed[i] {
			continue
		}
		if e := w.importAll(plan, src); e != nil && !isFailed[i] {
			r.lost = append(r.lost, "imports of "+strings.Join(plan.ImportPaths, ", "))
		}
		if strings.TrimSpace(plan.Decls) == "" {
			continue
		}
		skip, refusal := w.checkRedefinitions(plan, src)
		if refusal != nil {
			continue // the cell was refused when it ran, too
		}
		replay := cell.ReplayDecls(plan.DeclsWithout(skip), known)
		if _, err := w.try(w.rewriteDecls(replay.Source)); err != nil {
			if !isFailed[i] {
				for _, d := range plan.Defined {
					r.lost = append(r.lost, string(d.Kind)+" "+d.Name)
				}
			}
			continue
		}
		w.record(plan)
		w.updateTypes(plan)
		w.children.record(declarations(plan))
		left := map[string]bool{}
		for _, n := range replay.Zeroed {
			left["var "+n] = true
		}
		for _, sk := range replay.Skipped {
			name, _, _ := strings.Cut(sk, " (")
			left[name] = true
		}
		for _, d := range plan.Defined {
			if name := string(d.Kind) + " " + d.Name; !left[name] {
				r.restored = append(r.restored, name)
			}
		}
		r.zeroed = append(r.zeroed, replay.Zeroed...)
		r.skipped = append(r.skipped, replay.Skipped...)
	}
	return r
}

// replayKnown tells cell.ReplayDecls what earlier cells declared.
func (w *Worker) replayKnown() cell.Known {
	return cell.Known{
		IsType:     func(name string) bool { _, ok := w.defs.typ(name); return ok },
		ResultType: w.resultType,
	}
}

// resultType returns the result type of a function an earlier cell
// declared, as source text, or "".
func (w *Worker) resultType(fn string) string {
	d, ok := w.defs.value(fn)
	if !ok || d.Kind != cell.Func {
		return ""
	}
	file, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+d.Source, 0)
	if err != nil || len(file.Decls) != 1 {
		return ""
	}
	fd, ok := file.Decls[0].(*ast.FuncDecl)
	if !ok || fd.Type.Results == nil || len(fd.Type.Results.List) != 1 || len(fd.Type.Results.List[0].Names) > 1 {
		return ""
	}
	t := fd.Type.Results.List[0].Type
	src := "package p;" + d.Source
	return src[t.Pos()-1 : t.End()-1]
}

// definitionKey identifies a definition by its namespace and name.
type definitionKey struct {
	namespace cell.Kind // Func for every value: variables, constants and functions share a namespace, as in Go
	name      string
}

func key(d cell.Definition) definitionKey {
	if d.Kind == cell.Var || d.Kind == cell.Const {
		return definitionKey{cell.Func, d.Name}
	}
	return definitionKey{d.Kind, d.Name}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// stdinReader is what interpreted code reads through fmt.Scan and friends:
// each read with nothing buffered asks the notebook for a line of input.
type stdinReader struct {
	w   *Worker
	buf []byte
}

// Read returns buffered input, asking the notebook for a line when empty.
func (r *stdinReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if !r.w.allowStdin {
			panic("this cell reads input, but the notebook front end does not accept input requests " +
				"(allow_stdin is false, as in nbconvert, papermill or golab run); " +
				"give the value in the cell instead")
		}
		r.w.send(protocol.Event{Op: protocol.EvInputRequest})
		line, ok := <-r.w.inputs
		if !ok {
			return 0, io.EOF
		}
		r.buf = []byte(line + "\n")
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

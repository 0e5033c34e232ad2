package worker

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/generic"
	"github.com/traefik/yaegi/stdlib/syscall"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"github.com/golab-notebooks/golab/internal/outlet"
	"github.com/golab-notebooks/golab/internal/replay"
	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/cell"
	"github.com/golab-notebooks/golab/kernel/interp/generics"
	"github.com/golab-notebooks/golab/kernel/interp/gobuild"
	"github.com/golab-notebooks/golab/kernel/interp/goprint"
	"github.com/golab-notebooks/golab/kernel/interp/goroutines"
	"github.com/golab-notebooks/golab/kernel/interp/noise"
	"github.com/golab-notebooks/golab/kernel/interp/stdsyms"
	"github.com/golab-notebooks/golab/kernel/interp/stop"
	cellsync "github.com/golab-notebooks/golab/kernel/interp/sync"
	"github.com/golab-notebooks/golab/runtime/proc"
	"github.com/golab-notebooks/golab/runtime/symbols"
	"golang.org/x/sys/unix"

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
	// announcing is set while a cell the kernel sent runs (not a restore,
	// nor a golab/proc child's replay): run then tells the kernel what the
	// cell declares (protocol.EvDeclared).
	announcing bool
	// declaring is what the cell that runs declares (set by announce), and
	// lastFailed, by name, the error of the last cell that declared it, if
	// that cell failed: %check says so rather than test an older version
	// silently.
	declaring  []string
	lastFailed map[string]string
	// passesOff names the rewriter's feature passes turned off (by the
	// benchmarks that measure what one costs; see cell.Context.PassOff).
	passesOff map[string]bool
	// busy is set while a cell runs, for the interrupt handler; cellStarts
	// wakes the goroutine that reads the interrupt pipe while one runs.
	busy        atomic.Bool
	cellStarts  chan struct{}
	interruptMu sync.Mutex
	// watching is the cell that runs, for the account of the goroutines
	// an interrupt could not stop (under interruptMu).
	watching watchedCell
	// checkCells holds the numbers of the executions that were %check
	// cells (read by the deadlock watch's goroutine, hence a sync.Map).
	checkCells sync.Map
	// compiledBound holds the import paths of the %compile plugins bound
	// into the interpreter (a package is imported once).
	compiledBound map[string]bool
	// compiledFuncs holds, by name, the definition of each function a
	// %compile cell bound (no hint offers to compile it again; a panic in
	// it is shown in its cell's source).
	compiledFuncs map[string]cell.Definition
}

// interruptSettle bounds how long the goroutines an interrupt stops have
// to reach a safe point before the flag is cleared: a loop reaches its
// next one in microseconds once it is scheduled (on a busy CPU, after a
// few of the scheduler's 10 ms slices). Waiting ends sooner when no
// goroutine a cell started is left. (A goroutine in time.Sleep needs no
// wait: it stops at the end of its slice, see goroutines.sleep.)
const interruptSettle = 120 * time.Millisecond

// stopOnInterrupt makes an interrupt from the kernel stop the interpreted
// code at its next safe point (kernel/interp/stop): the running cell ends
// with "interrupted", its goroutines and those earlier cells left spinning
// end, and the worker with every variable stays. Code that reaches no safe
// point (a blocking call, a long sleep) is the kernel's to end, by ending
// the worker.
//
// The kernel writes a byte to the interrupt pipe, then sends SIGINT. The
// signal reaches the worker through a goroutine that the Go scheduler runs
// late when the cell's goroutines keep every CPU busy (measured: 90 ms
// with ten spinning goroutines on two CPUs, 200 ms on one), so while a cell
// runs, a goroutine woken by a timer, which the scheduler runs at once
// when a goroutine is preempted, reads the pipe every pollInterrupts.
// Whichever sees the interrupt first takes the byte; the other finds none.
func (w *Worker) stopOnInterrupt(pipe *os.File) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	go func() {
		for range sigs {
			if pipe == nil || w.takeInterrupt(pipe) {
				w.interrupt()
			}
		}
	}()
	if pipe == nil {
		return
	}
	w.cellStarts = make(chan struct{}, 1)
	go func() {
		for range w.cellStarts {
			for w.busy.Load() {
				if w.takeInterrupt(pipe) {
					w.interrupt()
				}
				time.Sleep(pollInterrupts)
			}
		}
	}()
}

// stuckAfter is how long after an interrupt the worker says which of the
// cell's goroutines have not stopped: before the kernel's patience
// (supervisor.interruptGrace, 500 ms) ends.
const stuckAfter = 300 * time.Millisecond

// pollInterrupts is how often a running cell's worker reads its interrupt
// pipe: a non-blocking read, about a microsecond of CPU.
const pollInterrupts = 2 * time.Millisecond

// takeInterrupt reads the bytes waiting in the interrupt pipe, without
// blocking, and reports whether there were any.
func (w *Worker) takeInterrupt(pipe *os.File) bool {
	raw, err := pipe.SyscallConn()
	if err != nil {
		return false
	}
	var n int
	_ = raw.Read(func(fd uintptr) bool {
		var buf [64]byte
		n, _ = unix.Read(int(fd), buf[:])
		return true // empty or not, do not wait
	})
	return n > 0
}

// interrupt stops the running cell, or, with no cell running, the
// goroutines earlier cells left spinning, and says how many.
func (w *Worker) interrupt() {
	w.interruptMu.Lock()
	defer w.interruptMu.Unlock()
	before := stop.Stopped()
	stop.Request()
	if w.busy.Load() {
		// If the cell has not stopped before the kernel's patience ends,
		// say which goroutines keep it.
		epoch, c := stop.Epoch(), w.watching
		time.AfterFunc(stuckAfter, func() {
			if w.busy.Load() && stop.Pending() && stop.Epoch() == epoch {
				w.reportStuck(c)
			}
		})
		return
	}
	go func() {
		settle()
		if w.busy.Load() {
			return
		}
		stop.Clear()
		if n := stop.Stopped() - before; n > 0 {
			fmt.Printf("golab: the interrupt stopped %d %s that earlier cells left running.\n", n, plural(int(n), "goroutine", "goroutines"))
		}
	}()
}

// settle waits, at most interruptSettle, until the goroutines cells
// started have ended.
func settle() {
	deadline := time.Now().Add(interruptSettle)
	for goroutines.Live() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

// endCell is called once a request's answer is sent, before the next
// request is read. After an interrupt it lets the goroutines the interrupt
// stopped reach their safe points, then lets code run again: the learner
// has the kernel back as soon as the cell's own goroutine has stopped, and
// a next cell waits for the rest (at most interruptSettle).
func (w *Worker) endCell() {
	if stop.Pending() {
		settle()
		stop.Clear()
	}
	w.busy.Store(false)
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
	if stop.Pending() && len(calls) > 0 {
		stop.Finishing() // an interrupted cell's deferred calls run to their end
	}
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

		compiledBound: map[string]bool{},
		compiledFuncs: map[string]cell.Definition{},
	}
	proc.SetLauncher(w.children)
	replay.Run, replay.Seeds, replay.Point = noise.Exclusive, noise.Seeds, noise.Point // golab/race's replayable runs
	std, err := saveStdio()
	if err != nil {
		return nil, err
	}
	w.std = std
	w.frames = &frameSniffer{token: token, dst: stderrNow{}}
	goroutines.SetPanicHook(func(o goroutines.Origin, thisCell bool) {
		// A frame with column 0: the go statement that started the
		// goroutine (the supervisor words it so).
		f, _ := json.Marshal(failure.Frame{Line: o.Line, GoStatement: true, ThisCell: thisCell})
		_, _ = io.WriteString(os.Stderr, protocol.Marker(token, protocol.FrameMarker, string(f)))
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
	for _, table := range []interp.Exports{stdlib.Symbols, syscall.Symbols, unrestricted.Symbols, symbols.ShortPaths(), stdinSymbol, stdsyms.Symbols(), goroutines.Symbols(), cellsync.Symbols(), generics.Symbols(), noise.Symbols(), stop.Symbols()} {
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
	// The safe points' flag: an interpreted global, set through its address.
	flag, err := w.interp.Eval("&__golab_stopping")
	if err != nil {
		return nil, fmt.Errorf("find the stop flag of the safe points: %w", err)
	}
	p, ok := flag.Interface().(*bool)
	if !ok {
		return nil, fmt.Errorf("the stop flag of the safe points is a %v, not a *bool", flag.Type())
	}
	stop.Bind(p)
	turns, err := w.interp.Eval("&__golab_turns")
	if err != nil {
		return nil, fmt.Errorf("find the flag of replayable runs: %w", err)
	}
	if p, ok := turns.Interface().(*bool); ok {
		noise.BindTurns(p)
	}
	outlet.SetTarget(func(o outlet.Output) {
		w.send(protocol.Event{Op: protocol.EvOutput, Output: &protocol.Output{Kind: o.Kind, Data: o.Data, Metadata: o.Metadata, DisplayID: o.DisplayID, Wait: o.Wait}})
	})
	return w, nil
}

// Serve reads requests from in until it closes, answering each with events.
// Requests are handled one at a time, except input answers, which reach the
// cell that is waiting for them.
//
// interrupts is the pipe the kernel writes a byte to for each interrupt,
// or nil (then SIGINT alone interrupts).
func (w *Worker) Serve(in io.Reader, interrupts *os.File) error {
	w.stopOnInterrupt(interrupts)
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
				if req.Interrupted && w.busy.Load() {
					stop.Request() // the cell ends as interrupted (see execute)
				}
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
		w.endCell()
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
		return protocol.Event{Op: protocol.EvDone, ID: req.ID, Status: protocol.StatusError, Error: &protocol.Error{
			Name:  "runtime.Goexit",
			Value: "runtime.Goexit ended the goroutine that runs the cell",
			Traceback: []string{
				failure.Red("runtime.Goexit()") + " ended the goroutine that runs the cell, as it ends any goroutine:",
				"the deferred calls ran, the statements after it did not, and the cell ends here.",
				"(In a Go program, Goexit in main lets the other goroutines run until they finish.)",
				"Goroutines the cell started go on running; the kernel is ready for the next cell.",
			},
		}}
	}
}

func (w *Worker) handle(req protocol.Request) (ev protocol.Event) {
	ev = protocol.Event{Op: protocol.EvDone, ID: req.ID, Status: protocol.StatusOK}
	defer func() {
		// An interpreter bug must not take the worker down with it.
		if r := recover(); r != nil {
			ev = protocol.Event{Op: protocol.EvDone, ID: req.ID, Status: protocol.StatusError, Error: &protocol.Error{
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
	case protocol.OpIsComplete:
		ev.Completeness, ev.Indent = cell.Completeness(req.Code)
	default:
		ev.Status = protocol.StatusError
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
	w.announcing, w.declaring = true, nil
	defer func() { w.announcing = false }() // also after runtime.Goexit
	stop.Clear()                            // an interrupt asked for while no cell ran is over
	w.busy.Store(true)                      // until endCell
	if w.cellStarts != nil {
		select {
		case w.cellStarts <- struct{}{}: // read the interrupt pipe while it runs
		default:
		}
	}
	result, cellErr := w.run(req.Code)
	if cellErr == nil && stop.Pending() {
		// Interrupted where no safe point came, yet the cell ended (an
		// input request the interrupt cancelled): it was interrupted.
		result, cellErr = "", w.interrupted()
	}
	w.announcing = false // before the user expressions, and when run did not announce
	w.rememberOutcome(cellErr)
	if cellErr != nil {
		ev.Status = protocol.StatusError
		ev.Error = cellErr
	} else if result != "" {
		ev.Result = map[string]any{"text/plain": result}
	}
	if len(req.UserExpressions) > 0 {
		ev.UserExpressions = map[string]protocol.UserExpression{}
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
	if cell.IsWholeProgram(src) {
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
	c, err := cell.Compile(src, w.context())
	if err != nil {
		if w.announcing {
			// No syntax tree: the functions the cell meant to declare, by
			// their lines, for %check to say that their cell failed.
			for _, m := range funcLine.FindAllStringSubmatch(src, -1) {
				w.declaring = append(w.declaring, m[1])
			}
		}
		return "", syntaxError(err, src)
	}
	src, plan := c.Source, c.Plan
	w.announce(plan)
	skip, refusal := w.checkRedefinitions(plan, src)
	if refusal != nil {
		return "", refusal
	}
	if e := w.checkUndefined(plan, src); e != nil {
		return "", e
	}
	if len(c.Unsupported) > 0 {
		return "", notSupported(c.Unsupported[0], src)
	}
	for _, c := range c.Caveats {
		w.printNotes.give(fmt.Sprintf("golab: cell line %d: %s.\n", c.Line, c.What))
	}
	steps := c.Steps(skip)
	for _, step := range steps.Declare {
		if e := w.declare(step, plan, src); e != nil {
			return "", e
		}
	}
	w.panicked = nil
	started := time.Now()
	result, e := w.runBody(steps.Body, src)
	w.hintCompile(plan, time.Since(started))
	w.recovering, w.recovered = e != nil && e.Name != protocol.ChangedDefinition && w.panicked != nil && !stop.Is(w.panicked), false
	if err := w.cellDefers.run(); err != nil && e == nil {
		e = &protocol.Error{Name: "panic", Value: err.Error(), Traceback: []string{failure.Red("panic: ") + err.Error()}}
	} else if w.recovered {
		e = nil // a deferred call recovered the cell's panic
	}
	w.recovering, w.panicked = false, nil
	if e != nil {
		return "", e
	}
	if steps.CallMain {
		if e := w.eval(cell.MainFunc+"()", src); e != nil {
			return "", e
		}
	}
	return result, nil
}

// userExpression evaluates an expression from an execute request's
// user_expressions, in the shape Jupyter expects. Each expression stands
// alone, as in ipykernel: its failure (an undefined name, a panic) is its
// own entry's error and touches neither the cell nor the other entries.
func (w *Worker) userExpression(expr string) (entry protocol.UserExpression) {
	failed := func(name, value string) protocol.UserExpression {
		return protocol.UserExpression{Status: protocol.StatusError, Name: name, Value: value, Traceback: []string{value}}
	}
	defer func() {
		if r := recover(); r != nil {
			entry = failed("internal error", fmt.Sprintf("the Go interpreter failed on this expression: %v", r))
		}
	}()
	if err := cell.CheckExpr(expr); err != nil {
		return failed("SyntaxError", fmt.Sprintf("%q is not a Go expression: %v", expr, err))
	}
	// Checked and evaluated as a cell whose only line is the expression.
	text, err := w.run(expr)
	if err != nil {
		return failed(err.Name, err.Value)
	}
	return protocol.UserExpression{Status: protocol.StatusOK, Data: map[string]any{"text/plain": text}, Metadata: map[string]any{}}
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

// announce tells the kernel, for the notebook's journal, what the cell
// about to run declares and what of it a new worker replays.
func (w *Worker) announce(plan *cell.Plan) {
	if !w.announcing {
		return
	}
	w.announcing = false // once per cell: runs nested in it (a %check's) are not the cell
	for _, d := range plan.Defined {
		w.declaring = append(w.declaring, d.Name)
	}
	decls, vars := cell.ReplaySource(plan)
	if strings.TrimSpace(decls+vars) == "" && len(plan.Defined) == 0 {
		return
	}
	w.send(protocol.Event{Op: protocol.EvDeclared, Declared: declaredIn(plan), Replay: decls, ReplayVars: vars})
}

// funcLine matches the first line of a function declaration.
var funcLine = regexp.MustCompile(`(?m)^func\s+([\pL_][\pL\pN_]*)\s*[\[(]`)

// rememberOutcome notes, for each name the cell declares, whether its
// last run failed, and how.
func (w *Worker) rememberOutcome(cellErr *protocol.Error) {
	if w.lastFailed == nil {
		w.lastFailed = map[string]string{}
	}
	for _, name := range w.declaring {
		if cellErr != nil && cellErr.Name != protocol.ChangedDefinition {
			w.lastFailed[name] = cellErr.Value
		} else {
			delete(w.lastFailed, name)
		}
	}
}

// declaredIn lists what a cell declares, for the kernel's journal.
func declaredIn(plan *cell.Plan) []protocol.Declaration {
	out := make([]protocol.Declaration, 0, len(plan.Defined))
	for _, d := range plan.Defined {
		out = append(out, protocol.Declaration{Kind: string(d.Kind), Name: d.Name, Line: d.Line,
			CallsItself: d.CallsItself})
	}
	return out
}

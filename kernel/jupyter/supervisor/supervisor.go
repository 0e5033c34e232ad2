// Package supervisor runs the golab worker process on behalf of the
// kernel: it starts it, sends it cells, streams its output while a cell
// runs, and when the worker dies (a crash, an interrupt) it gathers what
// happened for package failure to word, starts a new worker and restores
// the notebook's journal into it.
package supervisor

import (
	"fmt"
	"log"
	"os"
	"sync"
	"time"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/limits"
	"golang.org/x/sys/unix"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// Sink receives what a running cell produces. Stream and Display are
// called from the supervisor's goroutines, one call at a time.
type Sink struct {
	// Stream receives text the cell wrote to "stdout" or "stderr".
	Stream func(name, text string)
	// Display receives rich outputs (display, update, clear).
	Display func(o protocol.Output)
	// Input asks the learner for a line of input. It may be nil when the
	// front end cannot answer (the worker then refuses to read).
	Input func(prompt string, password bool) (string, error)
	// KeepsLateOutput says the sink takes what goroutines its cell left
	// running print even while later cells run (golab run records it in the
	// cell that started them). Otherwise such text goes to the cell running
	// when it arrives, which every front end shows, and to the sink of the
	// cell that started the goroutine only while no cell runs (JupyterLab
	// keeps showing a cell's output until the cell runs again).
	KeepsLateOutput bool
}

// Result is how a cell ended.
type Result struct {
	Status          string         // protocol.StatusOK or protocol.StatusError
	Data            map[string]any // the trailing expression's value, if shown
	Error           *protocol.Error
	UserExpressions map[string]protocol.UserExpression
}

// Options configure a Supervisor.
type Options struct {
	// Command starts a worker: the golab binary and its arguments, by
	// default this executable with "worker".
	Command []string
	// Limits bound the worker's memory, each cell's output and the time a
	// new worker may take to restore earlier cells; zero fields take the
	// defaults of package limits.
	Limits limits.Limits
	// Log receives diagnostics; nil means the standard logger.
	Log *log.Logger
	// Background starts the first worker without waiting for it: New
	// returns at once (the kernel answers kernel_info while the
	// interpreter loads), and the first request waits for the worker.
	Background bool
	// WorkDir is the workers' working directory; empty means this
	// process's (the kernel's, which Jupyter sets to the notebook's).
	WorkDir string
}

// Supervisor owns one worker process at a time. Its methods are safe for
// concurrent use; cells run one at a time.
type Supervisor struct {
	opts Options

	runMu sync.Mutex // one request to the worker at a time

	// dir is the kernel's private directory (mode 0700): overflow files of
	// cells' output, and each worker's TMPDIR. Close removes it.
	dir        string
	workers    int           // workers started so far, to name their directories
	firstStart chan struct{} // closed once the first worker started, or failed to

	// sinkMu keeps calls into sinks one at a time: the routers of the
	// current worker and of earlier ones, and the supervisor's own notes.
	sinkMu sync.Mutex

	mu          sync.Mutex
	proc        *process
	interrupted bool
	history     journal // cells run so far, whose declarations a new worker restores
	pendingNote string  // said at the start of the next cell: what happened between cells
	running     *Sink   // the sink of the cell running, or nil between cells
}

// New makes a supervisor and starts its first worker.
func New(opts Options) (*Supervisor, error) {
	if opts.Log == nil {
		opts.Log = log.Default()
	}
	opts.Limits = opts.Limits.WithDefaults()
	if len(opts.Command) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("find the golab executable to start a worker: %w", err)
		}
		opts.Command = []string{exe, "worker"}
	}
	dir, err := makePrivateDir()
	if err != nil {
		return nil, err
	}
	s := &Supervisor{opts: opts, dir: dir, firstStart: make(chan struct{}), history: journal{dir: dir}}
	if opts.Background {
		go s.startFirst()
		return s, nil
	}
	if err := s.startFirst(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// FromEnvironment starts a supervisor of this executable's worker with the
// limits the environment sets (limits.FromEnv, e.g. GOLAB_MEMORY_LIMIT_MB):
// golab run, golab lesson check and golab grade all start theirs so, and
// the kernel takes the same limits, so that the variables bound cells
// however golab runs them.
func FromEnvironment(log *log.Logger) (*Supervisor, error) {
	lim, err := limits.FromEnv()
	if err != nil {
		return nil, err
	}
	return New(Options{Log: log, Limits: lim})
}

// startFirst starts the first worker; a failure is reported by New, or
// with Background by the first request (which tries again).
func (s *Supervisor) startFirst() error {
	defer close(s.firstStart)
	p, err := s.start()
	if err != nil {
		s.opts.Log.Printf("start the Go worker: %v", err)
		return err
	}
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	return nil
}

// Execute runs a cell and reports how it ended. Output goes to sink while
// the cell runs; for the output of goroutines the cell leaves running, see
// Sink.KeepsLateOutput.
func (s *Supervisor) Execute(code string, allowStdin bool, userExpressions map[string]string, sink *Sink) Result {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	p, err := s.current()
	if err != nil {
		return errorResult("worker unavailable", err.Error(), nil)
	}
	limit := &limiter{max: s.opts.Limits.OutputShown, saveMax: s.opts.Limits.OutputSaved, dir: s.dir}
	s.mu.Lock()
	s.interrupted = false
	note := s.pendingNote
	s.pendingNote = ""
	s.running = sink
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = nil
		s.mu.Unlock()
	}()
	if h := p.router.takeHeld(); h.Bytes > 0 {
		note += failure.HeldWhileIdle(h.Bytes, h.Lines, string(h.Tail), h.After)
	}
	if note != "" {
		s.tell(sink, note)
	}

	req := protocol.Request{Op: protocol.OpExecute, Code: code, AllowStdin: allowStdin && sink.Input != nil, UserExpressions: userExpressions}
	ev, alive := p.callCell(req, sink, limit)
	if alive && ev.Status == protocol.StatusError && ev.Error != nil && ev.Error.Name == protocol.ChangedDefinition {
		p.router.endCell()
		if p, ev, alive = s.redefine(p, code, req, sink, limit, ev); p == nil {
			return errorResult("worker unavailable", ev.Error.Value, ev.Error.Traceback)
		}
	}
	defer p.router.endCell()
	var res Result
	if alive {
		p.router.flush()
		p.router.forgetFrames()
		res = Result{Status: ev.Status, Data: ev.Result, Error: ev.Error, UserExpressions: ev.UserExpressions}
		s.mu.Lock()
		failed := ev.Status != protocol.StatusOK
		s.history.add(p.takeDeclared(), failed, failed)
		s.mu.Unlock()
	} else {
		res = s.workerDied(p, code)
	}
	if notice := p.router.notice(limit); notice != "" {
		s.tell(sink, notice)
	}
	if res.Status == "" {
		res.Status = protocol.StatusOK
	}
	return res
}

// redefine answers a cell that changes a type or method an earlier cell
// defined: a fresh worker restores the earlier cells with the new
// definition in place of the old (and this cell's declarations), the cell
// runs again there, and the learner is told. It returns the new process
// and the cell's end, or a nil process when no worker could start.
func (s *Supervisor) redefine(p0 *process, code string, req protocol.Request, sink *Sink, limit *limiter, changed protocol.Event) (*process, protocol.Event, bool) {
	d := p0.takeDeclared()
	p, report, err := s.restart(journalEntry{code: d.source(false), declared: d.names})
	if err != nil {
		changed.Error = failure.NoWorker(err)
		return nil, changed, false
	}
	s.tell(sink, failure.Redefined(changed.Error.Value, failure.Restarted(report, nil)))
	ev, alive := p.callCell(req, sink, limit)
	return p, ev, alive
}

// tell writes the supervisor's own note to a sink's stderr.
func (s *Supervisor) tell(sink *Sink, text string) {
	if sink == nil || sink.Stream == nil {
		return
	}
	s.sinkMu.Lock()
	defer s.sinkMu.Unlock()
	sink.Stream("stderr", text)
}

// callCell sends an execute request to the worker with sink taking the
// cell's output and input requests, and waits for its end.
func (p *process) callCell(req protocol.Request, sink *Sink, limit *limiter) (protocol.Event, bool) {
	p.takeDeclared() // a restore's, if any
	p.router.setSink(sink, limit)
	p.inputSink.Store(sink)
	req.ID = p.newID()
	p.router.remember(req.ID, sink, limit)
	return p.call(req)
}

// workerDied explains a worker that stopped during a cell, and starts a
// new one with the earlier cells' declarations.
func (s *Supervisor) workerDied(p *process, code string) Result {
	s.mu.Lock()
	interrupted := s.interrupted
	s.mu.Unlock()
	p.eventsReadWithin(time.Second)
	declared := p.takeDeclared()
	res := s.explainEnd(p, code, declared.names, interrupted, false)
	// The cell's own declarations ran before it crashed: keep them.
	s.mu.Lock()
	s.history.add(declared, true, true)
	s.mu.Unlock()
	_, report, err := s.restart()
	res.Error.Traceback = append(res.Error.Traceback, "", failure.Restarted(report, err))
	return res
}

// explainEnd collects what a dead worker left (its crash report, its exit
// status, its memory) and says in the learner's words why it ended, during
// the cell code or, when idle, between cells.
func (s *Supervisor) explainEnd(p *process, code string, declared []protocol.Declaration, interrupted, idle bool) Result {
	p.router.waitEOF(300 * time.Millisecond)
	crash, frames, reported := p.router.workerEnded()
	s.mu.Lock()
	earlier := s.history.declared()
	s.mu.Unlock()
	end := failure.Ending{
		Crash: crash, Frames: frames, Reported: reported, Code: code, Declared: declared, Earlier: earlier,
		Exit: p.exitDescription(), Signal: p.signalName(),
		OverMemory: p.overMemory.Load(), Limit: p.memLimit, LimitFrom: s.opts.Limits.MemoryFrom, Peak: p.peakRSS.Load(), Idle: idle,
	}
	switch {
	case interrupted && !end.OverMemory && reported == nil:
		if stuck := p.router.takeStuck(); stuck != nil {
			return Result{Status: protocol.StatusError, Error: stuck}
		}
		return Result{Status: protocol.StatusError, Error: failure.Interrupted()}
	case crash != "":
		if os.Getenv("GOLAB_DEBUG") != "" {
			s.opts.Log.Printf("worker crashed:\n%s", crash)
		}
	}
	res := Result{Status: protocol.StatusError, Error: end.Explain()}
	s.opts.Log.Printf("the worker ended (%s): %s: %s", end.Exit, res.Error.Name, res.Error.Value)
	return res
}

// interruptGrace is how long an interrupted cell has to stop at a safe
// point before the worker is ended: a loop reaches its next one in
// microseconds; a cell blocked in a call (a channel, a long sleep, a
// child process) reaches none.
const interruptGrace = 500 * time.Millisecond

// Interrupt stops the running cell, if any, and returns at once. It asks
// the worker (SIGINT) to stop its interpreted code at the next safe point:
// the cell ends with "interrupted" and the worker keeps every variable.
// A cell that has not stopped within interruptGrace is stopped by ending
// the worker with all its goroutines and child processes: Execute then
// reports the interrupt, and a new worker restores the notebook's journal.
// With no cell running, the signal stops the goroutines that earlier cells
// left spinning.
func (s *Supervisor) Interrupt() {
	s.mu.Lock()
	p := s.proc
	s.interrupted = true
	s.mu.Unlock()
	if p == nil || p.exited() {
		return
	}
	// The byte first, then the signal: the worker takes whichever it sees
	// first, and the signal finds the byte. (A signal waits for the
	// worker's scheduler to run the goroutine that receives it, which
	// goroutines spinning on every CPU delay by up to hundreds of ms; the
	// worker reads the pipe every few ms while a cell runs.)
	if err := p.interrupt(); err != nil {
		s.opts.Log.Printf("interrupt the worker through its pipe: %v", err)
	}
	if err := unix.Kill(p.cmd.Process.Pid, unix.SIGINT); err != nil {
		s.opts.Log.Printf("interrupt the worker: %v", err)
	}
	if p.state() != busy {
		return
	}
	p.reqMu.Lock()
	id := p.inFlightID
	p.reqMu.Unlock()
	time.AfterFunc(interruptGrace, func() {
		p.reqMu.Lock()
		same := p.inFlightID == id
		p.reqMu.Unlock()
		if same && p.state() == busy {
			p.kill()
		}
	})
}

// Complete asks the worker for completions at byte offset cursor: the
// names, the kind of each ("function", "class", "module", …), and the byte
// range they replace.
func (s *Supervisor) Complete(code string, cursor int) (matches []string, kinds map[string]string, start, end int) {
	ev, ok := s.ask(protocol.Request{Op: protocol.OpComplete, Code: code, Cursor: cursor})
	if !ok {
		return nil, nil, cursor, cursor
	}
	return ev.Matches, ev.Kinds, ev.CursorStart, ev.CursorEnd
}

// Inspect asks the worker to describe the name at byte offset cursor.
func (s *Supervisor) Inspect(code string, cursor, detail int) (bool, map[string]any) {
	ev, ok := s.ask(protocol.Request{Op: protocol.OpInspect, Code: code, Cursor: cursor, DetailLevel: detail})
	if !ok {
		return false, nil
	}
	return ev.Found, ev.Data
}

// IsComplete asks the worker whether code is a whole cell: "complete",
// "incomplete" (with the next line's indent) or "invalid"; "unknown" when
// the worker cannot answer.
func (s *Supervisor) IsComplete(code string) (status, indent string) {
	ev, ok := s.ask(protocol.Request{Op: protocol.OpIsComplete, Code: code})
	if !ok || ev.Completeness == "" {
		return "unknown", ""
	}
	return ev.Completeness, ev.Indent
}

// answerWithin bounds how long a completion or inspection waits for the
// worker. The worker answers them between cells in milliseconds, even
// beside goroutines that spin; one that does not answer in this time is
// wedged and is replaced.
const answerWithin = 10 * time.Second

// ask sends a request that is not a cell and waits for its answer, at most
// answerWithin.
func (s *Supervisor) ask(req protocol.Request) (protocol.Event, bool) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	p, err := s.current()
	if err != nil {
		return protocol.Event{}, false
	}
	ev, outcome := p.callWithin(req, answerWithin)
	switch outcome {
	case died:
		_, _, _ = s.restart()
		return protocol.Event{}, false
	case timedOut:
		s.opts.Log.Printf("the Go worker did not answer a %s request within %v: replacing it", req.Op, answerWithin)
		p.kill()
		_, report, err := s.restart()
		note := failure.Unanswered(req.Op, answerWithin, failure.Restarted(report, err))
		s.mu.Lock()
		s.pendingNote += note
		s.mu.Unlock()
		return protocol.Event{}, false
	}
	return ev, ev.Status == protocol.StatusOK
}

// Close ends the worker and its child processes.
func (s *Supervisor) Close() {
	<-s.firstStart
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p != nil {
		p.kill()
		p.wait(2 * time.Second)
	}
	if err := os.RemoveAll(s.dir); err != nil {
		s.opts.Log.Printf("remove the kernel's private directory: %v", err)
	}
}

func (s *Supervisor) current() (*process, error) {
	<-s.firstStart
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p != nil && !p.exited() {
		return p, nil
	}
	p, _, err := s.restart()
	return p, err
}

// restart replaces the worker and restores earlier declarations, and
// those of the cells in also (not yet in the history). A
// restore that kills the new worker or does not finish within
// Limits.Restore is abandoned: a fresh worker starts without the earlier
// cells, and the report says what was dropped and why, so that no earlier
// cell can keep the kernel from serving.
func (s *Supervisor) restart(also ...journalEntry) (*process, failure.Restore, error) {
	s.mu.Lock()
	old := s.proc
	s.proc = nil
	cells, failed, err := s.history.cells()
	declared := s.history.declared()
	s.mu.Unlock()
	for _, e := range also {
		cells = append(cells, e.code)
		declared = append(declared, e.declared)
	}
	if err != nil {
		s.opts.Log.Printf("%v", err)
	}
	if old != nil {
		old.kill()
		old.wait(2 * time.Second)
	}
	p, err := s.start()
	if err != nil {
		return nil, failure.Restore{}, err
	}
	var report failure.Restore
	if len(cells) > 0 {
		ev, outcome := p.callWithin(protocol.Request{Op: protocol.OpRestore, Cells: cells, Failed: failed}, s.opts.Limits.Restore)
		switch outcome {
		case answered:
			report = failure.Restore{Restored: ev.Restored, Zeroed: ev.Zeroed, Skipped: ev.Skipped, Lost: ev.NotRestored}
		default:
			why := fmt.Sprintf("restoring them did not finish within %v", s.opts.Limits.Restore)
			if outcome == died {
				why = "the new worker died while restoring them (" + p.exitDescription() + ")"
			}
			p.kill()
			p.wait(2 * time.Second)
			s.mu.Lock()
			s.history.reset()
			s.mu.Unlock()
			if p, err = s.start(); err != nil {
				return nil, failure.Restore{}, err
			}
			report = failure.Restore{Abandoned: why, Lost: failure.Names(declared)}
		}
	}
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	return p, report, nil
}

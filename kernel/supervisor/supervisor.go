// Package supervisor runs the golab worker process on behalf of the
// kernel: it starts it, sends it cells, streams its output while a cell
// runs, and when the worker dies (a crash, an interrupt) it says what
// happened in the learner's words, starts a new worker and restores the
// declarations of earlier cells.
package supervisor

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/golab-notebooks/golab/kernel/limits"

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
	Status          string         // "ok" or "error"
	Data            map[string]any // the trailing expression's value, if shown
	Error           *protocol.Error
	UserExpressions map[string]any
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
	if note != "" {
		s.tell(sink, note)
	}

	req := protocol.Request{Op: protocol.OpExecute, Code: code, AllowStdin: allowStdin && sink.Input != nil, UserExpressions: userExpressions}
	ev, alive := p.callCell(req, sink, limit)
	if alive && ev.Status == "error" && ev.Error != nil && ev.Error.Name == protocol.ChangedDefinition {
		p.output.endCell()
		if p, ev, alive = s.redefine(code, req, sink, limit, ev); p == nil {
			return errorResult("worker unavailable", ev.Error.Value, ev.Error.Traceback)
		}
	}
	defer p.output.endCell()
	var res Result
	if alive {
		p.output.flush()
		p.output.forgetFrames()
		res = Result{Status: ev.Status, Data: ev.Result, Error: ev.Error, UserExpressions: ev.UserExpressions}
		s.mu.Lock()
		s.history.add(code, ev.Status != "ok")
		s.mu.Unlock()
	} else {
		res = s.workerDied(p, code)
	}
	if notice := p.output.notice(limit); notice != "" {
		s.tell(sink, notice)
	}
	if res.Status == "" {
		res.Status = "ok"
	}
	return res
}

// redefine answers a cell that changes a type or method an earlier cell
// defined: a fresh worker restores the earlier cells with the new
// definition in place of the old (and this cell's declarations), the cell
// runs again there, and the learner is told. It returns the new process
// and the cell's end, or a nil process when no worker could start.
func (s *Supervisor) redefine(code string, req protocol.Request, sink *Sink, limit *limiter, changed protocol.Event) (*process, protocol.Event, bool) {
	p, report, err := s.restart(code)
	if err != nil {
		changed.Error = &protocol.Error{Name: "worker unavailable", Value: "golab could not start a new Go worker: " + err.Error()}
		return nil, changed, false
	}
	s.tell(sink, "golab: "+changed.Error.Value+", so the earlier cells' declarations were run again with the new "+
		"definition in a fresh worker (the interpreter cannot change a type or method in place).\n"+report.message()+"\n")
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
	p.output.setSink(sink, limit)
	p.inputSink.Store(sink)
	req.ID = p.newID()
	p.output.remember(req.ID, sink, limit)
	return p.call(req)
}

// workerDied explains a worker that stopped during a cell, and starts a
// new one with the earlier cells' declarations.
func (s *Supervisor) workerDied(p *process, code string) Result {
	s.mu.Lock()
	interrupted := s.interrupted
	s.mu.Unlock()
	res := s.explainEnd(p, code, interrupted, false)
	// The cell's own declarations ran before it crashed: keep them.
	s.mu.Lock()
	s.history.add(code, true)
	s.mu.Unlock()
	_, report, err := s.restart()
	tb := res.Error.Traceback
	if err != nil {
		tb = append(tb, "", "golab could not start a new Go worker: "+err.Error())
	} else {
		tb = append(tb, "", report.message())
	}
	res.Error.Traceback = tb
	return res
}

// explainEnd collects what a dead worker left (its crash report, its exit
// status, its memory) and says in the learner's words why it ended, during
// the cell code or, when idle, between cells.
func (s *Supervisor) explainEnd(p *process, code string, interrupted, idle bool) Result {
	p.output.waitEOF(300 * time.Millisecond)
	crash, frames := p.output.workerEnded()
	end := workerEnd{
		crash: crash, frames: frames, code: code, earlier: s.cellSources(),
		exit: p.exitDescription(), killedBySignal: p.killedBySignal(),
		overMemory: p.overMemory.Load(), limit: p.memLimit, peak: p.peakRSS.Load(), idle: idle,
	}
	switch {
	case interrupted && !end.overMemory:
		return errorResult("interrupted", "the cell was stopped", []string{
			"\x1b[31mInterrupted:\x1b[0m the cell was stopped, with every goroutine it started.",
		})
	case crash != "":
		if os.Getenv("GOLAB_DEBUG") != "" {
			s.opts.Log.Printf("worker crashed:\n%s", crash)
		}
	}
	res := end.explain()
	s.opts.Log.Printf("the worker ended (%s): %s: %s", end.exit, res.Error.Name, res.Error.Value)
	return res
}

// cellSources returns the code of the cells the current worker ran.
func (s *Supervisor) cellSources() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	codes, _, err := s.history.cells()
	if err != nil {
		s.opts.Log.Printf("%v", err)
	}
	return codes
}

// Interrupt stops the running cell, if any, by ending the worker with all
// its goroutines and child processes. Execute then reports the interrupt
// and a new worker takes over. It returns at once.
func (s *Supervisor) Interrupt() {
	s.mu.Lock()
	p := s.proc
	s.interrupted = true
	s.mu.Unlock()
	if p != nil && p.state() == busy {
		p.kill()
	}
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
		why := fmt.Sprintf("the Go worker did not answer a %s request within %v", req.Op, answerWithin)
		s.opts.Log.Printf("%s: replacing it", why)
		p.kill()
		_, report, err := s.restart()
		note := "golab: " + why + ", so it was replaced by a fresh one.\n"
		if err != nil {
			note += "golab could not start a new Go worker: " + err.Error() + "\n"
		} else {
			note += report.message() + "\n"
		}
		s.mu.Lock()
		s.pendingNote += note
		s.mu.Unlock()
		return protocol.Event{}, false
	}
	return ev, ev.Status == "ok"
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
func (s *Supervisor) restart(also ...string) (*process, restoreReport, error) {
	s.mu.Lock()
	old := s.proc
	s.proc = nil
	cells, failed, err := s.history.cells()
	cells = append(cells, also...)
	s.mu.Unlock()
	if err != nil {
		s.opts.Log.Printf("%v", err)
	}
	if old != nil {
		old.kill()
		old.wait(2 * time.Second)
	}
	p, err := s.start()
	if err != nil {
		return nil, restoreReport{}, err
	}
	var report restoreReport
	if len(cells) > 0 {
		ev, outcome := p.callWithin(protocol.Request{Op: protocol.OpRestore, Cells: cells, Failed: failed}, s.opts.Limits.Restore)
		switch outcome {
		case answered:
			report = restoreReport{restored: ev.Restored, zeroed: ev.Zeroed, skipped: ev.Skipped, lost: ev.NotRestored}
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
				return nil, restoreReport{}, err
			}
			report = restoreReport{abandoned: why, lost: definedNames(cells)}
		}
	}
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	return p, report, nil
}

// process is one running worker.
type process struct {
	cmd      *exec.Cmd
	tmp      string // the worker's TMPDIR, removed with it
	memLimit int64  // bytes of resident memory it may use, or <= 0
	log      *log.Logger
	requests io.WriteCloser
	output   *router // the worker's stdout, stderr and events, to the cells' sinks

	lifecycle atomic.Int32 // a workerState, changed only by moveTo

	reqMu     sync.Mutex
	nextID    int64
	waiting   chan protocol.Event // the answer to the request in flight
	inputSink atomic.Pointer[Sink]

	done    chan struct{} // closed when the process has exited
	waitErr error

	notify func(text string) // says a supervisor's note to the running cell, or the next one

	inFlightID int64        // the request whose answer is awaited (under reqMu)
	peakRSS    atomic.Int64 // the most resident memory seen, in bytes
	overMemory atomic.Bool  // ended for using more than memLimit
}

// addressSpaceSlack is the address space a worker reserves beyond the
// memory it uses (measured: 1.6 GB idle).
const addressSpaceSlack = 2 << 30

// watchMemory samples the worker's resident memory and ends it when it
// passes the limit: a cell must not take the machine's memory, or on a
// JupyterHub its neighbours'.
func (p *process) watchMemory() {
	rss, ok := rssBytes(p.cmd.Process.Pid)
	if !ok {
		return
	}
	if rss > p.peakRSS.Load() {
		p.peakRSS.Store(rss)
	}
	if p.memLimit > 0 && rss > p.memLimit && !p.overMemory.Swap(true) {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// start launches a worker and waits for it to be ready.
func (s *Supervisor) start() (*process, error) {
	token := randomToken()
	pipes, err := makePipes("request", "event", "stdout", "stderr")
	if err != nil {
		return nil, err
	}
	reqR, reqW, evR, evW := pipes[0][0], pipes[0][1], pipes[1][0], pipes[1][1]
	outR, outW, errR, errW := pipes[2][0], pipes[2][1], pipes[3][0], pipes[3][1]
	tmp, err := s.workerDir()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(s.opts.Command[0], s.opts.Command[1:]...)
	cmd.Env = append(os.Environ(), "GOLAB_WORKER_TOKEN="+token, "TMPDIR="+tmp)
	if m := s.opts.Limits.WorkerMemory; m > 0 {
		// The Go runtime collects harder as it nears the limit; the address
		// space limit stops one huge allocation at once (the idle worker
		// reserves about 1.6 GB of address space, so it gets that on top).
		cmd.Env = append(cmd.Env, fmt.Sprintf("GOMEMLIMIT=%dMiB", m>>20),
			fmt.Sprintf("%s=%d", protocol.AddressSpaceEnv, m+addressSpaceSlack))
	}
	cmd.Stdin = nil
	cmd.Stdout = outW
	cmd.Stderr = errW
	cmd.ExtraFiles = []*os.File{reqR, evW} // fd 3 and fd 4 in the worker
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		for _, f := range []*os.File{reqR, reqW, evR, evW, outR, outW, errR, errW} {
			f.Close()
		}
		return nil, fmt.Errorf("start the Go worker %q: %w", s.opts.Command[0], err)
	}
	for _, f := range []*os.File{reqR, evW, outW, errW} {
		f.Close() // the worker's ends
	}
	p := &process{
		cmd:      cmd,
		tmp:      tmp,
		memLimit: s.opts.Limits.WorkerMemory,
		log:      s.opts.Log,
		requests: reqW,
		output:   newRouter(token, &s.sinkMu),
		waiting:  make(chan protocol.Event, 1),
		done:     make(chan struct{}),
	}
	p.notify = func(text string) {
		s.mu.Lock()
		sink := s.running
		if sink == nil {
			s.pendingNote += text // said with the next cell, the first thing it affected
		}
		s.mu.Unlock()
		if sink != nil {
			s.tell(sink, text)
		}
	}
	go p.output.read(stdout, outR)
	go p.output.read(stderr, errR)
	ready := make(chan error, 1)
	go p.readEvents(evR, ready)
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	go p.watchLoop()
	select {
	case err := <-ready:
		if err != nil {
			p.kill()
			return nil, err
		}
		p.moveTo(idle)
	case <-p.done:
		p.output.waitEOF(time.Second)
		crash, _ := p.output.workerEnded()
		return nil, fmt.Errorf("the Go worker exited at start (%s): %s", p.exitDescription(), strings.TrimSpace(crash))
	case <-time.After(30 * time.Second):
		p.kill()
		return nil, errors.New("the Go worker did not start within 30 s")
	}
	go s.watch(p)
	return p, nil
}

// watch reports a worker that dies while no cell runs: a goroutine an
// earlier cell left behind panicked. The report goes to the last cell's
// output, and a fresh worker takes over at once.
func (s *Supervisor) watch(p *process) {
	<-p.done
	if st := p.state(); st == ending || st == busy {
		return // the caller of kill, or of the request in flight, explains it
	}
	s.runMu.Lock()
	defer s.runMu.Unlock()
	s.mu.Lock()
	current := s.proc == p
	s.mu.Unlock()
	if !current || p.state() == ending {
		return
	}
	sink := p.output.currentSink()
	res := s.explainEnd(p, "", false, true)
	_, report, err := s.restart()
	header := "\n[golab] While no cell was running, a goroutine left running by an earlier cell stopped the Go worker:"
	if res.Error.Name == "killed" {
		header = "\n[golab] While no cell was running, the Go worker was stopped from outside:"
	}
	lines := append([]string{header}, res.Error.Traceback...)
	if err != nil {
		lines = append(lines, "golab could not start a new Go worker: "+err.Error())
	} else {
		lines = append(lines, report.message())
	}
	s.tell(sink, strings.Join(lines, "\n")+"\n")
}

// makePipes makes one pipe (read end, write end) for each name; on an
// error it closes those already made.
func makePipes(names ...string) ([][2]*os.File, error) {
	var pipes [][2]*os.File
	for _, name := range names {
		r, w, err := os.Pipe()
		if err != nil {
			for _, p := range pipes {
				p[0].Close()
				p[1].Close()
			}
			return nil, fmt.Errorf("make the worker's %s pipe: %w", name, err)
		}
		pipes = append(pipes, [2]*os.File{r, w})
	}
	return pipes, nil
}

// readEvents passes the worker's events to the router until its event
// pipe closes.
func (p *process) readEvents(r io.ReadCloser, ready chan<- error) {
	defer r.Close()
	defer p.output.eventsEnded()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 512*1024*1024)
	first := true
	for sc.Scan() {
		var ev protocol.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			p.log.Printf("worker sent an unreadable event: %v", err)
			continue
		}
		routed := routedEvent{seq: ev.Seq}
		if first {
			first = false
			if ev.Op != protocol.EvReady {
				ready <- fmt.Errorf("the Go worker said %q before it was ready", ev.Op)
				return
			}
			p.output.event(routed)
			ready <- nil
			continue
		}
		switch ev.Op {
		case protocol.EvOutput:
			if ev.Output != nil {
				out := *ev.Output
				routed.give = func(sink *Sink, limit *limiter) {
					if sink.Display != nil && limit.admitDisplay(out) {
						sink.Display(out)
					}
				}
			}
		case protocol.EvInputRequest:
			routed.then = func() { go p.answerInput(ev) }
		case protocol.EvDone:
			p.reqMu.Lock()
			want := p.inFlightID
			p.reqMu.Unlock()
			if ev.ID != want {
				// Not the answer awaited: something else wrote to the event pipe.
				p.log.Printf("the worker answered request %d while %d is awaited: ignored", ev.ID, want)
				break
			}
			// The worker is alive and done: stderr text held back because it
			// looked like a crash report was only printed by the cell.
			routed.releaseHeld = true
			routed.then = func() {
				select {
				case p.waiting <- ev:
				default:
					p.log.Printf("the worker's answer to request %d came when none was awaited: ignored", ev.ID)
				}
			}
		}
		p.output.event(routed)
	}
	if first {
		ready <- errors.New("the Go worker closed its event pipe before it was ready")
	}
}

// answerInput asks the learner for input and passes the answer on.
func (p *process) answerInput(ev protocol.Event) {
	sink := p.inputSink.Load()
	value := ""
	if sink != nil && sink.Input != nil {
		v, err := sink.Input(ev.Prompt, ev.Password)
		if err != nil {
			p.log.Printf("input request failed: %v", err)
		}
		value = v
	}
	p.send(protocol.Request{Op: protocol.OpInput, Value: value})
}

// call sends a request and waits for its answer; alive is false when the
// worker ended first.
// newID returns a fresh request ID.
func (p *process) newID() int64 {
	p.reqMu.Lock()
	defer p.reqMu.Unlock()
	p.nextID++
	return p.nextID
}

// call sends a request (given a fresh ID unless it has one) and waits for
// its answer; false means the worker died first.
func (p *process) call(req protocol.Request) (protocol.Event, bool) {
	if req.ID == 0 {
		req.ID = p.newID()
	}
	if !p.moveTo(busy) {
		return protocol.Event{}, false // ending, or already busy (a bug)
	}
	defer p.moveTo(idle) // unless the supervisor ended it meanwhile
	p.reqMu.Lock()
	p.inFlightID = req.ID
	p.reqMu.Unlock()
	if err := p.send(req); err != nil {
		p.log.Printf("send to worker: %v", err)
		p.kill()
		<-p.done
		return protocol.Event{}, false
	}
	select {
	case ev := <-p.waiting:
		return ev, true
	case <-p.done:
		// The answer may have been sent just before the exit.
		select {
		case ev := <-p.waiting:
			return ev, true
		default:
			return protocol.Event{}, false
		}
	}
}

// callOutcome is how a bounded call ended.
type callOutcome int

const (
	answered callOutcome = iota
	died                 // the worker ended first
	timedOut             // no answer within the time allowed
)

// callWithin is call with a time bound; on timedOut the worker is still
// running and the caller ends it.
func (p *process) callWithin(req protocol.Request, limit time.Duration) (protocol.Event, callOutcome) {
	type answer struct {
		ev    protocol.Event
		alive bool
	}
	got := make(chan answer, 1)
	go func() {
		ev, alive := p.call(req)
		got <- answer{ev, alive}
	}()
	select {
	case a := <-got:
		if !a.alive {
			return a.ev, died
		}
		return a.ev, answered
	case <-time.After(limit):
		return protocol.Event{}, timedOut
	}
}

func (p *process) send(req protocol.Request) error {
	b, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode worker request: %w", err)
	}
	p.reqMu.Lock()
	defer p.reqMu.Unlock()
	if _, err := p.requests.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write worker request: %w", err)
	}
	return nil
}

// kill ends the worker's whole process group: the interpreter with every
// goroutine, and the child processes cells started.
func (p *process) kill() {
	p.moveTo(ending)
	if p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// wait waits for the worker to exit, then removes its temporary directory.
func (p *process) wait(timeout time.Duration) {
	select {
	case <-p.done:
	case <-time.After(timeout):
	}
	_ = p.requests.Close()
	if err := os.RemoveAll(p.tmp); err != nil {
		p.log.Printf("remove the worker's temporary directory: %v", err)
	}
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *process) exitDescription() string {
	select {
	case <-p.done:
	case <-time.After(time.Second):
		return "still running"
	}
	var exitErr *exec.ExitError
	if errors.As(p.waitErr, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return "killed by signal " + ws.Signal().String()
		}
		return fmt.Sprintf("exit status %d", exitErr.ExitCode())
	}
	if p.waitErr != nil {
		return p.waitErr.Error()
	}
	return "exit status 0"
}

// stoppedFor is how long a worker may stay stopped (SIGSTOP, Ctrl-Z's
// signal) before golab continues it: a stopped worker answers nothing, so
// the next cell and every completion would wait for good.
const stoppedFor = time.Second

// watchStopped continues a worker that something stopped, and says so to
// the cell running, or to the last cell's output when none runs.
func (p *process) watchStopped(since *time.Time) {
	if !processStopped(p.cmd.Process.Pid) {
		*since = time.Time{}
		return
	}
	if since.IsZero() {
		*since = time.Now()
		return
	}
	if time.Since(*since) < stoppedFor {
		return
	}
	*since = time.Time{}
	if err := syscall.Kill(p.cmd.Process.Pid, syscall.SIGCONT); err != nil {
		p.log.Printf("continue the stopped worker: %v", err)
		return
	}
	p.log.Printf("the worker was stopped for %v: continued it (SIGCONT)", stoppedFor)
	if p.notify != nil {
		p.notify("golab: the Go worker was stopped (SIGSTOP: a cell signalled its own process, or someone ran kill -STOP), " +
			"so it could run nothing; golab continued it (SIGCONT) after " + stoppedFor.String() + ".\n")
	}
}

// watchLoop watches the worker's memory, and whether it is stopped, until
// it exits, then lets the rest of its output go out.
func (p *process) watchLoop() {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	var stoppedSince time.Time
	for {
		select {
		case <-t.C:
			p.watchMemory()
			p.watchStopped(&stoppedSince)
		case <-p.done:
			p.output.waitEOF(300 * time.Millisecond)
			p.output.release()
			return
		}
	}
}

func randomToken() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Errorf("no randomness for a worker token: %w", err))
	}
	return hex.EncodeToString(b[:])
}

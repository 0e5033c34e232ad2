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

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/protocol"
	"golang.org/x/sys/unix"
)

// A worker process as the supervisor sees it: starting it, reading its
// events, calling it, watching its memory, and ending it.

// process is one running worker.
type process struct {
	cmd      *exec.Cmd
	tmp      string // the worker's TMPDIR, removed with it
	memLimit int64  // bytes of resident memory it may use, or <= 0
	log      *log.Logger
	requests io.WriteCloser
	// interrupts is the worker's interrupt pipe (see Interrupt): a byte
	// per interrupt, which the worker reads while a cell runs even when
	// its goroutines keep every CPU busy.
	interrupts *os.File
	router     *router // the worker's stdout, stderr and events, to the cells' sinks

	lifecycle atomic.Int32 // a workerState, changed only by moveTo

	reqMu     sync.Mutex
	nextID    int64
	waiting   chan protocol.Event // the answer to the request in flight
	inputSink atomic.Pointer[Sink]

	done    chan struct{} // closed when the process has exited
	waitErr error

	notify func(text string) // says a supervisor's note to the running cell, or the next one

	inFlightID int64         // the request whose answer is awaited (under reqMu)
	declared   declaredCell  // what the cell in flight declares (under reqMu)
	eventsRead chan struct{} // closed once every event of the worker was read
	peakRSS    atomic.Int64  // the most resident memory seen, in bytes
	overMemory atomic.Bool   // ended for using more than memLimit
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
		_ = unix.Kill(-p.cmd.Process.Pid, unix.SIGKILL)
	}
}

// start launches a worker and waits for it to be ready.
func (s *Supervisor) start() (*process, error) {
	token := randomToken()
	pipes, err := makePipes("request", "event", "stdout", "stderr", "interrupt")
	if err != nil {
		return nil, err
	}
	reqR, reqW, evR, evW := pipes[0][0], pipes[0][1], pipes[1][0], pipes[1][1]
	outR, outW, errR, errW := pipes[2][0], pipes[2][1], pipes[3][0], pipes[3][1]
	intR, intW := pipes[4][0], pipes[4][1]
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
	cmd.Dir = s.opts.WorkDir
	cmd.Stdin = nil
	cmd.Stdout = outW
	cmd.Stderr = errW
	cmd.ExtraFiles = []*os.File{reqR, evW, intR} // fd 3, 4 and 5 in the worker
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		for _, f := range []*os.File{reqR, reqW, evR, evW, outR, outW, errR, errW, intR, intW} {
			f.Close()
		}
		return nil, fmt.Errorf("start the Go worker %q: %w", s.opts.Command[0], err)
	}
	for _, f := range []*os.File{reqR, evW, outW, errW, intR} {
		f.Close() // the worker's ends
	}

	p := &process{
		cmd:        cmd,
		tmp:        tmp,
		memLimit:   s.opts.Limits.WorkerMemory,
		log:        s.opts.Log,
		requests:   reqW,
		interrupts: intW,
		router:     newRouter(token, &s.sinkMu),
		waiting:    make(chan protocol.Event, 1),
		eventsRead: make(chan struct{}),
		done:       make(chan struct{}),
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
	p.router.holdIdleOutputAfter(s.opts.Limits.IdleOutputHold)
	go p.router.read(stdout, outR)
	go p.router.read(stderr, errR)
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
		p.router.waitEOF(time.Second)
		crash, _, _ := p.router.workerEnded()
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
	sink := p.router.currentSink()
	res := s.explainEnd(p, "", nil, false, true)
	_, report, err := s.restart()
	s.tell(sink, failure.EndedWhileIdle(res.Error, failure.Restarted(report, err)))
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
	defer close(p.eventsRead)
	defer p.router.eventsEnded()
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
			p.router.event(routed)
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
		case protocol.EvDeclared:
			p.reqMu.Lock()
			p.declared = declaredCell{replay: ev.Replay, vars: ev.ReplayVars, names: ev.Declared}
			p.reqMu.Unlock()
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
		p.router.event(routed)
	}
	if first {
		ready <- errors.New("the Go worker closed its event pipe before it was ready")
	}
}

// eventsReadWithin waits, at most d, until every event the worker wrote has
// been read: a worker that died midway may have told what its cell
// declares just before, and the journal needs it.
func (p *process) eventsReadWithin(d time.Duration) {
	select {
	case <-p.eventsRead:
	case <-time.After(d):
	}
}

// takeDeclared returns what the last cell sent declares, and forgets it.
func (p *process) takeDeclared() declaredCell {
	p.reqMu.Lock()
	defer p.reqMu.Unlock()
	d := p.declared
	p.declared = declaredCell{}
	return d
}

// answerInput asks the learner for input and passes the answer on.
func (p *process) answerInput(ev protocol.Event) {
	sink := p.inputSink.Load()
	req := protocol.Request{Op: protocol.OpInput}
	if sink != nil && sink.Input != nil {
		v, err := sink.Input(ev.Prompt, ev.Password)
		if err != nil {
			p.log.Printf("input request failed: %v", err)
			req.Interrupted = true // the learner interrupted, or the front end went away
		}
		req.Value = v
	}
	p.send(req)
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
		_ = unix.Kill(-p.cmd.Process.Pid, unix.SIGKILL)
	}
}

// interrupt writes a byte to the worker's interrupt pipe. It never
// blocks: past the pipe's buffer (a worker that reads none), the byte is
// dropped, and one waiting byte is as good as many.
func (p *process) interrupt() error {
	raw, err := p.interrupts.SyscallConn()
	if err != nil {
		return err
	}
	var werr error
	if err := raw.Write(func(fd uintptr) bool {
		_, werr = unix.Write(int(fd), []byte{1})
		return true // written or not, do not wait
	}); err != nil {
		return err
	}
	if errors.Is(werr, unix.EAGAIN) {
		return nil
	}
	return werr
}

// wait waits for the worker to exit, then removes its temporary directory.
func (p *process) wait(timeout time.Duration) {
	select {
	case <-p.done:
	case <-time.After(timeout):
	}
	_ = p.requests.Close()
	_ = p.interrupts.Close()
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
	if err := unix.Kill(p.cmd.Process.Pid, unix.SIGCONT); err != nil {
		p.log.Printf("continue the stopped worker: %v", err)
		return
	}
	p.log.Printf("the worker was stopped for %v: continued it (SIGCONT)", stoppedFor)
	if p.notify != nil {
		p.notify(failure.Continued(stoppedFor))
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
			p.router.waitEOF(300 * time.Millisecond)
			p.router.release()
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

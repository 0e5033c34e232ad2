// Package server is the Jupyter side of golab: it binds the five ZeroMQ
// sockets a connection file names, decodes and verifies messages, answers
// them, and publishes what running cells produce on iopub.
//
// Shell requests are handled one at a time, in order, on their own
// goroutine; control requests (interrupt, shutdown, kernel_info) on
// another, so an interrupt reaches a busy kernel. Interrupts also arrive as
// SIGINT (signal mode) and, as VS Code sends them, on shell.
package server

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"golang.org/x/sys/unix"

	"github.com/golab-notebooks/golab/kernel/jupyter/supervisor"
	"github.com/golab-notebooks/golab/kernel/jupyter/transport"
	"github.com/golab-notebooks/golab/kernel/jupyter/wire"
	"github.com/golab-notebooks/golab/kernel/limits"
	"github.com/golab-notebooks/golab/kernel/protocol"
)

// Version is golab's version, reported in kernel_info_reply.
var Version = "0.1.0"

// Config configures a kernel.
type Config struct {
	ConnectionFile string
	Log            *log.Logger
	// Supervisor options for the worker process.
	Worker supervisor.Options
	// Limits bound what clients and cells may cost; zero fields take
	// golab's defaults (see package limits).
	Limits limits.Limits
}

// Kernel is one running golab kernel.
type Kernel struct {
	cfg     Config
	log     *log.Logger
	session *wire.Session
	sup     *supervisor.Supervisor

	shell, control, stdin *socket
	iopub                 *socket
	hb                    zmq4.Socket

	shellQueue *requestQueue

	mu             sync.Mutex
	input          *pendingInput // the input request waiting for its reply, if any
	executionCount int
	history        []historyEntry // the newest cells, at most historyBytes of them
	historyBytes   int

	stop     context.CancelFunc
	stopOnce sync.Once
}

type historyEntry struct {
	line   int
	input  string
	output string
}

// historyLimit bounds the bytes of input and output the kernel keeps for
// history requests; the oldest entries go first. (The kernel process is
// outside the worker's memory limit: it must not keep every cell for good.)
const historyLimit = 8 << 20

// remember adds a cell to the history and drops the oldest entries past
// historyLimit, keeping at least the newest.
func (k *Kernel) remember(e historyEntry) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.history = append(k.history, e)
	k.historyBytes += len(e.input) + len(e.output)
	drop := 0
	for k.historyBytes > historyLimit && drop < len(k.history)-1 {
		k.historyBytes -= len(k.history[drop].input) + len(k.history[drop].output)
		drop++
	}
	if drop > 0 {
		k.history = append([]historyEntry(nil), k.history[drop:]...)
	}
}

// socket is a ZeroMQ socket with a lock: zmq4 sockets are not safe for
// concurrent sends.
type socket struct {
	mu sync.Mutex
	zmq4.Socket
	name string
}

func (s *socket) send(frames [][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.Socket.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		return fmt.Errorf("send on %s: %w", s.name, err)
	}
	return nil
}

// Run starts a kernel on the connection file's sockets and serves until a
// shutdown request or ctx ends.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Log == nil {
		cfg.Log = log.New(os.Stderr, "golab: ", log.LstdFlags)
	}
	cfg.Worker.Log = cfg.Log
	cfg.Limits = cfg.Limits.WithDefaults()
	cfg.Worker.Limits = cfg.Limits
	cfg.Worker.Background = true // answer kernel_info while the interpreter loads
	info, err := wire.ReadConnectionFile(cfg.ConnectionFile)
	if err != nil {
		return err
	}
	sess, err := wire.NewSession(info.SignatureScheme, info.Key, "kernel")
	if err != nil {
		return fmt.Errorf("connection file %s: %w", cfg.ConnectionFile, err)
	}
	sup, err := supervisor.New(cfg.Worker)
	if err != nil {
		return err
	}
	defer sup.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	k := &Kernel{
		cfg: cfg, log: cfg.Log, session: sess, sup: sup,
		shellQueue: newRequestQueue(cfg.Limits.QueuedPerClient),
		stop:       cancel,
	}
	if err := k.bind(ctx, info); err != nil {
		return err
	}
	defer k.closeSockets()

	// Signal mode interrupts, and the SIGTERM a kernel manager sends last.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, unix.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		for {
			select {
			case sig := <-sigs:
				if sig == unix.SIGTERM {
					k.log.Printf("SIGTERM: shutting down")
					k.shutdown(false)
					return
				}
				k.log.Printf("SIGINT: interrupting the running cell")
				k.interrupt()
			case <-ctx.Done():
				return
			}
		}
	}()

	k.publish("status", nil, statusContent{ExecutionState: stateStarting})
	go k.heartbeat(ctx)
	go k.receive(ctx, k.control, k.handleControl)
	go k.receive(ctx, k.shell, k.enqueueShell)
	go k.receive(ctx, k.stdin, k.handleStdin)
	go k.serveShell(ctx)
	k.log.Printf("golab %s kernel ready on %s:%d (shell)", Version, info.IP, info.ShellPort)
	<-ctx.Done()
	// PUB sends are queued: give the last status messages time to leave.
	time.Sleep(100 * time.Millisecond)
	return nil
}

func (k *Kernel) bind(ctx context.Context, info wire.ConnectionInfo) error {
	mk := func(name string, sock zmq4.Socket, port int) (*socket, error) {
		ep := transport.Endpoint(info.Endpoint(port))
		if err := sock.Listen(ep); err != nil {
			return nil, fmt.Errorf("bind %s socket to %s: %w", name, ep, err)
		}
		return &socket{Socket: sock, name: name}, nil
	}
	var err error
	if err := transport.Register(transport.Limits{MaxMessage: k.cfg.Limits.MaxMessage, Log: k.log}); err != nil {
		return err
	}
	if k.shell, err = mk("shell", zmq4.NewRouter(ctx), info.ShellPort); err != nil {
		return err
	}
	if k.control, err = mk("control", zmq4.NewRouter(ctx), info.ControlPort); err != nil {
		return err
	}
	if k.stdin, err = mk("stdin", zmq4.NewRouter(ctx), info.StdinPort); err != nil {
		return err
	}
	if k.iopub, err = mk("iopub", zmq4.NewPub(ctx), info.IOPubPort); err != nil {
		return err
	}
	hb, err := mk("heartbeat", zmq4.NewRep(ctx), info.HBPort)
	if err != nil {
		return err
	}
	k.hb = hb.Socket
	return nil
}

func (k *Kernel) closeSockets() {
	for _, s := range []*socket{k.shell, k.control, k.stdin, k.iopub} {
		if s != nil {
			_ = s.Close()
		}
	}
	if k.hb != nil {
		_ = k.hb.Close()
	}
}

// heartbeat echoes every ping until the kernel stops.
func (k *Kernel) heartbeat(ctx context.Context) {
	for ctx.Err() == nil {
		msg, err := k.hb.Recv()
		if err != nil {
			if ctx.Err() == nil {
				k.log.Printf("heartbeat: %v", err)
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		if err := k.hb.Send(msg); err != nil && ctx.Err() == nil {
			k.log.Printf("heartbeat: %v", err)
		}
	}
}

// receive reads one ROUTER socket, decodes each message and hands it on.
// A message that does not decode is logged and dropped: a bad client must
// not stop the kernel.
func (k *Kernel) receive(ctx context.Context, s *socket, handle func(*wire.Message)) {
	for ctx.Err() == nil {
		raw, err := s.Recv()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			k.log.Printf("receive on %s: %v", s.name, err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		msg, err := k.session.Decode(raw.Frames)
		if err != nil {
			k.log.Printf("dropped a message on %s: %v", s.name, err)
			continue
		}
		handle(msg)
	}
}

func (k *Kernel) enqueueShell(msg *wire.Message) {
	// VS Code sends interrupts on shell: they must not wait behind the cell.
	if msg.Header.MsgType == "interrupt_request" {
		k.handleRequest(k.shell, msg)
		return
	}
	if !k.shellQueue.push(msg) {
		k.refuse(msg, fmt.Sprintf("golab already has %d requests from this client waiting; this %s was refused. Wait for the running cells to finish.",
			k.cfg.Limits.QueuedPerClient, msg.Header.MsgType))
	}
}

// refuse answers a request that will not be handled with an error reply,
// between busy and idle, so its client never waits for it.
func (k *Kernel) refuse(msg *wire.Message, why string) {
	k.log.Printf("refused %s %s: %s", msg.Header.MsgType, msg.Header.MsgID, why)
	k.publish("status", msg, statusContent{ExecutionState: stateBusy})
	defer k.publish("status", msg, statusContent{ExecutionState: stateIdle})
	busy := errorOf("KernelBusy", why, []string{why})
	var content any = errorReply{Status: protocol.StatusError, errorFields: busy}
	if msg.Header.MsgType == "execute_request" {
		content = executeReply{Status: protocol.StatusError, ExecutionCount: k.count(), UserExpressions: noExpressions, Payload: []any{}, errorFields: busy}
	}
	k.reply(k.shell, msg, strings.TrimSuffix(msg.Header.MsgType, "_request")+"_reply", content)
}

func (k *Kernel) serveShell(ctx context.Context) {
	for {
		msg, ok := k.shellQueue.pop(ctx)
		if !ok {
			return
		}
		k.handleRequest(k.shell, msg)
	}
}

func (k *Kernel) handleControl(msg *wire.Message) {
	k.handleRequest(k.control, msg)
}

func (k *Kernel) handleStdin(msg *wire.Message) {
	if msg.Header.MsgType != "input_reply" {
		k.log.Printf("unexpected %s on stdin", msg.Header.MsgType)
		return
	}
	k.mu.Lock()
	p := k.input
	k.input = nil
	k.mu.Unlock()
	if p == nil {
		k.log.Printf("input_reply with no input request waiting")
		return
	}
	p.reply <- msg
}

// pendingInput is an input request waiting for the learner's answer, or
// for an interrupt.
type pendingInput struct {
	reply  chan *wire.Message // buffered: one answer
	cancel chan struct{}      // closed by an interrupt
}

// interrupt stops the running cell and any input request it waits on.
func (k *Kernel) interrupt() {
	k.mu.Lock()
	p := k.input
	k.input = nil
	k.mu.Unlock()
	if p != nil {
		close(p.cancel)
	}
	k.sup.Interrupt()
}

// publish sends a message on iopub.
func (k *Kernel) publish(msgType string, parent *wire.Message, content any) {
	msg, err := k.session.New(msgType, parent, content)
	if err != nil {
		k.log.Printf("make %s: %v", msgType, err)
		return
	}
	msg.Identities = [][]byte{[]byte("kernel." + msgType)}
	k.sendOn(k.iopub, msg)
}

// reply sends a reply to a request on the socket it came from.
func (k *Kernel) reply(s *socket, parent *wire.Message, msgType string, content any) {
	msg, err := k.session.New(msgType, parent, content)
	if err != nil {
		k.log.Printf("make %s: %v", msgType, err)
		return
	}
	k.sendOn(s, msg)
}

func (k *Kernel) sendOn(s *socket, msg *wire.Message) {
	frames, err := k.session.Encode(msg)
	if err != nil {
		k.log.Printf("encode %s: %v", msg.Header.MsgType, err)
		return
	}
	if err := s.send(frames); err != nil {
		k.log.Printf("%v", err)
	}
}

// shutdown ends the worker and the kernel. On a restart, the kernel
// manager starts a new kernel process.
func (k *Kernel) shutdown(restart bool) {
	k.stopOnce.Do(func() {
		k.log.Printf("shutting down (restart: %v)", restart)
		k.sup.Close()
		k.stop()
	})
}

// Package transport is the kernel's ZeroMQ transport: TCP and Unix socket
// connections for zmq4 that keep one client from hurting the kernel or the
// other clients.
//
// zmq4 v0.17.0 allocates a frame's whole body as soon as it has read the
// frame's size, writes to each peer synchronously (one iopub subscriber
// that stops reading stalls output for every client; one client that stops
// reading its replies stalls the shell socket for all), and opens
// connections one at a time (a client that connects and says nothing holds
// back every later one). Connections of this transport instead:
//
//   - end the connection of a peer that announces a frame or a message
//     larger than Limits.MaxMessage, before anything is allocated for it;
//   - queue what the kernel writes and send it from a goroutine of their
//     own; while more than Limits.MaxPending bytes wait for a peer, whole
//     messages to it are dropped and counted, as ZeroMQ's high-water mark
//     drops them, so the kernel never waits for a slow reader;
//   - reach zmq4 only once the peer has started its greeting, and must
//     finish the handshake within Limits.Handshake.
//
// Register installs the transport in zmq4 under the names "golab-tcp" and
// "golab-ipc"; Endpoint turns a "tcp://…" or "ipc://…" address into one.
package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"
	zt "github.com/go-zeromq/zmq4/transport"
)

// Limits bound what one connection may cost the kernel.
type Limits struct {
	// MaxMessage is the largest message (all frames together) a client
	// may send; 0 means 64 MiB.
	MaxMessage int64
	// MaxPending is how many bytes may wait for one slow peer before
	// messages to it are dropped; 0 means 64 MiB.
	MaxPending int64
	// Handshake is how long a new connection has to complete the ZMTP
	// greeting and handshake; 0 means 10 s.
	Handshake time.Duration
	// Log receives one line per connection ended or message dropped; nil
	// means the standard logger.
	Log *log.Logger
}

func (l Limits) withDefaults() Limits {
	if l.MaxMessage <= 0 {
		l.MaxMessage = 64 << 20
	}
	if l.MaxPending <= 0 {
		l.MaxPending = 64 << 20
	}
	if l.Handshake <= 0 {
		l.Handshake = 10 * time.Second
	}
	if l.Log == nil {
		l.Log = log.Default()
	}
	return l
}

var (
	registerOnce sync.Once
	registerErr  error
	current      atomic.Pointer[Limits]
	dropped      atomic.Int64
)

// Register installs the guarded transports in zmq4 with these limits. It
// may be called again to change the limits of connections made after.
func Register(limits Limits) error {
	l := limits.withDefaults()
	current.Store(&l)
	registerOnce.Do(func() {
		for _, network := range []string{"tcp", "ipc"} {
			base := "tcp"
			if network == "ipc" {
				base = "unix"
			}
			if err := zmq4.RegisterTransport("golab-"+network, guarded{base: zt.New(base)}); err != nil {
				registerErr = fmt.Errorf("register the golab-%s transport: %w", network, err)
				return
			}
		}
	})
	return registerErr
}

// Endpoint returns the guarded form of a ZeroMQ endpoint ("tcp://…" or
// "ipc://…"); others are returned unchanged.
func Endpoint(ep string) string {
	for _, network := range []string{"tcp", "ipc"} {
		if rest, ok := strings.CutPrefix(ep, network+"://"); ok {
			return "golab-" + network + "://" + rest
		}
	}
	return ep
}

// Dropped reports how many outgoing messages were dropped for slow peers
// since the process started.
func Dropped() int64 { return dropped.Load() }

func limits() Limits {
	if l := current.Load(); l != nil {
		return *l
	}
	return Limits{}.withDefaults()
}

// guarded is a zmq4 transport whose connections are guarded.
type guarded struct{ base zt.Transport }

func (g guarded) Dial(ctx context.Context, d zt.Dialer, addr string) (net.Conn, error) {
	c, err := g.base.Dial(ctx, d, addr)
	if err != nil {
		return nil, err
	}
	return newConn(c, nil, limits()), nil
}

func (g guarded) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := g.base.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	gl := &listener{Listener: l, conns: make(chan net.Conn), closed: make(chan struct{})}
	go gl.run()
	return gl, nil
}

func (g guarded) Addr(ep string) (string, error) { return g.base.Addr(ep) }

// listener accepts connections in the background and hands zmq4 those
// whose peer has begun to speak.
type listener struct {
	net.Listener
	conns     chan net.Conn
	closed    chan struct{}
	closeOnce sync.Once
}

func (l *listener) run() {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			select {
			case <-l.closed:
				return
			case <-time.After(10 * time.Millisecond): // e.g. out of file descriptors
			}
			continue
		}
		go l.admit(c)
	}
}

// admit waits, within the handshake time, for the peer's first byte.
func (l *listener) admit(c net.Conn) {
	lim := limits()
	_ = c.SetReadDeadline(time.Now().Add(lim.Handshake))
	first := make([]byte, 1)
	if _, err := io.ReadFull(c, first); err != nil {
		lim.Log.Printf("a client at %s connected and sent nothing within %v: closed", c.RemoteAddr(), lim.Handshake)
		c.Close()
		return
	}
	gc := newConn(c, first, lim)
	select {
	case l.conns <- gc:
	case <-l.closed:
		c.Close()
	}
}

// Accept returns the next connection whose peer has begun its greeting.
func (l *listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close stops accepting.
func (l *listener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// errTooLarge ends the connection of a peer that sent too much. It wraps
// io.EOF so that zmq4 treats the connection as closed.
type errTooLarge struct{ size, max int64 }

func (e errTooLarge) Error() string {
	return fmt.Sprintf("a message of %d bytes, more than the kernel's limit of %d: %v", e.size, e.max, io.EOF)
}

func (e errTooLarge) Unwrap() error { return io.EOF }

// conn is one guarded connection.
type conn struct {
	net.Conn
	limits Limits

	// reading
	prefix      []byte // bytes read before zmq4 took the connection over
	in          *framer
	inMessage   int64 // bytes of the incoming message so far
	handshaking bool  // the read deadline of the handshake is set

	// writing
	mu       sync.Mutex
	wake     *sync.Cond
	out      *framer
	pending  []byte
	sending  bool // the writer holds a batch it is writing
	dropping bool // the message being written is dropped
	drops    int64
	werr     error
	closed   bool
	drained  chan struct{} // closed when the writer goroutine ends
}

func newConn(c net.Conn, prefix []byte, lim Limits) *conn {
	gc := &conn{Conn: c, limits: lim, prefix: prefix, in: newFramer(), out: newFramer(), drained: make(chan struct{})}
	gc.wake = sync.NewCond(&gc.mu)
	if prefix != nil {
		gc.handshaking = true // admit set the deadline
	} else {
		gc.handshaking = c.SetReadDeadline(time.Now().Add(lim.Handshake)) == nil
	}
	go gc.writeLoop()
	return gc
}

// Read reads from the peer, ending the connection if it announces a
// frame or message over the limit.
func (c *conn) Read(p []byte) (int, error) {
	var n int
	var err error
	if len(c.prefix) > 0 {
		n = copy(p, c.prefix)
		c.prefix = c.prefix[n:]
	} else {
		n, err = c.Conn.Read(p)
	}
	if n > 0 {
		if ferr := c.in.feed(p[:n], c.checkIncoming, nil); ferr != nil {
			c.limits.Log.Printf("a client at %s sent %v; its connection is closed", c.RemoteAddr(), ferr)
			c.Close()
			return 0, ferr
		}
		// The handshake is done once the peer's READY command came in.
		if c.handshaking && c.in.greetLeft == 0 && c.in.commands > 0 && c.in.bodyLeft == 0 {
			c.handshaking = false
			_ = c.Conn.SetReadDeadline(time.Time{})
		}
	}
	if err != nil && c.handshaking {
		c.Close() // zmq4 does not close a connection whose handshake failed
	}
	return n, err
}

func (c *conn) checkIncoming(h frameHeader) (bool, error) {
	if h.first || h.command {
		c.inMessage = 0
	}
	if h.size > uint64(c.limits.MaxMessage) {
		return false, errTooLarge{size: int64(min(h.size, 1<<62)), max: c.limits.MaxMessage}
	}
	c.inMessage += int64(h.size)
	if c.inMessage > c.limits.MaxMessage {
		return false, errTooLarge{size: c.inMessage, max: c.limits.MaxMessage}
	}
	return true, nil
}

// Write queues p for the peer and returns at once.
func (c *conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.werr != nil {
		return 0, c.werr
	}
	if c.closed {
		return 0, net.ErrClosed
	}
	err := c.out.feed(p, c.admitOutgoing, func(b []byte) { c.pending = append(c.pending, b...) })
	if err != nil {
		return 0, err
	}
	c.wake.Signal()
	return len(p), nil
}

// admitOutgoing decides, at the start of each message, whether it is
// queued or dropped. Callers hold c.mu.
func (c *conn) admitOutgoing(h frameHeader) (bool, error) {
	if h.command {
		return true, nil
	}
	if h.first {
		c.dropping = int64(len(c.pending)) >= c.limits.MaxPending
		if c.dropping {
			c.drops++
			dropped.Add(1)
			if c.drops&(c.drops-1) == 0 { // 1, 2, 4, 8, …
				c.limits.Log.Printf("a client at %s is not reading: %d messages to it dropped so far", c.RemoteAddr(), c.drops)
			}
		}
	}
	return !c.dropping, nil
}

// writeLoop sends what is queued until the connection closes.
func (c *conn) writeLoop() {
	defer close(c.drained)
	var batch []byte
	for {
		c.mu.Lock()
		c.sending = false
		for len(c.pending) == 0 && !c.closed {
			c.wake.Broadcast() // for Close, waiting for the queue to drain
			c.wake.Wait()
		}
		if len(c.pending) == 0 {
			c.mu.Unlock()
			return
		}
		batch, c.pending = c.pending, batch[:0]
		c.sending = true
		c.mu.Unlock()
		if _, err := c.Conn.Write(batch); err != nil {
			c.mu.Lock()
			c.werr = err
			c.pending = nil
			c.closed = true
			c.mu.Unlock()
			c.Conn.Close()
			return
		}
	}
}

// Close sends what is queued (waiting at most a second) and closes the
// connection.
func (c *conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	deadline := time.Now().Add(time.Second)
	timer := time.AfterFunc(time.Second, func() {
		c.mu.Lock()
		c.wake.Broadcast()
		c.mu.Unlock()
	})
	for (len(c.pending) > 0 || c.sending) && c.werr == nil && time.Now().Before(deadline) {
		c.wake.Wait()
	}
	timer.Stop()
	c.closed = true
	c.wake.Broadcast()
	c.mu.Unlock()
	return c.Conn.Close()
}

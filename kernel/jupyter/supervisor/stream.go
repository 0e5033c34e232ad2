package supervisor

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/protocol"
)

// Stream indexes.
const (
	stdout = 0
	stderr = 1
)

var streamNames = [2]string{"stdout", "stderr"}

// crashGrace is how long text that looks like the Go runtime's crash report
// is held back: if the worker is still alive after it, the text was only
// printed by the cell and is shown as ordinary output.
const crashGrace = time.Second

// eventWait bounds how long an event waits for the text written before it:
// a stream a child process holds open may never show the marker. Time the
// router spends in sink calls does not count: the text may be waiting in
// the router's own channel meanwhile.
const eventWait = 2 * time.Second

// flushEvery is how often the text that arrived is sent to the notebook.
const flushEvery = 50 * time.Millisecond

// router moves one worker's output to the sinks of the cells. It is one
// goroutine (run) that owns all output state: the two stream readers and
// the event reader send it what they read, the supervisor sends it calls
// (set the sink, end the cell, …), and it alone calls the sinks for this
// worker. So no output state is locked, and the order of what reaches a
// notebook is the order the router handles it in: text first, then the
// event written after it. The one lock, shared with the supervisor and
// the routers of earlier workers (a child process that left the worker's
// process group may still print through one), keeps sink calls one at a
// time.
type router struct {
	prefix []byte // the worker's marker prefix

	pieces chan streamPiece   // from the stream readers
	events chan routedEvent   // from the event reader, in the worker's order
	calls  chan func(*output) // from the supervisor

	bothEOF chan struct{} // closed when both streams have ended
	stopped chan struct{} // closed when run has returned

	afterMu sync.Mutex // serializes calls once run has returned
	out     *output    // owned by run, or after it by the holder of afterMu
}

// streamPiece is what a stream reader read: text or a marker, or the
// stream's end.
type streamPiece struct {
	which int
	piece piece
	eof   bool
}

// routedEvent is a worker event the router hands on in its place: after the
// text written before its marker seq, before the text written after it.
type routedEvent struct {
	seq int64
	// releaseHeld lets held-back stderr text go out first: the worker
	// answered a request, so it is alive.
	releaseHeld bool
	give        func(*Sink, *limiter) // gives the event to the current sink, within the cell's limit, or nil
	then        func()                // runs after the event went out, or nil
}

// newRouter starts a router for the worker with this marker token; its
// sink calls hold sinkMu.
func newRouter(token string, sinkMu *sync.Mutex) *router {
	r := &router{
		prefix:  []byte(protocol.MarkerPrefix(token)),
		pieces:  make(chan streamPiece, 64),
		events:  make(chan routedEvent, 16),
		calls:   make(chan func(*output)),
		bothEOF: make(chan struct{}),
		stopped: make(chan struct{}),
		out:     newOutput(sinkMu),
	}
	go r.run()
	return r
}

// run is the router's goroutine. It ends once both streams and the event
// pipe have ended and every event went out.
func (r *router) run() {
	defer close(r.stopped)
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	o := r.out
	var waiting []routedEvent
	eofs, events := 0, r.events
	// The first waiting event's clock: when it came first, and the time
	// spent in sink calls by then.
	var headSince time.Time
	var headInSinks time.Duration
	startClock := func() { headSince, headInSinks = time.Now(), o.inSinks }
	waitedTooLong := func() bool { return time.Since(headSince)-(o.inSinks-headInSinks) > eventWait }
	// deliverReady hands on the events whose text has all arrived, or that
	// waited eventWait for it.
	deliverReady := func() {
		for len(waiting) > 0 && (o.textArrived(waiting[0].seq) || waitedTooLong()) {
			o.deliver(waiting[0])
			waiting = waiting[1:]
			startClock()
		}
	}
	for eofs < 2 || events != nil || len(waiting) > 0 {
		select {
		case p := <-r.pieces:
			switch {
			case p.eof:
				o.eof[p.which] = true
				if eofs++; eofs == 2 {
					close(r.bothEOF)
				}
			case p.piece.kind == "":
				o.text(p.which, p.piece.text)
			default:
				o.marker(p.which, p.piece)
			}
			deliverReady()
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if len(waiting) == 0 {
				startClock()
			}
			waiting = append(waiting, ev)
			deliverReady()
		case call := <-r.calls:
			call(o)
		case <-tick.C:
			o.flush()
			deliverReady()
		}
	}
	o.flush() // what came after the last tick
}

// do runs call with the output state, in the router's goroutine (or, once
// that has ended, alone), and returns when it is done.
func (r *router) do(call func(*output)) {
	done := make(chan struct{})
	select {
	case r.calls <- func(o *output) { call(o); close(done) }:
		<-done
	case <-r.stopped:
		r.afterMu.Lock()
		defer r.afterMu.Unlock()
		call(r.out)
	}
}

// read consumes one stream until EOF and passes what it reads to the router.
func (r *router) read(which int, src io.Reader) {
	buf := make([]byte, 64*1024)
	d := demux{prefix: r.prefix}
	for {
		n, err := src.Read(buf)
		if n > 0 {
			for _, p := range d.split(buf[:n]) {
				// buf is read into again while the router may still hold the piece.
				p.text = bytes.Clone(p.text)
				r.pieces <- streamPiece{which: which, piece: p}
			}
		}
		if err != nil {
			if rest := d.rest(); len(rest) > 0 {
				r.pieces <- streamPiece{which: which, piece: piece{text: bytes.Clone(rest)}}
			}
			r.pieces <- streamPiece{which: which, eof: true}
			return
		}
	}
}

// event queues a worker event; the router hands it on in its place.
func (r *router) event(ev routedEvent) {
	r.events <- ev
}

// eventsEnded tells the router the event pipe has closed.
func (r *router) eventsEnded() { close(r.events) }

// waitEOF waits until both streams ended or timeout passed. Child processes
// a cell started may hold the pipes open after the worker died.
func (r *router) waitEOF(timeout time.Duration) {
	select {
	case <-r.bothEOF:
	case <-time.After(timeout):
	}
}

// flush sends the text that may go out now.
func (r *router) flush() { r.do((*output).flush) }

// setSink directs future output to sink, with a fresh output limit; what
// is queued goes to the previous sink first.
func (r *router) setSink(sink *Sink, limit *limiter) {
	r.do(func(o *output) {
		o.flush()
		o.sink, o.limit, o.idle = sink, limit, false
	})
}

// remember records the sink of the cell of request id: text of goroutines
// the cell leaves running goes there while no other cell runs, and always
// if the sink KeepsLateOutput.
func (r *router) remember(id int64, sink *Sink, limit *limiter) {
	r.do(func(o *output) { o.late[id] = lateOutput{sink, limit} })
}

// endCell marks the sink's cell as ended: text of an earlier cell's
// goroutines that arrives from now on goes to that cell's sink.
func (r *router) endCell() {
	r.do(func(o *output) {
		o.flush()
		o.idle, o.idleSince = true, time.Now()
	})
}

// holdIdleOutputAfter makes text that goroutines print while no cell runs
// be held once no cell has run for d (see limits.Limits.IdleOutputHold);
// d <= 0 never holds.
func (r *router) holdIdleOutputAfter(d time.Duration) {
	r.do(func(o *output) { o.holdAfter = d })
}

// takeHeld returns what was held while idle, and forgets it.
func (r *router) takeHeld() (h heldText) {
	r.do(func(o *output) { h, o.held = o.held, heldText{} })
	return h
}

// heldText counts the text held while idle, and keeps its end.
type heldText struct {
	Bytes, Lines int64
	Tail         []byte // the last heldTail bytes
	After        time.Duration
}

const heldTail = 1 << 10

func (h *heldText) add(b []byte, after time.Duration) {
	h.Bytes += int64(len(b))
	h.Lines += int64(bytes.Count(b, []byte("\n")))
	h.Tail = append(h.Tail, b...)
	if len(h.Tail) > heldTail {
		h.Tail = append([]byte(nil), h.Tail[len(h.Tail)-heldTail:]...)
	}
	h.After = after
}

// holding reports whether text that arrives now, while no cell runs, is
// held rather than sent.
func (o *output) holding(to lateOutput) bool {
	return o.idle && o.holdAfter > 0 && time.Since(o.idleSince) > o.holdAfter && (to.sink == nil || !to.sink.KeepsLateOutput)
}

// currentSink returns the sink output goes to.
func (r *router) currentSink() (sink *Sink) {
	r.do(func(o *output) { sink = o.sink })
	return sink
}

// notice returns what the limiter held back of a cell's output, in words.
// (A limiter may serve two routers: a cell that redefines a type runs
// again in a new worker.)
func (r *router) notice(limit *limiter) (msg string) {
	r.do(func(o *output) { o.withSinks(func() { msg = limit.notice() }) })
	return msg
}

// workerEnded lets all queued text go out, held-back text stays a crash
// report now, and returns the report, the interpreter's panic frames and
// the worker's own account of its end, if it gave one.
func (r *router) workerEnded() (crash string, frames []failure.Frame, reported *protocol.Error) {
	r.do(func(o *output) {
		o.workerAlive = false
		o.release()
		crash, frames, reported = o.takeCrash()
	})
	return crash, frames, reported
}

// release lets all queued text go out: the worker has ended, so no event
// will come to order it against.
func (r *router) release() { r.do((*output).release) }

// forgetFrames drops the panic frames, and the account of goroutines an
// interrupt could not stop, of a cell that ended normally.
func (r *router) forgetFrames() { r.do(func(o *output) { o.frames, o.stuck = nil, nil }) }

// takeStuck returns the worker's account of the goroutines an interrupt
// could not stop, if it gave one.
func (r *router) takeStuck() (stuck *protocol.Error) {
	r.do(func(o *output) { stuck, o.stuck = o.stuck, nil })
	return stuck
}

// output is the router's state: the text waiting to go out, the events'
// places in it, the crash report held back, and where output goes.
type output struct {
	sinkMu  *sync.Mutex   // held for sink calls and limiters
	inSinks time.Duration // the time spent in sink calls so far

	passed    [2]int64 // the last sync marker seen on each stream
	eof       [2]bool
	pending   [2][]chunk
	atLine    [2]bool // the last text on the stream ended a line
	delivered int64   // the last event handed to the sink; text after its marker may go out

	headPart    []byte // the start of a stderr line that may begin a crash report
	plain       bool   // stderr is a child program's: no crash report is looked for
	crashing    bool   // stderr text that looks like a Go crash report is held in crash
	crash       []byte
	crashSince  time.Time
	frames      []failure.Frame // the interpreter's frames of a panic
	reported    *protocol.Error // the worker's own account of why it ends
	stuck       *protocol.Error // its account of goroutines an interrupt could not stop
	workerAlive bool

	sink      *Sink
	limit     *limiter
	idle      bool      // the sink's cell has ended: no cell runs
	idleSince time.Time // when it ended
	holdAfter time.Duration
	held      heldText // text held while idle, past holdAfter

	partialSince [2]time.Time // since when a stream's text ends inside a character, held back

	origin [2]int64             // the request whose goroutine writes now (a "from" marker), or 0
	late   map[int64]lateOutput // the sinks of earlier cells, by request ID
}

func newOutput(sinkMu *sync.Mutex) *output {
	if sinkMu == nil {
		sinkMu = new(sync.Mutex)
	}
	return &output{sinkMu: sinkMu, atLine: [2]bool{true, true}, workerAlive: true, late: map[int64]lateOutput{}}
}

// withSinks runs call, which calls sinks or limiters, holding sinkMu, and
// counts its time.
func (o *output) withSinks(call func()) {
	start := time.Now()
	o.sinkMu.Lock()
	defer func() {
		o.sinkMu.Unlock()
		o.inSinks += time.Since(start)
	}()
	call()
}

// lateOutput is where text of an ended cell's goroutines goes.
type lateOutput struct {
	sink  *Sink
	limit *limiter
}

// chunk is queued text with the last sync marker seen before it: text
// after marker n must wait until event n has been delivered. origin is
// the request whose goroutine wrote it, when that was an earlier cell's.
type chunk struct {
	after  int64
	origin int64
	b      []byte
}

// queue appends text to a stream's pending chunks.
func (o *output) queue(which int, b []byte) {
	if len(b) == 0 {
		return
	}
	tag, origin := o.passed[which], o.origin[which]
	if n := len(o.pending[which]); n > 0 && o.pending[which][n-1].after == tag && o.pending[which][n-1].origin == origin {
		o.pending[which][n-1].b = append(o.pending[which][n-1].b, b...)
		return
	}
	o.pending[which] = append(o.pending[which], chunk{after: tag, origin: origin, b: append([]byte(nil), b...)})
}

// marker acts on one of the worker's markers on a stream.
func (o *output) marker(which int, p piece) {
	switch p.kind {
	case "sync":
		if seq, err := strconv.ParseInt(p.payload, 10, 64); err == nil && seq > o.passed[which] {
			o.passed[which] = seq
		}
	case protocol.FrameMarker:
		var f failure.Frame
		if err := json.Unmarshal([]byte(p.payload), &f); err == nil {
			o.frames = append(o.frames, f)
		}
	case protocol.FailureMarker, protocol.StuckMarker:
		var e protocol.Error
		if err := json.Unmarshal([]byte(p.payload), &e); err == nil && e.Name != "" {
			if p.kind == protocol.StuckMarker {
				o.stuck = &e
			} else {
				o.reported = &e
			}
		}
	case "from":
		o.origin[which], _ = strconv.ParseInt(p.payload, 10, 64)
	case "plain":
		// A compiled program's stderr follows: its "panic:" is its own.
		o.plain = p.payload == "1"
	}
}

// text queues text for the sink, holding back what looks like a crash
// report on stderr.
func (o *output) text(which int, b []byte) {
	if len(b) == 0 {
		return
	}
	if which == stderr && !o.plain {
		// A line that may yet become the start of a crash report waits for
		// the rest of its head ("runtime: gorou" + "tine stack exceeds").
		b = append(o.headPart, b...)
		o.headPart = nil
		if cut := bytes.LastIndexByte(b, '\n') + 1; !o.crashing && (cut > 0 || o.atLine[stderr]) && mayBeCrashHead(b[cut:]) {
			o.headPart = append([]byte(nil), b[cut:]...)
			b = b[:cut]
			if len(b) == 0 {
				return
			}
		}
		if o.crashing {
			o.crash = append(o.crash, b...)
			return
		}
		if k := crashStart(b, o.atLine[stderr]); k >= 0 {
			o.queue(stderr, b[:k])
			o.crashing = true
			o.crashSince = time.Now()
			o.crash = append([]byte(nil), b[k:]...)
			return
		}
	}
	o.queue(which, b)
	o.atLine[which] = b[len(b)-1] == '\n'
}

// crashHeads begin the lines that start a Go runtime crash report.
var crashHeads = []string{"panic: ", "fatal error: ", "runtime: goroutine stack exceeds", "runtime: out of memory"}

// mayBeCrashHead reports whether a partial line is a proper prefix of one
// of crashHeads.
func mayBeCrashHead(part []byte) bool {
	if len(part) == 0 {
		return false
	}
	for _, head := range crashHeads {
		if len(part) < len(head) && strings.HasPrefix(head, string(part)) {
			return true
		}
	}
	return false
}

// crashStart finds where the Go runtime's crash report starts in b: a line
// beginning with one of crashHeads.
func crashStart(b []byte, atLineStart bool) int {
	first := -1
	for _, head := range crashHeads {
		if atLineStart && bytes.HasPrefix(b, []byte(head)) {
			return 0
		}
		if i := bytes.Index(b, []byte("\n"+head)); i >= 0 && (first < 0 || i+1 < first) {
			first = i + 1
		}
	}
	return first
}

// textArrived reports whether both streams have passed sync marker seq (or
// ended): all text written before event seq is here.
func (o *output) textArrived(seq int64) bool {
	return (o.passed[stdout] >= seq || o.eof[stdout]) && (o.passed[stderr] >= seq || o.eof[stderr])
}

// flush hands the sinks the text that may go out now: what was written
// before the marker of the next undelivered event. A crash report held
// for longer than crashGrace in a live worker is released as plain text.
func (o *output) flush() {
	if len(o.headPart) > 0 && !o.crashing {
		// Nothing more came: it was a line of the cell's own ("pan" …).
		o.queue(stderr, o.headPart)
		o.atLine[stderr] = false
		o.headPart = nil
	}
	if o.crashing && o.workerAlive && time.Since(o.crashSince) > crashGrace {
		o.queue(stderr, o.crash)
		o.crashing, o.crash = false, nil
	}
	type batch struct {
		to   lateOutput
		name string
		b    []byte
	}
	var out []batch
	add := func(to lateOutput, which int, b []byte) {
		if n := len(out); n > 0 && out[n-1].to == to && out[n-1].name == streamNames[which] {
			out[n-1].b = append(out[n-1].b, b...)
			return
		}
		out = append(out, batch{to, streamNames[which], append([]byte(nil), b...)})
	}
	current := lateOutput{o.sink, o.limit}
	for which := range o.pending {
		keep := o.pending[which][:0]
		for i, c := range o.pending[which] {
			if c.after > o.delivered {
				keep = append(keep, c)
				continue
			}
			if i == len(o.pending[which])-1 {
				// The stream's newest text may end inside a character
				// (written a byte at a time): its start waits for the rest.
				var part []byte
				if c.b, part = o.splitPartialRune(which, c.b); len(part) > 0 {
					keep = append(keep, chunk{after: c.after, origin: c.origin, b: part})
				}
			}
			to, known := o.late[c.origin]
			if !known {
				to = current
			}
			switch {
			case len(c.b) == 0:
			case o.holding(to):
				o.held.add(c.b, o.holdAfter)
			case known && (o.idle || to.sink.KeepsLateOutput):
				add(to, which, c.b)
			default:
				add(current, which, c.b)
			}
		}
		o.pending[which] = keep
	}
	if len(out) == 0 {
		return
	}
	o.withSinks(func() {
		for _, b := range out {
			if b.to.sink == nil || b.to.sink.Stream == nil {
				continue
			}
			if shown := b.to.limit.admit(b.b); len(shown) > 0 {
				b.to.sink.Stream(b.name, string(shown))
			}
		}
	})
}

// partialRuneWait is how long the start of a UTF-8 character waits for
// its rest before it goes out as it is (the text may not be UTF-8 at all).
const partialRuneWait = 500 * time.Millisecond

// splitPartialRune cuts off the start of a character that b ends inside,
// for a live worker's stream, unless it has waited partialRuneWait already.
func (o *output) splitPartialRune(which int, b []byte) (whole, part []byte) {
	start := len(b)
	for start > 0 && len(b)-start < utf8.UTFMax && !utf8.RuneStart(b[start-1]) {
		start--
	}
	if start == 0 || len(b)-start >= utf8.UTFMax {
		o.partialSince[which] = time.Time{}
		return b, nil
	}
	start-- // the character's first byte
	if utf8.FullRune(b[start:]) || o.eof[which] || o.delivered == math.MaxInt64 {
		o.partialSince[which] = time.Time{}
		return b, nil
	}
	if o.partialSince[which].IsZero() {
		o.partialSince[which] = time.Now()
	} else if time.Since(o.partialSince[which]) > partialRuneWait {
		o.partialSince[which] = time.Time{}
		return b, nil
	}
	return b[:start], append([]byte(nil), b[start:]...)
}

// deliver hands an event to the sink in its place: after the text written
// before its marker, before the text written after it.
func (o *output) deliver(ev routedEvent) {
	if ev.releaseHeld {
		o.releaseHeldText()
	}
	o.flush()
	if ev.give != nil && o.sink != nil {
		o.withSinks(func() { ev.give(o.sink, o.limit) })
	}
	if ev.seq > o.delivered {
		o.delivered = ev.seq
	}
	if ev.then != nil {
		ev.then()
	}
}

// release lets all queued text go out: the worker has ended, so no event
// will come to order it against.
func (o *output) release() {
	o.delivered = math.MaxInt64
	o.flush()
}

// releaseHeldText lets stderr text held back as a possible crash report go
// out as ordinary output, when the worker has shown it is alive (it
// answered a request) and the text has none of a real report's goroutine
// traces: the cell printed "panic: …" itself. It then reaches the notebook
// before the cell's reply, not after.
func (o *output) releaseHeldText() {
	if !o.crashing || bytes.Contains(o.crash, []byte("\ngoroutine ")) {
		return
	}
	o.queue(stderr, o.crash)
	o.atLine[stderr] = len(o.crash) == 0 || o.crash[len(o.crash)-1] == '\n'
	o.crashing, o.crash = false, nil
}

// takeCrash returns the held crash report and the panic frames, and
// forgets them.
func (o *output) takeCrash() (string, []failure.Frame, *protocol.Error) {
	c, f, r := string(o.crash), o.frames, o.reported
	o.crash, o.frames, o.crashing, o.reported = nil, nil, false, nil
	return c, f, r
}

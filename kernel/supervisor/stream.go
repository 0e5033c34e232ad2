package supervisor

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

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

// streams reads a worker's stdout and stderr, takes out the worker's
// markers, and hands the text to the current sink in batches.
type streams struct {
	prefix []byte // the worker's marker prefix

	mu        sync.Mutex
	cond      *sync.Cond
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
	frames      []string // interpreter panic frames ("3:5: panic: main.f(...)")
	workerAlive bool

	emitMu sync.Mutex // serializes calls into the sink
	sink   *Sink
	limit  *limiter
	idle   bool // the sink's cell has ended: no cell runs

	origin [2]int64             // the request whose goroutine writes now (a "from" marker), or 0
	late   map[int64]lateOutput // the sinks of earlier cells, by request ID
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

// queue appends text to a stream's pending chunks. Callers hold s.mu.
func (s *streams) queue(which int, b []byte) {
	if len(b) == 0 {
		return
	}
	tag, origin := s.passed[which], s.origin[which]
	if n := len(s.pending[which]); n > 0 && s.pending[which][n-1].after == tag && s.pending[which][n-1].origin == origin {
		s.pending[which][n-1].b = append(s.pending[which][n-1].b, b...)
		return
	}
	s.pending[which] = append(s.pending[which], chunk{after: tag, origin: origin, b: append([]byte(nil), b...)})
}

func newStreams(token string) *streams {
	s := &streams{prefix: []byte(protocol.MarkerPrefix(token)), atLine: [2]bool{true, true}, workerAlive: true}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// read consumes one stream until EOF.
func (s *streams) read(which int, r io.Reader) {
	buf := make([]byte, 64*1024)
	d := demux{prefix: s.prefix}
	for {
		n, err := r.Read(buf)
		if n > 0 {
			for _, p := range d.split(buf[:n]) {
				if p.kind == "" {
					s.text(which, p.text)
				} else {
					s.marker(which, p)
				}
			}
		}
		if err != nil {
			s.text(which, d.rest())
			s.mu.Lock()
			s.eof[which] = true
			s.cond.Broadcast()
			s.mu.Unlock()
			return
		}
	}
}

// marker acts on one of the worker's markers on a stream.
func (s *streams) marker(which int, p piece) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch p.kind {
	case "sync":
		if seq, err := strconv.ParseInt(p.payload, 10, 64); err == nil && seq > s.passed[which] {
			s.passed[which] = seq
			s.cond.Broadcast()
		}
	case "frame":
		s.frames = append(s.frames, p.payload)
	case "from":
		s.origin[which], _ = strconv.ParseInt(p.payload, 10, 64)
	case "plain":
		// A compiled program's stderr follows: its "panic:" is its own.
		s.plain = p.payload == "1"
	}
}

// text queues text for the sink, holding back what looks like a crash
// report on stderr.
func (s *streams) text(which int, b []byte) {
	if len(b) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if which == stderr && !s.plain {
		// A line that may yet become the start of a crash report waits for
		// the rest of its head ("runtime: gorou" + "tine stack exceeds").
		b = append(s.headPart, b...)
		s.headPart = nil
		if cut := bytes.LastIndexByte(b, '\n') + 1; !s.crashing && (cut > 0 || s.atLine[stderr]) && mayBeCrashHead(b[cut:]) {
			s.headPart = append([]byte(nil), b[cut:]...)
			b = b[:cut]
			if len(b) == 0 {
				return
			}
		}
		if s.crashing {
			s.crash = append(s.crash, b...)
			return
		}
		if k := crashStart(b, s.atLine[stderr]); k >= 0 {
			s.queue(stderr, b[:k])
			s.crashing = true
			s.crashSince = time.Now()
			s.crash = append([]byte(nil), b[k:]...)
			return
		}
	}
	s.queue(which, b)
	s.atLine[which] = b[len(b)-1] == '\n'
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

// waitFor blocks until both streams have passed sync marker seq (or ended,
// or timeout passed), so an event is published after the text before it.
func (s *streams) waitFor(seq int64, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer timer.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for !((s.passed[stdout] >= seq || s.eof[stdout]) && (s.passed[stderr] >= seq || s.eof[stderr])) {
		if time.Now().After(deadline) {
			return
		}
		s.cond.Wait()
	}
}

// waitEOF waits until both streams ended or timeout passed. Child processes
// a cell started may hold the pipes open after the worker died.
func (s *streams) waitEOF(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		done := s.eof[stdout] && s.eof[stderr]
		s.mu.Unlock()
		if done || time.Now().After(deadline) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// flush hands the sink the text that may go out now: what was written
// before the marker of the next undelivered event. A crash report held
// for longer than crashGrace in a live worker is released as plain text.
func (s *streams) flush() {
	s.emitMu.Lock()
	defer s.emitMu.Unlock()
	s.flushLocked()
}

// flushLocked is flush for callers that hold emitMu.
func (s *streams) flushLocked() {
	s.mu.Lock()
	if len(s.headPart) > 0 && !s.crashing {
		// Nothing more came: it was a line of the cell's own ("pan" …).
		s.queue(stderr, s.headPart)
		s.atLine[stderr] = false
		s.headPart = nil
	}
	if s.crashing && s.workerAlive && time.Since(s.crashSince) > crashGrace {
		s.queue(stderr, s.crash)
		s.crashing, s.crash = false, nil
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
	current := lateOutput{s.sink, s.limit}
	for which := range s.pending {
		keep := s.pending[which][:0]
		for _, c := range s.pending[which] {
			to, known := s.late[c.origin]
			switch {
			case c.after > s.delivered:
				keep = append(keep, c)
			case known && (s.idle || to.sink.KeepsLateOutput):
				add(to, which, c.b)
			default:
				add(current, which, c.b)
			}
		}
		s.pending[which] = keep
	}
	s.mu.Unlock()
	for _, o := range out {
		if o.to.sink == nil || o.to.sink.Stream == nil {
			continue
		}
		if shown := o.to.limit.admit(o.b); len(shown) > 0 {
			o.to.sink.Stream(o.name, string(shown))
		}
	}
}

// remember records the sink of the cell of request id: text of goroutines
// the cell leaves running goes there while no other cell runs, and always
// if the sink KeepsLateOutput.
func (s *streams) remember(id int64, sink *Sink, limit *limiter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.late == nil {
		s.late = map[int64]lateOutput{}
	}
	s.late[id] = lateOutput{sink, limit}
}

// endCell marks the sink's cell as ended: text of an earlier cell's
// goroutines that arrives from now on goes to that cell's sink.
func (s *streams) endCell() {
	s.flush()
	s.mu.Lock()
	s.idle = true
	s.mu.Unlock()
}

// deliver hands an event to the sink in its place: after the text written
// before its marker, before the text written after it.
func (s *streams) deliver(seq int64, give func(sink *Sink)) {
	s.emitMu.Lock()
	defer s.emitMu.Unlock()
	s.flushLocked()
	s.mu.Lock()
	sink := s.sink
	s.mu.Unlock()
	if give != nil && sink != nil {
		give(sink)
	}
	s.mu.Lock()
	if seq > s.delivered {
		s.delivered = seq
	}
	s.mu.Unlock()
}

// release lets all queued text go out: the worker has ended, so no event
// will come to order it against.
func (s *streams) release() {
	s.mu.Lock()
	s.delivered = math.MaxInt64
	s.mu.Unlock()
	s.flush()
}

// setSink directs future output to sink, with a fresh output limit.
func (s *streams) setSink(sink *Sink, limit *limiter) {
	s.flush() // what is queued belongs to the previous sink
	s.emitMu.Lock()
	defer s.emitMu.Unlock()
	s.mu.Lock()
	s.sink, s.limit, s.idle = sink, limit, false
	s.mu.Unlock()
}

// releaseHeldText lets stderr text held back as a possible crash report go
// out as ordinary output, when the worker has shown it is alive (it
// answered a request) and the text has none of a real report's goroutine
// traces: the cell printed "panic: …" itself. It then reaches the notebook
// before the cell's reply, not after.
func (s *streams) releaseHeldText() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.crashing || bytes.Contains(s.crash, []byte("\ngoroutine ")) {
		return
	}
	s.queue(stderr, s.crash)
	s.atLine[stderr] = len(s.crash) == 0 || s.crash[len(s.crash)-1] == '\n'
	s.crashing, s.crash = false, nil
}

// takeCrash returns the held crash report and the panic frames, and
// forgets them.
func (s *streams) takeCrash() (string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, f := string(s.crash), s.frames
	s.crash, s.frames, s.crashing = nil, nil, false
	return c, f
}

// forgetFrames drops the panic frames of a cell that ended normally.
func (s *streams) forgetFrames() {
	s.mu.Lock()
	s.frames = nil
	s.mu.Unlock()
}

// limiter caps how much of a cell's output is sent to the notebook; the
// rest goes to a file in the kernel's private directory, and a notice says
// where, so nothing is lost silently. The file is bounded too: it keeps the
// first and the last part of the rest, and says how much was dropped
// between them.
type limiter struct {
	max     int64  // bytes the notebook shows
	saveMax int64  // bytes the file keeps (0: 64 MiB)
	dir     string // where the file goes ("": the system's temporary directory)

	shown   int64
	dropped int64 // bytes not shown
	saved   int64 // bytes written to the file's head
	tail    []byte
	tailAt  int   // next write position in tail, once it is full
	skipped int64 // bytes neither shown nor saved
	file    *os.File
	fileErr error
}

func (l *limiter) admit(b []byte) []byte {
	if l == nil {
		return b
	}
	room := l.max - l.shown
	if room >= int64(len(b)) {
		l.shown += int64(len(b))
		return b
	}
	if room < 0 {
		room = 0
	}
	shown, rest := b[:room], b[room:]
	// Cut at a line end so the notebook does not show half a line.
	if i := bytes.LastIndexByte(shown, '\n'); i >= 0 {
		shown, rest = b[:i+1], b[i+1:]
	}
	l.shown += int64(len(shown))
	l.max = l.shown // nothing more after the first overflow
	l.dropped += int64(len(rest))
	l.save(rest)
	return shown
}

// save keeps b in the overflow file's head while there is room, and the
// latest bytes after that in a tail buffer written at the end.
func (l *limiter) save(b []byte) {
	if l.saveMax <= 0 {
		l.saveMax = 64 << 20
	}
	if l.file == nil && l.fileErr == nil {
		l.file, l.fileErr = os.CreateTemp(l.dir, "golab-output-*.txt") // mode 0600
	}
	headMax := l.saveMax - l.saveMax/4
	if n := min(int64(len(b)), headMax-l.saved); n > 0 && l.file != nil {
		if _, err := l.file.Write(b[:n]); err != nil && l.fileErr == nil {
			l.fileErr = err
		}
		l.saved += n
		b = b[n:]
	}
	tailMax := int(l.saveMax / 4)
	for len(b) > 0 {
		if len(l.tail) < tailMax {
			n := min(len(b), tailMax-len(l.tail))
			l.tail = append(l.tail, b[:n]...)
			b = b[n:]
			continue
		}
		// Full: overwrite the oldest bytes, as a ring.
		n := min(len(b), tailMax-l.tailAt)
		copy(l.tail[l.tailAt:], b[:n])
		l.skipped += int64(n)
		l.tailAt = (l.tailAt + n) % tailMax
		b = b[n:]
	}
}

// notice describes what was held back, writes the file's tail and closes
// it, or returns "" when nothing was held back.
func (l *limiter) notice() string {
	if l == nil || l.dropped == 0 {
		return ""
	}
	msg := fmt.Sprintf("\n[golab] This cell printed %s more than the notebook shows (the limit is %s per cell).",
		size(l.dropped), size(l.shown))
	if l.file != nil {
		tail := append(append([]byte(nil), l.tail[l.tailAt:]...), l.tail[:l.tailAt]...)
		if l.skipped > 0 {
			fmt.Fprintf(l.file, "\n[golab: %d bytes (%s) of output were dropped here]\n", l.skipped, size(l.skipped))
		}
		if _, err := l.file.Write(tail); err != nil && l.fileErr == nil {
			l.fileErr = err
		}
		if l.skipped > 0 {
			msg += fmt.Sprintf(" The first %s and the last %s of the rest are in %s; %s between them were dropped.",
				size(l.saved), size(int64(len(tail))), l.file.Name(), size(l.skipped))
		} else {
			msg += fmt.Sprintf(" The rest is in %s.", l.file.Name())
		}
		msg += " (The file is removed when the kernel shuts down.)"
		if err := l.file.Close(); err != nil && l.fileErr == nil {
			l.fileErr = err
		}
		if l.fileErr != nil {
			msg += fmt.Sprintf(" (Writing it failed: %v.)", l.fileErr)
		}
	} else if l.fileErr != nil {
		msg += fmt.Sprintf(" It could not be saved: %v.", l.fileErr)
	}
	return msg + "\n"
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

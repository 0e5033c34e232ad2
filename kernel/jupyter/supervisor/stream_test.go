package supervisor

import (
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// What the stderr reader holds back as a crash report, and what it lets
// through as the cell's own text, whatever pieces the pipe delivers.
func TestCrashReportIsFoundInAnyPieces(t *testing.T) {
	report := "runtime: goroutine stack exceeds 268435456-byte limit\nruntime: sp=0x1 stack=[0x1, 0x2]\nfatal error: stack overflow\n\ngoroutine 1 [running]:\n"
	cases := []struct {
		name       string
		text       string
		wantCrash  string
		wantPlain  string
		releasable bool // releaseHeldText lets it go: no goroutine traces
	}{
		{"stack overflow", "before\n" + report, report, "before\n", false},
		{"panic", "x\npanic: boom\n\ngoroutine 5 [running]:\n", "panic: boom\n\ngoroutine 5 [running]:\n", "x\n", false},
		{"out of memory", "runtime: out of memory: cannot allocate 1-byte block\nfatal error: out of memory\n\ngoroutine 1 [running]:\n",
			"runtime: out of memory: cannot allocate 1-byte block\nfatal error: out of memory\n\ngoroutine 1 [running]:\n", "", false},
		{"a cell's own panic: line", "panic: input file missing\n", "panic: input file missing\n", "", true},
		{"not at a line start", "no panic: here\n", "", "no panic: here\n", false},
	}
	for _, c := range cases {
		for _, piece := range []int{1, 3, 16, 1 << 20} {
			s := newOutput(nil)
			for i := 0; i < len(c.text); i += piece {
				s.text(stderr, []byte(c.text[i:min(i+piece, len(c.text))]))
			}
			var plain strings.Builder
			for _, ch := range s.pending[stderr] {
				plain.Write(ch.b)
			}
			if string(s.crash) != c.wantCrash || plain.String()+string(s.headPart) != c.wantPlain {
				t.Errorf("%s in pieces of %d: crash %q, plain %q; want %q, %q", c.name, piece, s.crash, plain.String()+string(s.headPart), c.wantCrash, c.wantPlain)
			}
			s.releaseHeldText()
			if released := !s.crashing; c.wantCrash != "" && released != c.releasable {
				t.Errorf("%s: released %v, want %v", c.name, released, c.releasable)
			}
		}
	}
}

// orderSink is a sink that records what reaches it, in order.
type orderSink struct {
	mu  sync.Mutex
	got []string
}

func (r *orderSink) sink() *Sink {
	add := func(s string) {
		r.mu.Lock()
		r.got = append(r.got, s)
		r.mu.Unlock()
	}
	return &Sink{
		Stream:  func(name, text string) { add(name + ":" + text) },
		Display: func(o protocol.Output) { add("display:" + o.Kind) },
	}
}

func (r *orderSink) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

// The router hands an event on after the text written before it and
// before the text written after it, whichever pipe is read first.
func TestRouterKeepsTextAndEventsInOrder(t *testing.T) {
	const token = "tok"
	cases := []struct {
		name        string
		eventsFirst bool // the event pipe is read before the streams
	}{
		{"text arrives first", false},
		{"event arrives first", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRouter(token, nil)
			var rec orderSink
			r.setSink(rec.sink(), nil)
			outR, outW := io.Pipe()
			errR, errW := io.Pipe()
			go r.read(stdout, outR)
			go r.read(stderr, errR)
			marker := protocol.SyncMarker(token, 1)
			event := func() {
				r.event(routedEvent{seq: 1, give: func(s *Sink, _ *limiter) { s.Display(protocol.Output{Kind: "shown"}) }})
			}
			if c.eventsFirst {
				event()
				time.Sleep(3 * flushEvery) // the router must hold it meanwhile
			}
			io.WriteString(outW, "before\n"+marker+"after\n")
			io.WriteString(errW, marker)
			if !c.eventsFirst {
				event()
			}
			outW.Close()
			errW.Close()
			r.eventsEnded()
			<-r.stopped
			r.flush()
			want := []string{"stdout:before\n", "display:shown", "stdout:after\n"}
			if got := rec.seen(); !slices.Equal(got, want) {
				t.Errorf("the sink saw %q, want %q", got, want)
			}
		})
	}
}

// A sink call longer than eventWait (a stalled front end) must not let an
// event overtake the text written before it, which waited in the router's
// channel meanwhile: time in sink calls does not count as waiting.
func TestRouterEventWaitsOutASlowSink(t *testing.T) {
	const token = "tok"
	r := newRouter(token, nil)
	var rec orderSink
	base := rec.sink()
	stalled := make(chan struct{})
	var once sync.Once
	r.setSink(&Sink{
		Stream: func(name, text string) {
			once.Do(func() { close(stalled); time.Sleep(eventWait + 300*time.Millisecond) })
			base.Stream(name, text)
		},
		Display: base.Display,
	}, nil)
	r.event(routedEvent{seq: 1, give: func(s *Sink, _ *limiter) { s.Display(protocol.Output{Kind: "event"}) }})
	time.Sleep(2 * flushEvery) // the router holds the event, waiting for its marker
	r.pieces <- streamPiece{which: stdout, piece: piece{text: []byte("first\n")}}
	<-stalled // the router is in the slow call now
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for _, p := range []streamPiece{
			{which: stderr, piece: piece{text: []byte("err before\n")}},
			{which: stdout, piece: piece{text: []byte("out before\n")}},
			{which: stdout, piece: piece{kind: "sync", payload: "1"}},
			{which: stderr, piece: piece{kind: "sync", payload: "1"}},
			{which: stdout, eof: true},
			{which: stderr, eof: true},
		} {
			r.pieces <- p
		}
	}()
	<-sent
	r.eventsEnded()
	<-r.stopped
	// The two streams are separate pipes: their text may come in either
	// order, but all of it before the event.
	got := rec.seen()
	if len(got) != 4 || got[0] != "stdout:first\n" || got[3] != "display:event" ||
		!slices.Contains(got, "stdout:out before\n") || !slices.Contains(got, "stderr:err before\n") {
		t.Errorf("the sink saw %q, want the first line, both lines written before the event in either order, then the event", got)
	}
}

// Text that arrives less than a flush interval before both streams end
// still reaches the sink when the router ends.
func TestRouterFlushesAtItsEnd(t *testing.T) {
	r := newRouter("tok", nil)
	var rec orderSink
	r.setSink(rec.sink(), nil)
	r.eventsEnded()
	r.release() // the worker ended; a child still held the pipes
	r.pieces <- streamPiece{which: stdout, piece: piece{text: []byte("last words\n")}}
	r.pieces <- streamPiece{which: stdout, eof: true}
	r.pieces <- streamPiece{which: stderr, eof: true}
	<-r.stopped
	if got, want := rec.seen(), []string{"stdout:last words\n"}; !slices.Equal(got, want) {
		t.Errorf("the sink saw %q, want %q", got, want)
	}
}

// A character written a byte at a time, across flushes, reaches the sink
// whole (each half was shown as "�"); bytes that never become a character
// go out after partialRuneWait, or when the worker ends.
func TestCharactersAreNotSplitAcrossFlushes(t *testing.T) {
	e := "é" // 0xc3 0xa9
	o := newOutput(nil)
	var rec orderSink
	o.sink = rec.sink()
	o.text(stdout, []byte("caf"+e[:1]))
	o.flush()
	o.text(stdout, []byte(e[1:]+"\n"))
	o.flush()
	if got, want := rec.seen(), []string{"stdout:caf", "stdout:" + e + "\n"}; !slices.Equal(got, want) {
		t.Errorf("the sink saw %q, want %q", got, want)
	}

	o.text(stdout, []byte{0xe2, 0x82}) // the start of "€", and no more
	o.flush()
	if n := len(rec.seen()); n != 2 {
		t.Fatalf("the start of a character went out at once: %q", rec.seen())
	}
	o.partialSince[stdout] = time.Now().Add(-2 * partialRuneWait)
	o.flush()
	if got := rec.seen(); len(got) != 3 || got[2] != "stdout:\xe2\x82" {
		t.Errorf("after waiting, the sink saw %q, want the two bytes as they are", got)
	}

	o.text(stderr, []byte{0xc3})
	o.release() // the worker ended: nothing more will come
	if got := rec.seen(); len(got) != 4 || got[3] != "stderr:\xc3" {
		t.Errorf("at the end, the sink saw %q, want the last byte", got)
	}
}

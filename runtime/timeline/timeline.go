// Package timeline records what goroutines do over time — spans of work,
// spans of waiting, and channel hand-offs from one goroutine to another —
// and draws it as a Gantt chart: one row per goroutine, time running right.
//
// In a golab notebook, import it as "golab/timeline":
//
//	rec := timeline.New()
//	var wg sync.WaitGroup
//	for _, name := range []string{"A", "B"} {
//		wg.Add(1)
//		rec.Go(name, func() {
//			defer wg.Done()
//			rec.Do("download", func() { time.Sleep(200 * time.Millisecond) })
//		})
//	}
//	wg.Wait()
//	rec.Show()
//
// Goroutines are named with Go or Name; an unnamed goroutine is shown by
// its runtime ID ("g17"). The recorder is safe for concurrent use.
package timeline

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/golab-notebooks/golab/internal/goid"
	"github.com/golab-notebooks/golab/internal/human"
)

// Kind tells what a span shows.
type Kind string

// The kinds of span.
const (
	Work Kind = "work" // the goroutine computes or does I/O
	Wait Kind = "wait" // the goroutine is blocked: a lock, a channel, a queue
)

// Span is one interval of a goroutine's life, measured from the recorder's
// start.
type Span struct {
	Goroutine  string
	Label      string
	Kind       Kind
	Start, End time.Duration
}

// Arrow is a value handed from one goroutine to another, such as a channel
// send and the receive that took it.
type Arrow struct {
	Label          string
	From, To       string // goroutine names
	Sent, Received time.Duration
}

// Recorder collects spans and arrows. Make one with New.
type Recorder struct {
	now   func() time.Time
	start time.Time

	axis     string        // the x axis label's quantity, "time" by default
	axisUnit time.Duration // one unit of the x axis, or 0 to choose ms or s

	mu     sync.Mutex
	names  map[int]string // goroutine ID -> name
	order  []string       // goroutine names in order of first appearance
	spans  []Span
	arrows []Arrow
	sends  map[string][]pendingSend // by label, oldest first
}

type pendingSend struct {
	from string
	at   time.Duration
}

// New returns a recorder whose time starts now.
func New() *Recorder { return NewWithClock(time.Now) }

// NewWithClock returns a recorder that reads time from now: a virtual
// clock makes sleep-based timelines fast and the same on every run.
func NewWithClock(now func() time.Time) *Recorder {
	return &Recorder{now: now, start: now(), names: map[int]string{}, sends: map[string][]pendingSend{}}
}

// Name names the calling goroutine in this recorder's pictures.
func (r *Recorder) Name(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names[goid.Current()] = name
	r.appear(name)
}

// Rows fixes the order of the chart's rows, top to bottom; goroutines not
// named here follow in order of appearance.
func (r *Recorder) Rows(names ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range names {
		r.appear(n)
	}
}

// Axis sets what the x axis counts, such as "step" with unit
// time.Millisecond for a schedule drawn one step per millisecond.
func (r *Recorder) Axis(quantity string, unit time.Duration) {
	r.axis, r.axisUnit = quantity, unit
}

// Go starts f in a new goroutine with the given name.
func (r *Recorder) Go(name string, f func()) {
	go func() {
		r.Name(name)
		f()
	}()
}

// appear adds a goroutine row; callers hold r.mu.
func (r *Recorder) appear(name string) {
	for _, n := range r.order {
		if n == name {
			return
		}
	}
	r.order = append(r.order, name)
}

// current is the calling goroutine's name; callers hold r.mu.
func (r *Recorder) current() string {
	id := goid.Current()
	name, ok := r.names[id]
	if !ok {
		name = fmt.Sprintf("g%d", id)
		r.names[id] = name
	}
	r.appear(name)
	return name
}

func (r *Recorder) elapsed() time.Duration { return r.now().Sub(r.start) }

// Begin starts a span of work of the calling goroutine; call the returned
// function to end it.
func (r *Recorder) Begin(label string) (end func()) { return r.begin(label, Work) }

// BeginWait starts a span of waiting of the calling goroutine; call the
// returned function when the wait is over.
func (r *Recorder) BeginWait(label string) (end func()) { return r.begin(label, Wait) }

func (r *Recorder) begin(label string, kind Kind) func() {
	r.mu.Lock()
	name := r.current()
	start := r.elapsed()
	r.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			r.Add(Span{Goroutine: name, Label: label, Kind: kind, Start: start, End: r.elapsed()})
		})
	}
}

// Do runs f as a span of work of the calling goroutine.
func (r *Recorder) Do(label string, f func()) {
	end := r.Begin(label)
	defer end()
	f()
}

// Add records a span measured elsewhere.
func (r *Recorder) Add(s Span) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.appear(s.Goroutine)
	r.spans = append(r.spans, s)
}

// AddArrow records a hand-off measured elsewhere.
func (r *Recorder) AddArrow(a Arrow) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.appear(a.From)
	r.appear(a.To)
	r.arrows = append(r.arrows, a)
}

// Send records that the calling goroutine hands over a value with this
// label (call it just before a channel send); the Receive with the same
// label draws the arrow.
func (r *Recorder) Send(label string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sends[label] = append(r.sends[label], pendingSend{from: r.current(), at: r.elapsed()})
}

// Receive records that the calling goroutine took the value with this
// label (call it just after the receive). Without a matching Send it
// records nothing.
func (r *Recorder) Receive(label string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	to := r.current()
	pending := r.sends[label]
	if len(pending) == 0 {
		return
	}
	s := pending[0]
	r.sends[label] = pending[1:]
	r.arrows = append(r.arrows, Arrow{Label: label, From: s.from, To: to, Sent: s.at, Received: r.elapsed()})
}

// Spans returns the recorded spans, ordered by start.
func (r *Recorder) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]Span(nil), r.spans...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// Arrows returns the recorded hand-offs, ordered by send time.
func (r *Recorder) Arrows() []Arrow {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]Arrow(nil), r.arrows...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Sent < out[j].Sent })
	return out
}

// Goroutines returns the goroutine names in order of first appearance:
// the rows of the chart, top to bottom.
func (r *Recorder) Goroutines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.order...)
}

// Busy returns, per goroutine, the total time of its work spans.
func (r *Recorder) Busy() map[string]time.Duration {
	busy := map[string]time.Duration{}
	for _, s := range r.Spans() {
		if s.Kind == Work {
			busy[s.Goroutine] += s.End - s.Start
		}
	}
	return busy
}

// String lists the spans and arrows as text, one per line.
func (r *Recorder) String() string {
	var b strings.Builder
	for _, s := range r.Spans() {
		fmt.Fprintf(&b, "%-10s %-4s %8s – %-8s %s\n", s.Goroutine, s.Kind, human.Round(s.Start), human.Round(s.End), s.Label)
	}
	for _, a := range r.Arrows() {
		fmt.Fprintf(&b, "%s → %s  %s (sent %s, received %s)\n", a.From, a.To, a.Label, human.Round(a.Sent), human.Round(a.Received))
	}
	return b.String()
}

package goroutines

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/golab-notebooks/golab/internal/goid"
)

func TestParseReadsStatesAndIDs(t *testing.T) {
	dump := []byte("goroutine 1 [running]:\nmain.main()\n\t/x/main.go:3 +0x1\n\n" +
		"goroutine 7 [chan receive, 2 minutes]:\ngithub.com/traefik/yaegi/interp.runCfg()\n\n" +
		"goroutine 9 [sync.Mutex.Lock]:\nsync.(*Mutex).Lock()\n\n" +
		"goroutine 12 [sleep]:\ntime.Sleep()\n")
	tests := []struct {
		id          int
		state       string
		blocked     bool
		interpreted bool
	}{
		{1, "running", false, false},
		{7, "chan receive", true, true},
		{9, "sync.Mutex.Lock", true, false},
		{12, "sleep", false, false},
	}
	var got []Goroutine
	for _, g := range goid.Parse(dump) {
		got = append(got, Goroutine{ID: g.ID, State: g.State, Stack: g.Stack, Interpreted: strings.Contains(g.Stack, interpreterFrame)})
	}
	if len(got) != len(tests) {
		t.Fatalf("parsed %d goroutines, want %d: %+v", len(got), len(tests), got)
	}
	for i, tt := range tests {
		g := got[i]
		if g.ID != tt.id || g.State != tt.state || g.Blocked() != tt.blocked || g.Interpreted != tt.interpreted {
			t.Errorf("goroutine %d = %+v (blocked %v), want %+v", i, g, g.Blocked(), tt)
		}
	}
}

// A goroutine a cell started is told apart from the running cell's own
// code once the next cell begins, and forgotten when it ends; whether Go
// started it or it registered itself with Started and Ended.
func TestEarlierCellTag(t *testing.T) {
	starts := map[string]func(line int, body func()){
		"Go": Go,
		"Started/Ended": func(line int, body func()) {
			go func() {
				Started(line)
				defer Ended()
				body()
			}()
		},
	}
	for name, start := range starts {
		t.Run(name, func(t *testing.T) {
			BeginCell(41)
			type answer struct {
				tag     int64
				earlier bool
				origin  Origin
			}
			ask, answers, quit := make(chan bool), make(chan answer), make(chan bool)
			start(3, func() {
				for {
					select {
					case <-ask:
						tag, earlier := EarlierCellTag()
						o, _ := OriginOf(currentID())
						answers <- answer{tag, earlier, o}
					case <-quit:
						return
					}
				}
			})
			ask <- true
			if a := <-answers; a.earlier || a.origin.Line != 3 || a.origin.Tag != 41 {
				t.Errorf("during its own cell: %+v; want not earlier, started at line 3 of cell 41", a)
			}
			BeginCell(42)
			ask <- true
			if a := <-answers; !a.earlier || a.tag != 41 {
				t.Errorf("in the next cell: tag %d, earlier %v; want 41, true", a.tag, a.earlier)
			}
			if _, earlier := EarlierCellTag(); earlier {
				t.Error("the running cell's own goroutine counts as earlier")
			}
			quit <- true
			deadline := time.Now().Add(5 * time.Second)
			for {
				mu.Lock()
				n := len(origins)
				mu.Unlock()
				if n == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the goroutine was not forgotten when it ended")
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
}

// While a goroutine runs, slow samples are spaced out (at most 5% of the
// time stopped); while all are blocked, nothing is slowed by sampling.
func TestSamplingBacksOffWhenSamplesAreSlow(t *testing.T) {
	tests := []struct {
		took       time.Duration
		allBlocked bool
		want       time.Duration
	}{
		{0, false, 100 * time.Millisecond},
		{2 * time.Millisecond, false, 100 * time.Millisecond},
		{50 * time.Millisecond, false, time.Second},
		{300 * time.Millisecond, false, 6 * time.Second},
		{50 * time.Millisecond, true, time.Second},
		{300 * time.Millisecond, true, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := nextSample(100*time.Millisecond, tt.took, tt.allBlocked); got != tt.want {
			t.Errorf("after a sample of %v (all blocked: %v): wait %v, want %v", tt.took, tt.allBlocked, got, tt.want)
		}
	}
}

// The watcher reads when a timer fires next from the runtime's record,
// which follows Reset and Stop: a Timer Reset to later and then waited for
// is no deadlock; a stopped Ticker no longer wakes anyone.
func TestTimerRecordFollowsResetAndStop(t *testing.T) {
	if !whenReadable() {
		t.Fatal("the runtime's record of when a timer fires was not found")
	}
	tm := time.NewTimer(20 * time.Millisecond)
	tk := time.NewTicker(time.Millisecond)
	steps := []struct {
		what   string
		do     func()
		timer  bool // the timer fires later
		ticker bool
	}{
		{"made", func() {}, true, true},
		{"timer fired and received", func() { <-tm.C }, false, true},
		{"timer reset to an hour", func() { tm.Reset(time.Hour) }, true, true},
		{"both stopped", func() { tm.Stop(); tk.Stop() }, false, false},
		{"ticker reset", func() { tk.Reset(time.Hour) }, false, true},
	}
	for _, s := range steps {
		s.do()
		if got := firesLater(unsafe.Pointer(tm)); got != s.timer {
			t.Errorf("%s: the timer fires later: %v, want %v", s.what, got, s.timer)
		}
		if got := running(unsafe.Pointer(tk)); got != s.ticker {
			t.Errorf("%s: the ticker runs: %v, want %v", s.what, got, s.ticker)
		}
	}
	tk.Stop()
}

// With more goroutines than manyGoroutines (an earlier cell left them
// blocked), a cell's leaks are the goroutines its go statements started:
// found without listing the others first, and none when it started none.
func TestLeakedAmongManyGoroutines(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	BeginCell(1)
	for range manyGoroutines + 100 {
		Go(1, func() { <-block })
	}
	cell := BeginCell(2)
	m := MarkNow(cell)
	if m.ids != nil {
		t.Fatalf("with %d goroutines the mark listed them", m.count)
	}
	if leaked := Leaked(m, time.Millisecond); len(leaked) != 0 {
		t.Errorf("a cell that started nothing leaked %d goroutines", len(leaked))
	}
	for range 3 {
		Go(7, func() { <-block })
	}
	leaked := Leaked(m, time.Millisecond)
	if len(leaked) != 3 {
		t.Fatalf("a cell that left 3 goroutines blocked leaked %d", len(leaked))
	}
	for _, g := range leaked {
		if o, _ := OriginOf(g.ID); o.Cell != cell || o.Line != 7 {
			t.Errorf("goroutine %d: origin %+v, want cell %d line 7", g.ID, o, cell)
		}
	}
}

// BenchmarkLeakCheckAmongManyGoroutines measures what the leak check costs
// a trivial cell when an earlier cell left 20,000 goroutines blocked
// (before the registry was used: 3.5 s a cell; after: well under 1 ms).
func BenchmarkLeakCheckAmongManyGoroutines(b *testing.B) {
	block := make(chan struct{})
	defer close(block)
	BeginCell(1)
	for range 20000 {
		Go(1, func() { <-block })
	}
	for b.Loop() {
		m := MarkNow(BeginCell(2))
		if leaked := Leaked(m, time.Millisecond); len(leaked) != 0 {
			b.Fatalf("leaked %d", len(leaked))
		}
	}
}

package sync

import (
	"fmt"
	gosync "sync"
	"testing"
	"time"
	"unsafe"

	"github.com/golab-notebooks/golab/internal/goid"
)

// waitFor polls Waits until want goroutines wait among ids (a goroutine
// that is about to block is not yet in it).
func waitFor(t *testing.T, ids map[int]bool, want int) []Wait {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var ws []Wait
		for _, w := range Waits() {
			if ids[w.Goroutine] {
				ws = append(ws, w)
			}
		}
		if len(ws) == want {
			return ws
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines wait, want %d: %+v", len(ws), want, ws)
		}
		time.Sleep(time.Millisecond)
	}
}

// Two goroutines take two mutexes in opposite orders and block for good:
// each is recorded holding the one the other waits for, at the sites At
// gave, and Circle finds the two.
func TestOppositeOrdersMakeACircle(t *testing.T) {
	var a, b Mutex
	first, second := NumberSite(8, "Transfer", "from.mu.Lock()"), NumberSite(11, "Transfer", "to.mu.Lock()")
	var held gosync.WaitGroup
	held.Add(2)
	ids := make(chan int, 2)
	transfer := func(from, to *Mutex) {
		ids <- goid.Current()
		At(first)
		from.Lock()
		held.Done()
		held.Wait()
		At(second)
		to.Lock() // blocks for good; the goroutine leaks with the test
	}
	go transfer(&a, &b)
	go transfer(&b, &a)
	g := map[int]bool{<-ids: true, <-ids: true}
	ws := waitFor(t, g, 2)
	for _, w := range ws {
		if w.Site != (Site{Line: 11, Func: "Transfer", Call: "to.mu.Lock()"}) {
			t.Errorf("goroutine %d waits at %+v", w.Goroutine, w.Site)
		}
		if len(w.Holders) != 1 || !g[w.Holders[0].Goroutine] || w.Holders[0].Goroutine == w.Goroutine {
			t.Fatalf("holders of what goroutine %d waits for: %+v", w.Goroutine, w.Holders)
		}
		if w.Holders[0].Site.Line != 8 {
			t.Errorf("holder took the lock at %+v, want line 8", w.Holders[0].Site)
		}
	}
	circle := Circle(ws)
	if len(circle) != 2 || circle[0].Goroutine > circle[1].Goroutine {
		t.Fatalf("circle %+v: want both goroutines, lowest ID first", circle)
	}
	if circle[0].Holders[0].Goroutine != circle[1].Goroutine || circle[1].Holders[0].Goroutine != circle[0].Goroutine {
		t.Errorf("circle %+v: each must wait for what the next holds", circle)
	}
}

// A lock waited for by one goroutine while another holds it is no circle;
// once unlocked, no one is recorded waiting or holding.
func TestWaitingIsNoCircleAndUnlockForgets(t *testing.T) {
	var mu Mutex
	mu.Lock()
	done, id := make(chan bool), make(chan int)
	count := 0
	go func() {
		id <- goid.Current()
		mu.Lock()
		count++
		mu.Unlock()
		close(done)
	}()
	g := map[int]bool{<-id: true}
	ws := waitFor(t, g, 1)
	if len(ws[0].Holders) != 1 || ws[0].Holders[0].Goroutine != goid.Current() || ws[0].Site.Known() {
		t.Errorf("wait %+v: want held by this goroutine, at no site (no At)", ws[0])
	}
	if c := Circle(ws); c != nil {
		t.Errorf("circle %+v in a plain wait", c)
	}
	mu.Unlock()
	<-done
	waitFor(t, g, 0)
	if h := holdersOf(&mu, unsafePointer(&mu)); len(h) != 0 {
		t.Errorf("holders after Unlock: %+v", h)
	}
}

// An RWMutex's readers are all holders; a writer waits for them.
func TestReadersHoldAWriterWaits(t *testing.T) {
	var rw RWMutex
	rw.RLock()
	other := make(chan bool)
	go func() { rw.RLock(); other <- true; <-other; rw.RUnlock(); other <- true }()
	<-other
	id, done := make(chan int), make(chan bool)
	written := false
	go func() { id <- goid.Current(); rw.Lock(); written = true; rw.Unlock(); close(done) }()
	ws := waitFor(t, map[int]bool{<-id: true}, 1)
	if len(ws[0].Holders) != 2 || !ws[0].Holders[0].Read || !ws[0].Holders[1].Read || ws[0].Read {
		t.Errorf("wait %+v: want a writer waiting for two readers", ws[0])
	}
	other <- true
	<-other
	rw.RUnlock()
	<-done
	if !written {
		t.Error("the writer did not write")
	}
	if h := holdersOf(&rw, unsafePointer(&rw)); len(h) != 0 {
		t.Errorf("holders after all unlocks: %+v", h)
	}
}

// A cell's mutex prints as Go's does: programs that print a struct with a
// mutex in it give the same text.
func TestPrintsAsTheStandardMutex(t *testing.T) {
	type counter struct {
		mu gosync.Mutex
		n  int
	}
	type cellCounter struct {
		mu Mutex
		n  int
	}
	type guarded struct {
		rw gosync.RWMutex
		s  string
	}
	type cellGuarded struct {
		rw RWMutex
		s  string
	}
	c, cc, g, cg := &counter{}, &cellCounter{}, &guarded{}, &cellGuarded{}
	c.mu.Lock()
	cc.mu.Lock()
	c.n, cc.n = 1, 1
	c.mu.Unlock()
	cc.mu.Unlock()
	g.rw.RLock()
	cg.rw.RLock()
	g.s, cg.s = "x", "x"
	g.rw.RUnlock()
	cg.rw.RUnlock()
	for _, verb := range []string{"%v", "%+v"} {
		want := fmt.Sprintf(verb, c) + fmt.Sprintf(verb, g)
		got := fmt.Sprintf(verb, cc) + fmt.Sprintf(verb, cg)
		if got != want {
			t.Errorf("%s: %q, want %q", verb, got, want)
		}
	}
	if got, want := fmt.Sprintf("%T %T", &Mutex{}, &RWMutex{}), fmt.Sprintf("%T %T", &gosync.Mutex{}, &gosync.RWMutex{}); got != want {
		t.Errorf("%%T: %q, want %q", got, want)
	}
}

func TestNumberSiteIsStable(t *testing.T) {
	a, b := NumberSite(3, "F", "mu.Lock()"), NumberSite(4, "F", "mu.Lock()")
	if a == b || NumberSite(3, "F", "mu.Lock()") != a || siteOf(a).Line != 3 || siteOf(0).Known() {
		t.Errorf("sites %d %d: want distinct, stable numbers", a, b)
	}
}

// BenchmarkLockUnlock is the cost of the records against Go's mutex, in
// compiled code (in a cell the interpreter's call dominates: see
// BenchmarkCellHotPaths in kernel/interp/worker).
func BenchmarkLockUnlock(b *testing.B) {
	b.Run("sync.Mutex", func(b *testing.B) {
		var mu gosync.Mutex
		n := 0
		for b.Loop() {
			mu.Lock()
			n++
			mu.Unlock()
		}
	})
	b.Run("cell Mutex", func(b *testing.B) {
		var mu Mutex
		site := NumberSite(1, "", "mu.Lock()")
		n := 0
		for b.Loop() {
			At(site)
			mu.Lock()
			n++
			mu.Unlock()
		}
	})
}

func unsafePointer[L Mutex | RWMutex](l *L) unsafe.Pointer { return unsafe.Pointer(l) }

// A circle through the second reader of an RWMutex: G1 waits for the
// RWMutex that G2 and G3 read; G2 waits for B, whose holder G4 waits for
// nothing recorded; G3 waits for A, which G1 holds. The search must not
// stop at G2's dead end.
func TestCircleThroughASecondReader(t *testing.T) {
	rw, a, b := "rw", "a", "b"
	waits := []Wait{
		{Goroutine: 1, Lock: rw, Holders: []Hold{{Goroutine: 2, Read: true}, {Goroutine: 3, Read: true}}},
		{Goroutine: 2, Lock: b, Holders: []Hold{{Goroutine: 4}}},
		{Goroutine: 3, Lock: a, Holders: []Hold{{Goroutine: 1}}},
	}
	c := Circle(waits)
	if len(c) != 2 || c[0].Goroutine != 1 || c[1].Goroutine != 3 {
		t.Errorf("circle %+v, want goroutines 1 and 3", c)
	}
	if Circle(waits[:2]) != nil {
		t.Error("a circle without goroutine 3")
	}
}

package safe

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golab-notebooks/golab/runtime/timeline"
)

// Every item put by 8 producers arrives exactly once at 8 consumers
// through a queue of capacity 4, and Join returns when all are done.
func TestQueueStress(t *testing.T) {
	const producers, consumers, perProducer = 8, 8, 12500
	q := NewQueue(4)
	seen := make([]atomic.Int32, producers*perProducer)
	var wg sync.WaitGroup
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perProducer; i++ {
				q.Put(p*perProducer + i)
			}
		}()
	}
	var consumed sync.WaitGroup
	for c := 0; c < consumers; c++ {
		consumed.Add(1)
		go func() {
			defer consumed.Done()
			for {
				v, ok := q.GetOK()
				if !ok {
					return
				}
				seen[v.(int)].Add(1)
				q.TaskDone()
			}
		}()
	}
	wg.Wait()
	q.Join()
	q.Close()
	consumed.Wait()
	for i := range seen {
		if n := seen[i].Load(); n != 1 {
			t.Fatalf("item %d arrived %d times", i, n)
		}
	}
	if q.Len() != 0 || q.Len() > q.Cap() {
		t.Errorf("len %d after draining", q.Len())
	}
}

func TestQueueOrderAndErrors(t *testing.T) {
	q := NewQueue(2)
	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"put a", func() error { return q.PutNowait("a") }, nil},
		{"put b", func() error { return q.PutNowait("b") }, nil},
		{"put c when full", func() error { return q.PutNowait("c") }, ErrFull},
		{"put with timeout when full", func() error { return q.PutTimeout("c", 10*time.Millisecond) }, ErrTimeout},
		{"get a first", func() error { return want(q.GetNowait())("a") }, nil},
		{"get b", func() error { return want(q.GetNowait())("b") }, nil},
		{"get when empty", func() error { _, err := q.GetNowait(); return err }, ErrEmpty},
		{"get with timeout when empty", func() error { _, err := q.GetTimeout(10 * time.Millisecond); return err }, ErrTimeout},
		{"put after close", func() error { q.Close(); return q.PutNowait("d") }, ErrClosed},
		{"get after close", func() error { _, err := q.GetNowait(); return err }, ErrClosed},
	}
	for _, s := range steps {
		if err := s.do(); !errors.Is(err, s.want) {
			t.Fatalf("%s: %v, want %v", s.name, err, s.want)
		}
	}
	if _, ok := q.GetOK(); ok {
		t.Error("GetOK on a closed, drained queue reported an item")
	}
}

// want checks a (value, error) pair against an expected value.
func want(v any, err error) func(any) error {
	return func(expected any) error {
		if err != nil {
			return err
		}
		if v != expected {
			return errors.New("got the wrong item")
		}
		return nil
	}
}

func TestClosingDrainsThenEnds(t *testing.T) {
	q := NewQueue(0)
	for i := 0; i < 3; i++ {
		q.Put(i)
	}
	q.Close()
	var got []int
	for {
		v, ok := q.GetOK()
		if !ok {
			break
		}
		got = append(got, v.(int))
	}
	if len(got) != 3 || got[0] != 0 || got[2] != 2 {
		t.Errorf("drained %v, want [0 1 2]", got)
	}
	// A Get waiting on an empty queue is released by Close.
	q2 := NewQueue(1)
	done := make(chan bool)
	go func() { _, ok := q2.GetOK(); done <- ok }()
	q2.Close()
	if <-done {
		t.Error("a waiting Get reported an item after Close")
	}
}

func TestMisusePanicsClearly(t *testing.T) {
	tests := []struct {
		name, want string
		f          func()
	}{
		{"TaskDone too often", "TaskDone called more times", func() { NewQueue(0).TaskDone() }},
		{"Put on closed", "Put on a closed Queue", func() { q := NewQueue(0); q.Close(); q.Put(1) }},
		{"Close twice", "Close of a closed Queue", func() { q := NewQueue(0); q.Close(); q.Close() }},
		{"negative capacity", "capacity cannot be negative", func() { NewQueue(-1) }},
		{"Release without Acquire", "no permit taken", func() { NewSemaphore(1).Release() }},
		{"empty barrier", "at least one goroutine", func() { NewBarrier(0) }},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), tt.want) {
					t.Errorf("%s: recovered %v, want a panic mentioning %q", tt.name, r, tt.want)
				}
			}()
			tt.f()
		}()
	}
}

func TestCounterAndMapUnderContention(t *testing.T) {
	var c Counter
	m := NewMap()
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				c.Inc()
				m.AddInt("hits", 1)
				m.Update("sum", func(old any, ok bool) any {
					n, _ := old.(int)
					return n + 2
				})
			}
		}()
	}
	wg.Wait()
	if c.Value() != 16000 {
		t.Errorf("counter %d, want 16000", c.Value())
	}
	hits, _ := m.Load("hits")
	sum, _ := m.Load("sum")
	if hits != 16000 || sum != 32000 {
		t.Errorf("map hits %v sum %v, want 16000 and 32000", hits, sum)
	}
	if v, loaded := m.LoadOrStore("hits", 0); !loaded || v != 16000 {
		t.Errorf("LoadOrStore of an existing key: %v %v", v, loaded)
	}
	m.Delete("sum")
	if keys := m.Keys(); len(keys) != 1 || keys[0] != "hits" || m.Len() != 1 {
		t.Errorf("keys %v", keys)
	}
}

// No goroutine enters round k+1 before all have left round k.
func TestBarrierRounds(t *testing.T) {
	const n, rounds = 6, 200
	b := NewBarrier(n)
	var inRound [rounds]atomic.Int32
	var lastIndex atomic.Int32
	var wg sync.WaitGroup
	for g := 0; g < n; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				inRound[r].Add(1)
				if idx := b.Wait(); idx == n-1 {
					lastIndex.Add(1)
				}
				if got := inRound[r].Load(); got != n {
					// Report and go on: leaving would strand the others at the barrier.
					t.Errorf("round %d: a goroutine left with %d of %d arrived", r, got, n)
				}
			}
		}()
	}
	wg.Wait()
	if b.Round() != rounds || lastIndex.Load() != rounds {
		t.Errorf("rounds %d, releasers %d; want %d each", b.Round(), lastIndex.Load(), rounds)
	}
}

// At most n goroutines hold a permit at once, and all get one eventually.
func TestSemaphoreBound(t *testing.T) {
	const permits = 3
	s := NewSemaphore(permits)
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				s.Acquire()
				now := inside.Add(1)
				for {
					m := most.Load()
					if now <= m || most.CompareAndSwap(m, now) {
						break
					}
				}
				inside.Add(-1)
				s.Release()
			}
		}()
	}
	wg.Wait()
	if most.Load() > permits || most.Load() < 1 {
		t.Errorf("at most %d inside at once, want 1..%d", most.Load(), permits)
	}
	if s.Available() != permits {
		t.Errorf("%d permits free at the end", s.Available())
	}
	for i := 0; i < permits; i++ {
		if !s.TryAcquire() {
			t.Fatal("TryAcquire failed with permits free")
		}
	}
	if s.TryAcquire() || s.AcquireTimeout(5*time.Millisecond) {
		t.Error("a fourth permit was given")
	}
}

// A Get that waits is recorded as a wait span of the goroutine that waited.
func TestRecordingNamesTheWaiter(t *testing.T) {
	rec := timeline.New()
	q := NewQueue(1)
	q.Record(rec)
	got := make(chan any)
	go func() {
		rec.Name("consumer")
		got <- q.Get()
	}()
	// The consumer is waiting once the queue's signal has a waiter.
	for {
		q.mu.Lock()
		waiting := q.changed.ch != nil
		q.mu.Unlock()
		if waiting {
			break
		}
		time.Sleep(time.Millisecond)
	}
	q.Put("x")
	<-got
	spans := rec.Spans()
	if len(spans) != 1 || spans[0].Goroutine != "consumer" || spans[0].Kind != timeline.Wait || spans[0].Label != "Get (queue empty)" {
		t.Errorf("spans %+v, want one wait of the consumer", spans)
	}
}

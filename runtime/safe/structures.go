package safe

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/golab-notebooks/golab/internal/replay"
	"github.com/golab-notebooks/golab/runtime/timeline"
)

// Counter is an integer that many goroutines can add to: each change is one
// step, so no update is lost. The zero value is ready to use.
type Counter struct {
	mu    sync.Mutex
	value int64
	recording
}

// Record makes the counter record, in rec, every wait for its lock.
func (c *Counter) Record(rec *timeline.Recorder) {
	c.setRecorder(rec)
}

func (c *Counter) lock() {
	replay.AtPoint() // in golab's replayable runs, the turn may pass here
	if c.mu.TryLock() {
		return
	}
	// Contended: record the wait, if recording.
	end := c.waitSpan("counter lock")
	c.mu.Lock()
	end()
}

// Inc adds one and returns the new value.
func (c *Counter) Inc() int64 { return c.Add(1) }

// Add adds n and returns the new value.
func (c *Counter) Add(n int64) int64 {
	c.lock()
	defer c.mu.Unlock()
	c.value += n
	return c.value
}

// Value returns the current value.
func (c *Counter) Value() int64 {
	c.lock()
	defer c.mu.Unlock()
	return c.value
}

// Map is a map from strings to values that many goroutines can use at
// once. Update makes a read-modify-write one step. Make one with NewMap.
type Map struct {
	mu sync.Mutex
	m  map[string]any
	recording
}

// NewMap returns an empty map.
func NewMap() *Map { return &Map{m: map[string]any{}} }

// Record makes the map record, in rec, every wait for its lock.
func (m *Map) Record(rec *timeline.Recorder) {
	m.setRecorder(rec)
}

func (m *Map) lock() {
	replay.AtPoint() // in golab's replayable runs, the turn may pass here
	if m.mu.TryLock() {
		return
	}
	end := m.waitSpan("map lock")
	m.mu.Lock()
	end()
}

// Load returns the value stored under key, and whether there is one.
func (m *Map) Load(key string) (any, bool) {
	m.lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	return v, ok
}

// Store sets the value under key.
func (m *Map) Store(key string, v any) {
	m.lock()
	defer m.mu.Unlock()
	m.m[key] = v
}

// Delete removes key.
func (m *Map) Delete(key string) {
	m.lock()
	defer m.mu.Unlock()
	delete(m.m, key)
}

// LoadOrStore returns the value under key if there is one (loaded true);
// otherwise it stores v and returns it.
func (m *Map) LoadOrStore(key string, v any) (actual any, loaded bool) {
	m.lock()
	defer m.mu.Unlock()
	if old, ok := m.m[key]; ok {
		return old, true
	}
	m.m[key] = v
	return v, false
}

// Update replaces the value under key with f(old, ok), as one step: no
// other goroutine uses the map while f runs, so f must not use it either.
// It returns the new value.
func (m *Map) Update(key string, f func(old any, ok bool) any) any {
	m.lock()
	defer m.mu.Unlock()
	old, ok := m.m[key]
	v := f(old, ok)
	m.m[key] = v
	return v
}

// AddInt adds n to the integer under key (0 if absent) as one step and
// returns the sum: the counting case of Update, without a function.
func (m *Map) AddInt(key string, n int) int {
	m.lock()
	defer m.mu.Unlock()
	old, _ := m.m[key].(int)
	m.m[key] = old + n
	return old + n
}

// Len returns the number of keys.
func (m *Map) Len() int {
	m.lock()
	defer m.mu.Unlock()
	return len(m.m)
}

// Keys returns the keys, sorted.
func (m *Map) Keys() []string {
	m.lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.m))
	for k := range m.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Range calls f for each key, in sorted order, on a snapshot of the map,
// until f returns false; f may use the map.
func (m *Map) Range(f func(key string, v any) bool) {
	m.lock()
	snapshot := make(map[string]any, len(m.m))
	for k, v := range m.m {
		snapshot[k] = v
	}
	m.mu.Unlock()
	keys := make([]string, 0, len(snapshot))
	for k := range snapshot {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !f(k, snapshot[k]) {
			return
		}
	}
}

// Barrier makes a fixed number of goroutines wait for each other: each
// call of Wait blocks until all n have called it, then all go on. It is
// reusable, round after round, like Python's threading.Barrier. Make one
// with NewBarrier.
type Barrier struct {
	mu      sync.Mutex
	changed signal
	n       int
	arrived int
	round   int
	recording
}

// NewBarrier returns a barrier for n goroutines.
func NewBarrier(n int) *Barrier {
	if n < 1 {
		panic(fmt.Sprintf("safe.NewBarrier(%d): need at least one goroutine", n))
	}
	return &Barrier{n: n}
}

// Record makes the barrier record, in rec, every wait at it.
func (b *Barrier) Record(rec *timeline.Recorder) {
	b.setRecorder(rec)
}

// Wait blocks until all n goroutines have called Wait in this round, and
// returns the caller's arrival index, 0 for the first to arrive up to n-1
// for the one that released the others.
func (b *Barrier) Wait() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	index := b.arrived
	round := b.round
	b.arrived++
	if b.arrived == b.n {
		b.arrived = 0
		b.round++
		b.changed.broadcast()
		return index
	}
	end := b.waitSpan(fmt.Sprintf("barrier round %d", round+1))
	for round == b.round {
		b.changed.wait(&b.mu, time.Time{})
	}
	end()
	return index
}

// Round returns how many rounds have completed.
func (b *Barrier) Round() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.round
}

// Semaphore admits at most n goroutines at a time: Acquire takes one of n
// permits, waiting while none is free, and Release gives it back. Make one
// with NewSemaphore.
type Semaphore struct {
	mu      sync.Mutex
	changed signal
	n       int
	held    int
	recording
}

// NewSemaphore returns a semaphore with n permits.
func NewSemaphore(n int) *Semaphore {
	if n < 1 {
		panic(fmt.Sprintf("safe.NewSemaphore(%d): need at least one permit", n))
	}
	return &Semaphore{n: n}
}

// Record makes the semaphore record, in rec, every wait for a permit.
func (s *Semaphore) Record(rec *timeline.Recorder) {
	s.setRecorder(rec)
}

// Acquire takes a permit, waiting while none is free.
func (s *Semaphore) Acquire() { s.acquire(time.Time{}) }

// TryAcquire takes a permit if one is free now, and reports whether it did.
func (s *Semaphore) TryAcquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held < s.n {
		s.held++
		return true
	}
	return false
}

// AcquireTimeout takes a permit, waiting at most d; it reports whether it
// got one.
func (s *Semaphore) AcquireTimeout(d time.Duration) bool { return s.acquire(deadlineAfter(d)) }

func (s *Semaphore) acquire(deadline time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held >= s.n {
		end := s.waitSpan("acquire semaphore")
		defer end()
		for s.held >= s.n {
			if !s.changed.wait(&s.mu, deadline) {
				return false
			}
		}
	}
	s.held++
	return true
}

// Release gives a permit back. Releasing more permits than were taken
// panics.
func (s *Semaphore) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held == 0 {
		panic("safe: Release of a Semaphore with no permit taken")
	}
	s.held--
	s.changed.broadcast()
}

// Available returns how many permits are free.
func (s *Semaphore) Available() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n - s.held
}

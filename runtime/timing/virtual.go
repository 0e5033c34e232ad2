package timing

import (
	"container/heap"
	"strings"
	"sync"
	"time"

	"github.com/golab-notebooks/golab/internal/goid"
)

// VirtualClock is a clock for sleep-based lessons: Sleep takes no real
// time, yet the clock's Now moves as if it had. Goroutines started with Go
// are the clock's; when none of them can go on without time passing (each
// sleeps, has finished, or is blocked on a channel or lock), the clock
// jumps to the earliest wake-up and wakes that sleeper — one at a time, in
// order of wake-up time and then of falling asleep — so a lesson that
// sleeps 3 seconds in three goroutines finishes at once and always reports
// the same times.
//
//	clock := timing.NewVirtualClock()
//	for i := range 3 {
//		clock.Go(func() { clock.Sleep(time.Duration(i+1) * time.Second) })
//	}
//	fmt.Println(clock.Wait()) // 3s, in a few milliseconds
//
// Time passes only while a goroutine that is not the clock's waits in Wait
// or Sleep: so the cell can start all its goroutines before any clock time
// goes by. Call Wait to let them run to the end.
//
// Use the clock's Now with timeline.NewWithClock to draw what happened.
type VirtualClock struct {
	mu       sync.Mutex
	start    time.Time
	now      time.Time
	members  map[int]bool // goroutines started with Go, not yet finished
	running  int          // members neither sleeping nor finished
	waiters  int          // other goroutines in Wait or Sleep: time may pass only while one waits
	starting int          // members started but not yet registered
	sleepers sleeperHeap
	seq      int
	activity int // counts Go, Sleep, wake and exit, so the watcher sees progress
	watching bool
	finished *sync.Cond
}

// NewVirtualClock returns a virtual clock whose time starts now.
func NewVirtualClock() *VirtualClock {
	now := time.Now()
	c := &VirtualClock{start: now, now: now, members: map[int]bool{}}
	c.finished = sync.NewCond(&c.mu)
	return c
}

// Now returns the virtual time.
func (c *VirtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Elapsed returns the virtual time since the clock was made.
func (c *VirtualClock) Elapsed() time.Duration { return c.Now().Sub(c.start) }

// Go starts f in a goroutine that belongs to the clock.
func (c *VirtualClock) Go(f func()) {
	c.mu.Lock()
	c.running++
	c.starting++
	c.activity++
	if !c.watching {
		c.watching = true
		go c.watch()
	}
	c.mu.Unlock()
	go func() {
		id := goid.Current()
		c.mu.Lock()
		c.members[id] = true
		c.starting--
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			delete(c.members, id)
			c.running--
			c.activity++
			c.advanceIfIdle()
			c.finished.Broadcast()
			c.mu.Unlock()
		}()
		f()
	}()
}

// Sleep pauses the calling goroutine for d of virtual time.
func (c *VirtualClock) Sleep(d time.Duration) {
	wake := make(chan struct{})
	c.mu.Lock()
	member := c.members[goid.Current()]
	c.seq++
	heap.Push(&c.sleepers, &sleeper{at: c.now.Add(max(d, 0)), seq: c.seq, wake: wake, member: member})
	if member {
		c.running--
	} else {
		c.waiters++
	}
	c.activity++
	c.advanceIfIdle()
	c.mu.Unlock()
	<-wake // the waker counted this goroutine as running again
}

// Wait blocks until every goroutine started with Go has finished, and
// returns the virtual time elapsed since the clock was made.
func (c *VirtualClock) Wait() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waiters++
	defer func() { c.waiters-- }()
	c.advanceIfIdle()
	for len(c.members) > 0 || c.running > 0 {
		c.finished.Wait()
	}
	return c.now.Sub(c.start)
}

// advanceIfIdle wakes the earliest sleeper when no member can run. Callers
// hold c.mu.
func (c *VirtualClock) advanceIfIdle() {
	if c.running > 0 || c.waiters == 0 || c.sleepers.Len() == 0 {
		return
	}
	c.wakeNext()
}

// wakeNext moves time to the earliest wake-up and wakes that sleeper.
// Callers hold c.mu.
func (c *VirtualClock) wakeNext() {
	s := heap.Pop(&c.sleepers).(*sleeper)
	if s.at.After(c.now) {
		c.now = s.at
	}
	if s.member {
		c.running++
	} else {
		c.waiters-- // it runs again: no more time passes until it waits
	}
	c.activity++
	close(s.wake)
}

// watch notices members that are blocked on each other (a channel, a
// lock) while others sleep: they cannot go on until time passes, so time
// passes. It looks every millisecond while the clock has members.
func (c *VirtualClock) watch() {
	last, stillFor := -1, 0
	for {
		time.Sleep(time.Millisecond)
		c.mu.Lock()
		if len(c.members) == 0 && c.running == 0 {
			c.watching = false
			c.mu.Unlock()
			return
		}
		if c.activity != last || c.sleepers.Len() == 0 || c.starting > 0 || c.waiters == 0 {
			last, stillFor = c.activity, 0
			c.mu.Unlock()
			continue
		}
		stillFor++
		members := make(map[int]bool, len(c.members))
		for id := range c.members {
			members[id] = true
		}
		c.mu.Unlock()
		if stillFor < 2 || !allBlocked(members) {
			continue
		}
		c.mu.Lock()
		if c.activity == last && c.sleepers.Len() > 0 {
			c.wakeNext()
		}
		c.mu.Unlock()
	}
}

// allBlocked reports whether every running member goroutine is blocked on
// a channel, select, lock or wait. One waiting for the clock's own lock
// is about to go on, so it does not count as blocked.
func allBlocked(members map[int]bool) bool {
	for _, g := range goid.All() {
		if !members[g.ID] {
			continue
		}
		if !g.Blocked() || (strings.HasPrefix(g.State, "sync.Mutex") && strings.Contains(g.Stack, "(*VirtualClock)")) {
			return false
		}
	}
	return true
}

type sleeper struct {
	at     time.Time
	seq    int
	wake   chan struct{}
	member bool
}

type sleeperHeap []*sleeper

func (h sleeperHeap) Len() int { return len(h) }
func (h sleeperHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h sleeperHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *sleeperHeap) Push(x any)   { *h = append(*h, x.(*sleeper)) }
func (h *sleeperHeap) Pop() any {
	old := *h
	s := old[len(old)-1]
	*h = old[:len(old)-1]
	return s
}

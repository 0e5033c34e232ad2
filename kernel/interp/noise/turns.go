package noise

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golab-notebooks/golab/internal/goid"
	"github.com/golab-notebooks/golab/kernel/interp/stop"
)

// Replayable runs: goroutines take turns.
//
// Switch's own schedule is not repeatable: the goroutines run at once, on
// every CPU, and the Go scheduler preempts them every 10 ms, so the same
// seed gives a similar histogram, not the same one. In a run of Exclusive
// the goroutines that the function starts take turns instead: one runs at
// a time, and the turn passes only at switch points (by a random source of
// the run's own seed), when the one whose turn it is waits for a lock
// (kernel/interp/sync asks WaitLock), and when it ends. Which goroutine
// gets the turn is then decided by the seed alone, and running again with
// the seed gives the same schedule, and the same result.
//
// A cell's time.Sleep sleeps on the run's own clock (see Sleep). A
// goroutine that blocks where golab cannot see it (a channel, a
// WaitGroup) is found blocked by a watchdog, which passes the turn on. The run stays exact when that goroutine goes on only once no
// other can (a WaitGroup's Wait for goroutines that ended: the lesson's
// counters); when it wakes while others run, the schedule depends on
// timing again, and Exclusive says so.

// watchEvery is how often the watchdog looks at the goroutine whose turn
// it is; after stallTicks looks without a switch point, it asks the
// runtime whether that goroutine is blocked, and after forceAfter without
// one it passes the turn on anyway (a loop with no switch point in it).
const (
	watchEvery = 200 * time.Microsecond
	stallTicks = 2
	forceAfter = 50 * time.Millisecond
)

// turns is the state of one Exclusive run.
type turns struct {
	mu      sync.Mutex
	rng     *rand.Rand
	rate    float64
	holder  int           // the member whose turn it is; 0 for none
	ready   []int         // members waiting for a turn, in the order they became ready
	locks   map[any][]int // members waiting for a lock, by lock
	members map[int]*member
	byG     map[int]int // goroutine ID → member
	next    int
	exact   bool
	moves   uint64 // switch points and passes, which the watchdog watches
	done    chan struct{}
	ending  sync.Once // closes done
	// sleepers are the members in a cell's time.Sleep (see Sleep), and
	// now the run's own clock, which only their wakes move.
	sleepers []sleeper
	now      time.Duration
	napping  bool // the member with the turn sleeps the rest of its time
}

// sleeper is a member in time.Sleep, until the run's clock reaches wake.
type sleeper struct {
	member int
	wake   time.Duration
	real   time.Time // when its sleep ends in real time
}

// member is a goroutine of the run.
type member struct {
	turn chan struct{} // a turn given
	g    int           // goroutine ID, once it runs
}

// active is the run in progress, if any.
var active atomic.Pointer[turns]

// turnsFlag is the interpreted global that the switch points after a Lock
// test (see BindTurns): set while a run takes turns.
var turnsFlag atomic.Pointer[bool]

// BindTurns makes runs set the interpreted global at p while they take
// turns: the switch points after a Lock in a function switch only then.
func BindTurns(p *bool) { turnsFlag.Store(p) }

// setFlag sets the interpreted flag, if bound.
func setFlag(on bool) {
	if p := turnsFlag.Load(); p != nil {
		*p = on
	}
}

// Point is a place where a busy machine could switch goroutines: before a
// Lock (between a check and the locked act that relies on it), and in the
// operations of golab's shared structures (golab/safe, through
// replay.Point). In a run, the turn may pass there; elsewhere it does
// nothing.
func Point() {
	pointAt(-1)
}

// Exclusive runs f, and the goroutines it starts, taking turns decided by
// seed, at the rate Set chose. It reports whether the schedule was decided
// by the seed alone (see above). With the noise off, or inside another
// run, it just calls f and reports false.
func Exclusive(runSeed uint64, f func()) (exact bool) {
	enabled, _, r := State()
	if !enabled || active.Load() != nil {
		f()
		return false
	}
	t := &turns{
		rng:     rand.New(rand.NewPCG(runSeed, runSeed^0x9e3779b97f4a7c15)),
		rate:    r,
		locks:   map[any][]int{},
		members: map[int]*member{},
		byG:     map[int]int{},
		exact:   true,
		done:    make(chan struct{}),
	}
	t.next = 1
	t.holder = 1
	g := goid.Current()
	t.members[1] = &member{turn: make(chan struct{}, 1), g: g}
	t.byG[g] = 1
	if !active.CompareAndSwap(nil, t) {
		f()
		return false
	}
	go t.watch()
	setFlag(true)
	defer func() {
		t.finish()
		t.mu.Lock()
		exact = t.exact
		t.mu.Unlock()
	}()
	f()
	return
}

// finish ends the run: the goroutines still in it go on freely. An
// interrupt ends it too (see wait).
func (t *turns) finish() {
	t.ending.Do(func() {
		if active.CompareAndSwap(t, nil) {
			setFlag(false)
		}
		close(t.done)
	})
}

// Starting is called by the goroutine that runs a go statement, before
// the new goroutine starts: in a run, the new goroutine joins it, ready
// for a turn, and begin and end are what it calls first and last. Outside
// a run both are nil.
func Starting() (begin, end func()) {
	t, parent := joined()
	if t == nil {
		return nil, nil // no run, or a goroutine of an earlier cell
	}
	defer t.mu.Unlock()
	for !t.resumeLocked(parent) { // a go statement is a step of the parent's turn
		t.mu.Unlock()
		if !t.wait(parent) {
			t.mu.Lock()
			return nil, nil // the run ended meanwhile
		}
		t.mu.Lock()
	}
	t.next++
	m := t.next
	t.members[m] = &member{turn: make(chan struct{}, 1)}
	t.ready = append(t.ready, m)
	return func() { t.begin(m) }, func() { t.end(m) }
}

// begin makes the calling goroutine member m and waits for its turn.
func (t *turns) begin(m int) {
	t.mu.Lock()
	g := goid.Current()
	t.members[m].g = g
	t.byG[g] = m
	t.mu.Unlock()
	t.wait(m)
}

// end removes member m, passing its turn on.
func (t *turns) end(m int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.byG, t.members[m].g)
	delete(t.members, m)
	t.ready = remove(t.ready, m)
	for lock, waiting := range t.locks {
		t.locks[lock] = remove(waiting, m)
	}
	for i, sl := range t.sleepers {
		if sl.member == m {
			t.sleepers = append(t.sleepers[:i], t.sleepers[i+1:]...)
			break
		}
	}
	if t.holder == m || t.holder == 0 {
		t.passLocked()
	}
}

// wait blocks member m until it has the turn (true) or the run is over
// (false). An interrupt ends the run: its goroutines go on freely to their
// next safe point, where they stop as outside a run (one unwound while it
// waited for its turn could leave a channel or a lock held, and the others
// blocked for good).
func (t *turns) wait(m int) bool {
	t.mu.Lock()
	mem := t.members[m]
	t.mu.Unlock()
	select {
	case <-mem.turn:
		return true
	case <-t.done:
	case <-stop.Woken():
		t.mu.Lock()
		t.exact = false
		t.mu.Unlock()
		t.finish()
	}
	return false
}

// passLocked gives the turn to a ready member chosen by the run's random
// source; when none is ready, to the sleeper that wakes first on the run's
// clock; else to nobody. t.mu is held.
func (t *turns) passLocked() {
	t.moves++
	if len(t.ready) == 0 && len(t.sleepers) > 0 {
		first := 0
		for i, sl := range t.sleepers {
			if sl.wake < t.sleepers[first].wake {
				first = i
			}
		}
		sl := t.sleepers[first]
		t.sleepers = append(t.sleepers[:first], t.sleepers[first+1:]...)
		t.now = sl.wake
		t.holder = sl.member
		t.members[sl.member].turn <- struct{}{}
		return
	}
	if len(t.ready) == 0 {
		t.holder = 0
		return
	}
	i := t.rng.IntN(len(t.ready))
	next := t.ready[i]
	t.ready = append(t.ready[:i], t.ready[i+1:]...)
	t.holder = next
	t.members[next].turn <- struct{}{}
}

// me returns the calling goroutine's member number, 0 when it is not in
// the run.
func (t *turns) me() int { return t.byG[goid.Current()] }

// joined returns the run in progress and the calling goroutine's member
// number in it, with the run's lock held; nil when there is no run or the
// goroutine is not in it.
func joined() (*turns, int) {
	t := active.Load()
	if t == nil {
		return nil, 0
	}
	t.mu.Lock()
	m := t.me()
	if m == 0 {
		t.mu.Unlock()
		return nil, 0
	}
	return t, m
}

// Yield is a cell's runtime.Gosched: in a run, the turn passes to another
// goroutine ready for one (chosen by the run's seed), as Gosched lets
// another run; elsewhere it is runtime.Gosched.
func Yield() {
	if !pointAt(1) {
		runtime.Gosched()
	}
}

// pointAt is a switch point of a member of the run: the turn passes to a
// ready member at that rate (the run's own for a negative one). It reports
// false, having done nothing, for a goroutine not in a run.
func pointAt(rate float64) bool {
	t, m := joined()
	if t == nil {
		return false
	}
	if rate < 0 {
		rate = t.rate
	}
	t.moves++
	if !t.resumeLocked(m) {
		t.mu.Unlock()
		t.wait(m)
		return true
	}
	if len(t.ready) > 0 && t.rng.Float64() < rate {
		taken.Add(1)
		t.ready = append(t.ready, m)
		t.passLocked()
		t.mu.Unlock()
		t.wait(m)
		return true
	}
	t.mu.Unlock()
	return true
}

// resumeLocked is for member m going on after the watchdog passed its
// turn on (it was blocked, or ran too long without a switch point): it
// takes the turn if nobody has it, else gets ready for one, and reports
// whether it has the turn. A member that comes back while others could
// run makes the schedule depend on timing: the run is no longer exact.
func (t *turns) resumeLocked(m int) bool {
	switch {
	case t.holder == m:
		return true
	case t.holder == 0 && len(t.ready) == 0:
		t.holder = m
		return true
	}
	t.exact = false
	if t.holder == 0 {
		t.holder = m
		return true
	}
	t.ready = append(t.ready, m)
	return false
}

// Sleep is a cell's time.Sleep in a run: the member gives its turn away
// and sleeps on the run's clock, which moves only when no member is ready
// (a busy machine may wake a sleeper late, never early): sleepers wake in
// the order of their wake times on that clock, whatever the machine's
// timing, and then nap what is left of d in real time (with napFor), so
// that timing a sleep still measures it. It reports false, having done
// nothing, for a goroutine not in a run.
func Sleep(d time.Duration, napFor func(time.Duration)) bool {
	t, m := joined()
	if t == nil {
		return false
	}
	realWake := time.Now().Add(d)
	for !t.resumeLocked(m) {
		t.mu.Unlock()
		if !t.wait(m) {
			napFor(time.Until(realWake)) // the run ended: sleep as usual
			return true
		}
		t.mu.Lock()
	}
	t.sleepers = append(t.sleepers, sleeper{member: m, wake: t.now + max(d, 0), real: realWake})
	t.passLocked()
	t.mu.Unlock()
	t.wait(m)
	if active.Load() != t {
		napFor(time.Until(realWake)) // the run ended: sleep as usual
		return true
	}
	t.mu.Lock()
	t.napping = true
	t.mu.Unlock()
	napFor(time.Until(realWake))
	t.mu.Lock()
	t.napping = false
	t.moves++
	t.mu.Unlock()
	return true
}

// WaitLock is called by a goroutine that found lock taken, with the lock's
// TryLock: in a run, the goroutine gives its turn away until the lock is
// released (Released) and it takes it, and WaitLock reports true once it
// holds the lock. Outside a run it reports false at once, and the caller
// waits as usual.
func WaitLock(lock any, try func() bool) bool {
	t, m := joined()
	if t == nil {
		return false
	}
	for {
		if !t.resumeLocked(m) {
			t.mu.Unlock()
			if !t.wait(m) {
				return false // the run ended: wait for the lock as usual
			}
			t.mu.Lock()
		}
		if try() {
			t.mu.Unlock()
			return true
		}
		t.locks[lock] = append(t.locks[lock], m)
		t.passLocked()
		t.mu.Unlock()
		t.wait(m)
		if active.Load() != t {
			return false // the run ended: wait for the lock as usual
		}
		t.mu.Lock()
	}
}

// Released is called after a lock is unlocked: in a run, the goroutines
// waiting for it become ready for a turn.
func Released(lock any) {
	t := active.Load()
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if waiting := t.locks[lock]; len(waiting) > 0 {
		t.ready = append(t.ready, waiting...)
		delete(t.locks, lock)
		if t.holder == 0 {
			// Released by a goroutine that goes on without the turn
			// (it woke from a wait golab does not see): someone must
			// have it.
			t.passLocked()
		}
	}
}

// watch passes the turn on when the goroutine that has it is blocked where
// golab cannot see (see the top of this file), until the run ends.
func (t *turns) watch() {
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	var lastMoves uint64
	stalled, look := 0, stallTicks // look: the stalled tick of the next look at the runtime
	var since time.Time
	for {
		select {
		case <-t.done:
			return
		case <-tick.C:
		}
		t.mu.Lock()
		if t.moves != lastMoves || t.holder == 0 || t.napping {
			lastMoves, stalled, look = t.moves, 0, stallTicks
			t.mu.Unlock()
			continue
		}
		if stalled == 0 {
			since = time.Now()
		}
		stalled++
		holder := t.members[t.holder]
		t.mu.Unlock()
		forced := time.Since(since) >= forceAfter
		if (stalled < look && !forced) || holder == nil {
			continue
		}
		// A look is a dump of every goroutine (costly where earlier cells
		// left thousands): the looks at one stall thin out, 2, 4, 8, …
		// ticks in.
		look *= 2
		blocked := isBlocked(holder.g)
		t.mu.Lock()
		if t.moves == lastMoves && t.members[t.holder] == holder && (blocked || forced) {
			if !blocked {
				t.exact = false // it runs on beside the next one
			}
			t.passLocked()
			lastMoves, stalled, look = t.moves, 0, stallTicks
		}
		t.mu.Unlock()
	}
}

// isBlocked reports whether goroutine g waits (for a channel, a lock, a
// WaitGroup, or in time.Sleep) rather than runs.
func isBlocked(g int) bool {
	for _, gr := range goid.All() {
		if gr.ID == g {
			return gr.Blocked() || gr.State == "sleep"
		}
	}
	return true // ended
}

// remove returns list without m.
func remove(list []int, m int) []int {
	for i, x := range list {
		if x == m {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// Package sync provides the sync.Mutex and sync.RWMutex that cells use in
// place of the standard library's: Go's own locks, which also remember
// which goroutine holds each one and which goroutines wait for it, and at
// which line of a cell each took or asked for it. Go records none of this
// (a mutex has no owner), so without it a deadlock report can only say
// that goroutines wait for locks; with it, it names the circular wait:
// goroutine 7 holds the lock it took at line 8 and waits at line 11 for the
// one goroutine 8 holds.
//
// The types are defined on the standard ones, so a cell's mutex prints and
// copies as Go's does and %T still says sync.Mutex. The package is named
// sync for that reason; the kernel imports it under another name.
package sync

import (
	"reflect"
	"sort"
	gosync "sync"
	"unsafe"

	"github.com/golab-notebooks/golab/internal/goid"
	"github.com/golab-notebooks/golab/kernel/interp/noise"
)

// Site is a place in a cell's code where a lock is taken. The kernel's
// rewriter numbers it with NumberSite and reports the number with At just
// before the Lock call.
type Site struct {
	Line int    // the line of the call, in the cell that holds the code
	Func string // the function (or "Type.Method") declared in that cell that makes the call; "" for a cell's statements
	Call string // the call as written: "from.mu.Lock()"
}

// Known reports whether the site was reported (a Lock the rewriter did not
// see, made through an interface from compiled code, has none).
func (s Site) Known() bool { return s.Line > 0 }

// Hold is a goroutine holding a lock.
type Hold struct {
	Goroutine int
	Site      Site
	Read      bool // a read lock of an RWMutex
}

// Wait is a goroutine waiting in a Lock or RLock call for a lock that
// other goroutines hold.
type Wait struct {
	Goroutine int
	Site      Site
	Read      bool
	Lock      any    // the *Mutex or *RWMutex; comparable, to tell locks apart
	Holders   []Hold // who holds it now (none once it is being handed over)
}

// hold is a Hold as recorded, with its site's number.
type hold struct {
	goroutine, site int
	read            bool
}

func (h hold) public() Hold { return Hold{Goroutine: h.goroutine, Site: siteOf(h.site), Read: h.read} }

// Mutex is the sync.Mutex of cells: Go's sync.Mutex, whose holder and
// waiters are recorded for deadlock reports.
type Mutex gosync.Mutex

func (m *Mutex) std() *gosync.Mutex { return (*gosync.Mutex)(m) }

// Lock locks m, as sync.Mutex.Lock does.
func (m *Mutex) Lock() { holdExclusive(m, acquire(m, m.std(), false)) }

// TryLock tries to lock m, as sync.Mutex.TryLock does.
func (m *Mutex) TryLock() bool {
	h, ok := tryAcquire(m.std(), false)
	if ok {
		holdExclusive(m, h)
	}
	return ok
}

// Unlock unlocks m, as sync.Mutex.Unlock does (a fatal error if m is not
// locked). The record goes first, so that the next holder's is not lost.
func (m *Mutex) Unlock() {
	releaseExclusive(m)
	m.std().Unlock()
	noise.Released(m)
}

// RWMutex is the sync.RWMutex of cells: Go's sync.RWMutex, whose holders
// (the writer or the readers) and waiters are recorded for deadlock
// reports.
type RWMutex gosync.RWMutex

func (rw *RWMutex) std() *gosync.RWMutex { return (*gosync.RWMutex)(rw) }

// Lock locks rw for writing, as sync.RWMutex.Lock does.
func (rw *RWMutex) Lock() { holdExclusive(rw, acquire(rw, rw.std(), false)) }

// TryLock tries to lock rw for writing.
func (rw *RWMutex) TryLock() bool {
	h, ok := tryAcquire(rw.std(), false)
	if ok {
		holdExclusive(rw, h)
	}
	return ok
}

// Unlock unlocks rw for writing.
func (rw *RWMutex) Unlock() {
	releaseExclusive(rw)
	rw.std().Unlock()
	noise.Released(rw)
}

// RLock locks rw for reading, as sync.RWMutex.RLock does.
func (rw *RWMutex) RLock() { holdShared(rw, acquire(rw, readSide{rw.std()}, true)) }

// TryRLock tries to lock rw for reading.
func (rw *RWMutex) TryRLock() bool {
	h, ok := tryAcquire(readSide{rw.std()}, true)
	if ok {
		holdShared(rw, h)
	}
	return ok
}

// RUnlock undoes one RLock.
func (rw *RWMutex) RUnlock() {
	releaseShared(rw, goid.Current())
	rw.std().RUnlock()
	noise.Released(rw)
}

// lockSide is one way to take a lock: a sync.Mutex, an RWMutex's writer
// side (itself), or its reader side (readSide).
type lockSide interface {
	TryLock() bool
	Lock()
}

// readSide is an RWMutex taken for reading.
type readSide struct{ rw *gosync.RWMutex }

func (r readSide) TryLock() bool { return r.rw.TryRLock() }
func (r readSide) Lock()         { r.rw.RLock() }

// acquire takes std for the calling goroutine, recorded as waiting for
// lock while it must, and returns the record of its hold.
func acquire[L Mutex | RWMutex](lock *L, std lockSide, read bool) hold {
	g := goid.Current()
	h := hold{goroutine: g, site: takeSite(g), read: read}
	noise.Point()
	if !std.TryLock() {
		startWait(g, lock, h.site, read)
		if !noise.WaitLock(lock, std.TryLock) { // in a replayable run, the turn passes meanwhile
			std.Lock()
		}
		endWait(g)
	}
	return h
}

// tryAcquire tries to take std for the calling goroutine and returns the
// record of its hold if it did.
func tryAcquire(std lockSide, read bool) (hold, bool) {
	g := goid.Current()
	h := hold{goroutine: g, site: takeSite(g), read: read}
	return h, std.TryLock()
}

// RLocker returns a Locker whose Lock and Unlock call RLock and RUnlock.
func (rw *RWMutex) RLocker() gosync.Locker { return readLocker{rw} }

type readLocker struct{ rw *RWMutex }

func (r readLocker) Lock()   { r.rw.RLock() }
func (r readLocker) Unlock() { r.rw.RUnlock() }

// NumberSite returns the number of a site, the same for the same site
// each time (a cell run again reuses its numbers).
func NumberSite(line int, fn, call string) int {
	site := Site{Line: line, Func: fn, Call: call}
	sites.mu.Lock()
	defer sites.mu.Unlock()
	if n, ok := sites.numbers[site]; ok {
		return n
	}
	sites.all = append(sites.all, site)
	n := len(sites.all) // from 1: 0 is no site
	sites.numbers[site] = n
	return n
}

var sites = struct {
	mu      gosync.Mutex
	all     []Site
	numbers map[Site]int
}{numbers: map[Site]int{}}

// siteOf returns the site NumberSite gave a number.
func siteOf(n int) Site {
	sites.mu.Lock()
	defer sites.mu.Unlock()
	if n < 1 || n > len(sites.all) {
		return Site{}
	}
	return sites.all[n-1]
}

// At records where the calling goroutine's next Lock or RLock is: the
// rewritten cell calls it with NumberSite's number just before
// `from.mu.Lock()`, since the interpreter's stacks show no cell lines.
func At(site int) {
	g := goid.Current()
	p := pendingOf(g)
	p.mu.Lock()
	p.goroutine, p.site = g, site
	p.mu.Unlock()
}

// pending holds the site each goroutine gave At, in a slot chosen by its
// ID. Two goroutines that share a slot at the same moment only lose a
// site (the slot names its goroutine), never swap them.
var pending [1024]pendingSite

type pendingSite struct {
	mu        gosync.Mutex
	goroutine int
	site      int
}

func pendingOf(g int) *pendingSite { return &pending[g%len(pending)] }

// takeSite returns and clears the site goroutine g gave At.
func takeSite(g int) int {
	p := pendingOf(g)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.goroutine != g {
		return 0
	}
	p.goroutine = 0
	return p.site
}

// shard records who holds some of the locks: those whose address falls in
// it, so that goroutines locking different mutexes rarely meet.
type shard struct {
	mu        gosync.Mutex
	exclusive map[any]hold   // a Mutex's holder, or an RWMutex's writer
	shared    map[any][]hold // an RWMutex's readers
}

var holders [64]shard

// shardOf returns the shard of a *Mutex or *RWMutex.
func shardOf(addr unsafe.Pointer) *shard {
	return &holders[(uintptr(addr)>>4)%uintptr(len(holders))]
}

func holdExclusive[L Mutex | RWMutex](lock *L, h hold) {
	s := shardOf(unsafe.Pointer(lock))
	s.mu.Lock()
	if s.exclusive == nil {
		s.exclusive = map[any]hold{}
	}
	s.exclusive[lock] = h
	s.mu.Unlock()
}

func releaseExclusive[L Mutex | RWMutex](lock *L) {
	s := shardOf(unsafe.Pointer(lock))
	s.mu.Lock()
	delete(s.exclusive, lock)
	s.mu.Unlock()
}

func holdShared(rw *RWMutex, h hold) {
	s := shardOf(unsafe.Pointer(rw))
	s.mu.Lock()
	if s.shared == nil {
		s.shared = map[any][]hold{}
	}
	s.shared[rw] = append(s.shared[rw], h)
	s.mu.Unlock()
}

// releaseShared forgets the read lock of goroutine g, or, when another
// goroutine unlocks it (Go allows that), the oldest one.
func releaseShared(rw *RWMutex, g int) {
	s := shardOf(unsafe.Pointer(rw))
	s.mu.Lock()
	defer s.mu.Unlock()
	readers := s.shared[rw]
	if len(readers) == 0 {
		return
	}
	i := 0
	for j, h := range readers {
		if h.goroutine == g {
			i = j
			break
		}
	}
	readers = append(readers[:i], readers[i+1:]...)
	if len(readers) == 0 {
		delete(s.shared, rw)
		return
	}
	s.shared[rw] = readers
}

// holdersOf returns who holds a lock now.
func holdersOf(lock any, addr unsafe.Pointer) []Hold {
	s := shardOf(addr)
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Hold
	if h, ok := s.exclusive[lock]; ok {
		out = append(out, h.public())
	}
	for _, h := range s.shared[lock] {
		out = append(out, h.public())
	}
	return out
}

// waiting is every goroutine blocked in a Lock or RLock, by goroutine ID.
// Only a lock that is not free at once gets here, so an uncontended Lock
// costs no more than the holder's record.
var waiting = struct {
	mu gosync.Mutex
	by map[int]waiter
}{by: map[int]waiter{}}

type waiter struct {
	lock any
	addr unsafe.Pointer
	site int
	read bool
}

func startWait[L Mutex | RWMutex](g int, lock *L, site int, read bool) {
	waiting.mu.Lock()
	waiting.by[g] = waiter{lock: lock, addr: unsafe.Pointer(lock), site: site, read: read}
	waiting.mu.Unlock()
}

func endWait(g int) {
	waiting.mu.Lock()
	delete(waiting.by, g)
	waiting.mu.Unlock()
}

// Waits returns every goroutine waiting for a cell's lock, with who holds
// that lock, ordered by goroutine ID. While goroutines run, it is a
// snapshot that may be stale by the time it returns; once they are all
// blocked for good (a deadlock), it is exact.
func Waits() []Wait {
	waiting.mu.Lock()
	ws := make([]Wait, 0, len(waiting.by))
	addrs := make([]unsafe.Pointer, 0, len(waiting.by))
	for g, w := range waiting.by {
		ws = append(ws, Wait{Goroutine: g, Site: siteOf(w.site), Read: w.read, Lock: w.lock})
		addrs = append(addrs, w.addr)
	}
	waiting.mu.Unlock()
	for i := range ws {
		ws[i].Holders = holdersOf(ws[i].Lock, addrs[i])
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].Goroutine < ws[j].Goroutine })
	return ws
}

// Circle finds a circular wait among waits: goroutines each waiting for a
// lock that the next one holds, the last for one the first holds. It
// returns the waits in that order, starting from the lowest goroutine ID,
// or nil if there is none. A lock held by several readers leads to each of
// them, so the search follows every holder.
func Circle(waits []Wait) []Wait {
	byGoroutine := map[int]Wait{}
	for _, w := range waits {
		byGoroutine[w.Goroutine] = w
	}
	done := map[int]bool{}        // searched from already, with no circle found
	for _, start := range waits { // in ID order, so the answer is stable
		if c := circleFrom(start, byGoroutine, map[int]int{}, nil, done); c != nil {
			return rotateToLowest(c)
		}
	}
	return nil
}

// circleFrom searches depth first from w along the holders of what it
// waits for; onPath maps the goroutines on the current path to their
// index in path.
func circleFrom(w Wait, byGoroutine map[int]Wait, onPath map[int]int, path []Wait, done map[int]bool) []Wait {
	if i, ok := onPath[w.Goroutine]; ok {
		return append([]Wait(nil), path[i:]...)
	}
	if done[w.Goroutine] {
		return nil
	}
	onPath[w.Goroutine] = len(path)
	path = append(path, w)
	for _, h := range w.Holders {
		if next, ok := byGoroutine[h.Goroutine]; ok {
			if c := circleFrom(next, byGoroutine, onPath, path, done); c != nil {
				return c
			}
		}
	}
	delete(onPath, w.Goroutine)
	done[w.Goroutine] = true
	return nil
}

func rotateToLowest(circle []Wait) []Wait {
	low := 0
	for i, w := range circle {
		if w.Goroutine < circle[low].Goroutine {
			low = i
		}
	}
	return append(append([]Wait(nil), circle[low:]...), circle[:low]...)
}

// Symbols are the interpreter symbols of the package: sync.Mutex and
// sync.RWMutex in place of the standard library's, and At, in the package
// "golab.internal/sync" that rewritten cells call. Load them with yaegi's
// interp.Use after the standard library's.
func Symbols() map[string]map[string]reflect.Value {
	return map[string]map[string]reflect.Value{
		"sync/sync": {
			"Mutex":   reflect.ValueOf((*Mutex)(nil)),
			"RWMutex": reflect.ValueOf((*RWMutex)(nil)),
		},
		"golab.internal/sync/sync": {
			"At": reflect.ValueOf(At),
		},
	}
}

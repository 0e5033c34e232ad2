// Package stop lets an interrupt stop interpreted code without ending the
// worker, so that the notebook's variables survive it (yaegi's own
// cancellation leaves closures returning zero values; killing the worker
// loses every variable). The cell rewriter's safe-points pass puts a test
// of the flag (an interpreted global, see Bind) at the entry of every
// function and in every loop; when an interrupt has set it, Unwind panics
// with Signal, which unwinds the goroutine as a panic would (its deferred
// calls run, to their end), until golab's own code recovers it: the
// wrapper of each goroutine a cell starts, and the worker for the cell's
// own statements. A recover() in the learner's code passes it on.
package stop

import (
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/golab-notebooks/golab/internal/goid"
)

// requested is 1 while an interrupt asks interpreted code to stop.
var requested int32

// signal is what Unwind panics with.
type signal struct{}

func (*signal) Error() string { return "interrupted" }

// Signal is the panic value of an unwinding.
var Signal error = &signal{}

// flag is the interpreted global the safe points test, bound by the
// worker once the interpreter has declared it (see Bind).
var flag atomic.Pointer[bool]

// Bind makes Request and Clear set the interpreted global at p, which the
// safe points test. A plain read of an interpreted variable is the
// cheapest test the interpreter has: a call or an atomic load per
// iteration costs 5 to 7 times a tight loop; measured on sum(3M), 75 ms
// bare, 87 ms with this test, 133 ms reading through a pointer of a
// compiled package. The safe points read it without synchronization: a
// stale read delays the stop by an iteration or two.
func Bind(p *bool) { flag.Store(p) }

// epoch counts the interrupts: code that waits in golab's own blocking
// calls (a cell's time.Sleep, in slices) and sees it change stops, also
// when the flag was cleared meanwhile.
var epoch atomic.Uint64

// Epoch returns the number of stops requested so far.
func Epoch() uint64 { return epoch.Load() }

// compiledFlags are the flags that compiled code's safe points test
// (kernel/interp/native's plugins), set and cleared with the interpreted
// one.
var compiledFlags struct {
	sync.Mutex
	list []*atomic.Bool
}

// Watch makes Request and Clear set and clear f too: the flag of
// compiled code's safe points, which call Unwind when it is set.
func Watch(f *atomic.Bool) {
	compiledFlags.Lock()
	defer compiledFlags.Unlock()
	compiledFlags.list = append(compiledFlags.list, f)
	f.Store(Pending())
}

// setCompiled sets or clears every watched flag.
func setCompiled(on bool) {
	compiledFlags.Lock()
	defer compiledFlags.Unlock()
	for _, f := range compiledFlags.list {
		f.Store(on)
	}
}

// woken is closed by the next Request, then replaced.
var woken atomic.Pointer[chan struct{}]

func init() {
	ch := make(chan struct{})
	woken.Store(&ch)
}

// Woken returns a channel that the next Request closes: golab's own
// waiting (a goroutine waiting for its turn, see noise.Exclusive) selects
// on it to stop.
func Woken() <-chan struct{} { return *woken.Load() }

// Request asks interpreted code to stop at its next safe point.
func Request() {
	epoch.Add(1)
	next := make(chan struct{})
	close(*woken.Swap(&next))
	atomic.StoreInt32(&requested, 1)
	if p := flag.Load(); p != nil {
		*p = true
	}
	setCompiled(true)
}

// Clear lets interpreted code run again.
func Clear() {
	unwinding.Clear()
	atomic.StoreInt32(&requested, 0)
	if p := flag.Load(); p != nil {
		*p = false
	}
	setCompiled(false)
}

// Pending reports whether a stop is requested.
func Pending() bool { return atomic.LoadInt32(&requested) != 0 }

// stopped counts the goroutines an unwinding has ended.
var stopped atomic.Int64

// Ended records that an unwinding ended a goroutine; Stopped says how many
// it has ended so far.
func Ended()         { stopped.Add(1) }
func Stopped() int64 { return stopped.Load() }

// unwinding holds the IDs of the goroutines whose unwinding has begun
// since the last Clear.
var unwinding sync.Map

// Unwind starts the unwinding of the goroutine that calls it. In a
// goroutine already unwinding it returns: the deferred calls the unwinding
// runs reach safe points too (a deferred func literal's entry, a loop),
// and a second unwinding would cut them short, leaving a lock held or a
// WaitGroup never done.
func Unwind() {
	if _, begun := unwinding.LoadOrStore(goid.Current(), true); begun {
		return
	}
	panic(Signal)
}

// Finishing marks the calling goroutine as one whose unwinding has begun,
// so that the safe points of what it runs next do not stop it: the worker
// runs an interrupted cell's own deferred calls this way, to their end.
func Finishing() { unwinding.Store(goid.Current(), true) }

// Is reports whether a recovered value is the unwinding (the interpreter
// may hand it over wrapped in a reflect.Value).
func Is(v any) bool {
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		v = rv.Interface()
	}
	return v == any(Signal)
}

// Symbols are what rewritten cells use of package "golab.internal/stop".
func Symbols() map[string]map[string]reflect.Value {
	return map[string]map[string]reflect.Value{
		"golab.internal/stop/stop": {"Unwind": reflect.ValueOf(Unwind)},
	}
}

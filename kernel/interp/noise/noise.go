// Package noise switches goroutines where a busy machine could: between
// the read and the write of a variable that other goroutines may share
// (`counter++`, `total += x`, `m[k]++`). On one CPU, or beside other busy
// programs, Go rarely switches a goroutine there by itself, so a lesson's
// racy counter would come out right and teach the opposite of the truth;
// the cell rewriter (kernel/interp/cell, the switch-points pass) splits
// such a statement into its read and its write with a call of Switch in
// between, and Switch gives the other goroutines a turn at random, from a
// seeded source.
//
// A switch is only a delay: any schedule it makes, the Go scheduler could
// have made too, so a correctly synchronized program (mutex, atomic,
// channel, WaitGroup) gives the same results with it. It makes no race:
// it makes the races a program has show.
package noise

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultRate is the share of switch points where Switch lets other
// goroutines run: 1 in 10.
const DefaultRate = 0.1

var (
	on    atomic.Bool
	mu    sync.Mutex
	rng   *rand.Rand
	seed  uint64
	rate  = DefaultRate
	taken atomic.Int64 // switches made, for the magic's report
	// handed is how many run seeds Seeds has handed out since Set.
	handed uint64
)

func init() {
	Set(uint64(time.Now().UnixNano())%1_000_000, DefaultRate)
}

// Set turns the noise on with a seed and a rate (0 to 1): the same seed
// gives the same sequence of decisions.
func Set(s uint64, r float64) {
	mu.Lock()
	defer mu.Unlock()
	seed, rate, handed = s, min(max(r, 0), 1), 0
	rng = rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
	on.Store(rate > 0)
}

// Seeds reserves n seeds for replayable runs (Exclusive): the next n of
// the numbers that follow the seed Set chose, so that a notebook run from
// the top with the same seed gets the same seeds in the same places. On
// is false while the noise is off.
func Seeds(n int) (first uint64, enabled bool) {
	mu.Lock()
	defer mu.Unlock()
	first = seed + handed
	handed += uint64(max(n, 0))
	return first, on.Load()
}

// Off turns the noise off: Switch returns at once.
func Off() { on.Store(false) }

// State says whether the noise is on, with its seed and rate.
func State() (enabled bool, s uint64, r float64) {
	mu.Lock()
	defer mu.Unlock()
	return on.Load(), seed, rate
}

// Switch is a switch point: with the noise on, it lets the other
// goroutines run, at the rate set.
func Switch() {
	if !on.Load() {
		return
	}
	if pointAt(-1) {
		return // a member of a replayable run: its turn may pass here
	}
	mu.Lock()
	hit := rng.Float64() < rate
	mu.Unlock()
	if hit {
		taken.Add(1)
		runtime.Gosched()
	}
}

// Taken is how many switches Switch has made.
func Taken() int64 { return taken.Load() }

// Describe says the noise's state in a sentence.
func Describe() string {
	enabled, s, r := State()
	if !enabled {
		return "golab: scheduling noise is off: goroutines switch only where Go switches them (on one CPU, rarely between a read and a write)"
	}
	return fmt.Sprintf("golab: scheduling noise is on (seed %d): goroutines give way at %.0f%% of the places between reading and writing a shared variable, as on a busy machine", s, 100*r)
}

// Symbols are the functions of package "golab.internal/noise" that
// rewritten cells call.
func Symbols() map[string]map[string]reflect.Value {
	return map[string]map[string]reflect.Value{
		"golab.internal/noise/noise": {"Switch": reflect.ValueOf(Switch)},
	}
}

package noise_test

import (
	"runtime"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golab-notebooks/golab/kernel/interp/goroutines"
	"github.com/golab-notebooks/golab/kernel/interp/noise"
	"github.com/golab-notebooks/golab/kernel/interp/stop"
	cellsync "github.com/golab-notebooks/golab/kernel/interp/sync"
)

// count is the lecture's counter as a rewritten cell runs it: two
// goroutines (started as a cell's go statement starts them) each call add
// n times, and a WaitGroup waits for them.
func count(n int, add func(counter *int)) int {
	counter := 0
	var wg gosync.WaitGroup
	for range 2 {
		wg.Add(1)
		goroutines.Go(1, func() {
			defer wg.Done()
			for range n {
				add(&counter)
			}
		})
	}
	wg.Wait()
	return counter
}

// racy adds one with the switch point between the read and the write.
func racy(n int) int {
	return count(n, func(counter *int) {
		v := *counter
		noise.Switch()
		*counter = v + 1
	})
}

// locked is the same with a cell's mutex around the update.
func locked(n int) int {
	var mu cellsync.Mutex
	return count(n, func(counter *int) {
		mu.Lock()
		v := *counter
		noise.Switch()
		*counter = v + 1
		mu.Unlock()
	})
}

// piped passes the counter through an unbuffered channel: golab does not
// see the goroutines wait there, and the watchdog passes the turn on.
func piped(n int) int {
	c := make(chan int)
	done := make(chan int)
	goroutines.Go(1, func() {
		sum := 0
		for v := range c {
			sum += v
			noise.Switch()
		}
		done <- sum
	})
	for range n {
		c <- 1
	}
	close(c)
	return <-done
}

func run(seed uint64, f func() int) (int, bool) {
	var r int
	exact := noise.Exclusive(seed, func() { r = f() })
	return r, exact
}

// TestTheSameSeedGivesTheSameResult: with the goroutines taking turns, a
// seed decides the racy counter's result; on one CPU too, and beside a
// goroutine that spins. Different seeds give different results (the
// lesson's histogram has more than one bar).
func TestTheSameSeedGivesTheSameResult(t *testing.T) {
	noise.Set(7, 0.2)
	defer noise.Set(1, noise.DefaultRate)
	for _, procs := range []int{runtime.GOMAXPROCS(0), 1} {
		old := runtime.GOMAXPROCS(procs)
		var stopSpin atomic.Bool
		go func() { // a busy machine
			spins := 0
			for !stopSpin.Load() {
				spins++
			}
		}()
		results := map[int]bool{}
		for seed := uint64(1); seed <= 30; seed++ {
			first, exact := run(seed, func() int { return racy(500) })
			if !exact {
				t.Errorf("GOMAXPROCS %d, seed %d: the run was not decided by its seed alone", procs, seed)
			}
			for range 3 {
				if again, _ := run(seed, func() int { return racy(500) }); again != first {
					t.Fatalf("GOMAXPROCS %d, seed %d: %d, then %d", procs, seed, first, again)
				}
			}
			if first == 1000 {
				t.Errorf("seed %d lost no update at a switch rate of 0.2", seed)
			}
			results[first] = true
		}
		if len(results) < 5 {
			t.Errorf("GOMAXPROCS %d: 30 seeds gave only %d results", procs, len(results))
		}
		stopSpin.Store(true)
		runtime.GOMAXPROCS(old)
	}
}

// TestSynchronizedCodeIsRight: a mutex (whose waiters give their turn
// away) and a channel (which the watchdog sees) give the right count for
// every seed, at every rate.
func TestSynchronizedCodeIsRight(t *testing.T) {
	defer noise.Set(1, noise.DefaultRate)
	for _, rate := range []float64{0.1, 0.5, 1} {
		noise.Set(3, rate)
		for seed := uint64(1); seed <= 200; seed++ {
			if got, exact := run(seed, func() int { return locked(100) }); got != 200 || !exact {
				t.Fatalf("rate %g, seed %d: mutex counter %d (exact %v), want 200", rate, seed, got, exact)
			}
		}
		for seed := uint64(1); seed <= 20; seed++ {
			if got, _ := run(seed, func() int { return piped(50) }); got != 50 {
				t.Fatalf("rate %g, seed %d: channel sum %d, want 50", rate, seed, got)
			}
		}
	}
}

// TestAnInterruptEndsTheRun: an interrupt ends a run; a goroutine that
// waited for its turn goes on freely to its next safe point (unwound
// where it waited, it could leave a lock or a channel slot held, and the
// others blocked for good), and the run is not replayable.
func TestAnInterruptEndsTheRun(t *testing.T) {
	noise.Set(5, 0.5)
	defer noise.Set(1, noise.DefaultRate)
	defer stop.Clear()
	var ran atomic.Bool
	exact := make(chan bool)
	go func() {
		exact <- noise.Exclusive(1, func() {
			var wg gosync.WaitGroup
			wg.Add(1)
			goroutines.Go(1, func() { defer wg.Done(); ran.Store(true) }) // ready, never given the turn
			// The run's first goroutine keeps its turn (no switch point).
			for !stop.Pending() {
				runtime.Gosched()
			}
			wg.Wait()
		})
	}()
	time.Sleep(20 * time.Millisecond)
	stop.Request()
	select {
	case e := <-exact:
		if e {
			t.Error("an interrupted run says it was decided by its seed")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the interrupted run did not end")
	}
	if !ran.Load() {
		t.Error("the goroutine that waited for its turn did not go on")
	}
}

// withdrawals is lesson 05's check-then-act: ten goroutines each take 30
// from 100 if it is there, sleeping between the check and the act (a
// cell's time.Sleep, which in a run sleeps on the run's clock).
func withdrawals() int {
	balance := 100
	var wg gosync.WaitGroup
	for range 10 {
		wg.Add(1)
		goroutines.Go(1, func() {
			defer wg.Done()
			if balance >= 30 {
				goroutines.Symbols()["time/time"]["Sleep"].Interface().(func(time.Duration))(time.Millisecond)
				balance -= 30
			}
		})
	}
	wg.Wait()
	return balance
}

// TestSleepersWakeInTheRunsOrder: goroutines that sleep between a check
// and an act wake in the order of the run's clock, so a seed decides the
// outcome, and all of them checked before any acted (they all slept the
// same time): the balance goes far below zero, every time.
func TestSleepersWakeInTheRunsOrder(t *testing.T) {
	noise.Set(9, noise.DefaultRate)
	defer noise.Set(1, noise.DefaultRate)
	for seed := uint64(1); seed <= 10; seed++ {
		first, exact := run(seed, withdrawals)
		if !exact || first != 100-10*30 {
			t.Errorf("seed %d: balance %d (exact %v), want -200: all ten checked before any took", seed, first, exact)
		}
		if again, _ := run(seed, withdrawals); again != first {
			t.Errorf("seed %d: %d, then %d", seed, first, again)
		}
	}
}

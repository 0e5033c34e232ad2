package worker

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkCellHotPaths measures what learners' concurrency code costs in a
// cell, next to compiled Go: starting goroutines (with golab's bookkeeping
// of where each started), a Mutex, an atomic add and a function call.
// interpreted/X reports x-compiled, its time over compiled Go's for the
// same work: the slowdown issue 16 tracks (measured on 2 cores: starting
// a goroutine takes 3.5 to 4.5 µs, where it took 27 µs before goroutines.Go;
// a call through the interpreter about 300 ns, 150 to 230 times compiled;
// a Lock/Unlock pair about 520 ns, of which 170 ns are kernel/interp/sync's
// record of where each lock was taken).
func BenchmarkCellHotPaths(b *testing.B) {
	cases := []struct {
		name     string
		setup    string // declarations, run once
		loop     string // one iteration, as a cell writes it; i is the counter
		after    string // run after the loop, timed
		compiled func(n int)
	}{
		{"go+WaitGroup", `import "sync"
var wg sync.WaitGroup`, "wg.Add(1)\n\tgo func() { defer wg.Done() }()", "wg.Wait()", func(n int) {
			var wg sync.WaitGroup
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() { defer wg.Done() }()
			}
			wg.Wait()
		}},
		{"Mutex.Lock+Unlock", `import "sync"
var mu sync.Mutex
count := 0`, "mu.Lock()\n\tcount++\n\tmu.Unlock()", "", func(n int) {
			var mu sync.Mutex
			count := 0
			for i := 0; i < n; i++ {
				mu.Lock()
				count++
				mu.Unlock()
			}
		}},
		{"atomic.AddInt64", `import "sync/atomic"
var total int64`, "atomic.AddInt64(&total, 1)", "", func(n int) {
			var total int64
			for i := 0; i < n; i++ {
				atomic.AddInt64(&total, 1)
			}
		}},
		{"call", `func inc(x int) int { return x + 1 }
acc := 0`, "acc = inc(acc)", "", func(n int) {
			acc := 0
			for i := 0; i < n; i++ {
				acc = incCompiled(acc)
			}
			sinkInt = acc
		}},
	}
	for _, c := range cases {
		b.Run("compiled/"+c.name, func(b *testing.B) { c.compiled(b.N) })
		b.Run("interpreted/"+c.name, func(b *testing.B) {
			w := benchWorker(b, c.setup)
			cellSrc := fmt.Sprintf("for i := 0; i < %d; i++ {\n\t%s\n}\n%s", b.N, c.loop, c.after)
			compiledStart := time.Now()
			c.compiled(b.N)
			compiled := time.Since(compiledStart)
			b.ResetTimer()
			start := time.Now()
			if _, e := w.run(cellSrc); e != nil {
				b.Fatalf("cell: %v", e.Value)
			}
			b.ReportMetric(float64(time.Since(start))/float64(compiled), "x-compiled")
		})
	}
}

//go:noinline
func incCompiled(x int) int { return x + 1 }

var sinkInt int

// BenchmarkParallelSpeedup runs the same interpreted work, a sum with a
// local accumulator per goroutine, on one goroutine and split over two,
// and reports how many times faster two are (x-speedup; at most 2 on the
// 2-core machines CI runs on; issue 16 measured 1.90). A learner's
// "goroutines make it faster" lesson depends on it.
func BenchmarkParallelSpeedup(b *testing.B) {
	w := benchWorker(b, `import "sync"
func work(from, to int) int {
	s := 0
	for i := from; i < to; i++ {
		s += i % 7
	}
	return s
}
func split(n, parts int) int {
	var wg sync.WaitGroup
	sums := make([]int, parts)
	for p := 0; p < parts; p++ {
		wg.Add(1)
		go func() { defer wg.Done(); sums[p] = work(p*n/parts, (p+1)*n/parts) }()
	}
	wg.Wait()
	total := 0
	for _, s := range sums {
		total += s
	}
	return total
}`)
	const n = 3_000_000 // about 0.1 s of interpreted work on one goroutine
	var one, two time.Duration
	for b.Loop() {
		for parts, took := range map[int]*time.Duration{1: &one, 2: &two} {
			start := time.Now()
			got, e := w.run(fmt.Sprintf("split(%d, %d)", n, parts))
			*took += time.Since(start)
			if e != nil {
				b.Fatalf("cell: %v", e.Value)
			}
			if want := fmt.Sprint(want7(n)); got != want {
				b.Fatalf("split over %d goroutines gave %s, want %s", parts, got, want)
			}
		}
	}
	b.ReportMetric(float64(one)/float64(two), "x-speedup")
}

// want7 is the sum of i % 7 for i below n, as the cells compute it.
func want7(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i % 7
	}
	return s
}

package worker

import (
	"testing"
	"time"
)

// BenchmarkSafePointCost measures what the safe points (the tests of the
// stop flag at each function's entry and in every loop, once per chunk of
// iterations in cheap counting loops and ranges; they let an interrupt
// keep the worker) cost interpreted code: CPU-bound programs of the kinds
// the fidelity corpus holds (kernel/interp/fidelity/testdata/corpus: the
// sieve, matrix multiplication, word frequency, recursion), grown until
// they take tens of milliseconds, and the tightest loops there are, a
// counting loop and a range over a slice. Each is
// declared in one cell and run in the next, alternately with the safe
// points and without them (cell.Context.PassOff). It reports ms-off,
// ms-on and x-off, their ratio; the goal is under 1.10 for the programs
// and at most 1.20 for the tightest loop.
func BenchmarkSafePointCost(b *testing.B) {
	programs := []struct{ name, decls, run string }{
		{"sieve-300k", `func sieve(n int) int {
	composite := make([]bool, n+1)
	count := 0
	for i := 2; i <= n; i++ {
		if composite[i] {
			continue
		}
		count++
		for j := i * i; j <= n; j += i {
			composite[j] = true
		}
	}
	return count
}`, "sieve(300000)"},
		{"matrix-multiply-60", `func multiply(n int) float64 {
	a := make([][]float64, n)
	c := make([][]float64, n)
	for i := range a {
		a[i] = make([]float64, n)
		c[i] = make([]float64, n)
		for j := range a[i] {
			a[i][j] = float64(i*n + j)
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for k := 0; k < n; k++ {
				s += a[i][k] * a[k][j]
			}
			c[i][j] = s
		}
	}
	return c[n-1][n-1]
}`, "multiply(60)"},
		{"word-frequency-40k", `import "strings"

func frequencies(words int) int {
	vocabulary := []string{"go", "channel", "mutex", "goroutine", "select", "wait", "group", "lock"}
	var b strings.Builder
	for i := 0; i < words; i++ {
		b.WriteString(vocabulary[(i*7+i/3)%len(vocabulary)])
		b.WriteByte(' ')
	}
	counts := map[string]int{}
	for _, w := range strings.Fields(b.String()) {
		counts[w]++
	}
	return len(counts)
}`, "frequencies(40000)"},
		{"recursion-fib-22", `func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}`, "fib(22)"},
		{"tightest-loop-1M", `func sum(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i
	}
	return s
}`, "sum(1000000)"},
		{"range-sum-1M", `func total(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

var million = make([]int, 1000000)`, "total(million)"},
	}
	for _, p := range programs {
		b.Run(p.name, func(b *testing.B) {
			var w [2]*Worker // without the safe points, with them
			for i := range w {
				var err error
				if w[i], err = New("bench", discard{}); err != nil {
					b.Fatal(err)
				}
				w[i].frames.dst = discard{}
				if i == 0 {
					w[i].passesOff = map[string]bool{"safe-points": true}
				}
				if _, e := w[i].run(p.decls); e != nil {
					b.Fatal(e.Value)
				}
			}
			var took [2]time.Duration
			for n := 0; n < b.N; n++ {
				var results [2]string
				for i := range w {
					start := time.Now()
					result, e := w[i].run(p.run)
					if e != nil {
						b.Fatal(e.Value)
					}
					took[i] += time.Since(start)
					results[i] = result
				}
				if results[0] != results[1] {
					b.Fatalf("%s gave %s without the safe points, %s with them", p.run, results[0], results[1])
				}
			}
			b.ReportMetric(float64(took[0].Microseconds())/1000/float64(b.N), "ms-off")
			b.ReportMetric(float64(took[1].Microseconds())/1000/float64(b.N), "ms-on")
			b.ReportMetric(float64(took[1])/float64(took[0]), "x-off")
		})
	}
}

package timing

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/internal/human"
	"github.com/golab-notebooks/golab/runtime/chart"
	"github.com/golab-notebooks/golab/runtime/display"
)

// Scaling is how a piece of work speeds up with more goroutines.
type Scaling struct {
	Workers  []int           // 1, 2, …, N
	Times    []time.Duration // median time with that many workers
	Spreads  []float64       // (slowest - fastest) / median of those runs
	Parallel float64         // the parallel fraction p that best fits Amdahl's law
	CPU      CPU             // what the process could use while it measured
}

// measureFor is how long Speedup measures each number of workers at least:
// shorter, and the scheduler's and the clock's noise is the figure.
const measureFor = 300 * time.Millisecond

// maxRepeat bounds the runs Speedup adds to reach measureFor.
const maxRepeat = 200

// Speedup runs work(n) for n = 1 … maxWorkers goroutines, each repeat times
// or more (work that takes less than 300 ms in all is run again, up to 200
// times), and fits Amdahl's law to the median times: with a parallel
// fraction p, the speedup on n workers is 1 / ((1-p) + p/n).
func Speedup(maxWorkers, repeat int, work func(workers int)) *Scaling {
	maxWorkers = max(maxWorkers, 1)
	repeat = max(repeat, 1)
	s := &Scaling{CPU: CPUs()}
	progress := display.New("timing.Speedup: 1 worker")
	for n := 1; n <= maxWorkers; n++ {
		progress.Update(fmt.Sprintf("timing.Speedup: %d of %d workers", n, maxWorkers))
		st := measureAtLeast(fmt.Sprint(n), repeat, func() { work(n) })
		s.Workers = append(s.Workers, n)
		s.Times = append(s.Times, st.Median)
		spread := 0.0
		if st.Median > 0 {
			spread = float64(st.Max-st.Min) / float64(st.Median)
		}
		s.Spreads = append(s.Spreads, spread)
	}
	progress.Update(fmt.Sprintf("timing.Speedup: 1 to %d workers measured", maxWorkers))
	s.Parallel = FitAmdahl(s.Workers, s.Speedups())
	return s
}

// measureAtLeast runs f repeat times, and more until the runs add up to
// measureFor (at most maxRepeat runs in all): however long one run turns
// out to take on a busy machine, the figure covers enough time.
func measureAtLeast(name string, repeat int, f func()) Stats {
	var times []time.Duration
	var total time.Duration
	for len(times) < max(repeat, 1) || (total < measureFor && len(times) < maxRepeat) {
		start := time.Now()
		f()
		d := time.Since(start)
		times = append(times, d)
		total += d
	}
	return summarize(name, times)
}

// Speedups returns T(1)/T(n) for each measurement.
func (s *Scaling) Speedups() []float64 {
	out := make([]float64, len(s.Times))
	for i, t := range s.Times {
		out[i] = ratio(s.Times[0], t)
	}
	return out
}

// Efficiencies returns speedup/n for each measurement: 1 is perfect use of
// every worker.
func (s *Scaling) Efficiencies() []float64 {
	sp := s.Speedups()
	for i := range sp {
		sp[i] /= float64(s.Workers[i])
	}
	return sp
}

// Amdahl returns the speedup Amdahl's law predicts on n workers for a
// parallel fraction p.
func Amdahl(p float64, n int) float64 {
	return 1 / ((1 - p) + p/float64(n))
}

// FitAmdahl returns the parallel fraction p, between 0 and 1, whose Amdahl
// curve best fits the measured speedups (least squares on 1/speedup, where
// the law is linear: 1/S - 1 = p·(1/n - 1)).
func FitAmdahl(workers []int, speedups []float64) float64 {
	var sxy, sxx float64
	for i, n := range workers {
		if n < 2 || speedups[i] <= 0 {
			continue
		}
		x := 1/float64(n) - 1
		y := 1/speedups[i] - 1
		sxy += x * y
		sxx += x * x
	}
	if sxx == 0 {
		return 0
	}
	return math.Min(1, math.Max(0, sxy/sxx))
}

// String is a text table of the measurements.
func (s *Scaling) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "workers  time        speedup  efficiency  spread\n")
	sp, eff := s.Speedups(), s.Efficiencies()
	for i, n := range s.Workers {
		spread := ""
		if i < len(s.Spreads) {
			spread = fmt.Sprintf("±%.0f%%", 50*s.Spreads[i])
		}
		fmt.Fprintf(&b, "%7d  %-10v  %6.2f  %9.0f%%  %6s\n", n, human.Round(s.Times[i]), sp[i], 100*eff[i], spread)
	}
	oneCPU := s.CPU.Usable > 0 && s.CPU.Usable < 1.5
	if why := s.Noise(); why != "" {
		fmt.Fprintf(&b, "These figures are noise, not a measure of the work: %s. Give each run more work (at least tens of milliseconds).\n", why)
	}
	if oneCPU {
		// Amdahl's fit would call the work sequential: it is the machine.
		fmt.Fprintf(&b, "Measured where %s. On a machine with more CPUs, the workers would run at the same instant.\n", s.CPU)
	}
	if oneCPU || s.Noise() != "" {
		return b.String()
	}
	fmt.Fprintf(&b, "Amdahl fit: %.0f%% of the work runs in parallel (at most ×%.1f on any number of workers)\n",
		100*s.Parallel, 1/math.Max(1-s.Parallel, 1e-9))
	if n := s.Workers[len(s.Workers)-1]; s.CPU.Usable > 0 && float64(n) > s.CPU.Usable {
		fmt.Fprintf(&b, "Measured where %s.\n", s.CPU)
	}
	return b.String()
}

// Noise says why the measurements cannot be trusted, or "": a run shorter
// than a millisecond, runs of one worker count that differ by more than
// half their median, or a speedup beyond the number of workers.
func (s *Scaling) Noise() string {
	if len(s.Times) == 0 {
		return "nothing was measured"
	}
	if s.Times[0] < time.Millisecond {
		return fmt.Sprintf("one run with one worker takes %v", human.Round(s.Times[0]))
	}
	for i, spread := range s.Spreads {
		if spread > 0.5 {
			return fmt.Sprintf("the runs with %d workers differ by %.0f%% of their median", s.Workers[i], 100*spread)
		}
	}
	for i, e := range s.Efficiencies() {
		if e > 1.2 {
			return fmt.Sprintf("%d workers measured %.1f times faster than one, more than the number of workers", s.Workers[i], e*float64(s.Workers[i]))
		}
	}
	return ""
}

// Chart draws the measured speedups over the Amdahl curve and the ideal line.
func (s *Scaling) Chart() *chart.Chart {
	x := make([]float64, len(s.Workers))
	ideal := make([]float64, len(s.Workers))
	law := make([]float64, len(s.Workers))
	for i, n := range s.Workers {
		x[i], ideal[i], law[i] = float64(n), float64(n), Amdahl(s.Parallel, n)
		if s.CPU.Usable > 0 {
			ideal[i] = math.Min(ideal[i], s.CPU.Usable) // no more at once than the CPUs allow
		}
	}
	idealName := "ideal"
	if s.CPU.Usable > 0 && s.CPU.Usable < float64(s.Workers[len(s.Workers)-1]) {
		idealName = "ideal on " + cpus(s.CPU.Usable)
	}
	return chart.Lines("Speedup with more goroutines", "goroutines", "speedup",
		chart.Series{Name: "measured", X: x, Y: s.Speedups(), Points: true},
		chart.Series{Name: fmt.Sprintf("Amdahl, p = %.2f", s.Parallel), X: x, Y: law, Dashed: true},
		chart.Series{Name: idealName, X: x, Y: ideal, Dashed: true},
	)
}

// Show displays the table and the chart.
func (s *Scaling) Show() {
	display.Show(display.Bundle{"text/html": "<pre>" + s.String() + "</pre>" + s.Chart().SVG(), "text/plain": s.String()})
}

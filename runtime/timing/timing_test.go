package timing

import (
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golab-notebooks/golab/runtime/timeline"
)

func TestVirtualClock(t *testing.T) {
	tests := []struct {
		name    string
		run     func(c *VirtualClock, log func(string))
		elapsed time.Duration
		order   string
	}{
		{"parallel sleeps take the longest one", func(c *VirtualClock, log func(string)) {
			for _, d := range []int{3, 1, 2} {
				c.Go(func() { c.Sleep(time.Duration(d) * time.Second); log(time.Duration(d).String()) })
			}
		}, 3 * time.Second, "1ns 2ns 3ns"},
		{"sequential sleeps add up", func(c *VirtualClock, log func(string)) {
			c.Go(func() {
				for i := 0; i < 4; i++ {
					c.Sleep(500 * time.Millisecond)
				}
				log("done")
			})
		}, 2 * time.Second, "done"},
		{"a consumer blocked on a channel while the producer sleeps", func(c *VirtualClock, log func(string)) {
			ch := make(chan int)
			c.Go(func() {
				for i := 0; i < 3; i++ {
					c.Sleep(time.Second)
					ch <- i
				}
				close(ch)
			})
			c.Go(func() {
				for v := range ch {
					c.Sleep(500 * time.Millisecond)
					log(string(rune('a' + v)))
				}
			})
		}, 3500 * time.Millisecond, "a b c"},
		{"the caller sleeps on the clock between starting goroutines", func(c *VirtualClock, log func(string)) {
			c.Go(func() { c.Sleep(2 * time.Second); log("a") })
			c.Sleep(time.Second)
			log("caller at " + c.Elapsed().String())
			c.Go(func() { c.Sleep(time.Second); log("b") })
		}, 2 * time.Second, "caller at 1s a b"},
		{"equal wake-ups in the order of falling asleep", func(c *VirtualClock, log func(string)) {
			c.Go(func() { c.Sleep(time.Second); log("first") })
			c.Go(func() {
				c.Sleep(500 * time.Millisecond)
				c.Go(func() { c.Sleep(500 * time.Millisecond); log("second") }) // also wakes at 1s
			})
		}, time.Second, "first second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for run := 0; run < 20; run++ { // the same every time
				c := NewVirtualClock()
				var mu sync.Mutex
				var got []string
				tt.run(c, func(s string) { mu.Lock(); got = append(got, s); mu.Unlock() })
				if elapsed := c.Wait(); elapsed != tt.elapsed {
					t.Fatalf("run %d: elapsed %v, want %v", run, elapsed, tt.elapsed)
				}
				if strings.Join(got, " ") != tt.order {
					t.Fatalf("run %d: order %q, want %q", run, strings.Join(got, " "), tt.order)
				}
			}
		})
	}
}

func TestVirtualClockDrivesATimeline(t *testing.T) {
	c := NewVirtualClock()
	rec := timeline.NewWithClock(c.Now)
	for _, name := range []string{"A", "B"} {
		c.Go(func() {
			rec.Name(name)
			rec.Do("download", func() { c.Sleep(2 * time.Second) })
		})
	}
	c.Wait()
	for _, s := range rec.Spans() {
		if s.Start != 0 || s.End != 2*time.Second {
			t.Errorf("span %+v, want 0s–2s", s)
		}
	}
}

func TestAmdahlFit(t *testing.T) {
	workers := []int{1, 2, 3, 4, 6, 8}
	for _, p := range []float64{0, 0.5, 0.9, 1} {
		speedups := make([]float64, len(workers))
		for i, n := range workers {
			speedups[i] = Amdahl(p, n)
		}
		if got := FitAmdahl(workers, speedups); math.Abs(got-p) > 1e-9 {
			t.Errorf("fit of exact Amdahl(p=%v) data = %v", p, got)
		}
	}
	if got := Amdahl(0.5, 2); math.Abs(got-4.0/3) > 1e-12 {
		t.Errorf("Amdahl(0.5, 2) = %v, want 4/3", got)
	}
}

func TestMeasureAndCompare(t *testing.T) {
	calls := 0
	s := Measure("x", 5, func() { calls++ })
	if calls != 5 || s.Runs != 5 || s.Min > s.Median || s.Median > s.Max {
		t.Errorf("stats %+v after %d calls", s, calls)
	}
	c := Compare(3, Variant{"fast", func() {}}, Variant{"slow", func() { time.Sleep(2 * time.Millisecond) }})
	if c.Fastest().Name != "fast" {
		t.Errorf("fastest %q", c.Fastest().Name)
	}
	if !strings.Contains(c.Chart().SVG(), "<svg") || !strings.Contains(c.String(), "slow") {
		t.Error("comparison output incomplete")
	}
	sc := Speedup(2, 1, func(n int) {})
	if len(sc.Workers) != 2 || len(sc.Speedups()) != 2 {
		t.Errorf("scaling %+v", sc)
	}
}

func TestSummarizeMedian(t *testing.T) {
	tests := []struct {
		times  []time.Duration
		median time.Duration
	}{
		{[]time.Duration{3, 1, 2}, 2},
		{[]time.Duration{4, 1, 3, 2}, 2},
		{[]time.Duration{7}, 7},
	}
	for _, tt := range tests {
		if got := summarize("", tt.times).Median; got != tt.median {
			t.Errorf("median of %v = %v, want %v", tt.times, got, tt.median)
		}
	}
}

// TestSpeedupMeasuresLongEnough: work of about 2 ms asked for
// once is run until each worker count has been measured for 300 ms, on an
// idle machine or a busy one (the time is summed, not the runs counted).
func TestSpeedupMeasuresLongEnough(t *testing.T) {
	spent := map[int]time.Duration{}
	Speedup(2, 1, func(n int) {
		start := time.Now()
		time.Sleep(2 * time.Millisecond) // 150 runs or fewer: within maxRepeat
		spent[n] += time.Since(start)
	})
	for n := 1; n <= 2; n++ {
		// The loop stops once its own clock passed 300 ms; the work's clock
		// misses only the loop's few microseconds a run.
		if spent[n] < 290*time.Millisecond {
			t.Errorf("%d workers: the work ran %v in all, want 300 ms", n, spent[n])
		}
	}
}

// TestSpeedupSaysWhenItIsNoise: figures that cannot be right are called
// noise instead of fitted.
func TestSpeedupSaysWhenItIsNoise(t *testing.T) {
	cases := []struct {
		name  string
		s     Scaling
		noise string // "" when the figures are fine
	}{
		{"plausible", Scaling{Workers: []int{1, 2}, Times: []time.Duration{100 * time.Millisecond, 55 * time.Millisecond}, Spreads: []float64{0.1, 0.2}}, ""},
		{"faster than the workers", Scaling{Workers: []int{1, 2}, Times: []time.Duration{14 * time.Millisecond, 3 * time.Millisecond}, Spreads: []float64{0.1, 0.1}}, "more than the number of workers"},
		{"runs all over the place", Scaling{Workers: []int{1, 2}, Times: []time.Duration{10 * time.Millisecond, 6 * time.Millisecond}, Spreads: []float64{0.2, 0.9}}, "differ by 90%"},
		{"too short", Scaling{Workers: []int{1, 2}, Times: []time.Duration{200 * time.Microsecond, 150 * time.Microsecond}, Spreads: []float64{0, 0}}, "takes 200µs"},
	}
	for _, c := range cases {
		text := c.s.String()
		switch {
		case c.noise == "" && (c.s.Noise() != "" || !strings.Contains(text, "Amdahl fit")):
			t.Errorf("%s: called noise: %s", c.name, text)
		case c.noise != "" && (!strings.Contains(c.s.Noise(), c.noise) || !strings.Contains(text, "noise") || strings.Contains(text, "Amdahl fit")):
			t.Errorf("%s: want noise mentioning %q, got %q:\n%s", c.name, c.noise, c.s.Noise(), text)
		}
	}
}

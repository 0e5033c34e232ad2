package timing_test

import (
	"fmt"
	"time"

	"github.com/golab-notebooks/golab/runtime/timeline"
	"github.com/golab-notebooks/golab/runtime/timing"
)

// Three downloads of 1, 2 and 3 seconds, at once, on the virtual clock:
// no real time passes, and the answer is the same on every run.
func ExampleVirtualClock() {
	clock := timing.NewVirtualClock()
	rec := timeline.NewWithClock(clock.Now)
	for i := 1; i <= 3; i++ {
		clock.Go(func() {
			rec.Name(fmt.Sprint("download ", i))
			rec.Do("get", func() { clock.Sleep(time.Duration(i) * time.Second) })
		})
	}
	fmt.Println("all done after", clock.Wait())
	fmt.Println("busy:", rec.Busy()["download 3"])
	// Output:
	// all done after 3s
	// busy: 3s
}

// Amdahl's law: with 90% of the work parallel, 8 goroutines give about ×4.7,
// and no number of them more than ×10.
func ExampleAmdahl() {
	fmt.Printf("%.1f %.1f\n", timing.Amdahl(0.9, 8), timing.Amdahl(0.9, 1_000_000))
	// Output: 4.7 10.0
}

func ExampleMeasure() {
	s := timing.Measure("sum", 5, func() {
		total := 0
		for i := 0; i < 1000; i++ {
			total += i
		}
	})
	fmt.Println(s.Runs, s.Min <= s.Median, s.Median <= s.Max)
	// Output: 5 true true
}

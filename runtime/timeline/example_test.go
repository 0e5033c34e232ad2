package timeline_test

import (
	"fmt"
	"time"

	"github.com/golab-notebooks/golab/runtime/timeline"
)

// A recorder with a clock that only moves when told, to show the text
// form; in a notebook, rec.Show() draws the chart.
func ExampleRecorder() {
	now := time.Unix(0, 0)
	rec := timeline.NewWithClock(func() time.Time { return now })
	rec.Name("main")
	rec.Do("load", func() { now = now.Add(20 * time.Millisecond) })
	end := rec.BeginWait("lock")
	now = now.Add(5 * time.Millisecond)
	end()
	fmt.Print(rec)
	// Output:
	// main       work       0s – 20ms     load
	// main       wait     20ms – 25ms     lock
}

package worker

import (
	"fmt"
	"testing"

	"github.com/golab-notebooks/golab/runtime/chart"
	"github.com/golab-notebooks/golab/runtime/race"
	"github.com/golab-notebooks/golab/runtime/timeline"
)

// BenchmarkHelpersFromCells measures what a helper call costs when a cell
// makes it through the interpreter, next to the same call from compiled
// Go: the interpreted/… and compiled/… pairs give the overhead.
func BenchmarkHelpersFromCells(b *testing.B) {
	rec := timeline.New()
	model := race.CounterModel(2, false)
	cases := []struct {
		name     string
		setup    string // run once in the cell session
		call     string // the call, as a cell writes it
		compiled func()
	}{
		{"timeline.Do", `import "golab/timeline"
rec := timeline.New()`, `rec.Do("x", func() {})`, func() { rec.Do("x", func() {}) }},
		{"race.Explore(counter)", `import "golab/race"
model := race.CounterModel(2, false)`, `model.Explore()`, func() { model.Explore() }},
		{"chart.Bars.SVG", `import "golab/chart"`, `chart.Bars("t", []string{"a", "b"}, []float64{1, 2}).SVG()`,
			func() { chart.Bars("t", []string{"a", "b"}, []float64{1, 2}).SVG() }},
	}
	for _, c := range cases {
		b.Run("compiled/"+c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.compiled()
			}
		})
		b.Run("interpreted/"+c.name, func(b *testing.B) {
			w := benchWorker(b, c.setup)
			loop := fmt.Sprintf("for i := 0; i < %d; i++ {\n\t%s\n}", b.N, c.call)
			b.ResetTimer()
			if _, e := w.run(loop); e != nil {
				b.Fatalf("cell: %v", e.Value)
			}
		})
	}
}

// benchWorker makes a worker for a benchmark and runs setup in it.
func benchWorker(b *testing.B, setup string) *Worker {
	b.Helper()
	w, err := New("benchtoken", discard{})
	if err != nil {
		b.Fatal(err)
	}
	w.frames.dst = discard{}
	if _, e := w.run(setup); e != nil {
		b.Fatalf("setup: %v", e.Value)
	}
	return w
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

package chart_test

import (
	"fmt"
	"strings"

	"github.com/golab-notebooks/golab/runtime/chart"
)

// In a notebook, Show draws the chart; its text form is for front ends
// that cannot show SVG.
func ExampleBars() {
	c := chart.Bars("Final value of the counter", []string{"1", "2"}, []float64{37, 63})
	fmt.Print(c)
	fmt.Println(strings.HasPrefix(c.SVG(), "<?xml") || strings.HasPrefix(c.SVG(), "<svg"))
	// Output:
	// Final value of the counter
	//   1: 37
	//   2: 63
	// true
}

func ExampleLines() {
	c := chart.Lines("Speedup", "goroutines", "speedup",
		chart.Series{Name: "ideal", X: []float64{1, 2, 4}, Y: []float64{1, 2, 4}})
	fmt.Print(c)
	// Output:
	// Speedup
	//   ideal: [1 2 4]
}

package display_test

import "github.com/golab-notebooks/golab/runtime/display"

// Outside a notebook, display functions print their plain-text form, so
// lesson code runs unchanged as a compiled program.
func Example() {
	display.Markdown("# Results")
	display.HTML("<b>done</b>")
	progress := display.New("0%")
	progress.Update("100%")
	// Output:
	// # Results
	// [HTML]
	// 0%
	// 100%
}

func ExampleTable() {
	display.Table([]string{"goroutines", "time"}, [][]string{{"1", "40ms"}, {"4", "11ms"}})
	// Output:
	// goroutines  time
	// 1           40ms
	// 4           11ms
}

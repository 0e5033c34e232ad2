// Package outlet is the one-way door from the helper packages that cells
// import (runtime/...) to the golab worker that runs them: a helper hands
// rich output (HTML, SVG, a display update) to Publish, and the worker, when
// it is running, forwards it to the notebook.
//
// It is internal so that cells cannot replace the door themselves.
package outlet

import "sync"

// Output is one rich output a helper asks the notebook to show.
type Output struct {
	// Kind is "display" (a new output), "update" (replace the output with
	// the same DisplayID) or "clear" (clear the cell's outputs).
	Kind      string
	Data      map[string]any // MIME type → content
	Metadata  map[string]any
	DisplayID string
	Wait      bool // for "clear": clear when the next output arrives
}

var (
	mu     sync.Mutex
	target func(Output)
)

// SetTarget installs the function that delivers outputs to the notebook.
// The worker calls it once at start; nil restores the stand-alone behaviour.
func SetTarget(f func(Output)) {
	mu.Lock()
	defer mu.Unlock()
	target = f
}

// Publish delivers o to the notebook and reports true, or reports false when
// no notebook is attached (the helper is used from a compiled program).
func Publish(o Output) bool {
	mu.Lock()
	f := target
	mu.Unlock()
	if f == nil {
		return false
	}
	f(o)
	return true
}

// Package replay connects golab/race, which cells import, to the worker's
// replayable runs (kernel/interp/noise): in a golab worker, Run runs a
// function with its goroutines taking turns that a seed decides, and
// Seeds hands out the seeds of such runs; in a compiled program both are
// nil, and golab/race runs functions as they are.
package replay

var (
	// Run runs f with its goroutines taking turns decided by seed, and
	// reports whether the seed alone decided them (running it again with
	// the seed then gives the same schedule).
	Run func(seed uint64, f func()) (exact bool)
	// Seeds reserves n consecutive seeds for runs and returns the first;
	// on is false while golab's scheduling noise is off.
	Seeds func(n int) (first uint64, on bool)
	// Point is a place where a busy machine could switch goroutines (the
	// helpers' operations on shared structures): in a run, the turn may
	// pass there.
	Point func()
)

// AtPoint calls Point, if set.
func AtPoint() {
	if Point != nil {
		Point()
	}
}

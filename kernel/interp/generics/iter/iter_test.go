package iter_test

import (
	stditer "iter"
	"testing"

	"github.com/golab-notebooks/golab/kernel/interp/generics/iter"
)

// The types are the standard library's: a function of one converts to the
// other, and ranges the same.
func TestSameAsTheStandardLibrary(t *testing.T) {
	var count iter.Seq[int] = func(yield func(int) bool) {
		for i := 0; i < 3; i++ {
			if !yield(i) {
				return
			}
		}
	}
	std := stditer.Seq[int](count)
	sum := 0
	for v := range std {
		sum += v
	}
	pairs := iter.Seq2[string, int](func(yield func(string, int) bool) { yield("a", 1) })
	for k, v := range stditer.Seq2[string, int](pairs) {
		sum += len(k) + v
	}
	if sum != 5 {
		t.Errorf("sum %d, want 5", sum)
	}
}

package race

import (
	"fmt"

	"github.com/golab-notebooks/golab/runtime/safe"
)

// Switch forces the unlucky interleaving on demand: each of n goroutines
// calls Here between reading a shared variable and writing it back, and
// Here lets none of them go on until all n have arrived. So every
// goroutine has read the old value before any writes, and all but one
// update is lost — every time, not once in a thousand runs. It is the Go
// version of the lecture's sleep between the read and the write.
//
// A Switch is reusable: the k-th calls of Here of all goroutines meet. (It
// is a barrier, safe.Barrier, used for harm.)
type Switch struct {
	barrier *safe.Barrier
}

// NewSwitch returns a switch for n goroutines.
func NewSwitch(n int) *Switch {
	if n < 1 {
		panic(fmt.Sprintf("race.NewSwitch(%d): need at least one goroutine", n))
	}
	return &Switch{barrier: safe.NewBarrier(n)}
}

// Here waits until all n goroutines have called Here (this round).
func (s *Switch) Here() { s.barrier.Wait() }

// golab:expect exact
// Batches are processed by goroutines; clear empties the reused slice and map between batches.
package main

import (
	"fmt"
	"sync"
)

func main() {
	batches := [][]int{{4, 9, 1}, {7, 3}, {12, 5, 8, 2}}
	buf := make([]int, 0, 8)
	seen := map[int]bool{}

	for i, batch := range batches {
		buf = append(buf, batch...)
		doubled := make([]int, len(buf))
		var wg sync.WaitGroup
		for j, v := range buf {
			wg.Add(1)
			go func() {
				defer wg.Done()
				doubled[j] = v * 2
			}()
		}
		wg.Wait()

		lo, hi := doubled[0], doubled[0]
		for _, d := range doubled {
			lo, hi = min(lo, d), max(hi, d)
			seen[d] = true
		}
		fmt.Printf("batch %d: doubled=%v min=%d max=%d distinct=%d\n", i, doubled, lo, hi, len(seen))

		clear(seen)
		clear(buf) // zero the elements...
		fmt.Println("  after clear:", buf, len(seen))
		buf = buf[:0] // ...and reuse the backing array
	}
	fmt.Println("capacity kept:", cap(buf))
}

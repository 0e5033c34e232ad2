// golab:expect exact
// Goroutines write into a pre-sized results slice by index.
package main

import (
	"fmt"
	"sync"
)

func main() {
	inputs := []int{5, 3, 8, 1}
	out := make([]int, len(inputs))
	var wg sync.WaitGroup
	for i, n := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := 1
			for k := 2; k <= n; k++ {
				f *= k
			}
			out[i] = f
		}()
	}
	wg.Wait()
	fmt.Println(out)
}

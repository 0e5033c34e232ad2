// golab:expect sorted
// Workers announce start and finish; the lines interleave.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	for id := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Printf("worker %d starting\n", id)
			fmt.Printf("worker %d done\n", id)
		}()
	}
	wg.Wait()
}

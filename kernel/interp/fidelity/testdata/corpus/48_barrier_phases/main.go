// golab:expect exact
// A barrier built from a WaitGroup per phase.
package main

import (
	"fmt"
	"sync"
)

func main() {
	const workers = 3
	var mu sync.Mutex
	log := []string{}
	for phase := 1; phase <= 2; phase++ {
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mu.Lock()
				log = append(log, fmt.Sprint("p", phase))
				mu.Unlock()
			}()
		}
		wg.Wait()
		fmt.Println("phase", phase, "done with", len(log), "entries")
	}
}

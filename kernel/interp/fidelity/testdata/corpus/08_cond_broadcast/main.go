// golab:expect exact
// Goroutines wait on a Cond until a broadcast opens the gate.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	open := false
	waiting := 0
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			waiting++
			for !open {
				cond.Wait()
			}
			mu.Unlock()
		}()
	}
	for {
		mu.Lock()
		if waiting == 3 {
			open = true
			cond.Broadcast()
			mu.Unlock()
			break
		}
		mu.Unlock()
	}
	wg.Wait()
	fmt.Println("all", waiting, "passed the gate")
}

// golab:expect sorted
// Philosophers take forks in a global order, so nobody deadlocks.
package main

import (
	"fmt"
	"sync"
)

func main() {
	forks := make([]sync.Mutex, 5)
	var wg sync.WaitGroup
	for p := 0; p < 5; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			left, right := p, (p+1)%5
			if left > right {
				left, right = right, left
			}
			for meal := 0; meal < 3; meal++ {
				forks[left].Lock()
				forks[right].Lock()
				forks[right].Unlock()
				forks[left].Unlock()
			}
			fmt.Println("philosopher", p, "ate 3 meals")
		}()
	}
	wg.Wait()
}

// golab:expect exact
// One producer, two consumers, a done channel.
package main

import (
	"fmt"
	"sync"
)

func main() {
	items := make(chan int, 4)
	var wg sync.WaitGroup
	var mu sync.Mutex
	consumed := 0
	for c := 0; c < 2; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range items {
				mu.Lock()
				consumed += it
				mu.Unlock()
			}
		}()
	}
	for i := 1; i <= 10; i++ {
		items <- i
	}
	close(items)
	wg.Wait()
	fmt.Println("consumed total", consumed)
}

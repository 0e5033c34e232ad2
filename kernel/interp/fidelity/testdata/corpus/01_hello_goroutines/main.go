// golab:expect sorted
// Several goroutines say hello; the order is up to the scheduler.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	for i := 1; i <= 4; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			fmt.Println("hello from goroutine", id)
		}(i)
	}
	wg.Wait()
}

// golab:expect exact
// Closing a done channel tells all workers to stop.
package main

import (
	"fmt"
	"sync"
)

func main() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	stopped := make(chan int, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-done
			stopped <- i
		}()
	}
	close(done)
	wg.Wait()
	close(stopped)
	n := 0
	for range stopped {
		n++
	}
	fmt.Println(n, "workers stopped")
}

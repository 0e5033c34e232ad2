// golab:expect exact
// A queue guarded by a Cond: Signal wakes one consumer per item.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var mu sync.Mutex
	notEmpty := sync.NewCond(&mu)
	var queue []int
	sum := 0
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for got := 0; got < 5; got++ {
			mu.Lock()
			for len(queue) == 0 {
				notEmpty.Wait()
			}
			sum += queue[0]
			queue = queue[1:]
			mu.Unlock()
		}
	}()
	for i := 1; i <= 5; i++ {
		mu.Lock()
		queue = append(queue, i)
		notEmpty.Signal()
		mu.Unlock()
	}
	wg.Wait()
	fmt.Println("sum:", sum)
}

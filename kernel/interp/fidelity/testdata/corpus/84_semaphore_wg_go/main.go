// golab:expect exact
// A buffered-channel semaphore limits wg.Go tasks to three at a time.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	const limit = 3
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	var running, peak, done atomic.Int64

	for range 9 {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()

			now := running.Add(1)
			for {
				old := peak.Load()
				if now <= old || peak.CompareAndSwap(old, now) {
					break
				}
			}
			time.Sleep(3 * time.Millisecond)
			running.Add(-1)
			done.Add(1)
		})
	}
	wg.Wait()
	fmt.Println("tasks done:", done.Load())
	fmt.Println("never more than", limit, "at once:", peak.Load() <= limit)
	fmt.Println("still running:", running.Load())
}

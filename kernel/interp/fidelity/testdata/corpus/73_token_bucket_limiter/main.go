// golab:expect exact
// A token bucket: a buffered channel filled up front for bursts, refilled by a ticker.
package main

import (
	"fmt"
	"time"
)

func main() {
	tokens := make(chan struct{}, 3)
	for range cap(tokens) {
		tokens <- struct{}{}
	}

	refill := time.NewTicker(4 * time.Millisecond)
	defer refill.Stop()
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-refill.C:
				select {
				case tokens <- struct{}{}:
				default: // bucket already full
				}
			case <-stop:
				return
			}
		}
	}()

	start := time.Now()
	for req := 1; req <= 6; req++ {
		<-tokens
		fmt.Println("handled request", req)
	}
	close(stop)
	fmt.Println("had to wait for refills:", time.Since(start) >= 8*time.Millisecond)
}

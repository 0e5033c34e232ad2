// golab:expect exact
// time.AfterFunc runs a callback in its own goroutine; a stopped one never runs.
package main

import (
	"fmt"
	"sync/atomic"
	"time"
)

func main() {
	var fired atomic.Int32
	done := make(chan string, 1)

	time.AfterFunc(5*time.Millisecond, func() {
		fired.Add(1)
		done <- "reminder fired"
	})
	cancelled := time.AfterFunc(time.Hour, func() {
		fired.Add(100)
	})
	fmt.Println("stopped the second timer in time:", cancelled.Stop())

	fmt.Println(<-done)
	time.Sleep(10 * time.Millisecond)
	fmt.Println("callbacks run:", fired.Load())
	fmt.Println("stopping again reports:", cancelled.Stop())
}

// golab:expect exact
// A worker sends heartbeats on a ticker until told to stop.
package main

import (
	"fmt"
	"time"
)

func main() {
	stop := make(chan struct{})
	beats := make(chan int)
	go func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		n := 0
		for {
			select {
			case <-t.C:
				n++
				if n <= 3 {
					beats <- n
				}
			case <-stop:
				close(beats)
				return
			}
		}
	}()
	for i := 0; i < 3; i++ {
		fmt.Println("beat", <-beats)
	}
	close(stop)
	_, open := <-beats
	fmt.Println("open:", open)
}

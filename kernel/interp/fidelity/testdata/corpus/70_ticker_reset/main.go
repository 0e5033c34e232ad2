// golab:expect exact
// A ticker is slowed down with Reset and finally stopped.
package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.NewTicker(2 * time.Millisecond)
	fast := 0
	for range 3 {
		<-t.C
		fast++
	}
	fmt.Println("fast ticks:", fast)

	t.Reset(10 * time.Millisecond)
	start := time.Now()
	slow := 0
	for range 2 {
		<-t.C
		slow++
	}
	t.Stop()
	fmt.Println("slow ticks:", slow)
	fmt.Println("slow phase took at least 10ms:", time.Since(start) >= 10*time.Millisecond)

	select {
	case <-t.C:
		fmt.Println("tick after Stop")
	case <-time.After(25 * time.Millisecond):
		fmt.Println("no ticks after Stop")
	}
}

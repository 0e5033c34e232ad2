// golab:expect exact
// select with time.After gives up on a slow sender.
package main

import (
	"fmt"
	"time"
)

func main() {
	slow := make(chan string)
	go func() { time.Sleep(50 * time.Millisecond); slow <- "late" }()
	select {
	case v := <-slow:
		fmt.Println(v)
	case <-time.After(10 * time.Millisecond):
		fmt.Println("timeout")
	}
	fmt.Println(<-slow)
}

// golab:expect exact
// A labeled break directly in a select case leaves the loop.
package main

import (
	"fmt"
	"time"
)

func main() {
	ch := make(chan int)
	go func() {
		for i := 1; i <= 3; i++ {
			ch <- i
		}
	}()
	timeout := time.After(100 * time.Millisecond)
	sum := 0
loop:
	for {
		select {
		case v := <-ch:
			sum += v
		case <-timeout:
			break loop
		}
	}
	fmt.Println("sum", sum)
}

// golab:expect exact
// Sleep sort of three small numbers (timing makes the order).
package main

import (
	"fmt"
	"time"
)

func main() {
	out := make(chan int)
	for _, n := range []int{30, 10, 20} {
		go func() {
			time.Sleep(time.Duration(n) * time.Millisecond)
			out <- n
		}()
	}
	fmt.Println(<-out, <-out, <-out)
}

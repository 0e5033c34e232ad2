// golab:expect exact
// Stop looping when the channel is closed, from inside select.
package main

import (
	"fmt"
)

func consume(ch chan int) int {
	n := 0
loop:
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				break loop
			}
			n += v
		}
	}
	return n
}
func main() {
	ch := make(chan int)
	go func() {
		for i := 0; i < 4; i++ {
			ch <- i
		}
		close(ch)
	}()
	fmt.Println(consume(ch))
}

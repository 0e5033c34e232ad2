// golab:expect exact
// A select that both sends and receives.
package main

import (
	"fmt"
)

func main() {
	in := make(chan int)
	out := make(chan int, 10)
	go func() {
		for i := 0; i < 3; i++ {
			in <- i
		}
		close(in)
	}()
	pending := []int{}
	for in != nil {
		select {
		case v, ok := <-in:
			if !ok {
				in = nil
				break
			}
			pending = append(pending, v*100)
		}
	}
	for _, p := range pending {
		select {
		case out <- p:
		default:
		}
	}
	close(out)
	for v := range out {
		fmt.Println(v)
	}
}

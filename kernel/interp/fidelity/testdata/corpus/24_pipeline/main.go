// golab:expect exact
// generator -> square -> sum, one goroutine per stage.
package main

import (
	"fmt"
)

func gen(nums ...int) <-chan int {
	out := make(chan int)
	go func() {
		for _, n := range nums {
			out <- n
		}
		close(out)
	}()
	return out
}
func sq(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		for n := range in {
			out <- n * n
		}
		close(out)
	}()
	return out
}
func main() {
	total := 0
	for v := range sq(sq(gen(1, 2, 3))) {
		total += v
	}
	fmt.Println(total)
}

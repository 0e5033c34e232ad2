// golab:expect exact
// A generic function that sums what a channel carries.
package main

import (
	"fmt"
)

type Number interface{ ~int | ~float64 }

func Sum[T Number](ch <-chan T) T {
	var s T
	for v := range ch {
		s += v
	}
	return s
}
func main() {
	ch := make(chan float64, 3)
	ch <- 1.5
	ch <- 2
	ch <- 0.5
	close(ch)
	fmt.Println(Sum(ch))
}

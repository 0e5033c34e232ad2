// golab:expect exact
// A function that returns the value it receives.
package main

import (
	"fmt"
)

func next(ch chan int) int {
	return <-ch
}
func main() {
	ch := make(chan int, 3)
	for i := 10; i < 13; i++ {
		ch <- i
	}
	fmt.Println(next(ch), next(ch), next(ch))
}

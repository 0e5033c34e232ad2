// golab:expect exact
// Send-only and receive-only channel types document who does what.
package main

import (
	"fmt"
)

func produce(out chan<- int) {
	for i := 0; i < 3; i++ {
		out <- i * 2
	}
	close(out)
}
func consume(in <-chan int) int {
	t := 0
	for v := range in {
		t += v
	}
	return t
}
func main() {
	ch := make(chan int)
	go produce(ch)
	fmt.Println(consume(ch))
}

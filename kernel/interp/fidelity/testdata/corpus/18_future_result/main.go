// golab:expect exact
// A future: start work, get the answer later from a channel.
package main

import (
	"fmt"
)

func square(n int) <-chan int {
	out := make(chan int, 1)
	go func() { out <- n * n }()
	return out
}
func main() {
	a, b := square(3), square(4)
	fmt.Println(<-a + <-b)
}

// golab:expect exact
// A generator goroutine yields fibonacci numbers.
package main

import (
	"fmt"
)

func fib(n int) <-chan int {
	out := make(chan int)
	go func() {
		a, b := 0, 1
		for range n {
			out <- a
			a, b = b, a+b
		}
		close(out)
	}()
	return out
}
func main() {
	for v := range fib(10) {
		fmt.Print(v, " ")
	}
	fmt.Println()
}

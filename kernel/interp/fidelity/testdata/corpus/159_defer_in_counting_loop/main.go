// golab:expect exact
// defer inside a three-clause for loop: each deferred call keeps that iteration's value, and arguments are evaluated at the defer.
package main

import "fmt"

func countdown(n int) {
	fmt.Println("counting")
	for i := 0; i < n; i++ {
		defer fmt.Println(i, i*10)
	}
	fmt.Println("done")
}

func late() {
	x := 1
	defer fmt.Println("deferred with", x, x*10)
	x = 2
	fmt.Println("x is now", x)
}

func main() {
	countdown(4)
	late()
	for i := 0; i < 3; i++ {
		func() {
			defer fmt.Println("inner", i)
		}()
	}
}

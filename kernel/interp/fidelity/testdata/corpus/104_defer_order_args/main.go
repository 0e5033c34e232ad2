// golab:expect exact
// Deferred calls run last in, first out, with arguments evaluated at the defer.
package main

import "fmt"

func trace(name string) func() {
	fmt.Println("enter", name)
	return func() { fmt.Println("leave", name) }
}

func work() (result int) {
	defer trace("work")()
	defer func() { result *= 2 }()
	for i := range 3 {
		defer fmt.Println("deferred", i)
	}
	return 21
}

func main() {
	fmt.Println("result", work())
}

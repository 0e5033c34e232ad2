// golab:expect exact
// Counting completions on a channel instead of a WaitGroup.
package main

import (
	"fmt"
)

func main() {
	done := make(chan bool)
	for i := 0; i < 5; i++ {
		go func() { done <- i%2 == 0 }()
	}
	evens := 0
	for i := 0; i < 5; i++ {
		if <-done {
			evens++
		}
	}
	fmt.Println("even ids:", evens)
}

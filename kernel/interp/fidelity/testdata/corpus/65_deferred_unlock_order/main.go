// golab:expect exact
// Defers run last-in first-out, even in goroutines.
package main

import (
	"fmt"
)

func main() {
	out := make(chan string, 3)
	done := make(chan bool)
	go func() {
		defer func() { done <- true }()
		defer func() { out <- "first deferred, runs last" }()
		defer func() { out <- "second deferred, runs first" }()
	}()
	<-done
	close(out)
	for s := range out {
		fmt.Println(s)
	}
}

// golab:expect exact
// A type switch in a goroutine classifies messages.
package main

import (
	"fmt"
)

func main() {
	msgs := make(chan any)
	kinds := make(chan string)
	go func() {
		for m := range msgs {
			switch v := m.(type) {
			case int:
				kinds <- fmt.Sprint("int ", v)
			case string:
				kinds <- "string " + v
			default:
				kinds <- "other"
			}
		}
		close(kinds)
	}()
	go func() {
		msgs <- 1
		msgs <- "two"
		msgs <- 3.0
		close(msgs)
	}()
	for k := range kinds {
		fmt.Println(k)
	}
}

// golab:expect exact
// A buffered channel holds values until they are received.
package main

import (
	"fmt"
)

func main() {
	ch := make(chan string, 3)
	ch <- "a"
	ch <- "b"
	ch <- "c"
	fmt.Println(len(ch), cap(ch))
	close(ch)
	for s := range ch {
		fmt.Println(s)
	}
}

// golab:expect exact
// v, ok := <-ch tells a value from a closed channel.
package main

import (
	"fmt"
)

func main() {
	ch := make(chan int, 2)
	ch <- 7
	close(ch)
	v, ok := <-ch
	fmt.Println(v, ok)
	v, ok = <-ch
	fmt.Println(v, ok)
}

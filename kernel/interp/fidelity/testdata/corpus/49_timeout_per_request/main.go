// golab:expect exact
// Each request gets its own deadline; fast ones succeed.
package main

import (
	"fmt"
	"time"
)

func fetch(d time.Duration) string {
	res := make(chan string, 1)
	go func() { time.Sleep(d); res <- "ok" }()
	select {
	case r := <-res:
		return r
	case <-time.After(20 * time.Millisecond):
		return "timed out"
	}
}
func main() {
	fmt.Println(fetch(1 * time.Millisecond))
	fmt.Println(fetch(60 * time.Millisecond))
}

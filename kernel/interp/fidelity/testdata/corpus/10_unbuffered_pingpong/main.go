// golab:expect exact
// Two goroutines hand a ball back and forth over unbuffered channels.
package main

import (
	"fmt"
)

func main() {
	ping, pong := make(chan int), make(chan int)
	done := make(chan bool)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		done <- true
	}()
	v := 0
	for i := 0; i < 5; i++ {
		ping <- v
		v = <-pong
		fmt.Println("hit", v)
	}
	close(ping)
	<-done
}

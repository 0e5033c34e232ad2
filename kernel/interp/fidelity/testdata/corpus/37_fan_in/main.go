// golab:expect exact
// Merge two channels into one.
package main

import (
	"fmt"
	"sort"
	"sync"
)

func merge(cs ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range c {
				out <- v
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	return out
}
func count(from, to int) <-chan int {
	c := make(chan int)
	go func() {
		for i := from; i < to; i++ {
			c <- i
		}
		close(c)
	}()
	return c
}
func main() {
	var all []int
	for v := range merge(count(0, 3), count(10, 13)) {
		all = append(all, v)
	}
	sort.Ints(all)
	fmt.Println(all)
}

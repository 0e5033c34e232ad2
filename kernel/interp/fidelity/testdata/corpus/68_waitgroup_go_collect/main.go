// golab:expect exact
// wg.Go launches workers that append squares under a mutex; results are sorted before printing.
package main

import (
	"fmt"
	"sort"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var squares []int
	for n := range 8 {
		wg.Go(func() {
			mu.Lock()
			defer mu.Unlock()
			squares = append(squares, n*n)
		})
	}
	wg.Wait()
	sort.Ints(squares)
	fmt.Println("squares:", squares)
	fmt.Println("count:", len(squares))
}

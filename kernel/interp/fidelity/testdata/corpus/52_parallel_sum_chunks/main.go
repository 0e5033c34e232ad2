// golab:expect exact
// Sum a slice in four chunks, one goroutine each.
package main

import (
	"fmt"
	"sync"
)

func main() {
	data := make([]int, 1000)
	for i := range data {
		data[i] = i
	}
	parts := make([]int, 4)
	var wg sync.WaitGroup
	chunk := len(data) / 4
	for p := 0; p < 4; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, v := range data[p*chunk : (p+1)*chunk] {
				parts[p] += v
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, s := range parts {
		total += s
	}
	fmt.Println(parts, total)
}

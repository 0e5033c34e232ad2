// golab:expect exact
// A generic Map that runs f in one goroutine per element.
package main

import (
	"fmt"
	"strings"
	"sync"
)

func ParallelMap[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	var wg sync.WaitGroup
	for i, v := range in {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = f(v)
		}()
	}
	wg.Wait()
	return out
}
func main() {
	words := []string{"go", "chan", "select"}
	fmt.Println(ParallelMap[string, string](words, strings.ToUpper))
	fmt.Println(ParallelMap[int, int]([]int{1, 2, 3}, func(n int) int { return n * 10 }))
}

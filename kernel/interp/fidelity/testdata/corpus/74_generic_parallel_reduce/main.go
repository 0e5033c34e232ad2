// golab:expect exact
// A generic reduce that folds each chunk in its own goroutine, then combines the parts.
package main

import (
	"fmt"
	"strings"
	"sync"
)

func ParallelReduce[T, A any](chunks [][]T, zero A, step func(A, T) A, merge func(A, A) A) A {
	parts := make([]A, len(chunks))
	var wg sync.WaitGroup
	for i, chunk := range chunks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acc := zero
			for _, v := range chunk {
				acc = step(acc, v)
			}
			parts[i] = acc
		}()
	}
	wg.Wait()
	result := zero
	for _, p := range parts {
		result = merge(result, p)
	}
	return result
}

func main() {
	nums := [][]int{{1, 2, 3}, {4, 5}, {6, 7, 8, 9}, {10}}
	add := func(a, b int) int { return a + b }
	fmt.Println("sum:", ParallelReduce(nums, 0, add, add))

	words := [][]string{{"go", "is"}, {"small"}, {"and", "fast"}}
	longest := func(best, w string) string {
		if len(w) > len(best) {
			return w
		}
		return best
	}
	fmt.Println("longest:", ParallelReduce(words, "", longest, longest))

	count := ParallelReduce(words, 0,
		func(n int, w string) int { return n + strings.Count(w, "a") },
		add)
	fmt.Println("letter a appears", count, "times")
}

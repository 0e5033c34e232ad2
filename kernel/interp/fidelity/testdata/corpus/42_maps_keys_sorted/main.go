// golab:expect exact
// Counting words concurrently, then sorted keys with maps and slices.
package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

func main() {
	text := []string{"go is fun", "go is fast", "fun is good"}
	counts := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, line := range text {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, w := range strings.Fields(line) {
				mu.Lock()
				counts[w]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		fmt.Println(k, counts[k])
	}
}

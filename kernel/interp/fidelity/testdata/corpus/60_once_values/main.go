// golab:expect exact
// sync.OnceValue computes a value once and shares it.
package main

import (
	"fmt"
	"sync"
)

func main() {
	calls := 0
	config := sync.OnceValue(func() string { calls++; return "loaded" })
	var wg sync.WaitGroup
	results := make([]string, 4)
	for i := range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = config() }()
	}
	wg.Wait()
	fmt.Println(results, calls)
}

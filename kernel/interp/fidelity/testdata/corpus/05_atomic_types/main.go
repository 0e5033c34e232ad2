// golab:expect exact
// Typed atomics: Int64, Bool and Value.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	var hits atomic.Int64
	var ready atomic.Bool
	var cfg atomic.Value
	cfg.Store("v1")
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); hits.Add(2) }()
	}
	wg.Wait()
	ready.Store(true)
	cfg.Store("v2")
	fmt.Println(hits.Load(), ready.Load(), cfg.Load().(string))
	fmt.Println(hits.CompareAndSwap(6, 10), hits.Load())
}

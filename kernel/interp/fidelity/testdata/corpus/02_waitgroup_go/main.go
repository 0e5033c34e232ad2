// golab:expect exact
// WaitGroup.Go starts and counts goroutines (Go 1.25).
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	var wg sync.WaitGroup
	var total atomic.Int64
	for i := range 10 {
		wg.Go(func() { total.Add(int64(i)) })
	}
	wg.Wait()
	fmt.Println("total:", total.Load())
}

// golab:expect exact
// Closures with unnamed or blank parameters, called from goroutines.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	calls := 0
	tick := func(int) { mu.Lock(); calls++; mu.Unlock(); wg.Done() }
	named := func(_ int, label string) { mu.Lock(); calls += len(label); mu.Unlock(); wg.Done() }
	wg.Add(3)
	go tick(1)
	go tick(2)
	go named(0, "abc")
	wg.Wait()
	fmt.Println("calls:", calls)
}

// golab:expect exact
// A struct literal assigned to a variable that already exists: pointers
// taken before see the new value, and a goroutine's assignment to the
// caller's variable is kept. The interpreter replaced the variable's
// storage (the pointer kept the old value) and lost the goroutine's
// assignment.
package main

import (
	"fmt"
	"sync"
)

type Stats struct {
	Count int
	Max   int
}

type Config struct{ Workers int }

func main() {
	var stats Stats
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		stats = Stats{Count: 3, Max: 9}
	}()
	wg.Wait()
	fmt.Println("stats:", stats)

	cfg := Config{Workers: 1}
	shared := &cfg
	cfg = Config{Workers: 4}
	fmt.Println("through the pointer:", shared.Workers)

	var a, b Stats
	func() { a, b = Stats{1, 1}, Stats{2, 2} }()
	fmt.Println("both:", a, b)

	reset := func() { stats = Stats{} }
	reset()
	fmt.Println("reset:", stats)
}

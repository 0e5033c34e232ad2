// golab:expect exact
// Readers load a config from an atomic.Value while a writer swaps in new versions.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type Config struct {
	Version int
	Name    string
}

func main() {
	var current atomic.Value
	current.Store(Config{Version: 1, Name: "initial"})

	var wg sync.WaitGroup
	var sawBad atomic.Bool
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				c := current.Load().(Config)
				if c.Version < 1 || c.Version > 5 {
					sawBad.Store(true)
				}
			}
		}()
	}
	for v := 2; v <= 5; v++ {
		current.Store(Config{Version: v, Name: fmt.Sprintf("release-%d", v)})
	}
	wg.Wait()

	final := current.Load().(Config)
	fmt.Printf("final config: %+v\n", final)
	fmt.Println("any reader saw a bad version:", sawBad.Load())
}

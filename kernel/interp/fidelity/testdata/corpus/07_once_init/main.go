// golab:expect exact
// sync.Once runs the initialisation once however many goroutines ask.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var once sync.Once
	inits := 0
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); once.Do(func() { inits++ }) }()
	}
	wg.Wait()
	fmt.Println("initialised", inits, "time(s)")
}

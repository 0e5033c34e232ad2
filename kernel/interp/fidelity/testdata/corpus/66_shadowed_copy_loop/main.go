// golab:expect exact
// The old i := i idiom still works.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	res := make([]int, 3)
	for i := 0; i < 3; i++ {
		i := i
		wg.Add(1)
		go func() { defer wg.Done(); res[i] = i * 10 }()
	}
	wg.Wait()
	fmt.Println(res)
}

// golab:expect exact
// Each goroutine fills its own slot; a strings.Builder joins them.
package main

import (
	"fmt"
	"strings"
	"sync"
)

func main() {
	parts := make([]string, 5)
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[i] = fmt.Sprintf("[%d:%s]", i, strings.Repeat("*", i))
		}()
	}
	wg.Wait()
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p)
	}
	fmt.Println(b.String())
}

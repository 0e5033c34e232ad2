// golab:expect exact
// sync.Map with LoadOrStore hands out one atomic counter per key to concurrent goroutines.
package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

func main() {
	logs := []string{
		"GET /home", "POST /login", "GET /home", "GET /about",
		"GET /home", "POST /login", "DELETE /item", "GET /about",
	}
	var counters sync.Map // string -> *atomic.Int64
	var wg sync.WaitGroup
	for _, line := range logs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			method, _, _ := strings.Cut(line, " ")
			c, _ := counters.LoadOrStore(method, new(atomic.Int64))
			c.(*atomic.Int64).Add(1)
		}()
	}
	wg.Wait()

	var lines []string
	counters.Range(func(k, v any) bool {
		lines = append(lines, fmt.Sprintf("%-6s %d", k, v.(*atomic.Int64).Load()))
		return true
	})
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))

	_, found := counters.Load("PUT")
	fmt.Println("PUT seen:", found)
	counters.Delete("DELETE")
	_, found = counters.Load("DELETE")
	fmt.Println("DELETE still there:", found)
}

// golab:expect exact
// Handlers with unnamed and blank parameters are stored in a map and run from goroutines.
package main

import (
	"fmt"
	"sort"
	"sync"
)

type Handler func(id int, payload string) string

func main() {
	handlers := map[string]Handler{
		"echo":   func(_ int, p string) string { return p },
		"ignore": func(int, string) string { return "ignored" },
		"id":     func(id int, _ string) string { return fmt.Sprint("id=", id) },
	}

	var mu sync.Mutex
	var results []string
	var wg sync.WaitGroup
	run := func(name string, h Handler, id int) {
		defer wg.Done()
		out := h(id, "payload-"+name)
		mu.Lock()
		results = append(results, name+": "+out)
		mu.Unlock()
	}

	started := 0
	for name, h := range handlers {
		started++
		wg.Add(1)
		go run(name, h, 7)
	}
	wg.Wait()

	sort.Strings(results)
	for _, r := range results {
		fmt.Println(r)
	}
	fmt.Println("handlers run:", started)
}

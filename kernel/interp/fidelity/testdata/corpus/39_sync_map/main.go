// golab:expect exact
// sync.Map used by many goroutines.
package main

import (
	"fmt"
	"sort"
	"sync"
)

func main() {
	var m sync.Map
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); m.Store(i, i*i) }()
	}
	wg.Wait()
	var keys []int
	m.Range(func(k, v any) bool { keys = append(keys, k.(int)); return true })
	sort.Ints(keys)
	v, _ := m.Load(3)
	fmt.Println(keys, v)
	actual, loaded := m.LoadOrStore(3, 100)
	fmt.Println(actual, loaded)
}

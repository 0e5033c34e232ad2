// golab:expect exact
// Readers share an RWMutex; a writer excludes them.
package main

import (
	"fmt"
	"sync"
)

type Cache struct {
	mu sync.RWMutex
	m  map[string]int
}

func (c *Cache) Get(k string) (int, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[k]
	return v, ok
}
func (c *Cache) Set(k string, v int) { c.mu.Lock(); c.m[k] = v; c.mu.Unlock() }
func main() {
	c := &Cache{m: map[string]int{}}
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); c.Set(fmt.Sprint("k", i), i*i) }(i)
	}
	wg.Wait()
	for i := 0; i < 5; i++ {
		v, _ := c.Get(fmt.Sprint("k", i))
		fmt.Println(i, v)
	}
	_, ok := c.Get("missing")
	fmt.Println("missing:", ok)
}

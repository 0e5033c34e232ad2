// golab:expect exact
// go c.Inc() on a struct variable whose method has a pointer receiver: every goroutine locks c's own mutex.
package main

import (
	"fmt"
	"sync"
)

type safeCounter struct {
	mu sync.Mutex
	wg sync.WaitGroup
	v  map[string]int
}

func (c *safeCounter) Inc(key string) {
	defer c.wg.Done()
	c.mu.Lock()
	c.v[key]++
	c.mu.Unlock()
}

func (c *safeCounter) Value(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.v[key]
}

func main() {
	c := safeCounter{v: make(map[string]int)}
	for i := 0; i < 2000; i++ {
		c.wg.Add(1)
		go c.Inc("somekey")
	}
	c.wg.Wait()
	fmt.Println(c.Value("somekey"))
}

// golab:expect exact
// A lazily created singleton: sync.Once makes every goroutine get the same instance.
package main

import (
	"fmt"
	"sync"
)

type Registry struct {
	names []string
}

var (
	instance *Registry
	once     sync.Once
	created  int
)

func Get() *Registry {
	once.Do(func() {
		created++
		instance = &Registry{names: []string{"default"}}
	})
	return instance
}

func main() {
	got := make([]*Registry, 10)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = Get()
		}()
	}
	wg.Wait()

	same := true
	for _, r := range got {
		if r != got[0] {
			same = false
		}
	}
	fmt.Println("created:", created)
	fmt.Println("all goroutines share one instance:", same)
	fmt.Println("names:", Get().names)
}

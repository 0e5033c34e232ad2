// golab:expect exact
// A generic map guarded by a mutex.
package main

import (
	"fmt"
	"sync"
)

type SafeMap[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (s *SafeMap[K, V]) Put(k K, v V) { s.mu.Lock(); s.m[k] = v; s.mu.Unlock() }
func (s *SafeMap[K, V]) Len() int     { s.mu.Lock(); defer s.mu.Unlock(); return len(s.m) }
func main() {
	s := &SafeMap[int, string]{m: map[int]string{}}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); s.Put(i%10, fmt.Sprint(i)) }()
	}
	wg.Wait()
	fmt.Println(s.Len())
}

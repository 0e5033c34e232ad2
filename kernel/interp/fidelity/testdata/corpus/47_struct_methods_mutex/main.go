// golab:expect exact
// Methods on a pointer receiver guard a struct with an embedded mutex.
package main

import (
	"fmt"
	"sync"
)

type Stats struct {
	sync.Mutex
	count int
	sum   int
}

func (s *Stats) Add(v int) {
	s.Lock()
	defer s.Unlock()
	s.count++
	s.sum += v
}
func (s *Stats) Mean() float64 { s.Lock(); defer s.Unlock(); return float64(s.sum) / float64(s.count) }
func main() {
	var st Stats
	var wg sync.WaitGroup
	for i := 1; i <= 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); st.Add(i) }()
	}
	wg.Wait()
	fmt.Println(st.count, st.Mean())
}

// golab:expect exact
// A bounded buffer with two sync.Cond variables (notFull, notEmpty) between producers and a consumer.
package main

import (
	"fmt"
	"sync"
)

type Buffer struct {
	mu       sync.Mutex
	notFull  *sync.Cond
	notEmpty *sync.Cond
	items    []int
	size     int
}

func NewBuffer(size int) *Buffer {
	b := &Buffer{size: size}
	b.notFull = sync.NewCond(&b.mu)
	b.notEmpty = sync.NewCond(&b.mu)
	return b
}

func (b *Buffer) Put(v int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.items) == b.size {
		b.notFull.Wait()
	}
	b.items = append(b.items, v)
	b.notEmpty.Signal()
}

func (b *Buffer) Take() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.items) == 0 {
		b.notEmpty.Wait()
	}
	v := b.items[0]
	b.items = b.items[1:]
	b.notFull.Signal()
	return v
}

func main() {
	buf := NewBuffer(2)
	var wg sync.WaitGroup
	for p := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= 4; i++ {
				buf.Put(p*100 + i)
			}
		}()
	}
	sum, count := 0, 0
	for range 12 {
		sum += buf.Take()
		count++
	}
	wg.Wait()
	fmt.Println("took", count, "items, sum", sum)
}

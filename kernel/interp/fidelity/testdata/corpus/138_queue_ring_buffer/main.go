// golab:expect exact
// A fixed-size ring buffer type with methods and a full/empty state.
package main

import (
	"errors"
	"fmt"
)

type ring struct {
	data       []int
	head, size int
}

var errFull = errors.New("ring is full")

func newRing(n int) *ring { return &ring{data: make([]int, n)} }

func (r *ring) Put(v int) error {
	if r.size == len(r.data) {
		return errFull
	}
	r.data[(r.head+r.size)%len(r.data)] = v
	r.size++
	return nil
}

func (r *ring) Get() (int, bool) {
	if r.size == 0 {
		return 0, false
	}
	v := r.data[r.head]
	r.head = (r.head + 1) % len(r.data)
	r.size--
	return v, true
}

func main() {
	r := newRing(3)
	for i := 1; i <= 4; i++ {
		fmt.Println("put", i, r.Put(i))
	}
	v, _ := r.Get()
	fmt.Println("got", v, r.Put(5))
	for {
		v, ok := r.Get()
		if !ok {
			break
		}
		fmt.Print(v, " ")
	}
	fmt.Println()
}

// golab:expect exact
// A generic bounded queue on top of a channel.
package main

import (
	"fmt"
)

type Queue[T any] struct{ ch chan T }

func NewQueue[T any](n int) *Queue[T] { return &Queue[T]{ch: make(chan T, n)} }
func (q *Queue[T]) Put(v T)           { q.ch <- v }
func (q *Queue[T]) Get() T            { return <-q.ch }
func main() {
	q := NewQueue[string](2)
	go func() {
		q.Put("a")
		q.Put("b")
		q.Put("c")
	}()
	fmt.Println(q.Get(), q.Get(), q.Get())
}

// golab:expect exact
// Go 1.23 iterators: a generic list's All method, a Fibonacci generator,
// break and return inside range-over-func loops, slices.Collect/Sorted and
// maps.Collect of iterators, strings.SplitSeq and explicit type arguments
// for a function with an S ~[]E parameter.
package main

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
)

type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }

// All yields from the top of the stack down.
func (s *Stack[T]) All() iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		for i := len(s.items) - 1; i >= 0; i-- {
			if !yield(len(s.items)-1-i, s.items[i]) {
				return
			}
		}
	}
}

func (s *Stack[T]) Values() iter.Seq[T] {
	return func(yield func(T) bool) {
		for _, v := range s.All() {
			if !yield(v) {
				return
			}
		}
	}
}

func fib() iter.Seq[int] {
	return func(yield func(int) bool) {
		a, b := 0, 1
		for {
			if !yield(a) {
				return
			}
			a, b = b, a+b
		}
	}
}

func firstOver(limit int) (int, bool) {
	for n := range fib() {
		if n > limit {
			return n, true
		}
	}
	return 0, false
}

func depthOf(s *Stack[string], want string) (depth int) {
	depth = -1
	for i, v := range s.All() {
		if v == want {
			depth = i
			return
		}
	}
	return
}

func Index[S ~[]E, E comparable](s S, v E) int {
	for i := range s {
		if s[i] == v {
			return i
		}
	}
	return -1
}

func main() {
	s := &Stack[string]{}
	for w := range strings.SplitSeq("go,by,example", ",") {
		s.Push(w)
	}
	for i, v := range s.All() {
		fmt.Println(i, v)
	}
	fmt.Println(slices.Collect(s.Values()), slices.Sorted(s.Values()))
	fmt.Println(firstOver(50))
	fmt.Println(depthOf(s, "go"), depthOf(s, "rust"))
	count := 0
	for range fib() {
		count++
		if count == 10 {
			break
		}
	}
	fmt.Println("counted", count)
	lengths := maps.Collect(func(yield func(string, int) bool) {
		for v := range s.Values() {
			if !yield(v, len(v)) {
				return
			}
		}
	})
	fmt.Println(lengths)
	fmt.Println(Index[[]string, string](s.items, "by"), Index(s.items, "example"))
}

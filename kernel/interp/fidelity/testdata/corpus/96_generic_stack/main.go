// golab:expect exact
// A generic Stack[T] type with methods, used with ints and strings.
package main

import "fmt"

type Stack[T any] struct {
	items []T
}

func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }

func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}

func (s *Stack[T]) Len() int { return len(s.items) }

func main() {
	var ints Stack[int]
	for i := range 4 {
		ints.Push(i * i)
	}
	for ints.Len() > 0 {
		v, _ := ints.Pop()
		fmt.Print(v, " ")
	}
	fmt.Println()
	var words Stack[string]
	words.Push("go")
	w, ok := words.Pop()
	_, ok2 := words.Pop()
	fmt.Println(w, ok, ok2)
}

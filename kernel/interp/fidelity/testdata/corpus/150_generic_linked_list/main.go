// golab:expect exact
// A generic singly linked list with a method that walks it.
package main

import "fmt"

type List[T any] struct {
	head *element[T]
	size int
}

type element[T any] struct {
	val  T
	next *element[T]
}

func (l *List[T]) PushFront(v T) {
	l.head = &element[T]{v, l.head}
	l.size++
}

func (l *List[T]) All() []T {
	var out []T
	for e := l.head; e != nil; e = e.next {
		out = append(out, e.val)
	}
	return out
}

func main() {
	var l List[string]
	for _, s := range []string{"c", "b", "a"} {
		l.PushFront(s)
	}
	fmt.Println(l.All(), l.size)
	var nums List[float64]
	nums.PushFront(1.5)
	fmt.Println(nums.All())
}

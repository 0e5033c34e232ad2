// golab:expect exact
// Pointers: address-of, dereference, pointer to struct fields, and nil checks.
package main

import "fmt"

type node struct {
	val  int
	next *node
}

func push(head *node, v int) *node { return &node{v, head} }

func increment(p *int) { *p++ }

func main() {
	x := 1
	increment(&x)
	increment(&x)
	fmt.Println(x)
	var list *node
	for i := range 4 {
		list = push(list, i)
	}
	for n := list; n != nil; n = n.next {
		fmt.Print(n.val, " ")
	}
	fmt.Println()
	var p *node
	fmt.Println(p == nil, list.next.next.val)
}

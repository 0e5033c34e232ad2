// golab:expect exact
// An interface holding a nil pointer is not nil; methods on nil receivers.
package main

import "fmt"

type tree struct {
	left, right *tree
	val         int
}

func (t *tree) Sum() int {
	if t == nil {
		return 0
	}
	return t.val + t.left.Sum() + t.right.Sum()
}

type describer interface{ Sum() int }

func main() {
	t := &tree{&tree{nil, nil, 2}, &tree{&tree{nil, nil, 4}, nil, 3}, 1}
	fmt.Println(t.Sum())
	var empty *tree
	fmt.Println(empty.Sum())
	var d describer = empty
	fmt.Println(d == nil, d.Sum())
	var d2 describer
	fmt.Println(d2 == nil)
}

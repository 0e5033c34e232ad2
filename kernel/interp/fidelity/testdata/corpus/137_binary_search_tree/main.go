// golab:expect exact
// A binary search tree with insert, in-order walk and a height function.
package main

import "fmt"

type bst struct {
	root *tnode
	size int
}

type tnode struct {
	key         int
	left, right *tnode
}

func (t *bst) insert(k int) {
	t.size++
	p := &t.root
	for *p != nil {
		if k < (*p).key {
			p = &(*p).left
		} else {
			p = &(*p).right
		}
	}
	*p = &tnode{key: k}
}

func walk(n *tnode, visit func(int)) {
	if n == nil {
		return
	}
	walk(n.left, visit)
	visit(n.key)
	walk(n.right, visit)
}

func height(n *tnode) int {
	if n == nil {
		return 0
	}
	return 1 + max(height(n.left), height(n.right))
}

func main() {
	var t bst
	for _, k := range []int{50, 30, 70, 20, 40, 60, 80, 35} {
		t.insert(k)
	}
	var keys []int
	walk(t.root, func(k int) { keys = append(keys, k) })
	fmt.Println(keys, t.size, height(t.root))
}

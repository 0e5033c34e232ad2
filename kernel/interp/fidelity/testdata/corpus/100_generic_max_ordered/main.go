// golab:expect exact
// A generic Max with cmp.Ordered, and the built-in max and min.
package main

import (
	"cmp"
	"fmt"
)

func Max[T cmp.Ordered](xs ...T) T {
	m := xs[0]
	for _, x := range xs[1:] {
		if x > m {
			m = x
		}
	}
	return m
}

func main() {
	fmt.Println(Max(3, 9, 2))
	fmt.Println(Max("pear", "apple", "zucchini"))
	fmt.Println(Max(2.5, -1.0))
	fmt.Println(max(1, 7, 3), min(4.5, 2.0), cmp.Compare(1, 2))
}

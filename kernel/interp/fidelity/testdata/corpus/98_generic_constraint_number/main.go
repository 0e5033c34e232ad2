// golab:expect exact
// A Number constraint with ~ terms, used for Sum over named and plain types.
package main

import "fmt"

type Number interface {
	~int | ~int64 | ~float64
}

func Sum[T Number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

type meters float64

func main() {
	fmt.Println(Sum([]int{1, 2, 3}))
	fmt.Println(Sum([]float64{1.5, 2.25}))
	fmt.Println(Sum([]meters{1.5, 2}))
	fmt.Println(Sum[int64](nil))
}

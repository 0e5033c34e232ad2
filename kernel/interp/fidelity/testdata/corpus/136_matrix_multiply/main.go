// golab:expect exact
// Matrix multiplication with slices of slices.
package main

import "fmt"

type matrix [][]int

func multiply(a, b matrix) matrix {
	out := make(matrix, len(a))
	for i := range a {
		out[i] = make([]int, len(b[0]))
		for j := range b[0] {
			for k := range b {
				out[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return out
}

func main() {
	a := matrix{{1, 2}, {3, 4}}
	b := matrix{{5, 6}, {7, 8}}
	fmt.Println(multiply(a, b))
	id := matrix{{1, 0}, {0, 1}}
	fmt.Println(multiply(a, id))
}

// golab:expect exact
// Arrays are values: copies on assignment, comparison with ==, and 2-D arrays.
package main

import "fmt"

func main() {
	a := [3]int{1, 2, 3}
	b := a
	b[0] = 100
	fmt.Println(a, b, a == b, a == [3]int{1, 2, 3})
	var grid [2][3]string
	for i := range 2 {
		for j := range 3 {
			grid[i][j] = fmt.Sprint(i, j)
		}
	}
	fmt.Println(grid, len(grid), len(grid[0]))
	c := [...]string{2: "c", 0: "a"}
	fmt.Printf("%q %d\n", c, len(c))
}

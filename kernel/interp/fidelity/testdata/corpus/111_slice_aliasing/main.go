// golab:expect exact
// Slices share their backing array until append grows it.
package main

import "fmt"

func main() {
	base := make([]int, 3, 4)
	a := base[:2]
	b := append(base, 9)
	b[0] = 1
	fmt.Println(base, a, b, len(b), cap(b))
	c := append(b, 10)
	c[1] = 2
	fmt.Println(b, c, len(c))
	d := slicesCopy(c)
	d[2] = 3
	fmt.Println(c, d)
	full := base[0:2:2]
	full = append(full, 7)
	fmt.Println(base, full)
}

func slicesCopy(s []int) []int {
	out := make([]int, len(s))
	copy(out, s)
	return out
}

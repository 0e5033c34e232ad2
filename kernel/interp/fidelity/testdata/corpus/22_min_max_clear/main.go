// golab:expect exact
// The min, max and clear builtins (Go 1.21).
package main

import (
	"fmt"
)

func main() {
	a, b := 7, 3
	fmt.Println(min(a, b), max(a, b), min(2.5, 1), max("go", "rust"))
	m := map[string]int{"x": 1, "y": 2}
	clear(m)
	s := []int{1, 2, 3}
	clear(s)
	fmt.Println(len(m), s)
}

// golab:expect exact
// Variadic functions called with separate arguments and with a spread slice.
package main

import (
	"fmt"
	"strings"
)

func sum(nums ...int) int {
	total := 0
	for _, n := range nums {
		total += n
	}
	return total
}

func join(sep string, parts ...string) string { return strings.Join(parts, sep) }

func main() {
	fmt.Println(sum(), sum(1), sum(1, 2, 3))
	xs := []int{4, 5, 6}
	fmt.Println(sum(xs...))
	fmt.Println(join("-", "a", "b", "c"), join(","))
	args := []any{"x", 1, true}
	fmt.Println(args...)
}

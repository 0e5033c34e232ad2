// golab:expect exact
// Iterators from the standard library: maps.Keys, slices.Sorted, slices.All.
package main

import (
	"fmt"
	"maps"
	"slices"
)

func main() {
	m := map[string]int{"z": 26, "a": 1, "m": 13}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Println(k, m[k])
	}
	for i, v := range slices.All([]string{"x", "y"}) {
		fmt.Println(i, v)
	}
	vals := slices.Collect(maps.Values(map[int]int{1: 10}))
	fmt.Println(vals)
}

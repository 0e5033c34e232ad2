// golab:expect exact
// The slices package: Sort, Index, Contains, Reverse, Max, Compact, Insert, Equal.
package main

import (
	"fmt"
	"slices"
)

func main() {
	s := []int{5, 2, 8, 2, 9, 1}
	slices.Sort(s)
	fmt.Println(s)
	fmt.Println(slices.Index(s, 8), slices.Contains(s, 3), slices.Max(s), slices.Min(s))
	s = slices.Compact(s)
	fmt.Println(s)
	s = slices.Insert(s, 1, 100)
	fmt.Println(s)
	slices.Reverse(s)
	fmt.Println(s, slices.Equal(s, []int{9, 8, 5, 2, 100, 1}))
	i, found := slices.BinarySearch([]int{1, 3, 5}, 4)
	fmt.Println(i, found)
}

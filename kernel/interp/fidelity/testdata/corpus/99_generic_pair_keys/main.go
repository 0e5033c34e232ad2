// golab:expect exact
// A generic Pair type and a generic function over map keys, sorted.
package main

import (
	"fmt"
	"sort"
)

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func Entries[K comparable, V any](m map[K]V, less func(a, b K) bool) []Pair[K, V] {
	out := make([]Pair[K, V], 0, len(m))
	for k, v := range m {
		out = append(out, Pair[K, V]{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return less(out[i].Key, out[j].Key) })
	return out
}

func main() {
	ages := map[string]int{"carol": 41, "al": 30, "bea": 25}
	for _, p := range Entries(ages, func(a, b string) bool { return a < b }) {
		fmt.Println(p.Key, p.Val)
	}
	fmt.Println(len(Entries(map[int]bool{}, func(a, b int) bool { return a < b })))
}

// golab:expect exact
// A map of slices used to group words by their first letter.
package main

import (
	"fmt"
	"sort"
	"strings"
)

func main() {
	words := strings.Fields("banana apple cherry avocado blueberry citron apricot")
	groups := map[byte][]string{}
	for _, w := range words {
		groups[w[0]] = append(groups[w[0]], w)
	}
	var keys []int
	for k := range groups {
		keys = append(keys, int(k))
	}
	sort.Ints(keys)
	for _, k := range keys {
		g := groups[byte(k)]
		sort.Strings(g)
		fmt.Printf("%c: %v\n", k, g)
	}
}

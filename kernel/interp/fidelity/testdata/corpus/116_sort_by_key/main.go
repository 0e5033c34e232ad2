// golab:expect exact
// sort.Slice and slices.SortFunc by a struct field, with a tie-breaker.
package main

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
)

type player struct {
	name  string
	score int
}

func main() {
	ps := []player{{"ann", 7}, {"bob", 9}, {"cid", 7}, {"dee", 3}}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].score != ps[j].score {
			return ps[i].score > ps[j].score
		}
		return ps[i].name < ps[j].name
	})
	fmt.Println(ps)
	slices.SortFunc(ps, func(a, b player) int { return cmp.Compare(a.name, b.name) })
	fmt.Printf("%+v\n", ps)
	names := []string{"b", "C", "a"}
	sort.Strings(names)
	fmt.Println(names, sort.StringsAreSorted(names))
}

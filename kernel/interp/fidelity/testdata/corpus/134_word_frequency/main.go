// golab:expect exact
// Count word frequencies and print the top three, ties broken alphabetically.
package main

import (
	"fmt"
	"sort"
	"strings"
)

func main() {
	text := "the cat and the dog and the bird saw a cat"
	counts := map[string]int{}
	for _, w := range strings.Fields(text) {
		counts[w]++
	}
	type kv struct {
		word string
		n    int
	}
	var list []kv
	for w, n := range counts {
		list = append(list, kv{w, n})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].word < list[j].word
	})
	for _, e := range list[:3] {
		fmt.Println(e.word, e.n)
	}
	fmt.Println(list[:3])
}

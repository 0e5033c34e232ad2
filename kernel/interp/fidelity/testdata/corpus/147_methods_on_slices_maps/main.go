// golab:expect exact
// Methods on named slice and map types.
package main

import (
	"fmt"
	"sort"
	"strings"
)

type names []string

func (n names) Upper() names {
	out := make(names, len(n))
	for i, s := range n {
		out[i] = strings.ToUpper(s)
	}
	return out
}

func (n names) Len() int { return len(n) }

type set map[string]bool

func (s set) Add(k string)      { s[k] = true }
func (s set) Has(k string) bool { return s[k] }
func (s set) Sorted() []string {
	var out []string
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func main() {
	n := names{"ann", "bob"}
	fmt.Println(n.Upper(), n.Len())
	s := set{}
	s.Add("x")
	s.Add("a")
	fmt.Println(s.Has("x"), s.Has("y"), s.Sorted())
}

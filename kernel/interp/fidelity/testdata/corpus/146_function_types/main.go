// golab:expect exact
// Named function types, functions as map values, and higher-order functions.
package main

import (
	"fmt"
	"sort"
)

type op func(a, b int) int

func apply(f op, a, b int) int { return f(a, b) }

func main() {
	ops := map[string]op{
		"add": func(a, b int) int { return a + b },
		"mul": func(a, b int) int { return a * b },
		"sub": func(a, b int) int { return a - b },
	}
	var names []string
	for n := range ops {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Println(n, apply(ops[n], 6, 3))
	}
	compose := func(f, g func(int) int) func(int) int { return func(x int) int { return g(f(x)) } }
	inc := func(x int) int { return x + 1 }
	dbl := func(x int) int { return x * 2 }
	fmt.Println(compose(inc, dbl)(5), compose(dbl, inc)(5))
}

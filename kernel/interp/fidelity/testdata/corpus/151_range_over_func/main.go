// golab:expect exact
// A user-written range-over-func iterator (Go 1.23) with early break.
package main

import "fmt"

func countdown(n int) func(yield func(int) bool) {
	return func(yield func(int) bool) {
		for i := n; i > 0; i-- {
			if !yield(i) {
				return
			}
		}
	}
}

func main() {
	for v := range countdown(5) {
		if v == 2 {
			break
		}
		fmt.Println(v)
	}
}

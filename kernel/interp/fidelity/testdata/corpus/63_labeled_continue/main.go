// golab:expect exact
// A labeled continue skips to the next outer iteration.
package main

import (
	"fmt"
)

func main() {
	pairs := 0
outer:
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			if j > i {
				continue outer
			}
			pairs++
		}
	}
	fmt.Println("pairs", pairs)
}

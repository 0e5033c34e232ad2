// golab:expect exact
// for i := range n counts from 0 to n-1 (Go 1.22).
package main

import (
	"fmt"
)

func main() {
	n := 4
	for i := range n {
		fmt.Print(i, " ")
	}
	fmt.Println()
	for range 2 {
		fmt.Println("again")
	}
}

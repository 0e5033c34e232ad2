// golab:expect exact
// Gather results from goroutines, then sort them for printing.
package main

import (
	"fmt"
	"slices"
)

func main() {
	results := make(chan string, 5)
	for _, w := range []string{"delta", "alpha", "echo", "charlie", "bravo"} {
		go func() { results <- w }()
	}
	var got []string
	for range 5 {
		got = append(got, <-results)
	}
	slices.Sort(got)
	fmt.Println(got)
}

// golab:expect exact
// Comparable structs as map keys and with ==.
package main

import "fmt"

type coord struct {
	row, col int
}

func main() {
	visited := map[coord]bool{}
	path := []coord{{0, 0}, {0, 1}, {1, 1}, {0, 1}}
	for _, c := range path {
		if visited[c] {
			fmt.Println("revisit", c)
		}
		visited[c] = true
	}
	fmt.Println(len(visited), coord{1, 1} == path[2])
	fmt.Println(visited)
}

// golab:expect exact
// Anonymous struct types: literals, slices of them, and printing.
package main

import "fmt"

func main() {
	pt := struct {
		X, Y int
	}{1, 2}
	fmt.Println(pt, pt.X+pt.Y)
	fmt.Printf("%+v\n", pt)
	tests := []struct {
		in   string
		want int
	}{{"a", 1}, {"abc", 3}}
	for _, tt := range tests {
		fmt.Println(tt.in, len(tt.in) == tt.want)
	}
	fmt.Printf("%+v\n", tests)
}

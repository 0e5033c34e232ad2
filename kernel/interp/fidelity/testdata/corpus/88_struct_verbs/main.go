// golab:expect exact
// The fmt verbs on a struct with unexported fields: %v, %+v, %#v and %T.
package main

import "fmt"

type point struct {
	x, y int
}

func main() {
	p := point{3, 4}
	fmt.Printf("%v\n", p)
	fmt.Printf("%+v\n", p)
	fmt.Printf("%#v\n", p)
	fmt.Printf("%T\n", p)
	fmt.Printf("%T %T\n", &p, []point{p})
	fmt.Println(p, &p)
}

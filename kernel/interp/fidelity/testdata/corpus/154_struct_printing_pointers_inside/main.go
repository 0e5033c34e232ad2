// golab:expect exact
// Pointers inside structs print as addresses, but nil pointers print as <nil>.
package main

import "fmt"

type link struct {
	name string
	next *link
}

func main() {
	l := link{"tail", nil}
	fmt.Printf("%v %+v\n", l, l)
	h := &link{"head", nil}
	fmt.Printf("%v %+v\n", h, h)
	fmt.Printf("%#v\n", l)
	var np *link
	fmt.Printf("%v %+v %#v\n", np, np, np)
}

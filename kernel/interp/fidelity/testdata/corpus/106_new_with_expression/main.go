// golab:expect exact
// Go 1.26 new with an expression: new(42) and new of a call.
package main

import "fmt"

type config struct {
	retries *int
	name    *string
}

func double(n int) int { return 2 * n }

func main() {
	p := new(42)
	fmt.Println(*p)
	c := config{retries: new(3), name: new("svc")}
	fmt.Println(*c.retries, *c.name)
	q := new(double(21))
	*q++
	fmt.Println(*q)
}

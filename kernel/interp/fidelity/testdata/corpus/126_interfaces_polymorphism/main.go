// golab:expect exact
// An interface with two implementations, in a slice, with a type assertion.
package main

import (
	"fmt"
	"math"
)

type shape interface {
	area() float64
	perimeter() float64
}

type rect struct{ w, h float64 }
type circle struct{ r float64 }

func (r rect) area() float64        { return r.w * r.h }
func (r rect) perimeter() float64   { return 2 * (r.w + r.h) }
func (c circle) area() float64      { return math.Pi * c.r * c.r }
func (c circle) perimeter() float64 { return 2 * math.Pi * c.r }

func main() {
	shapes := []shape{rect{3, 4}, circle{1}}
	total := 0.0
	for _, s := range shapes {
		fmt.Printf("%.2f %.2f\n", s.area(), s.perimeter())
		total += s.area()
	}
	fmt.Printf("total %.3f\n", total)
	if c, ok := shapes[1].(circle); ok {
		fmt.Println("radius", c.r)
	}
	_, isRect := shapes[1].(rect)
	fmt.Println(isRect)
}

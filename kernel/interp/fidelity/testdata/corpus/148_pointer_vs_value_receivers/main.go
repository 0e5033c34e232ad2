// golab:expect exact
// Value receivers work on copies; pointer receivers change the original.
package main

import "fmt"

type counter struct {
	n int
}

func (c counter) IncValue()    { c.n++ }
func (c *counter) IncPointer() { c.n++ }

func main() {
	c := counter{}
	c.IncValue()
	c.IncPointer()
	c.IncPointer()
	fmt.Println(c.n)
	p := &c
	p.IncValue()
	p.IncPointer()
	fmt.Println(c.n, p.n)
	cs := []counter{{}, {}}
	for _, x := range cs {
		x.IncPointer()
	}
	for i := range cs {
		cs[i].IncPointer()
	}
	fmt.Println(cs)
}

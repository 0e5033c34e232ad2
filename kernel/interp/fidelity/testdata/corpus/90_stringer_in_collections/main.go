// golab:expect exact
// A String method is used for values, slice elements, map values and exported fields.
package main

import "fmt"

type card struct {
	rank int
	suit string
}

func (c card) String() string { return fmt.Sprintf("%d of %s", c.rank, c.suit) }

type hand struct {
	Cards []card
	Best  card
}

func main() {
	c := card{10, "hearts"}
	fmt.Println(c)
	fmt.Println([]card{c, {2, "spades"}})
	fmt.Println(map[string]card{"x": c})
	fmt.Printf("%v|%s|%+v\n", c, c, c)
	fmt.Printf("%v\n", hand{Cards: []card{c}, Best: c})
}

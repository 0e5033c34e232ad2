// golab:expect exact
// Nested structs, slices and maps of a user type printed with %+v and %#v.
package main

import "fmt"

type address struct {
	city string
	zip  int
}

type person struct {
	Name    string
	Age     int
	Home    address
	Tags    []string
	Friends map[string]int
}

func main() {
	p := person{Name: "Ada", Age: 36, Home: address{"London", 1}, Tags: []string{"math"}, Friends: map[string]int{"bob": 2, "al": 1}}
	fmt.Printf("%v\n", p)
	fmt.Printf("%+v\n", p)
	fmt.Printf("%#v\n", p.Home)
	fmt.Printf("%+v\n", []address{{"Paris", 2}, {"Rome", 3}})
	fmt.Printf("%v\n", map[string]address{"b": {"B", 2}, "a": {"A", 1}})
}

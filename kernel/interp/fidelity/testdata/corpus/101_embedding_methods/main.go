// golab:expect exact
// Struct embedding: promoted fields and methods, and a method overridden by the outer type.
package main

import "fmt"

type animal struct {
	name string
}

func (a animal) Describe() string { return "animal " + a.name }
func (a animal) Name() string     { return a.name }

type dog struct {
	animal
	breed string
}

func (d dog) Describe() string { return "dog " + d.name + " (" + d.breed + ")" }

func main() {
	d := dog{animal{"rex"}, "collie"}
	fmt.Println(d.Name())
	fmt.Println(d.Describe())
	fmt.Println(d.animal.Describe())
	fmt.Println(d.name, d.breed)
}

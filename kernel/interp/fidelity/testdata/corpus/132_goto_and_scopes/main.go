// golab:expect exact
// Shadowing in nested scopes, if-with-init, and variables declared in a switch.
package main

import "fmt"

func main() {
	x := 1
	{
		x := 2
		x++
		fmt.Println("inner", x)
	}
	fmt.Println("outer", x)
	if y := x * 10; y > 5 {
		fmt.Println("y", y)
	} else {
		fmt.Println("small", y)
	}
	switch z := x + 1; z {
	case 2:
		fmt.Println("z is two")
	}
	err := fmt.Errorf("first")
	if true {
		err := fmt.Errorf("shadow")
		_ = err
	}
	fmt.Println(err)
}

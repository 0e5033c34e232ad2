// golab:expect exact
// switch with no condition, fallthrough, several values per case, and break.
package main

import "fmt"

func grade(n int) string {
	switch {
	case n >= 90:
		return "A"
	case n >= 80:
		return "B"
	default:
		return "C"
	}
}

func main() {
	for _, n := range []int{95, 85, 40} {
		fmt.Print(grade(n), " ")
	}
	fmt.Println()
	for i := range 4 {
		switch i {
		case 0, 1:
			fmt.Println(i, "small")
		case 2:
			fmt.Println(i, "two")
			fallthrough
		case 3:
			fmt.Println(i, "two or three")
			if i == 3 {
				break
			}
			fmt.Println("not reached for 3")
		}
	}
}

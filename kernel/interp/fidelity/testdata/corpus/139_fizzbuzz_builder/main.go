// golab:expect exact
// FizzBuzz to 20 with a switch, collected into one string.
package main

import (
	"fmt"
	"strconv"
	"strings"
)

func main() {
	var out []string
	for i := 1; i <= 20; i++ {
		switch {
		case i%15 == 0:
			out = append(out, "FizzBuzz")
		case i%3 == 0:
			out = append(out, "Fizz")
		case i%5 == 0:
			out = append(out, "Buzz")
		default:
			out = append(out, strconv.Itoa(i))
		}
	}
	fmt.Println(strings.Join(out, ","))
}

// golab:expect exact
// Typed and untyped constants, iota with skips and expressions.
package main

import "fmt"

type weekday int

const (
	sunday weekday = iota
	monday
	tuesday
)

const (
	_  = iota
	KB = 1 << (10 * iota)
	MB
	GB
)

const big = 1 << 62

func main() {
	fmt.Println(sunday, monday, tuesday)
	fmt.Println(KB, MB, GB)
	fmt.Println(big/(1<<60), 7/2, 7/2.0)
	const greeting = "hi"
	fmt.Println(greeting + "!")
}

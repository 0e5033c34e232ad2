// golab:expect exact
// Runtime errors recovered as values: nil map write, bad conversion, division.
package main

import "fmt"

func try(name string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println(name, "->", r)
		}
	}()
	f()
	fmt.Println(name, "-> ok")
}

func main() {
	var m map[string]int
	try("nil map write", func() { m["a"] = 1 })
	try("type assertion", func() {
		var v any = "str"
		_ = v.(int)
	})
	zero := 0
	try("divide", func() { fmt.Println(10 / zero) })
	try("fine", func() {})
}

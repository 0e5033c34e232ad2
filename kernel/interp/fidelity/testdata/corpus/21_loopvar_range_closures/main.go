// golab:expect exact
// Closures made in a range loop capture each element.
package main

import (
	"fmt"
)

func main() {
	var fns []func() string
	for _, name := range []string{"ann", "bob", "cy"} {
		fns = append(fns, func() string { return "hi " + name })
	}
	for _, f := range fns {
		fmt.Println(f())
	}
}

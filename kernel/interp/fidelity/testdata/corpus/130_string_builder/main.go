// golab:expect exact
// strings.Builder and fmt.Fprintf building a table.
package main

import (
	"fmt"
	"strings"
)

func main() {
	var b strings.Builder
	rows := [][2]string{{"name", "qty"}, {"apple", "3"}, {"kiwi", "12"}}
	for _, r := range rows {
		fmt.Fprintf(&b, "%-6s|%4s\n", r[0], r[1])
	}
	b.WriteString(strings.Repeat("-", 11))
	b.WriteByte('\n')
	fmt.Print(b.String())
	fmt.Println(b.Len())
}

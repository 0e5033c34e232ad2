// golab:expect exact
// Strings as bytes and runes: len, range, conversions, utf8.
package main

import (
	"fmt"
	"unicode/utf8"
)

func main() {
	s := "héllo, 世界"
	fmt.Println(len(s), utf8.RuneCountInString(s))
	for i, r := range s {
		if r > 127 {
			fmt.Printf("%d:%c(%U) ", i, r, r)
		}
	}
	fmt.Println()
	b := []byte("abc")
	b[0] = 'A'
	fmt.Println(string(b), b)
	r := []rune(s)
	fmt.Println(string(r[7:]), len(r))
	fmt.Printf("%x %q %v\n", "hi", 'x', 'x')
}

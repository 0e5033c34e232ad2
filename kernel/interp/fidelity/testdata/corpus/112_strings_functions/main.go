// golab:expect exact
// Common strings functions on a sentence.
package main

import (
	"fmt"
	"strings"
)

func main() {
	s := "the quick brown fox jumps over the lazy dog"
	fmt.Println(strings.Count(s, "the"), strings.Index(s, "fox"), strings.LastIndex(s, "the"))
	fmt.Println(strings.Fields(s)[2], len(strings.Fields(s)))
	fmt.Println(strings.ToUpper(s[:9]), strings.Title("x") == "X")
	fmt.Println(strings.Replace(s, "the", "a", 1))
	fmt.Println(strings.ReplaceAll(s, " ", "_"))
	fmt.Println(strings.HasPrefix(s, "the"), strings.HasSuffix(s, "cat"))
	fmt.Println(strings.Split("a,b,,c", ","), len(strings.Split("a,b,,c", ",")))
	fmt.Println(strings.TrimSpace("  x  "), strings.Trim("--x--", "-"), strings.Repeat("ab", 3))
	before, after, found := strings.Cut("key=value", "=")
	fmt.Println(before, after, found)
	fmt.Printf("%q\n", strings.SplitN("a b c d", " ", 2))
}

// golab:expect exact
// regexp: MatchString, FindAllString, submatches and ReplaceAllString.
package main

import (
	"fmt"
	"regexp"
)

func main() {
	re := regexp.MustCompile(`(\w+)@(\w+)\.com`)
	s := "mail ann@example.com or bob@test.com"
	fmt.Println(re.MatchString(s))
	fmt.Println(re.FindAllString(s, -1))
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		fmt.Println(m[1], "at", m[2])
	}
	fmt.Println(re.ReplaceAllString(s, "$1 at $2"))
	fmt.Println(regexp.MustCompile(`^\d{3}$`).MatchString("123"))
}

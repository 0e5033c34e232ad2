// golab:expect exact
// Printf verbs, widths, precision and flags on numbers and strings.
package main

import "fmt"

func main() {
	fmt.Printf("|%5d|%-5d|%05d|%x|%X|%o|%b|\n", 42, 42, 42, 255, 255, 8, 5)
	fmt.Printf("|%8.3f|%-8.2f|%e|%g|\n", 3.14159, 2.5, 123456.789, 0.000012)
	fmt.Printf("|%s|%10s|%-10s|%q|\n", "go", "right", "left", "quote")
	fmt.Printf("|%t|%v|%c|%U|\n", true, nil, 'G', 'G')
	fmt.Printf("|%+d|% d|%3.1f%%|\n", 5, 5, 99.5)
	fmt.Printf("%[2]d %[1]d %d\n", 1, 2)
	fmt.Printf("%v %d\n", []int{1, 2}, [2]int{3, 4})
	fmt.Printf("%*d|%-*d|\n", 4, 7, 3, 8)
	s := fmt.Sprintf("%08.3f", -3.5)
	fmt.Println(s, len(s))
}

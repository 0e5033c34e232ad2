// golab:expect exact
// Named non-struct types with String methods printed alone.
package main

import "fmt"

type celsius float64
type level int

func (c celsius) String() string { return fmt.Sprintf("%.1f°C", float64(c)) }
func (l level) String() string   { return [...]string{"low", "mid", "high"}[l] }

func main() {
	t := celsius(21.45)
	fmt.Println(t)
	fmt.Printf("%v|%s|%.2f\n", t, t, float64(t))
	l := level(2)
	fmt.Println(l, level(0))
	fmt.Printf("%v %d\n", l, l)
}

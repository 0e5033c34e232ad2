// golab:expect exact
// Integer conversions truncate and wrap; float to int truncates toward zero.
package main

import (
	"fmt"
	"math"
)

func main() {
	big := 300
	fmt.Println(uint8(big), int8(big), int16(big*250))
	f := -3.99
	g := 3.99
	fmt.Println(int(f), int(g), math.Round(f), math.Floor(f))
	var m int32 = math.MaxInt32
	m++
	fmt.Println(m)
	fmt.Println(math.Inf(1) > math.MaxFloat64, math.IsNaN(math.NaN()), 0.1+0.2 == 0.3)
	fmt.Printf("%.20f\n", 0.1)
}

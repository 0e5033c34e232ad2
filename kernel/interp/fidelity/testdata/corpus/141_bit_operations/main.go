// golab:expect exact
// Bitwise operators, shifts and math/bits on unsigned integers.
package main

import (
	"fmt"
	"math/bits"
)

func main() {
	var x uint8 = 0b1011_0010
	fmt.Printf("%08b %08b %08b %08b\n", x&0x0f, x|0x0f, x^0xff, x&^0x30)
	fmt.Println(x>>2, x<<1, bits.OnesCount8(x), bits.LeadingZeros8(x>>3))
	var y uint8 = 250
	y += 10
	var small int8 = -128
	small--
	fmt.Println(y, small)
	fmt.Println(bits.Reverse8(1), 1<<10, -7>>1, -7/2)
}

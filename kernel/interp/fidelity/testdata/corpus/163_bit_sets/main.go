// golab:expect exact
// A bit set over uint64 words, as in the Go Programming Language's IntSet:
// untyped constants shifted by a variable take the type of the word.
package main

import (
	"fmt"
	"strings"
)

type IntSet struct{ words []uint64 }

func (s *IntSet) Has(x int) bool {
	word, bit := x/64, uint(x%64)
	return word < len(s.words) && s.words[word]&(1<<bit) != 0
}

func (s *IntSet) Add(x int) {
	word, bit := x/64, uint(x%64)
	for word >= len(s.words) {
		s.words = append(s.words, 0)
	}
	s.words[word] |= 1 << bit
}

func (s *IntSet) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, word := range s.words {
		for j := 0; j < 64; j++ {
			if word&(1<<uint(j)) != 0 {
				if b.Len() > 1 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%d", 64*i+j)
			}
		}
	}
	b.WriteByte('}')
	return b.String()
}

func main() {
	var s IntSet
	for _, x := range []int{1, 9, 144, 42, 63, 64} {
		s.Add(x)
	}
	fmt.Println(s.String(), s.Has(9), s.Has(123))
	// String has a pointer receiver: a value prints its fields (the book's
	// own warning), a pointer calls String.
	fmt.Println(&s, s)
	fmt.Printf("%v %+v\n", s, s)
	var mask uint8
	for k := 0; k < 8; k += 3 {
		mask |= 1 << k
	}
	fmt.Printf("%08b\n", mask)
}

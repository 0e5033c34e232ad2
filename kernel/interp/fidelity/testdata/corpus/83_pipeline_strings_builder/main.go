// golab:expect exact
// A text pipeline: split -> filter -> title-case -> join with strings.Builder, order preserved.
package main

import (
	"fmt"
	"strings"
)

func words(text string) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for _, w := range strings.Fields(text) {
			out <- w
		}
	}()
	return out
}

func filter(in <-chan string, keep func(string) bool) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for w := range in {
			if keep(w) {
				out <- w
			}
		}
	}()
	return out
}

func title(in <-chan string) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for w := range in {
			out <- strings.ToUpper(w[:1]) + w[1:]
		}
	}()
	return out
}

func main() {
	text := "do not communicate by sharing memory; instead, share memory by communicating"
	long := func(w string) bool { return len(w) > 3 }

	var b strings.Builder
	n := 0
	for w := range title(filter(words(text), long)) {
		if n > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(w)
		n++
	}
	fmt.Println(b.String())
	fmt.Printf("%d words kept\n", n)
}

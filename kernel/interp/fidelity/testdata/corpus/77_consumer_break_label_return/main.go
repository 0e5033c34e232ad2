// golab:expect exact
// A consumer leaves its select loop with a labeled break; the caller gets the result with return <-ch.
package main

import (
	"fmt"
	"strings"
)

func consume(words <-chan string, quit <-chan struct{}) <-chan string {
	result := make(chan string, 1)
	go func() {
		var b strings.Builder
	loop:
		for {
			select {
			case w, ok := <-words:
				if !ok {
					break loop
				}
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(w)
			case <-quit:
				break loop
			}
		}
		result <- b.String()
	}()
	return result
}

func sentence(parts ...string) string {
	words := make(chan string)
	quit := make(chan struct{})
	defer close(quit)
	res := consume(words, quit)
	for _, p := range parts {
		words <- p
	}
	close(words)
	return <-res
}

func main() {
	fmt.Println(sentence("channels", "orchestrate;", "mutexes", "serialize"))
	fmt.Printf("%q\n", sentence())
}

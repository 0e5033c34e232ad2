// golab:expect exact
// Sentinel errors compared with errors.Is through two levels of wrapping.
package main

import (
	"errors"
	"fmt"
)

var ErrEmpty = errors.New("empty input")
var ErrTooLong = errors.New("input too long")

func check(s string) error {
	switch {
	case s == "":
		return ErrEmpty
	case len(s) > 5:
		return fmt.Errorf("check %q: %w", s, ErrTooLong)
	}
	return nil
}

func main() {
	for _, s := range []string{"", "hello", "much too long"} {
		err := check(s)
		outer := fmt.Errorf("request: %w", err)
		fmt.Println(s, err, errors.Is(outer, ErrEmpty), errors.Is(outer, ErrTooLong), err == nil)
	}
}

// golab:expect exact
// A custom error type with a pointer receiver, returned, wrapped and matched with errors.As.
package main

import (
	"errors"
	"fmt"
)

type notFoundError struct {
	key string
}

func (e *notFoundError) Error() string { return "not found: " + e.key }

func lookup(m map[string]int, k string) (int, error) {
	v, ok := m[k]
	if !ok {
		return 0, &notFoundError{k}
	}
	return v, nil
}

func main() {
	m := map[string]int{"a": 1}
	if _, err := lookup(m, "b"); err != nil {
		fmt.Println("error:", err)
		wrapped := fmt.Errorf("loading config: %w", err)
		fmt.Println(wrapped)
		var nf *notFoundError
		if errors.As(wrapped, &nf) {
			fmt.Println("missing key", nf.key)
		}
	}
	v, err := lookup(m, "a")
	fmt.Println(v, err)
}

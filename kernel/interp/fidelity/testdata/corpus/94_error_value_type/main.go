// golab:expect exact
// An error type with a value receiver and a code, matched with errors.As.
package main

import (
	"errors"
	"fmt"
)

type httpError struct {
	Code int
	Msg  string
}

func (e httpError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Msg) }

func fetch(path string) error {
	if path == "/missing" {
		return httpError{404, "Not Found"}
	}
	return nil
}

func main() {
	err := fmt.Errorf("GET: %w", fetch("/missing"))
	var he httpError
	fmt.Println(err, errors.As(err, &he), he.Code)
	fmt.Println(fetch("/ok") == nil)
}

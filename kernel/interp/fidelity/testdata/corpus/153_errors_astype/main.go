// golab:expect exact
// Go 1.26 errors.AsType: a typed errors.As without a target variable.
package main

import (
	"errors"
	"fmt"
)

type codeError struct{ code int }

func (e *codeError) Error() string { return fmt.Sprint("code ", e.code) }

func main() {
	err := fmt.Errorf("op: %w", &codeError{7})
	if ce, ok := errors.AsType[*codeError](err); ok {
		fmt.Println("code", ce.code)
	}
	_, ok := errors.AsType[*codeError](errors.New("plain"))
	fmt.Println(ok)
}

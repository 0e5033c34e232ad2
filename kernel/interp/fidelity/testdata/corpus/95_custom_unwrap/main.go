// golab:expect exact
// A custom error type with an Unwrap method, followed by errors.Is and errors.Unwrap.
package main

import (
	"errors"
	"fmt"
)

var ErrPermission = errors.New("permission denied")

type opError struct {
	Op  string
	Err error
}

func (e *opError) Error() string { return e.Op + ": " + e.Err.Error() }
func (e *opError) Unwrap() error { return e.Err }

func main() {
	var err error = &opError{"open", ErrPermission}
	fmt.Println(err)
	fmt.Println(errors.Is(err, ErrPermission))
	fmt.Println(errors.Unwrap(err) == ErrPermission)
	var op *opError
	fmt.Println(errors.As(fmt.Errorf("x: %w", err), &op), op.Op)
}

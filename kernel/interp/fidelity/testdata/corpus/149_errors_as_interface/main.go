// golab:expect exact
// errors.As into an interface type that a custom error implements.
package main

import (
	"errors"
	"fmt"
)

type temporary interface {
	Temporary() bool
}

type netError struct {
	msg  string
	temp bool
}

func (e *netError) Error() string   { return e.msg }
func (e *netError) Temporary() bool { return e.temp }

func main() {
	err := fmt.Errorf("dial: %w", &netError{"timeout", true})
	var t temporary
	if errors.As(err, &t) {
		fmt.Println("temporary:", t.Temporary())
	}
	fmt.Println(err)
}

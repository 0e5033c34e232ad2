// golab:expect exact
// errors.Join collects several errors; errors.Is finds each of them.
package main

import (
	"errors"
	"fmt"
)

var errA = errors.New("a failed")
var errB = errors.New("b failed")

func main() {
	err := errors.Join(errA, nil, errB)
	fmt.Println(err)
	fmt.Println(errors.Is(err, errA), errors.Is(err, errB))
	fmt.Println(errors.Join() == nil)
	wrapped := fmt.Errorf("both: %w and %w", errA, errB)
	fmt.Println(wrapped, errors.Is(wrapped, errB))
}

// golab:expect exact
// Closures over loop variables and errors collected per iteration.
package main

import (
	"errors"
	"fmt"
	"strconv"
)

func main() {
	inputs := []string{"1", "x", "3", "y"}
	var errs []error
	sum := 0
	for _, in := range inputs {
		n, err := strconv.Atoi(in)
		if err != nil {
			errs = append(errs, fmt.Errorf("input %q: %w", in, err))
			continue
		}
		sum += n
	}
	fmt.Println(sum)
	fmt.Println(errors.Join(errs...))
	fmt.Println(errors.Is(errs[0], strconv.ErrSyntax))
}

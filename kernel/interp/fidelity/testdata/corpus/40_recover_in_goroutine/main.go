// golab:expect exact
// A goroutine recovers from its own panic and reports it.
package main

import (
	"fmt"
)

func safely(work func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	work()
	return nil
}
func main() {
	errs := make(chan error)
	go func() {
		errs <- safely(func() {
			var s []int
			_ = s[3]
		})
	}()
	fmt.Println(<-errs)
}

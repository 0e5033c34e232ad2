// golab:expect exact
// Workers send errors on a channel; main collects them.
package main

import (
	"errors"
	"fmt"
	"sort"
)

func check(n int) error {
	if n%3 == 0 {
		return errors.New(fmt.Sprint(n, " is divisible by 3"))
	}
	return nil
}
func main() {
	errs := make(chan error, 10)
	for i := 1; i <= 9; i++ {
		go func() { errs <- check(i) }()
	}
	var msgs []string
	for range 9 {
		if err := <-errs; err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	sort.Strings(msgs)
	fmt.Println(msgs)
}

// golab:expect exact
// Each worker recovers its own panic and reports it as an error; main prints them sorted.
package main

import (
	"errors"
	"fmt"
	"sort"
	"sync"
)

var errBadInput = errors.New("bad input")

func work(n int) int {
	switch {
	case n == 3:
		panic(fmt.Sprintf("cannot handle %d", n))
	case n == 5:
		panic(errBadInput)
	}
	return n * 10
}

func main() {
	type result struct {
		n   int
		val int
		err error
	}
	results := make(chan result)
	var wg sync.WaitGroup
	for n := 1; n <= 6; n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					results <- result{n: n, err: fmt.Errorf("worker %d panicked: %v", n, r)}
				}
			}()
			results <- result{n: n, val: work(n)}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	var lines []string
	sum := 0
	for r := range results {
		if r.err != nil {
			lines = append(lines, r.err.Error())
			continue
		}
		sum += r.val
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	fmt.Println("sum of good results:", sum)
}

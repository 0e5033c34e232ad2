// golab:expect exact
// A generic Result type carried over a channel, gathered from goroutines and sorted by index.
package main

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
)

type Result[T any] struct {
	Index int
	Value T
	Err   error
}

func Async[T any](index int, f func() (T, error), out chan<- Result[T]) {
	go func() {
		v, err := f()
		out <- Result[T]{Index: index, Value: v, Err: err}
	}()
}

func main() {
	inputs := []string{"42", "7", "x", "100", ""}
	out := make(chan Result[int])
	for i, s := range inputs {
		Async(i, func() (int, error) {
			if s == "" {
				return 0, errors.New("empty input")
			}
			return strconv.Atoi(s)
		}, out)
	}

	results := make([]Result[int], 0, len(inputs))
	for range inputs {
		results = append(results, <-out)
	}
	sort.Slice(results, func(a, b int) bool { return results[a].Index < results[b].Index })
	for _, r := range results {
		if r.Err != nil {
			fmt.Printf("%d: error: %v\n", r.Index, r.Err)
		} else {
			fmt.Printf("%d: %d\n", r.Index, r.Value)
		}
	}
}

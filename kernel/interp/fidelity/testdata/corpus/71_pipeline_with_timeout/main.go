// golab:expect exact
// generator -> square -> sink, with every stage stopped by context.WithTimeout.
package main

import (
	"context"
	"fmt"
	"time"
)

func generate(ctx context.Context) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 1; ; i++ {
			select {
			case out <- i:
				time.Sleep(time.Millisecond)
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func square(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for n := range in {
			select {
			case out <- n * n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()

	received, prev, increasing := 0, 0, true
	for v := range square(ctx, generate(ctx)) {
		if v <= prev {
			increasing = false
		}
		prev = v
		received++
	}
	fmt.Println("received some squares:", received > 0)
	fmt.Println("squares were increasing:", increasing)
	fmt.Println("pipeline stopped because:", ctx.Err())
}

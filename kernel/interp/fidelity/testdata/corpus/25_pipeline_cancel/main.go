// golab:expect exact
// A context cancels an endless generator.
package main

import (
	"context"
	"fmt"
)

func naturals(ctx context.Context) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; ; i++ {
			select {
			case out <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sum := 0
	for n := range naturals(ctx) {
		if n == 10 {
			cancel()
			break
		}
		sum += n
	}
	fmt.Println("sum", sum)
}

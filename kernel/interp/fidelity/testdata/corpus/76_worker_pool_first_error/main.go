// golab:expect exact
// A worker pool stops handing out jobs after the first error and reports it.
package main

import (
	"context"
	"fmt"
	"sync"
)

func process(job int) (int, error) {
	if job == 13 {
		return 0, fmt.Errorf("job %d is unlucky", job)
	}
	return job * 2, nil
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	jobs := make(chan int)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
		mu       sync.Mutex
		total    int
	)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				v, err := process(j)
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					continue
				}
				mu.Lock()
				total += v
				mu.Unlock()
			}
		}()
	}

feed:
	for j := 1; j <= 100; j++ {
		select {
		case jobs <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()

	fmt.Println("first error:", firstErr)
	fmt.Println("stopped early:", ctx.Err() != nil)
	fmt.Println("some work done before the error:", total > 0)
}

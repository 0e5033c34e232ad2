package safe_test

import (
	"fmt"
	"sync"

	"github.com/golab-notebooks/golab/runtime/safe"
	"github.com/golab-notebooks/golab/runtime/timeline"
)

// A producer and a consumer through a queue of two places; Close ends the
// consumer's loop once the queue is drained.
func ExampleQueue() {
	q := safe.NewQueue(2)
	go func() {
		for i := 1; i <= 4; i++ {
			q.Put(i * i)
		}
		q.Close()
	}()
	for {
		v, ok := q.GetOK()
		if !ok {
			break
		}
		fmt.Println(v)
	}
	// Output:
	// 1
	// 4
	// 9
	// 16
}

// Join waits until workers have marked every item done, as with Python's
// queue.Queue.
func ExampleQueue_Join() {
	q := safe.NewQueue(0)
	var total safe.Counter
	for w := 0; w < 3; w++ {
		go func() {
			for {
				v, ok := q.GetOK()
				if !ok {
					return
				}
				total.Add(int64(v.(int)))
				q.TaskDone()
			}
		}()
	}
	for i := 1; i <= 100; i++ {
		q.Put(i)
	}
	q.Join()
	fmt.Println(total.Value())
	q.Close()
	// Output: 5050
}

func ExampleCounter() {
	var c safe.Counter
	var wg sync.WaitGroup
	for g := 0; g < 10; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				c.Inc()
			}
		}()
	}
	wg.Wait()
	fmt.Println(c.Value())
	// Output: 10000
}

func ExampleMap() {
	words := safe.NewMap()
	var wg sync.WaitGroup
	for _, line := range []string{"go is fun", "go is fast"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, w := range []string{line[:2], line[3:5]} {
				words.AddInt(w, 1)
			}
		}()
	}
	wg.Wait()
	for _, k := range words.Keys() {
		v, _ := words.Load(k)
		fmt.Println(k, v)
	}
	// Output:
	// go 2
	// is 2
}

// Three goroutines meet at the barrier twice; nobody starts round 2 before
// all have finished round 1.
func ExampleBarrier() {
	b := safe.NewBarrier(3)
	var log safe.Queue
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 1; round <= 2; round++ {
				log.Put(round)
				b.Wait()
			}
		}()
	}
	wg.Wait()
	for log.Len() > 0 {
		v, _ := log.GetNowait()
		fmt.Print(v, " ")
	}
	fmt.Println()
	// Output: 1 1 1 2 2 2
}

// A semaphore of two permits, recorded: the waits show who was kept out.
func ExampleSemaphore() {
	s := safe.NewSemaphore(2)
	rec := timeline.New()
	s.Record(rec)
	s.Acquire()
	s.Acquire()
	fmt.Println(s.TryAcquire(), s.Available())
	s.Release()
	fmt.Println(s.TryAcquire())
	// Output:
	// false 0
	// true
}

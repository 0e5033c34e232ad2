// Command pictures draws the helper packages' pictures for the README as
// PNG files in this directory: go run ./docs/pictures
//
// They are drawn by the same code that shows them as SVG in a notebook;
// the virtual clock and the explorer make them the same on every run
// (except the measured speedup, which is this machine's).
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/golab-notebooks/golab/runtime/race"
	"github.com/golab-notebooks/golab/runtime/safe"
	"github.com/golab-notebooks/golab/runtime/timeline"
	"github.com/golab-notebooks/golab/runtime/timing"
)

func main() {
	dir := "docs/pictures"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	save := func(name string, c interface{ Save(string) error }) {
		path := filepath.Join(dir, name)
		if err := c.Save(path); err != nil {
			log.Fatalf("pictures: %v", err)
		}
		fmt.Println("wrote", path)
	}

	// The histogram of a racy counter, with a forced switch in one run of four.
	run := 0
	save("histogram.png", race.Histogram(400, func() int {
		run++
		counter := 0
		var mu sync.Mutex
		sw := race.NewSwitch(2)
		var wg sync.WaitGroup
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mu.Lock()
				tmp := counter
				mu.Unlock()
				if run%4 == 0 {
					sw.Here()
				}
				mu.Lock()
				counter = tmp + 1
				mu.Unlock()
			}()
		}
		wg.Wait()
		return counter
	}).Chart("Final value of the counter, 400 runs"))

	// The explorer's witness of the lost update.
	trace, err := race.CounterModel(2, false).Replay("g1 g2 g1 g1 g2 g2")
	if err != nil {
		log.Fatal(err)
	}
	save("explorer.png", trace.Timeline().Chart("g1 g2 g1 g1 g2 g2  →  counter=1"))

	// A producer and a consumer on the virtual clock.
	clock := timing.NewVirtualClock()
	rec := timeline.NewWithClock(clock.Now)
	rec.Rows("producer", "consumer")
	jobs := make(chan int)
	clock.Go(func() {
		rec.Name("producer")
		for i := 1; i <= 3; i++ {
			rec.Do(fmt.Sprint("make ", i), func() { clock.Sleep(300 * time.Millisecond) })
			rec.Send(fmt.Sprint("job ", i))
			end := rec.BeginWait("send")
			jobs <- i
			end()
		}
		close(jobs)
	})
	clock.Go(func() {
		rec.Name("consumer")
		for j := range jobs {
			rec.Receive(fmt.Sprint("job ", j))
			rec.Do(fmt.Sprint("use ", j), func() { clock.Sleep(400 * time.Millisecond) })
		}
	})
	clock.Wait()
	save("timeline.png", rec.Chart("producer and consumer (virtual time)"))

	// A blocking queue between a producer and two workers, its waits recorded.
	vclock := timing.NewVirtualClock()
	qrec := timeline.NewWithClock(vclock.Now)
	qrec.Rows("producer", "worker 1", "worker 2")
	q := safe.NewQueue(2)
	q.Record(qrec)
	vclock.Go(func() {
		qrec.Name("producer")
		for i := 1; i <= 8; i++ {
			qrec.Do(fmt.Sprint("job ", i), func() { vclock.Sleep(50 * time.Millisecond) })
			q.Put(i)
		}
		q.Close()
	})
	for w := 1; w <= 2; w++ {
		vclock.Go(func() {
			qrec.Name(fmt.Sprint("worker ", w))
			for {
				job, ok := q.GetOK()
				if !ok {
					return
				}
				qrec.Do(fmt.Sprint("work ", job), func() { vclock.Sleep(300 * time.Millisecond) })
			}
		})
	}
	vclock.Wait()
	save("queue.png", qrec.Chart("safe.Queue of two places: a producer and two workers"))

	// Speedup against Amdahl's law.
	save("speedup.png", timing.Speedup(4, 5, func(workers int) {
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x := 0
				for i := 0; i < 4_000_000/workers; i++ {
					x += i % 7
				}
				_ = x
			}()
		}
		wg.Wait()
	}).Chart())
}

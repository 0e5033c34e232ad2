package race_test

import (
	"fmt"
	"sync"

	"github.com/golab-notebooks/golab/runtime/race"
)

// The lecture's counter as a model: every interleaving of two goroutines
// that each read, add and write.
func ExampleCounterModel() {
	r := race.CounterModel(2, false).Explore()
	fmt.Println("outcomes:", r.Values("counter"), "in", r.Schedules, "schedules")
	fmt.Println(r.Races[0].Message)
	locked := race.CounterModel(2, true).Explore()
	fmt.Println("with a mutex:", locked.Values("counter"), len(locked.Races), "races")
	// Output:
	// outcomes: [1 2] in 20 schedules
	// write at step 3 by g1 races with read at step 4 by g2 (on counter)
	// with a mutex: [2] 0 races
}

// A model built step by step, and one schedule replayed.
func ExampleModel_Replay() {
	m := race.NewModel().Var("balance", 100)
	m.Go("deposit").Read("balance", "b").Add("b", 50).Write("balance", "b")
	m.Go("withdraw").Read("balance", "b").Add("b", -30).Write("balance", "b")
	trace, err := m.Replay("deposit withdraw deposit deposit withdraw withdraw")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(trace)
	// Output:
	//  1  deposit  b := balance (100)         balance=100
	//  2  withdraw b := balance (100)         balance=100
	//  3  deposit  b += 50                    balance=100
	//  4  deposit  balance = b (150)          balance=150
	//  5  withdraw b += -30                   balance=150
	//  6  withdraw balance = b (70)           balance=70
	// end: balance=70
}

// A forced switch between the read and the write loses every update but
// one, on every run.
func ExampleNewSwitch() {
	counter := 0
	var mu sync.Mutex // each read and write is whole; the switch still loses updates
	sw := race.NewSwitch(3)
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			tmp := counter
			mu.Unlock()
			sw.Here()
			mu.Lock()
			counter = tmp + 1
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Println(counter)
	// Output: 1
}

func ExampleHistogram() {
	n := 0
	outcomes := race.Histogram(4, func() int { n++; return n % 2 })
	fmt.Print(outcomes)
	// Output:
	// 4 runs, 2 different results
	//        0:      2 runs ( 50.0%)
	//        1:      2 runs ( 50.0%)
}

// Past 12 different results, the table and the chart group them into
// ranges of a round width.
func ExampleOutcomes_Groups() {
	o := &race.Outcomes{Runs: 0, Counts: map[int]int{}}
	for r := 1000; r <= 2000; r += 25 { // 41 different results
		o.Counts[r]++
		o.Runs++
	}
	fmt.Print(o)
	// Output:
	// 41 runs, 41 different results
	// 1000–1099:      4 runs (  9.8%)
	// 1100–1199:      4 runs (  9.8%)
	// 1200–1299:      4 runs (  9.8%)
	// 1300–1399:      4 runs (  9.8%)
	// 1400–1499:      4 runs (  9.8%)
	// 1500–1599:      4 runs (  9.8%)
	// 1600–1699:      4 runs (  9.8%)
	// 1700–1799:      4 runs (  9.8%)
	// 1800–1899:      4 runs (  9.8%)
	// 1900–1999:      4 runs (  9.8%)
	// 2000–2099:      1 runs (  2.4%)
}

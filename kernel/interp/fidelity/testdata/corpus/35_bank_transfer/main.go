// golab:expect exact
// Transfers between accounts under ordered locks keep the total.
package main

import (
	"fmt"
	"sync"
)

type Account struct {
	id  int
	mu  sync.Mutex
	bal int
}

func transfer(a, b *Account, amt int) {
	first, second := a, b
	if b.id < a.id {
		first, second = b, a
	}
	first.mu.Lock()
	second.mu.Lock()
	a.bal -= amt
	b.bal += amt
	second.mu.Unlock()
	first.mu.Unlock()
}
func main() {
	x, y := &Account{id: 1, bal: 100}, &Account{id: 2, bal: 100}
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); transfer(x, y, 3) }()
		go func() { defer wg.Done(); transfer(y, x, 2) }()
	}
	wg.Wait()
	fmt.Println(x.bal, y.bal, x.bal+y.bal)
}

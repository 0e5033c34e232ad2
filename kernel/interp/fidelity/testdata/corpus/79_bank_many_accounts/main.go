// golab:expect exact
// Many concurrent transfers between accounts, each locked in id order; money is never lost.
package main

import (
	"fmt"
	"sync"
)

type Account struct {
	ID      int
	mu      sync.Mutex
	balance int
}

func (from *Account) TransferTo(to *Account, amount int) bool {
	if from == to {
		return false
	}
	first, second := from, to
	if to.ID < from.ID {
		first, second = to, from
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	if from.balance < amount {
		return false
	}
	from.balance -= amount
	to.balance += amount
	return true
}

func main() {
	accounts := make([]*Account, 4)
	for i := range accounts {
		accounts[i] = &Account{ID: i, balance: 100}
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from := accounts[i%4]
			to := accounts[(i*3+1)%4]
			from.TransferTo(to, 1+i%7)
		}()
	}
	wg.Wait()

	total := 0
	for _, a := range accounts {
		total += a.balance
	}
	fmt.Println("accounts:", len(accounts), "total money:", total)
}

// golab:expect exact
// Method values and method expressions bound to a receiver.
package main

import "fmt"

type account struct {
	balance int
}

func (a *account) Deposit(n int) { a.balance += n }
func (a account) Balance() int   { return a.balance }

func main() {
	acc := &account{}
	dep := acc.Deposit
	dep(10)
	dep(5)
	bal := (*account).Balance
	fmt.Println(acc.Balance(), bal(acc))
	fns := []func(int){acc.Deposit, acc.Deposit}
	for i, f := range fns {
		f(i + 1)
	}
	fmt.Println(acc.balance)
}

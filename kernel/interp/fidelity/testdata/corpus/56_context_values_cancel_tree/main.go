// golab:expect exact
// Cancelling a parent context cancels its children.
package main

import (
	"context"
	"fmt"
)

func main() {
	parent, cancel := context.WithCancel(context.Background())
	child1, c1 := context.WithCancel(parent)
	defer c1()
	child2 := context.WithValue(parent, "user", "ada")
	cancel()
	<-child1.Done()
	<-child2.Done()
	fmt.Println(child1.Err(), child2.Err(), child2.Value("user"))
}

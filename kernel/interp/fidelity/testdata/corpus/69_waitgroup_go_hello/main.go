// golab:expect sorted
// Goroutines started with wg.Go greet in whatever order the scheduler picks.
package main

import (
	"fmt"
	"sync"
)

func greet(name string) string {
	return fmt.Sprintf("hello, %s!", name)
}

func main() {
	names := []string{"gopher", "ada", "linus", "grace", "ken"}
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Go(func() {
			fmt.Println(greet(name))
		})
	}
	wg.Wait()
	fmt.Println("everyone was greeted")
}

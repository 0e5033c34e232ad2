// golab:expect exact
// A ticker lets one request through per tick.
package main

import (
	"fmt"
	"time"
)

func main() {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	for i := 1; i <= 4; i++ {
		<-tick.C
		fmt.Println("request", i)
	}
	fmt.Println("took at least 20ms:", time.Since(start) >= 20*time.Millisecond)
}

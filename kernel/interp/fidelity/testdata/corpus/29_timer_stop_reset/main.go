// golab:expect exact
// A timer stopped before it fires, then reset.
package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.NewTimer(time.Hour)
	fmt.Println("stopped:", t.Stop())
	t.Reset(5 * time.Millisecond)
	<-t.C
	fmt.Println("fired after reset")
}

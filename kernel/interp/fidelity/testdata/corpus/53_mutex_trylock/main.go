// golab:expect exact
// TryLock fails while another holder has the lock.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var mu sync.Mutex
	mu.Lock()
	fmt.Println("try while held:", mu.TryLock())
	mu.Unlock()
	fmt.Println("try when free:", mu.TryLock())
	mu.Unlock()
}

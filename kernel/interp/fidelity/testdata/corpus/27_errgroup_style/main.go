// golab:expect exact
// Fan out tasks, keep the first error (errgroup written by hand).
package main

import (
	"errors"
	"fmt"
	"sync"
)

type Group struct {
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

func (g *Group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() { g.err = err })
		}
	}()
}
func (g *Group) Wait() error { g.wg.Wait(); return g.err }
func main() {
	var g Group
	for i := 0; i < 5; i++ {
		g.Go(func() error {
			if i == 3 {
				return errors.New("task 3 failed")
			}
			return nil
		})
	}
	fmt.Println(g.Wait())
}

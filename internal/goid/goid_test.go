package goid

import (
	"strconv"
	"sync"
	"testing"
)

func TestCurrentDiffersPerGoroutine(t *testing.T) {
	here := Current()
	there := make(chan int)
	go func() { there <- Current() }()
	other := <-there
	if here <= 0 || other <= 0 || here == other {
		t.Errorf("IDs %d and %d: want two different positive IDs", here, other)
	}
	if Current() != here {
		t.Error("the ID of one goroutine changed")
	}
}

// Current reads the runtime's goroutine record at an offset that depends
// on the Go version: it must agree with the ID the runtime prints.
func TestCurrentIsTheStacksID(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for range 100 {
		wg.Go(func() {
			if c, s := Current(), fromStack(); c != s {
				errs <- "Current " + itoa(c) + ", stack " + itoa(s)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func BenchmarkCurrent(b *testing.B) {
	for b.Loop() {
		Current()
	}
}

func BenchmarkFromStack(b *testing.B) {
	for b.Loop() {
		fromStack()
	}
}

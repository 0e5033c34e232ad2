package goid

import "testing"

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

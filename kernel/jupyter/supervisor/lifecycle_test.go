package supervisor

import "testing"

func TestWorkerLifecycle(t *testing.T) {
	states := []workerState{starting, idle, busy, ending}
	// The moves a worker may make; every other pair is refused.
	want := map[[2]workerState]bool{
		{starting, idle}: true, {idle, busy}: true, {busy, idle}: true,
		{starting, ending}: true, {idle, ending}: true, {busy, ending}: true, {ending, ending}: true,
	}
	for _, from := range states {
		for _, to := range states {
			p := &process{}
			p.lifecycle.Store(int32(from))
			moved := p.moveTo(to)
			if moved != want[[2]workerState{from, to}] {
				t.Errorf("%v → %v: moved %v", from, to, moved)
			}
			if now := p.state(); (moved && now != to) || (!moved && now != from) {
				t.Errorf("%v → %v: now %v", from, to, now)
			}
		}
	}
	// A request that ends after the supervisor ended the worker leaves it
	// ending: nobody then reports its death as a crash.
	p := &process{}
	p.moveTo(idle)
	p.moveTo(busy)
	p.moveTo(ending)
	if p.moveTo(idle) || p.state() != ending {
		t.Errorf("an ended worker became %v", p.state())
	}
}

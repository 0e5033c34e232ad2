package wakeups

import (
	"testing"
	"time"
)

func TestWatchSeesEveryTimer(t *testing.T) {
	var seen []time.Duration
	Watch(func(_ *time.Timer, d time.Duration) { seen = append(seen, d) })
	defer Watch(func(*time.Timer, time.Duration) {})
	for _, d := range []time.Duration{time.Second, time.Hour} {
		NewTimer(d).Stop()
	}
	if len(seen) != 2 || seen[0] != time.Second || seen[1] != time.Hour {
		t.Errorf("the watcher saw %v, want [1s 1h0m0s]", seen)
	}
}

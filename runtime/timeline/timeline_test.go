package timeline

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock advances only when told to, so spans have exact times.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestSpansAndArrows(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	rec := NewWithClock(clock.Now)
	ch := make(chan int)
	done := make(chan bool)
	rec.Go("producer", func() {
		rec.Do("make", func() { clock.Advance(10 * time.Millisecond) })
		rec.Send("job 1")
		ch <- 1
		done <- true
	})
	rec.Go("consumer", func() {
		end := rec.BeginWait("receive")
		<-ch
		end()
		rec.Receive("job 1")
		done <- true
	})
	<-done
	<-done
	spans := rec.Spans()
	var work, wait *Span
	for i := range spans {
		switch spans[i].Kind {
		case Work:
			work = &spans[i]
		case Wait:
			wait = &spans[i]
		}
	}
	if work == nil || work.Goroutine != "producer" || work.Label != "make" || work.End-work.Start != 10*time.Millisecond {
		t.Errorf("work span %+v, want producer's 10ms make", work)
	}
	if wait == nil || wait.Goroutine != "consumer" || wait.End != 10*time.Millisecond {
		t.Errorf("wait span %+v, want consumer's wait ending at 10ms", wait)
	}
	arrows := rec.Arrows()
	if len(arrows) != 1 || arrows[0].From != "producer" || arrows[0].To != "consumer" || arrows[0].Label != "job 1" {
		t.Errorf("arrows %+v, want one producer → consumer", arrows)
	}
	if got := rec.Busy()["producer"]; got != 10*time.Millisecond {
		t.Errorf("producer busy %v, want 10ms", got)
	}
	if s := rec.String(); !strings.Contains(s, "producer → consumer  job 1") {
		t.Errorf("text form lacks the arrow:\n%s", s)
	}
}

func TestUnnamedGoroutinesGetTheirID(t *testing.T) {
	rec := New()
	rec.Do("x", func() {})
	if g := rec.Goroutines(); len(g) != 1 || !strings.HasPrefix(g[0], "g") {
		t.Errorf("rows %v, want one named g<ID>", g)
	}
}

package safe

import (
	"sync"
	"testing"
)

func BenchmarkQueuePutGet(b *testing.B) {
	b.Run("uncontended", func(b *testing.B) {
		q := NewQueue(1)
		for i := 0; i < b.N; i++ {
			q.Put(i)
			q.Get()
		}
	})
	b.Run("4 producers 4 consumers", func(b *testing.B) {
		q := NewQueue(16)
		var wg sync.WaitGroup
		per := b.N/4 + 1
		for p := 0; p < 4; p++ {
			wg.Add(2)
			go func() {
				defer wg.Done()
				for i := 0; i < per; i++ {
					q.Put(i)
				}
			}()
			go func() {
				defer wg.Done()
				for i := 0; i < per; i++ {
					q.Get()
				}
			}()
		}
		wg.Wait()
	})
}

func BenchmarkCounterInc(b *testing.B) {
	b.Run("uncontended", func(b *testing.B) {
		var c Counter
		for i := 0; i < b.N; i++ {
			c.Inc()
		}
	})
	b.Run("parallel", func(b *testing.B) {
		var c Counter
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c.Inc()
			}
		})
	})
}

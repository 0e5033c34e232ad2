package worker

import (
	"fmt"
	"testing"
	"time"

	"github.com/golab-notebooks/golab/kernel/interp/noise"
)

// BenchmarkNoiseCost measures what golab's scheduling noise costs a cell:
// a goroutine's loop of 200,000 steps over a shared counter (racy: the
// switch-points pass splits its increment), over a counter under a mutex
// (left alone: the lock keeps the others out) and over a local (left
// alone), each with the noise off, then on. It reports ms-off, ms-on and
// x-off, their ratio: the noise's cost, which should stay under 1.1 for
// code that is not racy.
func BenchmarkNoiseCost(b *testing.B) {
	const setup = `import "sync"
var mu sync.Mutex
shared := 0`
	loops := []struct{ name, body string }{
		{"racy-shared-counter", "shared++"},
		{"counter-under-a-mutex", "mu.Lock()\n\t\t\tshared++\n\t\t\tmu.Unlock()"},
		{"local-counter", "local++"},
	}
	defer noise.Set(1, noise.DefaultRate)
	for _, l := range loops {
		b.Run(l.name, func(b *testing.B) {
			w, err := New("bench", discard{})
			if err != nil {
				b.Fatal(err)
			}
			w.frames.dst = discard{}
			if _, e := w.run(setup); e != nil {
				b.Fatal(e.Value)
			}
			cell := fmt.Sprintf("func work(n int) {\n\tvar wg sync.WaitGroup\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tlocal := 0\n\t\tfor i := 0; i < n; i++ {\n\t\t\t%s\n\t\t}\n\t\t_ = local\n\t}()\n\twg.Wait()\n}", l.body)
			if _, e := w.run(cell); e != nil {
				b.Fatal(e.Value)
			}
			var off, on time.Duration
			for i := 0; i < b.N; i++ {
				for _, noisy := range []bool{false, true} {
					if noisy {
						noise.Set(1, noise.DefaultRate)
					} else {
						noise.Off()
					}
					start := time.Now()
					if _, e := w.run("work(200000)"); e != nil {
						b.Fatal(e.Value)
					}
					if noisy {
						on += time.Since(start)
					} else {
						off += time.Since(start)
					}
				}
			}
			b.ReportMetric(float64(off.Milliseconds())/float64(b.N), "ms-off")
			b.ReportMetric(float64(on.Milliseconds())/float64(b.N), "ms-on")
			b.ReportMetric(float64(on)/float64(off), "x-off")
		})
	}
}

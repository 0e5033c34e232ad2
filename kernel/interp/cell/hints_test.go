package cell

import (
	"strconv"
	"strings"
	"testing"
)

func TestHints(t *testing.T) {
	cases := []struct {
		name, decl string
		want       []string // "line: words of the hint", in order; none for a right answer
	}{
		{"WaitGroup by value", "func Count(n int, wg sync.WaitGroup) {\n\tdefer wg.Done()\n}", []string{"1: by value"}},
		{"Add inside the goroutine", "func RunAll(tasks []func()) {\n\tvar wg sync.WaitGroup\n\tfor _, task := range tasks {\n\t\tgo func() {\n\t\t\twg.Add(1)\n\t\t\tdefer wg.Done()\n\t\t\ttask()\n\t\t}()\n\t}\n\twg.Wait()\n}",
			[]string{"5: wg.Add inside the goroutine"}},
		{"no wait at all", "func SafeCount(g, n int) int {\n\tvar mu sync.Mutex\n\tc := 0\n\tfor range g {\n\t\tgo func() {\n\t\t\tmu.Lock()\n\t\t\tc += n\n\t\t\tmu.Unlock()\n\t\t}()\n\t}\n\treturn c\n}",
			[]string{"5: returns without waiting"}},
		{"semaphore never released", "func RunLimited(tasks []func(), n int) {\n\tsem := safe.NewSemaphore(n)\n\tvar wg sync.WaitGroup\n\tfor _, task := range tasks {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tsem.Acquire()\n\t\t\ttask()\n\t\t}()\n\t}\n\twg.Wait()\n}",
			[]string{"8: never releases"}},
		{"right: WaitGroup by pointer, Add before go, Wait", "func Count(g int) int {\n\tvar wg sync.WaitGroup\n\tvar n atomic.Int64\n\tfor range g {\n\t\twg.Add(1)\n\t\tgo work(&wg, &n)\n\t}\n\twg.Wait()\n\treturn int(n.Load())\n}\nfunc work(wg *sync.WaitGroup, n *atomic.Int64) { defer wg.Done(); n.Add(1) }", nil},
		{"right: waits by receiving", "func Sum(parts [][]int) int {\n\tch := make(chan int)\n\tfor _, p := range parts {\n\t\tgo func() { s := 0; for _, v := range p { s += v }; ch <- s }()\n\t}\n\tt := 0\n\tfor range parts {\n\t\tt += <-ch\n\t}\n\treturn t\n}", nil},
		{"right: a generator hands back its channel", "func Gen(n int) <-chan int {\n\tout := make(chan int)\n\tgo func() {\n\t\tfor i := range n {\n\t\t\tout <- i\n\t\t}\n\t\tclose(out)\n\t}()\n\treturn out\n}", nil},
		{"right: a pool ranges over its jobs channel", "func Pool(jobs chan int, results chan<- int) {\n\tfor j := range jobs {\n\t\tresults <- j * j\n\t}\n}", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Hints(c.decl)
			if len(got) != len(c.want) {
				t.Fatalf("got %d hints %+v, want %d %v", len(got), got, len(c.want), c.want)
			}
			for i, w := range c.want {
				line, words, _ := strings.Cut(w, ": ")
				if g := got[i]; !strings.Contains(g.Text, words) || strconv.Itoa(g.Line) != line {
					t.Errorf("hint %d: line %d %q, want line %s with %q", i, g.Line, g.Text, line, words)
				}
			}
		})
	}
}

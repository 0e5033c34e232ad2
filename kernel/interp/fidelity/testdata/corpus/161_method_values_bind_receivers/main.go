// golab:expect exact
// Method values keep the receiver they were made with (the Go spec:
// "the expression t.Mv is evaluated and saved during the evaluation of
// the method value"), in go and defer statements and plain values, with
// pointer and value receivers. The interpreter kept the variable.
package main

import (
	"fmt"
	"sort"
	"sync"
)

type Task struct{ name string }

func (t *Task) Run(wg *sync.WaitGroup, mu *sync.Mutex, done *[]string) {
	defer wg.Done()
	mu.Lock()
	*done = append(*done, t.name)
	mu.Unlock()
}

func (t *Task) Name() string { return t.name }

type Point struct{ x, y int }

func (p Point) String() string { return fmt.Sprintf("(%d,%d)", p.x, p.y) }
func (p *Point) Move(dx int)   { p.x += dx }

func main() {
	// The pattern of every goroutine tutorial: one goroutine per element.
	tasks := []*Task{{"a"}, {"b"}, {"c"}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var done []string
	for _, t := range tasks {
		wg.Add(1)
		go t.Run(&wg, &mu, &done)
	}
	wg.Wait()
	sort.Strings(done)
	fmt.Println("ran:", done)

	// A method value made before the variable changes.
	t := &Task{"one"}
	f := t.Name
	t = &Task{"two"}
	fmt.Println("f():", f(), "t:", t.Name())

	// A value receiver is copied when the method value is made.
	p := Point{1, 2}
	s := p.String
	p.Move(10)
	fmt.Println("s():", s(), "p:", p)

	// Through a pointer, the value method copies *q then.
	q := &Point{3, 4}
	qs := q.String
	q.Move(100)
	fmt.Println("qs():", qs(), "q:", q)

	// Method values collected in a loop.
	var names []func() string
	for _, t := range tasks {
		names = append(names, t.Name)
	}
	for _, n := range names {
		fmt.Print(n(), " ")
	}
	fmt.Println()

	// Deferred method calls bind the receiver when the defer runs.
	func() {
		for _, t := range tasks {
			defer fmt.Println("deferred:", t.Name())
		}
		u := &Task{"first"}
		defer u.Run(&wg, &mu, &done)
		wg.Add(1)
		u = &Task{"second"}
	}()
	fmt.Println("last done:", done[len(done)-1])
}

package main

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

type shape interface{ area() float64 }
type circle struct{ r float64 }

func (c circle) area() float64 { return 3 * c.r * c.r }

type holder struct {
	s shape
	n any
	e error
}
type node struct {
	val  int
	next *node
}
type account struct {
	mu      sync.Mutex
	balance int
	opened  time.Duration
}
type Exported struct {
	A int
	B []string
}
type ints []int
type grid [2][2]int
type celsius float64

func (c celsius) String() string { return fmt.Sprintf("%.1f°C", float64(c)) }

type inner struct{ a int }
type outer struct {
	inner
	b int
}
type status int

const (
	ok status = iota
	bad
)

func (s status) String() string { return [...]string{"ok", "bad"}[s] }

type job struct {
	id int
	st status
}

func main() {
	h := holder{circle{1}, circle{2}, errors.New("boom")}
	fmt.Printf("%v|%+v\n", h, h)
	n := &node{1, &node{2, nil}}
	fmt.Printf("%v|%+v\n", *n.next, n.next)
	a := account{balance: 5, opened: time.Second}
	fmt.Printf("%v|%+v\n", a.balance, a.opened)
	fmt.Printf("%v|%+v|%#v|%T\n", Exported{1, []string{"x"}}, Exported{1, nil}, Exported{2, []string{"y"}}, Exported{})
	fmt.Printf("%v|%#v|%T\n", ints{1, 2}, ints{1}, ints{}) // golab:lost
	fmt.Printf("%v|%T\n", grid{{1, 2}, {3, 4}}, grid{})    // golab:lost
	fmt.Println(celsius(21.5), []celsius{1, 2})            // golab:lost
	fmt.Printf("%v|%+v|%#v\n", outer{inner{1}, 2}, outer{inner{1}, 2}, outer{})
	fmt.Println(ok, bad, []status{ok, bad}, job{1, bad}) // golab:lost
	fmt.Printf("%+v\n", job{2, ok})
	fmt.Printf("%5d|%-4v|%x\n", []int{1, 2}, inner{3}, inner{255})
	m := map[status]int{bad: 1, ok: 2}
	fmt.Println(m) // golab:lost
	var sh shape = circle{3}
	fmt.Printf("%v %T\n", sh, sh)
	ch := make(chan inner)
	fmt.Printf("%T\n", ch)
	fmt.Printf("%T %T\n", func(inner) error { return nil }, map[string][]*inner{})
}

package main

import (
	"errors"
	"fmt"
)

type point struct{ x, y int }
type named struct {
	Name string
	P    point
	Q    *point
	L    []point
}
type celsius float64
type stringer struct{ v int }

func (s stringer) String() string { return fmt.Sprintf("S(%d)", s.v) }

type myErr struct{ code int }

func (e *myErr) Error() string { return fmt.Sprintf("code %d", e.code) }

type pair[T any] struct{ a, b T }

func main() {
	p := point{1, 2}
	fmt.Printf("%v|%+v|%#v|%T\n", p, p, p, p)
	n := named{"n", p, &p, []point{p}}
	fmt.Printf("%v|%+v|%T\n", n, n, n)
	fmt.Printf("%v %+v\n", &p, []point{p})
	fmt.Println(p, &p == nil, celsius(3))
	fmt.Printf("%T %v\n", celsius(3), celsius(3)) // golab:lost
	s := stringer{4}
	fmt.Println(s, []stringer{s})
	fmt.Printf("%v %+v %s %d\n", s, s, s, s) // golab:lost
	var e error = &myErr{3}
	fmt.Println(e, fmt.Errorf("wrap: %w", e))
	var me *myErr
	fmt.Println(errors.As(fmt.Errorf("w: %w", e), &me), me.code)
	fmt.Printf("%v %+v %T\n", pair[int]{1, 2}, pair[string]{"a", "b"}, pair[int]{}) // golab:lost
	m := map[string]point{"a": p}
	fmt.Printf("%v %+v\n", m, m)
	var x any = p
	fmt.Printf("%v %+v\n", x, struct {
		a int
		B string
	}{1, "b"})
	fmt.Println(fmt.Sprint(p), fmt.Sprintf("%+v", p))
}

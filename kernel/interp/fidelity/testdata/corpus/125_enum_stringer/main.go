// golab:expect exact
// An enum with iota and a String method, printed alone and in a struct.
package main

import "fmt"

type state int

const (
	idle state = iota
	running
	done
)

func (s state) String() string {
	switch s {
	case idle:
		return "idle"
	case running:
		return "running"
	case done:
		return "done"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

func main() {
	s := running
	fmt.Println(s)
	fmt.Printf("%v %d %s\n", s, s, done)
	fmt.Println(state(7))
	next := map[state]state{idle: running, running: done}
	fmt.Println(next[idle], next[done])
}

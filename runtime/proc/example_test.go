package proc_test

import (
	"fmt"

	"github.com/golab-notebooks/golab/runtime/proc"
)

// A queue made in the notebook; child processes get it as an argument.
// Here the notebook itself puts and gets.
func ExampleQueue() {
	q, err := proc.NewQueue()
	if err != nil {
		fmt.Println(err)
		return
	}
	q.Put("hello")
	q.Put(42)
	q.Close()
	for {
		v, ok := q.Get()
		if !ok {
			break
		}
		fmt.Printf("%v (%T)\n", v, v)
	}
	// Output:
	// hello (string)
	// 42 (int)
}

// Outside a golab notebook (here, a compiled program) no process can be
// started, and Start says why.
func ExampleStart() {
	_, err := proc.Start(proc.Func("hello", func(name string) {}), "bob")
	fmt.Println(err)
	fmt.Println(proc.Name())
	// Output:
	// proc.Start: processes can be started from a golab notebook (no launcher is installed)
	// MainProcess
}

// The two ends of a pipe: what one sends, the other receives. (In a
// notebook, one end goes to a child process as an argument of Start.)
func ExampleNewPipe() {
	parent, child, err := proc.NewPipe()
	if err != nil {
		fmt.Println(err)
		return
	}
	child.Send("ping")
	child.Close()
	v, _ := parent.Recv()
	_, more := parent.Recv()
	fmt.Println(v, more)
	// Output: ping false
}

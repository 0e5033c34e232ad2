package proc

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestStartRefusesWhatCannotRun(t *testing.T) {
	SetLauncher(nil)
	twice := func(x int) int { return 2 * x }
	tests := []struct {
		name string
		f    any
		args []any
		want string
	}{
		{"a bare function, in a compiled program", twice, []any{1}, "not from a compiled program"},
		{"not a function", Func("x", 3), nil, "is not a function"},
		{"wrong argument count", Func("twice", twice), []any{1, 2}, "takes 1 arguments, got 2"},
		{"a channel argument", Func("twice", func(c chan int) {}), []any{make(chan int)}, "argument 1 of twice (chan int) cannot be sent"},
		{"a function argument", Func("apply", func(f func()) {}), []any{func() {}}, "cannot be sent to another process"},
		{"no launcher outside a notebook", Func("twice", twice), []any{1}, "from a golab notebook"},
	}
	for _, tt := range tests {
		_, err := Start(tt.f, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error mentioning %q", tt.name, err, tt.want)
		}
	}
	// In the notebook (a launcher is installed), a bare function is a
	// function the rewriter could not name.
	SetLauncher(refusingLauncher{})
	defer SetLauncher(nil)
	if _, err := Start(twice, 1); err == nil || !strings.Contains(err.Error(), "pass a function declared in a cell") {
		t.Errorf("a bare function in the notebook: %v", err)
	}
}

// refusingLauncher stands for the worker's launcher; it starts nothing.
type refusingLauncher struct{}

func (refusingLauncher) Launch(name, function string, args []json.RawMessage) (Child, error) {
	return nil, errors.New("refused")
}

// A queue used as a child process uses it — through the notebook's socket
// — carries every value, keeps Go types, and ends when closed.
func TestQueueThroughTheHub(t *testing.T) {
	q, err := NewQueue()
	if err != nil {
		t.Fatal(err)
	}
	remote := &Queue{Addr: q.Addr, ID: q.ID} // as a child decodes it
	var wg sync.WaitGroup
	for p := 0; p < 4; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				remote.Put(p*100 + i)
			}
		}()
	}
	wg.Wait()
	remote.Put("done")
	remote.Close()
	ints, seen := 0, map[int]bool{}
	for {
		v, ok := q.Get()
		if !ok {
			break
		}
		if n, isInt := v.(int); isInt {
			seen[n] = true
			ints++
		} else if v != "done" {
			t.Errorf("got %v (%T)", v, v)
		}
	}
	if ints != 100 || len(seen) != 100 {
		t.Errorf("%d ints, %d distinct; want 100", ints, len(seen))
	}
	if _, ok := remote.Get(); ok {
		t.Error("Get on a closed, drained queue reported a value")
	}
}

func TestNameOfTheNotebook(t *testing.T) {
	if Name() != "MainProcess" {
		t.Errorf("Name() = %q in the notebook", Name())
	}
}

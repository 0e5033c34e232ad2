// Package proc starts functions defined in notebook cells in new operating
// system processes — separate interpreters that share no memory with the
// notebook — and passes values between them explicitly, the way Python's
// multiprocessing does (and, unlike its spawn method, for functions
// defined in the notebook).
//
// In a golab notebook, import it as "golab/proc":
//
//	func hello(name string) string {
//		fmt.Println("hello from", proc.Name(), "to", name)
//		return "done"
//	}
//
//	p, err := proc.Start(hello, "bob") // [Process-1] hello from Process-1 to bob
//	result, err := p.Join()            // "done"
//
// A child process gets the notebook's imports, types, functions, constants
// and variables as the earlier cells declared them, by the rules of a
// kernel restart: a variable starts at its first value, and one whose
// initializer calls code (var v = f()) at its zero value, since that code
// ran in the notebook and is not run again (the child says so on its
// stderr). It is a fresh copy: changes it makes are not seen by the
// notebook. Arguments and results are sent
// as JSON, typed by the function's signature; a value that cannot be sent
// (a channel, a function, a mutex) is an error that names it. Values are
// shared explicitly through a Queue. What a child prints appears in the
// cell that started it, each line prefixed with the process's name.
package proc

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/golab-notebooks/golab/runtime/display"

	"github.com/golab-notebooks/golab/internal/wakeups"
)

// Function is a notebook function with its name, which the child process
// needs to find it. The kernel writes proc.Start(hello, …) as
// proc.Start(proc.Func("hello", hello), …); cells need not call Func.
type Function struct {
	Name  string
	Value any
}

// Func names a function for Start, Run and Map.
func Func(name string, f any) *Function { return &Function{Name: name, Value: f} }

// Launcher starts child processes; the golab worker installs it. Outside
// a golab notebook there is none, and Start says so.
type Launcher interface {
	// Launch starts a process running the named function with encoded
	// arguments; it returns the running child.
	Launch(name, function string, args []json.RawMessage) (Child, error)
}

// Child is a running process, as the launcher sees it.
type Child interface {
	Pid() int
	// Wait waits for the process and returns its encoded results, or an
	// error describing how it failed (a panic, an exit status).
	Wait() ([]json.RawMessage, error)
	// Kill ends the process.
	Kill() error
}

var (
	mu       sync.Mutex
	launcher Launcher
	started  int
	self     = "MainProcess"
	children = map[int]*Process{}
)

// SetLauncher installs the launcher (the golab worker does).
func SetLauncher(l Launcher) {
	mu.Lock()
	defer mu.Unlock()
	launcher = l
}

func currentLauncher() Launcher {
	mu.Lock()
	defer mu.Unlock()
	return launcher
}

// SetName sets the name Name reports (a child process is told its name).
func SetName(name string) {
	mu.Lock()
	defer mu.Unlock()
	self = name
}

// Name returns the name of the calling process: "MainProcess" in the
// notebook, "Process-1", "Process-2", … in the processes it starts.
func Name() string {
	mu.Lock()
	defer mu.Unlock()
	return self
}

// Process is a started child process.
type Process struct {
	name     string
	function *Function
	child    Child
	done     chan struct{}
	results  []any
	err      error
}

// Start runs a notebook function, with arguments, in a new process.
func Start(f any, args ...any) (*Process, error) {
	fn, ok := f.(*Function)
	if !ok && reflect.TypeOf(f) != nil && reflect.TypeOf(f).Kind() == reflect.Func && currentLauncher() == nil {
		return nil, errors.New("proc.Start: processes are started from a notebook's cells, not from a compiled program (a cell with package main and func main, run by go build): write the code as cells without package main and func main, or start the program's processes with os/exec")
	}
	if !ok {
		return nil, fmt.Errorf("proc.Start: pass a function declared in a cell by its name, as in proc.Start(hello, …) (got %T)", f)
	}
	ft := reflect.TypeOf(fn.Value)
	if ft == nil || ft.Kind() != reflect.Func {
		return nil, fmt.Errorf("proc.Start: %s is not a function", fn.Name)
	}
	if err := checkArity(fn.Name, ft, len(args)); err != nil {
		return nil, err
	}
	encoded := make([]json.RawMessage, len(args))
	for i, a := range args {
		raw, err := json.Marshal(a)
		if err != nil {
			return nil, fmt.Errorf("proc.Start: argument %d of %s (%T) cannot be sent to another process: %v; processes share no memory, so send plain values (numbers, strings, slices, maps, structs) or use a proc.Queue", i+1, fn.Name, a, err)
		}
		encoded[i] = raw
	}
	mu.Lock()
	l := launcher
	started++
	name := fmt.Sprintf("Process-%d", started)
	mu.Unlock()
	if l == nil {
		return nil, errors.New("proc.Start: processes can be started from a golab notebook (no launcher is installed)")
	}
	child, err := l.Launch(name, fn.Name, encoded)
	if err != nil {
		return nil, fmt.Errorf("proc.Start %s: %w", name, err)
	}
	p := &Process{name: name, function: fn, child: child, done: make(chan struct{})}
	mu.Lock()
	children[child.Pid()] = p
	mu.Unlock()
	go p.wait()
	return p, nil
}

func checkArity(name string, ft reflect.Type, n int) error {
	want := ft.NumIn()
	if ft.IsVariadic() && n >= want-1 {
		return nil
	}
	if n != want {
		return fmt.Errorf("proc.Start: %s takes %d arguments, got %d", name, want, n)
	}
	return nil
}

func (p *Process) wait() {
	raw, err := p.child.Wait()
	if err == nil {
		p.results, err = decodeResults(p.function, raw)
	}
	p.err = err
	mu.Lock()
	delete(children, p.child.Pid())
	mu.Unlock()
	close(p.done)
}

// decodeResults decodes a child's results into the function's result types.
func decodeResults(fn *Function, raw []json.RawMessage) ([]any, error) {
	ft := reflect.TypeOf(fn.Value)
	if len(raw) != ft.NumOut() {
		return nil, fmt.Errorf("%s returned %d results, want %d", fn.Name, len(raw), ft.NumOut())
	}
	out := make([]any, len(raw))
	for i := range raw {
		v := reflect.New(ft.Out(i))
		if err := json.Unmarshal(raw[i], v.Interface()); err != nil {
			return nil, fmt.Errorf("result %d of %s: %w", i+1, fn.Name, err)
		}
		out[i] = v.Elem().Interface()
	}
	return out, nil
}

// Name returns the process's name, such as "Process-1".
func (p *Process) Name() string { return p.name }

// Pid returns the operating system's process id.
func (p *Process) Pid() int { return p.child.Pid() }

// Join waits for the process to end and returns its function's result
// (the first, if it has several; nil if none), or how it failed.
func (p *Process) Join() (any, error) {
	<-p.done
	if p.err != nil {
		return nil, p.err
	}
	if len(p.results) == 0 {
		return nil, nil
	}
	return p.results[0], nil
}

// Results waits for the process and returns all its function's results.
func (p *Process) Results() ([]any, error) {
	<-p.done
	return p.results, p.err
}

// Alive reports whether the process is still running.
func (p *Process) Alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Terminate ends the process at once; Join then reports that it was
// killed.
func (p *Process) Terminate() error {
	if !p.Alive() {
		return nil
	}
	if err := p.child.Kill(); err != nil {
		return fmt.Errorf("terminate %s: %w", p.name, err)
	}
	return nil
}

// String describes the process as Python's multiprocessing does.
func (p *Process) String() string {
	state := "started"
	if !p.Alive() {
		state = "stopped"
		if p.err != nil {
			state = "failed"
		}
	}
	return fmt.Sprintf("<Process name='%s' pid=%d %s>", p.name, p.child.Pid(), state)
}

// Run starts f in a new process and waits for its result.
func Run(f any, args ...any) (any, error) {
	p, err := Start(f, args...)
	if err != nil {
		return nil, err
	}
	return p.Join()
}

// JoinTimeout waits at most d for the process; it reports whether the
// process ended.
func (p *Process) JoinTimeout(d time.Duration) bool {
	t := wakeups.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.done:
		return true
	case <-t.C:
		return false
	}
}

// Map calls f on each input in its own process, at most workers at a
// time, and returns the results in the order of the inputs, showing a
// progress bar while it works.
func Map(f any, inputs []any, workers int) ([]any, error) {
	workers = max(workers, 1)
	results := make([]any, len(inputs))
	errs := make([]error, len(inputs))
	bar := display.NewProgress("proc.Map", len(inputs))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, in := range inputs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			p, err := Start(f, in)
			if err == nil {
				results[i], err = p.Join()
			}
			errs[i] = err
			bar.Add(1)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return results, fmt.Errorf("proc.Map: input %d: %w", i+1, err)
		}
	}
	return results, nil
}

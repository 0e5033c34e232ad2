package worker

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/runtime/proc"
)

// This file lets cells start notebook functions in new processes
// (golab/proc). A child is this executable run as `golab proc`: a fresh
// interpreter that loads the notebook's journal by the rules of a restore
// (see replaySource and Worker.restore), then calls the function and
// sends back its results.
// Children stay in the worker's process group, which the kernel ends on
// interrupt, restart and shutdown: none is left behind.

// procRequest is what a child reads on its standard input.
type procRequest struct {
	Name     string            // "Process-1"
	Function string            // the notebook function to call
	Cells    []string          // the notebook's journal: each cell's replay source
	Args     []json.RawMessage // the arguments, as JSON
}

// procResult is what a child writes on file descriptor 3.
type procResult struct {
	Results []json.RawMessage
	Error   string
}

// launcher starts child processes for golab/proc.
type launcher struct {
	mu    sync.Mutex
	cells []string // the replay source of each cell run so far
}

func (l *launcher) record(decls string) {
	if strings.TrimSpace(decls) == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cells = append(l.cells, decls)
}

// Launch implements proc.Launcher.
func (l *launcher) Launch(name, function string, args []json.RawMessage) (proc.Child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the golab executable: %w", err)
	}
	l.mu.Lock()
	req := procRequest{Name: name, Function: function, Cells: append([]string(nil), l.cells...), Args: args}
	l.mu.Unlock()
	raw, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode the request: %w", err)
	}
	resultR, resultW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("make a pipe: %w", err)
	}
	cmd := exec.Command(exe, procCommand...)
	cmd.Env = append(os.Environ(), "GOLAB_PROC_CHILD=1")
	cmd.Stdin = strings.NewReader(string(raw))
	cmd.ExtraFiles = []*os.File{resultW}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("pipe the child's output: %w", err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("pipe the child's errors: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the process: %w", err)
	}
	resultW.Close()
	c := &child{cmd: cmd, name: name}
	c.copying.Add(2)
	go c.forward(stdout, os.Stdout)
	go c.forward(stderr, os.Stderr)
	c.result = make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(resultR)
		resultR.Close()
		c.result <- b
	}()
	return c, nil
}

// procCommand is the golab command line of a child process.
var procCommand = []string{"proc"}

// child is a running child process.
type child struct {
	cmd     *exec.Cmd
	name    string
	copying sync.WaitGroup
	result  chan []byte
	lastErr []string // the last lines it wrote to stderr
	mu      sync.Mutex
}

// forward copies the child's output line by line, each prefixed with its
// name, into the cell's output.
func (c *child) forward(r io.Reader, dst *os.File) {
	defer c.copying.Done()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if dst == os.Stderr {
			c.mu.Lock()
			c.lastErr = append(c.lastErr, line)
			if len(c.lastErr) > 20 {
				c.lastErr = c.lastErr[1:]
			}
			c.mu.Unlock()
		}
		fmt.Fprintf(dst, "[%s] %s\n", c.name, line)
	}
}

func (c *child) Pid() int { return c.cmd.Process.Pid }

func (c *child) Kill() error { return c.cmd.Process.Kill() }

func (c *child) Wait() ([]json.RawMessage, error) {
	raw := <-c.result
	c.copying.Wait()
	waitErr := c.cmd.Wait()
	var res procResult
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &res); err != nil {
			return nil, fmt.Errorf("%s sent an unreadable result: %w", c.name, err)
		}
		if res.Error != "" {
			return nil, fmt.Errorf("%s: %s", c.name, res.Error)
		}
		return res.Results, nil
	}
	c.mu.Lock()
	tail := strings.Join(c.lastErr, "\n")
	c.mu.Unlock()
	var exit *exec.ExitError
	if errors.As(waitErr, &exit) {
		if tail != "" {
			tail = ":\n" + tail
		}
		return nil, fmt.Errorf("%s ended without a result (%v)%s", c.name, exit, tail)
	}
	return nil, fmt.Errorf("%s ended without a result: %v", c.name, waitErr)
}

// ProcMain is the `golab proc` command: a child process that loads the
// notebook's declarations, calls one function and reports its results on
// file descriptor 3.
func ProcMain() error {
	out := os.NewFile(3, "result")
	if out == nil || os.Getenv("GOLAB_PROC_CHILD") != "1" {
		return errors.New("golab proc is started by golab/proc in a notebook, not by hand")
	}
	var req procRequest
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		return fmt.Errorf("golab proc: read the request: %w", err)
	}
	res := runInChild(req)
	if err := json.NewEncoder(out).Encode(res); err != nil {
		return fmt.Errorf("golab proc: send the result: %w", err)
	}
	return out.Close()
}

func runInChild(req procRequest) (res procResult) {
	defer func() {
		if r := recover(); r != nil {
			res = procResult{Error: fmt.Sprintf("panic: %v", r)}
		}
	}()
	proc.SetName(req.Name)
	cellCommandLine()
	w, err := New("child", io.Discard)
	if err != nil {
		return procResult{Error: err.Error()}
	}
	w.frames.quiet = true
	// The notebook's journal, loaded by the rules of a restore: what does
	// not load is said on the child's stderr, and matters only if the
	// function needs it.
	r := w.restore(req.Cells, nil)
	if note := failure.ChildLoaded(r.zeroed, r.skipped, r.lost); note != "" {
		fmt.Fprintln(os.Stderr, note)
	}
	fv, err := w.interp.Eval(req.Function)
	if err != nil || fv.Kind() != reflect.Func {
		if len(r.lost) > 0 {
			return procResult{Error: fmt.Sprintf("%s could not be loaded in the new process: of the notebook's declarations, these did not load: %s", req.Function, strings.Join(r.lost, ", "))}
		}
		return procResult{Error: fmt.Sprintf("%s is not a function the notebook declared (with func %s(…) in a cell)", req.Function, req.Function)}
	}
	ft := fv.Type()
	args := make([]reflect.Value, len(req.Args))
	for i, raw := range req.Args {
		t := ft.In(min(i, ft.NumIn()-1))
		if ft.IsVariadic() && i >= ft.NumIn()-1 {
			t = t.Elem()
		}
		v := reflect.New(t)
		if err := json.Unmarshal(raw, v.Interface()); err != nil {
			return procResult{Error: fmt.Sprintf("argument %d of %s: %v", i+1, req.Function, err)}
		}
		args[i] = v.Elem()
	}
	results := fv.Call(args)
	for i, r := range results {
		raw, err := json.Marshal(r.Interface())
		if err != nil {
			return procResult{Error: fmt.Sprintf("result %d of %s (%s) cannot be sent back: %v", i+1, req.Function, r.Type(), err)}
		}
		res.Results = append(res.Results, raw)
	}
	return res
}

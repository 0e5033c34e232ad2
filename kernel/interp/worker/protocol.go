// Package worker is the process that owns the yaegi interpreter.
//
// The kernel process keeps the Jupyter sockets and starts `golab worker` as
// a child. A panic in an interpreted goroutine, concurrent map writes or an
// interpreter bug can kill the process that runs the cell; with the
// interpreter in a worker, that kills only the worker, and the kernel tells
// the learner and starts a new one. The two speak package protocol.
package worker

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"

	"github.com/golab-notebooks/golab/internal/inherited"
	"golang.org/x/sys/unix"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// MaxStack is the most stack, in bytes, one goroutine of the worker may use.
const MaxStack = 256 << 20

// limitAddressSpace applies the address space limit the supervisor asks
// for. Only the soft limit is set, so child processes inherit it but may
// raise it.
func limitAddressSpace() error {
	v := os.Getenv(protocol.AddressSpaceEnv)
	if v == "" {
		return nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return fmt.Errorf("golab worker: %s=%q is not a number of bytes", protocol.AddressSpaceEnv, v)
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_AS, &lim); err != nil {
		return fmt.Errorf("golab worker: read the address space limit: %w", err)
	}
	if n < lim.Cur {
		lim.Cur = n
		if err := unix.Setrlimit(unix.RLIMIT_AS, &lim); err != nil {
			return fmt.Errorf("golab worker: limit the address space to %d bytes: %w", n, err)
		}
	}
	return nil
}

// TestWorkerEnv, set to "1", makes a test binary whose TestMain calls
// ServeIfTestWorker act as the kernel's worker process, so that tests can
// start supervisors with the test binary itself as the worker command.
const TestWorkerEnv = "GOLAB_TEST_WORKER"

// ServeIfTestWorker runs Main and exits when TestWorkerEnv is "1"; else it
// returns at once.
func ServeIfTestWorker() {
	if os.Getenv(TestWorkerEnv) != "1" {
		return
	}
	// The helpers' source is the repository's, as the golab binary embeds it.
	for dir, _ := os.Getwd(); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			HelperModule = os.DirFS(dir)
			break
		}
	}
	if err := Main(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Main is the body of `golab worker`: it serves requests from file
// descriptor 3 and writes events to file descriptor 4, as the supervisor
// arranges them.
func Main() error {
	token := os.Getenv("GOLAB_WORKER_TOKEN")
	if token == "" {
		return errors.New("golab worker is started by the golab kernel, not by hand (GOLAB_WORKER_TOKEN is not set)")
	}
	// The request and event pipes must not leak into the processes cells
	// start (a child that wrote to the event pipe would speak for the
	// worker), and waiting for the next request must not block in a system
	// call (see package inherited: it hung the worker).
	in, err := inherited.File(3, "requests")
	if err != nil {
		return fmt.Errorf("golab worker: %w", err)
	}
	out, err := inherited.File(4, "events")
	if err != nil {
		return fmt.Errorf("golab worker: %w", err)
	}
	// The interrupt pipe (see Worker.stopOnInterrupt) is absent when a
	// kernel of an older golab started this worker: SIGINT then suffices.
	interrupts, err := inherited.File(5, "interrupts")
	if err != nil {
		interrupts = nil
	}
	if err := limitAddressSpace(); err != nil {
		return err
	}
	cellCommandLine()
	// A runaway recursion should end in about a second with Go's "stack
	// overflow", not grow towards Go's 1 GB default (measured: yaegi
	// frames take about 600 bytes, so 256 MiB allows a depth of ~440,000).
	debug.SetMaxStack(MaxStack)
	w, err := New(token, out)
	if err != nil {
		return err
	}
	// The worker leads its own process group (the supervisor starts it so):
	// when the kernel is gone, end the group, with the processes cells started.
	w.OnKernelGone = func() {
		_ = unix.Kill(-os.Getpid(), unix.SIGKILL)
		os.Exit(0)
	}
	return w.Serve(in, interrupts)
}

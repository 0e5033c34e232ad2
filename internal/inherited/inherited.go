// Package inherited opens the file descriptors a process inherits from
// its parent (the worker's request and event pipes, a compiled program's
// output pipes) so that waiting on them never blocks inside a system call.
//
// Why it matters: with Go 1.26's scheduler, a goroutine that enters a
// blocking system call at the moment another goroutine stops the world
// (runtime.Stack of all goroutines, which golab's deadlock watcher takes,
// or the garbage collector) keeps its P, and the stop waits until that
// system call returns. A blocking read of the request pipe returns only
// when the kernel sends the next request, and the kernel waits for the
// answer to the current one: the worker hung, about once in 5,000 cells
// on a loaded machine (measured: hangs after 2,246, 2,520, 3,073 and
// 10,743 cells). A descriptor in non-blocking mode is read through Go's
// network poller instead: the goroutine parks, and no thread sits in a
// system call.
package inherited

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// File returns the inherited descriptor fd as a file that Go's poller
// serves, closed on exec so that the processes the caller starts do not
// inherit it in turn. It fails when fd is not open.
func File(fd int, name string) (*os.File, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, fmt.Errorf("file descriptor %d (%s) is not open: %w", fd, name, err)
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, fmt.Errorf("make file descriptor %d (%s) non-blocking: %w", fd, name, err)
	}
	// os.NewFile sees the non-blocking flag and registers fd with the poller.
	return os.NewFile(uintptr(fd), name), nil
}

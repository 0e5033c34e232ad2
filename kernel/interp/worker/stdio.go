package worker

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// stdio keeps copies of the worker's standard output and error, so that a
// cell that closes one (os.Stdout.Close(), or a library that does) does
// not silence every later cell: fmt.Println then failed with "file already
// closed", which nobody saw.
type stdio struct {
	out, err int // copies of fd 1 and 2, closed on exec
}

// saveStdio copies the worker's fd 1 and 2.
func saveStdio() (stdio, error) {
	out, err := unix.FcntlInt(1, unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return stdio{}, fmt.Errorf("copy the worker's standard output: %w", err)
	}
	errFd, err := unix.FcntlInt(2, unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		unix.Close(out)
		return stdio{}, fmt.Errorf("copy the worker's standard error: %w", err)
	}
	return stdio{out: out, err: errFd}, nil
}

// reopen gives the process its standard output and error back when a cell
// closed them, with new os.Stdout and os.Stderr, and says so; it returns
// "" when nothing was closed.
func (s stdio) reopen() string {
	var reopened []string
	for _, std := range []struct {
		file  **os.File
		fd    int
		saved int
		name  string
	}{
		{&os.Stdout, 1, s.out, "os.Stdout"},
		{&os.Stderr, 2, s.err, "os.Stderr"},
	} {
		if (*std.file).Fd() != ^uintptr(0) {
			continue // still open
		}
		if _, err := unix.FcntlInt(uintptr(std.fd), unix.F_GETFD, 0); err == nil {
			continue // the number was given to a file the cell opened since: leave it be
		}
		if err := unix.Dup2(std.saved, std.fd); err != nil {
			continue // it stays closed; nothing better to do than before
		}
		*std.file = os.NewFile(uintptr(std.fd), "/dev/"+strings.ToLower(strings.TrimPrefix(std.name, "os.")))
		reopened = append(reopened, std.name)
	}
	if len(reopened) == 0 {
		return ""
	}
	return fmt.Sprintf("golab: the cell closed %s; golab opened it again, so what later cells print is shown.\n", strings.Join(reopened, " and "))
}

// stdoutNow and stderrNow write to os.Stdout and os.Stderr as they are at
// each write: stdio.reopen may have replaced them.
type (
	stdoutNow struct{}
	stderrNow struct{}
)

func (stdoutNow) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
func (stderrNow) Write(p []byte) (int, error) { return os.Stderr.Write(p) }

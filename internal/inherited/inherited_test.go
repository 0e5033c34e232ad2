package inherited

import (
	"errors"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// inheritedPipe returns a pipe whose read end is a bare, blocking
// descriptor, as a child process finds the pipes its parent passed.
func inheritedPipe(t *testing.T) (fd int, w *os.File) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	w = os.NewFile(uintptr(p[1]), "write end")
	t.Cleanup(func() { w.Close() })
	return p[0], w
}

func TestFileIsServedByThePoller(t *testing.T) {
	fd, w := inheritedPipe(t)
	f, err := File(fd, "requests")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Deadlines work only on files the poller serves; a blocking
	// descriptor answers os.ErrNoDeadline.
	if err := f.SetReadDeadline(time.Now().Add(20 * time.Millisecond)); err != nil {
		t.Fatalf("SetReadDeadline: %v (the file is read with blocking system calls)", err)
	}
	if _, err := f.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read of an empty pipe: %v, want a deadline error", err)
	}
	if err := f.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if n, err := f.Read(b); n != 1 || err != nil || b[0] != 'x' {
		t.Fatalf("read %q, %v", b[:n], err)
	}
	flags, err := fcntl(fd, unix.F_GETFD)
	if err != nil {
		t.Fatal(err)
	}
	if flags&unix.FD_CLOEXEC == 0 {
		t.Error("the descriptor would be inherited by child processes")
	}
}

func TestFileRefusesAClosedDescriptor(t *testing.T) {
	fd, _ := inheritedPipe(t)
	unix.Close(fd)
	if _, err := File(fd, "events"); err == nil {
		t.Fatal("File accepted a closed descriptor")
	}
}

func fcntl(fd, cmd int) (int, error) {
	return unix.FcntlInt(uintptr(fd), cmd, 0)
}

package supervisor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// privateDirPrefix starts the name of each kernel's private directory in
// the system's temporary directory; the kernel's process ID follows, so a
// later kernel can remove the directory of one that was killed.
const privateDirPrefix = "golab-kernel-"

// makePrivateDir makes the kernel's private directory (mode 0700, an
// unpredictable name), after removing those of kernels no longer running.
// Like Python's tempfile (and so ipykernel), it takes the first usable
// place of $TMPDIR, /tmp, /var/tmp, /usr/tmp and the working directory: a
// TMPDIR that is missing or a regular file must not keep the kernel from
// starting.
func makePrivateDir() (string, error) {
	var tried []error
	for _, parent := range tempParents() {
		removeStaleDirs(parent)
		dir, err := os.MkdirTemp(parent, privateDirPrefix+strconv.Itoa(os.Getpid())+"-")
		if err == nil {
			return dir, nil
		}
		tried = append(tried, err)
	}
	return "", fmt.Errorf("make the kernel's private directory: %w", errors.Join(tried...))
}

// tempParents lists the places a private directory may go, best first.
func tempParents() []string {
	places := []string{os.TempDir(), "/tmp", "/var/tmp", "/usr/tmp"}
	if wd, err := os.Getwd(); err == nil {
		places = append(places, wd)
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range places {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// removeStaleDirs removes the private directories, in parent, of golab
// kernels whose process has ended.
func removeStaleDirs(parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), privateDirPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid == os.Getpid() {
			continue
		}
		if err := unix.Kill(pid, 0); errors.Is(err, unix.ESRCH) {
			_ = os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}

// workerDir makes the temporary directory of the n-th worker: its TMPDIR,
// where golab/proc, %race and the cells' own temporary files go. It is
// removed when the worker is replaced.
func (s *Supervisor) workerDir() (string, error) {
	s.workers++
	dir := filepath.Join(s.dir, fmt.Sprintf("worker-%d", s.workers))
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", fmt.Errorf("make the worker's temporary directory: %w", err)
	}
	return dir, nil
}

// rssBytes returns the resident memory of a process, from /proc.
func rssBytes(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0, false
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * int64(os.Getpagesize()), true
}

// processStopped reports whether a process is stopped by a signal (state
// T in /proc), as SIGSTOP leaves it.
func processStopped(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and may
	// itself contain spaces or parentheses.
	i := strings.LastIndexByte(string(b), ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'T'
}

package native

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"plugin"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/golab-notebooks/golab/kernel/interp/stop"
)

// CacheEnv names the environment variable that moves the cache of built
// plugins from the user's cache directory (golab/compile there).
const CacheEnv = "GOLAB_COMPILE_CACHE"

// toolchain is what building plugins here needs, found once.
type toolchain struct {
	goBin string
	flags []string // go build flags that must match golab's own build
	env   []string // environment settings that must match too (GOAMD64=v1)
	why   string   // why plugins cannot be built or opened here, or ""
}

// findToolchain looks for the go command and a C compiler, and compares
// the toolchain and flags with golab's own build: plugin.Open refuses a
// plugin whose shared packages (the runtime, the standard library) were
// built any other way.
var findToolchain = sync.OnceValue(func() toolchain {
	if !cgoBuilt {
		return toolchain{why: "this golab was built without cgo (CGO_ENABLED=0), and Go opens plugins only in programs built with cgo"}
	}
	switch runtime.GOOS {
	case "linux", "darwin", "freebsd":
	default:
		return toolchain{why: "Go plugins work on Linux, macOS and FreeBSD only, not on " + runtime.GOOS}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return toolchain{why: "the Go toolchain (the go command) is not installed here"}
	}
	out, err := exec.Command(goBin, "env", "GOVERSION", "CC").Output()
	if err != nil {
		return toolchain{why: fmt.Sprintf("go env failed: %v", err)}
	}
	fields := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(fields) < 2 {
		return toolchain{why: "go env did not say its version and C compiler"}
	}
	if version := strings.TrimSpace(fields[0]); version != runtime.Version() {
		return toolchain{why: fmt.Sprintf("the go command here is %s and golab was built by %s: a plugin must be built by the toolchain that built golab", version, runtime.Version())}
	}
	cc := strings.Fields(fields[1])
	if len(cc) == 0 {
		cc = []string{"gcc"}
	}
	if _, err := exec.LookPath(cc[0]); err != nil {
		return toolchain{why: fmt.Sprintf("no C compiler (%s), which go build -buildmode=plugin needs", cc[0])}
	}
	t := toolchain{goBin: goBin}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return toolchain{why: "golab's build information is missing, so its build flags are unknown"}
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "-trimpath", "-race", "-msan", "-asan":
			if s.Value == "true" {
				t.flags = append(t.flags, s.Key)
			}
		case "-tags", "-gcflags", "-asmflags":
			t.flags = append(t.flags, s.Key+"="+s.Value)
		case "GOAMD64", "GOARM64", "GOARM", "GO386", "GOEXPERIMENT":
			t.env = append(t.env, s.Key+"="+s.Value)
		}
	}
	return t
})

// Unavailable returns why %compile cannot work here, or "" when it can.
func Unavailable() string { return findToolchain().why }

// cacheRoot is the folder of built plugins.
func cacheRoot() (string, error) {
	if dir := os.Getenv(CacheEnv); dir != "" {
		return dir, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the user's cache folder: %w", err)
	}
	return filepath.Join(dir, "golab", "compile"), nil
}

// BuildError is the compiler's refusal of a unit, at cell lines.
type BuildError struct {
	Lines []CompilerMessage
	Text  string // the compiler's whole output
}

// CompilerMessage is one of the compiler's messages.
type CompilerMessage struct {
	Line, Column int
	Message      string
}

func (e *BuildError) Error() string {
	if len(e.Lines) > 0 {
		m := e.Lines[0]
		return fmt.Sprintf("cell line %d, column %d: %s", m.Line, m.Column, m.Message)
	}
	return "go build failed: " + strings.TrimSpace(e.Text)
}

// compilerLine matches "cell:12:5: message" (the //line directive names
// the file "cell"; a message about a line golab's directive starts has no
// column).
var compilerLine = regexp.MustCompile(`(?m)^cell:(\d+)(?::(\d+))?: (.*)$`)

// Built is a unit's plugin on disk.
type Built struct {
	Path   string
	Cached bool // it was built before, by this worker or an earlier one
}

// ErrInterrupted is Build's error when it was asked to stop.
var ErrInterrupted = errors.New("the build was interrupted")

// Build returns the unit's plugin, built by the Go toolchain unless the
// cache has it (intact: a plugin cut short would crash plugin.Open, so
// its checksum is kept beside it and checked). It is safe for workers of
// several kernels at once: a build happens in a folder of its own and is
// renamed into place. A build stops, with ErrInterrupted, once
// interrupted reports true (polled every 20 ms).
func Build(u *Unit, interrupted func() bool) (Built, error) {
	t := findToolchain()
	if t.why != "" {
		return Built{}, errors.New(t.why)
	}
	root, err := cacheRoot()
	if err != nil {
		return Built{}, err
	}
	dir := filepath.Join(root, u.Hash+"-"+hashOf(runtime.Version(), strings.Join(t.flags, " "), strings.Join(t.env, " ")))
	so := filepath.Join(dir, "cell.so")
	if intact(so) {
		return Built{Path: so, Cached: true}, nil
	}
	if _, err := os.Stat(dir); err == nil {
		if err := os.RemoveAll(dir); err != nil {
			return Built{}, fmt.Errorf("remove a damaged plugin from the cache: %w", err)
		}
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return Built{}, fmt.Errorf("make the plugin cache: %w", err)
	}
	tmp, err := os.MkdirTemp(root, "build-")
	if err != nil {
		return Built{}, fmt.Errorf("make a build folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	mod := fmt.Sprintf("module %s\n\ngo %s\n", u.ImportPath(), languageVersion())
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte(mod), 0o644); err != nil {
		return Built{}, fmt.Errorf("write the plugin's go.mod: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "main.go"), []byte(u.Source), 0o644); err != nil {
		return Built{}, fmt.Errorf("write the plugin's source: %w", err)
	}
	args := append([]string{"build", "-buildmode=plugin"}, t.flags...)
	args = append(args, "-o", "cell.so", ".")
	cmd := exec.Command(t.goBin, args...)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=", "CGO_ENABLED=1")
	cmd.Env = append(cmd.Env, t.env...)
	if out, err := runUnless(cmd, interrupted); err != nil {
		if errors.Is(err, ErrInterrupted) {
			return Built{}, err
		}
		be := &BuildError{Text: string(out)}
		for _, m := range compilerLine.FindAllStringSubmatch(string(out), -1) {
			line, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2]) // 0 when absent
			be.Lines = append(be.Lines, CompilerMessage{line, col, m[3]})
		}
		return Built{}, be
	}
	sum, err := checksum(filepath.Join(tmp, "cell.so"))
	if err != nil {
		return Built{}, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "cell.so.sha256"), []byte(sum), 0o644); err != nil {
		return Built{}, fmt.Errorf("write the plugin's checksum: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if intact(so) {
			return Built{Path: so}, nil // another worker built it meanwhile
		}
		return Built{}, fmt.Errorf("keep the plugin in the cache: %w", err)
	}
	return Built{Path: so}, nil
}

// runUnless runs cmd and returns its combined output, or kills it and
// returns ErrInterrupted once interrupted reports true.
func runUnless(cmd *exec.Cmd, interrupted func() bool) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the compiler's processes too
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start go build: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return out.Bytes(), err
		case <-tick.C:
			if interrupted != nil && interrupted() {
				_ = unix.Kill(-cmd.Process.Pid, unix.SIGKILL)
				<-done
				return out.Bytes(), ErrInterrupted
			}
		}
	}
}

// checksum returns the SHA-256 of a file, in hex.
func checksum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read the plugin: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read the plugin: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// intact reports whether a cached plugin is there and is what was built.
func intact(so string) bool {
	want, err := os.ReadFile(so + ".sha256")
	if err != nil {
		return false
	}
	got, err := checksum(so)
	return err == nil && got == string(want)
}

// languageVersion is the go line of a plugin's go.mod: this toolchain's
// language version ("1.26").
func languageVersion() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return v
}

// Open opens a unit's plugin and returns its functions by their exported
// names, for the interpreter's package ImportPath. Its safe points stop on
// an interrupt from then on (stop.Watch).
func Open(path string) (map[string]reflect.Value, error) {
	p, err := plugin.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open the plugin: %w", err)
	}
	funcs, err := lookup[*map[string]any](p, "GolabFuncs")
	if err != nil {
		return nil, err
	}
	flag, err := lookup[*atomic.Bool](p, "GolabStop")
	if err != nil {
		return nil, err
	}
	unwind, err := lookup[*func()](p, "GolabUnwind")
	if err != nil {
		return nil, err
	}
	panicked, err := lookup[*func(any, []string, []int)](p, "GolabPanicked")
	if err != nil {
		return nil, err
	}
	*unwind = stop.Unwind
	*panicked = recordPanic
	stop.Watch(flag)
	out := map[string]reflect.Value{}
	for name, fn := range *funcs {
		out[name] = reflect.ValueOf(fn)
	}
	return out, nil
}

// Frame is a compiled function's frame in a panic: the function, as the
// %compile cell names it ("fib", "sum.func1" for a literal in sum), and
// the line in that cell.
type Frame struct {
	Func string
	Line int
}

// lastPanic is the last panic that went through a compiled function.
var lastPanic struct {
	sync.Mutex
	value  string
	frames []Frame
}

// recordPanic is each plugin's GolabPanicked.
func recordPanic(v any, funcs []string, lines []int) {
	frames := make([]Frame, len(funcs))
	for i, fn := range funcs {
		// "golab.compiled/c0123….fib.func1" → "fib.func1"
		fn = fn[strings.LastIndex(fn, "/")+1:]
		if _, rest, ok := strings.Cut(fn, "."); ok {
			fn = rest
		}
		frames[i] = Frame{Func: fn, Line: lines[i]}
	}
	lastPanic.Lock()
	defer lastPanic.Unlock()
	lastPanic.value, lastPanic.frames = fmt.Sprint(v), frames
}

// PanicFrames returns, and forgets, the compiled frames of the last panic
// that went through a compiled function, if its value prints as v does:
// where in its %compile cell the panic happened.
func PanicFrames(v any) []Frame {
	lastPanic.Lock()
	defer lastPanic.Unlock()
	frames := lastPanic.frames
	if frames == nil || lastPanic.value != fmt.Sprint(v) {
		return nil
	}
	lastPanic.frames = nil
	return frames
}

// lookup returns the plugin's symbol name as a T.
func lookup[T any](p *plugin.Plugin, name string) (T, error) {
	var zero T
	sym, err := p.Lookup(name)
	if err != nil {
		return zero, fmt.Errorf("look up %s in the plugin: %w", name, err)
	}
	v, ok := sym.(T)
	if !ok {
		return zero, fmt.Errorf("the plugin's %s is a %T, not a %T", name, sym, zero)
	}
	return v, nil
}

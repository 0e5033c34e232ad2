package native

import (
	"errors"
	"fmt"
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
// the file "cell").
var compilerLine = regexp.MustCompile(`(?m)^cell:(\d+):(\d+): (.*)$`)

// Built is a unit's plugin on disk.
type Built struct {
	Path   string
	Cached bool // it was built before, by this worker or an earlier one
}

// Build returns the unit's plugin, built by the Go toolchain unless the
// cache has it. It is safe for workers of several kernels at once: a
// build happens in a folder of its own and is renamed into place.
func Build(u *Unit) (Built, error) {
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
	if _, err := os.Stat(so); err == nil {
		return Built{Path: so, Cached: true}, nil
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
	if out, err := cmd.CombinedOutput(); err != nil {
		be := &BuildError{Text: string(out)}
		for _, m := range compilerLine.FindAllStringSubmatch(string(out), -1) {
			line, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2])
			be.Lines = append(be.Lines, CompilerMessage{line, col, m[3]})
		}
		return Built{}, be
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(so); statErr == nil {
			return Built{Path: so}, nil // another worker built it meanwhile
		}
		return Built{}, fmt.Errorf("keep the plugin in the cache: %w", err)
	}
	return Built{Path: so}, nil
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
	*unwind = stop.Unwind
	stop.Watch(flag)
	out := map[string]reflect.Value{}
	for name, fn := range *funcs {
		out[name] = reflect.ValueOf(fn)
	}
	return out, nil
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

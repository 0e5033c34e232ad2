package fidelity

import (
	"bufio"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golab-notebooks/golab/kernel/interp/worker"
	"github.com/golab-notebooks/golab/kernel/jupyter/supervisor"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// TestMain lets the test binary double as the kernel's worker process.
func TestMain(m *testing.M) {
	worker.ServeIfTestWorker()
	os.Exit(m.Run())
}

// program is one corpus program.
type program struct {
	name   string // its directory
	source string
	expect string // "exact" or "sorted"
}

func loadCorpus(t *testing.T) []program {
	t.Helper()
	dirs, err := filepath.Glob("testdata/corpus/*/main.go")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no corpus programs in testdata/corpus: %v", err)
	}
	var out []program
	for _, path := range dirs {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(src), "\n")
		expect := strings.TrimSpace(strings.TrimPrefix(first, "// golab:expect"))
		if expect != "exact" && expect != "sorted" {
			t.Fatalf("%s: first line must be // golab:expect exact|sorted, not %q", path, first)
		}
		out = append(out, program{name: filepath.Base(filepath.Dir(path)), source: string(src), expect: expect})
	}
	return out
}

// knownDifferences reads "name: reason" lines.
func knownDifferences(t *testing.T) map[string]string {
	t.Helper()
	known := map[string]string{}
	f, err := os.Open("testdata/known-differences.txt")
	if os.IsNotExist(err) {
		return known
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, ":")
		known[strings.TrimSpace(name)] = strings.TrimSpace(reason)
	}
	return known
}

// compileAll builds every program with the Go toolchain, in one command.
func compileAll(t *testing.T, progs []program) string {
	t.Helper()
	bin := t.TempDir()
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	for _, p := range progs {
		args = append(args, "./testdata/corpus/"+p.name)
	}
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build of the corpus: %v\n%s", err, out)
	}
	return bin
}

func runCompiled(bin, name string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join(bin, name)).Output()
	return string(out), err
}

// capture collects what a cell streams, and whether go build compiled it.
type capture struct {
	mu             sync.Mutex
	stdout, stderr strings.Builder
	compiled       bool
}

func (c *capture) sink() *supervisor.Sink {
	return &supervisor.Sink{
		Stream: func(name, text string) {
			c.mu.Lock()
			defer c.mu.Unlock()
			if name == "stdout" {
				c.stdout.WriteString(text)
			} else {
				c.stderr.WriteString(text)
			}
		},
		Display: func(o protocol.Output) {
			if text, _ := o.Data["text/plain"].(string); strings.Contains(text, "compiled by go build") {
				c.mu.Lock()
				c.compiled = true
				c.mu.Unlock()
			}
		},
	}
}

// texts returns the stdout and stderr collected so far.
func (c *capture) texts() (string, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stdout.String(), c.stderr.String()
}

// newKernel starts a supervisor whose worker is this test binary.
func newKernel(t *testing.T) *supervisor.Supervisor {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s, err := supervisor.New(supervisor.Options{Command: []string{exe}, Log: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sortedLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestCorpusMatchesCompiledGo is the fidelity measure: every corpus
// program must print through the kernel what it prints compiled (exactly,
// or as the same lines in any order where the program says so), except the
// known differences, and at least 95% must match.
func TestCorpusMatchesCompiledGo(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and runs the whole corpus")
	}
	t.Setenv("GOLAB_TEST_WORKER", "1")
	// This measures the interpreter: whole programs would otherwise be compiled.
	t.Setenv(worker.WholeProgramsEnv, "interpret")
	progs := loadCorpus(t)
	known := knownDifferences(t)
	bin := compileAll(t, progs)
	passed := 0
	var failures []string
	for _, p := range progs {
		want, err := runCompiled(bin, p.name)
		if err != nil {
			t.Errorf("%s: the compiled program failed: %v", p.name, err)
			continue
		}
		got, stderr, cellErr := runInKernelWithStderr(t, p.source)
		if cellErr != nil && cellErr.Name == "timeout" {
			// Seen once in about a thousand program runs under the load
			// of the whole test suite, with no output at all, and not
			// reproduced alone: run it once more in a fresh kernel, and
			// say so, rather than hide or ignore it.
			t.Logf("%s: no answer within 60 s; running it once more", p.name)
			got, stderr, cellErr = runInKernelWithStderr(t, p.source)
		}
		same := cellErr == nil && got == want
		if p.expect == "sorted" {
			same = cellErr == nil && sortedLines(got) == sortedLines(want)
		}
		reason, isKnown := known[p.name]
		switch {
		case same && isKnown:
			t.Errorf("%s: now matches compiled Go; remove it from known-differences.txt", p.name)
			passed++
		case same:
			passed++
		case isKnown && cellErr == nil && !explains(stderr):
			t.Errorf("%s: a known difference, but the cell printed something else without a word (no error, no golab: note): %s", p.name, reason)
			failures = append(failures, p.name)
		case isKnown:
			failures = append(failures, fmt.Sprintf("%s (known: %s)", p.name, reason))
		default:
			detail := fmt.Sprintf("compiled printed:\n%s\nthe kernel printed:\n%s", want, got)
			if cellErr != nil {
				detail += fmt.Sprintf("\nthe cell failed: %s: %s\n%s", cellErr.Name, cellErr.Value, strings.Join(cellErr.Traceback, "\n"))
			}
			t.Errorf("%s (%s): differs from compiled Go\n%s", p.name, p.expect, detail)
			failures = append(failures, p.name)
		}
	}
	t.Logf("fidelity corpus: %d passed, %d failed of %d programs", passed, len(progs)-passed, len(progs))
	for _, f := range failures {
		t.Logf("  differs: %s", f)
	}
	fmt.Printf("fidelity corpus: %d passed, %d failed\n", passed, len(progs)-passed)
	concurrent := 0
	for _, p := range progs {
		if aboutConcurrency(t, p.source) {
			concurrent++
		}
	}
	t.Logf("%d programs about concurrency, %d about the rest of the language", concurrent, len(progs)-concurrent)
	if len(progs) < 150 || len(progs)-concurrent < 60 {
		t.Errorf("the corpus must hold at least 150 programs, 60 of them not about concurrency; it has %d and %d", len(progs), len(progs)-concurrent)
	}
	// The bar: at least 95% identical to compiled Go.
	const floor = 0.95
	if rate := float64(passed) / float64(len(progs)); rate < floor {
		t.Errorf("only %.0f%% of the corpus matches compiled Go; at least %.0f%% must", rate*100, floor*100)
	}
}

// TestWholeProgramsRunCompiled: a whole program pasted into a cell is built
// by the Go toolchain and gives byte for byte the stdout, the stderr and the
// exit status of the compiled program, for every corpus program.
func TestWholeProgramsRunCompiled(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and runs the whole corpus")
	}
	t.Setenv("GOLAB_TEST_WORKER", "1")
	progs := loadCorpus(t)
	bin := compileAll(t, progs)
	s := newKernel(t)
	defer s.Close()
	same := 0
	for _, p := range progs {
		cmd := exec.Command(filepath.Join(bin, p.name))
		var wantOut, wantErr strings.Builder
		cmd.Stdout, cmd.Stderr = &wantOut, &wantErr
		runErr := cmd.Run()
		wantStatus := "ok"
		if runErr != nil {
			wantStatus = "exit status " + fmt.Sprint(cmd.ProcessState.ExitCode())
		}

		var out capture
		sink := out.sink()
		res := s.Execute(p.source, false, nil, sink)
		gotStatus := res.Status
		if res.Status == "error" {
			gotStatus = res.Error.Name
			if gotStatus != wantStatus {
				t.Logf("%s: %s: %s", p.name, res.Error.Name, res.Error.Value)
			}
		}
		o, e := out.texts()
		e = withoutNotes(e)
		wo, we := wantOut.String(), wantErr.String()
		if p.expect == "sorted" {
			o, e, wo, we = sortedLines(o), sortedLines(e), sortedLines(wo), sortedLines(we)
		}
		switch {
		case !out.compiled:
			t.Errorf("%s: not compiled (no note that go build ran)", p.name)
		case o != wo || e != we || gotStatus != wantStatus:
			t.Errorf("%s: compiled in the kernel it gave\nstdout %q\nstderr %q\nstatus %s\nwant\nstdout %q\nstderr %q\nstatus %s",
				p.name, o, e, gotStatus, wo, we, wantStatus)
		default:
			same++
		}
	}
	t.Logf("whole programs compiled in the kernel: %d of %d identical to the compiled program", same, len(progs))
}

// aboutConcurrency reports whether a program starts goroutines, uses
// channels or select, or imports sync, sync/atomic or context.
func aboutConcurrency(t *testing.T, src string) bool {
	file, err := parser.ParseFile(token.NewFileSet(), "main.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range file.Imports {
		switch strings.Trim(imp.Path.Value, `"`) {
		case "sync", "sync/atomic", "context":
			return true
		}
	}
	found := false
	ast.Inspect(file, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.GoStmt, *ast.ChanType, *ast.SelectStmt, *ast.SendStmt:
			found = true
		}
		return !found
	})
	return found
}

// withoutNotes drops the kernel's own "golab: " lines from a cell's
// stderr, which say what the kernel did around the program (its
// declarations could not be kept for later cells, say), not what it printed.
func withoutNotes(stderr string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(stderr, "\n") {
		if !strings.HasPrefix(line, "golab: ") {
			b.WriteString(line)
		}
	}
	return b.String()
}

package fidelity

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/golab-notebooks/golab/kernel/interp/worker"
	"github.com/golab-notebooks/golab/kernel/jupyter/supervisor"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// PublicCorpusEnv names a directory of public Go programs, one per
// subdirectory (NAME/main.go), for TestPublicPrograms: for example Go by
// Example's examples and the Go Tour's _content/tour, copied out of their
// repositories. Their code is not part of golab, so the test reads them
// from wherever the reader put them.
const PublicCorpusEnv = "GOLAB_PUBLIC_CORPUS"

// outcome is how the kernel ran one public program, worst last.
type outcome string

const (
	outSame      outcome = "identical"
	outOrder     outcome = "same lines, other order"
	outNoted     outcome = "differs, and the cell said why"
	outRefused   outcome = "refused or failed with an error"
	outSilent    outcome = "differs silently"
	outUnrunable outcome = "skipped: does not build, or prints differently in a second run compiled"
)

var buildConstraint = regexp.MustCompile(`(?m)^//(go:build|\s*\+build) .*\n`)

// TestPublicPrograms measures the interpreter against programs written by
// others, not for golab: each program that builds and prints the same
// twice when compiled is run as one cell in a fresh kernel, and the
// outcome counted. It fails on any silent difference; it is skipped
// unless PublicCorpusEnv names the programs.
func TestPublicPrograms(t *testing.T) {
	dir := os.Getenv(PublicCorpusEnv)
	if dir == "" {
		t.Skip(PublicCorpusEnv + " is not set")
	}
	t.Setenv("GOLAB_TEST_WORKER", "1")
	t.Setenv(worker.WholeProgramsEnv, "interpret")
	paths, err := filepath.Glob(filepath.Join(dir, "*", "main.go"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no programs (NAME/main.go) in %s", dir)
	}
	counts := map[outcome][]string{}
	details := map[string]string{}
	work := t.TempDir()
	for _, path := range paths {
		name := filepath.Base(filepath.Dir(path))
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		source := buildConstraint.ReplaceAllString(string(src), "")
		want, ok := compileTwice(t, work, name, source)
		if !ok {
			counts[outUnrunable] = append(counts[outUnrunable], name)
			continue
		}
		got, stderr, cellErr := runInKernelWithStderr(t, source)
		var o outcome
		switch {
		case cellErr == nil && got == want:
			o = outSame
		case cellErr == nil && sortedLines(got) == sortedLines(want):
			o = outOrder
		case cellErr != nil:
			o = outRefused
			details[name] = cellErr.Name + ": " + firstLine(cellErr.Value)
		case explains(stderr):
			o = outNoted
			details[name] = firstDifference(got, want) + "; " + firstLine(stderr[strings.Index(stderr, "golab: "):])
		default:
			o = outSilent
			details[name] = firstDifference(got, want)
		}
		counts[o] = append(counts[o], name)
	}
	ran := len(paths) - len(counts[outUnrunable])
	fmt.Printf("public programs: %d, of which %d run deterministically compiled\n", len(paths), ran)
	for _, o := range []outcome{outSame, outOrder, outNoted, outRefused, outSilent, outUnrunable} {
		names := counts[o]
		sort.Strings(names)
		fmt.Printf("  %-55s %3d\n", o, len(names))
		if o == outSame || o == outUnrunable {
			continue
		}
		for _, n := range names {
			fmt.Printf("      %s: %s\n", n, details[n])
		}
	}
	if ran > 0 {
		fmt.Printf("identical or same lines: %.1f%%\n", 100*float64(len(counts[outSame])+len(counts[outOrder]))/float64(ran))
	}
	if n := len(counts[outSilent]); n > 0 {
		t.Errorf("%d programs print something other than compiled Go without a word: %s", n, strings.Join(counts[outSilent], ", "))
	}
}

// compileTwice builds the program and runs it twice, the second time in
// another directory with one more environment variable; ok is false if it
// does not build, fails, or prints differently the second time.
func compileTwice(t *testing.T, work, name, source string) (string, bool) {
	t.Helper()
	dir := filepath.Join(work, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/"+name+"\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", "prog", ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Logf("%s: does not build: %s", name, firstLine(string(out)))
		return "", false
	}
	// The second run is in another directory with another environment:
	// a program that lists them prints what no two processes share.
	elsewhere := filepath.Join(work, name+"-elsewhere")
	if err := os.MkdirAll(elsewhere, 0o755); err != nil {
		t.Fatal(err)
	}
	var outs [2]string
	for i := range outs {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, filepath.Join(dir, "prog"))
		cmd.Dir = dir
		if i == 1 {
			cmd.Dir, cmd.Env = elsewhere, append(os.Environ(), "GOLAB_PROBE=1")
		}
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		err := cmd.Run()
		cancel()
		if err != nil {
			t.Logf("%s: the compiled program fails: %v", name, err)
			return "", false
		}
		outs[i] = stdout.String()
	}
	return outs[0], outs[0] == outs[1]
}

// runInKernelWithStderr runs source as one cell in a fresh kernel.
func runInKernelWithStderr(t *testing.T, source string) (string, string, *protocol.Error) {
	return runCellsInKernel(t, []string{source})
}

// runCellsInKernel runs cells one after the other in a fresh kernel, and
// returns what they printed together, or the first cell's error.
func runCellsInKernel(t *testing.T, cells []string) (string, string, *protocol.Error) {
	s := newKernel(t)
	defer s.Close()
	var out capture
	sink := out.sink()
	for _, source := range cells {
		done := make(chan supervisor.Result, 1)
		go func() { done <- s.Execute(source, false, nil, sink) }()
		var res supervisor.Result
		select {
		case res = <-done:
		case <-time.After(60 * time.Second):
			s.Interrupt()
			res = <-done
			res.Status, res.Error = "error", &protocol.Error{Name: "timeout", Value: "no end within 60 s"}
		}
		if res.Status != "ok" {
			stdout, stderr := out.texts()
			return stdout, stderr, res.Error
		}
	}
	stdout, stderr := out.texts()
	return stdout, stderr, nil
}

// explains reports whether the cell's stderr has a note about a
// difference from compiled Go, other than that the program was
// interpreted (which the test forces).
func explains(stderr string) bool {
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "golab: ") && !strings.Contains(line, "whole program runs in the interpreter") {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	if len(line) > 160 {
		line = line[:160] + "…"
	}
	return line
}

func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, firstLine(gl), firstLine(wl))
		}
	}
	return "?"
}

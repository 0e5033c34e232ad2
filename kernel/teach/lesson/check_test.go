package lesson

import (
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"testing"

	"github.com/golab-notebooks/golab/kernel/interp/worker"
	"github.com/golab-notebooks/golab/kernel/jupyter/supervisor"
	"github.com/golab-notebooks/golab/kernel/protocol"
	"github.com/golab-notebooks/golab/kernel/teach/runner"
)

// TestMain lets the test binary double as the kernel's worker process.
func TestMain(m *testing.M) {
	worker.ServeIfTestWorker()
	os.Exit(m.Run())
}

// TestCheckRunsWrongAnswers: a wrong answer the tests fail is fine; one
// that passes every test is a problem the teacher is told about.
func TestCheckRunsWrongAnswers(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOLAB_TEST_WORKER", "1")
	start := func() (*supervisor.Supervisor, error) {
		return supervisor.New(supervisor.Options{Command: []string{exe}, Log: log.New(io.Discard, "", 0)})
	}
	l, err := Read("testdata/01-sample.md")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(l.Exercises()[0].Wrong); got != 2 {
		t.Fatalf("%d wrong answers read, want 2", got)
	}
	var progress strings.Builder
	problems := Check([]*Lesson{l}, start, &progress)
	// The problem names the block in the source the teacher edits.
	if len(problems) != 1 || !strings.Contains(problems[0].Message, `wrong answer "doubles only positive numbers" (testdata/01-sample.md:37) passes all 2 tests`) {
		t.Errorf("problems %v, want only the wrong answer the tests miss\n%s", problems, progress.String())
	}
	if !strings.Contains(progress.String(), `wrong answer "adds two" fails 1 of 2 tests ("zero (hidden test)")`) {
		t.Errorf("progress does not report the caught wrong answer:\n%s", progress.String())
	}
}

// golab lesson check honours the limit variables, as the kernel does: a
// bad value is refused, naming the variable, instead of being ignored.
func TestStartSupervisorTakesTheEnvironmentsLimits(t *testing.T) {
	t.Setenv("GOLAB_MEMORY_LIMIT_MB", "lots")
	s, err := StartSupervisor()
	if err == nil {
		s.Close()
		t.Fatal("StartSupervisor ignored GOLAB_MEMORY_LIMIT_MB=lots")
	}
	if !strings.Contains(err.Error(), "GOLAB_MEMORY_LIMIT_MB") {
		t.Errorf("error %q does not name the variable", err)
	}
}

// A cell of the solutions notebook that fails is named by the line of the
// lesson source its block starts at.
func TestFailingCellIsNamedBySourceLine(t *testing.T) {
	l, err := Read("testdata/01-sample.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/01-sample.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	nb := l.Notebook(Solutions)
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		err := fmt.Errorf("run: %w", &runner.CellError{Index: i, Err: &protocol.Error{Name: "x", Value: "y"}})
		at := l.at(err)
		n := l.SourceLine(Solutions, i)
		if n < 1 || !strings.HasPrefix(lines[n-1], "```go") || at != fmt.Sprintf(" (the block at testdata/01-sample.md:%d)", n) {
			t.Errorf("cell %d: %q, line %d (%q), want the line of its ```go fence", i, at, n, lines[max(n-1, 0)])
		}
	}
}

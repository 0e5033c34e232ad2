package lesson

import (
	"io"
	"log"
	"os"
	"strings"
	"testing"

	"github.com/golab-notebooks/golab/kernel/interp/worker"
	"github.com/golab-notebooks/golab/kernel/jupyter/supervisor"
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
	if len(problems) != 1 || !strings.Contains(problems[0].Message, `wrong answer "doubles only positive numbers" passes all 2 tests`) {
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

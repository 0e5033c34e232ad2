package worker

import (
	"fmt"
	"sort"
	"strings"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/goroutines"
	"github.com/golab-notebooks/golab/kernel/teach/exercise"
	"github.com/golab-notebooks/golab/runtime/check"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// runCheck runs a %check cell: each test of the exercise, against what the
// notebook has defined so far, then a pass or fail box. A failing test is
// not a cell error: the notebook runs on, and the box says what failed.
func (w *Worker) runCheck(src string) *protocol.Error {
	c, err := exercise.ParseCell(src)
	if err != nil && c.Graded && len(c.Tests) == 0 {
		// A graded cell whose tests are all hidden from the student copy.
		fmt.Println("The tests of this cell are hidden: they run when your notebook is graded.")
		return nil
	}
	if err != nil {
		return &protocol.Error{Name: exercise.Magic, Value: err.Error(), Traceback: []string{failure.Red(exercise.Magic+": ") + err.Error()}}
	}
	name, tests := c.Exercise, c.Tests
	w.markCheckCell(goroutines.CurrentCell())
	d, ok := w.defs.value("check")
	if !ok {
		d, ok = w.defs.typ("check")
	}
	if ok {
		// The tests call the golab/check package by this name.
		return &protocol.Error{Name: exercise.Magic, Value: "the notebook defines check itself",
			Traceback: []string{failure.Red(exercise.Magic+": ") + fmt.Sprintf("a cell defines %s check (cell line %d of its cell), and the tests need that name for golab's check package: rename it.", d.Kind, d.Line)}}
	}
	if e := w.ensureImported(`import "golab/check"`, "check"); e != nil {
		return e
	}
	w.noteFailedDefinitions(tests)
	var outcomes []check.Outcome
	for i, t := range tests {
		testName := t.Name
		if t.Hidden {
			testName += " (hidden test)"
		}
		if t.Race {
			outcomes = append(outcomes, w.raceTest(name, testName, t))
			continue
		}
		check.Begin()
		check.SetInspector(w.inspectTests(t.Body))
		code := fmt.Sprintf("check.Case(%q, %q, check.Options{Runs: %d, Timeout: %d, Noise: %t}, func(t *check.T) {\n%s})",
			name, testName, t.Runs, int64(t.Timeout), t.Noise, t.Body)
		if _, e := w.run(code); e != nil {
			outcomes = append(outcomes, check.Outcome{Exercise: name, Test: testName,
				Failure: "the test could not run: " + testProblem(e)})
			continue
		}
		o, ok := check.Last()
		if !ok {
			o = check.Outcome{Exercise: name, Test: testName, Failure: fmt.Sprintf("test %d did not report", i+1)}
		}
		outcomes = append(outcomes, o)
	}
	check.SetInspector(check.Inspector{})
	check.Report(name, outcomes)
	if c.Graded {
		failed := 0
		for _, o := range outcomes {
			if o.Failure != "" {
				failed++
			}
		}
		if failed > 0 {
			return &protocol.Error{Name: "check failed", Value: fmt.Sprintf("%d of %d tests of %s failed", failed, len(outcomes), name),
				Traceback: []string{failure.Red("check failed: ") + fmt.Sprintf("%d of %d tests of %s failed (see the box above); a graded check fails its cell.", failed, len(outcomes), name)}}
		}
	}
	return nil
}

// failedMark starts the line a race test's program prints when a check of
// the test failed.
const failedMark = "\x00golab-check-failed:"

// raceTest runs a test that requires no data race: the test, with the
// notebook's declarations, compiled with Go's race detector and run (see
// raceRun). It fails on a data race, with the detector's report mapped to
// the lines of the cells that declare the code, or on a failing check.
func (w *Worker) raceTest(exerciseName, testName string, t exercise.Test) check.Outcome {
	o := check.Outcome{Exercise: exerciseName, Test: testName}
	code := fmt.Sprintf("import (\n\t\"os\"\n\t\"golab/check\"\n)\n"+
		"__golabOutcome := check.Test(%q, %q, check.Options{Runs: %d, Timeout: %d}, func(t *check.T) {\n%s\n})\n"+
		"if !__golabOutcome.Passed {\n\tos.Stdout.WriteString(%q + __golabOutcome.Failure)\n}\n",
		exerciseName, testName, t.Runs, int64(t.Timeout), t.Body, failedMark)
	fmt.Printf("golab: %s: compiling the test with Go's race detector (go build -race)…\n", testName)
	var stdout, report strings.Builder
	races, e, _ := w.raceRun(code, &stdout, &report)
	switch {
	case e != nil:
		o.Failure = "the test could not run with the race detector: " + testProblem(e)
	case races > 0:
		first := ""
		if races > 1 {
			first = " (the first of them)"
		}
		o.Failure = fmt.Sprintf("the race detector found %d data %s%s:\n%s", races, plural(races, "race", "races"), first, firstRace(report.String()))
	default:
		if _, failed, ok := strings.Cut(stdout.String(), failedMark); ok {
			o.Failure = failed
		} else {
			o.Passed, o.Runs = true, max(t.Runs, 1)
		}
	}
	return o
}

// firstRace returns the first race of a race detector's report, which
// names the two accesses and where the goroutines that made them started,
// without the frames of golab's test harness: the test's own code is "the
// test".
func firstRace(report string) string {
	const sep = "=================="
	race := report
	for _, p := range strings.Split(report, sep) {
		if strings.Contains(p, "WARNING: DATA RACE") {
			race = p
			break
		}
	}
	lines := strings.Split(strings.TrimSpace(race), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.HasPrefix(line, "WARNING: DATA RACE") {
			continue
		}
		// A frame is a function's line and, indented under it, its place.
		if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "      ") && strings.HasPrefix(line, "  ") {
			fn, place := strings.TrimSpace(line), strings.TrimSpace(lines[i+1])
			i++
			switch {
			case strings.Contains(fn, "golab-notebooks/golab/runtime/"):
				continue // the harness that runs the test
			case strings.HasPrefix(fn, "main.main."):
				out = append(out, "  (the test)")
				continue
			}
			out = append(out, "  "+strings.TrimPrefix(fn, "main."), "      "+place)
			continue
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// noteFailedDefinitions says, before the tests run, which names they use
// were last declared by a cell that failed: the tests then run an older
// version (or find none), which the learner must know.
func (w *Worker) noteFailedDefinitions(tests []exercise.Test) {
	var names []string
	for name := range w.lastFailed {
		for _, t := range tests {
			if mentionsName(t.Body, name) {
				names = append(names, name)
				break
			}
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := w.defs.value(name); ok {
			fmt.Printf("golab: the last run of the cell that defines %s failed (%s), so these tests check the %s of an earlier run. Fix that cell and run it again.\n", name, w.lastFailed[name], name)
		} else {
			fmt.Printf("golab: the cell that defines %s failed (%s), so these tests find no %s. Fix that cell and run it again.\n", name, w.lastFailed[name], name)
		}
	}
}

// mentionsName reports whether code uses name as a word.
func mentionsName(code, name string) bool {
	for i := strings.Index(code, name); i >= 0; {
		before := i == 0 || !isWordByte(code[i-1])
		after := i+len(name) >= len(code) || !isWordByte(code[i+len(name)])
		if before && after {
			return true
		}
		next := strings.Index(code[i+1:], name)
		if next < 0 {
			return false
		}
		i += 1 + next
	}
	return false
}

func isWordByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// testProblem words a test that did not compile or crashed: most often the
// learner's function is missing or has another signature.
func testProblem(e *protocol.Error) string {
	msg := e.Value
	if strings.Contains(msg, "undefined") {
		msg += " (is the exercise's function defined, with the name and parameters the prompt gives?)"
	}
	return msg
}

// ensureImported imports a package under a name, unless the notebook
// already has that name.
func (w *Worker) ensureImported(importLine, name string) *protocol.Error {
	if w.defs.isPackage(name) {
		return nil
	}
	_, e := w.run(importLine)
	return e
}

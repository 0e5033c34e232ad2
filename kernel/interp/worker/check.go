package worker

import (
	"fmt"
	"sort"
	"strings"

	"github.com/golab-notebooks/golab/kernel/failure"
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

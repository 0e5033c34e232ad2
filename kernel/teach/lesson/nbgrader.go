package lesson

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/golab-notebooks/golab/kernel/teach/exercise"
	"github.com/golab-notebooks/golab/kernel/teach/notebook"
)

// nbgrader's solution and hidden-test delimiters, as Go comments.
const (
	beginSolution = "// BEGIN SOLUTION"
	endSolution   = "// END SOLUTION"
	beginHidden   = "// BEGIN HIDDEN TESTS"
	endHidden     = "// END HIDDEN TESTS"
)

// nbgraderConfig is the course's nbgrader_config.py: nbgrader knows no Go,
// so it is told the stub that replaces a solution (none: see answerCell)
// and the delimiters, and given time for stress tests.
const nbgraderConfig = `# nbgrader configuration for golab's Go lessons (written by golab lesson build --nbgrader).
import os
c = get_config()
# The course is this file's folder (an absolute path: nbgrader warns
# "root '.' is not absolute" for a relative one).
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# An answer cell holds the reference solution between the solution
# delimiters, then the lesson's starter inside a Go comment whose ends are
# solution regions too: the empty stub leaves the starter for students.
c.ClearSolutions.code_stub = {"go": ""}
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"
# Stress tests run a test many times; a deadlocked one ends at its own timeout.
c.Execute.timeout = 300
`

// nbgraderMeta is a cell's nbgrader metadata (schema version 3).
type nbgraderMeta struct {
	Grade         bool   `json:"grade"`
	GradeID       string `json:"grade_id"`
	Locked        bool   `json:"locked"`
	Points        int    `json:"points,omitempty"`
	SchemaVersion int    `json:"schema_version"`
	Solution      bool   `json:"solution"`
	Task          bool   `json:"task"`
}

// NbgraderNotebook makes the lesson's nbgrader source notebook: each
// exercise's answer cell is an autograded answer (its solution becomes the
// lesson's starter in the students' copy), and each of its tests is an
// autograder test cell of its own, worth the test's points, so a submission
// scores test by test. Hidden tests are nbgrader hidden tests.
func (l *Lesson) NbgraderNotebook() (*notebook.Notebook, error) {
	nb, add := newNotebook(l.Slug+"/nbgrader", Student)
	exercises := map[string]Exercise{}
	for _, ex := range l.Exercises() {
		exercises[ex.Name] = ex
	}
	for _, b := range l.Blocks {
		switch b.Kind {
		case Prose, Prompt:
			add("markdown", b.Text, nil)
		case Example:
			add("code", b.Text, nil)
		case Error:
			add("code", b.Text, map[string]any{"tags": []string{"raises-exception"}})
		case Starter:
			ex := exercises[b.Exercise]
			src, err := answerCell(ex)
			if err != nil {
				return nil, fmt.Errorf("%s, exercise %s: %w", l.Slug, ex.Name, err)
			}
			add("code", src, map[string]any{"nbgrader": nbgraderMeta{GradeID: ex.Name + notebook.AnswerSuffix, Solution: true, SchemaVersion: 3}})
		case Tests:
			for i, t := range b.Tests {
				c := exercise.Cell{Exercise: b.Exercise, Tests: []exercise.Test{t}, Graded: true}
				if t.Hidden {
					c.HiddenFrame = [2]string{beginHidden, endHidden}
				}
				add("code", exercise.FormatCell(c), map[string]any{"nbgrader": nbgraderMeta{
					Grade: true, GradeID: fmt.Sprintf("%s-test-%d", b.Exercise, i+1), Locked: true,
					Points: t.Worth(), SchemaVersion: 3,
				}})
			}
		}
	}
	return nb, nil
}

// answerCell writes an exercise's answer cell: the solution in a solution
// region, then the starter inside a block comment whose opening and
// closing lines are solution regions. The instructor's copy is the
// solution (the starter commented out); nbgrader replaces each region with
// the (empty) stub, so the students' copy is the starter.
func answerCell(ex Exercise) (string, error) {
	if strings.Contains(ex.Starter, "*/") {
		return "", errors.New("the starter contains */, which would end the comment that hides it in the instructor's copy")
	}
	var b strings.Builder
	b.WriteString(beginSolution + "\n")
	b.WriteString(strings.TrimRight(ex.Solution, "\n") + "\n")
	b.WriteString("/*\n" + endSolution + "\n")
	b.WriteString(strings.TrimRight(ex.Starter, "\n") + "\n")
	b.WriteString(beginSolution + "\n*/\n" + endSolution)
	return b.String(), nil
}

// BuildNbgrader writes an nbgrader course directory: dir/source/SLUG/SLUG.ipynb
// for each lesson with exercises, and dir/nbgrader_config.py unless one is
// there. It returns the paths written.
func BuildNbgrader(lessons []*Lesson, dir string) ([]string, error) {
	var written []string
	for _, l := range lessons {
		if len(l.Exercises()) == 0 {
			continue
		}
		nb, err := l.NbgraderNotebook()
		if err != nil {
			return written, err
		}
		path := filepath.Join(dir, "source", l.Slug, l.Slug+".ipynb")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return written, fmt.Errorf("make the nbgrader source folder: %w", err)
		}
		if err := notebook.Write(path, nb); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	config := filepath.Join(dir, "nbgrader_config.py")
	if _, err := os.Stat(config); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(config, []byte(nbgraderConfig), 0o644); err != nil {
			return written, fmt.Errorf("write %s: %w", config, err)
		}
		written = append(written, config)
	}
	return written, nil
}

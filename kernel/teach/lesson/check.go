package lesson

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"strconv"
	"strings"

	"github.com/golab-notebooks/golab/kernel/jupyter/supervisor"
	"github.com/golab-notebooks/golab/kernel/teach/notebook"
	"github.com/golab-notebooks/golab/kernel/teach/runner"
)

// Problem is something wrong with a lesson that a teacher must fix.
type Problem struct {
	Lesson, Exercise string
	Message          string
}

func (p Problem) String() string {
	if p.Exercise != "" {
		return fmt.Sprintf("%s, exercise %s: %s", p.Lesson, p.Exercise, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.Lesson, p.Message)
}

// Engine starts a fresh kernel start (a supervisor and its worker).
type SupervisorStarter func() (*supervisor.Supervisor, error)

// StartSupervisor starts this executable's worker, with the limits the
// environment sets.
func StartSupervisor() (*supervisor.Supervisor, error) {
	return supervisor.FromEnvironment(log.New(io.Discard, "", 0))
}

// Check runs each lesson's solutions notebook (every cell must run, except
// the ones demonstrating an error, and every exercise's tests must pass),
// then each exercise's starter after the cells before it (it must compile,
// and fail at least one test), and each of its wrong answers the same way.
// Progress lines go to progress.
func Check(lessons []*Lesson, start SupervisorStarter, progress io.Writer) []Problem {
	var problems []Problem
	for _, l := range lessons {
		problems = append(problems, checkLesson(l, start, progress)...)
	}
	return problems
}

func checkLesson(l *Lesson, start SupervisorStarter, progress io.Writer) []Problem {
	var problems []Problem
	bad := func(ex, format string, args ...any) {
		p := Problem{Lesson: l.Slug, Exercise: ex, Message: fmt.Sprintf(format, args...)}
		problems = append(problems, p)
		fmt.Fprintf(progress, "  FAIL %s\n", p)
	}
	fmt.Fprintf(progress, "%s: %s\n", l.Slug, l.Title)
	solutions := l.Notebook(Solutions)
	if err := run(solutions, start); err != nil {
		bad("", "the solutions notebook does not run: %v%s", err, l.at(err))
		return problems
	}
	results := checkResults(solutions)
	for _, ex := range l.Exercises() {
		r, ok := results[ex.Name]
		switch {
		case !ok:
			bad(ex.Name, "its check cell showed no result")
			continue
		case r.passed != r.total:
			bad(ex.Name, "the reference solution%s passes only %d of %d tests: %s", l.blockAt(Solution, ex.Name, ""), r.passed, r.total, r.text)
			continue
		}
		// The starter, after everything the lesson runs before the exercise.
		nb := starterNotebook(solutions, ex.Name, ex.Starter)
		if err := run(nb, start); err != nil {
			bad(ex.Name, "the starter%s does not run: %v", l.blockAt(Starter, ex.Name, ""), err)
			continue
		}
		sr, ok := checkResults(nb)[ex.Name]
		switch {
		case !ok:
			bad(ex.Name, "its check cell showed no result for the starter")
		case sr.passed == sr.total:
			bad(ex.Name, "the starter%s passes all %d tests: the tests do not test the exercise", l.blockAt(Starter, ex.Name, ""), sr.total)
		default:
			fmt.Fprintf(progress, "  ok   %s: solution passes %d/%d, starter fails %d of them (%s)\n", ex.Name, r.passed, r.total, sr.total-sr.passed, quoted(sr.failed))
		}
		for _, w := range ex.Wrong {
			nb := starterNotebook(solutions, ex.Name, w.Code)
			if err := run(nb, start); err != nil {
				bad(ex.Name, "the wrong answer %q%s does not run: %v", w.Name, l.blockAt(Wrong, ex.Name, w.Name), err)
				continue
			}
			wr, ok := checkResults(nb)[ex.Name]
			switch {
			case !ok:
				bad(ex.Name, "its check cell showed no result for the wrong answer %q", w.Name)
			case wr.passed == wr.total:
				bad(ex.Name, "the wrong answer %q%s passes all %d tests: the tests do not catch it", w.Name, l.blockAt(Wrong, ex.Name, w.Name), wr.total)
			default:
				fmt.Fprintf(progress, "  ok   %s: wrong answer %q fails %d of %d tests (%s)\n", ex.Name, w.Name, wr.total-wr.passed, wr.total, quoted(wr.failed))
			}
		}
	}
	return problems
}

// at names the place in the lesson's source of the cell of the solutions
// notebook that err says failed: the teacher edits the source, not the
// notebook.
func (l *Lesson) at(err error) string {
	var ce *runner.CellError
	if !errors.As(err, &ce) || l.Path == "" {
		return ""
	}
	if line := l.SourceLine(Solutions, ce.Index); line > 0 {
		return fmt.Sprintf(" (the block at %s:%d)", l.Path, line)
	}
	return ""
}

// blockAt names where a block of an exercise (of that kind and, for a
// wrong answer, name) starts in the lesson's source: " (lessons/x.md:12)".
func (l *Lesson) blockAt(kind Kind, exercise, name string) string {
	for _, b := range l.Blocks {
		if b.Kind == kind && b.Exercise == exercise && (name == "" || b.Name == name) && l.Path != "" {
			return fmt.Sprintf(" (%s:%d)", l.Path, b.Line)
		}
	}
	return ""
}

// quoted lists test names for a progress line.
func quoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// run executes a notebook in a fresh start.
func run(nb *notebook.Notebook, start SupervisorStarter) error {
	e, err := start()
	if err != nil {
		return fmt.Errorf("start the kernel: %w", err)
	}
	defer e.Close()
	return runner.Run(nb, e, io.Discard)
}

// starterNotebook is the cells of the solutions notebook before the
// exercise's solution (without those failing on purpose), then the
// starter and the exercise's check cell.
func starterNotebook(solutions *notebook.Notebook, name, starter string) *notebook.Notebook {
	nb := &notebook.Notebook{Metadata: solutions.Metadata, NBFormat: 4, NBFormatMinor: 5}
	for i, c := range solutions.Cells {
		if c.Exercise() == name && c.HasTag("solution") {
			nb.Cells = append(nb.Cells, &notebook.Cell{CellType: "code", Source: notebook.Source(starter)})
			if i+1 < len(solutions.Cells) {
				check := *solutions.Cells[i+1]
				check.Outputs = nil
				nb.Cells = append(nb.Cells, &check)
			}
			break
		}
		if c.CellType != "code" || c.HasTag("raises-exception") {
			continue
		}
		copied := *c
		copied.Outputs = nil
		nb.Cells = append(nb.Cells, &copied)
	}
	return nb
}

type result struct {
	passed, total int
	text          string
	failed        []string
}

// checkResults reads the check boxes' metadata from a notebook's outputs.
func checkResults(nb *notebook.Notebook) map[string]result {
	out := map[string]result{}
	for _, r := range CheckResults(nb) {
		out[r.Exercise] = result{passed: r.Passed, total: r.Total, text: r.Text, failed: r.Failed}
	}
	return out
}

// ExerciseResult is what a notebook's %check cell showed for one exercise.
type ExerciseResult struct {
	Exercise      string
	Passed, Total int
	Text          string   // the box's text
	Failed        []string // the names of the tests that failed
}

// CheckResults returns the results of a run notebook's check cells, in
// their order (the last one for an exercise checked twice).
func CheckResults(nb *notebook.Notebook) []ExerciseResult {
	var out []ExerciseResult
	index := map[string]int{}
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			meta, _ := o["metadata"].(map[string]any)
			res, ok := meta["golab_check"].(map[string]any)
			if !ok {
				continue
			}
			name, _ := res["exercise"].(string)
			text := ""
			if data, ok := o["data"].(map[string]any); ok {
				text, _ = data["text/plain"].(string)
			}
			r := ExerciseResult{Exercise: name, Passed: number(res["passed"]), Total: number(res["total"]), Text: strings.TrimSpace(text)}
			tests, _ := res["tests"].([]any)
			for _, t := range tests {
				if t, ok := t.(map[string]any); ok && t["passed"] == false {
					name, _ := t["test"].(string)
					r.Failed = append(r.Failed, name)
				}
			}
			if i, seen := index[name]; seen {
				out[i] = r
			} else {
				index[name] = len(out)
				out = append(out, r)
			}
		}
	}
	return out
}

func number(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	case json.Number:
		i, _ := n.Int64()
		return int(i)
	}
	return 0
}

// Package grade grades a class's notebooks for one lesson: each
// submission runs in a fresh kernel with the lesson's own tests (the
// submission's test cells are not trusted), several at a time, each with a
// time and memory bound, and the outcomes become grades.csv and one
// feedback page per student.
package grade

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golab-notebooks/golab/kernel/jupyter/supervisor"
	"github.com/golab-notebooks/golab/kernel/limits"
	"github.com/golab-notebooks/golab/kernel/teach/exercise"
	"github.com/golab-notebooks/golab/kernel/teach/lesson"
	"github.com/golab-notebooks/golab/kernel/teach/notebook"
	"github.com/golab-notebooks/golab/kernel/teach/runner"
	"github.com/golab-notebooks/golab/runtime/check"
)

// Options configure a grading run.
type Options struct {
	// Jobs is how many submissions run at once; 0 means 2.
	Jobs int
	// Timeout bounds one submission's whole run; 0 means 5 minutes.
	Timeout time.Duration
	// CellTimeout bounds each of its cells: one that runs longer (a
	// scratch loop left running) is interrupted, named in the feedback,
	// and the cells after it run on, as nbgrader does; 0 means 10 s.
	CellTimeout time.Duration
	// Limits bound each submission's kernel (memory, output); zero fields
	// take the defaults.
	Limits limits.Limits
	// Done, if set, is called after each submission (for a progress bar).
	Done func(student string)
}

// Row is one test of one student: a line of grades.csv.
type Row struct {
	Student, Exercise, Test string
	Passed                  bool
	Points, Max             int
	Seconds                 float64 // the submission's run time
	Reason                  string  // why the test failed, in the %check box's words
	// Note is about the whole submission, the same on each of its rows: a
	// cell interrupted for running too long, say.
	Note string
}

// Submission is one student's notebook.
type Submission struct {
	Student string
	Path    string
}

// Find lists the notebooks under the paths (files, or folders searched
// recursively), naming each student by the file's name, or by its folder
// when the file is named after the lesson (nbgrader's layout:
// submitted/STUDENT/LESSON/LESSON.ipynb).
func Find(slug string, paths []string) ([]Submission, error) {
	var subs []Submission
	add := func(path string) {
		base := strings.TrimSuffix(filepath.Base(path), ".ipynb")
		student := base
		if base == slug {
			dir := filepath.Dir(path)
			if filepath.Base(dir) == slug {
				dir = filepath.Dir(dir)
			}
			student = filepath.Base(dir)
		}
		subs = append(subs, Submission{Student: student, Path: path})
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("submission %s: %w", p, err)
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != p {
				return filepath.SkipDir // .ipynb_checkpoints
			}
			if !d.IsDir() && strings.HasSuffix(path, ".ipynb") {
				add(path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list the submissions in %s: %w", p, err)
		}
	}
	if len(subs) == 0 {
		return nil, errors.New("no submitted notebooks (.ipynb) found")
	}
	seen := map[string]string{}
	for _, s := range subs {
		if other, dup := seen[s.Student]; dup {
			return nil, fmt.Errorf("two notebooks for student %q: %s and %s", s.Student, other, s.Path)
		}
		seen[s.Student] = s.Path
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].Student < subs[j].Student })
	return subs, nil
}

// Grade runs every submission and returns one row per student and test.
// A submission that crashes, hangs or floods its output loses the tests it
// affects, with the reason; it never stops the run.
func Grade(l *lesson.Lesson, subs []Submission, opts Options) []Row {
	if opts.Jobs <= 0 {
		opts.Jobs = 2
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Minute
	}
	if opts.CellTimeout <= 0 {
		opts.CellTimeout = 10 * time.Second
	}
	results := make([][]Row, len(subs))
	work := make(chan int)
	var wg sync.WaitGroup
	for range opts.Jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results[i] = gradeOne(l, subs[i], opts)
				if opts.Done != nil {
					opts.Done(subs[i].Student)
				}
			}
		}()
	}
	for i := range subs {
		work <- i
	}
	close(work)
	wg.Wait()
	var rows []Row
	for _, r := range results {
		rows = append(rows, r...)
	}
	return rows
}

// gradeOne runs one submission with the lesson's tests.
func gradeOne(l *lesson.Lesson, sub Submission, opts Options) []Row {
	start := time.Now()
	outcomes, trouble, note, answers := runSubmission(l, sub, opts)
	secs := time.Since(start).Seconds()
	var rows []Row
	for _, ex := range l.Exercises() {
		got := outcomes[ex.Name]
		for i, t := range ex.Tests {
			name := t.Name
			if t.Hidden {
				name += " (hidden test)"
			}
			r := Row{Student: sub.Student, Exercise: ex.Name, Test: name, Max: t.Worth(), Seconds: secs, Note: note}
			switch {
			case i < len(got.tests):
				r.Passed, r.Reason = got.tests[i].Passed, got.tests[i].Failure
			case got.problem != "":
				r.Reason = got.problem
			case trouble != "":
				r.Reason = trouble
			default:
				r.Reason = "the test did not run"
			}
			if failed, ok := answers[ex.Name]; ok && !r.Passed {
				// The real mistake: the tests only saw what it left undefined.
				r.Reason = failed + "; " + r.Reason
			}
			if r.Passed {
				r.Points = r.Max
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// testResult is one test's outcome, as the check box's metadata has it.
type testResult struct {
	Test    string `json:"test"`
	Passed  bool   `json:"passed"`
	Failure string `json:"failure"`
}

// exerciseResult is what the check cell of an exercise showed.
type exerciseResult struct {
	tests   []testResult
	problem string // why the check cell showed no result
}

// runSubmission runs the grading notebook of a submission and reads the
// check boxes; trouble names a problem with the whole submission, note
// the cells interrupted for running too long, and answers, by exercise,
// how its answer cell failed (a compile error, say).
func runSubmission(l *lesson.Lesson, sub Submission, opts Options) (map[string]exerciseResult, string, string, map[string]string) {
	nb, err := notebook.Read(sub.Path)
	if err != nil {
		return nil, "the notebook could not be read: " + err.Error(), "", nil
	}
	run := gradingNotebook(l, nb)
	work, err := workDir(sub.Path)
	if err != nil {
		return nil, "no working directory for the notebook: " + err.Error(), "", nil
	}
	defer os.RemoveAll(work)
	sup, err := supervisor.New(supervisor.Options{Log: log.New(io.Discard, "", 0), Limits: opts.Limits, WorkDir: work})
	if err != nil {
		return nil, "the kernel did not start: " + err.Error(), "", nil
	}
	defer sup.Close()
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	stop := context.AfterFunc(ctx, sup.Interrupt)
	defer stop()
	failures := runner.RunAll(ctx, run, sup, runner.Options{CellLimit: opts.CellTimeout, LimitOf: checkCellLimit})
	trouble := ""
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		trouble = fmt.Sprintf("the notebook did not finish within %v", opts.Timeout)
	}
	var notes []string
	answers := map[string]string{}
	for _, f := range failures {
		if f.TimedOut {
			notes = append(notes, fmt.Sprintf("code cell %d (%s) ran longer than %v: it was interrupted, and the cells after it ran on",
				f.Count, strconv.Quote(f.Source), opts.CellTimeout))
			continue
		}
		if ex := run.Cells[f.Index].Exercise(); ex != "" && !exercise.IsCheckCell(string(run.Cells[f.Index].Source)) {
			if _, seen := answers[ex]; !seen {
				answers[ex] = fmt.Sprintf("the answer cell (code cell %d) failed: %s", f.Count, f.Err.Value)
			}
		}
	}
	return readChecks(run, trouble), trouble, strings.Join(notes, "; "), answers
}

// workDir makes the directory a submission runs in: a fresh one, so that
// what its cells write or delete touches neither the submissions nor the
// grades (nbgrader runs each in a copy too). When the notebook has a
// folder of its own (nbgrader's layout), the files beside it (data the
// cells read) are copied in; other notebooks are not.
func workDir(notebookPath string) (string, error) {
	dir, err := os.MkdirTemp("", "golab-grade-")
	if err != nil {
		return "", err
	}
	from := filepath.Dir(notebookPath)
	entries, err := os.ReadDir(from)
	if err != nil {
		return dir, nil // nothing to copy
	}
	notebooks := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".ipynb") {
			notebooks++
		}
	}
	if notebooks != 1 {
		return dir, nil // a folder of the class's notebooks: no student's own files
	}
	const most = 20 << 20 // a data file, not a dataset
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || info.Size() > most || strings.HasSuffix(e.Name(), ".ipynb") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			return dir, fmt.Errorf("copy %s: %w", e.Name(), err)
		}
	}
	return dir, nil
}

// checkCellLimit is how long a check cell may run: its tests' own
// timeouts, and time to compile those that run with the race detector.
// (The cell limit is for scratch cells; a test ends at its timeout.)
func checkCellLimit(c *notebook.Cell) time.Duration {
	src := string(c.Source)
	if !exercise.IsCheckCell(src) {
		return 0
	}
	_, tests, err := exercise.Parse(src)
	if err != nil {
		return 0
	}
	var limit time.Duration
	for _, t := range tests {
		limit += max(t.Timeout, check.DefaultTimeout) + 5*time.Second
		if t.Race {
			limit += raceBuild
		}
	}
	return limit
}

// raceBuild bounds the build of a race test's program (go build -race; the
// first one builds golab's helpers with the race detector, with an empty
// cache).
const raceBuild = 2 * time.Minute

// gradingNotebook is the submission's cells with every check cell replaced
// by the lesson's own, and the lesson's check cells of exercises whose
// check cell the submission lost appended at the end.
func gradingNotebook(l *lesson.Lesson, sub *notebook.Notebook) *notebook.Notebook {
	checks := map[string]string{}
	var order []string
	for _, ex := range l.Exercises() {
		checks[ex.Name] = exercise.Format(ex.Name, ex.Tests)
		order = append(order, ex.Name)
	}
	nb := &notebook.Notebook{Metadata: sub.Metadata, NBFormat: 4, NBFormatMinor: 5}
	done := map[string]bool{}
	for _, c := range sub.Cells {
		if c.CellType != "code" {
			continue
		}
		src := string(c.Source)
		if exercise.IsCheckCell(src) || c.HasTag("check") {
			name := c.Exercise()
			if name == "" {
				name, _, _ = exercise.Parse(src)
			}
			if check, ok := checks[name]; ok && !done[name] {
				done[name] = true
				nb.Cells = append(nb.Cells, &notebook.Cell{CellType: "code", Source: notebook.Source(check), Metadata: json.RawMessage(`{}`)})
			}
			continue // the submission's own tests are not run
		}
		copied := *c
		copied.Outputs = nil
		nb.Cells = append(nb.Cells, &copied)
	}
	for _, name := range order {
		if !done[name] {
			nb.Cells = append(nb.Cells, &notebook.Cell{CellType: "code", Source: notebook.Source(checks[name]), Metadata: json.RawMessage(`{}`)})
		}
	}
	return nb
}

// readChecks reads each exercise's check box from the run notebook; a
// check cell without a box gets its error as the reason.
func readChecks(nb *notebook.Notebook, trouble string) map[string]exerciseResult {
	out := map[string]exerciseResult{}
	for _, c := range nb.Cells {
		src := string(c.Source)
		if !exercise.IsCheckCell(src) {
			continue
		}
		name, _, _ := exercise.Parse(src)
		res := exerciseResult{problem: trouble}
		if c.ExecutionCount == nil && trouble == "" {
			res.problem = "the check did not run"
		}
		for _, o := range c.Outputs {
			if meta, ok := o["metadata"].(map[string]any); ok {
				if box, ok := meta["golab_check"].(map[string]any); ok {
					raw, _ := json.Marshal(box["tests"]) // decoded JSON: cannot fail
					_ = json.Unmarshal(raw, &res.tests)
				}
			}
			if o["output_type"] == "error" {
				res.problem = fmt.Sprintf("the check cell failed: %v: %v", o["ename"], o["evalue"])
			}
		}
		out[name] = res
	}
	return out
}

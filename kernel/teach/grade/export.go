package grade

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// Exports are the grade books golab grade can write besides grades.csv and
// the feedback pages, by the names its -export flag takes.
var Exports = map[string]func(dir, lessonTitle string, rows []Row) ([]string, error){
	"gradescope": WriteGradescope,
	"classroom":  WriteClassroom,
	"canvas":     WriteCanvas,
}

// ExportNames lists the names of Exports, sorted.
func ExportNames() []string {
	var names []string
	for name := range Exports {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// gradescopeResults is Gradescope's autograder results.json
// (gradescope-autograders.readthedocs.io, "Autograder Specifications"):
// the score is the tests' sum, each test has its own score.
type gradescopeResults struct {
	Score           float64          `json:"score"`
	ExecutionTime   int              `json:"execution_time"`
	Output          string           `json:"output,omitempty"`
	Visibility      string           `json:"visibility"`
	StdoutVisiblity string           `json:"stdout_visibility"`
	Tests           []gradescopeTest `json:"tests"`
}

type gradescopeTest struct {
	Score      float64 `json:"score"`
	MaxScore   float64 `json:"max_score"`
	Status     string  `json:"status"` // "passed" or "failed"
	Name       string  `json:"name"`
	Number     string  `json:"number"`
	Output     string  `json:"output,omitempty"`
	Visibility string  `json:"visibility"`
}

// WriteGradescope writes each student's results in Gradescope's
// results.json format: dir/results.json for a single submission (what
// Gradescope's run_autograder must leave in /autograder/results), else
// dir/gradescope/STUDENT.json for each.
func WriteGradescope(dir, lessonTitle string, rows []Row) ([]string, error) {
	return writeEach(dir, "results.json", "gradescope", rows, func(s student) any {
		res := gradescopeResults{Visibility: "visible", StdoutVisiblity: "hidden", Output: summary(lessonTitle, s)}
		exercise, n, k := "", 0, 0
		for _, r := range s.rows {
			if r.Exercise != exercise {
				exercise, n, k = r.Exercise, n+1, 0
			}
			k++
			t := gradescopeTest{Score: float64(r.Points), MaxScore: float64(r.Max), Status: "failed",
				Name: r.Exercise + ": " + r.Test, Number: fmt.Sprintf("%d.%d", n, k), Visibility: "visible"}
			if r.Passed {
				t.Status = "passed"
			} else {
				t.Output = r.Reason
			}
			res.Score += t.Score
			res.ExecutionTime = int(r.Seconds + 0.5)
			res.Tests = append(res.Tests, t)
		}
		return res
	})
}

// writeEach writes one JSON file per student, made by results: dir/single
// for a single submission, else dir/folder/STUDENT.json for each.
func writeEach(dir, single, folder string, rows []Row, results func(student) any) ([]string, error) {
	students := byStudent(rows)
	var written []string
	for _, s := range students {
		path := filepath.Join(dir, single)
		if len(students) > 1 {
			path = filepath.Join(dir, folder, s.name+".json")
		}
		if err := writeJSON(path, results(s)); err != nil {
			return written, fmt.Errorf("write %s: %w", path, err)
		}
		written = append(written, path)
	}
	return written, nil
}

// classroomResults is what GitHub Classroom's grading reporter
// (classroom-resources/autograding-grading-reporter) reads from a test
// runner, base64-encoded in the environment variable RUNNER_RESULTS: the
// runner's status ("pass", "fail" or "error"), its points, and its tests.
type classroomResults struct {
	Version  int             `json:"version"`
	Status   string          `json:"status"`
	MaxScore int             `json:"max_score"`
	Tests    []classroomTest `json:"tests"`
}

type classroomTest struct {
	Name     string `json:"name"`
	Status   string `json:"status"` // "pass" or "fail"
	Score    int    `json:"score"`
	Message  string `json:"message,omitempty"`
	TestCode string `json:"test_code"`
	Filename string `json:"filename"`
	LineNo   int    `json:"line_no"`
}

// WriteClassroom writes each student's results in the format of a GitHub
// Classroom test runner: dir/classroom.json for a single submission (a
// workflow step passes it, base64-encoded, to the grading reporter; see
// ClassroomWorkflow), else dir/classroom/STUDENT.json for each.
func WriteClassroom(dir, lessonTitle string, rows []Row) ([]string, error) {
	return writeEach(dir, "classroom.json", "classroom", rows, func(s student) any {
		res := classroomResults{Version: 1, Status: "pass"}
		for _, r := range s.rows {
			t := classroomTest{Name: r.Exercise + ": " + r.Test, Status: "pass", Score: r.Points,
				TestCode: "%check " + r.Exercise, Filename: s.name + ".ipynb"}
			if !r.Passed {
				t.Status, t.Message, res.Status = "fail", r.Reason, "fail"
			}
			res.MaxScore += r.Max
			res.Tests = append(res.Tests, t)
		}
		return res
	})
}

// WriteCanvas writes dir/canvas.csv, a gradebook Canvas imports (Grades,
// Import): its five identifying columns, then one column for the lesson
// holding each student's points, and a "Points Possible" row. golab knows
// a student by the submission's name, which it puts under Student and SIS
// Login ID, the column Canvas matches a JupyterHub or nbgrader login by;
// a new column (no assignment ID in its header) becomes a new assignment.
func WriteCanvas(dir, lessonTitle string, rows []Row) ([]string, error) {
	path := filepath.Join(dir, "canvas.csv")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write the Canvas gradebook: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("write the Canvas gradebook: %w", err)
	}
	w := csv.NewWriter(f)
	totals := Totals(rows)
	possible := 0
	if len(totals) > 0 {
		possible = totals[0].Max
	}
	_ = w.Write([]string{"Student", "ID", "SIS User ID", "SIS Login ID", "Section", lessonTitle})
	_ = w.Write([]string{"Points Possible", "", "", "", "", strconv.Itoa(possible)})
	for _, t := range totals {
		_ = w.Write([]string{t.Student, "", "", t.Student, "", strconv.Itoa(t.Points)})
	}
	w.Flush()
	err = w.Error()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write the Canvas gradebook: %w", err)
	}
	return []string{path}, nil
}

// student is one student's rows, in the order graded.
type student struct {
	name string
	rows []Row
}

// total sums the student's points.
func (s student) total() Total {
	t := Total{Student: s.name}
	for _, r := range s.rows {
		t.Points += r.Points
		t.Max += r.Max
	}
	return t
}

func byStudent(rows []Row) []student {
	var out []student
	index := map[string]int{}
	for _, r := range rows {
		i, ok := index[r.Student]
		if !ok {
			i = len(out)
			index[r.Student] = i
			out = append(out, student{name: r.Student})
		}
		out[i].rows = append(out[i].rows, r)
	}
	return out
}

// summary is the text shown above a student's tests: the points, and the
// note about the whole submission, if any.
func summary(lessonTitle string, s student) string {
	t := s.total()
	text := fmt.Sprintf("%s: %d of %d points.", lessonTitle, t.Points, t.Max)
	if len(s.rows) > 0 && s.rows[0].Note != "" {
		text += fmt.Sprintf("\nNote: %s.", s.rows[0].Note)
	}
	return text
}

func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

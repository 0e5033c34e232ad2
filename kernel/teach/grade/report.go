package grade

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strconv"
)

// WriteCSV writes grades.csv: one line per student and test.
func WriteCSV(path string, rows []Row) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write the grades: %w", err)
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"student", "exercise", "test", "result", "points", "max_points", "seconds", "reason"})
	for _, r := range rows {
		result := "fail"
		if r.Passed {
			result = "pass"
		}
		_ = w.Write([]string{r.Student, r.Exercise, r.Test, result, strconv.Itoa(r.Points), strconv.Itoa(r.Max),
			strconv.FormatFloat(r.Seconds, 'f', 1, 64), r.Reason})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write the grades: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write the grades: %w", err)
	}
	return nil
}

// Total is a student's points.
type Total struct {
	Student     string
	Points, Max int
}

// Totals sums the rows per student, in the rows' order.
func Totals(rows []Row) []Total {
	var out []Total
	for _, s := range byStudent(rows) {
		out = append(out, s.total())
	}
	return out
}

var feedbackPage = template.Must(template.New("feedback").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Lesson}}: feedback for {{.Student}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 50em; margin: 2em auto; color: #1f2328; }
h1 { font-size: 1.4em; } .score { font-size: 1.2em; }
.ex { border-left: 4px solid #1a7f37; padding: 4px 12px; margin: 1em 0; }
.ex.fail { border-color: #cf222e; }
.pass { color: #1a7f37; } .fail b { color: #cf222e; }
code { background: #f6f8fa; padding: 2px 4px; display: inline-block; white-space: pre-wrap; }
</style></head><body>
<h1>{{.Lesson}} — {{.Student}}</h1>
<p class="score">{{.Points}} of {{.Max}} points</p>
{{if .Note}}<p class="note">Note: {{.Note}}.</p>{{end}}
{{range .Exercises}}<div class="ex{{if not .All}} fail{{end}}">
<p><b>{{if .All}}PASS{{else}}FAIL{{end}}</b> {{.Name}}: {{.Passed}} of {{len .Rows}} tests passed</p>
<ul>{{range .Rows}}<li class="{{if .Passed}}pass{{else}}fail{{end}}">{{if .Passed}}✓{{else}}✗{{end}} {{.Test}} ({{.Points}}/{{.Max}}){{if not .Passed}}<br><code>{{.Reason}}</code>{{end}}</li>{{end}}</ul>
</div>{{end}}
</body></html>
`))

// WriteFeedback writes one page per student into dir: each exercise's
// tests, passed or failed, with the failure in the words of the %check box.
func WriteFeedback(dir, lessonTitle string, rows []Row) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("make the feedback folder: %w", err)
	}
	type exercise struct {
		Name   string
		Rows   []Row
		Passed int
		All    bool
	}
	type page struct {
		Lesson, Student, Note string
		Points, Max           int
		Exercises             []*exercise
	}
	var pages []*page
	byStudent := map[string]*page{}
	for _, r := range rows {
		p, ok := byStudent[r.Student]
		if !ok {
			p = &page{Lesson: lessonTitle, Student: r.Student, Note: r.Note}
			byStudent[r.Student] = p
			pages = append(pages, p)
		}
		p.Points += r.Points
		p.Max += r.Max
		n := len(p.Exercises)
		if n == 0 || p.Exercises[n-1].Name != r.Exercise {
			p.Exercises = append(p.Exercises, &exercise{Name: r.Exercise, All: true})
			n++
		}
		ex := p.Exercises[n-1]
		ex.Rows = append(ex.Rows, r)
		if r.Passed {
			ex.Passed++
		} else {
			ex.All = false
		}
	}
	var written []string
	for _, p := range pages {
		path := filepath.Join(dir, p.Student+".html")
		f, err := os.Create(path)
		if err != nil {
			return written, fmt.Errorf("write feedback: %w", err)
		}
		err = feedbackPage.Execute(f, p)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return written, fmt.Errorf("write feedback for %s: %w", p.Student, err)
		}
		written = append(written, path)
	}
	return written, nil
}

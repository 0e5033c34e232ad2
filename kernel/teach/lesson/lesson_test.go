package lesson

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golab-notebooks/golab/kernel/teach/notebook"
)

func TestReadSample(t *testing.T) {
	l, err := Read("testdata/01-sample.md")
	if err != nil {
		t.Fatal(err)
	}
	if l.Slug != "01-sample" || l.Title != "A sample lesson" {
		t.Errorf("slug %q title %q", l.Slug, l.Title)
	}
	var kinds []Kind
	for _, b := range l.Blocks {
		kinds = append(kinds, b.Kind)
	}
	want := []Kind{Prose, Example, Error, Prompt, Starter, Solution, Tests, Wrong, Wrong, Prose}
	if len(kinds) != len(want) {
		t.Fatalf("block kinds %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("block kinds %v, want %v", kinds, want)
		}
	}
	ex := l.Exercises()
	if len(ex) != 1 || ex[0].Name != "double" || len(ex[0].Tests) != 2 || !ex[0].Tests[1].Hidden || ex[0].Tests[1].Runs != 3 {
		t.Errorf("exercises %+v", ex)
	}
	student := string(mustJSON(t, l.Notebook(Student)))
	solutions := string(mustJSON(t, l.Notebook(Solutions)))
	if !strings.Contains(student, "return 0") || strings.Contains(student, "return 2 * x") {
		t.Error("the student notebook does not hold the starter alone")
	}
	if !strings.Contains(solutions, "return 2 * x") || strings.Contains(solutions, "return 0") {
		t.Error("the solutions notebook does not hold the solution alone")
	}
	for _, nb := range []string{student, solutions} {
		if !strings.Contains(nb, `"raises-exception"`) || !strings.Contains(nb, "%check double") || strings.Contains(nb, "Double(0)") {
			t.Error("a notebook lacks the error tag or the check cell, or shows the hidden test")
		}
	}
}

func TestLessonMistakesAreClear(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"no title", "prose\n", "no title"},
		{"unclosed block", "# T\n```go\nx := 1\n", "never closed"},
		{"starter outside an exercise", "# T\n```go starter\nx\n```\n", "outside an exercise"},
		{"exercise without name", "# T\n## Exercise: Something\n", "needs a name"},
		{"no solution", "# T\n## Exercise: E {#e}\n```go starter\nx\n```\n```go test \"t\"\nx\n```\n", "no ```go solution"},
		{"no tests", "# T\n## Exercise: E {#e}\n```go starter\nx\n```\n```go solution\nx\n```\n", "no tests"},
		{"unknown block", "# T\n```go wat\nx\n```\n", "unknown block"},
		{"bad test option", "# T\n## Exercise: E {#e}\n```go test \"t\" runs=x\nx\n```\n", "positive number"},
		{"duplicate exercise", "# T\n## Exercise: E {#e}\n```go starter\nx\n```\n```go solution\nx\n```\n```go test \"t\"\nx\n```\n## Exercise: F {#e}\n", "two exercises"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		path := filepath.Join(dir, "01-x.md")
		if err := os.WriteFile(path, []byte(tt.src), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(path); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error mentioning %q", tt.name, err, tt.want)
		}
	}
}

// Building twice gives the same bytes, and the notebooks in the repository
// are what the lessons build today.
func TestBuildIsReproducibleAndUpToDate(t *testing.T) {
	lessons, err := ReadAll("../../../lessons")
	if err != nil {
		t.Fatal(err)
	}
	first, second := t.TempDir(), t.TempDir()
	a, err := Build(lessons, first)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(lessons, second); err != nil {
		t.Fatal(err)
	}
	if len(lessons) < 6 {
		t.Errorf("%d lessons, want at least six", len(lessons))
	}
	for _, p := range a {
		rel, _ := filepath.Rel(first, p)
		one, _ := os.ReadFile(p)
		two, _ := os.ReadFile(filepath.Join(second, rel))
		if !bytes.Equal(one, two) {
			t.Errorf("%s differs between two builds", rel)
		}
		committed, err := os.ReadFile(filepath.Join("../../../notebooks", rel))
		if err != nil || !bytes.Equal(one, committed) {
			t.Errorf("notebooks/%s is not what the lessons build: run `golab lesson build`", rel)
		}
	}
	for _, l := range lessons {
		if n := len(l.Exercises()); n < 2 {
			t.Errorf("%s has %d exercises, want at least two", l.Slug, n)
		}
	}
}

func mustJSON(t *testing.T, nb *notebook.Notebook) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nb.ipynb")
	if err := notebook.Write(path, nb); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

package grade

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/template"

	"github.com/golab-notebooks/golab/kernel/teach/lesson"
	"github.com/golab-notebooks/golab/kernel/teach/notebook"
)

// Platform holds what packaging a lesson's grading for a platform needs.
type Platform struct {
	Lesson *lesson.Lesson
	// Source is the lesson's source file (NN-name.md), tests included.
	Source string
	// Golab is a golab binary for the platform's machines (linux/amd64).
	Golab string
	// GoVersion is the Go toolchain the platform installs for whole
	// programs and %race ("1.26.8"); Module is golab's module path and
	// Version its version there ("latest" when unknown).
	GoVersion, Module, Version string
}

var gradescopeSetup = template.Must(template.New("setup.sh").Parse(`#!/bin/sh
# Gradescope runs this once, as root, when it builds the autograder's image
# (made by golab lesson gradescope {{.Lesson.Slug}}). golab interprets cells
# by itself; whole-program cells and %race need the Go toolchain.
set -e
install -m 0755 /autograder/source/golab /usr/local/bin/golab
cd /tmp
curl -fsSL -o go.tar.gz "https://go.dev/dl/go{{.GoVersion}}.linux-amd64.tar.gz"
rm -rf /usr/local/go && tar -C /usr/local -xzf go.tar.gz && rm go.tar.gz
ln -sf /usr/local/go/bin/go /usr/local/bin/go
golab version
`))

var gradescopeRun = template.Must(template.New("run_autograder").Parse(`#!/bin/sh
# Gradescope runs this for each submission (made by golab lesson gradescope
# {{.Lesson.Slug}}): it grades the submitted notebook with the lesson's own
# tests and leaves Gradescope's results.json in /autograder/results.
# AUTOGRADER moves the whole layout elsewhere (to try it outside Gradescope).
root=${AUTOGRADER:-/autograder}
golab=$(command -v golab || echo "$root/source/golab")
results="$root/results"
mkdir -p "$results"
fail() {
	printf '{"score": 0, "output": "%s", "visibility": "visible", "tests": []}\n' "$1" > "$results/results.json"
	exit 0
}
if [ -f "$root/submission/{{.Lesson.Slug}}.ipynb" ]; then
	notebook="$root/submission/{{.Lesson.Slug}}.ipynb"
else
	found=$(find "$root/submission" -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*')
	count=$(printf '%s' "$found" | grep -c . || true)
	[ "$count" -eq 1 ] || fail "golab: submit one notebook, {{.Lesson.Slug}}.ipynb (the submission has $count notebooks)."
	notebook=$found
fi
"$golab" grade -lessons "$root/source/lessons" -j 1 -export gradescope -o "$results" "{{.Lesson.Slug}}" "$notebook" ||
	fail "golab could not grade the notebook: see the autograder's output."
`))

// WriteGradescopeAutograder writes the zip Gradescope takes as a
// programming assignment's autograder (gradescope-autograders.readthedocs.io,
// "Autograder Specifications"): setup.sh installs golab (this zip's binary)
// and Go; run_autograder grades the submission with the lesson's tests,
// which stay in the autograder, out of the students' sight.
func WriteGradescopeAutograder(w io.Writer, p Platform) error {
	z := zip.NewWriter(w)
	add := func(name string, mode os.FileMode, body []byte) error {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(mode)
		f, err := z.CreateHeader(h)
		if err != nil {
			return err
		}
		_, err = f.Write(body)
		return err
	}
	for _, t := range []*template.Template{gradescopeSetup, gradescopeRun} {
		var b bytes.Buffer
		if err := t.Execute(&b, p); err != nil {
			return fmt.Errorf("make %s: %w", t.Name(), err)
		}
		if err := add(t.Name(), 0o755, b.Bytes()); err != nil {
			return fmt.Errorf("write %s: %w", t.Name(), err)
		}
	}
	source, err := os.ReadFile(p.Source)
	if err != nil {
		return fmt.Errorf("read the lesson: %w", err)
	}
	if err := add("lessons/"+p.Lesson.Slug+".md", 0o644, source); err != nil {
		return err
	}
	binary, err := os.ReadFile(p.Golab)
	if err != nil {
		return fmt.Errorf("read the golab binary: %w", err)
	}
	if err := add("golab", 0o755, binary); err != nil {
		return err
	}
	return z.Close()
}

var classroomWorkflow = template.Must(template.New("classroom.yml").Parse(`# GitHub Classroom's autograding for {{.Lesson.Slug}} (made by golab lesson
# classroom): golab grades the notebook with the lesson's tests in
# .golab/lessons, and Classroom's reporter records the points.
name: Autograding Tests
on: [push, workflow_dispatch, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: "{{.GoVersion}}"
      - name: Install golab
        run: go install {{.Module}}@{{.Version}}
      - name: golab grade {{.Lesson.Slug}}
        id: golab
        run: |
          golab grade -lessons .golab/lessons -j 1 -export classroom -o "$RUNNER_TEMP/golab" {{.Lesson.Slug}} {{.Lesson.Slug}}.ipynb
          echo "result=$(base64 -w0 "$RUNNER_TEMP/golab/classroom.json")" >> "$GITHUB_OUTPUT"
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          GOLAB_RESULTS: "${{"{{"}}steps.golab.outputs.result{{"}}"}}"
        with:
          runners: golab
`))

// WriteClassroomTemplate writes into dir what a GitHub Classroom
// assignment's template repository needs: the student's notebook, the
// lesson's source with its tests (in a Classroom repository the students
// can read them, as they can any autograding test), and the workflow that
// grades the notebook on each push. It returns the files written.
func WriteClassroomTemplate(dir string, p Platform) ([]string, error) {
	var b bytes.Buffer
	if err := classroomWorkflow.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("make the workflow: %w", err)
	}
	source, err := os.ReadFile(p.Source)
	if err != nil {
		return nil, fmt.Errorf("read the lesson: %w", err)
	}
	workflow := filepath.Join(dir, ".github", "workflows", "classroom.yml")
	lessonCopy := filepath.Join(dir, ".golab", "lessons", p.Lesson.Slug+".md")
	var written []string
	for _, f := range []struct {
		path string
		body []byte
	}{{workflow, b.Bytes()}, {lessonCopy, source}} {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			return written, err
		}
		if err := os.WriteFile(f.path, f.body, 0o644); err != nil {
			return written, fmt.Errorf("write %s: %w", f.path, err)
		}
		written = append(written, f.path)
	}
	nb := filepath.Join(dir, p.Lesson.Slug+".ipynb")
	if err := notebook.Write(nb, p.Lesson.Notebook(lesson.Student)); err != nil {
		return written, err
	}
	return append(written, nb), nil
}

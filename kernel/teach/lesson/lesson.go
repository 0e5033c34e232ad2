// Package lesson reads the lesson sources teachers write in lessons/ and
// turns them into notebooks (Build), and checks that every exercise's
// reference solution passes its tests and every starter fails them
// (Check).
//
// A lesson is one Markdown file, lessons/NN-name.md. Prose becomes
// Markdown cells and ```go blocks become code cells. An exercise is a
// section headed "## Exercise: Title {#name}" holding a prompt and these
// blocks, by the word after "go" in their fence:
//
//	```go starter        the code the learner starts from (it must compile)
//	```go solution       the reference solution (only in the solutions notebook)
//	```go test "name" runs=50 timeout=5s noise      a visible test
//	```go hidden-test "name" ...                    a hidden test
//	```go wrong "what is wrong"   a typical wrong answer: lesson check
//	                              requires the tests to fail it (it is in
//	                              no notebook)
//
// A ```go error block demonstrates an error on purpose (its cell is tagged
// raises-exception). lessons/README.md is the teacher's guide.
package lesson

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/golab-notebooks/golab/kernel/teach/exercise"
)

// Lesson is one parsed lesson source.
type Lesson struct {
	Slug   string // the file name without .md: "01-goroutines"
	Path   string // the source file it was read from, if any
	Title  string // its first "# " heading
	Blocks []Block
}

// Kind tells what a block becomes.
type Kind int

// The kinds of block.
const (
	Prose    Kind = iota // a Markdown cell
	Example              // a code cell
	Error                // a code cell that fails on purpose
	Prompt               // an exercise's prompt: a Markdown cell
	Starter              // the learner's code cell of an exercise
	Solution             // the same cell, in the solutions notebook
	Tests                // an exercise's %check cell (its tests)
	Wrong                // a typical wrong answer, for lesson check only
)

// Block is one cell-to-be.
type Block struct {
	Kind     Kind
	Text     string
	Exercise string          // for exercise blocks: the exercise's name
	Tests    []exercise.Test // for Tests blocks
	Name     string          // for Wrong blocks: what is wrong in it
	Line     int             // where the block starts in the source
}

// Exercise is the parts of one exercise, for checking.
type Exercise struct {
	Name, Title       string
	Starter, Solution string
	Tests             []exercise.Test
	Wrong             []WrongAnswer
}

// WrongAnswer is a typical wrong answer to an exercise, which its tests
// must fail.
type WrongAnswer struct {
	Name, Code string
}

var (
	exerciseHeading = regexp.MustCompile(`^##\s+Exercise:\s*(.*?)\s*\{#([A-Za-z][A-Za-z0-9_-]*)\}\s*$`)
	testInfo        = regexp.MustCompile(`^(test|hidden-test)\s+(.*)$`)
	wrongInfo       = regexp.MustCompile(`^wrong\s+"([^"]+)"\s*$`)
)

// ReadAll parses every lessons/NN-*.md file of dir, in name order.
func ReadAll(dir string) ([]*Lesson, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "[0-9]*.md"))
	if err != nil {
		return nil, fmt.Errorf("list lessons: %w", err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no lessons in %s (files named like 01-goroutines.md)", dir)
	}
	sort.Strings(paths)
	var out []*Lesson
	for _, p := range paths {
		l, err := Read(p)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// Read parses one lesson file.
func Read(path string) (*Lesson, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read lesson: %w", err)
	}
	defer f.Close()
	l := &Lesson{Slug: strings.TrimSuffix(filepath.Base(path), ".md"), Path: path}
	p := &parser{lesson: l, path: path}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		p.line++
		if err := p.feed(sc.Text()); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	if l.Title == "" {
		return nil, fmt.Errorf("%s: the lesson has no title (a first line such as \"# Goroutines\")", path)
	}
	return l, nil
}

// parser is the state of reading one lesson, line by line.
type parser struct {
	lesson *Lesson
	path   string
	line   int

	prose     []string
	proseLine int
	fence     string // the open fence's info after "go", or "" outside code
	inCode    bool
	code      []string
	codeLine  int
	exercise  string // the current exercise's name
	ex        *Exercise
	exercises map[string]*Exercise
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.path, p.line, fmt.Sprintf(format, args...))
}

func (p *parser) feed(line string) error {
	if p.inCode {
		if strings.TrimSpace(line) == "```" {
			p.inCode = false
			return p.closeCode()
		}
		p.code = append(p.code, line)
		return nil
	}
	if info, ok := strings.CutPrefix(line, "```go"); ok {
		p.flushProse()
		p.inCode, p.fence, p.code, p.codeLine = true, strings.TrimSpace(info), nil, p.line
		return nil
	}
	if strings.HasPrefix(line, "## ") {
		if err := p.endExercise(); err != nil {
			return err
		}
		if m := exerciseHeading.FindStringSubmatch(line); m != nil {
			p.flushProse()
			if p.exercises == nil {
				p.exercises = map[string]*Exercise{}
			}
			if _, dup := p.exercises[m[2]]; dup {
				return p.errorf("two exercises named %q", m[2])
			}
			p.exercise = m[2]
			p.ex = &Exercise{Name: m[2], Title: m[1]}
			p.exercises[m[2]] = p.ex
			line = "## Exercise: " + m[1] // the {#name} is for the tools, not the reader
		} else if strings.HasPrefix(line, "## Exercise") {
			return p.errorf("an exercise heading needs a name: \"## Exercise: Title {#name}\"")
		}
	}
	if title, ok := strings.CutPrefix(line, "# "); ok && p.lesson.Title == "" {
		p.lesson.Title = strings.TrimSpace(title)
	}
	if len(p.prose) == 0 {
		p.proseLine = p.line
	}
	p.prose = append(p.prose, line)
	return nil
}

// flushProse ends the Markdown cell being gathered.
func (p *parser) flushProse() {
	text := strings.TrimSpace(strings.Join(p.prose, "\n"))
	p.prose = nil
	if text == "" {
		return
	}
	kind := Prose
	if p.exercise != "" {
		kind = Prompt
	}
	p.lesson.Blocks = append(p.lesson.Blocks, Block{Kind: kind, Text: text, Exercise: p.exercise, Line: p.proseLine})
}

func (p *parser) closeCode() error {
	text := strings.TrimRight(strings.Join(p.code, "\n"), "\n")
	b := Block{Text: text, Line: p.codeLine, Exercise: p.exercise}
	info := p.fence
	switch {
	case info == "":
		b.Kind = Example
	case info == "error":
		b.Kind = Error
	case info == "starter" || info == "solution":
		if p.ex == nil {
			return p.errorf("a ```go %s block outside an exercise (start one with \"## Exercise: Title {#name}\")", info)
		}
		if info == "starter" {
			if p.ex.Starter != "" {
				return p.errorf("exercise %q has two starter blocks", p.ex.Name)
			}
			b.Kind, p.ex.Starter = Starter, text
		} else {
			if p.ex.Solution != "" {
				return p.errorf("exercise %q has two solution blocks", p.ex.Name)
			}
			b.Kind, p.ex.Solution = Solution, text
		}
	case wrongInfo.MatchString(info):
		if p.ex == nil {
			return p.errorf("a ```go wrong block outside an exercise")
		}
		b.Kind, b.Name = Wrong, wrongInfo.FindStringSubmatch(info)[1]
		p.ex.Wrong = append(p.ex.Wrong, WrongAnswer{Name: b.Name, Code: text})
	case testInfo.MatchString(info):
		if p.ex == nil {
			return p.errorf("a test outside an exercise")
		}
		m := testInfo.FindStringSubmatch(info)
		t, err := exercise.ParseHeader(m[2])
		if err != nil {
			return p.errorf("test %s: %v", m[2], err)
		}
		t.Hidden = m[1] == "hidden-test"
		t.Body = text + "\n"
		p.ex.Tests = append(p.ex.Tests, t)
		return nil // gathered into the exercise's check cell
	default:
		return p.errorf("unknown block ```go %s (use starter, solution, test \"name\", hidden-test \"name\", wrong \"what is wrong\" or error)", info)
	}
	p.lesson.Blocks = append(p.lesson.Blocks, b)
	return nil
}

// endExercise checks the exercise that ends and adds its check cell.
func (p *parser) endExercise() error {
	p.flushProse()
	ex := p.ex
	if ex == nil {
		return nil
	}
	p.exercise, p.ex = "", nil
	switch {
	case ex.Starter == "":
		return fmt.Errorf("%s: exercise %q has no ```go starter block", p.path, ex.Name)
	case ex.Solution == "":
		return fmt.Errorf("%s: exercise %q has no ```go solution block", p.path, ex.Name)
	case len(ex.Tests) == 0:
		return fmt.Errorf("%s: exercise %q has no tests (```go test \"name\")", p.path, ex.Name)
	}
	// The check cell goes right after the learner's code.
	for i, b := range p.lesson.Blocks {
		if b.Kind == Solution && b.Exercise == ex.Name {
			check := Block{Kind: Tests, Exercise: ex.Name, Tests: ex.Tests, Text: exercise.Format(ex.Name, ex.Tests), Line: b.Line}
			p.lesson.Blocks = append(p.lesson.Blocks[:i+1], append([]Block{check}, p.lesson.Blocks[i+1:]...)...)
			break
		}
	}
	return nil
}

func (p *parser) finish() error {
	if p.inCode {
		return fmt.Errorf("%s:%d: a ```go block is never closed", p.path, p.codeLine)
	}
	return p.endExercise()
}

// Exercises returns the lesson's exercises, in order.
func (l *Lesson) Exercises() []Exercise {
	var out []Exercise
	index := map[string]int{}
	for _, b := range l.Blocks {
		if b.Exercise == "" {
			continue
		}
		i, ok := index[b.Exercise]
		if !ok {
			i = len(out)
			index[b.Exercise] = i
			out = append(out, Exercise{Name: b.Exercise})
		}
		ex := &out[i]
		switch b.Kind {
		case Starter:
			ex.Starter = b.Text
		case Solution:
			ex.Solution = b.Text
		case Tests:
			ex.Tests = b.Tests
		case Wrong:
			ex.Wrong = append(ex.Wrong, WrongAnswer{Name: b.Name, Code: b.Text})
		}
	}
	return out
}

// Package exercise defines the %check cell: the cell a lesson notebook
// holds under each exercise, which runs the exercise's tests against the
// learner's code. golab lesson build writes it (Format) and the worker
// reads it (Parse), so the two always agree:
//
//	%check counter
//	//golab:test "the count is exact" runs=50 timeout=5s noise
//	check.Equal(t, "Count(4, 1000)", Count(4, 1000), 4000)
//	//golab:hidden Ly9nb2xhYjp0ZXN0IC...
//
// Visible tests are plain text, so learners read what is checked; hidden
// tests are base64-encoded test blocks of the same form (hidden from a
// glance, not from a determined learner).
package exercise

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Magic starts a check cell.
const Magic = "%check"

const (
	testPrefix   = "//golab:test "
	hiddenPrefix = "//golab:hidden "
)

// Test is one test of an exercise: a function body with t in scope.
type Test struct {
	Name    string
	Runs    int           // run the body this many times (stress); 0 means once
	Timeout time.Duration // for all runs; 0 means the default
	Noise   bool          // add scheduling noise while it runs
	// Race runs the test compiled with Go's race detector, not in the
	// interpreter: it fails on any data race the detector reports, as
	// well as on a failing check.
	Race   bool
	Points int // what passing it is worth when graded; 0 means 1
	Body   string
	Hidden bool
}

// Graded is the word after the exercise's name on the first line of a
// check cell that is graded ("%check counter graded"): when a test fails,
// the cell fails too (an error, as nbgrader needs to score it 0), after
// the same PASS/FAIL box.
const Graded = "graded"

// header is the test's //golab:test line.
func (t Test) header() string {
	h := testPrefix + strconv.Quote(t.Name)
	if t.Runs > 0 {
		h += fmt.Sprintf(" runs=%d", t.Runs)
	}
	if t.Timeout > 0 {
		h += " timeout=" + t.Timeout.String()
	}
	if t.Noise {
		h += " noise"
	}
	if t.Race {
		h += " race"
	}
	if t.Points > 0 {
		h += fmt.Sprintf(" points=%d", t.Points)
	}
	return h
}

// Worth returns the test's points: 1 unless the lesson gives points=N.
func (t Test) Worth() int {
	if t.Points > 0 {
		return t.Points
	}
	return 1
}

// IsCheckCell reports whether a cell is a check cell.
func IsCheckCell(src string) bool {
	first, _, _ := strings.Cut(strings.TrimLeft(src, " \t\n"), "\n")
	return strings.HasPrefix(strings.TrimSpace(first), Magic)
}

// Format writes the check cell of an exercise.
func Format(exercise string, tests []Test) string {
	return FormatCell(Cell{Exercise: exercise, Tests: tests})
}

// Cell is a parsed check cell.
type Cell struct {
	Exercise string
	Tests    []Test
	Graded   bool // the cell fails when a test fails
	// HiddenFrame, if set, surrounds the hidden tests' line with these two
	// comment lines (nbgrader's hidden-test delimiters).
	HiddenFrame [2]string
}

// FormatCell writes a check cell.
func FormatCell(c Cell) string {
	exercise, tests := c.Exercise, c.Tests
	var visible, hidden strings.Builder
	for _, t := range tests {
		b := &visible
		if t.Hidden {
			b = &hidden
		}
		b.WriteString(t.header() + "\n" + strings.TrimRight(t.Body, "\n") + "\n")
	}
	first := Magic + " " + exercise
	if c.Graded {
		first += " " + Graded
	}
	out := first + "\n" + visible.String()
	if hidden.Len() > 0 {
		line := hiddenPrefix + base64.StdEncoding.EncodeToString([]byte(hidden.String())) + "\n"
		if c.HiddenFrame[0] != "" {
			line = c.HiddenFrame[0] + "\n" + line + c.HiddenFrame[1] + "\n"
		}
		out += line
	}
	return strings.TrimRight(out, "\n")
}

// Parse reads a check cell: the exercise's name and its tests, hidden ones
// decoded and marked.
func Parse(src string) (string, []Test, error) {
	c, err := ParseCell(src)
	return c.Exercise, c.Tests, err
}

// ParseCell reads a check cell, with whether it is graded.
func ParseCell(src string) (Cell, error) {
	lines := strings.Split(strings.TrimLeft(src, " \t\n"), "\n")
	fields := strings.Fields(lines[0])
	if len(fields) < 2 || fields[0] != Magic || len(fields) > 3 || (len(fields) == 3 && fields[2] != Graded) {
		return Cell{}, fmt.Errorf("a check cell starts with %q, the exercise's name and, to grade it, %q, as in: %s counter", Magic, Graded, Magic)
	}
	c := Cell{Exercise: fields[1], Graded: len(fields) == 3}
	if err := parseTests(lines[1:], false, &c.Tests); err != nil {
		return c, err
	}
	for i := range c.Tests {
		c.Tests[i].Body = strings.TrimRight(c.Tests[i].Body, "\n") + "\n"
	}
	if len(c.Tests) == 0 {
		return c, fmt.Errorf("%s %s: the cell has no tests (each starts with a %q line)", Magic, c.Exercise, strings.TrimSpace(testPrefix))
	}
	return c, nil
}

func parseTests(lines []string, hidden bool, tests *[]Test) error {
	for _, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, hiddenPrefix):
			raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(trimmed, hiddenPrefix))
			if err != nil {
				return fmt.Errorf("the hidden tests are damaged (%v): rebuild the notebook with golab lesson build", err)
			}
			if err := parseTests(strings.Split(string(raw), "\n"), true, tests); err != nil {
				return err
			}
		case strings.HasPrefix(trimmed, testPrefix):
			t, err := ParseHeader(strings.TrimPrefix(trimmed, testPrefix))
			if err != nil {
				return fmt.Errorf("%q: %w", trimmed, err)
			}
			t.Hidden = hidden
			*tests = append(*tests, t)
		case len(*tests) > 0:
			last := &(*tests)[len(*tests)-1]
			last.Body += line + "\n"
		case trimmed != "" && !strings.HasPrefix(trimmed, "//"):
			return fmt.Errorf("%q comes before the first %q line", trimmed, strings.TrimSpace(testPrefix))
		}
	}
	return nil
}

// ParseHeader reads a test's name and options: `"name" runs=50 timeout=5s
// noise`. Lesson sources write them after ```go test.
func ParseHeader(h string) (Test, error) {
	var t Test
	if !strings.HasPrefix(h, `"`) {
		return t, fmt.Errorf("the test's name must be quoted")
	}
	end := strings.Index(h[1:], `"`)
	for end >= 0 && h[end] == '\\' { // an escaped quote inside the name
		next := strings.Index(h[end+2:], `"`)
		if next < 0 {
			end = -1
			break
		}
		end += next + 1
	}
	if end < 0 {
		return t, fmt.Errorf("the test's name has no closing quote")
	}
	name, err := strconv.Unquote(h[:end+2])
	if err != nil {
		return t, fmt.Errorf("the test's name: %w", err)
	}
	t.Name = name
	for _, opt := range strings.Fields(h[end+2:]) {
		key, value, _ := strings.Cut(opt, "=")
		switch key {
		case "runs":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 {
				return t, fmt.Errorf("runs=%s: want a positive number", value)
			}
			t.Runs = n
		case "timeout":
			d, err := time.ParseDuration(value)
			if err != nil || d <= 0 {
				return t, fmt.Errorf("timeout=%s: want a duration such as 5s", value)
			}
			t.Timeout = d
		case "noise":
			t.Noise = true
		case "race":
			t.Race = true
		case "points":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 {
				return t, fmt.Errorf("points=%s: want a positive number", value)
			}
			t.Points = n
		default:
			return t, fmt.Errorf("unknown option %q (runs=N, timeout=D, noise, race, points=N)", opt)
		}
	}
	return t, nil
}

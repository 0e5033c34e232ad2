package lesson

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/golab-notebooks/golab/kernel/jupyter/spec"

	"github.com/golab-notebooks/golab/kernel/teach/notebook"
)

// Variant says which notebook of a lesson to make.
type Variant int

// The notebooks of a lesson.
const (
	Student   Variant = iota // starters in the exercises
	Solutions                // reference solutions in the exercises
)

// notebookMetadata is what makes JupyterLab pick the golab kernel, with
// the language_info the kernel gives (so that opening a lesson does not
// mark it modified).
var notebookMetadata = func() string {
	meta := map[string]any{
		"kernelspec":    map[string]string{"display_name": "Go (golab)", "language": "go", "name": "golab"},
		"language_info": spec.Language(),
	}
	b, err := json.Marshal(meta)
	if err != nil {
		panic(err) // a literal of plain types
	}
	return string(b)
}()

// Notebook makes the lesson's notebook. The same lesson always gives the
// same bytes: cell ids come from the lesson and the cell's place.
func (l *Lesson) Notebook(v Variant) *notebook.Notebook {
	nb, add := newNotebook(l.Slug, v)
	for _, c := range l.cells(v) {
		add(c.cellType, c.text, c.meta)
	}
	return nb
}

// lessonCell is a cell of a lesson's notebook and the line of the lesson
// source its block starts at.
type lessonCell struct {
	cellType, text string
	meta           map[string]any
	line           int
}

// cells lists the cells of the lesson's notebook of variant v.
func (l *Lesson) cells(v Variant) []lessonCell {
	var out []lessonCell
	add := func(b Block, cellType string, meta map[string]any) {
		out = append(out, lessonCell{cellType: cellType, text: b.Text, meta: meta, line: b.Line})
	}
	for _, b := range l.Blocks {
		exercise := map[string]any{"exercise": b.Exercise}
		switch b.Kind {
		case Prose, Prompt:
			add(b, "markdown", nil)
		case Example:
			add(b, "code", nil)
		case Error:
			add(b, "code", map[string]any{"tags": []string{"raises-exception"}})
		case Starter:
			if v == Student {
				add(b, "code", map[string]any{"tags": []string{"exercise"}, "golab": exercise})
			}
		case Solution:
			if v == Solutions {
				add(b, "code", map[string]any{"tags": []string{"solution"}, "golab": exercise})
			}
		case Tests:
			add(b, "code", map[string]any{"tags": []string{"check"}, "golab": exercise})
		}
	}
	return out
}

// SourceLine returns the line of the lesson's source where the block of
// cell index (0-based) of the notebook of variant v starts, or 0.
func (l *Lesson) SourceLine(v Variant, index int) int {
	cells := l.cells(v)
	if index < 0 || index >= len(cells) {
		return 0
	}
	return cells[index].line
}

// newNotebook makes an empty lesson notebook and the function that appends
// a cell to it, with a stable id from idPrefix, v and the cell's place, and
// metadata when meta has any.
func newNotebook(idPrefix string, v Variant) (*notebook.Notebook, func(cellType, text string, meta map[string]any)) {
	nb := &notebook.Notebook{Metadata: json.RawMessage(notebookMetadata), NBFormat: 4, NBFormatMinor: 5}
	return nb, func(cellType, text string, meta map[string]any) {
		c := &notebook.Cell{CellType: cellType, Source: notebook.Source(text), ID: cellID(idPrefix, v, len(nb.Cells))}
		if len(meta) > 0 {
			raw, err := json.Marshal(meta)
			if err != nil {
				panic(err) // maps of strings, numbers, bools and structs of them
			}
			c.Metadata = raw
		}
		nb.Cells = append(nb.Cells, c)
	}
}

// cellID is a stable, valid nbformat cell id.
func cellID(slug string, v Variant, i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%d/%d", slug, v, i)))
	return hex.EncodeToString(sum[:6])
}

// Build writes, for each lesson, the student notebook outDir/SLUG.ipynb and
// the solutions notebook outDir/solutions/SLUG.ipynb, and an index
// notebook outDir/index.ipynb. It returns the paths written.
func Build(lessons []*Lesson, outDir string) ([]string, error) {
	if err := os.MkdirAll(filepath.Join(outDir, "solutions"), 0o755); err != nil {
		return nil, fmt.Errorf("make the notebook folders: %w", err)
	}
	var written []string
	write := func(path string, nb *notebook.Notebook) error {
		if err := notebook.Write(path, nb); err != nil {
			return err
		}
		written = append(written, path)
		return nil
	}
	for _, l := range lessons {
		if err := write(filepath.Join(outDir, l.Slug+".ipynb"), l.Notebook(Student)); err != nil {
			return written, err
		}
		if err := write(filepath.Join(outDir, "solutions", l.Slug+".ipynb"), l.Notebook(Solutions)); err != nil {
			return written, err
		}
	}
	if err := write(filepath.Join(outDir, "index.ipynb"), Index(lessons)); err != nil {
		return written, err
	}
	return written, nil
}

// Index makes the notebook that lists the lessons, with links.
func Index(lessons []*Lesson) *notebook.Notebook {
	var b strings.Builder
	b.WriteString("# Parallelism in Go: the lessons\n\n")
	b.WriteString("Open each lesson in order. Exercises end with a `%check` cell: run it to see whether your code passes the tests.\n\n")
	for i, l := range lessons {
		exercises := l.Exercises()
		fmt.Fprintf(&b, "%d. [%s](%s.ipynb)", i+1, l.Title, l.Slug)
		if len(exercises) > 0 {
			fmt.Fprintf(&b, " — %d exercises", len(exercises))
		}
		b.WriteString("\n")
	}
	b.WriteString("\nReference solutions are in [solutions/](solutions/) — try the exercises first.\n")
	nb := &notebook.Notebook{Metadata: json.RawMessage(notebookMetadata), NBFormat: 4, NBFormatMinor: 5}
	nb.Cells = []*notebook.Cell{{ID: cellID("index", Student, 0), CellType: "markdown", Source: notebook.Source(b.String())}}
	return nb
}

// Package notebook runs a Jupyter notebook's Go cells headless, without
// Jupyter: `golab run lesson.ipynb`. Outputs are recorded in the notebook
// the way nbclient records them, so a notebook executed here and one
// executed by `jupyter nbconvert --execute` match.
package notebook

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/kernel/supervisor"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// Notebook is an nbformat 4 notebook. Fields golab does not touch are kept
// as they were.
type Notebook struct {
	Cells         []*Cell         `json:"cells"`
	Metadata      json.RawMessage `json:"metadata"`
	NBFormat      int             `json:"nbformat"`
	NBFormatMinor int             `json:"nbformat_minor"`
}

// Cell is one notebook cell.
type Cell struct {
	ID             string          `json:"id,omitempty"`
	CellType       string          `json:"cell_type"`
	Metadata       json.RawMessage `json:"metadata"`
	Source         Source          `json:"source"`
	Attachments    json.RawMessage `json:"attachments,omitempty"`
	ExecutionCount *int            `json:"execution_count,omitempty"`
	Outputs        []Output        `json:"outputs,omitempty"`
}

// MarshalJSON writes the fields nbformat requires for the cell's type:
// code cells always have outputs and an execution count (maybe null),
// other cells have neither.
func (c *Cell) MarshalJSON() ([]byte, error) {
	m := map[string]any{"cell_type": c.CellType, "source": c.Source}
	if c.ID != "" {
		m["id"] = c.ID
	}
	m["metadata"] = json.RawMessage("{}")
	if len(c.Metadata) > 0 {
		m["metadata"] = c.Metadata
	}
	if len(c.Attachments) > 0 {
		m["attachments"] = c.Attachments
	}
	if c.CellType == "code" {
		m["execution_count"] = c.ExecutionCount
		outs := c.Outputs
		if outs == nil {
			outs = []Output{}
		}
		m["outputs"] = outs
	}
	return json.Marshal(m)
}

// Source is cell text, stored in a notebook either as one string or as a
// list of lines.
type Source string

// UnmarshalJSON accepts both forms.
func (s *Source) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = Source(one)
		return nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return fmt.Errorf("cell source is neither a string nor a list of strings: %w", err)
	}
	*s = Source(strings.Join(lines, ""))
	return nil
}

// MarshalJSON writes the list-of-lines form, as Jupyter does.
func (s Source) MarshalJSON() ([]byte, error) {
	return json.Marshal(splitLines(string(s)))
}

func splitLines(s string) []string {
	lines := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// Output is one cell output as nbformat stores it.
type Output map[string]any

// Read parses a notebook file.
func Read(path string) (*Notebook, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read notebook: %w", err)
	}
	var nb Notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		return nil, fmt.Errorf("notebook %s is not valid JSON: %w", path, err)
	}
	if nb.NBFormat != 4 {
		return nil, fmt.Errorf("notebook %s has nbformat %d; golab reads version 4", path, nb.NBFormat)
	}
	for i, c := range nb.Cells {
		switch {
		case c == nil:
			return nil, fmt.Errorf("notebook %s: cell %d is null, not a cell (the file is damaged: open it in Jupyter and save it again, or restore it)", path, i+1)
		case c.CellType != "code" && c.CellType != "markdown" && c.CellType != "raw":
			return nil, fmt.Errorf("notebook %s: cell %d has cell_type %q; a notebook's cells are code, markdown or raw", path, i+1, c.CellType)
		}
	}
	return &nb, nil
}

// Write saves a notebook with Jupyter's layout (one-space indent).
func Write(path string, nb *Notebook) error {
	raw, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		return fmt.Errorf("encode notebook: %w", err)
	}
	if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
		return fmt.Errorf("write notebook: %w", err)
	}
	return nil
}

// CellError is a cell that failed while the notebook ran.
type CellError struct {
	Index int // 0-based index among all cells
	Count int // execution count
	Err   *protocol.Error
}

// Error names the failing cell and its error.
func (e *CellError) Error() string {
	return fmt.Sprintf("cell %d (execution count %d) failed: %s: %s", e.Index+1, e.Count, e.Err.Name, e.Err.Value)
}

// Run executes every code cell in order with a fresh engine, recording
// outputs. It stops at the first failing cell, unless the cell is tagged
// "raises-exception" (it demonstrates an error on purpose), and returns a
// *CellError for it. Progress lines go to progress.
func Run(nb *Notebook, engine *supervisor.Supervisor, progress io.Writer) error {
	errs := run(context.Background(), nb, engine, progress, true)
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// RunAll executes every code cell, as Run does, but goes on after a cell
// fails (as nbgrader does), and returns the failures of cells not tagged
// raises-exception. Once ctx ends, no further cell starts.
func RunAll(ctx context.Context, nb *Notebook, engine *supervisor.Supervisor, progress io.Writer) []*CellError {
	return run(ctx, nb, engine, progress, false)
}

func run(ctx context.Context, nb *Notebook, engine *supervisor.Supervisor, progress io.Writer, stopOnError bool) []*CellError {
	var failures []*CellError
	var code []*Cell
	for _, c := range nb.Cells {
		if c.CellType == "code" {
			code = append(code, c)
		}
	}
	rec := &recorder{byDisplayID: map[string][]outputRef{}}
	count := 0
	for i, c := range nb.Cells {
		if c.CellType != "code" || ctx.Err() != nil {
			continue
		}
		count++
		n := count
		c.ExecutionCount = &n
		c.Outputs = []Output{}
		fmt.Fprintf(progress, "[%d/%d] %s", count, len(code), firstLine(string(c.Source)))
		rec.cell = c
		started := time.Now()
		res := engine.Execute(string(c.Source), false, nil, rec.sink(c))
		took := time.Since(started).Round(time.Millisecond)
		if res.Status == protocol.StatusError {
			fmt.Fprintf(progress, "  (%v, %s: %s)\n", took, res.Error.Name, res.Error.Value)
		} else {
			fmt.Fprintf(progress, "  (%v)\n", took)
		}
		if res.Status == protocol.StatusOK && len(res.Data) > 0 {
			rec.add(Output{"output_type": "execute_result", "execution_count": n, "data": res.Data, "metadata": map[string]any{}})
		}
		if res.Status == protocol.StatusError {
			rec.add(Output{"output_type": "error", "ename": res.Error.Name, "evalue": res.Error.Value, "traceback": res.Error.Traceback})
			if !c.HasTag("raises-exception") {
				failures = append(failures, &CellError{Index: i, Count: n, Err: res.Error})
				if stopOnError {
					return failures
				}
			}
		}
	}
	return failures
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

// HasTag reports whether the cell's metadata has the tag.
func (c *Cell) HasTag(tag string) bool {
	var meta struct {
		Tags []string `json:"tags"`
	}
	if len(c.Metadata) == 0 || json.Unmarshal(c.Metadata, &meta) != nil {
		return false
	}
	for _, t := range meta.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// Exercise returns the name of the exercise a lesson cell belongs to (its
// "golab" metadata), or "".
func (c *Cell) Exercise() string {
	var meta struct {
		Golab struct {
			Exercise string `json:"exercise"`
		} `json:"golab"`
	}
	if len(c.Metadata) == 0 || json.Unmarshal(c.Metadata, &meta) != nil {
		return ""
	}
	return meta.Golab.Exercise
}

// recorder turns a running cell's outputs into nbformat outputs, as
// nbclient does: consecutive stream text of one name is merged, display
// updates replace earlier outputs with the same display id, and
// clear_output empties the cell (at once, or at the next output).
type recorder struct {
	cell         *Cell
	clearPending bool
	byDisplayID  map[string][]outputRef
}

type outputRef struct {
	cell  *Cell
	index int
}

// sink records the outputs of cell c. Text that goroutines of c print
// after c has ended is recorded in c too, where a reader looks for it.
func (r *recorder) sink(c *Cell) *supervisor.Sink {
	return &supervisor.Sink{
		KeepsLateOutput: true,
		Stream: func(name, text string) {
			if c == r.cell {
				r.flushClear()
			}
			outs := c.Outputs
			if n := len(outs); n > 0 && outs[n-1]["output_type"] == "stream" && outs[n-1]["name"] == name {
				outs[n-1]["text"] = outs[n-1]["text"].(string) + text
				return
			}
			c.Outputs = append(c.Outputs, Output{"output_type": "stream", "name": name, "text": text})
		},
		Display: func(o protocol.Output) {
			meta := o.Metadata
			if meta == nil {
				meta = map[string]any{}
			}
			switch o.Kind {
			case "clear":
				if o.Wait {
					r.clearPending = true
				} else {
					r.cell.Outputs = []Output{}
				}
			case "update":
				for _, ref := range r.byDisplayID[o.DisplayID] {
					if ref.index < len(ref.cell.Outputs) {
						ref.cell.Outputs[ref.index]["data"] = o.Data
						ref.cell.Outputs[ref.index]["metadata"] = meta
					}
				}
			default:
				r.add(Output{"output_type": "display_data", "data": o.Data, "metadata": meta})
				if o.DisplayID != "" {
					r.byDisplayID[o.DisplayID] = append(r.byDisplayID[o.DisplayID], outputRef{r.cell, len(r.cell.Outputs) - 1})
				}
			}
		},
	}
}

func (r *recorder) flushClear() {
	if r.clearPending {
		r.cell.Outputs = []Output{}
		r.clearPending = false
	}
}

func (r *recorder) add(o Output) {
	r.flushClear()
	r.cell.Outputs = append(r.cell.Outputs, o)
}

// Package runner runs a Jupyter notebook's Go cells headless, without
// Jupyter, through a supervisor: `golab run lesson.ipynb`, and the
// notebooks golab lesson check and golab grade run. Outputs are recorded in
// the notebook (package notebook, the file format) the way nbclient
// records them, so a notebook executed here and one executed by
// `jupyter nbconvert --execute` match.
package runner

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/jupyter/supervisor"
	"github.com/golab-notebooks/golab/kernel/protocol"
	"github.com/golab-notebooks/golab/kernel/teach/notebook"
)

// CellError is a cell that failed while the notebook ran.
type CellError struct {
	Index int // 0-based index among all cells
	Count int // execution count
	Err   *protocol.Error
	// Source is the cell's first line, to name it.
	Source string
	// TimedOut is set when the cell ran past its limit and was
	// interrupted (see Options.CellLimit).
	TimedOut bool
}

// Error names the failing cell and its error.
func (e *CellError) Error() string {
	return fmt.Sprintf("cell %d (execution count %d) failed: %s: %s", e.Index+1, e.Count, e.Err.Name, e.Err.Value)
}

// Run executes every code cell in order with a fresh sup, recording
// outputs. It stops at the first failing cell, unless the cell is tagged
// "raises-exception" (it demonstrates an error on purpose), and returns a
// *CellError for it. Progress lines go to progress.
func Run(nb *notebook.Notebook, sup *supervisor.Supervisor, progress io.Writer) error {
	errs := run(context.Background(), nb, sup, Options{Progress: progress}, true)
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// Options say how RunAll runs a notebook.
type Options struct {
	// Progress receives a line per cell; nil for none.
	Progress io.Writer
	// CellLimit bounds each cell: one that runs longer is interrupted
	// (its error says so), and the next cell runs, as nbgrader does with
	// its timeout. 0 is no limit.
	CellLimit time.Duration
	// LimitOf, if set, gives the limit of a cell in place of CellLimit
	// when it returns more than 0 (a check cell's tests have timeouts of
	// their own, longer than a scratch cell's limit).
	LimitOf func(c *notebook.Cell) time.Duration
}

// RunAll executes every code cell, as Run does, but goes on after a cell
// fails (as nbgrader does), and returns the failures of cells not tagged
// raises-exception. Once ctx ends, no further cell starts.
func RunAll(ctx context.Context, nb *notebook.Notebook, sup *supervisor.Supervisor, opts Options) []*CellError {
	return run(ctx, nb, sup, opts, false)
}

func run(ctx context.Context, nb *notebook.Notebook, sup *supervisor.Supervisor, opts Options, stopOnError bool) []*CellError {
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	var failures []*CellError
	var code []*notebook.Cell
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
		c.Outputs = []notebook.Output{}
		fmt.Fprintf(progress, "[%d/%d] %s", count, len(code), firstLine(string(c.Source)))
		rec.cell = c
		started := time.Now()
		var timedOut atomic.Bool
		var limit *time.Timer
		cellLimit := opts.CellLimit
		if opts.LimitOf != nil {
			if l := opts.LimitOf(c); l > 0 {
				cellLimit = l
			}
		}
		if cellLimit > 0 {
			limit = time.AfterFunc(cellLimit, func() { timedOut.Store(true); sup.Interrupt() })
		}
		res := sup.Execute(string(c.Source), false, nil, rec.sink(c))
		if limit != nil {
			limit.Stop()
		}
		if timedOut.Load() && res.Status == protocol.StatusError {
			why := fmt.Sprintf("the cell ran longer than %v, so it was interrupted and the cells after it ran on", cellLimit)
			res.Error = &protocol.Error{Name: "timeout", Value: why, Traceback: append([]string{failure.Red("Timeout: ") + why}, res.Error.Traceback...)}
		}
		took := time.Since(started).Round(time.Millisecond)
		if res.Status == protocol.StatusError {
			fmt.Fprintf(progress, "  (%v, %s: %s)\n", took, res.Error.Name, res.Error.Value)
		} else {
			fmt.Fprintf(progress, "  (%v)\n", took)
		}
		if res.Status == protocol.StatusOK && len(res.Data) > 0 {
			rec.add(notebook.Output{"output_type": "execute_result", "execution_count": n, "data": res.Data, "metadata": map[string]any{}})
		}
		if res.Status == protocol.StatusError {
			rec.add(notebook.Output{"output_type": "error", "ename": res.Error.Name, "evalue": res.Error.Value, "traceback": res.Error.Traceback})
			if !c.HasTag("raises-exception") {
				failures = append(failures, &CellError{Index: i, Count: n, Err: res.Error, Source: firstLine(string(c.Source)), TimedOut: timedOut.Load()})
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

// recorder turns a running cell's outputs into nbformat outputs, as
// nbclient does: consecutive stream text of one name is merged, display
// updates replace earlier outputs with the same display id, and
// clear_output empties the cell (at once, or at the next output).
type recorder struct {
	cell         *notebook.Cell
	clearPending bool
	byDisplayID  map[string][]outputRef
}

type outputRef struct {
	cell  *notebook.Cell
	index int
}

// sink records the outputs of cell c. Text that goroutines of c print
// after c has ended is recorded in c too, where a reader looks for it.
func (r *recorder) sink(c *notebook.Cell) *supervisor.Sink {
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
			c.Outputs = append(c.Outputs, notebook.Output{"output_type": "stream", "name": name, "text": text})
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
					r.cell.Outputs = []notebook.Output{}
				}
			case "update":
				for _, ref := range r.byDisplayID[o.DisplayID] {
					if ref.index < len(ref.cell.Outputs) {
						ref.cell.Outputs[ref.index]["data"] = o.Data
						ref.cell.Outputs[ref.index]["metadata"] = meta
					}
				}
			default:
				r.add(notebook.Output{"output_type": "display_data", "data": o.Data, "metadata": meta})
				if o.DisplayID != "" {
					r.byDisplayID[o.DisplayID] = append(r.byDisplayID[o.DisplayID], outputRef{r.cell, len(r.cell.Outputs) - 1})
				}
			}
		},
	}
}

func (r *recorder) flushClear() {
	if r.clearPending {
		r.cell.Outputs = []notebook.Output{}
		r.clearPending = false
	}
}

func (r *recorder) add(o notebook.Output) {
	r.flushClear()
	r.cell.Outputs = append(r.cell.Outputs, o)
}

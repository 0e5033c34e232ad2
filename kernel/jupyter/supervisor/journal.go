package supervisor

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// journal is the notebook's journal: for each cell the current worker ran
// that declares something, in order, what the worker said it declares and
// the source a new worker replays of it (protocol.Event.Replay: imports,
// plain top-level variables, declarations; never other statements). A
// restart, a changed type and a golab/proc child all replay it, in the
// worker, by the same rules (worker.restore). The kernel process keeps it
// without parsing it, and must not hold it all in memory for good (25
// cells of 4 MB took it to 340 MB, outside the worker's memory limit): the
// first journalInMemory bytes stay in memory, and every cell past them is
// written to a file in the kernel's private directory, read back only when
// a worker is replaced.
type journal struct {
	dir     string // where cells past the memory budget go
	entries []journalEntry
	inMem   int   // bytes of code held in memory
	written int64 // files written so far, to name them
}

// journalEntry is one cell: its replay source, or the file that holds it,
// and what the worker said it declares.
type journalEntry struct {
	code     string
	file     string
	failed   bool
	declared []protocol.Declaration
}

// declaredCell is what the worker said of a cell (protocol.EvDeclared).
type declaredCell struct {
	replay, vars string
	names        []protocol.Declaration
}

// source is the cell's entry as a new worker replays it. The top-level
// variables of a cell that failed are left out: they may never have been
// set (the cell was refused), and one that ended the worker (an
// allocation, say) would end the next worker too.
func (d declaredCell) source(failed bool) string {
	if failed || d.vars == "" {
		return d.replay
	}
	return d.replay + "\n" + d.vars
}

// journalInMemory is how many bytes of cell code the journal keeps in
// memory; the rest is on disk.
const journalInMemory = 4 << 20

// add records a cell that declares something. A cell that cannot be
// written to disk is kept in memory rather than lost.
func (j *journal) add(d declaredCell, failed, dropVars bool) {
	if d.replay == "" && d.vars == "" && len(d.names) == 0 {
		return // statements only: nothing to replay
	}
	code, declared := d.source(dropVars), d.names
	e := journalEntry{code: code, failed: failed, declared: declared}
	if j.inMem+len(code) > journalInMemory && j.dir != "" {
		j.written++
		name := filepath.Join(j.dir, fmt.Sprintf("cell-%d.go", j.written))
		if err := os.WriteFile(name, []byte(code), 0o600); err == nil {
			e = journalEntry{file: name, failed: failed, declared: declared}
		}
	}
	if e.file == "" {
		j.inMem += len(code)
	}
	j.entries = append(j.entries, e)
}

// cells returns every cell's code and the indexes of those that failed.
// A cell whose file cannot be read is returned empty, with the error.
func (j *journal) cells() (codes []string, failed []int, err error) {
	for i, e := range j.entries {
		code := e.code
		if e.file != "" {
			b, readErr := os.ReadFile(e.file)
			if readErr != nil && err == nil {
				err = fmt.Errorf("read cell %d of the notebook's journal: %w", i+1, readErr)
			}
			code = string(b)
		}
		codes = append(codes, code)
		if e.failed {
			failed = append(failed, i)
		}
	}
	return codes, failed, err
}

// declared returns what the cells declare, cell by cell, first cell first.
func (j *journal) declared() [][]protocol.Declaration {
	out := make([][]protocol.Declaration, len(j.entries))
	for i, e := range j.entries {
		out[i] = e.declared
	}
	return out
}

// reset forgets every cell and removes their files.
func (j *journal) reset() {
	for _, e := range j.entries {
		if e.file != "" {
			_ = os.Remove(e.file)
		}
	}
	*j = journal{dir: j.dir, written: j.written}
}

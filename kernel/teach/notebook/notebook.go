// Package notebook reads and writes Jupyter notebooks (nbformat 4), keeping
// the fields golab does not touch as they were. It knows nothing of
// running them: package runner does that.
package notebook

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
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

// AnswerSuffix ends the nbgrader grade_id of an exercise's answer cell.
const AnswerSuffix = "-answer"

// Exercise returns the name of the exercise a lesson cell belongs to (its
// "golab" metadata, or for an answer cell nbgrader released, its
// grade_id), or "".
func (c *Cell) Exercise() string {
	var meta struct {
		Golab struct {
			Exercise string `json:"exercise"`
		} `json:"golab"`
		Nbgrader struct {
			GradeID string `json:"grade_id"`
		} `json:"nbgrader"`
	}
	if len(c.Metadata) == 0 || json.Unmarshal(c.Metadata, &meta) != nil {
		return ""
	}
	if meta.Golab.Exercise != "" {
		return meta.Golab.Exercise
	}
	// An answer cell of golab lesson build -nbgrader, as nbgrader releases
	// it: its grade_id is the exercise's name and "-answer".
	name, ok := strings.CutSuffix(meta.Nbgrader.GradeID, AnswerSuffix)
	if ok {
		return name
	}
	return ""
}
